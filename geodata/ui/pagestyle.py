"""The style sheet and script every page carries: Streamlit's own English words replaced by the
catalogue's, headline figures two to a row on a phone, and the sidebar closing on a phone once
a page is chosen."""

from __future__ import annotations

import json

import streamlit as st

from geodata.i18n import text

PHONE_WIDTH_PX = 640
"""Below this window width, Streamlit lays columns out one under the other (a phone)."""

_PAGE_STYLE = """
<style>
/* Streamlit's own English words, in the user's language (the widgets offer no option). */
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {
  font-size: 0;
}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {
  content: %(upload)s; font-size: 0.875rem;
}
[data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 0; }
[data-testid="stFileUploaderDropzoneInstructions"] span::after {
  content: %(limit)s; font-size: 0.8rem;
}
[data-key="__select_all__"] > div { font-size: 0; }
[data-key="__select_all__"] > div::after { content: %(select_all)s; font-size: 0.875rem; }
[role="listbox"][data-empty="true"] [role="option"] span { font-size: 0; }
[role="listbox"][data-empty="true"] [role="option"] span::after {
  content: %(no_results)s; font-size: 0.875rem;
}
[data-testid="InputInstructions"] { display: none; }
/* On a phone, headline figures two to a row instead of one. */
@media (max-width: %(phone)dpx) {
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] [data-testid="stMetric"]) {
    flex-direction: row; flex-wrap: wrap; gap: 0.5rem;
  }
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] [data-testid="stMetric"])
    > [data-testid="stColumn"] {
    width: calc(50%% - 0.5rem) !important; flex: 1 1 calc(50%% - 0.5rem) !important;
    min-width: calc(50%% - 0.5rem) !important;
  }
}
</style>
<script>
/* On a phone, the sidebar closes once a page is chosen (it would cover the page). */
if (!window.cctvSidebarCloses) {
  window.cctvSidebarCloses = true;
  document.addEventListener("click", function (event) {
    var link = event.target.closest('[data-testid="stSidebar"] a');
    if (!link || window.innerWidth >= %(phone)d) { return; }
    setTimeout(function () {
      var button = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
      if (button) { button.click(); }
    }, 100);
  }, true);
}
</script>
"""


def page_style(lang: str) -> str:
    """The CSS and script every page carries: Streamlit's English words replaced by the
    catalogue's (upload button, upload limits, "Select all", "No results", "Press Enter to
    apply"), figures two to a row on a phone, and the sidebar closing on a phone once a page
    is chosen."""
    limit_mb = int(st.get_option("server.maxUploadSize"))
    words = {
        "upload": text("ui.upload", lang),
        "limit": text("ui.upload_limit", lang, mb=limit_mb),
        "select_all": text("ui.select_all", lang),
        "no_results": text("ui.no_results", lang),
    }
    css = {name: json.dumps(word, ensure_ascii=False) for name, word in words.items()}
    return _PAGE_STYLE % {**css, "phone": PHONE_WIDTH_PX}
