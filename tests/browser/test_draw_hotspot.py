"""End to end in headless Chromium: a district user draws a hotspot on the Data page's map, names
it, saves it, and the area has one hotspot more; the drawing tools speak Vietnamese and load from
127.0.0.1."""

from urllib.parse import urlparse

from tests.browser.conftest import sign_in
from tests.browser.test_e2e import FOLIUM, go, leaflet_frame

CORNERS = ((0.30, 0.30), (0.42, 0.30), (0.42, 0.42), (0.30, 0.42))


def test_draw_a_hotspot_and_save_it(app_url, browser_page, tmp_path):
    page = browser_page
    sign_in(page, app_url)
    go(page, "Dữ liệu")
    page.get_by_text("Vẽ và sửa điểm nóng trên bản đồ").wait_for(timeout=60_000)
    frame = leaflet_frame(page)
    before = frame.evaluate("() => window.drawnItems.getLayers().length")

    tool = page.frame_locator(FOLIUM).first.locator("a.leaflet-draw-draw-polygon")
    assert tool.get_attribute("title") == "Vẽ đa giác điểm nóng"
    tool.click()
    box = page.frame_locator(FOLIUM).first.locator(".leaflet-container").bounding_box()
    for x, y in (*CORNERS, CORNERS[0]):  # the last click closes the polygon on its first vertex
        page.mouse.click(box["x"] + box["width"] * x, box["y"] + box["height"] * y)
        page.wait_for_timeout(400)
    frame.wait_for_function(f"() => window.drawnItems.getLayers().length === {before + 1}")
    page.wait_for_timeout(2000)  # the component sends the drawing to the app
    page.screenshot(path=str(tmp_path / "data-drawn.png"), full_page=True)

    page.get_by_role("button", name="Lưu điểm nóng").click()
    page.get_by_text(f"Đã lưu {before + 1} điểm nóng.").wait_for(timeout=60_000)
    page.screenshot(path=str(tmp_path / "data-saved.png"), full_page=True)
    go(page, "Tổng quan")
    go(page, "Dữ liệu")
    page.get_by_text(f"đoạn đường, {before + 1} điểm nóng,", exact=False).wait_for(timeout=60_000)

    hosts = {urlparse(url).hostname for url in page.requested_urls if "://" in url}
    assert hosts - {None} == {"127.0.0.1"}, sorted(hosts)
    assert any("/app/static/leaflet-draw/leaflet.draw.js" in url for url in page.requested_urls)
    assert not page.errors, page.errors
