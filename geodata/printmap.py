"""Static coverage maps for printing and sharing (matplotlib): PNG and PDF.

A map page holds the title, the area's name, the date, the map (ward boundaries and names, other
roads, key routes covered and uncovered, gaps, hotspots, cameras with their fields of view, and
recommended sites when given), a legend, a metric scale bar, a north arrow and a source line
("demo — approximate geometry" on the demo). Text is set in DejaVu Sans, which matplotlib ships
and which has every Vietnamese letter; PDFs embed it as TrueType so that the text can be
searched and copied. The same input gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib_scalebar.scalebar import ScaleBar

from coverage.fov import active_cameras, fov_polygons
from geodata.i18n import text
from geodata.summary import CoverageSummary
from geodata.webmap import (
    COVERED_COLOUR,
    GAP_COLOUR,
    HOTSPOT_COLOUR,
    PROPOSAL_COLOURS,
    ROAD_COLOUR,
    STATUS_COLOURS,
    UNCOVERED_COLOUR,
    WARD_COLOUR,
    cones,
)

PIXELS = {"a4": ((3508, 2480), 300), "a3": ((4961, 3508), 300), "phone": ((1080, 1920), 200)}
"""PNG size in pixels and dots per inch: A4 and A3 landscape at 300 dpi, a phone screen."""
SIZES = {name: ((w / dpi, h / dpi), dpi) for name, ((w, h), dpi) in PIXELS.items()}
"""Page size in inches and dots per inch."""
STYLE = {
    "font.family": "DejaVu Sans",
    "pdf.fonttype": 42,
    "svg.hashsalt": "cctv",
    "path.simplify": True,
}
PREVIEW_DPI = 80
PDF_METADATA = {"CreationDate": None, "ModDate": None, "Producer": "cctv-coverage", "Creator": None}
PNG_METADATA = {"Software": "cctv-coverage"}


def map_figure(
    summary: CoverageSummary,
    *,
    lang: str,
    when: dt.date,
    size: str = "a4",
    wards: tuple[str, ...] = (),
    proposals: pd.DataFrame | None = None,
) -> Figure:
    """One printable map page of ``summary``.

    Parameters
    ----------
    lang : str, keyword-only
        Language of every text.
    when : datetime.date, keyword-only
        The date printed on the page (part of the input: the same date gives the same page).
    size : str, keyword-only
        ``"a4"``, ``"a3"`` (landscape) or ``"phone"``.
    wards : tuple of str, keyword-only
        Ward codes to frame (all when empty).
    proposals : pandas.DataFrame, optional, keyword-only
        Recommended sites or campaign targets (see :func:`geodata.webmap.coverage_map`).
    """
    inches, _ = SIZES[size]
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=inches)
        portrait = inches[1] > inches[0]
        axes = figure.add_axes((0.02, 0.16, 0.96, 0.72) if portrait else (0.02, 0.07, 0.70, 0.82))
        draw_map(axes, summary, lang=lang, wards=wards, proposals=proposals)
        _title(figure, summary, lang, when, wards, scale=0.8 if portrait else 1.0)
        handles = legend_handles(lang, proposals is not None and len(proposals) > 0)
        if portrait:
            figure.legend(
                handles=handles,
                loc="lower center",
                ncols=2,
                fontsize=7,
                frameon=False,
                bbox_to_anchor=(0.5, 0.035),
            )
        else:
            figure.legend(
                handles=handles,
                loc="upper left",
                fontsize=9,
                frameon=False,
                bbox_to_anchor=(0.74, 0.88),
                title=text("map.legend.title", lang),
            )
            _figures_box(figure, summary, lang)
        figure.text(
            0.02,
            0.012,
            source_line(summary, lang),
            fontsize=6 if portrait else 7,
            color="#455a64",
            wrap=True,
        )
    return figure


def draw_map(
    axes,
    summary: CoverageSummary,
    *,
    lang: str,
    wards: tuple[str, ...] = (),
    proposals: pd.DataFrame | None = None,
    labels: bool = True,
) -> None:
    """Draw the coverage map of ``summary`` on ``axes`` (metres of the working CRS)."""
    dataset = summary.dataset
    all_wards = dataset.wards
    framed = all_wards[all_wards["ward_code"].astype(str).isin(wards)] if wards else all_wards
    all_wards.plot(ax=axes, facecolor="#eceff1", edgecolor=WARD_COLOUR, linewidth=0.6)
    dataset.roads.plot(ax=axes, color=ROAD_COLOUR, linewidth=0.3)
    if len(dataset.hotspots):
        dataset.hotspots.plot(
            ax=axes, facecolor=HOTSPOT_COLOUR, alpha=0.18, edgecolor=HOTSPOT_COLOUR, linewidth=0.8
        )
    if len(summary.gaps):
        summary.gaps.plot(ax=axes, color=GAP_COLOUR, linewidth=3.5, alpha=0.35)
    for seen, colour in ((False, UNCOVERED_COLOUR), (True, COVERED_COLOUR)):
        pieces = summary.routes.pieces(seen=seen)
        if len(pieces):
            pieces.plot(ax=axes, color=colour, linewidth=1.4)
    cameras = active_cameras(dataset.cameras)
    if len(cameras):
        gpd.GeoSeries(fov_polygons(cameras).to_numpy(), crs=dataset.crs).plot(
            ax=axes, facecolor=STATUS_COLOURS["active"], alpha=0.25, linewidth=0
        )
    if len(dataset.cameras):
        colours = dataset.cameras["status"].map(STATUS_COLOURS).fillna(STATUS_COLOURS["removed"])
        dataset.cameras.plot(ax=axes, color=colours.to_numpy(), markersize=0.8)
    if proposals is not None and len(proposals):
        _draw_proposals(axes, proposals, dataset.crs)
    if labels:
        for point, name in zip(
            shapely.point_on_surface(all_wards.geometry.to_numpy()),
            all_wards["ward_name"],
            strict=True,
        ):
            axes.annotate(
                name,
                (point.x, point.y),
                ha="center",
                va="center",
                fontsize=7,
                fontweight="bold",
                color="#263238",
            )
    west, south, east, north = framed.total_bounds
    margin = 0.03 * max(east - west, north - south)
    axes.set_xlim(west - margin, east + margin)
    axes.set_ylim(south - margin, north + margin)
    axes.set_aspect("equal")
    axes.set_axis_off()
    axes.add_artist(
        ScaleBar(1.0, "m", location="lower left", box_alpha=0.8, font_properties={"size": 7})
    )
    axes.annotate(
        "N",
        xy=(0.96, 0.97),
        xytext=(0.96, 0.88),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=10,
        fontweight="bold",
        arrowprops={"arrowstyle": "-|>", "color": "#263238", "lw": 1.5},
    )


def legend_handles(lang: str, with_proposals: bool) -> list:
    """The legend's entries, labelled in ``lang``."""
    handles = [
        Line2D([], [], color=COVERED_COLOUR, lw=2, label=text("map.layer.covered", lang)),
        Line2D([], [], color=UNCOVERED_COLOUR, lw=2, label=text("map.layer.uncovered", lang)),
        Line2D([], [], color=GAP_COLOUR, lw=5, alpha=0.45, label=text("map.layer.gaps", lang)),
        Patch(facecolor=HOTSPOT_COLOUR, alpha=0.3, label=text("map.layer.hotspots", lang)),
        Patch(facecolor=STATUS_COLOURS["active"], alpha=0.3, label=text("map.layer.views", lang)),
        Patch(facecolor="#eceff1", edgecolor=WARD_COLOUR, label=text("map.layer.wards", lang)),
    ]
    if with_proposals:
        handles.append(
            Patch(
                facecolor=PROPOSAL_COLOURS["proposed"],
                alpha=0.6,
                label=text("map.layer.proposals", lang),
            )
        )
    return handles


def source_line(summary: CoverageSummary, lang: str) -> str:
    """Where the data come from, and the demo's warning."""
    line = text("print.source", lang)
    if summary.dataset.is_demo:
        line += " " + text("print.demo_note", lang)
    return line


def save_figure(figure: Figure, path: Path, *, fmt: str = "png", size: str = "a4") -> None:
    """Write ``figure`` as ``fmt`` ``"png"`` (at the size's resolution) or ``"pdf"``."""
    _, dpi = SIZES[size]
    with matplotlib.rc_context(STYLE):
        if fmt == "pdf":
            figure.savefig(path, format="pdf", metadata=PDF_METADATA)
        else:
            figure.savefig(path, format="png", dpi=dpi, metadata=PNG_METADATA)


def preview_png(summary: CoverageSummary, *, lang: str, when: dt.date, **options) -> bytes:
    """A small PNG of the A4 map page (for showing before exporting)."""
    buffer = io.BytesIO()
    figure = map_figure(summary, lang=lang, when=when, **options)
    with matplotlib.rc_context(STYLE):
        figure.savefig(buffer, format="png", dpi=PREVIEW_DPI, metadata=PNG_METADATA)
    return buffer.getvalue()


def pixel_size(size: str) -> tuple[int, int]:
    """The PNG's width and height in pixels for ``size``."""
    return PIXELS[size][0]


def _title(figure, summary, lang, when, wards, *, scale) -> None:
    names = summary.dataset.wards
    if wards:
        shown = names[names["ward_code"].astype(str).isin(wards)]["ward_name"]
        area = f"{summary.dataset.name}: {', '.join(shown)}"
    else:
        area = summary.dataset.name
    figure.text(
        0.02, 0.965, text("print.title", lang), fontsize=16 * scale, fontweight="bold", va="top"
    )
    figure.text(
        0.02,
        0.925,
        f"{area} · {text('print.date', lang, date=f'{when:%d/%m/%Y}')}",
        fontsize=10 * scale,
        va="top",
        color="#37474f",
    )


def _figures_box(figure, summary, lang) -> None:
    """The headline figures beside the map."""
    routes = summary.routes
    rows = [
        (text("print.cameras", lang), f"{len(active_cameras(summary.dataset.cameras)):,}"),
        (text("print.key_routes", lang), f"{routes.length_m / 1000:,.1f} km"),
        (text("kpi.covered_share", lang), f"{routes.share:.1%}"),
        (text("kpi.gaps", lang, min_m=f"{summary.gap_min_m:g}"), f"{len(summary.gaps):,}"),
    ]
    y = 0.36
    for label, value in rows:
        figure.text(0.74, y, label, fontsize=8, color="#455a64")
        figure.text(0.98, y, value, fontsize=9, fontweight="bold", ha="right")
        y -= 0.035


def _draw_proposals(axes, proposals: pd.DataFrame, crs) -> None:
    shapes = cones(proposals, crs)
    colours = np.array([PROPOSAL_COLOURS[s] for s in shapes["status"]])
    shapes.plot(ax=axes, color=colours, alpha=0.55, linewidth=0.3, edgecolor="#4a148c")
    points = gpd.GeoSeries(gpd.points_from_xy(proposals["lon"], proposals["lat"]), crs=4326)
    points = points.to_crs(crs)
    for point, rank in zip(points, proposals["rank"], strict=True):
        axes.annotate(
            str(rank),
            (point.x, point.y),
            fontsize=5,
            ha="center",
            va="bottom",
            color="#4a148c",
            xytext=(0, 2),
            textcoords="offset points",
        )
