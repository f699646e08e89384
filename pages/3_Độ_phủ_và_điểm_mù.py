"""Độ phủ & điểm mù (coverage and gaps): per-route, per-ward and hotspot tables, the gap list;
at any detail or at one detail tier ("where can faces not be identified")."""

import json

import streamlit as st
from streamlit_folium import st_folium

from geodata.i18n import text
from geodata.reports import views
from geodata.ui import appstate

with appstate.page("coverage.page_title") as (lang, actor):
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
    tier = appstate.tier_switch(lang, key="coverage_tier")
    boundary_set = appstate.boundary_set_choice(actor, lang, key="coverage_boundary_set")
    with appstate.loading(lang):
        everything = appstate.current_summary(actor, float(gap_min_m), boundary_set)
        summary = everything.seen_at(tier)

    st.subheader(text("table.tiers", lang))
    st.dataframe(views.styled(views.tier_table(everything, lang), lang), hide_index=True)
    st.caption(views.literal(views.assumed_note(everything, lang)))

    share = text("column.share_pct", lang)
    measured = (
        ()
        if appstate.no_key_route(summary.dataset, lang)
        else (
            ("table.routes", "chart.route_share", views.route_table(summary, lang), "column.route"),
            ("table.wards", "chart.ward_share", views.ward_table(summary, lang), "column.ward"),
        )
    )
    for heading, chart_caption, table, label in measured:
        st.subheader(text(heading, lang))
        st.dataframe(views.styled(table, lang), hide_index=True, width="stretch")
        st.caption(text(chart_caption, lang))
        st.altair_chart(views.share_bars(table, text(label, lang), share, lang), width="stretch")

    st.subheader(text("table.hotspots", lang))
    st.dataframe(
        views.styled(views.hotspot_table(summary, lang), lang), hide_index=True, width="stretch"
    )

    st.subheader(text("table.gaps", lang))
    st.caption(text("coverage.zoom_hint", lang))
    gaps = views.gap_table(summary, lang)
    picked = st.dataframe(
        views.styled(gaps, lang),
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key="gap_table",
    )
    rows = picked.selection.rows if picked else []
    if rows and rows[0] < len(gaps):
        st_folium(
            appstate.current_map(
                actor, lang, float(gap_min_m), gap=rows[0], tier=tier, boundary_set=boundary_set
            ),
            returned_objects=[],
            use_container_width=True,
            height=480,
            key="gap_map",
        )

    st.download_button(
        text("coverage.download_json", lang),
        data=json.dumps(everything.with_gaps_at(tier).to_json(), ensure_ascii=False, indent=2),
        file_name="coverage-report.json",
        mime="application/json",
        key="download_json",
    )
