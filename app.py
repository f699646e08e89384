"""Tổng quan (overview): headline figures, the coverage map, wards, and data warnings."""

import streamlit as st
from streamlit_folium import st_folium

from geodata import appstate, views
from geodata.demo import DEMO_LABEL
from geodata.i18n import text

lang, actor = appstate.page_setup("app.title")
st.title(text("app.title", lang))
st.caption(text("app.subtitle", lang))

with appstate.loading(lang):
    summary = appstate.current_summary(actor)
    cameras = appstate.camera_table(actor)
    fmap = appstate.current_map(actor, lang)

if summary.dataset.is_demo:
    st.info(text("app.demo_notice", lang, label=DEMO_LABEL))

health = views.camera_health(cameras)
figures = list(views.overview_figures(summary, health).items())
for row in (figures[:4], figures[4:]):
    for column, (key, value) in zip(st.columns(4), row, strict=True):
        column.metric(text(key, lang, min_m=f"{summary.gap_min_m:g}"), value)

st.subheader(text("map.heading", lang))
st_folium(fmap, returned_objects=[], use_container_width=True, height=620, key="overview_map")

st.subheader(text("table.ward_overview", lang))
wards = views.ward_overview(summary, cameras, lang)
left, right = st.columns([3, 2])
left.dataframe(wards, hide_index=True, width="stretch")
right.caption(text("chart.ward_share", lang))
right.bar_chart(
    wards.set_index(text("column.ward", lang))[text("column.share_pct", lang)], horizontal=True
)

st.subheader(text("health.heading", lang))
warnings = views.health_warnings(summary, health, lang)
for line in warnings:
    st.warning(line)
if not warnings:
    st.success(text("health.none", lang))
