"""Hostile and unlucky input met through the pages (issue 16), driven with AppTest.

Each test fails on the app as it was: an area without key routes crashed the overview for every
user, the register list's selection followed the row position across filters, a save from an
edit form read before someone else's save quietly took the other's values instead of
conflicting, and data text was drawn as Markdown.
"""

import re

import pytest

from geodata.i18n import text
from geodata.layers.demo import build_demo
from geodata.registry import arealayers
from geodata.reports.views import literal
from geodata.ui import appstate
from tests.test_app import ADMIN, PAGES, PLAN, assert_clean, register_page, run_page

COVERAGE = next(p for p in PAGES if p.startswith("pages/3_"))
MAP = next(p for p in PAGES if p.startswith("pages/1_"))


@pytest.fixture
def no_key_route_in_the_area():
    """The saved key routes name no road of the area (e.g. after new roads were loaded)."""
    arealayers.save_key_routes(appstate.registry(), ADMIN, ["Đường không còn nữa"])
    yield
    arealayers.reset(appstate.registry(), ADMIN, build_demo())


@pytest.mark.parametrize("path", [p for p in PAGES if not p.startswith(("pages/2_", "pages/7_"))])
def test_an_area_with_no_key_route_is_shown_plainly(no_key_route_in_the_area, path):
    app = run_page(path)
    assert_clean(app)
    assert text("coverage.no_key_routes", "vi") in [info.value for info in app.warning]


def test_recommending_in_an_area_with_no_key_route_says_so(no_key_route_in_the_area):
    app = run_page(PLAN)
    app.button(key="plan_run").click().run()
    assert_clean(app)
    assert text("coverage.no_key_routes", "vi") in [w.value for w in app.warning]


def list_key(app) -> str:
    (key,) = [t.key for t in app.dataframe if (t.key or "").startswith("camera_table_")]
    return key


def edit_heading(app) -> str | None:
    headings = [h.value for h in app.subheader if h.value.startswith("Sửa camera")]
    return headings[0] if headings else None


def test_a_picked_camera_is_never_swapped_for_another_when_the_list_changes():
    registry = appstate.registry()
    app = register_page()
    app.session_state[list_key(app)] = {"selection": {"rows": [5], "columns": []}}
    app.run()
    picked = edit_heading(app)
    assert picked is not None
    first = registry.cameras(ADMIN).iloc[0]
    registry.delete(ADMIN, int(first["id"]), expected_version=int(first["version"]), reason="test")
    app.run()
    assert_clean(app)
    assert edit_heading(app) in (picked, None), "the form never shows the camera below it"


def test_a_save_from_a_stale_form_conflicts_and_says_so_until_the_camera_is_read_anew():
    registry = appstate.registry()
    app = register_page()
    app.session_state[list_key(app)] = {"selection": {"rows": [7], "columns": []}}
    app.run()
    camera_id = int(re.search(r"\d+", edit_heading(app)).group())
    read = registry.get(ADMIN, camera_id)
    # Someone else (another session or app process) saves the camera while the form is open.
    registry.update(ADMIN, camera_id, {"notes": "sửa ở máy khác"}, expected_version=read["version"])
    app.run()  # any rerun: the form keeps the camera as it was picked
    form = f"edit{camera_id}v{read['version']}"
    app.text_area(key=f"{form}_notes").set_value("sửa ở đây")
    app.button(key="save").click().run()
    assert_clean(app)
    conflict = literal(text("error.kind.conflict", "vi"))  # as the page writes it
    assert [e.value for e in app.error if conflict in e.value], "the stale save conflicts"
    assert registry.get(ADMIN, camera_id)["notes"] == "sửa ở máy khác", "nothing was written"
    app.run()  # the next rerun shows the camera as it is now, and still says why
    assert [e.value for e in app.error if conflict in e.value]
    fresh = f"edit{camera_id}v{read['version'] + 1}"
    assert app.text_area(key=f"{fresh}_notes").value == "sửa ở máy khác"
    app.text_area(key=f"{fresh}_notes").set_value("sửa lại")
    app.button(key="save").click().run()
    assert registry.get(ADMIN, camera_id)["notes"] == "sửa lại"
    assert not [e.value for e in app.error if conflict in e.value]


HOSTILE_WARD = "Phường ![x](http://evil.example/p.png) <img src=x> $1$"
UNESCAPED = re.compile(r"(?<!\\)(!\[x|<img|\$1)")
"""A mark of the hostile name that Markdown would act on (not preceded by a backslash)."""


@pytest.fixture
def hostile_ward_name():
    """A ward whose name is Markdown, HTML and LaTeX at once."""
    from geodata.layers.demo import build_demo

    wards = build_demo().wards.copy()
    wards.loc[0, "ward_name"] = HOSTILE_WARD
    arealayers.save_wards(appstate.registry(), ADMIN, wards, boundary_set="hostile")
    yield
    arealayers.reset(appstate.registry(), ADMIN, build_demo())


def drawn_texts(app) -> list[str]:
    """Everything the page hands to Streamlit's Markdown renderer."""
    kinds = ("markdown", "caption", "success", "info", "warning", "error", "subheader", "title")
    texts = [element.value for kind in kinds for element in getattr(app, kind)]
    return texts + [metric.label for metric in app.metric]


@pytest.mark.parametrize("path", PAGES)
def test_data_text_is_never_markdown_or_html(hostile_ward_name, path):
    app = run_page(path)
    assert_clean(app)
    for written in drawn_texts(app):
        assert not UNESCAPED.search(written), written


def test_a_hostile_ward_name_in_the_registration_message_is_shown_as_written(hostile_ward_name):
    ward = appstate.registry().ward_frame().to_crs("EPSG:4326")
    inside = ward[ward["ward_name"] == HOSTILE_WARD].geometry.iloc[0].representative_point()
    app = register_page()
    app.number_input(key="new_lat").set_value(round(inside.y, 6))
    app.number_input(key="new_lon").set_value(round(inside.x, 6))
    app.button(key="register_submit").click().run()
    assert_clean(app)
    (done,) = [s.value for s in app.success]
    assert "evil" in done and not UNESCAPED.search(done)
