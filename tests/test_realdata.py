"""The engine on real District 2 data: 11 wards, the OSM road skeleton, the 2017 traffic cameras."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
import shapely.ops

from coverage.fov import fov_polygons
from coverage.network import OUTSIDE_WARDS, road_segments
from coverage.routes import route_coverage
from geodata.io.crs import working_crs
from geodata.layers.cameras import load_cameras
from geodata.layers.roads import load_roads
from geodata.layers.wards import load_wards


@pytest.fixture(scope="module")
def real(shared_geodata, tmp_path_factory):
    wards = load_wards(shared_geodata / "quan2_wards_cityscope.geojson")
    crs = working_crs(wards)
    roads = load_roads(
        shared_geodata / "hcmc_major_roads_osm2021_cslhcmc_q2clip.geojson", working=crs
    )
    traffic = gpd.read_file(shared_geodata / "hcmc_traffic_cameras_2017.geojson")
    traffic = traffic[traffic["district"] == "Quận 2"]
    table = pd.DataFrame(
        {
            "camera_id": traffic["code"].astype(str),
            "lat": traffic.geometry.y,
            "lon": traffic.geometry.x,
            "bearing_deg": traffic["angle"],
            "fov_deg": np.where(traffic["angle"].isna(), 360.0, 60.0),
            "range_m": 50.0,
        }
    )
    path = tmp_path_factory.mktemp("real") / "traffic_cameras.csv"
    table.to_csv(path, index=False)
    cameras = load_cameras(path, working=crs)
    return wards, roads, cameras


def test_real_wards_and_cameras_load_into_utm_48n(real):
    wards, _roads, cameras = real
    assert wards.crs.to_epsg() == 32648
    assert len(wards) == 11
    assert wards.area.sum() / 1e6 == pytest.approx(49.94, abs=0.05)
    assert len(cameras) == 30


def test_traffic_cameras_near_the_skeleton_see_it(real):
    # 25 of the 30 cameras lie within 27 m of a road line: a 27 m dome there sees some road.
    _wards, roads, cameras = real
    segments = road_segments(roads)
    domes = cameras.assign(fov_deg=360.0, range_m=27.0, bearing_deg=0.0)
    sees_road = [
        route_coverage(segments, domes.iloc[[i]]).total_covered_m > 0 for i in range(len(domes))
    ]
    assert sum(sees_road) == 25


def test_real_coverage_is_exact_and_adds_up_per_ward(real):
    wards, roads, cameras = real
    result = route_coverage(road_segments(roads, wards=wards), cameras)
    views = shapely.union_all(fov_polygons(cameras, arc_step_deg=0.1).to_numpy())
    polygon_m = shapely.length(shapely.intersection(roads.geometry.to_numpy(), views)).sum()
    assert result.total_covered_m > 1000
    assert result.total_covered_m == pytest.approx(polygon_m, rel=1e-3)
    by_ward = result.by_ward()
    inside = by_ward[by_ward["ward"] != OUTSIDE_WARDS]
    crossed = (
        shapely.length(
            shapely.intersection(
                wards.geometry.to_numpy(), shapely.union_all(roads.geometry.to_numpy())
            )
        )
        > 0
    )
    assert set(inside["ward"]) == set(wards.loc[crossed, "ward_name"])
    assert by_ward["length_m"].sum() == pytest.approx(result.length_m)
    clipped_m = shapely.length(
        shapely.intersection(roads.geometry.to_numpy(), wards.geometry.union_all())
    ).sum()
    assert inside["length_m"].sum() == pytest.approx(clipped_m, rel=1e-9)


def test_every_metre_of_the_real_roads_belongs_to_one_ward_or_none(real):
    wards, roads, cameras = real
    segments = road_segments(roads, wards=wards)
    by_ward = route_coverage(segments, cameras).by_ward()
    assert segments.length_m.sum() == pytest.approx(roads.length.sum(), rel=1e-9)
    assert by_ward["length_m"].sum() == pytest.approx(roads.length.sum(), rel=1e-9)


def test_a_road_on_the_an_phu_thao_dien_boundary_counts_once(real):
    wards, _roads, _cameras = real
    an_phu, thao_dien = (
        wards.loc[wards["ward_name"] == name].geometry.iloc[0] for name in ("An Phú", "Thảo Điền")
    )
    shared = shapely.line_merge(shapely.intersection(an_phu.boundary, thao_dien.boundary))
    road_line = shapely.ops.substring(shared, 1000.0, 1322.5)
    road = gpd.GeoDataFrame({"road_name": ["ranh giới"]}, geometry=[road_line], crs=wards.crs)
    middle = road_line.interpolate(0.5, normalized=True)
    camera = gpd.GeoDataFrame(
        {"bearing_deg": [0.0], "fov_deg": [360.0], "range_m": [40.0], "status": ["active"]},
        geometry=[middle],
        crs=wards.crs,
    )
    result = route_coverage(road_segments(road, wards=wards), camera)
    assert result.length_m == pytest.approx(322.5, abs=1e-6)
    table = result.by_ward()
    assert table["ward"].tolist() == ["Thảo Điền"]  # the first of the two in the file
    alone = route_coverage(road_segments(road), camera)
    assert result.total_covered_m == pytest.approx(alone.total_covered_m, abs=1e-6)
    assert result.pieces(seen=False)["length_m"].sum() == pytest.approx(
        322.5 - alone.total_covered_m, abs=1e-6
    )
