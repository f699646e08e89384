"""Bản đồ độ phủ (coverage map): wards, cameras and what they see, key routes, hotspots, gaps;
at any detail or at one detail tier."""

import streamlit as st
from streamlit_folium import st_folium

from geodata.i18n import text
from geodata.ui import appstate

with appstate.page("map.page_title") as (lang, actor):
    st.title(text("map.page_title", lang))
    ward_names = sorted(appstate.registry().ward_names().values())
    chosen = st.multiselect(
        text("map.ward_filter", lang),
        ward_names,
        placeholder=text("ui.choose", lang),
        key="map_wards",
    )
    tier = appstate.tier_switch(lang, key="map_tier")
    with appstate.loading(lang):
        appstate.no_key_route(appstate.current_dataset(actor), lang)
        fmap = appstate.current_map(actor, lang, wards=tuple(chosen), tier=tier)
    st.caption(text("map.hint", lang))
    st_folium(fmap, returned_objects=[], use_container_width=True, height=720, key="coverage_map")
