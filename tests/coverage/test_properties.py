"""Invariants of the coverage engine, checked on random cameras (hypothesis)."""

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from coverage.fov import fov_polygons
from coverage.network import road_segments
from coverage.routes import route_coverage
from tests.coverage.conftest import make_cameras, make_roads

ROADS = make_roads(
    [(-80, -60), (0, 0), (80, 10), (120, 90)],
    [(-100, 40), (100, 40)],
    [(30, -90), (30, 90)],
)
SEGMENTS = road_segments(ROADS)

# Positions on a micrometre grid: GEOS unions of the reference polygons lose their length with
# coordinates like 1e-236 m, which no survey gives (the engine itself is right there too).
camera = st.tuples(
    st.floats(-120, 120).map(lambda v: round(v, 6)),
    st.floats(-100, 100).map(lambda v: round(v, 6)),
    st.floats(0, 359.9),
    st.floats(1, 360),
    st.floats(1, 80),
)


def covered_m(specs) -> float:
    return route_coverage(SEGMENTS, make_cameras(*specs)).total_covered_m


@settings(max_examples=60, deadline=None)
@given(st.lists(camera, min_size=1, max_size=6), st.floats(1.0, 2.0))
def test_coverage_grows_with_range(specs, factor):
    wider = [(x, y, b, f, r * factor) for x, y, b, f, r in specs]
    assert covered_m(wider) >= covered_m(specs) - 1e-6


@settings(max_examples=60, deadline=None)
@given(st.lists(camera, min_size=1, max_size=6), st.floats(0.0, 1.0))
def test_coverage_grows_with_field_of_view(specs, widen):
    wider = [(x, y, b, f + (360 - f) * widen, r) for x, y, b, f, r in specs]
    assert covered_m(wider) >= covered_m(specs) - 1e-6


@settings(max_examples=60, deadline=None)
@given(st.lists(camera, min_size=0, max_size=8), st.randoms(use_true_random=False))
def test_coverage_does_not_depend_on_camera_order(specs, random):
    shuffled = list(specs)
    random.shuffle(shuffled)
    first = route_coverage(SEGMENTS, make_cameras(*specs))
    second = route_coverage(SEGMENTS, make_cameras(*shuffled))
    assert second.total_covered_m == pytest.approx(first.total_covered_m, abs=1e-9)
    assert second.total_redundant_m == pytest.approx(first.total_redundant_m, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.lists(camera, min_size=0, max_size=8))
def test_coverage_never_exceeds_the_road_and_redundancy_never_exceeds_coverage(specs):
    result = route_coverage(SEGMENTS, make_cameras(*specs))
    assert np.all(result.covered_m <= SEGMENTS.length_m + 1e-9)
    assert np.all(result.redundant_m <= result.covered_m + 1e-9)
    assert result.share <= 1.0 + 1e-12


@settings(max_examples=60, deadline=None)
@given(st.lists(camera, min_size=1, max_size=8))
def test_coverage_matches_fine_polygon_intersection(specs):
    cameras = make_cameras(*specs)
    views = shapely.union_all(fov_polygons(cameras, arc_step_deg=0.1).to_numpy())
    polygon_m = shapely.length(shapely.intersection(ROADS.geometry.to_numpy(), views)).sum()
    assert covered_m(specs) == pytest.approx(polygon_m, rel=1e-3, abs=0.05)


@settings(max_examples=40, deadline=None)
@given(st.lists(camera, min_size=1, max_size=5), st.floats(-1e4, 1e4), st.floats(-1e4, 1e4))
def test_coverage_does_not_change_when_everything_moves(specs, dx, dy):
    moved_roads = ROADS.set_geometry(ROADS.geometry.translate(dx, dy))
    moved = [(x + dx, y + dy, b, f, r) for x, y, b, f, r in specs]
    before = covered_m(specs)
    after = route_coverage(road_segments(moved_roads), make_cameras(*moved)).total_covered_m
    assert after == pytest.approx(before, rel=1e-6, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(camera)
def test_fov_polygon_area_is_exact(spec):
    polygon = fov_polygons(make_cameras(spec)).iloc[0]
    assert polygon.area == pytest.approx(spec[3] / 360 * np.pi * spec[4] ** 2, rel=1e-9)


def test_empty_roads_give_zero():
    empty = gpd.GeoDataFrame({"road_name": []}, geometry=[], crs=ROADS.crs)
    result = route_coverage(road_segments(empty), make_cameras((0, 0, 0, 360, 10)))
    assert result.length_m == 0.0
    assert result.share == 0.0
