"""Độ phủ & điểm mù (coverage and gaps): per-route, per-ward and hotspot tables, the gap list."""

import json

import streamlit as st

from geodata import appstate, views
from geodata.errors import USER_ERRORS
from geodata.i18n import text

lang, actor = appstate.page_setup("coverage.page_title")
st.title(text("coverage.page_title", lang))

gap_min_m = st.number_input(
    text("coverage.gap_min", lang),
    min_value=5.0,
    max_value=2000.0,
    value=appstate.GAP_MIN_M,
    step=10.0,
    format="%.0f",
    key="gap_min_m",
)
try:
    with st.spinner(text("app.loading", lang)):
        summary = appstate.current_summary(actor, float(gap_min_m))
except USER_ERRORS as error:
    st.error(f"{text('error.heading', lang)}: {error}")
    st.stop()

st.subheader(text("table.routes", lang))
st.dataframe(views.route_table(summary, lang), hide_index=True, use_container_width=True)
st.subheader(text("table.wards", lang))
st.dataframe(views.ward_table(summary, lang), hide_index=True, use_container_width=True)

st.subheader(text("table.hotspots", lang))
st.dataframe(views.hotspot_table(summary, lang), hide_index=True, use_container_width=True)

st.subheader(text("table.gaps", lang))
st.dataframe(views.gap_table(summary, lang), hide_index=True, use_container_width=True)

st.download_button(
    text("coverage.download_json", lang),
    data=json.dumps(summary.to_json(), ensure_ascii=False, indent=2),
    file_name="coverage-report.json",
    mime="application/json",
    key="download_json",
)
