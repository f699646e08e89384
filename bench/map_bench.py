"""Benchmark of the coverage map in headless Chromium: page size and time to first draw.

    python bench/map_bench.py [--cameras 2000 20000] [--json OUT]

For each camera count, the demo district gets that many cameras (the demo's 2,000, repeated with
a seeded jitter of a few metres), and two maps are written next to a local copy of Leaflet:

* ``app``: the app's map (:func:`geodata.maps.webmap.coverage_map`): cameras travel once as a
compact array, clustered when zoomed out, cones drawn by the browser only when zoomed in;
* ``baseline``: what folium offers directly: every camera as a GeoJSON circle marker and every
  field of view as one GeoJSON polygon layer.

Each page is served from 127.0.0.1 and opened in Debian's Chromium (``/usr/bin/chromium``); the
time is from navigation until Leaflet has drawn the map's vector layers. Prints and writes
``{"runs": [{"cameras", "map", "html_mb", "draw_s"}], "ratios": [...]}``.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
import tempfile
import threading
import time
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from figures import emit

from coverage.fov import fov_polygons
from geodata.analysis.summary import summarise
from geodata.io.crs import to_wgs84
from geodata.layers.demo import build_demo
from geodata.maps.leaflet import install_leaflet as install
from geodata.maps.leaflet import localise_assets
from geodata.maps.webmap import coverage_map

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def demo_with(n_cameras: int):
    """The demo with ``n_cameras`` cameras (its own, repeated with a few metres of jitter)."""
    demo = build_demo()
    rng = np.random.default_rng(0)
    copies = -(-n_cameras // len(demo.cameras))
    cameras = pd.concat([demo.cameras] * copies, ignore_index=True).iloc[:n_cameras].copy()
    cameras["camera_id"] = [f"B-{i:06d}" for i in range(n_cameras)]
    jitter = rng.normal(0, 4.0, (n_cameras, 2))
    moved = gpd.points_from_xy(
        cameras.geometry.x.to_numpy() + jitter[:, 0],
        cameras.geometry.y.to_numpy() + jitter[:, 1],
        crs=cameras.crs,
    )
    cameras = cameras.set_geometry(moved)
    return type(demo)(**{**demo.__dict__, "cameras": cameras})


def baseline_map(summary) -> folium.Map:
    """Every camera and every cone as plain folium GeoJSON layers."""
    cameras = summary.dataset.cameras
    cones = to_wgs84(cameras.set_geometry(fov_polygons(cameras, arc_step_deg=10.0)))
    fmap = folium.Map(location=[10.78, 106.75], zoom_start=13, tiles=None, prefer_canvas=True)
    folium.GeoJson(cones[["status", "geometry"]], name="cones").add_to(fmap)
    folium.GeoJson(
        to_wgs84(cameras)[["camera_id", "status", "geometry"]],
        name="cameras",
        marker=folium.CircleMarker(radius=3),
        tooltip=folium.GeoJsonTooltip(fields=["camera_id", "status"]),
    ).add_to(fmap)
    localise_assets(fmap)
    return fmap


def draw_seconds(url: str) -> float:
    """Seconds from navigation until Leaflet has drawn vector layers on its canvas."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        start = time.perf_counter()
        page.goto(url, wait_until="load", timeout=300_000)
        page.wait_for_selector(
            ".leaflet-container canvas, .leaflet-container path", timeout=300_000
        )
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")
        seconds = time.perf_counter() - start
        browser.close()
    return seconds


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging every request."""

    def log_message(self, *args) -> None:
        pass


def serve(folder: Path) -> tuple[str, http.server.ThreadingHTTPServer]:
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


def run(counts: list[int]) -> dict:
    runs = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        install(root / "app" / "static")
        url, server = serve(root)
        try:
            for n in counts:
                summary = summarise(demo_with(n))
                for name, build in (
                    ("app", lambda s: coverage_map(s, lang="vi")),
                    ("baseline", baseline_map),
                ):
                    page = root / f"{name}-{n}.html"
                    page.write_text(build(summary).get_root().render(), encoding="utf-8")
                    runs.append(
                        {
                            "cameras": n,
                            "map": name,
                            "html_mb": round(page.stat().st_size / 1e6, 2),
                            "draw_s": round(draw_seconds(f"{url}/{page.name}"), 2),
                        }
                    )
        finally:
            server.shutdown()
    ratios = [
        {
            "cameras": n,
            "size_ratio": round(base["html_mb"] / app["html_mb"], 1),
            "draw_ratio": round(base["draw_s"] / app["draw_s"], 1),
        }
        for n in counts
        for app in [r for r in runs if r["cameras"] == n and r["map"] == "app"]
        for base in [r for r in runs if r["cameras"] == n and r["map"] == "baseline"]
    ]
    return {"runs": runs, "ratios": ratios}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cameras", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = run(args.cameras)
    emit(result, args.json)


if __name__ == "__main__":
    main()
