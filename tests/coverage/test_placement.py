"""Placement: instances with the optimum worked out by hand, and properties on random ones."""

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from coverage import placement, programme
from coverage.candidates import TEMPLATES, Template, candidate_views, roadside_sites
from coverage.network import road_segments
from coverage.occlusion import building_walls
from coverage.routes import route_coverage
from coverage.tiers import at_tier, tier_named
from tests.coverage.conftest import make_buildings, make_cameras, make_roads

NO_SPACING = 0.0


def views(*specs) -> pd.DataFrame:
    """Candidates from (site, x, y, bearing_deg, fov_deg, range_m) tuples."""
    return pd.DataFrame(
        specs, columns=["site", "x_m", "y_m", "bearing_deg", "fov_deg", "range_m"]
    ).astype({"site": int})


def problem_of(roads, candidates, existing=None, **kwargs):
    routes = route_coverage(
        road_segments(roads), existing if existing is not None else make_cameras()
    )
    return placement.coverage_problem(routes, candidates, **kwargs)


@pytest.fixture
def road_200():
    """A straight road from (0, 0) to (200, 0)."""
    return make_roads([(0, 0), (200, 0)])


@pytest.fixture
def greedy_trap(road_200):
    """Round cameras on the road: [0, 100], [100, 200] and the greedy's bait [40, 160]."""
    return problem_of(
        road_200,
        views((0, 50, 0, 0, 360, 50), (1, 150, 0, 0, 360, 50), (2, 100, 0, 0, 360, 60)),
    )


def test_single_candidate_sees_its_disc_chord(road_200):
    problem = problem_of(road_200, views((0, 100, 0, 0, 360, 30)))
    picked = placement.greedy(problem, 1, spacing_m=NO_SPACING)
    assert picked.picks.tolist() == [0]
    assert picked.gain_m.tolist() == pytest.approx([60.0])
    assert picked.covered_after_m == pytest.approx(60.0)


def test_greedy_takes_the_bait_and_the_exact_solver_does_not(greedy_trap):
    # Greedy: [40, 160] (120 m), then either half adds 40 m: 160 m. Best: both halves, 200 m.
    picked = placement.greedy(greedy_trap, 2, spacing_m=NO_SPACING)
    assert picked.picks.tolist() == [2, 0]  # the tie between 0 and 1 goes to the lower number
    assert picked.gain_m.tolist() == pytest.approx([120.0, 40.0])
    best, bound = programme.exact(greedy_trap, 2, spacing_m=NO_SPACING)
    assert sorted(best.picks.tolist()) == [0, 1]
    assert best.weight == pytest.approx(200.0) and bound == pytest.approx(200.0)
    assert programme.upper_bound(greedy_trap, 2, spacing_m=NO_SPACING) >= 200.0 - 1e-6
    assert picked.weight >= (1 - 1 / math.e) * best.weight


def test_existing_cameras_count_and_their_stretch_is_not_paid_for_again(road_200):
    existing = make_cameras((50, 0, 0, 360, 50))  # sees [0, 100]
    problem = problem_of(road_200, views((0, 50, 0, 0, 360, 50), (1, 150, 0, 0, 360, 50)), existing)
    assert problem.covered_before_m == pytest.approx(100.0)
    picked = placement.greedy(problem, 2, spacing_m=NO_SPACING)
    assert picked.picks.tolist() == [1]  # candidate 0 would add nothing
    assert picked.covered_after_m == pytest.approx(200.0)


def test_candidates_that_see_only_what_is_seen_leave_nothing_to_cover(road_200):
    existing = make_cameras((100, 0, 0, 360, 120))  # sees the whole road
    problem = problem_of(road_200, views((0, 50, 0, 0, 360, 30), (1, 150, 5, 0, 90, 20)), existing)
    assert problem.piece_m.size == 0 and problem.pieces.size == 0
    assert problem.start.tolist() == [0, 0, 0]
    assert placement.greedy(problem, 2).picks.size == 0
    assert programme.upper_bound(problem, 2) == 0.0


def test_sites_at_existing_cameras_are_never_candidates():
    sites = pd.DataFrame(
        {
            "x_m": [0.0, 2.0, 50.0],
            "y_m": [0.0, 0.0, 0.0],
            "road_bearing_deg": 90.0,
            "facing_deg": 0.0,
            "source": "route",
            "label": "",
        }
    )
    existing = make_cameras((0, 0, 0, 90, 30), (49, 0, 0, 90, 30), status=["active", "broken"])
    kept = candidate_views(sites, TEMPLATES, existing=existing)
    assert sorted(set(kept["x_m"])) == [
        50.0
    ]  # 0 and 2 m from an active camera go; broken ones stay


def test_spacing_keeps_picks_apart(road_200):
    candidates = views((0, 60, 0, 90, 90, 40), (1, 70, 0, 90, 90, 40), (2, 160, 0, 90, 90, 40))
    problem = problem_of(road_200, candidates)
    close = placement.greedy(problem, 3, spacing_m=NO_SPACING)
    spaced = placement.greedy(problem, 3, spacing_m=30.0)
    assert len(close.picks) == 3
    xy = problem.candidates.loc[spaced.picks, ["x_m", "y_m"]].to_numpy()
    gaps = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    assert (gaps[np.triu_indices(len(xy), 1)] >= 30.0).all()
    best, _ = programme.exact(problem, 3, spacing_m=30.0)
    assert len(best.picks) == 2 and best.weight <= close.weight


def test_one_pick_per_site(road_200):
    # One site with three bearings: each sees its own stretch, but only one may be installed.
    candidates = views((0, 100, 5, 90, 60, 60), (0, 100, 5, 270, 60, 60), (0, 100, 5, 180, 60, 60))
    problem = problem_of(road_200, candidates)
    assert len(placement.greedy(problem, 3, spacing_m=NO_SPACING).picks) == 1
    best, _ = programme.exact(problem, 3, spacing_m=NO_SPACING)
    assert len(best.picks) == 1


def test_target_share_stops_when_reached(greedy_trap):
    picked = placement.greedy(greedy_trap, 10, spacing_m=NO_SPACING, target_share=0.5)
    assert picked.picks.tolist() == [2]  # 120 of 200 m reaches half after one camera
    curve = picked.curve()
    assert curve["k"].tolist() == [0, 1] and curve["share"].tolist() == pytest.approx([0.0, 0.6])


def test_weights_steer_the_picks(road_200):
    two_roads = make_roads([(0, 0), (200, 0)], [(0, 100), (200, 100)], names=["A", "B"])
    candidates = views((0, 100, 0, 0, 360, 40), (1, 100, 100, 0, 360, 30))
    routes = route_coverage(road_segments(two_roads), make_cameras())
    plain = placement.coverage_problem(routes, candidates)
    assert placement.greedy(plain, 1, spacing_m=NO_SPACING).picks.tolist() == [0]
    road_b = (routes.segments.route_names[routes.segments.route_code] == "B").astype(float)
    weighted = placement.coverage_problem(routes, candidates, segment_weight=1 + 2 * road_b)
    picked = placement.greedy(weighted, 1, spacing_m=NO_SPACING)
    assert picked.picks.tolist() == [1]  # 60 m × 3 beats 80 m × 1
    assert picked.weight == pytest.approx(180.0) and picked.gain_m.tolist() == pytest.approx([60.0])


def random_instance(seed: int, n_sites: int = 40):
    rng = np.random.default_rng(seed)
    roads = make_roads(
        *[[(0, y), (400, y + rng.uniform(-30, 30))] for y in (0, 60, 120)],
        [(50, -20), (70, 160)],
    )
    x, y = rng.uniform(0, 400, n_sites), rng.uniform(-20, 140, n_sites)
    rows = []
    for site in range(n_sites):
        for bearing in rng.choice(360, 3, replace=False):
            rows.append(
                (
                    site,
                    x[site],
                    y[site],
                    float(bearing),
                    rng.choice([60, 90, 360]),
                    rng.choice([15, 30, 50]),
                )
            )
    existing = make_cameras(
        *[(rng.uniform(0, 400), rng.uniform(0, 120), 90, 90, 30) for _ in range(3)]
    )
    return problem_of(roads, views(*rows), existing)


@pytest.mark.parametrize("seed", range(12))
def test_greedy_bound_and_optimum_are_ordered_on_random_instances(seed):
    problem = random_instance(seed)
    for k in (3, 8):
        picked = placement.greedy(problem, k, spacing_m=20.0)
        best, proven = programme.exact(problem, k, spacing_m=20.0)
        bound = programme.upper_bound(problem, k, spacing_m=20.0)
        assert proven == pytest.approx(best.weight, rel=1e-6)  # solved to optimality
        assert picked.weight <= best.weight + 1e-6
        assert picked.weight >= (1 - 1 / math.e) * best.weight - 1e-6
        assert bound >= best.weight - 1e-6
        assert problem.value(picked.picks) == pytest.approx(picked.weight)


def test_same_input_gives_the_same_picks():
    first = placement.greedy(random_instance(3), 8)
    again = placement.greedy(random_instance(3), 8)
    assert first.picks.tolist() == again.picks.tolist()
    assert first.gain_weight.tolist() == again.gain_weight.tolist()


def test_covered_after_equals_the_engine_with_the_picked_cameras():
    roads = make_roads([(0, 0), (300, 0), (300, 200)], [(0, 100), (300, 120)])
    existing = make_cameras((40, 5, 90, 80, 40), (300, 100, 0, 360, 20))
    routes = route_coverage(road_segments(roads), existing)
    candidates = candidate_views(
        roadside_sites(routes, step_m=20), (*TEMPLATES, Template("ptz", 200, 30)), existing=existing
    )
    problem = placement.coverage_problem(routes, candidates)
    picked = placement.greedy(problem, 6, spacing_m=25)
    chosen = problem.candidates.iloc[picked.picks]
    new = make_cameras(
        *chosen[["x_m", "y_m", "bearing_deg", "fov_deg", "range_m"]].itertuples(index=False)
    )
    both = pd.concat([existing, new], ignore_index=True)
    engine = route_coverage(road_segments(roads), both).total_covered_m
    assert picked.covered_after_m == pytest.approx(engine, abs=1e-6)
    assert picked.covered_after_m > routes.total_covered_m


def test_covered_after_equals_the_engine_with_the_picked_cameras_and_the_buildings():
    # Two parallel streets 40 m apart, each with a row of shop-houses (fronts 2.5 m from the
    # centre line, so roadside sites move onto their façades), some 4 m and some 12 m high; a
    # 6 m pole camera looks over the low ones. Houses along the north-south street too.
    roads = make_roads([(0, 0), (300, 0), (300, 200)], [(0, 40), (300, 40)])
    boxes = [(x, 2.5, x + 6, 14) for x in range(20, 260, 6)]
    boxes += [(x, 26, x + 8, 37.5) for x in range(0, 280, 10)]
    boxes += [(288, y, 297.5, y + 7) for y in range(50, 190, 7)]
    houses = make_buildings(*boxes, heights=[4.0 if i % 3 else 12.0 for i in range(len(boxes))])
    walls = building_walls(houses)
    segments = road_segments(roads)
    existing = make_cameras((40, -5, 90, 80, 40), (300, 100, 0, 360, 20))
    routes = route_coverage(segments, existing, walls=walls)
    pole = Template("pole", 80, 40, mount_height_m=6.0)
    templates = (*TEMPLATES, Template("ptz", 200, 30), pole)
    sites = roadside_sites(routes, step_m=20, walls=walls)
    candidates = candidate_views(sites, templates, existing=existing, routes=routes, walls=walls)
    problem = placement.coverage_problem(routes, candidates, walls=walls)
    picked = placement.greedy(problem, 6, spacing_m=25)
    chosen = problem.candidates.iloc[picked.picks]
    new = make_cameras(
        *chosen[["x_m", "y_m", "bearing_deg", "fov_deg", "range_m"]].itertuples(index=False)
    ).assign(mount_height_m=chosen["mount_height_m"].to_numpy())
    both = pd.concat([existing, new], ignore_index=True)
    engine = route_coverage(segments, both, walls=walls).total_covered_m
    assert picked.covered_after_m == pytest.approx(engine, abs=1e-6)
    assert picked.covered_after_m > routes.total_covered_m
    open_air = placement.coverage_problem(routes, candidates)
    alone = [sum(p.value([c]) for c in range(len(p))) for p in (open_air, problem)]
    assert alone[0] > alone[1] + 100.0  # the houses hide much from the candidates


@pytest.mark.parametrize(
    ("horizontal_px", "reach_m"),
    [(1920, 1920 / (125 * 2 * math.pi)), (3840, 3840 / (125 * 2 * math.pi))],
)
def test_a_candidate_at_a_tier_sees_its_reach_there(road_200, horizontal_px, reach_m):
    # A dome (360°, 15 m) on the road: its image's width spreads over the circle, 2π d at
    # distance d, so it gives recognition's 125 px/m out to width / (125 · 2π): 2.44 m for
    # 1920 px, twice that for 3840 px; it sees the road 2 × reach either way from it.
    dome = views((0, 100, 0, 0, 360, 15)).assign(horizontal_px=float(horizontal_px))
    problem = problem_of(road_200, dome, tier=tier_named("recognition"))
    assert problem.value([0], weighted=False) == pytest.approx(2 * reach_m)
    assert problem_of(road_200, dome).value([0], weighted=False) == pytest.approx(30.0)
    at_recognition = at_tier(make_cameras((100, 0, 0, 360, 15)), tier_named("recognition"))
    assert at_recognition["range_m"].tolist() == pytest.approx([1920 / (125 * 2 * math.pi)])


def dense(model) -> np.ndarray:
    """The model's constraint matrix, rows by columns."""
    matrix = np.zeros((model.upper.size, model.cost.size))
    for column in range(model.cost.size):
        entries = slice(model.start[column], model.start[column + 1])
        assert np.all(np.diff(model.index[entries]) > 0), "a column's rows are out of order"
        matrix[model.index[entries], column] = model.value[entries]
    return matrix


@pytest.mark.parametrize(("seed", "spacing_m"), [(0, 20.0), (1, 20.0), (2, 60.0), (3, 0.0)])
def test_the_model_holds_the_programme_it_describes(seed, spacing_m):
    problem = random_instance(seed, n_sites=25)
    n, k = len(problem), 4
    covers = [set(problem.covers(c).tolist()) for c in range(n)]
    shared = [p for p in range(problem.piece_m.size) if sum(p in c for c in covers) > 1]
    sites = sorted(set(problem.site.tolist()))
    xy = problem.site_xy
    close = [(i, j) for i in sites for j in sites if i < j and math.dist(xy[i], xy[j]) < spacing_m]
    a, b = problem.close_sites(spacing_m)
    assert sorted(zip(a.tolist(), b.tolist(), strict=True)) == close
    rows = [*shared, "k", *sites, *zip(a.tolist(), b.tolist(), strict=True)]
    expected = np.zeros((len(rows), n + len(shared)))
    for column in range(n):
        site = int(problem.site[column])
        for row, what in enumerate(rows):
            if isinstance(what, tuple):
                expected[row, column] = float(site in what)
            elif what == "k":
                expected[row, column] = 1.0
            elif row < len(shared):
                expected[row, column] = -float(what in covers[column])
            else:
                expected[row, column] = float(what == site)
    expected[np.arange(len(shared)), n + np.arange(len(shared))] = 1.0
    alone = [sum(problem.piece_weight[p] for p in c if p not in shared) for c in covers]
    model = programme.coverage_model(problem, k, spacing_m=spacing_m)
    assert dense(model) == pytest.approx(expected)
    assert model.cost == pytest.approx(-np.r_[alone, problem.piece_weight[shared]])
    assert model.upper.tolist() == [0.0] * len(shared) + [k] + [1.0] * (len(rows) - len(shared) - 1)


@pytest.mark.parametrize("seed", range(4))
def test_bound_by_column_generation_equals_the_whole_relaxation(seed, monkeypatch):
    problem = random_instance(seed, n_sites=60)
    model = programme.coverage_model(problem, 2, spacing_m=20.0)
    whole = programme._run(model.highs_lp())
    monkeypatch.setattr(programme, "PRICING_BATCH", 3)  # start with 10 of 180 candidates
    bound = programme.upper_bound(problem, 2, spacing_m=20.0)
    assert bound == pytest.approx(-whole.getInfo().objective_function_value, rel=1e-7)


def test_the_bound_brings_in_what_the_first_candidates_all_miss(monkeypatch):
    # Twelve domes crowd onto [0, 121]: the ten that start the column generation all see it.
    # Two more share [200, 300], a piece no starting candidate covers: only a later round
    # brings them in (their reduced cost comes from that piece's row), and the bound counts
    # both stretches.
    road = make_roads([(0, 0), (600, 0)])
    crowd = [(i, 60 + 0.1 * i, 0, 0, 360, 60) for i in range(12)]
    apart = [(12, 250, 0, 0, 360, 50), (13, 250, 0, 0, 360, 50)]
    problem = problem_of(road, views(*crowd, *apart))
    model = programme.coverage_model(problem, 2, spacing_m=NO_SPACING)
    whole = -programme._run(model.highs_lp()).getInfo().objective_function_value
    assert whole == pytest.approx(220.0, abs=1.5)
    monkeypatch.setattr(programme, "PRICING_BATCH", 1)  # start with 5 × k = 10 candidates
    assert programme.upper_bound(problem, 2, spacing_m=NO_SPACING) == pytest.approx(whole)


def test_reduced_costs_follow_the_solver(greedy_trap):
    model = programme.coverage_model(greedy_trap, 1, spacing_m=NO_SPACING)
    solved = programme._run(model.highs_lp())
    solution = solved.getSolution()
    mine = model.reduced_costs(np.asarray(solution.row_dual))
    assert mine == pytest.approx(np.asarray(solution.col_dual)[: len(greedy_trap)], abs=1e-9)


@pytest.mark.parametrize("seed", range(4))
def test_bounds_by_weight_and_by_metres_are_each_relaxation_alone(seed, monkeypatch):
    problem = random_instance(seed, n_sites=60)
    heavy = np.random.default_rng(seed).uniform(1.0, 5.0, problem.piece_m.size)
    weighted = replace(problem, piece_weight=problem.piece_m * heavy)
    metres = replace(problem, piece_weight=problem.piece_m)
    monkeypatch.setattr(programme, "PRICING_BATCH", 3)  # several rounds on both sides
    by_weight, by_metres = programme.upper_bounds(weighted, 3, spacing_m=20.0)
    assert by_weight == pytest.approx(programme.upper_bound(weighted, 3, spacing_m=20.0))
    assert by_metres == pytest.approx(programme.upper_bound(metres, 3, spacing_m=20.0))
    assert by_weight > by_metres * 1.5  # the two costs really differ
