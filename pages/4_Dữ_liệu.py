"""Dữ liệu (data): replace ward boundaries, roads, hotspots or buildings; choose the key routes."""

import streamlit as st
from streamlit_folium import st_folium

from geodata.errors import USER_ERRORS
from geodata.i18n import date_input_format, text
from geodata.layers.dataset import LAYER_LOADERS, refuse_losing_key_routes
from geodata.layers.demo import shared_demo
from geodata.layers.loadreport import LoadReport
from geodata.maps import hotspotdraw
from geodata.maps.webmap import hotspot_drawing_map
from geodata.registry import arealayers, boundaries
from geodata.reports import views
from geodata.ui import appstate

with appstate.page("data.title") as (lang, actor):
    st.title(text("data.title", lang))
    if actor.role != "district":
        st.warning(text("data.district_only", lang))
        st.stop()

    registry = appstate.registry()
    area = appstate.area(appstate.layer_revision())
    appstate.no_key_route(area, lang)
    st.caption(
        views.literal(
            text(
                "data.current",
                lang,
                name=area.name,
                wards=len(area.wards),
                roads=len(area.roads),
                hotspots=len(area.hotspots),
                buildings=0 if area.buildings is None else len(area.buildings),
            )
        )
    )

    for name, loader in LAYER_LOADERS.items():
        with st.expander(text(f"data.{name}", lang)):
            upload = st.file_uploader(
                text("data.upload", lang),
                type=["geojson", "json", "gpkg", "zip", "kml", "shp"],
                key=f"upload_{name}",
            )
            stated_crs = st.text_input(text("data.crs", lang), key=f"crs_{name}")
            anyway = name == "roads" and st.checkbox(
                text("data.save_anyway", lang), key="save_roads_anyway"
            )
            if name == "wards":
                set_name = st.text_input(
                    text("data.sets.name", lang),
                    placeholder=text("data.sets.name_hint", lang),
                    key="wards_set_name",
                )
                valid_from = st.date_input(
                    text("data.sets.valid_from", lang),
                    value=None,
                    format=date_input_format(lang),
                    key="wards_valid_from",
                )
                make_current = st.checkbox(
                    text("data.sets.make_current", lang), value=True, key="wards_make_current"
                )
            if upload is not None and st.button(text("data.load", lang), key=f"load_{name}"):
                report = LoadReport()
                try:
                    frame = loader(upload, crs=stated_crs or None, working=area.crs, report=report)
                    if name == "roads" and not anyway:
                        refuse_losing_key_routes(frame, area.key_routes, file=upload.name)
                    if name == "wards":
                        moved = arealayers.save_wards(
                            registry,
                            actor,
                            frame,
                            boundary_set=set_name.strip() or upload.name,
                            valid_from=valid_from,
                            current=make_current,
                        )
                        st.info(text("data.wards_moved", lang, count=moved))
                    else:
                        arealayers.save_layer(registry, actor, name, frame)
                except USER_ERRORS as error:
                    appstate.show_error(error, lang)
                else:
                    st.success(
                        views.literal(text("data.loaded", lang, count=len(frame), file=upload.name))
                    )
                for line in report.lines(lang):
                    st.warning(views.literal(line))

    st.subheader(text("data.sets.heading", lang))
    st.caption(text("data.sets.help", lang))
    sets = registry.boundary_sets()
    st.dataframe(views.styled(views.boundary_set_table(sets, lang), lang), hide_index=True)
    if len(sets) > 1:
        names = list(sets["name"])
        picked_set = st.selectbox(
            text("data.sets.pick", lang),
            names,
            index=names.index(registry.current_boundary_set()),
            key="current_boundary_set",
        )
        if st.button(text("data.sets.use", lang), key="use_boundary_set"):
            try:
                moved = registry.use_boundary_set(actor, picked_set)
            except USER_ERRORS as error:
                appstate.show_error(error, lang)
            else:
                appstate.flash("data.sets.used", name=picked_set, count=moved)
                st.rerun()
    changes = boundaries.scope_changes(registry, actor)
    if len(changes):
        st.warning(
            text(
                "data.scopes.stale",
                lang,
                count=changes["user"].nunique(),
                users=", ".join(sorted(set(changes["user"]))),
            )
        )
        current_names = registry.ward_names()
        mapping = {}
        for row in changes.drop_duplicates("ward_code").itertuples():
            mapping[row.ward_code] = st.multiselect(
                text("data.scopes.new_wards", lang, code=row.ward_code, name=row.ward_name),
                sorted(current_names),
                default=row.suggested,
                format_func=lambda code: f"{code} — {current_names[code]}",
                placeholder=text("ui.choose", lang),
                key=f"scope_{row.ward_code}",
            )
        if st.button(text("data.scopes.apply", lang), key="map_scopes"):
            chosen_map = {old: new for old, new in mapping.items() if new}
            try:
                changed = registry.map_scopes(actor, chosen_map)
            except USER_ERRORS as error:
                appstate.show_error(error, lang)
            else:
                appstate.flash("data.scopes.done", users=changed, wards=len(chosen_map))
                st.rerun()

    st.subheader(text("data.draw.heading", lang))
    st.caption(text("data.draw.help", lang))
    drawing = st_folium(
        hotspot_drawing_map(area, lang=lang),
        returned_objects=["all_drawings"],
        use_container_width=True,
        height=520,
        key=f"hotspot_drawing_{appstate.layer_revision()}",
    )
    shapes = hotspotdraw.drawn_table(
        area.hotspots,
        (drawing or {}).get("all_drawings"),
        new_name=text("data.draw.new_name", lang),
    )
    if len(shapes) == 0:
        st.info(text("data.draw.none", lang))
    named = st.data_editor(
        shapes.drop(columns="geometry"),
        column_config={
            "hotspot_name": text("column.hotspot", lang),
            "hotspot_kind": text("column.hotspot_kind", lang),
            "weight": st.column_config.NumberColumn(text("column.weight", lang), min_value=0.1),
            "area_ha": text("column.area_ha", lang),
        },
        disabled=["area_ha"],
        hide_index=True,
        width="stretch",
        key=f"hotspot_names_{hotspotdraw.fingerprint(shapes)}",
    )
    if st.button(text("data.draw.save", lang), key="save_drawn_hotspots"):
        report = LoadReport()
        try:
            edited = shapes.assign(**{name: named[name].to_numpy() for name in hotspotdraw.COLUMNS})
            frame = hotspotdraw.hotspots_from_table(edited, working=area.crs, report=report)
            arealayers.save_layer(registry, actor, "hotspots", frame)
        except USER_ERRORS as error:
            appstate.show_error(error, lang)
        else:
            st.success(text("data.draw.saved", lang, count=len(frame)))
        for line in report.lines(lang):
            st.warning(views.literal(line))

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
        arealayers.save_key_routes(registry, actor, chosen)
        st.success(text("data.key_routes_saved", lang, count=len(chosen)))

    st.subheader(text("data.reset_heading", lang))
    if st.button(text("data.reset", lang), key="reset_layers"):
        arealayers.reset(registry, actor, shared_demo())
        st.success(text("data.reset_done", lang))
