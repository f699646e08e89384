"""Đăng ký camera (register): place a camera on the map, edit the registry, import a list."""

import streamlit as st
from streamlit_folium import st_folium

from geodata import appstate, forms, views
from geodata.errors import USER_ERRORS
from geodata.i18n import text
from geodata.importer import import_cameras
from geodata.webmap import registration_map

lang, actor = appstate.page_setup("register.title")
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
    with map_column:
        st.caption(text("register.click_hint", lang))
        clicked = st_folium(
            registration_map(
                appstate.current_dataset(actor),
                forms.preview(st.session_state),
                lang=lang,
                centre=forms.centre(st.session_state),
            ),
            returned_objects=["last_clicked"],
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
            try:
                record = registry.register(actor, values)
            except USER_ERRORS as error:
                st.error(views.error_text(error, lang))
            else:
                st.success(
                    text(
                        "register.done",
                        lang,
                        id=record["id"],
                        ward=record["ward_name"] or text("ward.outside", lang),
                    )
                )

with list_tab:
    filters = forms.list_filters(lang, registry.ward_names())
    table = registry.cameras(actor, **filters)
    shown = views.camera_list(table, lang)
    picked = st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key="camera_table",
    )
    st.caption(text("register.count", lang, count=f"{len(table):,}"))
    rows = picked.selection.rows if picked else []
    if rows:
        record = table.iloc[rows[0]].to_dict()
        st.subheader(text("register.edit_heading", lang, id=record["id"]))
        changes = forms.camera_inputs(
            lang, prefix=f"edit{record['id']}", record=record, owner=actor.sees_owners
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
            st.error(views.error_text(error, lang))
        else:
            if message:
                st.success(text(message, lang, id=record["id"]))

with import_tab:
    st.caption(text("import.hint", lang))
    upload = st.file_uploader(text("import.upload", lang), type=["csv", "xlsx"], key="import_file")
    if upload is not None:
        try:
            with st.spinner(text("import.checking", lang)):
                preview = forms.checked_import(registry, actor, upload)
        except USER_ERRORS as error:
            st.error(views.error_text(error, lang))
            st.stop()
        st.info(text("import.preview", lang, accepted=preview.accepted, rejected=preview.rejected))
        st.dataframe(views.import_preview(preview, lang), hide_index=True, width="stretch")
        for note in preview.notes:
            st.caption(note)
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
                st.error(views.error_text(error, lang))
            else:
                forms.forget_import_check()
                st.success(
                    text("import.done", lang, accepted=done.accepted, rejected=done.rejected)
                )
        if preview.rejected:
            st.download_button(
                text("import.download_rejected", lang),
                data=preview.rejected_frame().to_csv(index=False).encode("utf-8-sig"),
                file_name=f"rejected-{upload.name.rsplit('.', 1)[0]}.csv",
                mime="text/csv",
                key="download_rejected",
            )
