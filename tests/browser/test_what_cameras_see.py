"""In a real browser: the coverage map draws what each camera sees (its view less what the demo's
buildings hide, not the whole cone), and the detail-tier switch redraws the map and the coverage
page at that tier."""

from tests.browser.conftest import sign_in
from tests.browser.test_e2e import go, leaflet_frame
from tests.browser.test_maps import shoot

ROWS = "Object.values(window).find(v => v && v.cameraRows).cameraRows"


def hidden_camera(frame) -> dict:
    """An active camera whose view the buildings cut, centred at zoom 18."""
    return frame.evaluate(
        f"""() => {{
            const rows = {ROWS};
            const r = rows.find(r => r.length > 9 && r[5] === 0 && r[9].length === 1);
            map.setView([r[0], r[1]], 18, {{animate: false}});
            return {{id: r[6], lat: r[0], lon: r[1], reach: r[4], ring: r[9][0]}};
        }}"""
    )


def drawn_outline(frame, camera: dict) -> bool:
    """Whether the map holds a polygon whose vertices are that camera's outline."""
    return frame.evaluate(
        """(c) => {
            const first = [c.lat + c.ring[0] * 1e-6, c.lon + c.ring[1] * 1e-6];
            let found = false;
            map.eachLayer(layer => {
                if (!(layer instanceof L.Polygon)) { return; }
                const ring = layer.getLatLngs()[0];
                const near = ring.some(p => Math.abs(p.lat - first[0]) < 1e-9
                                         && Math.abs(p.lng - first[1]) < 1e-9);
                if (near && Math.abs(ring.length - c.ring.length / 2) <= 1) { found = true; }
            });
            return found;
        }""",
        camera,
    )


def test_the_map_draws_what_cameras_see_and_switches_to_a_detail_tier(
    app_url, browser_page, tmp_path
):
    page = browser_page
    sign_in(page, app_url)
    go(page, "Bản đồ độ phủ")
    frame = leaflet_frame(page)
    frame.wait_for_function(f"() => {ROWS}.some(r => r.length > 9)")
    camera = hidden_camera(frame)
    frame.wait_for_function("() => map.getZoom() === 18")
    page.wait_for_timeout(1500)
    assert drawn_outline(frame, camera)
    shoot(page, tmp_path / "1-views.png")

    page.get_by_text("nhận dạng", exact=True).first.click()
    page.wait_for_timeout(3000)
    frame = leaflet_frame(page)
    faces = frame.evaluate(f"(id) => {ROWS}.find(r => r[6] === id)", camera["id"])
    assert faces[4] < camera["reach"]  # identification reaches a few metres only
    assert faces[4] < 6.0
    hidden_camera(frame)
    shoot(page, tmp_path / "2-identification.png")

    go(page, "Độ phủ & điểm mù")
    page.get_by_text("Độ phủ theo mức chi tiết (IEC 62676-4)").wait_for(timeout=60_000)
    page.get_by_text("nhận dạng", exact=True).first.click()
    page.wait_for_timeout(3000)
    page.get_by_text("camera đang hoạt động chưa ghi độ phân giải ngang").wait_for(timeout=60_000)
    page.screenshot(path=str(tmp_path / "3-coverage.png"), full_page=True)
    assert not page.errors, page.errors
    assert all(
        url.startswith("http://127.0.0.1") or url.startswith("data:")
        for url in (page.requested_urls)
    )
