"""In headless Chromium: Streamlit's own English words replaced, a phone-sized window, imports.

What only a browser shows: text drawn by CSS, where the sidebar is after a click, how figures
wrap on a narrow screen, what is left on the page after an import.
"""

from tests.browser.conftest import sign_in

ENGLISH = ("Upload", "200MB per file", "Select all", "Press Enter to apply", "No results")

VISIBLE_WORDS = """
(words) => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const element = node.parentElement;
    const text = node.textContent.trim();
    if (!element || !words.some((word) => text.includes(word))) continue;
    const style = getComputedStyle(element);
    const shown = element.offsetParent !== null && style.display !== "none"
      && style.visibility !== "hidden" && parseFloat(style.fontSize) > 0;
    if (shown) found.push(text);
  }
  return found;
}
"""

DRAWN_AFTER = """
(selector) => [...document.querySelectorAll(selector)]
  .map((element) => getComputedStyle(element, "::after").content)
"""


def open_page(page, name: str) -> None:
    page.get_by_role("link", name=name).click()
    page.wait_for_timeout(2500)


def test_streamlits_english_words_are_replaced_by_vietnamese(app_url, browser_page, tmp_path):
    page = browser_page
    sign_in(page, app_url)
    open_page(page, "Kế hoạch lắp đặt")
    page.locator('[data-testid="stFileUploader"]').first.wait_for(timeout=60_000)
    assert page.evaluate(VISIBLE_WORDS, list(ENGLISH)) == []
    after = page.evaluate(DRAWN_AFTER, '[data-testid="stFileUploaderDropzone"] button p')
    assert after and all(content == '"Chọn tệp"' for content in after)
    limits = page.evaluate(DRAWN_AFTER, '[data-testid="stFileUploaderDropzoneInstructions"] span')
    assert limits and all("tối đa" in content and "MB" in content for content in limits)

    page.locator('[data-testid="stMultiSelect"] input').first.click()
    page.wait_for_timeout(800)  # every kind is chosen already: the list is empty
    page.screenshot(path=str(tmp_path / "empty-choice.png"))
    assert page.evaluate(VISIBLE_WORDS, list(ENGLISH)) == []
    page.keyboard.press("Escape")

    open_page(page, "Bản đồ độ phủ")
    page.locator('[data-testid="stMultiSelect"] input').first.click()
    page.get_by_role("option", name="An Khánh").wait_for(timeout=30_000)
    page.screenshot(path=str(tmp_path / "ward-choice.png"))
    assert page.evaluate(VISIBLE_WORDS, list(ENGLISH)) == []
    assert page.evaluate(DRAWN_AFTER, '[data-key="__select_all__"] > div') == ['"Chọn tất cả"']
    page.keyboard.press("Escape")

    open_page(page, "Đăng ký camera")
    page.get_by_role("tab", name="Danh sách camera").click()
    search = page.get_by_label("Tìm theo địa chỉ, mã hoặc chủ hộ")
    search.click()
    page.keyboard.type("tran")
    page.wait_for_timeout(500)
    assert page.evaluate(VISIBLE_WORDS, list(ENGLISH)) == []


def test_on_a_phone_figures_go_two_to_a_row_and_the_sidebar_closes(app_url, browser_page, tmp_path):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, app_url)
    page.locator('[data-testid="stMetric"]').nth(7).wait_for(timeout=60_000)
    boxes = [page.locator('[data-testid="stMetric"]').nth(i).bounding_box() for i in range(4)]
    page.screenshot(path=str(tmp_path / "phone-overview.png"), full_page=True)
    assert abs(boxes[0]["y"] - boxes[1]["y"]) < 2, "two figures share a row"
    assert boxes[2]["y"] > boxes[0]["y"] + 20, "the third starts the next row"
    assert boxes[1]["x"] > boxes[0]["x"] + 100

    page.locator('[data-testid="stExpandSidebarButton"]').click()
    page.get_by_role("link", name="Bản đồ độ phủ").click()
    page.get_by_role("heading", name="Bản đồ độ phủ").wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(tmp_path / "phone-map.png"))
    assert page.locator('[data-testid="stExpandSidebarButton"]').is_visible()
    sidebar = page.locator('[data-testid="stSidebar"]').bounding_box()
    assert sidebar is None or sidebar["x"] + sidebar["width"] <= 1, "the sidebar is closed"


def test_after_an_import_only_the_result_is_left(app_url, browser_page, tmp_path):
    page = browser_page
    sign_in(page, app_url)
    open_page(page, "Đăng ký camera")
    page.get_by_role("tab", name="Nhập từ Excel/CSV").click()
    rows = tmp_path / "danh_sach_hai.csv"
    rows.write_text(
        "Vĩ độ,Kinh độ,Hướng,Góc nhìn,Tầm xa,Chủ hộ,Mã camera\n"
        '"10,7701","106,7701",90,80,40,Lê Văn Bốn,DAILY-1\n'
        "10.7711,106.7711,90,400,40,Lê Văn Năm,DAILY-2\n",
        encoding="utf-8",
    )
    page.locator("input[type=file]").set_input_files(str(rows))
    confirm = page.get_by_role("button", name="Xác nhận nhập 1 camera")
    confirm.wait_for(timeout=60_000)
    confirm.click()
    done = page.get_by_text("Đã nhập 1 camera; 1 dòng bị từ chối.")
    done.wait_for(timeout=60_000)
    # The page reruns after the message: wait until the faded elements of the check are gone.
    page.get_by_text("Chưa có gì được lưu").wait_for(state="detached", timeout=60_000)
    # The map drawn anew reports its view and the page runs again by itself: the message stays
    # to be read (it was gone within a second).
    page.wait_for_timeout(4000)
    assert done.is_visible()
    page.screenshot(path=str(tmp_path / "after-import.png"), full_page=True)
    assert page.get_by_text("Chưa có gì được lưu").count() == 0
    assert page.get_by_role("button", name="Xác nhận nhập 1 camera").count() == 0
    assert page.get_by_text("danh_sach_hai.csv").count() == 0, "the imported file is let go"
