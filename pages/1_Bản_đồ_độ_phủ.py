"""Bản đồ độ phủ (coverage map): wards, cameras and what they see, key routes, hotspots, gaps;
at any detail or at one detail tier."""

import streamlit as st
from streamlit_folium import st_folium

from geodata.i18n import text
from geodata.ui import appstate

with appstate.page("map.page_title") as (lang, actor):
    st.title(text("map.page_title", lang))
    boundary_set = appstate.boundary_set_choice(actor, lang, key="map_boundary_set")
    with appstate.loading(lang):
        dataset = appstate.current_dataset(actor, boundary_set)
    ward_names = sorted(dataset.wards["ward_name"])
    chosen = st.multiselect(
        text("map.ward_filter" if actor.sees_all_wards else "map.ward_filter_own", lang),
        ward_names,
        placeholder=text("ui.choose", lang),
        key=f"map_wards_{boundary_set}",
    )
    tier = appstate.tier_switch(lang, key="map_tier")
    with appstate.loading(lang):
        appstate.no_key_route(dataset, lang)
        fmap = appstate.current_map(
            actor, lang, wards=tuple(chosen), tier=tier, boundary_set=boundary_set
        )
    st.caption(text("map.hint", lang))
    st_folium(fmap, returned_objects=[], use_container_width=True, height=720, key="coverage_map")
