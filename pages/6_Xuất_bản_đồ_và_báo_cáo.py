"""Xuất bản đồ & báo cáo (exports): maps and reports for meetings, to download."""

import datetime as dt
import tempfile
from pathlib import Path

import streamlit as st

from geodata.errors import USER_ERRORS
from geodata.i18n import date_input_format, text
from geodata.maps.papersizes import SIZES
from geodata.registry import campaigns
from geodata.reports.formats import FORMATS
from geodata.reports.meetingexport import export_for_meeting
from geodata.ui import appstate

MIME = {
    "png": "image/png",
    "pdf": "application/pdf",
    "html": "text/html",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

with appstate.page("export.title") as (lang, actor):
    st.title(text("export.title", lang))
    registry = appstate.registry()
    boundary_set = appstate.boundary_set_choice(actor, lang, key="export_boundary_set")
    with appstate.loading(lang):
        summary = appstate.current_summary(actor, boundary_set=boundary_set)
    appstate.no_key_route(summary.dataset, lang)

    wards_shown = summary.dataset.wards
    ward_names = dict(zip(wards_shown["ward_code"], wards_shown["ward_name"], strict=True))
    listed = campaigns.campaigns(registry, actor)
    campaign_names = dict(zip(listed["id"], listed["name"], strict=True))
    left, right = st.columns(2)
    wards = left.multiselect(
        text("export.wards", lang),
        sorted(ward_names),
        format_func=lambda code: ward_names[code],
        placeholder=text(
            "export.whole_district" if actor.sees_all_wards else "export.whole_district_own", lang
        ),
        key=f"export_wards_{boundary_set}",
    )
    fmt = left.radio(
        text("export.format", lang),
        FORMATS,
        format_func=lambda f: text(f"export.format.{f}", lang),
        key="export_format",
    )
    size = left.radio(
        text("export.size", lang),
        tuple(SIZES),
        format_func=lambda s: text(f"export.size.{s}", lang),
        horizontal=True,
        disabled=fmt != "png",
        key="export_size",
    )
    campaign_id = right.selectbox(
        text("export.campaign", lang),
        [None, *campaign_names],
        format_func=lambda c: text("export.no_campaign", lang) if c is None else campaign_names[c],
        key="export_campaign",
    )
    when = right.date_input(
        text("export.date", lang),
        dt.date.today(),
        format=date_input_format(lang),
        key="export_date",
    )
    with_owner = False
    purpose = ""
    if fmt == "xlsx" and actor.sees_owners:
        with_owner = right.checkbox(text("export.with_owner", lang), key="export_owner")
        if with_owner:
            purpose = right.text_input(text("export.purpose", lang), key="export_purpose")

    st.caption(text("export.preview", lang))
    preview = appstate.map_preview(actor, lang, when, wards, campaign_id, boundary_set)
    st.image(preview, width="stretch")

    options = (boundary_set, tuple(wards), fmt, size, campaign_id, when, with_owner, purpose)
    if st.button(text("export.make", lang), type="primary", key="export_make"):
        bar = st.progress(0.0, text=text("export.making", lang))
        try:
            with tempfile.TemporaryDirectory(prefix="cctv-export-") as folder:
                path = Path(folder) / f"ban_do_do_phu.{fmt}"
                export_for_meeting(
                    registry,
                    actor,
                    path,
                    fmt=fmt,
                    lang=lang,
                    when=when,
                    wards=tuple(wards),
                    size=size,
                    campaign_id=int(campaign_id) if campaign_id else None,
                    with_owner=with_owner,
                    purpose=purpose,
                    summary=summary,
                    boundary_set=boundary_set,
                    progress=lambda fraction: bar.progress(
                        fraction, text=text("export.making", lang)
                    ),
                )
                st.session_state["export_file"] = (options, path.name, path.read_bytes(), MIME[fmt])
        except USER_ERRORS as error:
            appstate.show_error(error, lang)
        bar.empty()

    made = st.session_state.get("export_file")
    if made and made[0] == options:  # a file made with other choices is not offered
        _, name, data, mime = made
        st.download_button(
            text("export.download", lang, name=name),
            data=data,
            file_name=name,
            mime=mime,
            key="export_download",
        )
