"""Đăng ký camera (register): place a camera on the map, edit the registry, import a list."""

import streamlit as st
from streamlit_folium import st_folium

from geodata.errors import USER_ERRORS
from geodata.i18n import text
from geodata.maps.cameratiles import app_tile_store
from geodata.maps.preview import preview_layer
from geodata.maps.webmap import registration_map
from geodata.registry.importer import import_cameras
from geodata.reports import views
from geodata.ui import appstate, forms

with appstate.page("register.title") as (lang, actor):
    st.title(text("register.title", lang))
    registry = appstate.registry()
    new_tab, list_tab, import_tab = st.tabs(
        [
            text("register.tab_new", lang),
            text("register.tab_list", lang),
            text("register.tab_import", lang),
        ]
    )

    with new_tab:
        forms.init_new_camera(st.session_state)
        map_column, form_column = st.columns([3, 2])
        dataset = appstate.current_dataset(actor)
        with map_column:
            st.caption(text("register.click_hint", lang))
            # The map itself stays the same between reruns (so it keeps the user's zoom); the
            # preview cone travels as a layer of its own; drawn anew (a camera was registered),
            # it opens where the user left it.
            view = forms.map_view(st.session_state, "register_map", appstate.revision())
            clicked = st_folium(
                registration_map(
                    dataset,
                    lang=lang,
                    wards=actor.wards,
                    view=view,
                    tile_store=app_tile_store(),
                ),
                feature_group_to_add=preview_layer(
                    forms.preview(st.session_state), dataset.crs, lang=lang
                ),
                returned_objects=["last_clicked", "zoom", "center"],
                use_container_width=True,
                height=560,
                key="register_map",
            )
            if forms.take_click(st.session_state, clicked):
                st.rerun()
        with form_column:
            values = forms.camera_inputs(lang, prefix="new", owner=actor.sees_owners)
            if st.button(
                text("register.submit", lang),
                type="primary",
                key="register_submit",
                disabled=actor.role == "viewer",
            ):
                if values["lat"] is None or values["lon"] is None:
                    st.error(text("register.position_missing", lang))
                else:
                    try:
                        record = registry.register(actor, values)
                    except USER_ERRORS as error:
                        appstate.show_error(error, lang)
                    else:
                        forms.clear_new_camera(st.session_state)
                        appstate.flash(
                            "register.done",
                            id=record["id"],
                            ward=record["ward_name"] or text("ward.outside", lang),
                        )
                        st.rerun()

    with list_tab:
        filters = forms.list_filters(lang, registry.ward_names())
        table = forms.list_page(appstate.listed_cameras(actor, filters), lang)
        picked = st.dataframe(
            views.styled(views.camera_list(table, lang), lang, plain=(text("list.id", lang),)),
            hide_index=True,
            width="stretch",
            on_select="rerun",
            selection_mode="single-row",
            key=forms.list_key(filters, table["id"]),
        )
        record = forms.edited_camera(
            st.session_state, forms.picked_camera(table, picked.selection.rows if picked else [])
        )
        if record is not None:
            st.subheader(text("register.edit_heading", lang, id=record["id"]))
            changes = forms.camera_inputs(
                lang,
                prefix=f"edit{record['id']}v{record['version']}",
                record=record,
                owner=actor.sees_owners,
            )
            save, verify, status_column, delete = st.columns(4)
            status = status_column.selectbox(
                text("map.field.status", lang),
                options=["active", "broken", "removed"],
                index=["active", "broken", "removed"].index(record["status"]),
                format_func=lambda s: text(f"status.{s}", lang),
                key=f"status{record['id']}",
            )
            actions = {
                "save": save.button(text("register.save", lang), key="save"),
                "verify": verify.button(text("register.verify", lang), key="verify"),
                "status": status_column.button(text("register.set_status", lang), key="set_status"),
                "delete": delete.button(text("register.delete", lang), key="delete"),
            }
            try:
                message = forms.apply_action(registry, actor, record, actions, changes, status)
            except USER_ERRORS as error:
                appstate.show_error(error, lang)
            else:
                if message:
                    appstate.flash(message, id=record["id"])
                    st.rerun()
            conflict = forms.edit_conflict(st.session_state)
            if conflict is not None:
                appstate.show_error(conflict, lang)

    with import_tab:
        st.caption(text("import.hint", lang))
        upload = st.file_uploader(
            text("import.upload", lang), type=["csv", "xlsx"], key=forms.import_upload_key()
        )
        if upload is not None:
            try:
                with st.spinner(text("import.checking", lang)):
                    preview = forms.checked_import(registry, actor, upload)
            except USER_ERRORS as error:
                appstate.show_error(error, lang)
                st.stop()
            st.info(
                text("import.preview", lang, accepted=preview.accepted, rejected=preview.rejected)
            )
            if preview.rows:
                st.dataframe(
                    views.styled(views.import_preview(preview, lang), lang),
                    hide_index=True,
                    width="stretch",
                )
            for note in preview.notes:
                st.caption(views.literal(note.render(lang)))
            if preview.rejected:
                st.download_button(
                    text("import.download_rejected", lang),
                    data=forms.rejected_download(registry, actor, upload, lang),
                    file_name=f"rejected-{upload.name.rsplit('.', 1)[0]}.csv",
                    mime="text/csv",
                    on_click="ignore",
                    key="download_rejected",
                )
            if preview.accepted and st.button(
                text("import.confirm", lang, count=preview.accepted),
                type="primary",
                key="import_confirm",
            ):
                try:
                    upload.seek(0)
                    progress = st.progress(0.0)
                    done = import_cameras(registry, actor, upload, progress=progress.progress)
                except USER_ERRORS as error:
                    appstate.show_error(error, lang)
                else:
                    forms.forget_import_check()
                    appstate.flash("import.done", accepted=done.accepted, rejected=done.rejected)
                    st.rerun()
