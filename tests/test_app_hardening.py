"""What a new user ran into (issue 10), driven through the app as they would (AppTest).

Each test fails on the app as it was: a raw IntegrityError for a repeated code, a traceback for
an unexpected error, English refusals under the wrong heading, no sign-in limit, cached views
kept after signing out, stale lists and download buttons.
"""

import re
import tomllib
from pathlib import Path

import pytest

from geodata.i18n import text
from geodata.registry.access import Actor
from geodata.ui import appstate
from geodata.ui.forms import PAGE_ROWS
from geodata.ui.userviews import UserViews
from tests.test_app import ADMIN, PLAN, assert_clean, register_page, run_page

ROOT = Path(__file__).resolve().parent.parent
REGISTER = "pages/2_Đăng_ký_camera.py"
EXPORT = "pages/6_Xuất_bản_đồ_và_báo_cáo.py"
SECRET_OWNER = "Trần Thị Bí Mật"


def fill_new_camera(app, *, lat: float, lon: float, code: str | None = None):
    app.number_input(key="new_lat").set_value(lat)
    app.number_input(key="new_lon").set_value(lon)
    app.text_input(key="new_owner_name").set_value(SECRET_OWNER)
    if code is not None:
        app.text_input(key="new_external_code").set_value(code)
    return app


def registered_count() -> int:
    return appstate.registry().count()


def errors(app) -> list[str]:
    return [e.value for e in app.error]


def test_pressing_register_twice_registers_once_and_clears_the_form():
    before = registered_count()
    app = fill_new_camera(register_page(), lat=10.7801, lon=106.7401)
    app.button(key="register_submit").click().run()
    assert_clean(app)
    assert app.success and app.success[0].value.startswith("Đã đăng ký camera số")
    assert app.number_input(key="new_lat").value is None, "the form is cleared"
    app.button(key="register_submit").click().run()
    assert registered_count() == before + 1
    assert errors(app) == [text("register.position_missing", "vi")]


def test_the_form_starts_with_no_place_that_could_be_registered_by_accident():
    app = register_page()
    assert app.number_input(key="new_lat").value is None
    assert app.number_input(key="new_lon").value is None


def test_a_repeated_code_is_a_plain_vietnamese_message_naming_the_camera():
    first = fill_new_camera(register_page(), lat=10.7802, lon=106.7402, code="TRUNG-1")
    first.button(key="register_submit").click().run()
    number = re.search(r"số (\d+)", first.success[0].value).group(1)
    before = registered_count()
    again = fill_new_camera(register_page(), lat=10.7803, lon=106.7403, code="trung-1")
    again.button(key="register_submit").click().run()
    assert_clean(again)
    assert registered_count() == before
    (shown,) = errors(again)
    assert shown.startswith(f"**{text('error.kind.invalid', 'vi')}**")
    assert f"camera số {number}" in shown and "đã thuộc về" in shown
    for leak in ("IntegrityError", "INSERT", "sqlalchemy", SECRET_OWNER, "/work/"):
        assert leak not in shown


def test_an_unexpected_error_shows_a_reference_and_nothing_of_the_data(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError(f"lỗi lập trình với {SECRET_OWNER}, 0909 123 456")

    monkeypatch.setattr("geodata.reports.views.camera_health", broken)
    app = run_page("app.py")
    assert not app.exception, "no traceback reaches the browser"
    (shown,) = errors(app)
    assert re.search(r"mã tra cứu: [0-9a-f]{8}\.", shown)
    assert SECRET_OWNER not in shown and "0909" not in shown and "Traceback" not in shown


def test_streamlit_is_told_to_hide_error_details():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"


def run_campaign(app):
    app.number_input(key="plan_k").set_value(3)
    app.button(key="plan_run").click().run()
    app.text_input(key="campaign_name").set_value("Chiến dịch kiểm tra thông báo")
    app.button(key="campaign_create").click().run()
    return run_page(PLAN)


def test_a_refused_status_step_is_explained_in_vietnamese_and_saving_one_is_confirmed():
    app = run_campaign(run_page(PLAN))
    app.selectbox(key="target_status").set_value("installed")
    app.button(key="target_save").click().run()
    assert_clean(app)
    (shown,) = errors(app)
    assert shown.startswith(f"**{text('error.kind.invalid', 'vi')}**")
    assert "chỉ có thể chuyển sang Đã liên hệ, Từ chối" in shown
    assert not re.search(r"\b(can move|proposed|installed)\b", shown)
    app.selectbox(key="target_status").set_value("contacted")
    app.button(key="target_save").click().run()
    assert_clean(app)
    saved = [s.value.replace("\\", "") for s in app.success]
    assert any(value.endswith(": Đã liên hệ.") for value in saved), "the save is confirmed"


def test_a_ward_users_refusal_reads_as_a_permission_in_vietnamese():
    ward_user = Actor("lan", "ward", frozenset({"27106"}))
    app = fill_new_camera(register_page(ward_user), lat=10.7650, lon=106.7950)  # Cát Lái
    app.button(key="register_submit").click().run()
    (shown,) = errors(app)
    assert shown.startswith(f"**{text('error.kind.denied', 'vi')}**")
    assert "không được thay đổi" in shown and "hãy nhờ cán bộ công an quận" in shown


def test_five_wrong_passwords_lock_the_name_with_a_clear_message():
    app = run_page("app.py", actor=None)
    for _ in range(5):
        app.text_input(key="sign_in_name").set_value("ke-gian")
        app.text_input(key="sign_in_password").set_value("đoán bừa")
        app.button[0].click().run()
    assert_clean(app)
    assert "đăng nhập sai quá nhiều lần" in errors(app)[0]


def test_signing_out_drops_the_users_cached_views():
    visitor = Actor("khach-xem", "viewer")
    app = run_page("app.py", actor=visitor)
    assert appstate.USER_VIEWS.holds(visitor)
    app.button(key="sign_out").click().run()
    assert not appstate.USER_VIEWS.holds(visitor)
    assert "actor" not in app.session_state


def test_a_status_change_shows_in_the_list_at_once():
    app = fill_new_camera(register_page(), lat=10.7804, lon=106.7404, code="DOI-TT-1")
    app.button(key="register_submit").click().run()
    number = int(re.search(r"số (\d+)", app.success[0].value).group(1))
    app.text_input(key="filter_text").set_value("DOI-TT-1").run()  # the list shows 500 a page
    listed = app.dataframe[0].value
    row = int(listed.index[listed[text("list.id", "vi")] == number][0])
    key = next(d.key for d in app.dataframe if d.key and d.key.startswith("camera_table"))
    app.session_state[key] = {"selection": {"rows": [row], "columns": []}}
    app.run()
    app.selectbox(key=f"status{number}").set_value("broken")
    app.button(key="set_status").click().run()
    assert_clean(app)
    listed = app.dataframe[0].value
    shown = listed.loc[listed[text("list.id", "vi")] == number, text("list.status", "vi")]
    assert shown.tolist() == [text("status.broken", "vi")]


@pytest.mark.parametrize("actor", [ADMIN])
def test_a_download_made_for_another_format_is_not_offered(actor):
    app = run_page(EXPORT, actor=actor)
    app.radio(key="export_format").set_value("html")
    app.button(key="export_make").click().run()
    assert_clean(app)
    assert [b for b in app.get("download_button") if b.key == "export_download"]
    app.radio(key="export_format").set_value("xlsx").run()
    assert not [b for b in app.get("download_button") if b.key == "export_download"]


def test_sessions_asking_at_once_wait_for_one_working_out():
    """Three sessions opening the app at once after a change work the figures out once."""
    import threading
    import time

    views, calls = UserViews(), []

    def slow():
        calls.append(1)
        time.sleep(0.3)
        return object()

    got = []
    sessions = [
        threading.Thread(target=lambda: got.append(views.get(ADMIN, (1, 1), "summary", slow)))
        for _ in range(3)
    ]
    for session in sessions:
        session.start()
    for session in sessions:
        session.join()
    assert len(calls) == 1 and len({id(value) for value in got}) == 1


def test_the_registry_list_shows_a_page_at_a_time():
    app = register_page()
    count = len(appstate.registry().cameras(ADMIN))  # the demo's 2,000 and those tests added
    pages = -(-count // PAGE_ROWS)
    every = app.dataframe[0].value
    assert count > PAGE_ROWS and len(every) == PAGE_ROWS
    app.number_input(key="list_page").set_value(pages).run()
    assert_clean(app)
    last = app.dataframe[0].value
    ids = last[text("list.id", "vi")].astype(int)
    first = (pages - 1) * PAGE_ROWS
    assert len(last) == count - first and ids.is_monotonic_increasing
    assert not set(ids) & set(every[text("list.id", "vi")].astype(int))
    shown = text("register.showing", "vi", first=first + 1, last=count, count=count)
    assert shown in [caption.value for caption in app.caption]
