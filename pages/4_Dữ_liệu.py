"""Dữ liệu (data): replace ward boundaries, roads or hotspots; choose the key routes."""

import streamlit as st

from geodata import appstate, layers, layerstore
from geodata.errors import USER_ERRORS
from geodata.i18n import text
from geodata.loadreport import LoadReport

LOADERS = {"wards": layers.load_wards, "roads": layers.load_roads, "hotspots": layers.load_hotspots}

lang, actor = appstate.page_setup("data.title")
st.title(text("data.title", lang))
if actor.role != "district":
    st.warning(text("data.district_only", lang))
    st.stop()

area = appstate.area(layerstore.revision())
st.caption(
    text(
        "data.current",
        lang,
        name=area.name,
        wards=len(area.wards),
        roads=len(area.roads),
        hotspots=len(area.hotspots),
    )
)

for name, loader in LOADERS.items():
    with st.expander(text(f"data.{name}", lang)):
        upload = st.file_uploader(
            text("data.upload", lang),
            type=["geojson", "json", "gpkg", "zip", "kml", "shp"],
            key=f"upload_{name}",
        )
        stated_crs = st.text_input(text("data.crs", lang), key=f"crs_{name}")
        if upload is not None and st.button(text("data.load", lang), key=f"load_{name}"):
            report = LoadReport()
            try:
                frame = loader(upload, crs=stated_crs or None, working=area.crs, report=report)
                layerstore.save_layer(name, frame)
                if name == "wards":
                    moved = appstate.registry().replace_wards(
                        actor, frame, boundary_set=upload.name
                    )
                    st.info(text("data.wards_moved", lang, count=moved))
            except USER_ERRORS as error:
                st.error(f"{text('error.heading', lang)}: {error}")
            else:
                st.success(text("data.loaded", lang, count=len(frame), file=upload.name))
            for line in report.lines():
                st.warning(line)

st.subheader(text("data.key_routes", lang))
names = sorted(n for n in area.roads["road_name"].unique() if n)
chosen = st.multiselect(
    text("data.key_routes_pick", lang),
    names,
    default=[n for n in area.key_routes if n in names],
    placeholder=text("ui.choose", lang),
    key="key_routes",
)
if st.button(text("data.save_key_routes", lang), key="save_key_routes"):
    layerstore.save_key_routes(chosen)
    st.success(text("data.key_routes_saved", lang, count=len(chosen)))

st.subheader(text("data.reset_heading", lang))
if st.button(text("data.reset", lang), key="reset_layers"):
    layerstore.reset()
    appstate.restore_demo_wards(actor)
    st.success(text("data.reset_done", lang))
