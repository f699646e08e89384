"""Loading the roads layer from tiny files in every format."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, MultiLineString

from geodata.errors import SchemaError
from geodata.layers.contract import ROAD_COLUMNS
from geodata.layers.loadreport import LoadReport
from geodata.layers.roads import load_roads
from tests.layer_files import FORMATS, ROADS, UTM48N, WARDS, assert_contract, write


@pytest.mark.parametrize("fmt", FORMATS)
def test_load_roads_reads_every_format_to_the_working_crs(tmp_path, fmt):
    roads = load_roads(write(ROADS, tmp_path, fmt))
    assert_contract(roads, ROAD_COLUMNS)
    assert list(roads["road_name"]) == ["Mai Chí Thọ", "Xa lộ Hà Nội"]
    np.testing.assert_allclose(roads.length, ROADS.to_crs(UTM48N).length, rtol=1e-9)


def test_load_roads_removes_reversed_duplicates_and_reports_the_count(tmp_path):
    reverse = ROADS.iloc[:1].set_geometry([ROADS.geometry.iloc[0].reverse()], crs=4326)
    copy = ROADS.iloc[1:2]
    frame = pd.concat([ROADS, reverse, copy], ignore_index=True)
    report = LoadReport()
    roads = load_roads(write(frame, tmp_path, "geojson", stem="roads"), report=report)
    assert list(roads["road_name"]) == ["Mai Chí Thọ", "Xa lộ Hà Nội"]
    assert report.lines() == [
        "roads.geojson: removed 2 duplicate line(s): the same line twice, or once in each "
        "direction (two-way roads exported per direction, as by osmnx): "
        "feature 3 (Mai Chí Thọ); feature 4 (Xa lộ Hà Nội)"
    ]


def test_load_roads_splits_multilinestrings_into_rows(tmp_path):
    multi = MultiLineString([ROADS.geometry.iloc[0], ROADS.geometry.iloc[1]])
    frame = gpd.GeoDataFrame({"ten_duong": ["Đường đôi"]}, geometry=[multi], crs=4326)
    roads = load_roads(write(frame, tmp_path, "gpkg"))
    assert_contract(roads, ROAD_COLUMNS)
    assert list(roads["road_name"]) == ["Đường đôi", "Đường đôi"]
    assert set(roads.geom_type) == {"LineString"}


def test_load_roads_without_names_leaves_them_empty_and_says_so(tmp_path):
    report = LoadReport()
    roads = load_roads(
        write(ROADS.drop(columns="name").assign(speed_kph=50.0), tmp_path, "geojson", stem="roads"),
        report=report,
    )
    assert list(roads["road_name"]) == ["", ""]
    assert report.lines()[0].startswith("roads.geojson: no road name column (looked for road_name")


def test_load_roads_refuses_a_name_field_that_is_not_there(tmp_path):
    path = write(ROADS, tmp_path, "geojson", stem="roads")
    with pytest.raises(
        SchemaError,
        match=r"(?s)roads\.geojson: 1 problem.*road name column 'Ten' "
        r"\(name_field=\), found only the columns name",
    ):
        load_roads(path, name_field="Ten")


def test_load_roads_refuses_polygons(tmp_path):
    path = write(WARDS.rename(columns={"name_vi": "name"}), tmp_path, "geojson", stem="roads")
    with pytest.raises(
        SchemaError,
        match=r"feature 1 \(Thảo Điền\), column geometry: expected a "
        r"LineString or MultiLineString road, found Polygon",
    ):
        load_roads(path)


def test_load_roads_drops_a_line_of_one_repeated_point_and_reports_it(tmp_path):
    point_line = LineString([(106.75, 10.80), (106.75, 10.80)])
    frame = pd.concat(
        [ROADS, gpd.GeoDataFrame({"name": ["Hẻm"]}, geometry=[point_line], crs=4326)],
        ignore_index=True,
    )
    report = LoadReport()
    roads = load_roads(write(frame, tmp_path, "geojson", stem="roads"), report=report)
    assert list(roads["road_name"]) == ["Mai Chí Thọ", "Xa lộ Hà Nội"]
    assert report.lines() == [
        "roads.geojson: repaired 1 invalid geometry with make_valid: "
        "feature 3 (Hẻm) (Too few points in geometry component)",
        "roads.geojson: dropped 1 feature(s) with no length left after repair: feature 3 (Hẻm)",
    ]
