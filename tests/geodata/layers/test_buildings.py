"""Loading the buildings layer: footprints, heights from metres or storeys, OSM exports."""

from __future__ import annotations

import json
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyproj
import pytest
from shapely.geometry import Point, Polygon, box

from geodata.errors import FileCRSError, InputError, SchemaError
from geodata.layers.buildings import LEVEL_HEIGHT_M, empty_buildings, load_buildings
from geodata.layers.contract import BUILDING_COLUMNS
from geodata.layers.loadreport import LoadReport
from tests.layer_files import (
    FORMATS,
    UTM48N,
    assert_contract,
    same_shapes,
    write,
    write_without_crs,
)

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "geodata"

# Two footprints in An Phú, about 55 m × 33 m and 22 m × 22 m.
BUILDINGS = gpd.GeoDataFrame(
    {"height_m": [12.0, 25.5]},
    geometry=[box(106.7450, 10.8000, 106.7455, 10.8003), box(106.7460, 10.8000, 106.7462, 10.8002)],
    crs=4326,
)


def footprints(count: int) -> list[Polygon]:
    """``count`` 10 m squares in a row, in EPSG:32648 metres (Thủ Thiêm)."""
    return [box(688_000 + 20 * i, 1_191_000, 688_010 + 20 * i, 1_191_010) for i in range(count)]


def osm_export(folder: Path) -> Path:
    """A GeoJSON file as overpass-turbo exports buildings: tags as properties, mixed geometry."""

    def feature(osm_id, tags, geometry):
        properties = {"@id": osm_id, **tags}
        return {"type": "Feature", "id": osm_id, "properties": properties, "geometry": geometry}

    def square(lon):
        ring = [[lon, 10.80], [lon + 0.0002, 10.80], [lon + 0.0002, 10.8002], [lon, 10.8002]]
        return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}

    features = [
        feature("way/1", {"building": "yes", "building:levels": "4"}, square(106.7450)),
        feature("way/2", {"building": "no", "amenity": "parking"}, square(106.7455)),
        feature("way/3", {"building": "apartments", "height": "20 m"}, square(106.7460)),
        feature("node/4", {"entrance": "main"}, {"type": "Point", "coordinates": [106.7451, 10.8]}),
        feature(
            "way/5",
            {"barrier": "fence"},
            {"type": "LineString", "coordinates": [[106.7450, 10.7999], [106.7465, 10.7999]]},
        ),
    ]
    path = folder / "export.geojson"
    collection = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(collection), encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", FORMATS)
def test_load_buildings_reads_footprints_and_heights_in_every_format(tmp_path, fmt):
    buildings = load_buildings(write(BUILDINGS, tmp_path, fmt))
    assert_contract(buildings, BUILDING_COLUMNS)
    assert list(buildings["height_m"]) == [12.0, 25.5]
    assert set(buildings.geom_type) == {"Polygon"}
    np.testing.assert_allclose(buildings.area, BUILDINGS.to_crs(UTM48N).area, rtol=1e-9)


def test_load_buildings_takes_heights_from_storeys_where_no_height_is_given(tmp_path):
    frame = gpd.GeoDataFrame(
        {"chieu_cao": [9.5, None, None], "số tầng": [2, 4, None]},
        geometry=footprints(3),
        crs=UTM48N,
    )
    report = LoadReport()
    buildings = load_buildings(write(frame, tmp_path, "gpkg", stem="nha"), report=report)
    np.testing.assert_array_equal(buildings["height_m"], [9.5, 4 * LEVEL_HEIGHT_M, np.nan])
    assert report.lines() == [
        "nha.gpkg: 1 height(s) estimated as storeys × 3 m",
        "nha.gpkg: 1 building(s) with neither a height nor a number of storeys: their height_m "
        "is unknown (NaN)",
    ]


def test_load_buildings_reads_heights_with_a_unit_or_a_decimal_comma(tmp_path):
    frame = gpd.GeoDataFrame(
        {"height": ["12 m", "12,5", "7.5m", "30 M"]}, geometry=footprints(4), crs=UTM48N
    )
    buildings = load_buildings(write(frame, tmp_path, "geojson"))
    assert list(buildings["height_m"]) == [12.0, 12.5, 7.5, 30.0]


def test_load_buildings_without_height_columns_leaves_heights_unknown(tmp_path):
    frame = gpd.GeoDataFrame({"use": ["shop", "home"]}, geometry=footprints(2), crs=UTM48N)
    report = LoadReport()
    buildings = load_buildings(write(frame, tmp_path, "geojson", stem="nha"), report=report)
    assert buildings["height_m"].isna().all()
    assert report.lines() == [
        "nha.geojson: no height or storeys column (looked for height_m, height, chieu_cao, "
        "chiều cao, building:levels, levels, so_tang, số tầng); every height_m is unknown "
        "(NaN); pass height_field=... or levels_field=... if the heights are in other columns"
    ]


def test_load_buildings_refuses_bad_heights_and_storeys_all_at_once(tmp_path):
    frame = gpd.GeoDataFrame(
        {"height": ["12", "-3 m", "cao", "0", None], "levels": [None, None, None, None, "two"]},
        geometry=footprints(5),
        crs=UTM48N,
    )
    path = write(frame, tmp_path, "geojson", stem="nha")
    with pytest.raises(
        InputError,
        match=r"nha\.geojson: 4 problems to fix before it can be loaded:\n"
        r"  - feature 2, column height: expected a height in metres > 0, found '-3 m'; "
        r"give the building's height above ground in metres .*\n"
        r"  - feature 3, column height: .*found 'cao'.*\n"
        r"  - feature 4, column height: .*found '0'.*\n"
        r"  - feature 5, column levels: expected a number of storeys > 0, found 'two'; "
        r"give the number of storeys",
    ):
        load_buildings(path)


def test_load_buildings_refuses_a_height_field_that_is_not_there(tmp_path):
    frame = gpd.GeoDataFrame({"Height": [10.0]}, geometry=footprints(1), crs=UTM48N)
    path = write(frame, tmp_path, "geojson", stem="nha")
    with pytest.raises(
        SchemaError,
        match=r"expected a height \(metres\) column 'cao_m' \(height_field=\), "
        r"found only the columns Height; pass height_field= with one of those columns",
    ):
        load_buildings(path, height_field="cao_m")


def test_load_buildings_reads_an_openstreetmap_export(tmp_path):
    report = LoadReport()
    buildings = load_buildings(osm_export(tmp_path), report=report)
    assert_contract(buildings, BUILDING_COLUMNS)
    assert list(buildings["height_m"]) == [12.0, 20.0]
    assert set(buildings.geom_type) == {"Polygon"}
    assert report.lines() == [
        "export.geojson: left out 2 point and line feature(s): only polygons are building "
        "footprints",
        "export.geojson: left out 1 feature(s) tagged building=no",
        "export.geojson: 1 height(s) estimated as storeys × 3 m",
    ]
    assert report.lines("vi")[:2] == [
        "export.geojson: bỏ 2 đối tượng dạng điểm hoặc đường: chỉ đa giác mới là mặt bằng tòa nhà",
        "export.geojson: bỏ 1 đối tượng có thẻ building=no (không phải tòa nhà)",
    ]


def test_load_buildings_refuses_a_file_of_points_only(tmp_path):
    frame = gpd.GeoDataFrame(
        {"height": [10.0, 20.0]}, geometry=[Point(106.745, 10.80), Point(106.746, 10.80)], crs=4326
    )
    path = write(frame, tmp_path, "geojson", stem="nha")
    with pytest.raises(
        SchemaError,
        match=r"nha\.geojson: 1 problem to fix before it can be loaded:\n"
        r"  - expected building footprints \(Polygon or MultiPolygon\), found only Point "
        r"features; export the buildings as polygons",
    ):
        load_buildings(path)


def test_load_buildings_refuses_a_file_where_no_polygon_is_a_building(tmp_path):
    frame = gpd.GeoDataFrame({"building": ["no", "No"]}, geometry=footprints(2), crs=UTM48N)
    path = write(frame, tmp_path, "geojson", stem="nha")
    with pytest.raises(InputError, match=r"nha\.geojson: every footprint is tagged building=no"):
        load_buildings(path)


def test_load_buildings_repairs_a_self_intersecting_footprint(tmp_path):
    bowtie = Polygon([(688_000, 1_191_000), (688_010, 1_191_010), (688_010, 1_191_000),
                      (688_000, 1_191_010)])  # fmt: skip
    frame = gpd.GeoDataFrame({"height": [6.0]}, geometry=[bowtie], crs=UTM48N)
    report = LoadReport()
    buildings = load_buildings(write(frame, tmp_path, "gpkg", stem="nha"), report=report)
    assert list(buildings.geom_type) == ["MultiPolygon"]
    assert buildings.geometry.iloc[0].is_valid
    assert buildings.area.iloc[0] == pytest.approx(50.0)
    assert report.lines() == [
        "nha.gpkg: repaired 1 invalid geometry with make_valid: feature 1 (Self-intersection)"
    ]


def test_load_buildings_reads_a_file_without_crs_in_the_crs_given(tmp_path):
    frame = gpd.GeoDataFrame({"height_m": [8.0, 16.0]}, geometry=footprints(2), crs=UTM48N)
    path = write_without_crs(frame, tmp_path / "nha.gpkg")
    with pytest.raises(FileCRSError, match=r"nha\.gpkg declares no coordinate reference system"):
        load_buildings(path)
    buildings = load_buildings(path, crs="EPSG:32648")
    assert_contract(buildings, BUILDING_COLUMNS)
    assert same_shapes(buildings.geometry, frame.geometry)


def test_load_buildings_projects_to_the_working_crs(tmp_path):
    vn2000 = pyproj.CRS.from_epsg(3405)  # VN-2000 / UTM zone 48N
    buildings = load_buildings(write(BUILDINGS, tmp_path, "geojson"), working=vn2000)
    assert_contract(buildings, BUILDING_COLUMNS, crs=vn2000)
    np.testing.assert_allclose(buildings.area, BUILDINGS.to_crs(vn2000).area, rtol=1e-9)


def test_empty_buildings_has_the_contract_columns_and_no_rows():
    buildings = empty_buildings(UTM48N)
    assert_contract(buildings, BUILDING_COLUMNS)
    assert len(buildings) == 0
    assert buildings["height_m"].dtype == float


@pytest.mark.realdata
def test_thu_thiem_buildings_load_as_footprints_with_their_heights():
    if not DATA.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"real geodata missing at {DATA}, and CI=true requires it")
        pytest.skip(f"real geodata not found at {DATA}; this test needs it")
    path = DATA / "thuthiem_buildings_cslhcmc.geojson"
    report = LoadReport()
    buildings = load_buildings(path, report=report)
    assert_contract(buildings, BUILDING_COLUMNS)
    assert len(buildings) > 0
    assert set(buildings.geom_type) <= {"Polygon", "MultiPolygon"}
    assert buildings.is_valid.all()
    np.testing.assert_array_equal(buildings["height_m"], gpd.read_file(path)["Height"])
    assert report.lines() == []
