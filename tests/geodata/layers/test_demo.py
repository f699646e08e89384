"""Tests of the built-in demo dataset "Quận 2 (demo)" (geodata/layers/demo.py)."""

import re
import unicodedata

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from geodata.layers import demo
from geodata.layers.contract import (
    BUILDING_COLUMNS,
    CAMERA_COLUMNS,
    CAMERA_SPEC_COLUMNS,
    CAMERA_STATUSES,
    HOTSPOT_COLUMNS,
    ROAD_COLUMNS,
    WARD_COLUMNS,
)

EXPECTED_WARDS = {
    "27088": "Thảo Điền",
    "27091": "An Phú",
    "27094": "Bình An",
    "27097": "Bình Trưng Đông",
    "27100": "Bình Trưng Tây",
    "27103": "Bình Khánh",
    "27106": "An Khánh",
    "27109": "Cát Lái",
    "27112": "Thạnh Mỹ Lợi",
    "27115": "An Lợi Đông",
    "27118": "Thủ Thiêm",
}
EXPECTED_KEY_ROUTES = {
    "Mai Chí Thọ",
    "Xa lộ Hà Nội",
    "Đồng Văn Cống",
    "Nguyễn Thị Định",
    "Lương Định Của",
    "Trần Não",
    "Nguyễn Duy Trinh",
    "Vành đai Đông",
}
OLD_WARDS = ("Thảo Điền", "An Phú", "Bình An", "An Khánh")


@pytest.fixture(scope="module")
def dataset():
    return demo.build_demo()


@pytest.fixture(scope="module")
def district(dataset):
    return shapely.union_all(dataset.wards.geometry.to_numpy())


def ward_of(dataset, name):
    return dataset.wards.loc[dataset.wards["ward_name"] == name, "geometry"].item()


def hotspot(dataset, name):
    return dataset.hotspots.loc[dataset.hotspots["hotspot_name"] == name, "geometry"].item()


def test_dataset_is_the_demo(dataset):
    assert dataset.name == demo.DEMO_NAME == "Quận 2 (demo)"
    assert dataset.is_demo
    assert dataset.key_routes == demo.KEY_ROUTES
    assert set(demo.KEY_ROUTES) == EXPECTED_KEY_ROUTES
    assert dataset.crs.to_epsg() == 32648
    assert set(dataset.key_roads()["road_name"]) == EXPECTED_KEY_ROUTES


@pytest.mark.parametrize(
    ("frame", "columns", "extra"),
    [
        ("wards", WARD_COLUMNS, ()),
        ("roads", ROAD_COLUMNS, ()),
        ("hotspots", HOTSPOT_COLUMNS, ()),
        ("cameras", CAMERA_COLUMNS, CAMERA_SPEC_COLUMNS),
        ("buildings", BUILDING_COLUMNS, ()),
    ],
)
def test_frames_follow_the_contract(dataset, frame, columns, extra):
    gdf = getattr(dataset, frame)
    assert list(gdf.columns) == [*columns, *extra, "geometry"]
    assert gdf.geometry.name == "geometry"
    assert gdf.crs.to_epsg() == 32648
    assert isinstance(gdf.index, pd.RangeIndex)
    assert gdf.index.equals(pd.RangeIndex(len(gdf)))
    assert gdf.geometry.is_valid.all()
    assert not gdf.geometry.is_empty.any()
    assert gdf.drop(columns=list(extra)).notna().all().all()  # the extra may be unknown


def test_wards_have_the_official_codes_and_names(dataset):
    assert dict(zip(dataset.wards["ward_code"], dataset.wards["ward_name"], strict=True)) == (
        EXPECTED_WARDS
    )
    assert {code: name for code, name, _, _ in demo.WARDS} == EXPECTED_WARDS
    assert set(dataset.wards.geom_type) <= {"Polygon", "MultiPolygon"}


def test_each_ward_contains_its_centre(dataset):
    codes, _, lats, lons = zip(*demo.WARDS, strict=True)
    centres = gpd.GeoSeries(gpd.points_from_xy(lons, lats), crs="EPSG:4326").to_crs("EPSG:32648")
    wards = dataset.wards.set_index("ward_code").geometry
    for code, centre in zip(codes, centres, strict=True):
        assert wards[code].contains(centre), code


def test_wards_tile_the_district_without_gaps_or_overlaps(dataset, district):
    outline = demo._district_outline()
    areas_m2 = dataset.wards.area
    assert district.area == pytest.approx(outline.area, abs=1.0)
    assert areas_m2.sum() == pytest.approx(district.area, abs=1.0)
    assert district.geom_type == "Polygon"
    assert len(district.interiors) == 0
    assert 48e6 <= areas_m2.sum() <= 52e6


def test_demo_lies_in_former_district_2(dataset):
    for frame in (
        dataset.wards,
        dataset.roads,
        dataset.hotspots,
        dataset.cameras,
        dataset.buildings,
    ):
        lon_min, lat_min, lon_max, lat_max = frame.to_crs("EPSG:4326").total_bounds
        assert 106.70 <= lon_min <= lon_max <= 106.82
        assert 10.735 <= lat_min <= lat_max <= 10.825


def test_key_routes_cross_the_district(dataset, district):
    roads = dataset.roads
    for name in EXPECTED_KEY_ROUTES:
        route = roads[roads["road_name"] == name]
        assert route.length.sum() > 1_000, name
        assert route.within(district.buffer(0.01)).all(), name


def test_roads_are_plain_lines_clipped_to_the_district(dataset, district):
    roads = dataset.roads
    assert set(roads.geom_type) == {"LineString"}
    assert (roads.length > 0).all()
    assert roads.within(district.buffer(0.01)).all()
    assert 150_000 <= roads.length.sum() <= 300_000


def test_roads_have_a_vertex_at_least_every_50_m(dataset):
    xy, road = shapely.get_coordinates(dataset.roads.geometry.to_numpy(), return_index=True)
    segments_m = np.linalg.norm(np.diff(xy, axis=0), axis=1)[np.diff(road) == 0]
    assert segments_m.max() <= 50.0 + 1e-6
    assert segments_m.min() > 0


def test_roads_include_local_named_and_numbered_streets(dataset):
    names = set(dataset.roads["road_name"])
    assert {"Thảo Điền", "Quốc Hương", "Tố Hữu", "Nguyễn Hoàng", "Trương Văn Bang"} <= names
    assert not {"Thảo Điền", "Quốc Hương"} & set(demo.KEY_ROUTES)
    numbered = [name for name in names if name.startswith("Đường số ")]
    assert len(numbered) > 100
    assert all(re.fullmatch(r"Đường số \d+", name) for name in numbered)


def test_hotspots(dataset, district):
    hotspots = dataset.hotspots
    assert (hotspots["weight"] > 0).all()
    assert hotspots.within(district).all()
    kinds = dict(zip(hotspots["hotspot_name"], hotspots["hotspot_kind"], strict=True))
    assert kinds["Khu công nghiệp Cát Lái"] == "industrial"
    assert kinds["Cảng Cát Lái"] == "port"
    assert kinds["Khu đô thị mới Thủ Thiêm"] == "urban"
    markets = hotspots[hotspots["hotspot_kind"] == "market"]
    assert len(markets) == 4
    assert (markets["weight"] == 1).all()
    assert 0.8e6 <= hotspot(dataset, "Khu công nghiệp Cát Lái").area <= 1.2e6


def test_cat_lai_industrial_zone_and_port_are_in_cat_lai_ward(dataset):
    cat_lai = ward_of(dataset, "Cát Lái")
    assert hotspot(dataset, "Khu công nghiệp Cát Lái").within(cat_lai)
    assert hotspot(dataset, "Cảng Cát Lái").within(cat_lai)


def test_thu_thiem_urban_area_is_most_of_thu_thiem_ward(dataset):
    thu_thiem = ward_of(dataset, "Thủ Thiêm")
    urban_area = hotspot(dataset, "Khu đô thị mới Thủ Thiêm")
    assert urban_area.within(thu_thiem)
    assert urban_area.area > 0.5 * thu_thiem.area


@pytest.mark.parametrize(
    ("market", "ward"),
    [
        ("Chợ Thạnh Mỹ Lợi", "Thạnh Mỹ Lợi"),
        ("Chợ Bình Trưng", "Bình Trưng Đông"),
        ("Chợ An Khánh", "An Khánh"),
        ("Chợ Thảo Điền", "Thảo Điền"),
    ],
)
def test_markets_are_small_discs_on_roads_in_their_ward(dataset, market, ward):
    disc = hotspot(dataset, market)
    assert disc.within(ward_of(dataset, ward))
    assert np.pi * 60**2 * 0.98 <= disc.area <= np.pi * 100**2
    assert dataset.roads.distance(disc.centroid).min() < 0.01


def test_cameras_values_follow_the_contract(dataset):
    cameras = dataset.cameras
    assert 1_900 <= len(cameras) <= 2_100
    assert cameras["camera_id"].is_unique
    assert cameras["camera_id"].str.fullmatch(r"Q2-\d{5}").all()
    assert set(cameras["camera_type"]) == {"dome", "bullet"}
    assert set(cameras["status"]) == set(CAMERA_STATUSES)
    assert set(cameras.geom_type) == {"Point"}
    assert cameras["bearing_deg"].between(0, 360, inclusive="left").all()
    assert cameras["fov_deg"].between(0, 360, inclusive="right").all()
    assert (cameras["range_m"] > 0).all()
    for column in ("bearing_deg", "fov_deg", "range_m"):
        assert np.allclose(cameras[column] * 10, np.round(cameras[column] * 10)), column
    xy = shapely.get_coordinates(cameras.geometry.to_numpy())
    assert np.allclose(xy * 100, np.round(xy * 100), rtol=0, atol=1e-3)


def test_domes_and_bullets(dataset):
    cameras = dataset.cameras
    domes = cameras[cameras["camera_type"] == "dome"]
    bullets = cameras[cameras["camera_type"] == "bullet"]
    assert 0.30 <= len(domes) / len(cameras) <= 0.50
    assert 0.50 <= len(bullets) / len(cameras) <= 0.70
    assert (domes["fov_deg"] == 360).all()
    assert (domes["bearing_deg"] == 0).all()
    assert domes["range_m"].between(10, 20).all()
    assert bullets["fov_deg"].between(60, 100).all()
    assert bullets["range_m"].between(20, 60).all()


def test_camera_statuses_are_mostly_active(dataset):
    shares = dataset.cameras["status"].value_counts(normalize=True)
    assert 0.85 <= shares["active"] <= 0.95
    assert 0.03 <= shares["broken"] <= 0.11
    assert 0.01 <= shares["removed"] <= 0.06


def test_each_camera_names_the_ward_that_contains_it(dataset):
    cameras = dataset.cameras
    joined = gpd.sjoin(
        cameras[["camera_id", "geometry"]], dataset.wards, predicate="within", how="left"
    )
    assert joined.index.is_unique  # no camera in two wards
    assert joined["ward_name"].notna().all()  # none outside the district
    assert (joined["ward_name"] == cameras["ward_name"]).all()


def test_cameras_are_set_back_from_a_road(dataset):
    roads = shapely.union_all(dataset.roads.geometry.to_numpy())
    distance_m = shapely.distance(roads, dataset.cameras.geometry.to_numpy())
    assert distance_m.min() >= 3.0
    assert distance_m.max() <= 12.01


def test_bullets_look_at_the_road(dataset):
    bullets = dataset.cameras[dataset.cameras["camera_type"] == "bullet"]
    xy = shapely.get_coordinates(bullets.geometry.to_numpy())
    bearing_rad = np.radians(bullets["bearing_deg"].to_numpy())
    # A camera 12 m from the road, looking 60° off square, meets it 24 m away.
    sight = shapely.linestrings(
        np.stack([xy, xy + 25.0 * np.column_stack([np.sin(bearing_rad), np.cos(bearing_rad)])], 1)
    )
    sees_a_road, _ = shapely.STRtree(dataset.roads.geometry.to_numpy()).query(
        sight, predicate="intersects"
    )
    assert len(np.unique(sees_a_road)) / len(bullets) > 0.98  # a few look past a dead end


def test_cameras_are_denser_on_key_routes(dataset):
    cameras = dataset.cameras.geometry.to_numpy()
    key_roads = dataset.key_roads()
    near_key_route = shapely.distance(shapely.union_all(key_roads.geometry.to_numpy()), cameras)
    per_km_on_key_routes = (near_key_route <= 12.01).sum() / (key_roads.length.sum() / 1e3)
    per_km_overall = len(cameras) / (dataset.roads.length.sum() / 1e3)
    assert per_km_on_key_routes > 1.5 * per_km_overall


def test_build_is_deterministic(dataset):
    again = demo.build_demo()
    for frame in ("wards", "roads", "hotspots", "cameras", "buildings"):
        assert_geodataframe_equal(getattr(again, frame), getattr(dataset, frame))


def test_another_seed_draws_other_cameras_on_the_same_district(dataset):
    other = demo.build_demo(seed=1)
    assert_geodataframe_equal(other.wards, dataset.wards)
    assert_geodataframe_equal(other.roads, dataset.roads)
    assert_geodataframe_equal(other.hotspots, dataset.hotspots)
    assert_geodataframe_equal(other.buildings, dataset.buildings)
    assert len(other.cameras) == len(dataset.cameras)
    assert other.cameras.geometry.geom_equals(dataset.cameras.geometry).mean() < 0.01
    assert not other.cameras["camera_type"].equals(dataset.cameras["camera_type"])


def test_vietnamese_text_is_nfc(dataset):
    texts = [demo.DEMO_NAME, *demo.KEY_ROUTES]
    texts += [name for _, name, _, _ in demo.WARDS]
    for frame in (dataset.wards, dataset.roads, dataset.hotspots, dataset.cameras):
        for column in frame.columns.drop("geometry"):
            if frame[column].dtype != float:
                texts += frame[column].unique().tolist()
    assert all(unicodedata.is_normalized("NFC", text) for text in texts)
    assert "Thạnh Mỹ Lợi" in texts


def test_cameras_carry_a_resolution_and_a_mount_height_unless_unknown(dataset):
    cameras = dataset.cameras
    unknown = cameras["horizontal_px"].isna()
    assert (cameras["mount_height_m"].isna() == unknown).all()
    assert 0.10 <= unknown.mean() <= 0.20
    known = cameras[~unknown]
    assert set(known["horizontal_px"]) == {1920.0, 2560.0}  # 2 MP and 4 MP
    assert (known["horizontal_px"] == 1920).mean() > 0.6
    assert known["mount_height_m"].between(3.0, 4.0).all()
    assert np.allclose(known["mount_height_m"] * 10, np.round(known["mount_height_m"] * 10))


def test_buildings_are_shop_houses_and_large_blocks_in_the_district(dataset, district):
    buildings = dataset.buildings
    assert 10_000 <= len(buildings) <= 25_000
    assert set(buildings.geom_type) == {"Polygon"}
    assert buildings.within(district).all()
    corners = shapely.get_coordinates(buildings.geometry.to_numpy()).reshape(-1, 5, 2)
    sides_m = np.sort(np.linalg.norm(np.diff(corners, axis=1), axis=2)[:, :2], axis=1)
    house = sides_m[:, 1] <= 20.1
    assert house.mean() > 0.95
    assert ((sides_m[house, 0] >= 3.98) & (sides_m[house, 0] <= 5.02)).all()  # wide
    assert ((sides_m[house, 1] >= 11.98) & (sides_m[house, 1] <= 20.02)).all()  # deep
    assert set(buildings.loc[house, "height_m"]) == {6.0, 9.0, 12.0, 15.0}  # 2–5 storeys
    assert ((sides_m[~house] >= 29.98) & (sides_m[~house] <= 120.02)).all()
    assert buildings["height_m"].between(6.0, 45.0).all()


def test_no_building_stands_on_a_road(dataset):
    near, _ = shapely.STRtree(dataset.roads.geometry.to_numpy()).query(
        dataset.buildings.geometry.to_numpy(), predicate="dwithin", distance=1.0
    )
    assert len(near) == 0


def test_buildings_do_not_overlap(dataset):
    footprints = dataset.buildings.geometry.to_numpy()
    first, second = shapely.STRtree(footprints).query(footprints, predicate="intersects")
    pair = first < second
    first, second = first[pair], second[pair]
    assert len(first) > 1_000  # neighbours in a row share a party wall ...
    assert not shapely.relate_pattern(footprints[first], footprints[second], "T********").any()


@pytest.mark.parametrize("area", ["Khu công nghiệp Cát Lái", "Cảng Cát Lái"])
def test_the_industrial_zone_and_the_port_hold_large_blocks_only(dataset, area):
    buildings = dataset.buildings[dataset.buildings.intersects(hotspot(dataset, area))]
    assert len(buildings) >= 20
    assert (buildings.area >= 30.0 * 30.0 - 1).all()
    assert buildings["height_m"].between(8.0, 12.0).all()


def test_thu_thiem_new_urban_area_is_open_land(dataset):
    buildings = dataset.buildings

    def per_km2(area):
        return buildings.intersects(area).sum() / (area.area / 1e6)

    urban_area = hotspot(dataset, "Khu đô thị mới Thủ Thiêm")
    old_wards = shapely.union_all([ward_of(dataset, name) for name in OLD_WARDS])
    assert buildings.intersects(urban_area).sum() <= 10
    assert per_km2(old_wards) > 300
    assert per_km2(urban_area) < 0.02 * per_km2(old_wards)


def test_household_cameras_stand_on_facades_or_in_the_open(dataset):
    cameras = dataset.cameras.geometry.to_numpy()
    footprints = dataset.buildings.geometry.to_numpy()
    inside, _ = shapely.STRtree(footprints).query(cameras, predicate="intersects")
    assert len(inside) == 0
    on_wall, _ = shapely.STRtree(footprints).query(cameras, predicate="dwithin", distance=0.5)
    on_facade = np.isin(np.arange(len(cameras)), on_wall)
    active = dataset.cameras["status"].to_numpy() == "active"
    assert on_facade[active].mean() > 0.85  # the rest stand in gaps between houses
    wall_m = shapely.distance(shapely.union_all(shapely.boundary(footprints)), cameras[on_facade])
    # 0.2 m in front of the wall; less where the wall met is not square on to the road
    assert (np.abs(wall_m - 0.2) <= 0.01).mean() > 0.95
