"""Benchmark of camera placement: lazy greedy + LP bound at district scale, and against spopt.

    python bench/placement_bench.py [--k 200] [--candidates 20000] [--small 2000] [--small-k 50]
                                    [--json OUT] [--seed 0]

The district workload of ``bench/coverage_bench.py`` (a 10 km × 10 km street grid, 1,000 km of
key routes, 5,000 existing cameras facing the streets) gets ``--candidates`` candidate
site-bearing pairs: seeded roadside sites along the unseen stretches
(:func:`coverage.candidates.roadside_sites`), each with a bullet camera (80°, 40 m) along the
road both ways and across it. Timed end to end: the existing coverage, the pieces each
candidate would newly see (:func:`coverage.placement.coverage_problem`), the lazy greedy for
``--k`` cameras 30 m apart, and the linear-relaxation bound (HiGHS), which certifies the gap.

A smaller shared instance (up to ``--small`` candidates, bullet and dome at every site of a
1.5 km × 1.5 km corner, each its own site, no spacing: the plain maximal covering location
problem) is then solved four ways: the lazy greedy, this
project's exact model (:func:`coverage.programme.coverage_model` solved by HiGHS), and PySAL
spopt's ``MCLP`` (the anchor a user would otherwise pick; ``pip install spopt``), whose model is
built from the dense piece × candidate cost matrix and solved with HiGHS through PuLP. Both
exact solutions must reach the same objective.

Prints and writes ``{"district": {...}, "small": {...}}``: seconds, objective values (weighted
metres newly covered), the bound, the gaps, and the ratios of the model build times.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from coverage_bench import WORKLOADS, roadside_cameras, street_grid
from figures import emit

from coverage import placement, programme
from coverage.candidates import TEMPLATES, Template, candidate_views, roadside_sites
from coverage.network import road_segments
from coverage.occlusion import building_walls
from coverage.routes import route_coverage
from geodata.analysis.recommend import recommend
from geodata.analysis.summary import key_route_segments
from geodata.layers.demo import build_demo

BULLET = Template("bullet", 80.0, 40.0)
SPACING_M = 30.0
SMALL_SIDE_M = 1_500.0


def district_instance(n_candidates: int, seed: int):
    """The district's existing coverage, ``n_candidates`` candidate views, and every site."""
    side_m, street_m, n_cameras = WORKLOADS["district"]
    rng = np.random.default_rng(seed)
    roads = street_grid(side_m, street_m, rng)
    cameras = roadside_cameras(roads, n_cameras, rng)
    segments = road_segments(roads)
    start = time.perf_counter()
    routes = route_coverage(segments, cameras)
    existing_s = time.perf_counter() - start
    sites = roadside_sites(routes)
    wanted = min(len(sites), round(n_candidates / 3 * 1.05))  # some are at existing cameras
    chosen = np.sort(rng.choice(len(sites), wanted, replace=False))
    start = time.perf_counter()
    views = candidate_views(sites.iloc[chosen], (BULLET,), existing=cameras, routes=routes)
    candidates_s = time.perf_counter() - start
    views = views.head(n_candidates).reset_index(drop=True)
    every = candidate_views(sites, TEMPLATES, existing=cameras)
    return routes, views, (existing_s, candidates_s), every


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def district(routes, views, k: int, setup_s: tuple[float, float]) -> dict:
    """Placement of ``k`` cameras among ``views``: times (the existing coverage, the candidates'
    bearing search, the placement, end to end), value, bound, gap."""
    existing_s, candidates_s = setup_s
    build_s, problem = timed(placement.coverage_problem, routes, views)
    greedy_s, picked = timed(placement.greedy, problem, k, spacing_m=SPACING_M)
    bound_s, bound = timed(programme.upper_bound, problem, k, spacing_m=SPACING_M)
    return {
        "key_routes_km": round(routes.length_m / 1000, 1),
        "covered_before_km": round(routes.total_covered_m / 1000, 2),
        "candidates": len(problem),
        "pieces": int(problem.piece_m.size),
        "k": k,
        "existing_coverage_s": round(existing_s, 3),
        "build_s": round(build_s, 3),
        "greedy_s": round(greedy_s, 4),
        "bound_s": round(bound_s, 3),
        "placement_s": round(build_s + greedy_s + bound_s, 3),
        "candidates_s": round(candidates_s, 3),
        "end_to_end_s": round(existing_s + candidates_s + build_s + greedy_s + bound_s, 3),
        "greedy_m": round(picked.weight, 2),
        "bound_m": round(bound, 2),
        "gap_to_bound": max(0.0, round(1 - picked.weight / bound, 6)),
    }


def small(routes, every_view, n: int, k: int) -> dict:
    """The shared MCLP instance: greedy, this project's exact model, and spopt's.

    The first ``n`` candidates (bullet and dome, every site) of the district's south-west corner:
    dense, so that views overlap.
    """
    x0, y0 = every_view["x_m"].min(), every_view["y_m"].min()
    corner = every_view[
        (every_view["x_m"] < x0 + SMALL_SIDE_M) & (every_view["y_m"] < y0 + SMALL_SIDE_M)
    ]
    subset = corner.head(n).reset_index(drop=True)
    subset["site"] = np.arange(len(subset))  # each candidate its own site: the plain MCLP
    problem = placement.coverage_problem(routes, subset)
    greedy_s, picked = timed(placement.greedy, problem, k, spacing_m=0.0)
    model_s, _ = timed(build_model, problem, k)
    exact_s, (best, proven) = timed(programme.exact, problem, k, spacing_m=0.0)
    result = {
        "candidates": len(subset),
        "pieces": int(problem.piece_m.size),
        "k": k,
        "greedy_s": round(greedy_s, 4),
        "greedy_m": round(picked.weight, 2),
        "model_build_s": round(model_s, 5),
        "exact_s": round(exact_s, 3),
        "exact_m": round(best.weight, 2),
        "exact_bound_m": round(proven, 2),
        "greedy_gap_to_exact": max(0.0, round(1 - picked.weight / best.weight, 6)),
    }
    result["spopt"] = spopt_mclp(problem, k)
    if "build_s" in result["spopt"]:
        result["build_ratio"] = round(result["spopt"]["build_s"] / model_s, 1)
        if abs(result["spopt"]["objective_m"] - best.weight) > 1e-3 * best.weight:
            raise SystemExit("spopt and this project's exact model disagree")
    return result


def build_model(problem: placement.CoverageProblem, k: int):
    """This project's exact model of ``problem``, as HiGHS takes it."""
    return programme.coverage_model(problem, k, spacing_m=0.0).highs_lp(integer=True)


def spopt_mclp(problem: placement.CoverageProblem, k: int) -> dict:
    """spopt's MCLP on the same pieces and candidates (dense cost matrix, HiGHS via PuLP)."""
    try:
        import pulp
        from spopt.locate import MCLP
    except ImportError as error:
        return {"skipped": f"spopt is not installed ({error.name}); pip install spopt"}
    start = time.perf_counter()
    cost = np.full((problem.piece_m.size, len(problem)), 2.0)
    owner = np.repeat(np.arange(len(problem)), np.diff(problem.start))
    cost[problem.pieces, owner] = 0.0
    matrix_s = time.perf_counter() - start
    build_s, model = timed(
        MCLP.from_cost_matrix, cost, problem.piece_weight, service_radius=1.0, p_facilities=k
    )
    solve_s, _ = timed(model.solve, pulp.HiGHS(msg=False))
    return {
        "cost_matrix_s": round(matrix_s, 3),
        "build_s": round(build_s, 3),
        "solve_s": round(solve_s, 3),
        "objective_m": round(float(pulp.value(model.problem.objective)), 2),
    }


def demo_against_dense(k: int) -> dict:
    """The demo's recommendation of ``k`` bullet cameras against a dense search of our own.

    The dense search uses the same camera kind (80° / 40 m), the same 4 m setback, the same
    30 m spacing and the same buildings (they block views, and sites inside them move onto
    their façades): sites every 5 m along the unseen key-route stretches on both sides of the
    road, each trying every 15°, and the same lazy greedy over all of them.
    """
    demo = build_demo()
    walls = building_walls(demo.buildings) if demo.buildings is not None else None
    tool_s, tool = timed(recommend, demo, k=k, templates=[BULLET], spacing_m=SPACING_M, walls=walls)
    start = time.perf_counter()
    routes = route_coverage(key_route_segments(demo), demo.cameras, walls=walls)
    sites = roadside_sites(routes, step_m=5.0, walls=walls)
    views = []
    for bearing in np.arange(0.0, 360.0, 15.0):
        views.append(
            pd.DataFrame(
                {
                    "site": np.arange(len(sites)),
                    "x_m": sites["x_m"],
                    "y_m": sites["y_m"],
                    "bearing_deg": bearing,
                    "fov_deg": BULLET.fov_deg,
                    "range_m": BULLET.range_m,
                }
            )
        )
    dense = pd.concat(views, ignore_index=True).sort_values("site", kind="stable")
    problem = placement.coverage_problem(routes, dense.reset_index(drop=True), walls=walls)
    picked = placement.greedy(problem, k, spacing_m=SPACING_M)
    dense_s = time.perf_counter() - start
    return {
        "k": k,
        "tool_gain_m": round(tool.placement.weight, 1),
        "tool_candidates": len(tool.problem),
        "tool_s": round(tool_s, 2),
        "dense_gain_m": round(picked.weight, 1),
        "dense_candidates": len(problem),
        "dense_s": round(dense_s, 1),
        "tool_over_dense": round(tool.placement.weight / picked.weight, 4),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--k", type=int, default=200)
    parser.add_argument("--candidates", type=int, default=20_000)
    parser.add_argument("--small", type=int, default=2_000)
    parser.add_argument("--small-k", type=int, default=50)
    parser.add_argument("--demo-k", type=int, default=20)
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    routes, views, setup_s, every_view = district_instance(args.candidates, args.seed)
    report = {
        "district": district(routes, views, args.k, setup_s),
        "small": small(routes, every_view, args.small, args.small_k),
        "demo_against_dense": demo_against_dense(args.demo_k),
    }
    emit(report, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
