"""AppTest smoke and interaction tests over app.py and every page."""

import json
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geodata.i18n import text
from geodata.io.crs import to_wgs84
from geodata.registry.access import Actor
from geodata.ui import appstate
from tests.conftest import ADMIN_PASSWORD

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["app.py", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py"))]


ADMIN = Actor("admin", "district")


def assert_clean(app: AppTest) -> None:
    """No exception escaped the page, and the page's own guard caught none either."""
    assert not app.exception, [e.value for e in app.exception]
    unexpected = [e.value for e in app.error if "mã tra cứu" in e.value or "reference" in e.value]
    assert unexpected == []


def vi_number(written: str) -> float:
    """A number as the Vietnamese UI writes it (2.000 · 32,8 %) back as a float."""
    return float(written.replace(".", "").replace(",", ".").rstrip("% ").strip())


def run_page(path: str, lang: str = "vi", actor: Actor | None = ADMIN) -> AppTest:
    """Run ``path`` as Streamlit does (app.py is the entry point), signed in as ``actor``."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.session_state["lang"] = lang
    if actor is not None:
        app.session_state["actor"] = actor
        app.session_state["last_seen"] = time.monotonic()
    if path != "app.py":
        app.switch_page(path)
    return app.run()


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_every_page_runs_without_exception(path, lang):
    app = run_page(path, lang)
    assert_clean(app)
    titles = {"app.title", "coverage.page_title", "register.title", "map.page_title", "data.title"}
    titles |= {"plan.title", "export.title", "audit.title"}
    assert app.title[0].value in {text(key, lang) for key in titles}


def test_overview_shows_the_engine_figures():
    app = run_page("app.py")
    labels = {m.label: m.value for m in app.metric}
    assert labels[text("kpi.cameras_total", "vi")] == "2.000"
    share = labels[text("kpi.covered_share", "vi")]
    assert share.endswith(" %") and "," in share and 5.0 < vi_number(share) < 95.0
    assert any(text("app.demo_notice", "vi") == info.value for info in app.info)


def test_language_switch_changes_the_text():
    app = run_page("app.py", "vi")
    app.selectbox(key="lang_select").set_value("en").run()
    assert app.title[0].value == "Camera coverage planner"
    assert text("kpi.covered_share", "en") in [m.label for m in app.metric]


def test_the_language_stays_when_the_switch_is_forgotten_on_a_move_to_another_page():
    # Seen in the city bench: a page clicked while the last was still drawn ran the switch's
    # callback with the switch's state gone, and the page showed a KeyError.
    state = {"lang": "en"}
    appstate.keep_language_chosen(state)
    assert state["lang"] == "en"
    state["lang_select"] = "vi"
    appstate.keep_language_chosen(state)
    assert state["lang"] == "vi"
    state["lang_select"] = "fr"  # a forged value gives the default language
    appstate.keep_language_chosen(state)
    assert state["lang"] == "vi"


def test_the_export_date_is_picked_as_dd_mm_yyyy():
    page = next(p for p in PAGES if p.startswith("pages/6_"))
    app = run_page(page)
    assert_clean(app)
    assert app.date_input(key="export_date").proto.format == "DD/MM/YYYY"


def test_gap_threshold_changes_the_gap_list():
    page = next(p for p in PAGES if p.startswith("pages/3_"))
    app = run_page(page)
    rows_at_50 = len(app.dataframe[-1].value)
    app.number_input(key="gap_min_m").set_value(200.0).run()
    rows_at_200 = len(app.dataframe[-1].value)
    assert not app.exception
    assert 0 < rows_at_200 < rows_at_50


def test_signing_in_with_the_admin_password_shows_the_overview(monkeypatch):
    app = run_page("app.py", actor=None)
    assert not app.exception
    assert app.metric == [], "nothing is shown before signing in"
    app.text_input(key="sign_in_name").set_value("admin")
    app.text_input(key="sign_in_password").set_value("wrong password")
    app.button[0].click().run()
    assert app.error and app.error[0].value == text("auth.failed", "vi")
    app.text_input(key="sign_in_password").set_value(ADMIN_PASSWORD)
    app.button[0].click().run()
    assert not app.exception
    assert app.session_state["actor"].name == "admin"
    assert text("kpi.cameras_total", "vi") in [m.label for m in app.metric]


def test_session_expires_after_inactivity():
    app = run_page("app.py")
    app.session_state["last_seen"] = time.monotonic() - 10 * 3600
    app.run()
    assert any(text("auth.expired", "vi") == info.value for info in app.info)
    assert app.metric == []


def test_ward_user_sees_only_their_ward():
    ward_user = Actor("lan", "ward", frozenset({"27109"}))
    app = run_page("app.py", actor=ward_user)
    labels = {m.label: m.value for m in app.metric}
    assert 0 < vi_number(labels[text("kpi.cameras_total", "vi")]) < 2000
    assert any("Cát Lái" in c.value for c in app.sidebar.caption)


def test_a_ward_users_whole_area_is_their_wards_not_the_district():
    ward_user = Actor("lan", "ward", frozenset({"27109"}))
    chooser = run_page("pages/1_Bản_đồ_độ_phủ.py", actor=ward_user).multiselect[0]
    assert chooser.label == "Lọc theo phường (để trống: các phường bạn phụ trách)"
    chooser = run_page("pages/6_Xuất_bản_đồ_và_báo_cáo.py", actor=ward_user).multiselect[0]
    assert chooser.placeholder == "Các phường bạn phụ trách"
    chooser = run_page("pages/6_Xuất_bản_đồ_và_báo_cáo.py").multiselect[0]
    assert chooser.placeholder == "Cả quận"


def register_page(actor: Actor = ADMIN) -> AppTest:
    return run_page("pages/2_Đăng_ký_camera.py", actor=actor)


def metric_value(app: AppTest, key: str) -> str:
    return {m.label: m.value for m in app.metric}[text(key, "vi")]


def test_registering_through_the_form_changes_the_registry_and_coverage():
    before = run_page("app.py")
    total_before = vi_number(metric_value(before, "kpi.cameras_total"))
    covered_before = metric_value(before, "kpi.covered_share")
    app = register_page()
    # A 360° camera with a 200 m range on Mai Chí Thọ × Đồng Văn Cống sees new key-route metres.
    app.number_input(key="new_lat").set_value(10.7880)
    app.number_input(key="new_lon").set_value(106.7500)
    app.slider(key="new_fov_deg").set_value(360.0)
    app.number_input(key="new_range_m").set_value(200.0)
    app.text_input(key="new_owner_name").set_value("Nguyễn Văn Test")
    app.button(key="register_submit").click().run()
    assert not app.exception
    assert app.success, [e.value for e in app.error]
    assert app.success[0].value.startswith("Đã đăng ký camera số")
    after = run_page("app.py")
    assert vi_number(metric_value(after, "kpi.cameras_total")) == total_before + 1
    assert metric_value(after, "kpi.covered_share") != covered_before


def test_ward_user_sees_only_their_wards_cameras_in_the_list():
    ward_user = Actor("lan", "ward", frozenset({"27109"}))
    app = register_page(ward_user)
    assert not app.exception
    listed = app.dataframe[0].value
    wards = set(listed[text("list.ward_name", "vi")])
    assert wards == {"Cát Lái"}


@pytest.mark.parametrize("role", ["district", "ward", "viewer"])
@pytest.mark.parametrize("path", PAGES)
def test_every_page_runs_for_every_role(path, role):
    actor = Actor(f"test-{role}", role, frozenset({"27109"}) if role == "ward" else frozenset())
    app = run_page(path, actor=actor)
    assert_clean(app)


def test_data_page_is_for_district_users_only():
    ward_user = Actor("lan", "ward", frozenset({"27109"}))
    app = run_page("pages/4_Dữ_liệu.py", actor=ward_user)
    assert app.warning[0].value == text("data.district_only", "vi")
    assert [b.key for b in app.button] == ["sign_out"]


def test_choosing_key_routes_changes_the_coverage_figures():
    before = run_page("app.py")
    share_before = metric_value(before, "kpi.covered_share")
    app = run_page("pages/4_Dữ_liệu.py")
    app.multiselect(key="key_routes").set_value(["Mai Chí Thọ"])
    app.button(key="save_key_routes").click().run()
    assert not app.exception
    after = run_page("app.py")
    assert metric_value(after, "kpi.covered_share") != share_before
    back = run_page("pages/4_Dữ_liệu.py")
    back.button(key="reset_layers").click().run()
    assert not back.exception
    assert metric_value(run_page("app.py"), "kpi.covered_share") == share_before


PLAN = "pages/5_Kế_hoạch_lắp_đặt.py"


def test_planning_recommends_saves_a_campaign_and_tracks_a_target():
    app = run_page(PLAN)
    app.number_input(key="plan_k").set_value(6)
    app.button(key="plan_run").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.metric[0].value == "6"
    before, after = (vi_number(m.value) for m in app.metric[1:3])
    assert after > before
    app.text_input(key="campaign_name").set_value("Chiến dịch thử")
    app.button(key="campaign_create").click().run()
    assert any("Đã tạo chiến dịch số" in s.value for s in app.success)
    app = run_page(PLAN)
    name = text("plan.column.name", "vi")
    table = next(d.value for d in app.dataframe if name in d.value.columns)
    assert "Chiến dịch thử" in set(table[name])
    app.selectbox(key="target_status").set_value("contacted")
    app.button(key="target_save").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    status = text("plan.column.status", "vi")
    targets = next(d.value for d in app.dataframe if status in d.value.columns)
    assert text("target.contacted", "vi") in set(targets[status])


def test_ward_users_may_not_create_campaigns():
    ward_user = Actor("lan", "ward", frozenset({"27106"}))
    app = run_page(PLAN, actor=ward_user)
    app.number_input(key="plan_k").set_value(3)
    app.button(key="plan_run").click().run()
    assert not app.exception
    assert any(text("plan.district_only", "vi") in i.value for i in app.info)


@pytest.mark.parametrize("role", ["ward", "viewer"])
def test_a_ward_users_overview_shows_their_wards_figures(role):
    cat_lai = Actor("lan", role, frozenset({"27109"}))
    app = run_page("app.py", actor=cat_lai)
    assert_clean(app)
    labels = {m.label: m.value for m in app.metric}
    district = appstate.current_summary(ADMIN)
    row = district.routes.by_ward().set_index("ward").loc["Cát Lái"]
    share = vi_number(labels[text("kpi.covered_share", "vi")])
    assert share == pytest.approx(100 * row["share"], abs=0.05)
    assert abs(share - 100 * district.routes.share) > 1  # not the district's figure
    cameras = appstate.camera_table(cat_lai)
    assert labels[text("kpi.cameras_total", "vi")] == f"{len(cameras):,}".replace(",", ".")


def test_a_ward_users_map_opens_on_their_ward():
    cat_lai = Actor("lan", "ward", frozenset({"27109"}))
    html = appstate.current_map(cat_lai, "vi").get_root().render()
    wards = to_wgs84(appstate.current_dataset(cat_lai).wards)
    west, south, east, north = wards[wards["ward_code"] == "27109"].total_bounds
    assert f"map.fitBounds({json.dumps([[south, west], [north, east]])})" in html


DATA = "pages/4_Dữ_liệu.py"


def test_another_boundary_set_made_current_and_ward_users_mapped_on_the_data_page():
    from geodata.layers.demo import DEMO_NAME
    from geodata.layers.demosets import MERGED_SET
    from geodata.registry.access import SYSTEM_ACTOR

    registry = appstate.registry()
    registry.add_user(SYSTEM_ACTOR, "td.ranhgioi", "Thao-Dien-kiem-tra-2026", "ward", ["27088"])
    signed_in = run_page("app.py", actor=registry.actor("td.ranhgioi"))
    before = metric_value(signed_in, "kpi.cameras_total")
    try:
        app = run_page(DATA)
        sets = next(d.value for d in app.dataframe if text("column.boundary_set", "vi") in d.value)
        assert {DEMO_NAME, MERGED_SET} <= set(sets[text("column.boundary_set", "vi")])
        app.selectbox(key="current_boundary_set").set_value(MERGED_SET)
        app.button(key="use_boundary_set").click().run()
        assert_clean(app)
        assert any("nay là bộ hiện hành" in s.value for s in app.success)
        assert any("td.ranhgioi" in w.value for w in app.warning)
        assert app.multiselect(key="scope_27088").value == ["MH01"]  # suggested by overlap

        signed_in.run()  # the ward user's next rerun: their ward is gone, they see nothing
        assert metric_value(signed_in, "kpi.cameras_total") == "0"

        app.button(key="map_scopes").click().run()
        assert_clean(app)
        assert registry.actor("td.ranhgioi").wards == frozenset({"MH01"})
        signed_in.run()
        assert vi_number(metric_value(signed_in, "kpi.cameras_total")) > vi_number(before)

        overview = run_page("app.py")
        wards = views_ward_names(overview)
        assert len(wards) == 3 and all("minh hoạ" in name for name in wards)
        coverage = run_page("pages/3_Độ_phủ_và_điểm_mù.py")
        coverage.selectbox(key="coverage_boundary_set").set_value(DEMO_NAME).run()
        assert_clean(coverage)
        assert len(views_ward_names(coverage)) == 11  # last year's wards, asked for
    finally:
        registry.use_boundary_set(SYSTEM_ACTOR, DEMO_NAME)


def views_ward_names(app: AppTest) -> list[str]:
    """The ward names of the page's first table with a ward column."""
    ward = text("column.ward", "vi")
    return list(next(d.value for d in app.dataframe if ward in d.value.columns)[ward])


def test_sessions_share_the_cameras_and_coverage_and_filter_them_only():
    """Every session of a process uses one camera table and one coverage per revision; a
    session adds only its own filtering (issue 15: one process, whatever the sessions)."""
    district, viewer = Actor("an", "district"), Actor("binh", "viewer")
    assert appstate.current_summary(district) is appstate.current_summary(viewer)
    assert appstate.current_dataset(district) is appstate.current_dataset(viewer)
    every, shown = appstate.camera_table(district), appstate.camera_table(viewer)
    assert appstate.camera_table(Actor("chi", "district")) is every
    assert shown is not every and shown[["owner_name", "owner_phone"]].isna().all().all()
    cat_lai = appstate.camera_table(Actor("lan", "ward", frozenset({"27109"})))
    assert set(cat_lai["ward_code"]) == {"27109"}
    assert cat_lai["id"].tolist() == every.loc[every["ward_code"] == "27109", "id"].tolist()


def test_a_camera_registered_updates_the_shared_coverage_where_it_reaches(monkeypatch):
    """Registering a camera does not work the whole area out again: the figures are updated
    where it reaches, and they are what working it all out again gives (issue 15)."""
    from geodata.analysis.summary import summarise
    from geodata.registry.access import SYSTEM_ACTOR
    from geodata.registry.cameraio import with_registry_cameras

    district = Actor("an", "district")
    before = appstate.current_summary(district)
    road = before.dataset.key_roads().geometry.iloc[0]
    middle = road.interpolate(0.5, normalized=True)
    here = to_wgs84(gpd.GeoDataFrame(geometry=[middle], crs=before.dataset.crs))
    registry = appstate.registry()
    dome = {"lat": here.geometry.y[0], "lon": here.geometry.x[0], "fov_deg": 360, "range_m": 25}
    record = registry.register(SYSTEM_ACTOR, {**dome, "bearing_deg": 0})
    try:
        with monkeypatch.context() as patched:
            patched.setattr(appstate, "summarise", None)  # working it all out would fail
            after = appstate.current_summary(district)
        fresh = summarise(
            appstate.current_dataset(district),
            segments=appstate.key_segments(appstate.layer_revision()),
            walls=appstate.walls(appstate.layer_revision()),
        )
        assert after.to_json() == fresh.to_json() != before.to_json()
        table = appstate.camera_table(district)
        assert table["id"].tolist() == registry.cameras(SYSTEM_ACTOR)["id"].tolist()
        afresh = with_registry_cameras(appstate.area(appstate.layer_revision()), table)
        pd.testing.assert_frame_equal(appstate.current_dataset(district).cameras, afresh.cameras)
    finally:
        registry.delete(SYSTEM_ACTOR, record["id"], expected_version=1, reason="thử nghiệm")
    assert appstate.current_summary(district).to_json() == before.to_json()
