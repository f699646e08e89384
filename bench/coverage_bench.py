"""Benchmark of the route-coverage engine against the naive polygon baseline.

    python bench/coverage_bench.py --workload district|city [--json OUT] [--repeat N]

A seeded synthetic network is generated in UTM 48N metres: a jittered street grid with a vertex
every ~20 m, and cameras set back 2–10 m from the streets, facing them (FOV 60–90°, range
30–60 m). The engine (``road_segments`` + ``route_coverage``, spatial index included) is timed
in-process. For the district workload the naive baseline runs in the same process: per camera a
sector polygon, ``shapely.union_all`` of them all, then the intersection with each road and the
sum of the lengths. Both covered lengths must agree within 0.1 %.

Then the same cameras look past buildings: along every block side, on both sides of the street,
a row of five footprints 26 m long and 12 m deep, their fronts 11 m from the street's centre
line (about 50,000 in the district). The occluded engine (``route_coverage`` with the walls of
``building_walls``) is timed the same way, in the same run; ``walls_s`` is the one-off cost of
turning footprints into walls (the app keeps them per data revision, like the segments).

Prints and writes ``{"workload", "roads_km", "segments", "cameras", "engine_s", "naive_s",
"ratio", "engine_covered_m", "naive_covered_m", "buildings", "walls_s", "occluded_s",
"occluded_ratio", "occluded_covered_m", "peak_rss_mb"}`` (``naive_*`` and ``ratio`` are null for
the city workload; ``occluded_ratio`` is ``occluded_s / engine_s``).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from figures import emit

from coverage.network import road_segments
from coverage.occlusion import building_walls
from coverage.routes import route_coverage

CRS = "EPSG:32648"
ORIGIN = (680_000.0, 1_180_000.0)
WORKLOADS = {
    # side of the square area (m), street spacing (m), cameras
    "district": (10_000.0, 200.0, 5_000),
    "city": (55_000.0, 200.0, 200_000),
}
VERTEX_SPACING_M = 20.0
AGREEMENT = 1e-3
HOUSES_PER_SIDE = 5
HOUSE_LENGTH_M, HOUSE_PITCH_M, FIRST_HOUSE_M = 26.0, 31.0, 25.0
HOUSE_FRONT_M, HOUSE_BACK_M = 11.0, 23.0


def street_grid(side_m: float, spacing_m: float, rng: np.random.Generator) -> gpd.GeoDataFrame:
    """Streets across a square, one row per block (as osmnx gives edges), a vertex every ~20 m."""
    offsets = np.arange(spacing_m / 2, side_m, spacing_m)
    steps = np.arange(0.0, side_m + VERTEX_SPACING_M / 2, VERTEX_SPACING_M)
    n_lines, n_vertices = offsets.size, steps.size
    along = np.broadcast_to(steps, (n_lines, n_vertices))
    across = offsets[:, None] + rng.normal(0.0, 2.0, (n_lines, n_vertices)).cumsum(axis=1) / 4
    vertical = np.stack([across, along], axis=-1)
    horizontal = np.stack([along, across + rng.uniform(-5, 5, (n_lines, 1))], axis=-1)
    coords = np.concatenate([vertical, horizontal]) + np.asarray(ORIGIN)
    per_edge = round(spacing_m / VERTEX_SPACING_M)
    n_edges = (n_vertices - 1) // per_edge
    vertex = np.arange(n_edges)[:, None] * per_edge + np.arange(per_edge + 1)
    pieces = coords[:, vertex].reshape(-1, per_edge + 1, 2)
    street = np.repeat(np.arange(coords.shape[0]), n_edges)
    return gpd.GeoDataFrame(
        {"road_name": [f"street {i}" for i in street]},
        geometry=shapely.linestrings(pieces),
        crs=CRS,
    )


def roadside_cameras(
    roads: gpd.GeoDataFrame, n_cameras: int, rng: np.random.Generator
) -> gpd.GeoDataFrame:
    """Cameras at random places along the roads, set back 2–10 m, facing the road."""
    lines = roads.geometry.to_numpy()
    lengths = shapely.length(lines)
    which = rng.choice(lines.size, n_cameras, p=lengths / lengths.sum())
    at_m = rng.uniform(0, lengths[which])
    here = shapely.line_interpolate_point(lines[which], at_m)
    ahead = shapely.line_interpolate_point(lines[which], np.minimum(at_m + 1.0, lengths[which]))
    back = shapely.line_interpolate_point(lines[which], np.maximum(at_m - 1.0, 0.0))
    dx = shapely.get_x(ahead) - shapely.get_x(back)
    dy = shapely.get_y(ahead) - shapely.get_y(back)
    norm = np.hypot(dx, dy)
    side = rng.choice([-1.0, 1.0], n_cameras)
    setback_m = rng.uniform(2, 10, n_cameras)
    nx, ny = -dy / norm * side, dx / norm * side
    x = shapely.get_x(here) + nx * setback_m
    y = shapely.get_y(here) + ny * setback_m
    facing = np.degrees(np.arctan2(-nx, -ny)) % 360.0
    bearing = (facing + rng.uniform(-40, 40, n_cameras)) % 360.0
    return gpd.GeoDataFrame(
        {
            "bearing_deg": bearing,
            "fov_deg": rng.uniform(60, 90, n_cameras),
            "range_m": rng.uniform(30, 60, n_cameras),
            "status": "active",
        },
        geometry=gpd.points_from_xy(x, y),
        crs=CRS,
    )


def block_buildings(roads: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Rows of footprints along both sides of every block side (each road row), following it."""
    lines = roads.geometry.to_numpy()
    n = lines.size
    along = FIRST_HOUSE_M + HOUSE_PITCH_M * np.arange(HOUSES_PER_SIDE)
    line = np.repeat(np.arange(n), HOUSES_PER_SIDE)
    start, end = np.tile(along, n), np.tile(along + HOUSE_LENGTH_M, n)

    def offset_points(at_m, side):
        here = shapely.get_coordinates(shapely.line_interpolate_point(lines[line], at_m))
        ahead = shapely.get_coordinates(shapely.line_interpolate_point(lines[line], at_m + 1.0))
        tangent = (ahead - here) / np.hypot(*(ahead - here).T)[:, None]
        normal = side * np.column_stack([tangent[:, 1], -tangent[:, 0]])
        return [here + normal * depth for depth in (HOUSE_FRONT_M, HOUSE_BACK_M)]

    rings = []
    for side in (1.0, -1.0):
        (front0, back0), (front1, back1) = offset_points(start, side), offset_points(end, side)
        rings.append(np.stack([front0, front1, back1, back0, front0], axis=1))
    return gpd.GeoDataFrame(
        {"height_m": np.full(2 * line.size, np.nan)},
        geometry=shapely.polygons(np.concatenate(rings)),
        crs=CRS,
    )


def engine_covered_m(roads: gpd.GeoDataFrame, cameras: gpd.GeoDataFrame, walls=None) -> float:
    """The engine, end to end from road lines: segments, spatial index, exact intervals."""
    return route_coverage(road_segments(roads), cameras, walls=walls).total_covered_m


def naive_sector(x: float, y: float, bearing_deg: float, fov_deg: float, range_m: float):
    """One sector polygon with a vertex every degree of arc, as a user would build it."""
    angles = np.radians(
        np.linspace(bearing_deg - fov_deg / 2, bearing_deg + fov_deg / 2, int(np.ceil(fov_deg)) + 1)
    )
    arc = np.column_stack([x + range_m * np.sin(angles), y + range_m * np.cos(angles)])
    return shapely.Polygon(np.vstack([[x, y], arc, [x, y]]))


def naive_covered_m(roads: gpd.GeoDataFrame, cameras: gpd.GeoDataFrame) -> float:
    """The naive baseline: sector polygons → union_all → intersection with each road."""
    sectors = [
        naive_sector(point.x, point.y, bearing, fov, reach)
        for point, bearing, fov, reach in zip(
            cameras.geometry,
            cameras["bearing_deg"],
            cameras["fov_deg"],
            cameras["range_m"],
            strict=True,
        )
    ]
    seen = shapely.union_all(sectors)
    return float(sum(road.intersection(seen).length for road in roads.geometry))


def timed(function, *args, repeat: int = 1) -> tuple[float, float]:
    """(median seconds over ``repeat`` runs, result of the last run)."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def run(workload: str, *, repeat: int) -> dict:
    """Generate the workload, time the engine (and the baseline for the district)."""
    side_m, spacing_m, n_cameras = WORKLOADS[workload]
    rng = np.random.default_rng(0)
    roads = street_grid(side_m, spacing_m, rng)
    cameras = roadside_cameras(roads, n_cameras, rng)
    engine_s, engine_m = timed(engine_covered_m, roads, cameras, repeat=repeat)
    result = {
        "workload": workload,
        "roads_km": round(float(roads.length.sum()) / 1000, 1),
        "segments": len(road_segments(roads)),
        "cameras": n_cameras,
        "engine_s": round(engine_s, 4),
        "naive_s": None,
        "ratio": None,
        "engine_covered_m": round(engine_m, 2),
        "naive_covered_m": None,
    }
    if workload == "district":
        naive_s, naive_m = timed(naive_covered_m, roads, cameras)
        result.update(
            naive_s=round(naive_s, 2),
            ratio=round(naive_s / engine_s, 1),
            naive_covered_m=round(naive_m, 2),
        )
        disagreement = abs(engine_m - naive_m) / naive_m
        if disagreement > AGREEMENT:
            raise SystemExit(f"engine and baseline disagree by {disagreement:.3%}")
    buildings = block_buildings(roads)
    walls_s, walls = timed(building_walls, buildings)
    occluded_s, occluded_m = timed(engine_covered_m, roads, cameras, walls, repeat=repeat)
    result.update(
        buildings=len(buildings),
        walls_s=round(walls_s, 3),
        occluded_s=round(occluded_s, 4),
        occluded_ratio=round(occluded_s / engine_s, 2),
        occluded_covered_m=round(occluded_m, 2),
    )
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workload", choices=sorted(WORKLOADS), default="district")
    parser.add_argument("--json", type=Path, help="also write the result here")
    parser.add_argument("--repeat", type=int, default=5, help="engine runs (median is reported)")
    args = parser.parse_args()
    result = run(args.workload, repeat=args.repeat)
    emit(result, args.json)


if __name__ == "__main__":
    main()
