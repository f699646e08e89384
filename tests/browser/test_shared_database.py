"""Several app processes, one database (issue 14, part 5), in headless Chromium.

Two ``streamlit run app.py`` servers on one PostgreSQL database, filled first by ``cli.py init
--demo`` in a process of its own, each signed into by a browser of its own: a camera registered
through one is counted and listed by the other at its next rerun; a save from an edit form read
before the other server's save conflicts and says so; layers loaded through the command line are
what both pages show next.
"""

import re

import geopandas as gpd
import pytest
import shapely

from geodata.registry.access import SYSTEM_ACTOR
from geodata.registry.service import Registry
from tests.browser.conftest import CHROMIUM_ARGS, run_cli, sign_in

CONFLICT = "Chưa lưu: dữ liệu đã thay đổi"
"""The catalogue's heading of a conflict (``error.kind.conflict``), as the page shows it."""


@pytest.fixture(scope="module")
def shared_registry(shared_database):
    """The servers' registry, opened by the test itself (to read what the pages wrote)."""
    opened = Registry.open(shared_database)
    yield opened
    opened.engine.dispose()


@pytest.fixture(scope="module")
def two_pages(chromium_path, servers):
    """A page signed in as ``admin`` on each server, each in its own browser context: A on the
    register page (where it starts), B on the overview."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        pages = []
        for url in (f"{servers[0]}/Đăng_ký_camera", servers[1]):
            page = browser.new_context(viewport={"width": 1400, "height": 1100}).new_page()
            sign_in(page, url)
            pages.append(page)
        yield pages
        browser.close()


IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def settled(page) -> None:
    """Wait until the page's script has run to its end, nothing stale is left on it, and no
    run follows within a second (a map drawn anew reports its view and the page runs again by
    itself: a button pressed then would race that run)."""
    for _ in range(10):
        page.wait_for_timeout(500)
        page.locator(IDLE).wait_for(timeout=120_000)
        page.locator('[data-stale="true"]').first.wait_for(state="detached", timeout=60_000)
        page.wait_for_timeout(1000)
        if page.locator(IDLE).count() and not page.locator('[data-stale="true"]').count():
            return


def open_page(page, link: str) -> None:
    """Open a page through the sidebar (a rerun of the same session) and let it finish."""
    page.get_by_role("link", name=link).click()
    settled(page)


def field(page, label: str):
    """The visible input labelled ``label`` (the page's other tabs hold hidden ones)."""
    return page.get_by_label(label, exact=True).filter(visible=True)


def type_into(page, label: str, value) -> None:
    """Type ``value`` into an input, as a user does, and leave it (Streamlit takes it then)."""
    box = field(page, label)
    box.fill(str(value))
    box.press("Tab")
    page.wait_for_timeout(300)


def figure(page, label: str) -> str:
    """The headline figure labelled ``label``, as written (2.001)."""
    metric = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=label)
    )
    return metric.locator('[data-testid="stMetricValue"]').inner_text()


def number(written: str) -> int:
    """A whole number as the Vietnamese pages write it (2.001)."""
    return int(written.replace(".", ""))


TABLES = """
() => [...document.querySelectorAll('[data-testid="stDataFrame"]')].map((frame) => {
  const table = frame.querySelector("table");
  return table && {
    header: [...table.querySelectorAll("thead th")].map((cell) => cell.innerText),
    rows: [...table.querySelectorAll("tbody tr")]
      .map((row) => [...row.cells].map((cell) => cell.innerText)),
  };
})
"""
"""Every table on the page as the grid's accessible copy holds it (the grid itself is drawn on
a canvas, and writes that copy a moment after it first draws: null until then)."""


def table(page, *columns: str) -> list[list[str]]:
    """The rows of the page's one table whose first columns are ``columns``."""
    for _ in range(40):
        tables = page.evaluate(TABLES)
        if all(tables):
            break
        page.wait_for_timeout(250)
    found = [t["rows"] for t in tables if t and t["header"][: len(columns)] == list(columns)]
    assert len(found) == 1, [t and t["header"] for t in tables]
    return found[0]


def listed(page, query: str) -> list[list[str]]:
    """The registry list of the register page, searched for ``query``."""
    open_page(page, "Đăng ký camera")
    page.get_by_role("tab", name="Danh sách camera").click()
    type_into(page, "Tìm theo địa chỉ, mã hoặc chủ hộ", query)
    settled(page)
    return table(page, "Số")


def pick_first_row(page) -> None:
    """Tick the first row of the registry list (its row marker, left of the first column)."""
    box = page.locator('[data-testid="stDataFrame"]').filter(visible=True).first.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)
    settled(page)


def inside(registry, ward_name: str) -> tuple[float, float]:
    """A point well inside the demo ward ``ward_name`` as (lat, lon)."""
    wards = registry.ward_frame().to_crs("EPSG:4326")
    point = wards[wards["ward_name"] == ward_name].geometry.iloc[0].representative_point()
    return round(point.y, 7), round(point.x, 7)


def test_a_camera_registered_on_one_server_is_counted_and_listed_by_the_other(
    two_pages, shared_registry, tmp_path
):
    a, b = two_pages
    open_page(b, "Tổng quan")
    total, active = figure(b, "Camera đã đăng ký"), figure(b, "Đang hoạt động")

    open_page(a, "Đăng ký camera")
    lat, lon = inside(shared_registry, "An Phú")
    type_into(a, "Vĩ độ", lat)
    type_into(a, "Kinh độ", lon)
    bearing = a.get_by_role("slider", name="Hướng (°)").first
    bearing.focus()
    bearing.press("PageUp")
    bearing.press("PageUp")
    type_into(a, "Tầm xa (m)", 40)
    type_into(a, "Đường", "Lương Định Của")
    type_into(a, "Mã camera", "HAI-MAY-1")
    type_into(a, "Chủ hộ", "Nguyễn Văn Hai")
    settled(a)
    bearing_deg = round(float(bearing.input_value()))
    assert 0 < bearing_deg < 359
    a.screenshot(path=str(tmp_path / "a-form.png"), full_page=True)
    a.get_by_role("button", name="Đăng ký camera").click()
    done = a.get_by_text(re.compile(r"Đã đăng ký camera số \d+"))
    done.wait_for(timeout=60_000)
    assert "(phường An Phú)" in done.inner_text()
    camera_id = re.search(r"số (\d+)", done.inner_text()).group(1)

    open_page(b, "Tổng quan")  # B's next rerun
    b.screenshot(path=str(tmp_path / "b-overview.png"), full_page=True)
    assert number(figure(b, "Camera đã đăng ký")) == number(total) + 1
    assert number(figure(b, "Đang hoạt động")) == number(active) + 1
    rows = listed(b, "HAI-MAY-1")
    b.screenshot(path=str(tmp_path / "b-list.png"), full_page=True)
    assert len(rows) == 1
    assert rows[0][:5] == [camera_id, "HAI-MAY-1", "An Phú", "Hoạt động", "Thân (bullet)"]
    assert rows[0][5:10] == [str(bearing_deg), "90", "40", "Lương Định Của", "Nguyễn Văn Hai"]


def test_a_save_from_a_form_read_before_the_other_servers_save_conflicts(
    two_pages, shared_registry, tmp_path
):
    a, b = two_pages
    lat, lon = inside(shared_registry, "Bình An")
    camera = shared_registry.register(
        SYSTEM_ACTOR,
        {"lat": lat, "lon": lon, "bearing_deg": 90.0, "fov_deg": 80.0, "range_m": 30.0,
         "external_code": "HAI-MAY-2"},
    )  # fmt: skip
    for page in (a, b):  # both open the camera for editing
        assert listed(page, "HAI-MAY-2")[0][:2] == [str(camera["id"]), "HAI-MAY-2"]
        pick_first_row(page)
        page.get_by_role("heading", name=f"Sửa camera số {camera['id']}").wait_for()

    type_into(a, "Tầm xa (m)", 45)
    settled(a)  # the value taken before the button is pressed, however busy the machine
    a.get_by_role("button", name="Lưu thay đổi").click()
    a.get_by_text(f"Đã lưu camera số {camera['id']}.").wait_for(timeout=60_000)

    type_into(b, "Tầm xa (m)", 60)
    settled(b)
    b.get_by_role("button", name="Lưu thay đổi").click()
    b.get_by_text(CONFLICT).wait_for(timeout=60_000)
    settled(b)
    saved = shared_registry.get(SYSTEM_ACTOR, camera["id"])
    assert (saved["range_m"], saved["version"]) == (45.0, 2), "A's change, and nothing of B's"
    audit = shared_registry.audit_entries(SYSTEM_ACTOR, camera_id=camera["id"])
    assert audit["action"].tolist() == ["camera.update", "camera.register"]

    b.keyboard.press("r")  # Streamlit's rerun key: the message outlives the next rerun
    settled(b)
    alert = b.locator('[data-testid="stAlert"]').filter(has_text=CONFLICT)
    alert.scroll_into_view_if_needed()
    b.screenshot(path=str(tmp_path / "b-conflict.png"))
    message = alert.inner_text()
    assert f"camera số {camera['id']} vừa được admin sửa" in message, message
    assert "nay là phiên bản 2, bạn đang sửa phiên bản 1" in message
    assert field(b, "Tầm xa (m)").input_value() == "45", "the form shows the camera as it is now"


def test_layers_loaded_through_the_command_line_are_shown_by_both_servers(
    two_pages, shared_database, shared_registry, tmp_path
):
    lat, lon = inside(shared_registry, "Thảo Điền")
    spot = gpd.GeoDataFrame(
        {"hotspot_name": ["Chợ đêm Hai Máy Chủ"], "hotspot_kind": ["market"], "weight": [2.0]},
        geometry=[shapely.box(lon - 5e-4, lat - 5e-4, lon + 5e-4, lat + 5e-4)],
        crs="EPSG:4326",
    )
    path = tmp_path / "diem_nong.geojson"
    spot.to_file(path)
    loaded = run_cli(shared_database, "layers", "load", "hotspots", str(path))
    assert "hotspots: 1 features from diem_nong.geojson saved in the registry" in loaded.stdout
    chosen = run_cli(shared_database, "key-routes", "set", "Trần Não", "Lương Định Của")
    assert "2 key routes saved" in chosen.stdout

    for name, page in zip("ab", two_pages, strict=True):
        open_page(page, "Dữ liệu")
        page.screenshot(path=str(tmp_path / f"{name}-data.png"), full_page=True)
        assert page.get_by_text(re.compile(r"đoạn đường, 1 điểm nóng,")).is_visible()
        key_routes = page.locator('[data-testid="stMultiSelect"]').filter(
            has=page.get_by_text("Chọn các tuyến đường trọng điểm")
        )
        chips = key_routes.locator("[data-tag]").evaluate_all(
            "tags => tags.map((tag) => tag.getAttribute('aria-label'))"
        )
        assert sorted(chips) == ["Lương Định Của", "Trần Não"]

        open_page(page, "Độ phủ & điểm mù")
        page.screenshot(path=str(tmp_path / f"{name}-coverage.png"), full_page=True)
        assert [row[0] for row in table(page, "Điểm nóng")] == ["Chợ đêm Hai Máy Chủ"]
        routes = table(page, "Tuyến", "Chiều dài (m)")
        assert sorted(row[0] for row in routes) == ["Lương Định Của", "Trần Não"]
