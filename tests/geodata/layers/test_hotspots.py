"""Loading the hotspots layer: polygons, points buffered by a radius, weights."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from geodata.errors import InputError, SchemaError
from geodata.layers.contract import HOTSPOT_COLUMNS
from geodata.layers.hotspots import load_hotspots
from geodata.layers.loadreport import LoadReport
from tests.layer_files import FORMATS, HOTSPOTS, ROADS, UTM48N, assert_contract, write


@pytest.mark.parametrize("fmt", FORMATS)
def test_load_hotspots_reads_polygons_in_every_format(tmp_path, fmt):
    hotspots = load_hotspots(write(HOTSPOTS, tmp_path, fmt))
    assert_contract(hotspots, HOTSPOT_COLUMNS)
    assert list(hotspots["hotspot_name"]) == ["Chợ An Phú", "Ga Metro Thảo Điền"]
    assert list(hotspots["hotspot_kind"]) == ["market", "station"]
    assert list(hotspots["weight"]) == [2.0, 1.5]
    np.testing.assert_allclose(hotspots.area, HOTSPOTS.to_crs(UTM48N).area, rtol=1e-9)


def test_load_hotspots_buffers_points_by_their_radius_in_metres(tmp_path):
    frame = gpd.GeoDataFrame(
        {
            "ten": ["Trường Giồng Ông Tố", "Bến phà"],
            "type": ["school", ""],
            "radius_m": [100.0, 250.0],
        },
        geometry=[Point(106.75, 10.80), Point(106.76, 10.79)],
        crs=4326,
    )
    hotspots = load_hotspots(write(frame, tmp_path, "gpkg"))
    assert_contract(hotspots, HOTSPOT_COLUMNS)
    assert list(hotspots["hotspot_kind"]) == ["school", "hotspot"]
    assert list(hotspots["weight"]) == [1.0, 1.0]
    np.testing.assert_allclose(hotspots.area, np.pi * np.array([100.0, 250.0]) ** 2, rtol=1e-3)
    centres = frame.to_crs(UTM48N).geometry
    np.testing.assert_allclose(hotspots.centroid.distance(centres), 0, atol=1e-6)
    assert len(hotspots.geometry.iloc[0].exterior.coords) == 4 * 32 + 1


def test_load_hotspots_mixes_polygons_and_points_and_reports_empty_weights(tmp_path):
    point = gpd.GeoDataFrame(
        {"name": ["Bến xe"], "kind": ["station"], "weight": [None], "radius_m": [50.0]},
        geometry=[Point(106.75, 10.80)],
        crs=4326,
    )
    frame = pd.concat([HOTSPOTS, point], ignore_index=True)
    report = LoadReport()
    hotspots = load_hotspots(write(frame, tmp_path, "geojson", stem="hotspots"), report=report)
    assert list(hotspots["weight"]) == [2.0, 1.5, 1.0]
    assert report.lines() == ["hotspots.geojson: weight: 1 empty weight(s) set to 1.0"]


def test_load_hotspots_refuses_a_file_without_names(tmp_path):
    path = write(HOTSPOTS.drop(columns="name"), tmp_path, "geojson", stem="hotspots")
    with pytest.raises(
        SchemaError,
        match=r"hotspot name column \(one of hotspot_name, name_vi, "
        r"name, .*found only the columns kind, weight",
    ):
        load_hotspots(path)


def test_load_hotspots_refuses_points_without_a_radius_column(tmp_path):
    frame = gpd.GeoDataFrame({"name": ["Bến xe"]}, geometry=[Point(106.75, 10.80)], crs=4326)
    path = write(frame, tmp_path, "geojson", stem="hotspots")
    with pytest.raises(
        SchemaError,
        match=r"radius \(metres\) for points column 'radius_m' "
        r"\(radius_field=\), found only the columns name",
    ):
        load_hotspots(path)


def test_load_hotspots_refuses_bad_radii_and_weights_all_at_once(tmp_path):
    frame = gpd.GeoDataFrame(
        {"name": ["A", "B", "C"], "radius_m": ["100", "-5", "abc"], "weight": [1.0, 0.0, 2.0]},
        geometry=[Point(106.75, 10.80), Point(106.75, 10.81), Point(106.75, 10.82)],
        crs=4326,
    )
    path = write(frame, tmp_path, "geojson", stem="hotspots")
    with pytest.raises(
        InputError,
        match=r"hotspots\.geojson: 3 problems.*\n"
        r"  - feature 2 \(B\), column radius_m: expected a radius in metres > 0, "
        r"found '-5'; .*\n"
        r"  - feature 3 \(C\), column radius_m: .*found 'abc'.*\n"
        r"  - feature 2 \(B\), column weight: expected a weight > 0, found '0'",
    ):
        load_hotspots(path)


def test_load_hotspots_refuses_lines(tmp_path):
    path = write(ROADS, tmp_path, "geojson", stem="hotspots")
    with pytest.raises(
        SchemaError,
        match=r"feature 1 \(Mai Chí Thọ\), column geometry: expected "
        r"a Polygon, MultiPolygon or Point hotspot, found LineString",
    ):
        load_hotspots(path)
