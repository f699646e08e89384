"""A seeded synthetic city, the size of Ho Chi Minh City since 2025, for the city benchmark.

    python bench/citydata.py OUT_FOLDER [--cameras 40000 ...] [--seed 0]

A square of 40 km × 40 km in UTM 48N around the city's south-west (as the coverage benchmark's
street grid, :func:`coverage_bench.street_grid`): a jittered street grid 540 m apart, a vertex
every ~20 m (about 5,900 km of streets), every sixth street a named key route "Trục N" (about
1,000 km); 168 wards, the Voronoi cells of seeded points clipped to the square; 30 hotspots
(markets, industrial zones, stations: discs of 200–1,200 m); and household cameras set back
2–10 m from the streets, facing them (bullets 60–100° of 20–60 m, one in five a dome of 10–20 m;
9 in 10 active, the others broken or removed).

It writes what a district would load (``wards.geojson``, ``roads.gpkg``, ``hotspots.geojson``
in EPSG:4326, ``key_routes.txt``) and, for each camera count N, ``cameras_N.csv``, a camera list
for ``cli.py cameras import`` (the list's own English headers).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent))

from coverage_bench import CRS, ORIGIN, roadside_cameras, street_grid

SIDE_M = 40_000.0
STREET_SPACING_M = 540.0
KEY_EVERY = 6
WARDS = 168
HOTSPOTS = 30
DOME_SHARE = 0.2
STATUS_SHARES = {"active": 0.9, "broken": 0.06, "removed": 0.04}


def city_layers(seed: int = 0) -> dict[str, gpd.GeoDataFrame]:
    """The city's wards, roads and hotspots in UTM 48N metres, the same for every ``seed`` call."""
    rng = np.random.default_rng(seed)
    roads = street_grid(SIDE_M, STREET_SPACING_M, rng)
    line = roads["road_name"].str.removeprefix("street ").astype(int)
    key = line % KEY_EVERY == 0
    roads["road_name"] = np.where(key, "Trục " + (line // KEY_EVERY + 1).astype(str), "")
    square = shapely.box(*ORIGIN, ORIGIN[0] + SIDE_M, ORIGIN[1] + SIDE_M)
    centres = shapely.points(rng.uniform(ORIGIN, np.add(ORIGIN, SIDE_M), (WARDS, 2)))
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(centres)))
    order = shapely.STRtree(cells).query(centres, predicate="within")
    cells = shapely.intersection(cells[order[1][np.argsort(order[0])]], square)
    wards = gpd.GeoDataFrame(
        {
            "ward_code": [str(26_000 + 3 * k) for k in range(WARDS)],
            "ward_name": [f"Phường {k + 1}" for k in range(WARDS)],
        },
        geometry=cells,
        crs=CRS,
    )
    spots = rng.uniform(np.add(ORIGIN, 2_000), np.add(ORIGIN, SIDE_M - 2_000), (HOTSPOTS, 2))
    kinds = rng.choice(["market", "industrial", "station"], HOTSPOTS)
    hotspots = gpd.GeoDataFrame(
        {
            "hotspot_name": [f"Điểm nóng {k + 1}" for k in range(HOTSPOTS)],
            "hotspot_kind": kinds,
            "weight": rng.choice([1.0, 2.0, 3.0], HOTSPOTS),
        },
        geometry=shapely.buffer(shapely.points(spots), rng.uniform(200, 1_200, HOTSPOTS)),
        crs=CRS,
    )
    return {"wards": wards, "roads": roads, "hotspots": hotspots}


def city_cameras(roads: gpd.GeoDataFrame, count: int, seed: int = 0) -> pd.DataFrame:
    """``count`` household cameras along ``roads`` as a camera list (degrees)."""
    rng = np.random.default_rng(seed + 1)
    cameras = roadside_cameras(roads, count, rng)
    dome = rng.random(count) < DOME_SHARE
    points = cameras.geometry.to_crs(4326)
    return pd.DataFrame(
        {
            "camera_id": [f"TP-{k:06d}" for k in range(count)],
            "lat": points.y.round(7),
            "lon": points.x.round(7),
            "bearing_deg": cameras["bearing_deg"].round(1),
            "fov_deg": np.where(dome, 360.0, rng.uniform(60, 100, count).round()),
            "range_m": np.where(dome, rng.uniform(10, 20, count), rng.uniform(20, 60, count)).round(
                1
            ),
            "camera_type": np.where(dome, "dome", "bullet"),
            "status": rng.choice(list(STATUS_SHARES), count, p=list(STATUS_SHARES.values())),
        }
    )


def write_city(folder: Path, *, cameras: Sequence[int], seed: int = 0) -> dict[str, Path]:
    """Write the city's layers and a camera list of each count in ``cameras`` into ``folder``;
    their paths, the lists' as ``cameras_N``."""
    folder.mkdir(parents=True, exist_ok=True)
    layers = city_layers(seed)
    paths = {
        "wards": folder / "wards.geojson",
        "roads": folder / "roads.gpkg",
        "hotspots": folder / "hotspots.geojson",
        "key_routes": folder / "key_routes.txt",
    }
    for name in ("wards", "roads", "hotspots"):
        layers[name].to_crs(4326).to_file(paths[name])
    names = sorted({n for n in layers["roads"]["road_name"] if n})
    paths["key_routes"].write_text("\n".join(names) + "\n", encoding="utf-8")
    for count in cameras:
        paths[f"cameras_{count}"] = folder / f"cameras_{count}.csv"
        city_cameras(layers["roads"], count, seed).to_csv(paths[f"cameras_{count}"], index=False)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--cameras", type=int, nargs="+", default=[40_000])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    for name, path in write_city(args.folder, cameras=args.cameras, seed=args.seed).items():
        print(f"{name}\t{path}")


if __name__ == "__main__":
    main()
