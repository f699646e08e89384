"""A coverage map as one HTML file that opens anywhere with no internet (a USB stick, a chat).

The app's map (:func:`geodata.webmap.coverage_map`: the same layers, popups and legend) loads
Leaflet and its plugins from the app's own server; here every script and stylesheet is written
into the page, and the images the stylesheets name become ``data:`` URIs. The file names no
outside address.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from pathlib import Path

import folium

from geodata.webmap import LOCAL_ASSETS, local_url

_TAG = re.compile(
    r'<script src="(?P<script>[^"]+)"></script>|<link rel="stylesheet" href="(?P<style>[^"]+)"/>'
)
_RANDOM_ID = re.compile(r"_[0-9a-f]{32}(?![0-9a-f])")
_CSS_URL = re.compile(r"url\((?P<quote>['\"]?)(?P<path>[^)'\"#][^)'\"]*)(?P=quote)\)")


def standalone_html(fmap: folium.Map) -> str:
    """The page of ``fmap`` with every local script, stylesheet and image inlined.

    Raises
    ------
    KeyError
        When the page loads an asset the app does not serve (a bug: see
        :data:`geodata.webmap.LOCAL_ASSETS`).
    """
    files = {
        local_url(name): source / filename for name, (_, source, filename) in LOCAL_ASSETS.items()
    }
    page = fmap.get_root().render()

    def inline(match: re.Match) -> str:
        url = match["script"] or match["style"]
        path = files[url]
        content = path.read_text(encoding="utf-8")
        if match["script"]:
            return "<script>" + content.replace("</script", "<\\/script") + "</script>"
        return "<style>" + _inlined_images(content, path.parent) + "</style>"

    return _numbered_ids(_TAG.sub(inline, page))


def _numbered_ids(page: str) -> str:
    """``page`` with folium's random element ids numbered in order of appearance (so that the
    same map gives the same file)."""
    numbers: dict[str, str] = {}

    def number(match: re.Match) -> str:
        return numbers.setdefault(match[0], f"_{len(numbers):032x}")

    return _RANDOM_ID.sub(number, page)


def write_html(fmap: folium.Map, path: Path) -> None:
    """Write :func:`standalone_html` of ``fmap`` to ``path`` (UTF-8)."""
    Path(path).write_text(standalone_html(fmap), encoding="utf-8")


def _inlined_images(css: str, folder: Path) -> str:
    """``css`` with each ``url(relative/path)`` that names a file in ``folder`` as a data URI."""

    def data_uri(match: re.Match) -> str:
        image = folder / match["path"]
        if not image.is_file():
            return match[0]
        kind = mimetypes.guess_type(image.name)[0] or "application/octet-stream"
        encoded = base64.b64encode(image.read_bytes()).decode("ascii")
        return f"url(data:{kind};base64,{encoded})"

    return _CSS_URL.sub(data_uri, css)
