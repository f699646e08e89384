"""Tổng quan (overview): headline coverage figures, the coverage map and data warnings."""

import streamlit as st
from streamlit_folium import st_folium

from geodata import appstate
from geodata.demo import DEMO_LABEL
from geodata.errors import USER_ERRORS
from geodata.i18n import text
from geodata.views import overview_figures, ward_health

lang, actor = appstate.page_setup("app.title")
st.title(text("app.title", lang))
st.caption(text("app.subtitle", lang))

try:
    with st.spinner(text("app.loading", lang)):
        summary = appstate.current_summary(actor)
        fmap = appstate.current_map(actor, lang)
except USER_ERRORS as error:
    st.error(f"{text('error.heading', lang)}: {error}")
    st.stop()

dataset = summary.dataset
if dataset.is_demo:
    st.info(text("app.demo_notice", lang, label=DEMO_LABEL))

figures = list(overview_figures(summary).items())
for row in (figures[:3], figures[3:]):
    for column, (key, value) in zip(st.columns(3), row, strict=True):
        column.metric(text(key, lang, min_m=f"{summary.gap_min_m:g}"), value)

st.subheader(text("map.heading", lang))
st_folium(fmap, returned_objects=[], use_container_width=True, height=620, key="overview_map")

st.subheader(text("health.heading", lang))
warnings = ward_health(summary, lang)
if warnings:
    for line in warnings:
        st.warning(line)
else:
    st.success(text("health.none", lang))
