"""Độ phủ & điểm mù (coverage and gaps): per-route, per-ward and hotspot tables, the gap list."""

import json

import streamlit as st
from streamlit_folium import st_folium

from geodata import appstate, views
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
with appstate.loading(lang):
    summary = appstate.current_summary(actor, float(gap_min_m))

routes = views.route_table(summary, lang)
wards = views.ward_table(summary, lang)
share = text("column.share_pct", lang)
st.subheader(text("table.routes", lang))
left, right = st.columns([3, 2])
left.dataframe(routes, hide_index=True, width="stretch")
right.caption(text("chart.route_share", lang))
right.bar_chart(routes.set_index(text("column.route", lang))[share], horizontal=True)
st.subheader(text("table.wards", lang))
left, right = st.columns([3, 2])
left.dataframe(wards, hide_index=True, width="stretch")
right.caption(text("chart.ward_share", lang))
right.bar_chart(wards.set_index(text("column.ward", lang))[share], horizontal=True)

st.subheader(text("table.hotspots", lang))
st.dataframe(views.hotspot_table(summary, lang), hide_index=True, width="stretch")

st.subheader(text("table.gaps", lang))
st.caption(text("coverage.zoom_hint", lang))
gaps = views.gap_table(summary, lang)
picked = st.dataframe(
    gaps,
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key="gap_table",
)
rows = picked.selection.rows if picked else []
if rows:
    gap = gaps.iloc[rows[0]]
    focus = (float(gap[text("column.lat", lang)]), float(gap[text("column.lon", lang)]))
    st_folium(
        appstate.current_map(actor, lang, float(gap_min_m), focus=focus),
        returned_objects=[],
        use_container_width=True,
        height=480,
        key="gap_map",
    )

st.download_button(
    text("coverage.download_json", lang),
    data=json.dumps(summary.to_json(), ensure_ascii=False, indent=2),
    file_name="coverage-report.json",
    mime="application/json",
    key="download_json",
)
