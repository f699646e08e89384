"""AppTest smoke and interaction tests over app.py and every page."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geodata.i18n import text

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["app.py", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py"))]


def run_page(path: str, lang: str = "vi") -> AppTest:
    """Run ``path`` as Streamlit does: app.py is the entry point, pages are switched to."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.session_state["lang"] = lang
    if path != "app.py":
        app.switch_page(path)
    return app.run()


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_every_page_runs_without_exception(path, lang):
    app = run_page(path, lang)
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value in {text("app.title", lang), text("coverage.page_title", lang)}


def test_overview_shows_the_engine_figures():
    app = run_page("app.py")
    labels = {m.label: m.value for m in app.metric}
    assert labels[text("kpi.cameras_total", "vi")] == "2,000"
    share = labels[text("kpi.covered_share", "vi")]
    assert share.endswith("%") and 5.0 < float(share.rstrip("%")) < 95.0
    assert any("demo — approximate geometry" in info.value for info in app.info)


def test_language_switch_changes_the_text():
    app = run_page("app.py", "vi")
    app.selectbox(key="lang").set_value("en").run()
    assert app.title[0].value == "Camera coverage planner"
    assert text("kpi.covered_share", "en") in [m.label for m in app.metric]


def test_gap_threshold_changes_the_gap_list():
    page = next(p for p in PAGES if p.startswith("pages/1_"))
    app = run_page(page)
    rows_at_50 = len(app.dataframe[-1].value)
    app.number_input(key="gap_min_m").set_value(200.0).run()
    rows_at_200 = len(app.dataframe[-1].value)
    assert not app.exception
    assert 0 < rows_at_200 < rows_at_50
