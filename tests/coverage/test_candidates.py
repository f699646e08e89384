"""Candidate sites on both sides of the road, and for each site the bearings that see the most;
sites out of buildings, on their façades."""

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from coverage import placement
from coverage.candidates import (
    BEARING_APART_DEG,
    FACADE_OFFSET_M,
    KEPT_BEARINGS,
    SETBACK_M,
    TEMPLATES,
    Template,
    best_bearings,
    candidate_views,
    hotspot_edge_sites,
    new_metres,
    roadside_sites,
    supplied_sites,
)
from coverage.network import road_segments
from coverage.occlusion import building_walls
from coverage.routes import route_coverage
from tests.coverage.conftest import UTM48N, make_buildings, make_cameras, make_roads

BULLET = Template("bullet", 80.0, 40.0)
DOME = Template("dome", 360.0, 15.0)


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


def shop_houses_case():
    """A 100 m street along y = 0 with no camera, and a row of twelve shop-houses 5 m wide on its
    north side from x = -30 to 30, their fronts 2 m from the centre line (nearer than the 4 m
    setback of a roadside site)."""
    street = make_roads([(-50, 0), (50, 0)])
    houses = make_buildings(*[(x, 2, x + 5, 14) for x in range(-30, 30, 5)])
    return route_coverage(road_segments(street), make_cameras()), building_walls(houses)


def test_a_roadside_site_inside_a_shop_house_moves_to_its_facade_and_sees_the_street():
    routes, walls = shop_houses_case()
    sites = roadside_sites(routes, step_m=25.0, walls=walls)
    north = sites[sites["y_m"] > 0].sort_values("x_m")
    # Sites every 25 m: x = ±12.5 fall inside houses and move to the front wall's point nearest
    # their road point (x, 0), 0.2 m out; x = ±37.5 are beyond the row and stay.
    front = 2.0 - FACADE_OFFSET_M
    assert north["x_m"].tolist() == pytest.approx([-37.5, -12.5, 12.5, 37.5])
    assert north["y_m"].tolist() == pytest.approx([SETBACK_M, front, front, SETBACK_M])
    assert north["facing_deg"].tolist() == pytest.approx([180.0] * 4)  # facing the road
    assert (sites["y_m"] < 0).sum() == 4  # the open south side is as it was
    # On the façade a dome sees the chord of its disc on the street; where the site was made,
    # inside the house, it would see nothing.
    seen = new_metres(routes, views_at([(12.5, front), (12.5, SETBACK_M)], [180.0] * 2, DOME))
    blocked = new_metres(
        routes, views_at([(12.5, front), (12.5, SETBACK_M)], [180.0] * 2, DOME), walls=walls
    )
    assert blocked.tolist() == pytest.approx([2 * math.sqrt(15**2 - front**2), 0.0])
    assert seen[0] == pytest.approx(blocked[0])


def test_a_household_inside_its_home_is_moved_to_the_facade_facing_its_key_route():
    routes, walls = shop_houses_case()
    homes = gpd.GeoDataFrame(
        {"label": ["12 A", "40 A"]},
        geometry=[shapely.Point(-7, 10), shapely.Point(40, 8)],
        crs=UTM48N,
    )
    sites = supplied_sites(homes, routes.segments, label_field="label", walls=walls)
    assert sites["label"].tolist() == ["12 A", "40 A"]
    assert sites[["x_m", "y_m"]].to_numpy().ravel().tolist() == pytest.approx(
        [-7.0, 2.0 - FACADE_OFFSET_M, 40.0, 8.0]  # the second is no one's house: it stays
    )
    assert sites["facing_deg"].tolist() == pytest.approx([180.0, 180.0])


def test_sites_left_inside_a_building_are_never_proposed():
    routes, walls = shop_houses_case()
    sites = pd.DataFrame(
        {
            "x_m": [12.5, 12.5],
            "y_m": [8.0, -4.0],  # inside a house, and across the street
            "road_bearing_deg": 90.0,
            "facing_deg": 180.0,
            "source": "route",
            "label": "",
        }
    )
    views = candidate_views(sites, TEMPLATES, routes=routes, walls=walls)
    assert set(views["y_m"]) == {-4.0} and set(views["site"]) == {0}
    assert len(candidate_views(sites, TEMPLATES, routes=routes)) == 2 * len(views)


def test_a_candidate_behind_a_house_gains_nothing_from_the_road_behind_it():
    # A house 10 m wide and 8 m deep; the street 4 m in front of it, another road 2 m behind.
    # At (5, -0.2), on the front wall, a dome (15 m) would see both roads in the open; the house
    # hides the one behind. A bullet facing north (80°, 40 m) sees only the road behind.
    house = building_walls(make_buildings((0, 0, 10, 8)))
    roads = make_roads([(-20, -4), (30, -4)], [(-20, 10), (30, 10)])
    routes = route_coverage(road_segments(roads), make_cameras())
    candidates = pd.DataFrame(
        {
            "site": [0, 1],
            "x_m": [5.0, 5.0],
            "y_m": [-0.2, -0.2],
            "bearing_deg": [0.0, 0.0],
            "fov_deg": [360.0, 80.0],
            "range_m": [15.0, 40.0],
        }
    )
    front_m, back_m = 2 * math.sqrt(15**2 - 3.8**2), 2 * math.sqrt(15**2 - 10.2**2)
    open_air = placement.coverage_problem(routes, candidates)
    blocked = placement.coverage_problem(routes, candidates, walls=house)
    assert open_air.value([0], weighted=False) == pytest.approx(front_m + back_m)
    assert open_air.value([1], weighted=False) == pytest.approx(
        2 * 10.2 * math.tan(math.radians(40))
    )
    assert blocked.value([0], weighted=False) == pytest.approx(front_m)
    assert blocked.value([1], weighted=False) == 0.0
    bullets = views_at([(5.0, -0.2)], [0.0])
    assert new_metres(routes, bullets, walls=house).tolist() == [0.0]


def shop_house_scene(rng):
    """A 200 m street grid with a row of houses along both sides of every street (fronts 1 to
    6 m from the centre line, some overlapping at the corners), a square hotspot across the
    middle, households scattered (many inside houses) and three cameras looking along streets."""
    lines = [[(x, 0), (x, 200)] for x in (0, 100, 200)]
    lines += [[(0, y), (200, y)] for y in (0, 100, 200)]
    boxes = []
    for across in (0, 100, 200):
        for side in (-1, 1):
            along = 0.0
            while along < 200:
                width, front, depth = rng.uniform(4, 8), rng.uniform(1, 6), rng.uniform(8, 15)
                if rng.uniform() < 0.8:
                    near, far = across + side * front, across + side * (front + depth)
                    lo, hi = min(near, far), max(near, far)
                    boxes.append((along, lo, along + width, hi))  # along an east-west street
                    boxes.append((lo, along, hi, along + width))  # along a north-south one
                along += width
    houses = make_buildings(*boxes)
    hotspots = gpd.GeoDataFrame(
        {"hotspot_name": ["chợ"]}, geometry=[shapely.box(60, 60, 140, 140)], crs=UTM48N
    )
    homes = gpd.GeoDataFrame(
        {"label": [f"nhà {i}" for i in range(30)]},
        geometry=shapely.points(rng.uniform(0, 200, (30, 2))),
        crs=UTM48N,
    )
    existing = make_cameras((0, 50, 0, 90, 30), (150, 100, 90, 90, 30), (100, 180, 180, 90, 30))
    return make_roads(*lines), houses, hotspots, homes, existing


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 2**16))
def test_no_proposed_site_lies_inside_a_building(seed):
    roads, houses, hotspots, homes, existing = shop_house_scene(np.random.default_rng(seed))
    walls = building_walls(houses)
    segments = road_segments(roads)
    routes = route_coverage(segments, existing, walls=walls)
    footprints = shapely.STRtree(houses.geometry.to_numpy())

    def inside(frame):
        points = shapely.points(frame[["x_m", "y_m"]].to_numpy(dtype=float))
        return np.isin(np.arange(len(frame)), footprints.query(points, predicate="within")[0])

    assert inside(roadside_sites(routes)).any()  # the houses do swallow roadside sites
    sites = pd.concat(
        [
            roadside_sites(routes, walls=walls),
            hotspot_edge_sites(hotspots, walls=walls),
            supplied_sites(homes, segments, label_field="label", walls=walls),
        ],
        ignore_index=True,
    )
    assert not inside(sites).any()
    views = candidate_views(sites, TEMPLATES, existing=existing, routes=routes, walls=walls)
    assert len(views) and not inside(views).any()
    # A household that was inside a house now stands on a façade, FACADE_OFFSET_M out (or is
    # dropped, when that spot is inside another house).
    home_xy = pd.DataFrame(homes.get_coordinates().to_numpy(), columns=["x_m", "y_m"])
    moved = sites[sites["label"].isin(homes["label"][inside(home_xy)])]
    points = shapely.points(moved[["x_m", "y_m"]].to_numpy())
    _, distance_m = footprints.query_nearest(points, return_distance=True, all_matches=False)
    assert len(moved) and np.all(distance_m <= FACADE_OFFSET_M + 1e-9)
