"""A coverage map as one HTML file that opens anywhere with no internet (a USB stick, a chat).

The app's map (:func:`geodata.maps.webmap.coverage_map`: the same layers, popups and legend) loads
Leaflet and its plugins from the app's own server; here every script and stylesheet is written
into the page, and the images the stylesheets name become ``data:`` URIs. The file names no
outside address. A :class:`Heading` gives the page its title and, above the map, the area, the
date and the headline figures, so that the file still says what it shows once handed out.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path

import folium
from branca.element import Element

from coverage.fov import active_cameras
from geodata import i18n
from geodata.analysis.summary import CoverageSummary
from geodata.i18n import text
from geodata.maps import palette
from geodata.maps.leaflet import LOCAL_ASSETS, local_url

HEADING_STYLE = f"""
html, body {{ display: flex; flex-direction: column; }}
.folium-map {{ flex: 1 1 auto; height: auto !important; min-height: 0; }}
.map-heading {{ flex: 0 0 auto; padding: 8px 14px 6px; font: 13px/1.4 sans-serif;
  color: {palette.WARD}; border-bottom: 1px solid {palette.ROAD}; }}
.map-heading h1 {{ margin: 0; font-size: 18px; color: {palette.OUTLINE}; }}
.map-heading p {{ margin: 2px 0 6px; }}
.map-heading dl {{ display: flex; flex-wrap: wrap; gap: 4px 22px; margin: 0; }}
.map-heading dt {{ font-size: 12px; }}
.map-heading dd {{ margin: 0; font-size: 16px; font-weight: 700; color: {palette.OUTLINE}; }}
"""
"""The heading sits above the map, which takes the rest of the window."""


@dataclass(frozen=True)
class Heading:
    """What the offline map says of itself: a title, the area, the date and figures, as text
    written for the reader (see :func:`map_heading`)."""

    title: str
    area: str
    date: str
    figures: tuple[tuple[str, str], ...]
    lang: str

    def page_title(self) -> str:
        """The page's ``<title>``: title, area and date."""
        return text("html.title", self.lang, title=self.title, area=self.area, date=self.date)

    def to_html(self) -> str:
        """The heading as an HTML ``<header>`` (text escaped)."""
        figures = "".join(
            f"<div><dt>{html.escape(label)}</dt><dd>{html.escape(value)}</dd></div>"
            for label, value in self.figures
        )
        area_date = text("html.area_date", self.lang, area=self.area, date=self.date)
        return (
            f'<header class="map-heading"><h1>{html.escape(self.title)}</h1>'
            f"<p>{html.escape(area_date)}</p><dl>{figures}</dl></header>"
        )


def map_heading(
    summary: CoverageSummary, *, lang: str, when: dt.date, wards: tuple[str, ...] = ()
) -> Heading:
    """The heading of the map of ``summary``: for ``wards`` (names; the whole area when empty),
    the key-route length, the covered share, the gaps and the active cameras in them.

    Parameters
    ----------
    summary : CoverageSummary
        The coverage the map shows.
    lang : str, keyword-only
        Language of the text and the numbers.
    when : datetime.date, keyword-only
        The date the map is handed out with.
    wards : tuple of str, keyword-only
        Ward names the map shows.
    """
    routes = summary.routes.by_ward()
    gaps, cameras = summary.gaps, active_cameras(summary.dataset.cameras)
    area = summary.dataset.name
    if wards:
        routes = routes[routes["ward"].isin(wards)]
        gaps = gaps[gaps["ward"].isin(wards)]
        cameras = cameras[cameras["ward_name"].isin(wards)]
        area = f"{area}: {', '.join(wards)}"
    length_m = float(routes["length_m"].sum())
    share = float(routes["covered_m"].sum()) / length_m if length_m else 0.0
    figures = (
        (text("print.key_routes", lang), text("html.km", lang, km=length_m / 1000)),
        (text("kpi.covered_share", lang), i18n.percent(share, lang)),
        (text("kpi.gaps", lang, min_m=summary.gap_min_m), i18n.number(len(gaps), lang)),
        (text("print.cameras", lang), i18n.number(len(cameras), lang)),
    )
    return Heading(text("print.title", lang), area, i18n.date(when, lang), figures, lang)


_TAG = re.compile(
    r'<script src="(?P<script>[^"]+)"></script>|<link rel="stylesheet" href="(?P<style>[^"]+)"/>'
)
_RANDOM_ID = re.compile(r"_[0-9a-f]{32}(?![0-9a-f])")
_CSS_URL = re.compile(r"url\((?P<quote>['\"]?)(?P<path>[^)'\"#][^)'\"]*)(?P=quote)\)")


def standalone_html(fmap: folium.Map, *, heading: Heading | None = None) -> str:
    """The page of ``fmap`` with every local script, stylesheet and image inlined, and
    ``heading`` (its title, and a header above the map) when given.

    Raises
    ------
    KeyError
        When the page loads an asset the app does not serve (a bug: see
        :data:`geodata.maps.leaflet.LOCAL_ASSETS`).
    """
    files = {
        local_url(name): source / filename for name, (_, source, filename) in LOCAL_ASSETS.items()
    }
    root = fmap.get_root()
    if heading is not None:
        root.title = html.escape(heading.page_title())
        root.header.add_child(Element(f"<style>{HEADING_STYLE}</style>"), name="map_heading")
        root.html.add_child(Element(heading.to_html()), name="map_heading", index=0)
    page = root.render()

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


def write_html(fmap: folium.Map, path: Path, *, heading: Heading | None = None) -> None:
    """Write :func:`standalone_html` of ``fmap`` (with ``heading``) to ``path`` (UTF-8)."""
    Path(path).write_text(standalone_html(fmap, heading=heading), encoding="utf-8")


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
