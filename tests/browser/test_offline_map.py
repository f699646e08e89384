"""In a real browser: the overview map renders with no request leaving 127.0.0.1."""

import datetime as dt
import shutil
from urllib.parse import urlparse

from geodata import i18n
from geodata.analysis.summary import summarise
from geodata.layers.demo import build_demo
from geodata.maps.htmlmap import map_heading, write_html
from geodata.maps.webmap import coverage_map
from tests.browser.conftest import sign_in


def map_frame(page):
    """The streamlit-folium iframe once Leaflet has drawn its map in it."""
    try:
        page.wait_for_selector("iframe[title='streamlit_folium.st_folium']", timeout=90_000)
    except Exception as error:
        raise AssertionError(f"no map; browser errors: {page.errors}") from error
    frame = page.frame_locator("iframe[title='streamlit_folium.st_folium']")
    frame.locator(".leaflet-container").wait_for(timeout=60_000)
    frame.locator("path.leaflet-interactive, canvas").first.wait_for(timeout=60_000)
    return frame


def test_overview_map_renders_offline(app_url, browser_page, tmp_path):
    page = browser_page
    sign_in(page, app_url)
    frame = map_frame(page)
    box = frame.locator(".leaflet-container").bounding_box()
    assert box["height"] > 300 and box["width"] > 300
    assert frame.locator(".leaflet-control-zoom").count() == 1
    page.wait_for_timeout(1500)
    page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)
    hosts = {urlparse(url).hostname for url in page.requested_urls if "://" in url}
    hosts.discard(None)
    assert hosts == {"127.0.0.1"}, sorted(hosts)
    assert any(url.endswith("/app/static/leaflet/leaflet.js") for url in page.requested_urls)


def test_coverage_page_shows_the_tables(app_url, browser_page, tmp_path):
    page = browser_page
    sign_in(page, app_url)
    page.get_by_role("link", name="Độ phủ & điểm mù").click()
    page.get_by_text("Độ phủ theo tuyến", exact=True).wait_for(timeout=90_000)
    page.get_by_text("Điểm mù dài nhất", exact=True).wait_for(timeout=30_000)
    page.locator('[data-testid="stDataFrame"] canvas').nth(3).wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(tmp_path / "coverage.png"), full_page=True)
    hosts = {urlparse(url).hostname for url in page.requested_urls if "://" in url}
    assert hosts - {None} == {"127.0.0.1"}


def test_offline_html_map_shows_its_heading_above_the_map(browser_page, tmp_path):
    summary = summarise(build_demo())
    path = tmp_path / "ban_do.html"
    heading = map_heading(summary, lang="vi", when=dt.date(2026, 12, 2))
    write_html(coverage_map(summary, lang="vi"), path, heading=heading)
    page = browser_page
    page.goto(path.as_uri())
    page.locator(".leaflet-container").wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    assert page.title() == "Bản đồ độ phủ camera an ninh – Quận 2 (demo) – 02/12/2026"
    header = page.locator("header.map-heading")
    share = i18n.percent(summary.routes.share, "vi")
    assert "ngày 02/12/2026" in header.inner_text() and share in header.inner_text()
    top = header.bounding_box()
    box = page.locator(".leaflet-container").bounding_box()
    assert box["y"] >= top["y"] + top["height"] - 1  # the map starts below the heading
    assert box["y"] + box["height"] <= 1100 + 1 and box["height"] > 800  # and fills the rest
    assert page.locator("details .legend-entry").count() >= 9
    legend_open = "() => document.querySelector('details.map-legend').open"
    assert page.evaluate(legend_open)
    page.screenshot(path=str(tmp_path / "offline-desktop.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(1000)
    box = page.locator(".leaflet-container").bounding_box()
    assert box["height"] > 400 and box["width"] == 390
    assert not page.evaluate(legend_open), "the legend folds away when the window narrows"
    page.screenshot(path=str(tmp_path / "offline-phone.png"))
    page.set_viewport_size({"width": 1400, "height": 1100})
    page.wait_for_timeout(1000)
    assert page.evaluate(legend_open), "and opens again when it widens"
    for name in ("offline-desktop.png", "offline-phone.png"):
        shutil.copy(tmp_path / name, f"/tmp/maps-{name}")
