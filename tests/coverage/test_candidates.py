"""Candidate sites on both sides of the road, and for each site the bearings that see the most."""

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from coverage import placement
from coverage.candidates import (
    BEARING_APART_DEG,
    KEPT_BEARINGS,
    SETBACK_M,
    Template,
    best_bearings,
    candidate_views,
    new_metres,
    roadside_sites,
)
from coverage.network import road_segments
from coverage.routes import route_coverage
from tests.coverage.conftest import UTM48N, make_cameras, make_roads

BULLET = Template("bullet", 80.0, 40.0)


def crossroads_case():
    """Two 300 m roads crossing, one existing camera seeing part of the east-west one."""
    roads = make_roads([(-150, 0), (150, 0)], [(0, -150), (0, 150)])
    segments = road_segments(roads)
    return segments, route_coverage(segments, make_cameras((40, 5, 180, 90, 20)))


@pytest.fixture
def crossroads():
    return crossroads_case()


def views_at(points, bearings, template=BULLET) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"bearing_deg": bearings, "fov_deg": template.fov_deg, "range_m": template.range_m},
        geometry=shapely.points(points),
        crs=UTM48N,
    )


@settings(max_examples=60, deadline=None)
@given(
    x=st.floats(-120, 120),
    y=st.floats(-30, 30),
    bearing=st.floats(0, 359.9),
    fov=st.sampled_from([60.0, 80.0, 200.0, 360.0]),
)
def test_new_metres_are_what_the_engine_adds(x, y, bearing, fov):
    segments, routes = crossroads_case()
    view = views_at([(x, y)], [bearing], Template("t", fov, 40.0))
    existing = make_cameras((40, 5, 180, 90, 20))
    together = route_coverage(
        segments,
        gpd.GeoDataFrame(
            {
                "bearing_deg": [180.0, bearing],
                "fov_deg": [90.0, fov],
                "range_m": [20.0, 40.0],
                "status": ["active", "active"],
            },
            geometry=[existing.geometry.iloc[0], view.geometry.iloc[0]],
            crs=UTM48N,
        ),
    )
    added = together.total_covered_m - routes.total_covered_m
    assert new_metres(routes, view)[0] == pytest.approx(added, abs=1e-6)


def test_roadside_sites_stand_on_both_sides_of_the_road(crossroads):
    segments, _ = crossroads
    sites = roadside_sites(route_coverage(segments, make_cameras()), step_m=25.0)
    on_east_west = sites[np.isclose(np.abs(sites["y_m"]), SETBACK_M)]
    assert set(np.sign(on_east_west["y_m"])) == {-1.0, 1.0}
    north, south = (on_east_west[np.sign(on_east_west["y_m"]) == s] for s in (1, -1))
    assert len(north) == len(south)


def test_each_site_keeps_its_best_bearings_apart_and_no_worse_than_the_road_ones(crossroads):
    _, routes = crossroads
    sites = roadside_sites(routes, step_m=25.0)
    kept = best_bearings(routes, sites, BULLET)
    assert kept.shape == (len(sites), KEPT_BEARINGS)
    xy = sites[["x_m", "y_m"]].to_numpy()
    best = new_metres(routes, views_at(xy, kept[:, 0]))
    road = sites["road_bearing_deg"].to_numpy()
    for classic in (road, (road + 180) % 360, sites["facing_deg"].to_numpy()):
        assert np.all(best >= new_metres(routes, views_at(xy, classic)) - 1e-9)
    gains = [new_metres(routes, views_at(xy, kept[:, j])) for j in range(KEPT_BEARINGS)]
    assert np.all(np.diff(np.column_stack(gains), axis=1) <= 1e-9)  # best first
    second = gains[1] > 0  # a second bearing worth keeping stands apart from the first
    apart = np.abs((kept[:, 1] - kept[:, 0] + 180.0) % 360.0 - 180.0)
    assert second.any() and np.all(apart[second] >= BEARING_APART_DEG - 1e-9)


def test_candidate_views_use_the_best_bearings_when_the_coverage_is_known(crossroads):
    _, routes = crossroads
    sites = roadside_sites(routes, step_m=25.0)
    plain = candidate_views(sites, (BULLET,))
    searched = candidate_views(sites, (BULLET,), routes=routes)
    assert len(plain) == len(searched) == KEPT_BEARINGS * len(sites)

    def best_per_site(views):
        gain = new_metres(routes, views_at(views[["x_m", "y_m"]].to_numpy(), views["bearing_deg"]))
        return np.maximum.reduceat(gain, np.flatnonzero(np.r_[True, np.diff(views["site"]) != 0]))

    assert np.all(best_per_site(searched) >= best_per_site(plain) - 1e-9)
    assert best_per_site(searched).sum() > best_per_site(plain).sum()


def test_a_wide_candidate_is_worth_what_it_sees_once():
    """Issue 12: the two pieces of a 200° view are one camera in the placement pieces too."""
    roads = make_roads([(-100, 0), (100, 0)])
    routes = route_coverage(road_segments(roads), make_cameras())
    wide = views_at([(0.0, 20.0)], [180.0], Template("wide", 200.0, 50.0))
    candidates = wide.assign(site=0, x_m=0.0, y_m=20.0).drop(columns="geometry")
    problem = placement.coverage_problem(routes, candidates)
    assert problem.value([0], weighted=False) == pytest.approx(2 * np.sqrt(50**2 - 20**2))
    assert new_metres(routes, wide)[0] == pytest.approx(2 * np.sqrt(50**2 - 20**2))
