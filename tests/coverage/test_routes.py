"""Route coverage on cases whose answers are worked out by hand."""

import itertools
import math

import geopandas as gpd
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coverage import routes
from coverage.errors import CRSError, InputError
from coverage.network import road_segments
from coverage.occlusion import building_walls
from coverage.routes import fanned_intervals, route_coverage, seen_intervals
from tests.coverage.conftest import make_buildings, make_cameras, make_roads


def covered(roads, cameras) -> float:
    return route_coverage(road_segments(roads), cameras).total_covered_m


def test_camera_beside_road_facing_it_sees_the_wedge_chord(straight_road):
    # 10 m north of the road, facing south, 90° view: the wedge meets the road at x = ±10.
    cameras = make_cameras((0, 10, 180, 90, 20))
    assert covered(straight_road, cameras) == pytest.approx(20.0, abs=1e-6)


def test_camera_beside_road_with_narrow_view_sees_tan_of_half_angle(straight_road):
    cameras = make_cameras((0, 10, 180, 60, 40))
    assert covered(straight_road, cameras) == pytest.approx(2 * 10 * math.tan(math.radians(30)))


def test_camera_beside_road_limited_by_range_sees_the_disc_chord(straight_road):
    # Range 12 m at 10 m from the road: chord half-length sqrt(144 - 100).
    cameras = make_cameras((0, 10, 180, 120, 12))
    assert covered(straight_road, cameras) == pytest.approx(2 * math.sqrt(44))


def test_camera_facing_away_from_road_sees_nothing(straight_road):
    cameras = make_cameras((0, 10, 0, 90, 40))
    assert covered(straight_road, cameras) == 0.0


def test_camera_on_road_facing_along_it_sees_its_range(straight_road):
    cameras = make_cameras((0, 0, 90, 60, 30))
    assert covered(straight_road, cameras) == pytest.approx(30.0)


def test_camera_near_road_end_facing_along_it_stops_at_the_end(straight_road):
    cameras = make_cameras((90, 0, 90, 60, 30))
    assert covered(straight_road, cameras) == pytest.approx(10.0)


def test_half_disc_camera_sees_road_lying_on_its_edges(straight_road):
    # A 180° camera on the road facing north: both straight edges lie on the road.
    cameras = make_cameras((0, 0, 0, 180, 25))
    assert covered(straight_road, cameras) == pytest.approx(50.0)


def test_wide_camera_misses_its_blind_wedge(straight_road):
    # 270° facing north, 5 m north of the road: blind wedge is south ±45°, so the road is seen
    # within the disc chord (half-length sqrt(100 - 25)) except for |x| < 5.
    cameras = make_cameras((0, 5, 0, 270, 10))
    assert covered(straight_road, cameras) == pytest.approx(2 * (math.sqrt(75) - 5))


def test_two_overlapping_domes_are_not_double_counted(straight_road):
    cameras = make_cameras((0, 0, 0, 360, 10), (15, 0, 0, 360, 10))
    result = route_coverage(road_segments(straight_road), cameras)
    assert result.total_covered_m == pytest.approx(35.0)
    assert result.total_redundant_m == pytest.approx(5.0)


def test_three_nested_cameras_count_redundancy_once(straight_road):
    cameras = make_cameras((0, 0, 0, 360, 10), (0, 0, 0, 360, 5), (0, 0, 0, 360, 2))
    result = route_coverage(road_segments(straight_road), cameras)
    assert result.total_covered_m == pytest.approx(20.0)
    assert result.total_redundant_m == pytest.approx(10.0)


def test_broken_and_removed_cameras_do_not_count(straight_road):
    cameras = make_cameras(
        (0, 0, 0, 360, 10),
        (50, 0, 0, 360, 10),
        (-50, 0, 0, 360, 10),
        status=["active", "broken", "removed"],
    )
    assert covered(straight_road, cameras) == pytest.approx(20.0)


def test_coverage_around_a_bend_counts_both_legs():
    roads = make_roads([(0, 0), (100, 0), (100, 100)])
    cameras = make_cameras((100, 0, 0, 360, 10))
    assert covered(roads, cameras) == pytest.approx(20.0)


def test_dome_seeing_a_diagonal_road():
    roads = make_roads([(0, 0), (100, 100)])
    cameras = make_cameras((50, 50, 0, 360, 20))
    assert covered(roads, cameras) == pytest.approx(40.0)


def test_figures_per_route_and_ward():
    roads = make_roads([(0, 0), (200, 0)], [(0, 50), (100, 50)], names=["Long", "Short"])
    wards = gpd.GeoDataFrame(
        {"ward_name": ["West", "East"]},
        geometry=gpd.GeoSeries.from_wkt(
            [
                "POLYGON((-10 -10, 100 -10, 100 60, -10 60, -10 -10))",
                "POLYGON((100 -10, 210 -10, 210 60, 100 60, 100 -10))",
            ]
        ),
        crs=roads.crs,
    )
    cameras = make_cameras((100, 0, 0, 360, 20), (50, 50, 0, 360, 10))
    result = route_coverage(road_segments(roads, wards=wards), cameras)
    by_route = result.by_route().set_index("route")
    assert by_route.loc["Long", "length_m"] == pytest.approx(200.0)
    assert by_route.loc["Long", "covered_m"] == pytest.approx(40.0)
    assert by_route.loc["Short", "share"] == pytest.approx(0.2)
    by_ward = result.by_ward().set_index("ward")
    assert by_ward.loc["West", "length_m"] == pytest.approx(200.0)
    assert by_ward.loc["West", "covered_m"] == pytest.approx(40.0)
    assert by_ward.loc["East", "covered_m"] == pytest.approx(20.0)
    assert result.share == pytest.approx(60.0 / 300.0)


def test_an_area_with_no_key_route_has_empty_tables_not_an_error():
    roads = make_roads([(0, 0), (200, 0)], names=["Long"]).iloc[:0]
    result = route_coverage(road_segments(roads), make_cameras((100, 0, 0, 360, 20)))
    assert result.length_m == 0.0 and result.share == 0.0
    for table in (result.by_route(), result.by_ward()):
        assert len(table) == 0
        assert table["share"].dtype == float


def test_seen_and_unseen_pieces_partition_the_road(straight_road):
    cameras = make_cameras((0, 0, 0, 360, 10), (40, 0, 0, 360, 10))
    result = route_coverage(road_segments(straight_road), cameras)
    seen = result.pieces(seen=True)
    unseen = result.pieces(seen=False)
    assert seen["length_m"].sum() == pytest.approx(40.0)
    assert unseen["length_m"].sum() == pytest.approx(160.0)
    assert seen.geometry.length.sum() == pytest.approx(40.0)
    assert sorted(np.round(seen.geometry.bounds["minx"], 6)) == [-10.0, 30.0]


def test_no_cameras_no_coverage(straight_road):
    result = route_coverage(road_segments(straight_road), make_cameras())
    assert result.total_covered_m == 0.0
    assert result.share == 0.0


def test_geographic_input_is_refused_with_the_fix(straight_road):
    cameras = make_cameras((0, 0, 0, 360, 10)).set_crs("EPSG:4326", allow_override=True)
    with pytest.raises(CRSError, match=r"EPSG:4326.*not a projected CRS in metres"):
        route_coverage(road_segments(straight_road), cameras)


def test_inputs_in_different_crs_are_refused(straight_road):
    cameras = make_cameras((0, 0, 0, 360, 10)).set_crs("EPSG:32649", allow_override=True)
    with pytest.raises(CRSError, match=r"EPSG:32648.*EPSG:32649.*same CRS"):
        route_coverage(road_segments(straight_road), cameras)


def test_missing_crs_is_refused():
    roads = make_roads([(0, 0), (1, 1)]).set_crs(None, allow_override=True)
    with pytest.raises(CRSError, match="roads has no CRS"):
        road_segments(roads)


def test_impossible_field_of_view_is_refused(straight_road):
    cameras = make_cameras((0, 0, 0, 400, 10))
    with pytest.raises(InputError, match=r"fov_deg must be more than 0 and at most 360"):
        route_coverage(road_segments(straight_road), cameras)


def test_missing_camera_column_is_named(straight_road):
    cameras = make_cameras((0, 0, 0, 360, 10)).drop(columns="range_m")
    with pytest.raises(InputError, match=r"lack the column.*range_m"):
        route_coverage(road_segments(straight_road), cameras)


def test_one_wide_camera_is_never_redundant_with_itself(straight_road):
    # Issue 12: a 200° camera 20 m from the road, facing it, 50 m range: both half-disc pieces
    # see the whole chord (2 × √(50² − 20²) = 91.65 m); it was counted as two cameras.
    result = route_coverage(road_segments(straight_road), make_cameras((0, 20, 180, 200, 50)))
    assert result.total_covered_m == pytest.approx(2 * math.sqrt(50**2 - 20**2))
    assert result.total_redundant_m == 0.0


@settings(max_examples=200, deadline=None)
@given(
    x=st.floats(-50, 50),
    y=st.floats(-30, 30),
    bearing=st.floats(0, 359.9),
    fov=st.floats(1, 360),
    reach=st.floats(1, 80),
)
def test_a_single_camera_sees_every_metre_once(x, y, bearing, fov, reach):
    roads = make_roads([(-100, 0), (100, 0)], [(0, -100), (0, 100)])
    result = route_coverage(road_segments(roads), make_cameras((x, y, bearing, fov, reach)))
    assert result.total_redundant_m == 0.0
    assert result.total_covered_m <= 4 * reach + 1e-9  # two straight roads through the disc


def each_camera(parts) -> list[tuple]:
    """Intervals (in parts) as (camera, segment, from, to) rows, each camera's in their order."""
    if not parts:
        return []
    cam, seg, lo, hi = (np.concatenate(column) for column in zip(*parts, strict=True))
    order = np.argsort(cam, kind="stable")
    return list(zip(*(v[order].tolist() for v in (cam, seg, lo, hi)), strict=True))


@settings(max_examples=60, deadline=None)
@given(
    sites=st.lists(
        st.tuples(st.floats(-120, 120), st.floats(-60, 60), st.sampled_from([40, 200, 360])),
        min_size=1,
        max_size=8,
    ),
    turns=st.integers(1, 5),
    reach=st.floats(5, 60),
    buildings=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_fanned_cameras_see_what_each_camera_sees_alone(sites, turns, reach, buildings, seed):
    # The same intervals, each camera's in the same order: sums over them agree to the bit.
    roads = make_roads([(-100, 0), (100, 0)], [(0, -100), (0, 100)], [(-90, -50), (90, 40)])
    segments = road_segments(roads)
    houses = make_buildings((10, 5, 30, 20), (-40, -25, -15, -5), (-5, 30, 5, 45))
    walls = building_walls(houses) if buildings else None
    bearings = np.random.default_rng(seed).uniform(0, 360, (len(sites), turns)).round(1)
    at_sites = make_cameras(*[(x, y, 0, fov, reach) for x, y, fov in sites])
    turned = [
        (x, y, bearing, fov, reach)
        for (x, y, fov), row in zip(sites, bearings, strict=True)
        for bearing in row
    ]
    every = make_cameras(*turned)  # each site's camera once per bearing, site by site
    alone = each_camera([seen_intervals(segments, every, walls=walls)])
    at_once = routes._FANNED_INTERVALS
    try:
        for routes._FANNED_INTERVALS in (at_once, 2 * turns):  # all sites at once, then few
            parts = list(fanned_intervals(segments, at_sites, bearings, walls=walls))
            assert each_camera(parts) == alone
            assert all(not set(a[0]) & set(b[0]) for a, b in itertools.combinations(parts, 2))
    finally:
        routes._FANNED_INTERVALS = at_once
