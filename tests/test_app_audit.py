"""The audit log page, the first start's admin password and forged widget values (issue 16)."""

import logging
import re
import time

import pytest

from geodata.i18n import text
from geodata.registry.access import Actor
from geodata.ui import appstate
from tests.test_app import ADMIN, assert_clean, run_page

AUDIT_PAGE = "pages/7_Nhật_ký.py"


@pytest.fixture
def first_start(monkeypatch, tmp_path):
    """A server starting on an empty data folder (its own registry), restored afterwards."""
    monkeypatch.setenv("CCTV_DATA_DIR", str(tmp_path))
    appstate.registry.clear()
    yield monkeypatch
    appstate.registry.clear()


def test_district_users_read_the_log_with_local_dates_and_check_its_seal():
    app = run_page(AUDIT_PAGE)
    assert_clean(app)
    table = app.dataframe[0].value
    assert len(table) == 200
    moments = table[text("audit.column.at", "vi")]
    assert all(re.fullmatch(r"\d{2}:\d{2} \d{2}/\d{2}/\d{4}", moment) for moment in moments)
    assert text("audit.action.camera.seed", "vi") in set(table[text("audit.column.action", "vi")])
    app.button(key="audit_check").click().run()
    assert [s.value for s in app.success] == [text("audit.intact", "vi")]


def test_a_ward_user_is_refused_the_log():
    app = run_page(AUDIT_PAGE, actor=Actor("lan", "ward", frozenset({"27109"})))
    assert not app.exception
    assert app.dataframe == []
    assert app.error and "quận" in app.error[0].value


def test_a_sign_in_shows_in_the_log():
    app = run_page("app.py", actor=None)
    app.text_input(key="sign_in_name").set_value("admin")
    app.text_input(key="sign_in_password").set_value("sai-mật-khẩu-9")
    app.button[0].click().run()
    entries = appstate.registry().audit_entries(ADMIN, limit=1)
    assert entries[["actor", "action"]].iloc[0].tolist() == ["admin", "sign_in.failed"]


def test_a_weak_admin_password_is_a_clear_message_not_a_traceback(first_start):
    first_start.setenv("ADMIN_PASSWORD", "short")
    app = run_page("app.py", actor=None)
    assert not app.exception
    assert len(app.error) == 1 and "ADMIN\\_PASSWORD" in app.error[0].value
    assert app.text_input == [], "no sign-in form without a first user"


def test_the_generated_admin_password_is_shown_on_the_terminal_never_logged(
    first_start, capsys, caplog
):
    first_start.delenv("ADMIN_PASSWORD")
    caplog.set_level(logging.INFO)
    app = run_page("app.py", actor=None)
    assert not app.exception
    terminal = capsys.readouterr().err
    password = re.search(r"mật khẩu (\S+) \(", terminal).group(1)
    assert password not in caplog.text
    assert "admin" in caplog.text, "the log says that admin was created"
    assert appstate.registry().authenticate("admin", password).role == "district"


def test_a_forged_language_before_signing_in_is_ignored():
    app = run_page("app.py", actor=None)
    switch = app.selectbox(key="lang_select")
    switch.options.append("xx")  # a value the page never offered, as a forged request sends
    switch.set_value("xx").run()
    assert not app.exception
    assert app.title[0].value == text("app.title", "vi")
    assert app.session_state["lang"] == "vi"


def test_a_forged_language_after_signing_in_is_ignored():
    app = run_page("app.py")
    app.session_state["last_seen"] = time.monotonic()
    switch = app.selectbox(key="lang_select")
    switch.options.append("../../etc")
    switch.set_value("../../etc").run()
    assert_clean(app)
    assert app.title[0].value == text("app.title", "vi")


def sidebar_links(app) -> list[str]:
    return [link.proto.label for link in app.sidebar.get("page_link")]


def test_only_district_users_see_the_data_and_log_pages_in_the_sidebar():
    district = sidebar_links(run_page("app.py"))
    ward = sidebar_links(run_page("app.py", actor=Actor("lan", "ward", frozenset({"27109"}))))
    hidden = {text("nav.data", "vi"), text("nav.audit", "vi")}
    assert hidden <= set(district) and len(district) == len(appstate.PAGES)
    assert ward == [label for label in district if label not in hidden]
