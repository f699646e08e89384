"""In a real browser: the standalone HTML map draws from a file with the network off, and the
export page makes a file to download."""

from pypdf import PdfReader

from geodata.analysis.summary import summarise
from geodata.layers.demo import build_demo
from geodata.maps.htmlmap import write_html
from geodata.maps.webmap import coverage_map
from tests.browser.conftest import sign_in
from tests.browser.test_e2e import go


def test_standalone_map_draws_with_the_network_off(browser_page, tmp_path):
    path = tmp_path / "ban_do.html"
    write_html(coverage_map(summarise(build_demo()), lang="vi"), path)
    page = browser_page
    blocked = []

    def refuse_network(route):
        blocked.append(route.request.url)
        route.abort()

    page.route("http*://**/*", refuse_network)
    page.goto(path.as_uri())
    page.locator(".leaflet-container").wait_for(timeout=30_000)
    page.locator("path.leaflet-interactive, canvas").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(tmp_path / "ban_do_html.png"))
    assert page.locator(".leaflet-control-layers").count() == 1
    assert "Chú giải" in page.content()
    assert blocked == [] and not page.errors, (blocked, page.errors)
    assert {url.split(":")[0] for url in page.requested_urls} <= {"file", "data"}


def test_export_page_makes_a_report_to_download(app_url, browser_page, tmp_path):
    page = browser_page
    sign_in(page, app_url)
    go(page, "Xuất bản đồ & báo cáo")
    page.get_by_text("Xem trước bản đồ").wait_for(timeout=60_000)
    page.get_by_text("Báo cáo PDF", exact=False).click()
    page.get_by_role("button", name="Tạo tệp").click()
    button = page.get_by_role("button", name="Tải về ban_do_do_phu.pdf")
    button.wait_for(timeout=120_000)
    with page.expect_download() as download:
        button.click()
    saved = tmp_path / "bao_cao.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    report = "\n".join(p.extract_text() for p in PdfReader(saved).pages)
    assert "Theo điểm nóng" in report and "Trang 1/" in report
    page.screenshot(path=str(tmp_path / "export-page.png"), full_page=True)
