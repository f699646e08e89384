"""What the app's pages share: the language switch, the dataset and its cached coverage.

The one module of ``geodata`` that knows Streamlit: it wraps the loaders and the engine in
Streamlit's caches so that every page, opened directly or not, gets the same objects without
recomputing them.
"""

from __future__ import annotations

import streamlit as st

from coverage.gaps import GAP_MIN_M
from geodata import settings
from geodata.access import SYSTEM, Actor
from geodata.crs import to_working
from geodata.dataset import Dataset
from geodata.demo import build_demo
from geodata.i18n import text
from geodata.registry import Registry
from geodata.seeding import ensure_seeded
from geodata.summary import CoverageSummary, key_route_segments, summarise
from geodata.webmap import coverage_map, install_leaflet

LANGUAGE_KEY = "lang"
PAGES = (
    ("app.py", "nav.overview"),
    ("pages/1_Độ_phủ_và_điểm_mù.py", "nav.coverage"),
)
"""Every page (path relative to the app's folder) and its catalogue label, in sidebar order."""
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}


@st.cache_resource(show_spinner=False)
def static_assets() -> str:
    """Copy Leaflet into the static folder once per server; returns the folder."""
    return str(install_leaflet())


APP_ACTOR = Actor(SYSTEM, "district")
"""Who the pages act as until sign-in exists."""


@st.cache_resource(show_spinner=False)
def registry() -> Registry:
    """The camera registry (``DATABASE_URL`` or SQLite under data/), seeded on first start."""
    opened = Registry.open()
    ensure_seeded(opened, build_demo())
    return opened


@st.cache_resource(show_spinner=False)
def current_dataset() -> Dataset:
    """The demo's wards, roads and hotspots with the registry's cameras."""
    demo = build_demo()
    cameras = to_working(registry().camera_frame(APP_ACTOR), demo.crs)
    return Dataset(
        name=demo.name,
        wards=demo.wards,
        roads=demo.roads,
        hotspots=demo.hotspots,
        cameras=cameras,
        key_routes=demo.key_routes,
        is_demo=True,
        report=demo.report,
    )


@st.cache_resource(show_spinner=False)
def _segments(dataset_id: int):
    return key_route_segments(current_dataset())


@st.cache_resource(show_spinner=False, max_entries=16)
def current_summary(gap_min_m: float = GAP_MIN_M) -> CoverageSummary:
    """Coverage of the current dataset with gaps of at least ``gap_min_m`` metres."""
    dataset = current_dataset()
    return summarise(dataset, gap_min_m=gap_min_m, segments=_segments(id(dataset)))


@st.cache_resource(show_spinner=False, max_entries=8)
def current_map(lang: str, gap_min_m: float = GAP_MIN_M):
    """The coverage map of :func:`current_summary`, labelled in ``lang``."""
    return coverage_map(current_summary(gap_min_m), lang=lang)


def language() -> str:
    """The language chosen in the sidebar (default from settings), with the switch drawn."""
    if LANGUAGE_KEY not in st.session_state:
        st.session_state[LANGUAGE_KEY] = settings.language()
    lang = st.sidebar.selectbox(
        text("app.language", st.session_state[LANGUAGE_KEY]),
        options=list(LANGUAGE_NAMES),
        format_func=LANGUAGE_NAMES.__getitem__,
        key=LANGUAGE_KEY,
    )
    return lang


def page_setup(title_key: str) -> str:
    """Configure the page, draw the sidebar, make sure Leaflet is served; returns the language."""
    lang = st.session_state.get(LANGUAGE_KEY, settings.language())
    st.set_page_config(page_title=text(title_key, lang), layout="wide")
    static_assets()
    for path, key in PAGES:
        st.sidebar.page_link(path, label=text(key, lang))
    return language()
