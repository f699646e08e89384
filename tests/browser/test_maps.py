"""In a real browser: a click on the registration map places the new camera even on top of a
registered one, the map keeps the user's zoom, also once a camera is registered; a campaign
map hidden in a tab opens on its sites when the tab is shown."""

import re
import shutil

from geodata.analysis.summary import summarise
from geodata.layers.demo import build_demo
from geodata.maps.htmlmap import write_html
from geodata.maps.webmap import coverage_map
from tests.browser.conftest import sign_in
from tests.browser.test_e2e import FOLIUM, go, leaflet_frame
from tests.geodata.maps.test_webmap_layers import campaign_sites

ZOOM = 15
"""A zoom at which the coverage maps gather the demo's cameras in cluster bubbles."""


def map_state(page) -> dict:
    """The zoom and centre of the registration map, once Leaflet has drawn it."""
    frame = leaflet_frame(page)
    frame.wait_for_function("() => window.map && window.map._loaded")
    return frame.evaluate(
        "() => ({zoom: map.getZoom(), lat: map.getCenter().lat, lon: map.getCenter().lng})"
    )


def legend_open(page) -> bool:
    """Whether the legend of the page's (first) map is open."""
    return leaflet_frame(page).evaluate("() => document.querySelector('details.map-legend').open")


def shoot(page, path) -> None:
    """A screenshot of the page with the map in view, once the page has settled."""
    page.locator(FOLIUM).first.scroll_into_view_if_needed()
    page.wait_for_timeout(1000)
    page.screenshot(path=str(path))
    shutil.copy(path, f"/tmp/maps-{path.name}")


def test_a_click_on_a_camera_places_the_new_camera_and_keeps_the_zoom(
    app_url, browser_page, tmp_path
):
    page = browser_page
    sign_in(page, app_url)
    go(page, "Đăng ký camera")
    frame = leaflet_frame(page)
    frame.wait_for_function("() => Object.values(window).some(v => v && v.cameraRows)")
    camera = frame.evaluate(
        """(zoom) => {
            const rows = Object.values(window).find(v => v && v.cameraRows).cameraRows;
            const r = rows[Math.floor(rows.length / 2)];
            map.setView([r[0], r[1]], zoom, {animate: false});
            return {lat: r[0], lon: r[1]};
        }""",
        ZOOM,
    )
    # the view goes back to the app (zoom and centre), which reruns the page
    page.wait_for_timeout(2500)
    frame = leaflet_frame(page)
    point = frame.evaluate(
        "([lat, lon]) => { const p = map.latLngToContainerPoint([lat, lon]);"
        " return {x: p.x, y: p.y}; }",
        [camera["lat"], camera["lon"]],
    )
    box = page.frame_locator(FOLIUM).first.locator(".leaflet-container").bounding_box()
    latitude = page.get_by_label("Vĩ độ").first
    longitude = page.get_by_label("Kinh độ").first
    assert latitude.input_value() == ""
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_function(
        "(selector) => document.querySelector(selector).value !== ''",
        arg='input[aria-label="Vĩ độ"]',
        timeout=30_000,
    )
    placed = (
        float(latitude.input_value().replace(",", ".")),
        float(longitude.input_value().replace(",", ".")),
    )
    # the click landed on the camera (a pixel at zoom 15 is about 5 m): it was not swallowed
    assert abs(placed[0] - camera["lat"]) < 1e-4 and abs(placed[1] - camera["lon"]) < 1e-4
    page.wait_for_timeout(1500)
    assert map_state(page)["zoom"] == ZOOM
    shoot(page, tmp_path / "register-desktop.png")

    page.get_by_role("button", name="Đăng ký camera").click()
    page.get_by_text(re.compile(r"Đã đăng ký camera số \d+")).wait_for(timeout=30_000)
    page.wait_for_timeout(2500)
    # a new camera makes a new map: it opens where the user left it
    state = map_state(page)
    assert state["zoom"] == ZOOM
    assert abs(state["lat"] - camera["lat"]) < 2e-3 and abs(state["lon"] - camera["lon"]) < 2e-3
    shoot(page, tmp_path / "registered-desktop.png")
    assert legend_open(page)

    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(2500)
    shoot(page, tmp_path / "register-phone.png")
    # st_folium renames the map's elements in its script: the legend was never found there
    assert not legend_open(page), "on a phone the legend folds away"
    page.set_viewport_size({"width": 1400, "height": 1100})
    go(page, "Bản đồ độ phủ")
    leaflet_frame(page)
    shoot(page, tmp_path / "coverage-desktop.png")
    assert legend_open(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(2500)
    shoot(page, tmp_path / "coverage-phone.png")
    assert not legend_open(page)


def test_a_campaign_map_hidden_in_a_tab_opens_on_its_sites(browser_page, tmp_path):
    sites = campaign_sites()
    fmap = coverage_map(summarise(build_demo()), lang="vi", proposals=sites, frame_proposals=True)
    write_html(fmap, tmp_path / "campaign.html")
    (tmp_path / "tab.html").write_text(
        '<iframe id="tab" src="campaign.html" style="display:none;width:900px;height:640px">'
        "</iframe>",
        encoding="utf-8",
    )
    page = browser_page
    page.goto((tmp_path / "tab.html").as_uri())
    frame = page.frame_locator("#tab")
    frame.locator(".site-badge").first.wait_for(state="attached", timeout=30_000)
    page.evaluate("() => { document.getElementById('tab').style.display = 'block'; }")
    frame.locator(".site-badge").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1500)
    inner = next(f for f in page.frames if f.url.endswith("campaign.html"))
    view = inner.evaluate(
        "() => { const m = Object.values(window).find(v => v instanceof L.Map);"
        " const b = m.getBounds();"
        " return {zoom: m.getZoom(), south: b.getSouth(), north: b.getNorth(),"
        " west: b.getWest(), east: b.getEast()}; }"
    )
    assert view["zoom"] >= 15, view
    assert view["south"] < 10.801 and view["north"] > 10.805, view
    assert view["west"] < 106.735 and view["east"] > 106.740, view
    assert frame.locator(".site-badge").count() == 3
    page.screenshot(path=str(tmp_path / "campaign-tab.png"))
    shutil.copy(tmp_path / "campaign-tab.png", "/tmp/maps-campaign-tab.png")
