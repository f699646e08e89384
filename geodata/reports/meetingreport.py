"""The PDF report for meetings: the map, the figures, the wards, hotspots, gaps, a campaign.

Pages (A4 landscape, DejaVu Sans embedded so that every diacritic prints and can be searched):

1. the coverage map (:func:`geodata.maps.printmap.map_figure`), with the campaign's sites if any;
2. the tables, one under the other: the headline figures, the per-ward table (cameras,
   key-route length, covered share, gaps), the per-hotspot table (area in ha, area seen,
   covered share), the 20 longest gaps and, with a campaign, its progress per ward. A table
   that does not fit continues on the next page under its title "(continued)", its header
   repeated; columns are as wide as their texts (headers wrap between words, long names wrap
   when the page is too narrow), numbers are right-aligned and written in the reader's locale;
   no table runs over the source line at the foot of each page;
3. with a campaign: the map now beside the map with the campaign's remaining sites installed.

Every page is numbered ("page 2 of 4").
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass, replace
from itertools import accumulate
from operator import sub
from pathlib import Path

import matplotlib
import pandas as pd
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle
from matplotlib.textpath import TextToPath

from geodata.analysis.summary import CoverageSummary, summarise
from geodata.i18n import percent, text
from geodata.maps import palette
from geodata.maps.papersizes import SIZES
from geodata.maps.printmap import (
    MUTED,
    PDF_METADATA,
    STYLE,
    draw_map,
    literal,
    map_figure,
    source_line,
)
from geodata.registry.campaigns import PENDING, with_sites
from geodata.reports import views
from geodata.reports.planviews import progress_table

GAPS_LISTED = 20
PAGE_IN = SIZES["a4"][0]
"""The page's width and height in inches (A4 landscape)."""
MARGIN_IN = 0.45
"""Left, right and top margins."""
FLOOR_IN = 0.5
"""No table reaches below this height: the source line is under it."""
FONT_PT = 7
FOOTER_PT = 6
LINE_IN = FONT_PT * 1.3 / 72
PAD_IN = (0.06, 0.035)
"""A cell's padding around its text: left and right, top and bottom."""
TITLE_IN = 0.3
HEADER_IN = 0.9
"""A header wider than this wraps between words."""
GAP_IN = 0.25
"""Space between two tables."""
RULE = "#b0bec5"


@dataclass(frozen=True)
class Section:
    """A table of the report: its title and its rows as pages show them (numbers as numbers).

    ``right`` names text columns to right-align as numbers are (figures already written).
    """

    title: str
    table: pd.DataFrame
    right: tuple[str, ...] = ()


@dataclass(frozen=True)
class CampaignPart:
    """What the report shows of a campaign: its name, targets and progress per ward."""

    name: str
    targets: pd.DataFrame
    progress: pd.DataFrame


def write_report(path: Path, summary: CoverageSummary, cameras: pd.DataFrame, **options) -> None:
    """Write the meeting report of ``summary`` to ``path`` (PDF); ``cameras`` and the
    keyword-only ``options`` are those of :func:`report_pages`."""
    pages = report_pages(summary, cameras, **options)
    with matplotlib.rc_context(STYLE), PdfPages(path, metadata=PDF_METADATA) as pdf:
        for page in pages:
            pdf.savefig(page)


def report_pages(
    summary: CoverageSummary,
    cameras: pd.DataFrame,
    *,
    lang: str,
    when: dt.date,
    wards: tuple[str, ...] = (),
    campaign: CampaignPart | None = None,
) -> list[Figure]:
    """The pages of the meeting report of ``summary``, in order, numbered.

    Parameters
    ----------
    cameras : pandas.DataFrame
        The registry's camera table (:meth:`geodata.registry.service.Registry.cameras`) for the
        counts.
    lang : str, keyword-only
        Language and formats of every text.
    when : datetime.date, keyword-only
        The date printed on the map page.
    wards : tuple of str, keyword-only
        Ward codes to frame the maps on (all when empty).
    campaign : CampaignPart, optional, keyword-only
        Adds the campaign's sites to the map, its progress table and a page of maps.
    """
    with matplotlib.rc_context(STYLE):
        proposals = campaign.targets if campaign else None
        pages = [map_figure(summary, lang=lang, when=when, wards=wards, proposals=proposals)]
        pages += table_pages(
            _sections(summary, cameras, lang, campaign),
            lang=lang,
            footer=source_line(summary, lang),
        )
        if campaign is not None:
            pages.append(_campaign_page(summary, campaign, lang, wards))
        for number, page in enumerate(pages, start=1):
            page.text(
                1 - MARGIN_IN / PAGE_IN[0],
                1 - 0.2 / PAGE_IN[1],
                text("report.page", lang, page=number, pages=len(pages)),
                fontsize=6,
                color=MUTED,
                ha="right",
                va="top",
            )
    return [literal(page) for page in pages]


def _sections(summary, cameras, lang, campaign: CampaignPart | None) -> list[Section]:
    health = views.camera_health(cameras)
    figures = views.overview_figures(summary, health, lang)
    label, value = text("book.figure", lang), text("book.value", lang)
    headline = pd.DataFrame(
        {
            label: [text(key, lang, min_m=summary.gap_min_m) for key in figures],
            value: list(figures.values()),
        }
    )
    sections = [
        Section(text("report.figures", lang), headline, right=(value,)),
        Section(text("report.tiers", lang), views.tier_table(summary, lang)),
        Section(text("report.wards", lang), views.ward_overview(summary, cameras, lang)),
        Section(text("report.hotspots", lang), views.hotspot_table(summary, lang)),
        Section(text("report.gaps", lang), views.gap_table(summary, lang).head(GAPS_LISTED)),
    ]
    if campaign is not None:
        sections.append(
            Section(
                text("report.campaign", lang, name=campaign.name),
                progress_table(campaign.progress, lang),
            )
        )
    return sections


def table_pages(sections: list[Section], *, lang: str, footer: str) -> list[Figure]:
    """Pages holding ``sections`` one under the other, each table split where a page ends.

    A table that goes on to the next page has its title followed by "(continued)" there and
    its header repeated. Every page has ``footer`` (the source line) at its foot, under
    :data:`FLOOR_IN`.

    Parameters
    ----------
    lang : str, keyword-only
        Language and formats of the cells.
    footer : str, keyword-only
        The line at the foot of every page.
    """
    pages: list[Figure] = []
    footer = _footer(footer)
    top = 0.0  # height (inches) of the next free line on the last page
    for section in sections:
        laid = _Layout(section, lang)
        start, first = 0, True
        while first or start < len(laid.heights):
            rest = TITLE_IN + laid.header + sum(laid.heights[start:])
            need = TITLE_IN + laid.header + (laid.heights[start] if laid.heights else 0)
            whole = PAGE_IN[1] - MARGIN_IN - FLOOR_IN  # the room of an empty page
            if not pages or top - need < FLOOR_IN or (top - rest < FLOOR_IN and rest <= whole):
                pages.append(_page(footer))
                top = PAGE_IN[1] - MARGIN_IN
            title = section.title if first else text("report.continued", lang, title=section.title)
            pages[-1].text(
                MARGIN_IN / PAGE_IN[0],
                top / PAGE_IN[1],
                title,
                fontsize=10,
                fontweight="bold",
                va="top",
            )
            top -= TITLE_IN
            stop = start + 1
            room = top - laid.header - FLOOR_IN
            while stop < len(laid.heights) and sum(laid.heights[start : stop + 1]) <= room:
                stop += 1
            stop = min(stop, len(laid.heights))
            top -= laid.draw(pages[-1], top, start, stop) + GAP_IN
            start, first = stop, False
    return pages


def _page(footer: str) -> Figure:
    """An empty page with ``footer`` at its foot, as wrapped by :func:`_footer`."""
    figure = Figure(figsize=PAGE_IN)
    figure.text(MARGIN_IN / PAGE_IN[0], 0.012, footer, fontsize=FOOTER_PT, color=MUTED, va="bottom")
    return figure


def _footer(line: str) -> str:
    """``line`` (the source line) broken into lines between words to fit between the margins.

    Wrapped once for all the pages, rather than by matplotlib on every page as it is drawn.
    """
    return _wrapped(line, PAGE_IN[0] - 2 * MARGIN_IN, size_pt=FOOTER_PT)


class _Layout:
    """A section's table measured: column widths, wrapped texts and row heights (inches)."""

    def __init__(self, section: Section, lang: str):
        table = section.table
        self.cells = views.written(table, lang).to_numpy().tolist()
        self.right = [
            column in section.right
            or (
                pd.api.types.is_numeric_dtype(table[column])
                and not pd.api.types.is_bool_dtype(table[column])
            )
            for column in table.columns
        ]
        headers = [str(column) for column in table.columns]
        self.widths = self._widths(headers)
        self.head = [
            _wrapped(h, w - 2 * PAD_IN[0], bold=True)
            for h, w in zip(headers, self.widths, strict=True)
        ]
        self.cells = [
            [
                cell if right else _wrapped(cell, width - 2 * PAD_IN[0])
                for cell, width, right in zip(row, self.widths, self.right, strict=True)
            ]
            for row in self.cells
        ]
        self.header = _height(self.head)
        self.heights = [_height(row) for row in self.cells]

    def _widths(self, headers: list[str]) -> list[float]:
        """Each column's width: its widest value, and its header on as few lines as fit in
        :data:`HEADER_IN` (never narrower than the header's longest word); shrunk to fit the
        page by wrapping text columns."""
        natural = []
        for position, header in enumerate(headers):
            words = max([_width(word, bold=True) for word in header.split()], default=0.0)
            heading = min(_width(header, bold=True), max(HEADER_IN, words))
            values = [_width(row[position]) for row in self.cells]
            natural.append(max([heading, *values]) + 2 * PAD_IN[0])
        room = PAGE_IN[0] - 2 * MARGIN_IN
        fixed = sum(w for w, right in zip(natural, self.right, strict=True) if right)
        loose = sum(natural) - fixed
        if sum(natural) <= room or loose <= 0:
            return natural
        scale = (room - fixed) / loose
        return [w if right else w * scale for w, right in zip(natural, self.right, strict=True)]

    def draw(self, figure: Figure, top: float, start: int, stop: int) -> float:
        """Draw the header and rows ``start:stop`` with their top at ``top`` inches; returns
        the height drawn.

        The header is shaded, every cell ruled; each cell's text is one text of the page,
        centred on its row, :data:`PAD_IN` inside its column's edge; the rulings of all the
        cells are one line collection. (A :class:`matplotlib.table.Table` of as many cells
        looks the same and takes several times as long to lay out and write.)
        """
        width, height = PAGE_IN
        rows = [(self.head, self.header, True)]
        rows += [(self.cells[i], self.heights[i], False) for i in range(start, stop)]
        drawn = sum(h for _, h, _ in rows)
        edges_x = list(accumulate(self.widths, initial=MARGIN_IN))
        edges_y = list(accumulate((h for _, h, _ in rows), sub, initial=top))
        left, right = edges_x[0], edges_x[-1]
        figure.add_artist(
            Rectangle(
                (left / width, (top - self.header) / height),
                (right - left) / width,
                self.header / height,
                facecolor=palette.WARD_FILL,
                linewidth=0,
                transform=figure.transFigure,
            )
        )
        rulings = [[(left, y), (right, y)] for y in edges_y]
        rulings += [[(x, top), (x, top - drawn)] for x in edges_x]
        figure.add_artist(
            LineCollection(
                [[(x / width, y / height) for x, y in line] for line in rulings],
                colors=RULE,
                linewidths=0.4,
                capstyle="projecting",
                transform=figure.transFigure,
            )
        )
        for (texts, row_height, header), row_top in zip(rows, edges_y[:-1], strict=True):
            middle = (row_top - row_height / 2) / height
            for value, cell_left, cell_right, right in zip(
                texts, edges_x[:-1], edges_x[1:], self.right, strict=True
            ):
                if value:
                    figure.text(
                        (cell_right - PAD_IN[0] if right else cell_left + PAD_IN[0]) / width,
                        middle,
                        value,
                        fontsize=FONT_PT,
                        fontweight="bold" if header else "normal",
                        ha="right" if right else "left",
                        va="center",
                    )
        return drawn


_MEASURE = TextToPath()


def _wrapped(value: str, room: float, *, bold: bool = False, size_pt: float = FONT_PT) -> str:
    """``value`` broken into lines between words so that each fits ``room`` inches."""
    room += 1e-9  # the widest word fits exactly
    lines: list[str] = []
    for word in value.split():
        pieces = [word]
        if _width(word, bold=bold, size_pt=size_pt) > room:  # a word wider than the room: cut it
            size = max(1, int(len(word) * room / _width(word, bold=bold, size_pt=size_pt)))
            pieces = textwrap.wrap(word, size, break_long_words=True)
        for piece in pieces:
            joined = f"{lines[-1]} {piece}" if lines else piece
            if lines and _width(joined, bold=bold, size_pt=size_pt) <= room:
                lines[-1] = joined
            else:
                lines.append(piece)
    return "\n".join(lines)


def _width(value: str, *, bold: bool = False, size_pt: float = FONT_PT) -> float:
    """The width in inches of the widest line of ``value`` at ``size_pt`` points."""
    font = FontProperties(family="DejaVu Sans", size=size_pt, weight="bold" if bold else "normal")
    widths = [
        _MEASURE.get_text_width_height_descent(line, font, ismath=False)[0]
        for line in str(value).split("\n")
    ]
    return max(widths, default=0.0) / 72 * 1.04


def _height(texts: list[str]) -> float:
    lines = max((text.count("\n") + 1 for text in texts), default=1)
    return lines * LINE_IN + 2 * PAD_IN[1]


def _campaign_page(summary, campaign: CampaignPart, lang, wards) -> Figure:
    figure = _page(_footer(source_line(summary, lang)))
    figure.text(
        MARGIN_IN / PAGE_IN[0],
        1 - MARGIN_IN / PAGE_IN[1],
        text("report.campaign", lang, name=campaign.name),
        fontsize=14,
        fontweight="bold",
        va="top",
    )
    dataset = summary.dataset
    pending = campaign.targets[campaign.targets["status"].isin(PENDING)]
    after = summarise(
        replace(dataset, cameras=with_sites(dataset, pending)),
        gap_min_m=summary.gap_min_m,
        segments=summary.routes.segments,
    )
    for box, shown, key in (
        ((0.02, 0.08, 0.47, 0.78), summary, "report.now"),
        ((0.51, 0.08, 0.47, 0.78), after, "report.with_sites"),
    ):
        axes = figure.add_axes(box)
        draw_map(
            axes,
            shown,
            lang=lang,
            wards=wards,
            labels=False,
            proposals=campaign.targets if shown is after else None,
        )
        axes.set_title(text(key, lang, share=percent(shown.routes.share, lang)), fontsize=10)
    return figure
