"""What the app's pages share: the language switch, the dataset and its cached coverage.

The one module of ``geodata`` that knows Streamlit: it wraps the loaders and the engine in
Streamlit's caches so that every page, opened directly or not, gets the same objects without
recomputing them.
"""

from __future__ import annotations

import logging
import secrets
import sys
import time
from contextlib import contextmanager

import pandas as pd
import streamlit as st

from coverage.gaps import GAP_MIN_M
from coverage.tiers import TIER_NAMES
from geodata import settings
from geodata.analysis.summary import (
    CoverageSummary,
    dataset_walls,
    key_route_segments,
    summarise,
)
from geodata.errors import USER_ERRORS, DataError, NotFound, PermissionDenied
from geodata.i18n import Message, text
from geodata.layers.dataset import Dataset
from geodata.layers.demo import shared_demo
from geodata.maps.cameratiles import app_tile_store
from geodata.maps.leaflet import install_leaflet
from geodata.maps.printmap import preview_png
from geodata.maps.webmap import coverage_map
from geodata.registry import arealayers, campaigns
from geodata.registry.access import SYSTEM_ACTOR, Actor, visible_rows
from geodata.registry.cameraio import with_cameras_replaced, with_registry_cameras
from geodata.registry.records import with_rows_replaced
from geodata.registry.seeding import ADMIN_NAME, first_start
from geodata.registry.service import WARD_ACTIONS, Registry
from geodata.reports.views import literal
from geodata.ui.flashes import flash_to_show, keep_flash
from geodata.ui.pagestyle import page_style
from geodata.ui.userviews import Latest, UserViews

log = logging.getLogger(__name__)

LANGUAGE_KEY = "lang"
LANGUAGE_WIDGET_KEY = "lang_select"
PAGES = (
    ("app.py", "nav.overview"),
    ("pages/1_Bản_đồ_độ_phủ.py", "nav.map"),
    ("pages/2_Đăng_ký_camera.py", "nav.register"),
    ("pages/3_Độ_phủ_và_điểm_mù.py", "nav.coverage"),
    ("pages/4_Dữ_liệu.py", "nav.data"),
    ("pages/5_Kế_hoạch_lắp_đặt.py", "nav.plan"),
    ("pages/6_Xuất_bản_đồ_và_báo_cáo.py", "nav.export"),
    ("pages/7_Nhật_ký.py", "nav.audit"),
)
"""Every page (path relative to the app's folder) and its catalogue label, in sidebar order."""

DISTRICT_PAGES = frozenset({"pages/4_Dữ_liệu.py", "pages/7_Nhật_ký.py"})
"""Pages only district users can use: the sidebar shows them to nobody else (opened by their
address, they still refuse)."""
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}


@st.cache_resource(show_spinner=False)
def static_assets() -> str:
    """Copy Leaflet into the static folder once per server; returns the folder."""
    return str(install_leaflet())


ACTOR_KEY = "actor"
ACTOR_REVISION_KEY = "actor_wards_revision"
LAST_SEEN_KEY = "last_seen"


@st.cache_resource(show_spinner=False)
def registry() -> Registry:
    """The camera registry (``DATABASE_URL`` or SQLite under data/), seeded on first start.

    With no users yet, the district user ``admin`` is created; its password is
    ``ADMIN_PASSWORD`` or a generated one, printed once to the terminal (standard error), never
    to the log.
    """
    opened = Registry.open()
    generated = first_start(opened, shared_demo(), settings.admin_password())
    if generated:
        log.warning("first start: created user %r; its password is on the terminal", ADMIN_NAME)
        print(
            text("app.admin_created", settings.language(), name=ADMIN_NAME, password=generated),
            file=sys.stderr,
            flush=True,
        )
    return opened


def revision() -> tuple[int, int]:
    """Changes whenever the registry or the saved layers change (the caches' key)."""
    return registry().revision(), layer_revision()


def layer_revision() -> int:
    """Changes whenever the area's layers change, in this process or any other."""
    return arealayers.revision(registry())


@st.cache_resource(show_spinner=False, max_entries=4)
def area(layer_revision: int, boundary_set: str | None = None) -> Dataset:
    """The area's wards, roads, hotspots, buildings and key routes: the demo, or what the
    district saved in the registry; the wards of ``boundary_set`` (default: the current set)."""
    return arealayers.current(registry(), boundary_set=boundary_set)


USER_VIEWS = UserViews()
"""The views of this server process's users (one per process, like the caches)."""


def _shared(revisions: tuple[int, int], key, compute):
    """What every session of this process shares at ``revisions`` (the registry's cameras, the
    area's coverage), worked out once per revision whoever asks first."""
    return USER_VIEWS.get(SYSTEM_ACTOR, revisions, key, compute)


LATEST = Latest()


def _changed_since(kept, revisions: tuple[int, int]) -> set[int] | None:
    """The cameras changed between the revision of ``kept`` and ``revisions`` (None when
    something else changed, or too much: see :meth:`Registry.changed_cameras`)."""
    if kept is None or kept[0][1] != revisions[1] or kept[0][0] > revisions[0]:
        return None
    return registry().changed_cameras(kept[0][0], revisions[0])


def _every_camera(revisions: tuple[int, int], boundary_set: str | None):
    key = ("cameras", boundary_set)

    def read():
        kept = LATEST.get(key)
        changed = _changed_since(kept, revisions)
        if changed is None:
            table = registry().cameras(SYSTEM_ACTOR, boundary_set=boundary_set)
        else:
            fresh = registry().cameras(SYSTEM_ACTOR, boundary_set=boundary_set, ids=changed)
            table = with_rows_replaced(kept[1], fresh, changed)
        return LATEST.keep(key, revisions, table)

    return _shared(revisions, key, read)


def _camera_table(actor: Actor, revisions: tuple[int, int], boundary_set: str | None):
    every = _every_camera(revisions, boundary_set)
    if actor.sees_all_wards and actor.sees_owners:
        return every
    return USER_VIEWS.get(
        actor, revisions, ("cameras", boundary_set), lambda: visible_rows(actor, every)
    )


def _every_dataset(revisions: tuple[int, int], boundary_set: str | None) -> Dataset:
    key = ("dataset", boundary_set)

    def built():
        kept = LATEST.get(key)
        changed = _changed_since(kept, revisions)
        table, base = _every_camera(revisions, boundary_set), area(revisions[1], boundary_set)
        if changed is None:
            dataset = with_registry_cameras(base, table)
        else:
            fresh = table[table["id"].isin(sorted(changed))]
            dataset = with_cameras_replaced(base, kept[1], fresh, changed)
        return LATEST.keep(key, revisions, dataset)

    return _shared(revisions, key, built)


def _dataset(actor: Actor, revisions: tuple[int, int], boundary_set: str | None) -> Dataset:
    if actor.sees_all_wards:  # the engine's columns hold no owner details
        return _every_dataset(revisions, boundary_set)
    return USER_VIEWS.get(
        actor,
        revisions,
        ("dataset", boundary_set),
        lambda: with_registry_cameras(
            area(revisions[1], boundary_set), _camera_table(actor, revisions, boundary_set)
        ),
    )


def current_dataset(actor: Actor, boundary_set: str | None = None) -> Dataset:
    """The area's layers with the registry cameras ``actor`` may see, on the wards of
    ``boundary_set`` (default: the current set)."""
    return _dataset(actor, revision(), boundary_set)


def camera_table(actor: Actor, boundary_set: str | None = None):
    """The registry's cameras that ``actor`` may see (a DataFrame), refreshed on every write;
    their wards those of ``boundary_set`` (default: the current set)."""
    return _camera_table(actor, revision(), boundary_set)


def listed_cameras(actor: Actor, filters: dict):
    """The registry's cameras ``actor`` may see, filtered as the register page's list is
    (keyword arguments of :meth:`Registry.cameras`), read once per revision and filters."""
    if not any(value is not None for value in filters.values()):
        return camera_table(actor)
    key = ("list", repr(sorted(filters.items())))
    return USER_VIEWS.get(actor, revision(), key, lambda: registry().cameras(actor, **filters))


@st.cache_resource(show_spinner=False, max_entries=4)
def key_segments(layer_revision: int, boundary_set: str | None = None):
    """The area's key routes as segments split at the boundaries of the wards of
    ``boundary_set`` (default: the current set)."""
    return key_route_segments(area(layer_revision, boundary_set))


@st.cache_resource(show_spinner=False, max_entries=4)
def walls(layer_revision: int):
    """The walls of the area's buildings (None without buildings)."""
    return dataset_walls(area(layer_revision))


def _summary(
    actor: Actor, revisions: tuple[int, int], gap_min_m: float, boundary_set: str | None = None
) -> CoverageSummary:
    if actor.sees_all_wards:
        return _district_summary(revisions, gap_min_m, boundary_set)
    return USER_VIEWS.get(
        actor,
        revisions,
        ("summary", gap_min_m),
        lambda: _district_summary(revisions, gap_min_m).within_wards(actor.wards),
    )


def _district_summary(
    revisions: tuple[int, int], gap_min_m: float, boundary_set: str | None = None
) -> CoverageSummary:
    """What every camera sees of the whole area, worked out once per revision and shared by
    every session (the wards' users get their wards' part of it). When only a few cameras
    changed since the figures kept, they are updated where those cameras reach."""
    key = ("summary", gap_min_m, boundary_set)

    def work_out():
        dataset = _every_dataset(revisions, boundary_set)
        kept = LATEST.get(key)
        changed = _changed_since(kept, revisions)
        if changed is not None:
            summary = kept[1].updated(dataset, changed)
        else:
            summary = summarise(
                dataset,
                gap_min_m=gap_min_m,
                segments=key_segments(revisions[1], boundary_set),
                walls=walls(revisions[1]),
            )
        return LATEST.keep(key, revisions, summary)

    return _shared(revisions, key, work_out)


def current_summary(
    actor: Actor, gap_min_m: float = GAP_MIN_M, boundary_set: str | None = None
) -> CoverageSummary:
    """Coverage of ``actor``'s area, recomputed whenever the registry or layers change; given
    by the wards of ``boundary_set`` (default: the current set; only for those who see every
    ward, see :func:`boundary_set_choice`).

    A ward user's figures are their wards' own: their key routes as every camera sees them
    (the same as their wards' rows in the district's figures), their hotspots, their gaps and
    their cameras.
    """
    return _summary(actor, revision(), float(gap_min_m), boundary_set)


def map_preview(
    actor: Actor, lang: str, when, wards, campaign_id: int | None, boundary_set: str | None = None
) -> bytes:
    """The export page's map preview (PNG), drawn again only when its inputs or the data change."""
    chosen = int(campaign_id) if campaign_id else None
    revisions = revision()

    def drawn() -> bytes:
        targets = campaigns.targets(registry(), actor, chosen) if chosen else None
        summary = _summary(actor, revisions, GAP_MIN_M, boundary_set)
        if wards:  # the figures printed are the chosen wards'
            summary = summary.within_wards(wards)
        return preview_png(summary, lang=lang, when=when, wards=tuple(wards), proposals=targets)

    key = ("preview", lang, when, tuple(wards), chosen, boundary_set)
    return USER_VIEWS.get(actor, revisions, key, drawn)


def boundary_set_choice(actor: Actor, lang: str, *, key: str) -> str | None:
    """A choice of the ward boundary set the page's figures and maps are given in, for those
    who see every ward when more than one set is kept; the set chosen, None for the current.
    """
    sets = registry().boundary_sets()
    if not actor.sees_all_wards or len(sets) < 2:
        return None
    sets = sets.sort_values("current", ascending=False, kind="stable")
    labels = {
        row.name: text(
            "boundary_set.label",
            lang,
            name=row.name,
            since=text("boundary_set.no_date", lang) if pd.isna(row.valid_from) else row.valid_from,
            current=text("boundary_set.current_mark", lang) if row.current else "",
            illustrative=text("boundary_set.illustrative_mark", lang) if row.illustrative else "",
        ).strip()
        for row in sets.itertuples()
    }
    chosen = st.selectbox(
        text("boundary_set.choice", lang),
        list(labels),
        format_func=labels.__getitem__,
        key=key,
        help=text("boundary_set.help", lang),
    )
    return None if chosen is None or sets.set_index("name").loc[chosen, "current"] else chosen


@contextmanager
def loading(lang: str):
    """A spinner while the block computes; a user error in it is shown and stops the page."""
    try:
        with st.spinner(text("app.loading", lang)):
            yield
    except USER_ERRORS as error:
        show_error(error, lang)
        st.stop()


def show_error(error: DataError, lang: str) -> None:
    """A user error as its reader reads it: the heading of its kind, then the message.

    The message may hold text from data (names, addresses): it is shown literally, never as
    Markdown.
    """
    heading = text(f"error.kind.{error.kind}", lang)
    st.error(f"**{literal(heading)}**  \n{literal(error.render(lang))}")


@contextmanager
def page(title_key: str):
    """Run a page: set it up (sidebar, sign-in), then its body, and never show a traceback.

    Yields ``(lang, actor)``. A user error the body did not handle is shown under its heading;
    any other error is a bug: it is logged on the server with a short reference, and the user
    sees a message with that reference (``client.showErrorDetails`` hides Streamlit's own).
    An error while setting the page up (e.g. a weak ``ADMIN_PASSWORD`` on first start) is shown
    the same way and stops the page. ``st.stop()`` and ``st.rerun()`` pass through.
    """
    lang = known_language(st.session_state.get(LANGUAGE_KEY))
    body = False
    try:
        lang, actor = page_setup(title_key)
        show_flash(lang, title_key)
        body = True
        yield lang, actor
    except USER_ERRORS as error:
        show_error(error, lang)
    except Exception:
        reference = secrets.token_hex(4)
        log.exception("unexpected error on page %s (reference %s)", title_key, reference)
        st.error(text("error.unexpected", lang, reference=reference))
    if not body:
        st.stop()


def figures(values: dict[str, str], *, per_row: int = 4) -> None:
    """Headline figures (label → written value) as metrics, ``per_row`` to a row.

    On a phone the rows wrap two to a row (see :data:`PAGE_STYLE`).
    """
    items = list(values.items())
    for start in range(0, len(items), per_row):
        columns = st.columns(per_row)
        for column, (label, value) in zip(columns, items[start : start + per_row], strict=False):
            column.metric(label, value)


def no_key_route(dataset: Dataset, lang: str) -> bool:
    """Say plainly when the area holds no key route (the saved names match no road); True then.

    Pages then leave out what is measured on key routes instead of drawing empty charts.
    """
    if len(dataset.key_roads()):
        return False
    st.warning(text("coverage.no_key_routes", lang))
    return True


def flash(key: str, **params) -> None:
    """Keep a success message for the page's next run (see :mod:`geodata.ui.flashes`)."""
    keep_flash(st.session_state, Message(key, **params))


def show_flash(lang: str, title_key: str) -> None:
    """Show the success message kept for this page, if any.

    Its place is kept on every run (empty when there is nothing to say): an element that comes
    and goes above the page's tabs would make the browser open the first tab again.
    """
    place = st.empty()
    message = flash_to_show(st.session_state, title_key, time.monotonic())
    if message is not None:
        place.success(literal(message.render(lang)))


def current_map(
    actor: Actor,
    lang: str,
    gap_min_m: float = GAP_MIN_M,
    *,
    wards: tuple[str, ...] = (),
    gap: int | None = None,
    tier: str | None = None,
    boundary_set: str | None = None,
):
    """The coverage map of :func:`current_summary` at detail ``tier``, labelled in ``lang``.

    ``wards`` limits it to those ward names (a ward user's map opens on their wards); ``gap``
    (a row of the gap table) is highlighted and the map opens on it. Built anew each time (a
    quarter of a second): folium maps change when rendered, so a cached one would break on its
    second page view.
    """
    summary = current_summary(actor, gap_min_m, boundary_set).seen_at(tier)
    if not wards and not actor.sees_all_wards:
        known = summary.dataset.wards
        wards = tuple(known.loc[known["ward_code"].isin(sorted(actor.wards)), "ward_name"])
    return coverage_map(
        summary, lang=lang, wards=tuple(wards), gap=gap, tile_store=app_tile_store()
    )


def tier_switch(lang: str, *, key: str) -> str | None:
    """A switch between "any detail" and the four detail tiers; the chosen tier's name."""
    chosen = st.segmented_control(
        text("tier.switch", lang),
        ("any", *TIER_NAMES),
        format_func=lambda name: text(f"tier.{name}", lang),
        default="any",
        key=key,
        help=text("tier.help", lang),
    )
    return None if chosen in (None, "any") else chosen


def signed_in(lang: str) -> Actor | None:
    """The signed-in user, or None; signs out after ``CCTV_SESSION_MINUTES`` of inactivity."""
    state = st.session_state
    actor = state.get(ACTOR_KEY)
    if actor is None:
        return None
    if time.monotonic() - state.get(LAST_SEEN_KEY, 0.0) > settings.session_minutes() * 60:
        sign_out()
        st.info(text("auth.expired", lang))
        return None
    state[LAST_SEEN_KEY] = time.monotonic()
    wards_now = registry().revision(WARD_ACTIONS)
    if state.get(ACTOR_REVISION_KEY, wards_now) != wards_now:  # wards changed: read them again
        USER_VIEWS.forget(actor)
        try:
            actor = registry().actor(actor.name)
        except NotFound:  # the user was removed meanwhile
            sign_out()
            return None
        state[ACTOR_KEY] = actor
    state[ACTOR_REVISION_KEY] = wards_now
    return actor


def sign_out() -> None:
    """Forget the signed-in user, what this session kept for them, and their cached views."""
    actor = st.session_state.get(ACTOR_KEY)
    if actor is not None:
        USER_VIEWS.forget(actor)
    language = st.session_state.get(LANGUAGE_KEY)
    for key in list(st.session_state):
        del st.session_state[key]
    if language is not None:
        st.session_state[LANGUAGE_KEY] = language


def sign_in_form(lang: str) -> None:
    """The sign-in form; on success remembers the user and reruns the page."""
    st.title(text("app.title", lang))
    with st.form("sign_in"):
        st.subheader(text("auth.heading", lang))
        name = st.text_input(text("auth.name", lang), key="sign_in_name")
        password = st.text_input(
            text("auth.password", lang), type="password", key="sign_in_password"
        )
        submitted = st.form_submit_button(text("auth.submit", lang))
    if submitted:
        try:
            actor = registry().authenticate(name, password)
        except PermissionDenied as error:
            locked = error.message.key == "error.sign_in.locked"
            st.error(literal(error.render(lang)) if locked else text("auth.failed", lang))
            return
        st.session_state[ACTOR_KEY] = actor
        st.session_state[LAST_SEEN_KEY] = time.monotonic()
        st.rerun()


def _user_box(actor: Actor, lang: str) -> None:
    names = registry().ward_names()
    wards = ", ".join(names.get(code, code) for code in sorted(actor.wards))
    st.sidebar.markdown(f"**{literal(text('auth.signed_in_as', lang))}** {literal(actor.name)}")
    st.sidebar.caption(
        literal(
            f"{text('auth.role', lang)}: {text('role.' + actor.role, lang)}"
            + (f" · {text('auth.wards', lang)}: {wards}" if wards else "")
        )
    )
    if st.sidebar.button(text("auth.sign_out", lang), key="sign_out"):
        sign_out()
        st.rerun()


def known_language(lang) -> str:
    """``lang`` when the app speaks it, else the default (a forged widget value is ignored)."""
    return lang if lang in LANGUAGE_NAMES else settings.language()


def language() -> str:
    """The language chosen in the sidebar (default from settings), with the switch drawn.

    The choice lives in its own session key, not only in the widget's, because Streamlit
    forgets a widget's state when the user moves to another page.
    """
    state = st.session_state
    state[LANGUAGE_KEY] = known_language(state.get(LANGUAGE_KEY))
    st.sidebar.selectbox(
        text("app.language", state[LANGUAGE_KEY]),
        options=list(LANGUAGE_NAMES),
        index=list(LANGUAGE_NAMES).index(state[LANGUAGE_KEY]),
        format_func=LANGUAGE_NAMES.__getitem__,
        key=LANGUAGE_WIDGET_KEY,
        on_change=keep_language_chosen,
        args=(state,),
    )
    return state[LANGUAGE_KEY]


def keep_language_chosen(state) -> None:
    """Keep the language the switch shows in the session (the switch's ``on_change``).

    Streamlit may call it on a move to another page after forgetting the switch's own state
    (the user clicked a page while the last one was still being drawn): the language stays.
    """
    chosen = state.get(LANGUAGE_WIDGET_KEY, state.get(LANGUAGE_KEY))
    state[LANGUAGE_KEY] = known_language(chosen)


def page_setup(title_key: str) -> tuple[str, Actor]:
    """Configure the page, draw the sidebar, require a signed-in user.

    Returns the language and the acting user; shows the sign-in form and stops the page when
    nobody is signed in.
    """
    lang = known_language(st.session_state.get(LANGUAGE_KEY))
    st.set_page_config(page_title=text(title_key, lang), layout="wide")
    static_assets()
    registry()
    lang = language()
    st.sidebar.html(page_style(lang), unsafe_allow_javascript=True)
    actor = signed_in(lang)
    if actor is None:
        sign_in_form(lang)
        st.stop()
    for path, key in PAGES:
        if actor.role == "district" or path not in DISTRICT_PAGES:
            st.sidebar.page_link(path, label=text(key, lang))
    _user_box(actor, lang)
    return lang, actor
