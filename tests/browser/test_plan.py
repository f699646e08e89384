"""End to end in headless Chromium: recommend camera sites on the planning page, save them as a
campaign, and see its sites on the campaign map; nothing leaves 127.0.0.1."""

from urllib.parse import urlparse

from tests.browser.conftest import sign_in
from tests.browser.test_e2e import FOLIUM, go, leaflet_frame


def test_recommend_and_save_a_campaign(app_url, browser_page, tmp_path):
    page = browser_page
    sign_in(page, app_url)
    go(page, "Kế hoạch lắp đặt")
    page.get_by_role("button", name="Tính đề xuất").click()
    page.get_by_text("Camera đề xuất", exact=True).wait_for(timeout=120_000)
    frame = leaflet_frame(page)
    frame.locator(".site-badge").first.wait_for(state="attached", timeout=30_000)
    assert frame.locator(".site-badge").count() >= 20  # the 20 recommended cameras as badges
    page.screenshot(path=str(tmp_path / "plan-recommended.png"), full_page=True)

    page.get_by_label("Tên chiến dịch").fill("Chiến dịch Cát Lái 2027")
    page.get_by_role("button", name="Tạo chiến dịch").click()
    page.get_by_text("Đã tạo chiến dịch số").wait_for(timeout=60_000)
    page.get_by_role("tab", name="Chiến dịch").click()
    page.get_by_text("Tiến độ theo phường").wait_for(timeout=60_000)
    page.frame_locator(FOLIUM).last.locator(".leaflet-container").wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(tmp_path / "plan-campaign.png"), full_page=True)

    hosts = {urlparse(url).hostname for url in page.requested_urls if "://" in url}
    assert hosts - {None} == {"127.0.0.1"}, sorted(hosts)
    assert not page.errors, page.errors
