"""In a real browser: a map of many cameras carries a bubble per tile and fetches the cameras
of the tiles in view once zoomed in; lines written compactly are drawn where they lie."""

import functools
import http.server
import re
import shutil
import threading

import numpy as np
import pytest
import shapely

from geodata.analysis.summary import summarise
from geodata.io.crs import to_wgs84
from geodata.layers.demo import build_demo
from geodata.maps import webmap
from geodata.maps.cameratiles import DETAIL_ZOOM, TileStore
from geodata.maps.htmlmap import write_html
from geodata.maps.linelayers import LINE_TOLERANCE_M
from geodata.maps.webmap import _merged_by_route, coverage_map


@pytest.fixture(scope="module")
def summary():
    return summarise(build_demo())


@pytest.fixture
def served(tmp_path):
    """``tmp_path`` served over HTTP on 127.0.0.1; yields its address."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def bubble_total(page) -> int:
    """The sum of the camera counts written in the bubbles on the map."""
    texts = page.locator(".camera-cluster").all_inner_texts()
    return sum(int(re.sub(r"\D", "", count)) for count in texts)


def test_many_cameras_travel_as_tiles_fetched_when_zoomed_in(summary, tmp_path, served):
    store = TileStore(tmp_path / "maps", "/maps", embed_max=100)
    write_html(coverage_map(summary, lang="vi", tile_store=store), tmp_path / "map.html")
    page_text = (tmp_path / "map.html").read_text(encoding="utf-8")
    some_id = str(summary.dataset.cameras["camera_id"].iloc[7])
    assert some_id not in page_text  # no camera row inside the page
    (tile_set,) = (tmp_path / "maps").iterdir()
    in_tiles = "".join(path.read_text() for path in tile_set.glob("*.json"))
    assert some_id in in_tiles

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        asked = []
        page.on("request", lambda request: asked.append(request.url))
        page.goto(f"{served}/map.html")
        page.locator(".camera-cluster").first.wait_for(timeout=30_000)
        page.evaluate("() => { window.map = Object.values(window).find(v => v instanceof L.Map); }")
        assert page.evaluate("() => map.getZoom()") < DETAIL_ZOOM
        page.wait_for_timeout(500)
        assert bubble_total(page) == len(summary.dataset.cameras)  # every camera counted once
        assert not [url for url in asked if url.endswith(".json")]

        camera = to_wgs84(summary.dataset.cameras).geometry.iloc[7]
        page.evaluate(
            "([lat, lon, zoom]) => { map.setView([lat, lon], zoom, {animate: false}); }",
            [camera.y, camera.x, DETAIL_ZOOM + 2],
        )
        page.wait_for_function(
            "() => Object.values(window).some(v => v && v.cameraRows && v.cameraRows.length)",
            timeout=30_000,
        )
        fetched = [url for url in asked if url.endswith(".json")]
        assert fetched and all(f"/maps/{tile_set.name}/" in url for url in fetched)
        assert len(fetched) < len(list(tile_set.glob("*.json")))  # only the tiles in view
        rows = page.evaluate("() => Object.values(window).find(v => v && v.cameraRows).cameraRows")
        assert some_id in {row[6] for row in rows}
        page.wait_for_timeout(500)
        assert page.locator(".camera-cluster").count() == 0  # cameras, not bubbles
        page.wait_for_function(  # the cameras in view are drawn one by one (on the canvas)
            "() => { let n = 0; map.eachLayer(l => { if (l instanceof L.CircleMarker) n++; });"
            " return n > 10; }",
            timeout=30_000,
        )
        page.screenshot(path=str(tmp_path / "tiles.png"))
        browser.close()


def test_compact_lines_are_drawn_where_the_lines_lie(summary, tmp_path, served):
    write_html(coverage_map(summary, lang="vi"), tmp_path / "map.html")
    pieces = summary.routes.pieces(seen=False)
    lines = _merged_by_route(pieces)
    simple = shapely.simplify(lines.geometry.to_numpy(), LINE_TOLERANCE_M, preserve_topology=False)
    expected = to_wgs84(lines.set_geometry(simple))
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        page.goto(f"{served}/map.html")
        page.locator(".leaflet-container").wait_for(timeout=30_000)
        drawn = page.evaluate(
            """() => Object.keys(window).filter(k => k.startsWith("compact_lines_"))
                .map(k => window[k].getLayers().map(line => line.getLatLngs()
                    .map(part => part.map(p => [p.lng, p.lat]))))"""
        )
        browser.close()
    expected_coords = np.sort(shapely.get_coordinates(expected.geometry.to_numpy()), axis=0)
    matches = []
    for layer in drawn:
        coords = np.array([p for line in layer for part in line for p in part]).reshape(-1, 2)
        if len(coords) == len(expected_coords):
            matches.append(np.abs(np.sort(coords, axis=0) - expected_coords).max())
    assert matches and min(matches) < 1e-6  # to the encoding's 0.1 m


def label_display(page, zoom: int) -> set[str]:
    """The display styles of the ward names once the map is at ``zoom``."""
    page.evaluate(
        "(zoom) => { const m = Object.values(window).find(v => v instanceof L.Map);"
        " m.setZoom(zoom, {animate: false}); }",
        zoom,
    )
    page.wait_for_timeout(300)
    return set(
        page.evaluate("""() => [...document.querySelectorAll('.ward-label')]
        .map(e => e.parentElement.style.display)""")
    )


def test_a_citys_ward_names_show_once_zoomed_in(summary, tmp_path, served, monkeypatch):
    write_html(coverage_map(summary, lang="vi"), tmp_path / "district.html")
    monkeypatch.setattr(webmap, "MANY_WARDS", 5)  # the demo's 11 wards taken for a city's
    write_html(coverage_map(summary, lang="vi"), tmp_path / "city.html")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        page.goto(f"{served}/district.html")
        page.locator(".ward-label").first.wait_for(timeout=30_000)
        assert label_display(page, webmap.CITY_LABEL_ZOOM - 2) == {""}
        page.goto(f"{served}/city.html")
        page.locator(".leaflet-container").wait_for(timeout=30_000)
        assert label_display(page, webmap.CITY_LABEL_ZOOM - 2) == {"none"}
        assert label_display(page, webmap.CITY_LABEL_ZOOM) == {""}
        browser.close()


def test_a_set_of_tiles_dropped_meanwhile_is_written_again(summary, tmp_path):
    store = TileStore(tmp_path / "maps", "/maps", embed_max=100)
    coverage_map(summary, lang="vi", tile_store=store).get_root().render()
    (tile_set,) = (tmp_path / "maps").iterdir()
    shutil.rmtree(tile_set)  # as when KEEP_TILE_SETS newer sets were written
    coverage_map(summary, lang="vi", tile_store=store).get_root().render()
    assert [path.name for path in (tmp_path / "maps").iterdir()] == [tile_set.name]
    assert list(tile_set.glob("*.json"))
