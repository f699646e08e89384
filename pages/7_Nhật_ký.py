"""Nhật ký thao tác (audit log): every change, export and sign-in, and the check of its seal.

District users only: other users do not see it in the sidebar, and opened by its address the
registry refuses them (the page shows the refusal).
"""

import streamlit as st

from geodata.i18n import text
from geodata.registry import audit
from geodata.reports import views
from geodata.ui import appstate

with appstate.page("audit.title") as (lang, actor):
    st.title(text("audit.title", lang))
    st.caption(text("audit.caption", lang))
    registry = appstate.registry()
    limit = st.number_input(
        text("audit.limit", lang),
        min_value=10,
        max_value=5000,
        value=200,
        step=50,
        key="audit_limit",
    )
    entries = registry.audit_entries(actor, limit=int(limit))
    if entries.empty:
        st.info(text("audit.none", lang))
    else:
        plain = (text("audit.column.seq", lang), text("audit.column.camera", lang))
        st.dataframe(
            views.styled(audit.audit_table(entries, lang), lang, plain=plain),
            hide_index=True,
            width="stretch",
        )
    if st.button(text("audit.check", lang), key="audit_check"):
        broken = registry.verify_audit(actor)
        if broken is None:
            st.success(text("audit.intact", lang))
        else:
            st.error(text("audit.broken", lang, reason=broken.reason))
        st.caption(text("audit.fingerprint", lang, hash=registry.audit_fingerprint(actor)))
