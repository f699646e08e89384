"""End to end in headless Chromium: sign in, register by clicking the map, import a list, see the
camera on the coverage map, switch language; nothing leaves 127.0.0.1."""

import re
from urllib.parse import urlparse

from tests.browser.conftest import sign_in

FOLIUM = "iframe[title='streamlit_folium.st_folium']"


def leaflet_frame(page):
    """The Playwright frame of the (first) Leaflet map once it has drawn."""
    page.wait_for_selector(FOLIUM, timeout=90_000)
    page.frame_locator(FOLIUM).first.locator(".leaflet-container").wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    return next(frame for frame in page.frames if "st_folium" in frame.url)


def camera_ids_on_map(frame) -> set[str]:
    """The ids of the cameras the map's marker layer holds."""
    return set(
        frame.evaluate(
            "() => Object.values(window).filter(v => v && v.cameraRows)"
            ".flatMap(v => v.cameraRows.map(r => r[6]))"
        )
    )


def go(page, link: str) -> None:
    page.get_by_role("link", name=link).click()
    page.wait_for_timeout(1000)


def test_register_import_see_on_map_and_switch_language(app_url, browser_page, tmp_path):
    page = browser_page
    sign_in(page, app_url)
    page.screenshot(path=str(tmp_path / "1-overview.png"), full_page=True)

    go(page, "Đăng ký camera")
    frame = leaflet_frame(page)
    shown = page.locator("[data-testid=stSliderThumbValue]").all_inner_texts()
    assert shown[:2] == ["0", "90"], "direction and angle in whole degrees, with no decimal point"
    latitude = page.get_by_label("Vĩ độ").first
    before = latitude.input_value()
    box = page.frame_locator(FOLIUM).first.locator(".leaflet-container").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.6)
    page.wait_for_function(
        "([selector, old]) => document.querySelector(selector).value !== old",
        arg=['input[aria-label="Vĩ độ"]', before],
        timeout=30_000,
    )
    assert latitude.input_value() != before
    page.get_by_role("button", name="Đăng ký camera").click()
    done = page.get_by_text(re.compile(r"Đã đăng ký camera số \d+"))
    done.wait_for(timeout=30_000)
    camera_id = re.search(r"số (\d+)", done.inner_text()).group(1)
    page.screenshot(path=str(tmp_path / "2-register.png"), full_page=True)

    page.get_by_role("tab", name="Nhập từ Excel/CSV").click()
    rows = tmp_path / "danh_sach.csv"
    rows.write_text(
        "Vĩ độ,Kinh độ,Hướng,Góc nhìn,Tầm xa,Chủ hộ,Mã camera\n"
        '"10,7700","106,7700",90,80,40,Trần Văn Một,E2E-1\n'
        "10.7710,106.7710,90,400,40,Trần Văn Hai,E2E-2\n"
        "106.77,10.77,90,80,40,Trần Văn Ba,E2E-3\n",
        encoding="utf-8",
    )
    page.locator("input[type=file]").set_input_files(str(rows))
    page.get_by_text("1 dòng hợp lệ, 2 dòng bị từ chối").wait_for(timeout=60_000)
    page.screenshot(path=str(tmp_path / "3-import-preview.png"), full_page=True)
    page.get_by_role("button", name="Xác nhận nhập 1 camera").click()
    page.get_by_text("Đã nhập 1 camera; 2 dòng bị từ chối.").wait_for(timeout=60_000)

    go(page, "Bản đồ độ phủ")
    frame = leaflet_frame(page)
    page.wait_for_timeout(1000)
    ids = camera_ids_on_map(frame)
    assert camera_id in ids and len(ids) >= 2002
    page.screenshot(path=str(tmp_path / "4-map.png"), full_page=True)

    go(page, "Độ phủ & điểm mù")
    page.get_by_text("Điểm mù dài nhất", exact=True).wait_for(timeout=60_000)
    page.locator('[data-testid="stDataFrame"] canvas').nth(3).wait_for(timeout=60_000)
    page.screenshot(path=str(tmp_path / "5-coverage.png"), full_page=True)

    go(page, "Dữ liệu")
    page.get_by_text("Tuyến trọng điểm", exact=True).wait_for(timeout=60_000)
    page.screenshot(path=str(tmp_path / "6-data.png"), full_page=True)

    go(page, "Độ phủ & điểm mù")
    page.get_by_text("Điểm mù dài nhất", exact=True).wait_for(timeout=60_000)
    page.get_by_label("Ngôn ngữ").click()
    page.get_by_role("option", name="English").click()
    page.get_by_role("heading", name="Coverage & gaps").wait_for(timeout=30_000)
    go(page, "Overview")
    page.get_by_role("heading", name="Camera coverage planner").wait_for(timeout=60_000)
    page.screenshot(path=str(tmp_path / "7-overview-en.png"), full_page=True)

    hosts = {urlparse(url).hostname for url in page.requested_urls if "://" in url}
    assert hosts - {None} == {"127.0.0.1"}, sorted(hosts)
