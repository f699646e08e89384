"""Tổng quan (overview): headline figures, the coverage map, wards, and data warnings."""

import streamlit as st
from streamlit_folium import st_folium

from geodata.i18n import text
from geodata.reports import views
from geodata.ui import appstate

with appstate.page("app.title") as (lang, actor):
    st.title(text("app.title", lang))
    st.caption(text("app.subtitle", lang))

    with appstate.loading(lang):
        summary = appstate.current_summary(actor)
        cameras = appstate.camera_table(actor)
        fmap = appstate.current_map(actor, lang)

    if summary.dataset.is_demo:
        st.info(text("app.demo_notice", lang))
    appstate.no_key_route(summary.dataset, lang)

    health = views.camera_health(cameras)
    appstate.figures(
        {
            text(key, lang, min_m=summary.gap_min_m): value
            for key, value in views.overview_figures(summary, health, lang).items()
        }
    )

    st.subheader(text("map.heading", lang))
    st_folium(fmap, returned_objects=[], use_container_width=True, height=620, key="overview_map")

    st.subheader(text("table.ward_overview", lang))
    wards = views.ward_overview(summary, cameras, lang)
    st.dataframe(views.styled(wards, lang), hide_index=True, width="stretch")
    st.caption(text("chart.ward_share", lang))
    st.altair_chart(
        views.share_bars(wards, text("column.ward", lang), text("column.share_pct", lang), lang),
        width="stretch",
    )

    st.subheader(text("health.heading", lang))
    warnings = views.health_warnings(summary, health, lang)
    for line in warnings:
        st.warning(views.literal(line))
    if not warnings:
        st.success(text("health.none", lang))
