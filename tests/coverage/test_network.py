"""Roads split at ward boundaries: every metre belongs to exactly one ward, or to none."""

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from coverage.network import OUTSIDE_WARDS, road_segments
from coverage.routes import route_coverage
from tests.coverage.conftest import UTM48N, make_cameras, make_roads


def make_wards(*boxes, names=None) -> gpd.GeoDataFrame:
    names = names or [f"W{i}" for i in range(len(boxes))]
    return gpd.GeoDataFrame(
        {"ward_name": names}, geometry=[shapely.box(*b) for b in boxes], crs=UTM48N
    )


def ward_lengths(roads, wards) -> dict[str, float]:
    table = route_coverage(road_segments(roads, wards=wards), make_cameras()).by_ward()
    return dict(zip(table["ward"], table["length_m"].round(4), strict=True))


def test_a_road_on_a_shared_boundary_counts_once_in_the_first_ward():
    wards = make_wards((0, 0, 100, 100), (100, 0, 200, 100))
    road = make_roads([(100, 10), (100, 90)])
    assert ward_lengths(road, wards) == {"W0": 80.0}


def test_a_road_along_a_boundary_then_into_a_ward_is_cut_once():
    wards = make_wards((0, 0, 100, 100), (100, 0, 200, 100))
    road = make_roads([(100, 10), (100, 50), (150, 50)])
    assert ward_lengths(road, wards) == {"W0": 40.0, "W1": 50.0}


def test_overlapping_wards_give_the_overlap_to_the_first():
    wards = make_wards((0, 0, 100, 100), (50, 0, 150, 100), names=["A", "B"])
    road = make_roads([(0, 50), (150, 50)])
    assert ward_lengths(road, wards) == {"A": 100.0, "B": 50.0}
    inside_both = make_roads([(60, 10), (90, 10)])  # within both wards: the first takes it
    assert ward_lengths(inside_both, wards) == {"A": 30.0}


def test_a_road_leaving_the_wards_counts_outside():
    wards = make_wards((0, 0, 100, 100))
    road = make_roads([(50, 50), (150, 50)])
    assert ward_lengths(road, wards) == {"W0": 50.0, OUTSIDE_WARDS: 50.0}


def test_coverage_of_a_boundary_road_is_counted_once():
    wards = make_wards((0, 0, 100, 100), (100, 0, 200, 100))
    road = make_roads([(100, 0), (100, 100)])
    camera = make_cameras((110, 50, 270, 90, 20))  # 10 m east of the road, facing it
    with_wards = route_coverage(road_segments(road, wards=wards), camera)
    alone = route_coverage(road_segments(road), camera)
    assert with_wards.length_m == pytest.approx(100.0)
    assert with_wards.total_covered_m == pytest.approx(alone.total_covered_m) == pytest.approx(20)
    seen, unseen = with_wards.pieces(seen=True), with_wards.pieces(seen=False)
    assert sorted(unseen["length_m"].round(6)) == [40.0, 40.0]
    assert seen["length_m"].sum() == pytest.approx(20.0)


@st.composite
def wards_and_roads(draw):
    """A grid of wards (some cells missing, so some road is outside) and roads: random
    segments and lines along the grid's lines (shared boundaries)."""
    columns, rows = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    xs = np.cumsum([0, *draw(st.lists(st.integers(20, 200), min_size=columns, max_size=columns))])
    ys = np.cumsum([0, *draw(st.lists(st.integers(20, 200), min_size=rows, max_size=rows))])
    cells = [(x, y) for x in range(columns) for y in range(rows)]
    kept = draw(st.lists(st.sampled_from(cells), min_size=1, unique=True))
    boxes = [(xs[i], ys[j], xs[i + 1], ys[j + 1]) for i, j in kept]
    coordinate = st.floats(-50, float(max(xs[-1], ys[-1])) + 50, allow_nan=False)
    free = draw(st.lists(st.tuples(coordinate, coordinate, coordinate, coordinate), max_size=6))
    lines = [[(a, b), (c, d)] for a, b, c, d in free if (a, b) != (c, d)]
    for i in draw(st.lists(st.integers(0, columns), max_size=3)):  # along a vertical grid line
        lines.append([(xs[i], ys[0]), (xs[i], ys[-1])])
    for j in draw(st.lists(st.integers(0, rows), max_size=3, unique=True)):  # horizontal
        lines.append([(xs[0] - 10, ys[j]), (xs[-1] + 10, ys[j])])
    return make_wards(*boxes), lines


@settings(max_examples=150, deadline=None)
@given(case=wards_and_roads())
def test_per_ward_lengths_add_up_to_the_roads_length(case):
    wards, lines = case
    if not lines:
        return
    roads = make_roads(*lines)
    segments = road_segments(roads, wards=wards)
    per_ward = route_coverage(segments, make_cameras()).by_ward()["length_m"].sum()
    # A road ending within BOUNDARY_TOLERANCE_M (1 µm) of a ward leaves a piece of at most that
    # length, shorter than MIN_SEGMENT_M, left out: a few micrometres at the most.
    assert segments.length_m.sum() == pytest.approx(roads.length.sum(), rel=1e-9, abs=1e-5)
    assert per_ward == pytest.approx(roads.length.sum(), rel=1e-9, abs=1e-5)
