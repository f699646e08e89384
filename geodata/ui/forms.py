"""The camera form and the registry filters, shared by the app's pages (Streamlit widgets).

With :mod:`geodata.ui.appstate`, the only module of ``geodata`` that draws widgets. The form holds
the truth: a click on the map only fills the latitude and longitude inputs.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import streamlit as st

from geodata.errors import ConflictError
from geodata.i18n import date_input_format, text
from geodata.layers.camerafields import CAMERA_TYPES, STATUSES
from geodata.maps.preview import returned_view
from geodata.registry.importer import import_cameras

NEW = "new"
"""Widget-key prefix of the new-camera form."""
DEFAULTS = {"bearing_deg": 0.0, "fov_deg": 90.0, "range_m": 30.0, "camera_type": "bullet"}
"""The new camera's view before the user sets it. It has no position until the user clicks the
map or types one: no real place is offered that could be registered by accident."""
WHOLE_DEGREES = "%.0f"
"""How the direction and angle sliders write their value: whole degrees, with no decimal point
(Streamlit's sliders cannot write the Vietnamese decimal comma)."""


def init_new_camera(state) -> None:
    """Give the new-camera inputs their starting values (once per session, and after each
    registration)."""
    for name, value in {"lat": None, "lon": None, **DEFAULTS}.items():
        if f"{NEW}_{name}" not in state:
            state[f"{NEW}_{name}"] = value


def clear_new_camera(state) -> None:
    """Forget everything typed into the new-camera form (after it was registered), so that a
    second press of the button cannot register the same camera twice."""
    for key in [key for key in state if str(key).startswith(f"{NEW}_")]:
        del state[key]


def preview(state) -> dict | None:
    """The new camera's position and view as entered, for the preview cone; None without a
    position."""
    values = {
        name: state.get(f"{NEW}_{name}")
        for name in ("lat", "lon", "bearing_deg", "fov_deg", "range_m")
    }
    return None if values["lat"] is None or values["lon"] is None else values


def centre(state) -> tuple[float, float] | None:
    """Where to centre the map: the last clicked point, if any."""
    return state.get(f"{NEW}_clicked")


def take_click(state, returned: dict | None) -> bool:
    """Copy a new map click into the latitude/longitude inputs; True when there was one."""
    clicked = (returned or {}).get("last_clicked")
    if not clicked:
        return False
    point = (round(float(clicked["lat"]), 7), round(float(clicked["lng"]), 7))
    if point == state.get(f"{NEW}_clicked"):
        return False
    state[f"{NEW}_clicked"] = point
    state[f"{NEW}_lat"], state[f"{NEW}_lon"] = point
    return True


def map_view(state, key: str, revisions) -> tuple | None:
    """Where the map ``key`` opens when it is drawn at data ``revisions``: where the user left
    the previous map (its last returned centre and zoom) when the data last changed.

    The view is taken once per revision, so the map stays the same from one rerun to the next
    and the browser keeps the user's own zoom between them.
    """
    kept = state.get(f"{key}_view")
    if kept is None or kept[0] != revisions:
        centre, zoom = returned_view(state.get(key))
        kept = (revisions, (centre, zoom) if centre and zoom else None)
        state[f"{key}_view"] = kept
    return kept[1]


def camera_inputs(
    lang: str, *, prefix: str, record: dict | None = None, owner: bool = True
) -> dict:
    """Draw the camera inputs; returns the entered values (camera field → value).

    Numbers are bounded as the registry requires, so only location-dependent checks (ward,
    permissions) can still fail when saving. Each input's first value comes from ``record``
    (or a default) through the session state, which then holds what the user types.
    """
    record = record or {}

    def key(name, fallback=None):
        """The widget key of ``name``, its value seeded from the record (once)."""
        widget_key = f"{prefix}_{name}"
        if widget_key not in st.session_state:
            value = record.get(name)
            missing = value is None or value != value  # NaN is missing too
            st.session_state[widget_key] = fallback if missing else value
        return widget_key

    def label(name):
        return text(f"field.{name}", lang)

    values = {}
    for column, (name, bound) in zip(st.columns(2), (("lat", 90.0), ("lon", 180.0)), strict=True):
        values[name] = column.number_input(
            label(name),
            -bound,
            bound,
            value=None,
            step=0.0001,
            format="%.7f",
            placeholder=text("register.position_placeholder", lang),
            key=key(name),
        )
    values["bearing_deg"] = st.slider(
        text("map.field.bearing_deg", lang),
        0.0,
        359.0,
        step=1.0,
        format=WHOLE_DEGREES,
        key=key("bearing_deg", DEFAULTS["bearing_deg"]),
    )
    values["fov_deg"] = st.slider(
        text("map.field.fov_deg", lang),
        1.0,
        360.0,
        step=1.0,
        format=WHOLE_DEGREES,
        key=key("fov_deg", DEFAULTS["fov_deg"]),
    )
    values["range_m"] = st.number_input(
        text("map.field.range_m", lang),
        1.0,
        500.0,
        step=5.0,
        format="%.0f",
        key=key("range_m", DEFAULTS["range_m"]),
    )
    values["camera_type"] = st.selectbox(
        text("map.field.camera_type", lang),
        CAMERA_TYPES,
        format_func=lambda t: text(f"type.{t}", lang),
        key=key("camera_type", DEFAULTS["camera_type"]),
    )
    if not record:
        values["status"] = st.selectbox(
            text("map.field.status", lang),
            STATUSES,
            format_func=lambda s: text(f"status.{s}", lang),
            key=key("status", "active"),
        )
    with st.expander(text("register.details", lang), expanded=not record):
        house, alley = st.columns(2)
        values["house_number"] = house.text_input(
            label("house_number"), key=key("house_number", "")
        )
        values["alley"] = alley.text_input(label("alley"), key=key("alley", ""))
        values["street"] = st.text_input(label("street"), key=key("street", ""))
        values["external_code"] = st.text_input(
            label("external_code"), key=key("external_code", "")
        )
        height, pixels, days = st.columns(3)
        values["mount_height_m"] = height.number_input(
            label("mount_height_m"), 0.0, 100.0, step=0.5, key=key("mount_height_m", 3.0)
        )
        values["horizontal_px"] = pixels.number_input(
            label("horizontal_px"), 160, 20000, value=None, step=1, key=key("horizontal_px")
        )
        values["retention_days"] = days.number_input(
            label("retention_days"), 0, 3650, key=key("retention_days", 30)
        )
        values["night_vision"] = st.checkbox(label("night_vision"), key=key("night_vision", False))
        values["police_connected"] = st.checkbox(
            label("police_connected"), key=key("police_connected", False)
        )
        values["installed_on"] = st.date_input(
            label("installed_on"), format=date_input_format(lang), key=key("installed_on", None)
        )
        values["notes"] = st.text_area(label("notes"), key=key("notes", ""))
    if owner:
        with st.expander(text("register.owner", lang), expanded=not record):
            values["owner_name"] = st.text_input(label("owner_name"), key=key("owner_name", ""))
            values["owner_phone"] = st.text_input(label("owner_phone"), key=key("owner_phone", ""))
            values["owner_address"] = st.text_input(
                label("owner_address"), key=key("owner_address", "")
            )
            values["consent_share"] = st.checkbox(
                label("consent_share"), key=key("consent_share", False)
            )
            if values["consent_share"]:
                values["consent_share_on"] = st.date_input(
                    label("consent_share_on"),
                    format=date_input_format(lang),
                    key=key("consent_share_on", dt.date.today()),
                )
            values["consent_live"] = st.checkbox(
                label("consent_live"), key=key("consent_live", False)
            )
    return {name: (value if value != "" else None) for name, value in values.items()}


def list_filters(lang: str, ward_names: dict[str, str]) -> dict:
    """Draw the registry table's filters; returns keyword arguments for ``Registry.cameras``."""
    wards, statuses, types, search = st.columns([2, 2, 2, 3])
    chosen_wards = wards.multiselect(
        text("column.ward", lang),
        sorted(ward_names),
        format_func=ward_names.get,
        placeholder=text("ui.choose", lang),
        key="filter_wards",
    )
    chosen_statuses = statuses.multiselect(
        text("map.field.status", lang),
        STATUSES,
        format_func=lambda s: text(f"status.{s}", lang),
        placeholder=text("ui.choose", lang),
        key="filter_statuses",
    )
    chosen_types = types.multiselect(
        text("map.field.camera_type", lang),
        CAMERA_TYPES,
        format_func=lambda t: text(f"type.{t}", lang),
        placeholder=text("ui.choose", lang),
        key="filter_types",
    )
    query = search.text_input(text("register.search", lang), key="filter_text")
    stale = st.checkbox(text("register.unverified_only", lang), key="filter_unverified")
    return {
        "wards": chosen_wards or None,
        "statuses": chosen_statuses or None,
        "types": chosen_types or None,
        "text": query or None,
        "not_verified_since": dt.date.today() - dt.timedelta(days=365) if stale else None,
    }


EDITED_KEY = "edited_camera"
CONFLICT_KEY = "edit_conflict"


def edited_camera(state, picked: dict | None) -> dict | None:
    """The camera picked for editing as it was read when it was picked; None when none is.

    The edit form keeps this copy, and so the version it was read at, while the same camera
    stays picked: when someone else saves it meanwhile (in this app process or another), this
    user's save conflicts and says so, instead of the form quietly taking the other's values
    and a save going through without this user's changes. :func:`apply_action` lets the copy
    go once an action is done or conflicts, so the next run shows the camera as it is now.
    """
    kept = state.get(EDITED_KEY)
    if picked is None or (kept is not None and kept["id"] != picked["id"]):
        state.pop(EDITED_KEY, None)
        state.pop(CONFLICT_KEY, None)
        kept = None
    if picked is not None and kept is None:
        kept = state[EDITED_KEY] = picked
    return kept


def edit_conflict(state) -> ConflictError | None:
    """The conflict that refused the last action on the edited camera, kept until an action on
    it is done or another camera is picked.

    A rerun (the next widget touched, or the map drawn anew with the other's change) would
    otherwise take the message away while the form shows the camera as it is now.
    """
    return state.get(CONFLICT_KEY)


def apply_action(
    registry, actor, record: dict, actions: dict, changes: dict, status: str
) -> str | None:
    """Run the edit action whose button was pressed on ``record`` (as :func:`edited_camera`
    keeps it); returns the catalogue key of the result.

    A conflict (the camera was saved by someone else since it was picked) is not raised: it
    is kept for :func:`edit_conflict`, and the camera is read anew on the next run.
    """
    try:
        done = _applied(registry, actor, record, actions, changes, status)
    except ConflictError as error:
        st.session_state.pop(EDITED_KEY, None)
        st.session_state[CONFLICT_KEY] = error
        return None
    if done:
        st.session_state.pop(EDITED_KEY, None)
        st.session_state.pop(CONFLICT_KEY, None)
    return done


def _applied(registry, actor, record: dict, actions: dict, changes: dict, status: str):
    camera_id, version = int(record["id"]), int(record["version"])
    if actions["save"]:
        registry.update(actor, camera_id, changes, expected_version=version)
        return "register.saved"
    if actions["verify"]:
        registry.verify(actor, camera_id, expected_version=version)
        return "register.verified"
    if actions["status"]:
        registry.set_status(actor, camera_id, status, expected_version=version)
        return "register.status_set"
    if actions["delete"]:
        registry.delete(actor, camera_id, expected_version=version, reason="deleted in the app")
        return "register.deleted"
    return None


def list_key(filters: dict, camera_ids) -> str:
    """The registry list's widget key: its filters and the cameras it shows, in order.

    Streamlit keeps a table's selection as row positions; a new key whenever the filters or
    the listed cameras change drops a selection that would now point at another camera.
    """
    shown = (sorted(filters.items()), tuple(int(i) for i in camera_ids))
    return "camera_table_" + hashlib.sha1(repr(shown).encode()).hexdigest()[:12]


PAGE_ROWS = 500
"""The registry list shows this many cameras at a time (a city's tens of thousands would make
every rerun slow and the page heavy)."""


def list_page(table, lang: str, *, key: str = "list_page"):
    """The rows of ``table`` on the page the user chose (a page chooser is drawn when there
    is more than one), with a line saying which cameras are shown of how many."""
    count = len(table)
    pages = max(1, -(-count // PAGE_ROWS))
    if pages == 1:
        st.caption(text("register.count", lang, count=count))
        return table
    page = st.number_input(
        text("register.page", lang), min_value=1, max_value=pages, value=1, step=1, key=key
    )
    first = (int(page) - 1) * PAGE_ROWS
    shown = table.iloc[first : first + PAGE_ROWS]
    st.caption(
        text("register.showing", lang, first=first + 1, last=first + len(shown), count=count)
    )
    return shown


def picked_camera(table, rows: list[int]) -> dict | None:
    """The camera picked in the registry table (the table as shown, by row); None when nothing
    is picked or the row is no longer there."""
    if not rows or not 0 <= rows[0] < len(table):
        return None
    return table.iloc[rows[0]].to_dict()


IMPORT_CHECK_KEY = "import_check"
IMPORT_ROUND_KEY = "import_round"


def import_upload_key() -> str:
    """The uploader's key: a new one after each import, so the imported file is let go."""
    return f"import_file_{st.session_state.get(IMPORT_ROUND_KEY, 0)}"


def checked_import(registry, actor, upload):
    """The dry run of an uploaded list, done once per uploaded file (not on every rerun).

    The session keeps only its :meth:`~geodata.registry.importer.ImportResult.preview`: counts,
    notes and the first rejected rows, not every row of the list.
    """
    kept = st.session_state.get(IMPORT_CHECK_KEY)
    if kept is None or kept[0] != upload.file_id:
        upload.seek(0)
        kept = (upload.file_id, import_cameras(registry, actor, upload, dry_run=True).preview())
        st.session_state[IMPORT_CHECK_KEY] = kept
    return kept[1]


def rejected_download(registry, actor, upload, lang: str):
    """A function giving the rejected rows of an uploaded list as CSV, for a download button:
    the list is checked again when the file is asked for, as the session keeps no rows."""

    def rejected_rows() -> bytes:
        return import_cameras(registry, actor, upload, dry_run=True).rejected_file(lang)

    return rejected_rows


def forget_import_check() -> None:
    """Drop the kept dry run and the uploaded file (after the list was imported)."""
    st.session_state.pop(IMPORT_CHECK_KEY, None)
    st.session_state[IMPORT_ROUND_KEY] = st.session_state.get(IMPORT_ROUND_KEY, 0) + 1
