"""Layers that would silently break the figures are refused or bounded on load (issue 16)."""

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geodata.errors import InputError
from geodata.layers import detail
from geodata.layers.dataset import refuse_losing_key_routes
from geodata.layers.loadreport import LoadReport
from geodata.layers.roads import load_roads


def named_roads(*names: str) -> gpd.GeoDataFrame:
    lines = [shapely.LineString([(0, 10 * i), (100, 10 * i)]) for i in range(len(names))]
    return gpd.GeoDataFrame({"road_name": list(names)}, geometry=lines, crs="EPSG:32648")


def test_new_roads_without_the_saved_key_routes_are_refused_naming_them():
    with pytest.raises(InputError, match=r"roads.gpkg.*2 of the saved key routes.*Mai Chí Thọ"):
        refuse_losing_key_routes(
            named_roads("Lương Định Của"),
            ("Mai Chí Thọ", "Lương Định Của", "Nguyễn Thị Định"),
            file="roads.gpkg",
        )


def test_new_roads_keeping_every_key_route_are_accepted():
    refuse_losing_key_routes(named_roads("Mai Chí Thọ", "Xa lộ"), ("Mai Chí Thọ",), file="r.gpkg")


def write_roads(path, lines, crs="EPSG:32648"):
    frame = gpd.GeoDataFrame({"name": [f"Đường {i}" for i in range(len(lines))]}, geometry=lines)
    frame.set_crs(crs).to_file(path, driver="GeoJSON")
    return path


def wiggly_line(n: int, amplitude_m: float) -> shapely.LineString:
    """A 1 km road along x with ``n`` vertices zig-zagging ``amplitude_m`` off its axis."""
    x = np.linspace(686_000.0, 687_000.0, n)
    y = 1_191_000.0 + amplitude_m * (np.arange(n) % 2)
    return shapely.LineString(np.column_stack([x, y]))


def test_a_road_traced_every_few_centimetres_is_simplified_and_said_so(tmp_path):
    dense = wiggly_line(200_001, 0.01)
    report = LoadReport()
    roads = load_roads(write_roads(tmp_path / "gps.geojson", [dense]), report=report)
    kept = shapely.get_num_coordinates(roads.geometry.to_numpy())
    assert kept.max() <= detail.MAX_FEATURE_VERTICES
    assert roads.geometry.length.iloc[0] == pytest.approx(1000.0, abs=0.5)
    (line,) = report.lines("en")
    assert "simplified 1 feature(s) with more than 10,000 vertices" in line


def test_a_road_too_detailed_to_simplify_is_refused_naming_it(tmp_path):
    zigzag = wiggly_line(40_001, 3.0)
    refused = r"zigzag.geojson: feature 1 \(Đường 0\) has 39,981 vertices even after"
    with pytest.raises(InputError, match=refused):
        load_roads(write_roads(tmp_path / "zigzag.geojson", [zigzag]))


def test_a_layer_above_the_vertex_bound_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(detail, "MAX_LAYER_VERTICES", 5_000)
    lines = [wiggly_line(3_000, 3.0), wiggly_line(3_000, 4.0)]
    with pytest.raises(
        InputError, match=r"big.geojson: the layer holds 6,000 vertices; at most 5,000"
    ):
        load_roads(write_roads(tmp_path / "big.geojson", lines))
