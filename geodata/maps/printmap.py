"""Static coverage maps for printing and sharing (matplotlib): PNG and PDF.

A map page holds the title, the area's name, the date, the map (ward boundaries and names, other
roads, key routes covered and uncovered, gaps, hotspots, cameras with their fields of view, and
recommended sites when given), a legend, a metric scale bar, a north arrow and a source line
("demo — approximate geometry" on the demo). Text is set in DejaVu Sans, which matplotlib ships
and which has every Vietnamese letter; PDFs embed it as TrueType so that the text can be
searched and copied. The same input gives the same bytes. A city's tens of thousands of
cameras and thousands of kilometres of road stay a few megabytes in a PDF: the dense layers
are drawn as one image at print resolution (:data:`PRINT_DPI`) under the text (see
:func:`draw_map`).

Every text is drawn as written: names from data may hold ``$`` (which matplotlib would
otherwise read as the start of a formula), so :func:`literal` turns math parsing off on every
text of a page. Numbers and dates are written in the reader's locale (:mod:`geodata.i18n`).
Colours come from :mod:`geodata.maps.palette`. Campaign sites are numbered badges (white on dark,
ringed in the colour of their status) so that they can be read on paper.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from pathlib import Path

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.path import Path as MplPath
from matplotlib.table import Table
from matplotlib.text import Text
from matplotlib_scalebar.scalebar import ScaleBar

from coverage.fov import active_cameras
from geodata.analysis.summary import CoverageSummary
from geodata.i18n import number, percent, text
from geodata.maps import palette
from geodata.maps.papersizes import PIXELS, SIZES
from geodata.maps.preview import cones

PRINT_DPI = 300
"""Dots per inch of a printed map: the A4 and A3 PNGs, and the PDF's rasterised layers."""
STYLE = {
    "font.family": "DejaVu Sans",
    "pdf.fonttype": 42,
    "svg.hashsalt": "cctv",
    "path.simplify": True,
    "savefig.dpi": PRINT_DPI,
}
PREVIEW_DPI = 80
PDF_METADATA = {"CreationDate": None, "ModDate": None, "Producer": "cctv-coverage", "Creator": None}
PNG_METADATA = {"Software": "cctv-coverage"}
PNG_OPTIONS = {"compress_level": 3}
"""zlib level 3 rather than Pillow's 6: an A4 map of a city is written in two thirds of the
time, some 7 % larger."""
BADGE_POINTS = 8
"""Font size of a campaign site's rank badge."""
LEGEND_CHARACTERS = 32
"""A legend label longer than this wraps."""
CAMERA_DOT_PT = 0.9
"""Diameter in points of a camera dot's centre."""
CAMERA_EDGE_PT = 1.0
"""Width in points of the ring of a camera dot's own colour around its centre."""
TOUCH_M = 0.001
"""Two stretches of a key route drawn as one line when one starts this near where the other
ends (the same point, but for rounding)."""
MUTED = "#455a64"
"""Secondary text: the source line, figure labels, page numbers."""


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
        Recommended sites or campaign targets (see :func:`geodata.maps.webmap.coverage_map`).
    """
    inches, _ = SIZES[size]
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=inches)
        portrait = inches[1] > inches[0]
        axes = figure.add_axes((0.02, 0.16, 0.96, 0.72) if portrait else (0.02, 0.07, 0.70, 0.82))
        draw_map(axes, summary, lang=lang, wards=wards, proposals=proposals)
        _title(figure, summary, lang, when, wards, scale=0.8 if portrait else 1.0)
        statuses = () if proposals is None else tuple(proposals["status"])
        handles = legend_handles(lang, summary.dataset.cameras["status"], statuses)
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
            color=MUTED,
            wrap=True,
        )
    return literal(figure)


def literal(figure: Figure) -> Figure:
    """``figure`` with every text drawn as written (a ``$`` is a dollar sign, never math)."""
    cells = [
        cell.get_text() for table in figure.findobj(Table) for cell in table.get_celld().values()
    ]
    for artist in [*figure.findobj(Text), *cells]:
        artist.set_parse_math(False)
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
    """Draw the coverage map of ``summary`` on ``axes`` (metres of the working CRS).

    Every camera is a dot. What an active camera sees is drawn under its dot where it reaches
    beyond it: a view within its camera's dot would be hidden by the dot. Roads, gaps and
    views are drawn simplified to within half a pixel of the print (:data:`PRINT_DPI` pixels
    to the inch), which no eye tells from the shapes themselves (no figure is worked out from
    what is drawn).
    The dense layers (roads, hotspots, gaps, key routes, views, cameras, the campaign sites'
    views) are one image at :data:`PRINT_DPI` in a PDF; the ward boundaries, the names, the
    badges, the scale and the north arrow stay vectors and text.
    """
    dataset = summary.dataset
    all_wards = dataset.wards
    framed = all_wards[all_wards["ward_code"].astype(str).isin(wards)] if wards else all_wards
    west, south, east, north = framed.total_bounds
    margin = 0.03 * max(east - west, north - south)
    west, south, east, north = west - margin, south - margin, east + margin, north + margin
    point_m = _metres_per_point(axes, width_m=east - west, height_m=north - south)
    tolerance_m = point_m * 72 / PRINT_DPI / 2
    _add_polygons(
        axes,
        all_wards.geometry.to_numpy(),
        facecolor=palette.WARD_FILL,
        edgecolor=palette.WARD,
        linewidth=0.6,
    )
    if len(dataset.roads):  # a district that loaded its wards only has none yet
        _add_lines(axes, dataset.roads.geometry, tolerance_m, color=palette.ROAD, linewidth=0.3)
    if len(dataset.hotspots):
        _add_polygons(
            axes,
            dataset.hotspots.geometry.to_numpy(),
            facecolor=palette.HOTSPOT,
            alpha=0.18,
            edgecolor=palette.HOTSPOT,
            linewidth=0.8,
            rasterized=True,
        )
    if len(summary.gaps):
        _add_lines(
            axes, summary.gaps.geometry, tolerance_m, color=palette.GAP, linewidth=3.5, alpha=0.6
        )
    for seen, colour in ((False, palette.UNCOVERED), (True, palette.COVERED)):
        pieces = summary.routes.pieces(seen=seen)
        if len(pieces):
            _add_pieces(axes, pieces.geometry, color=colour, linewidth=1.4)
    if len(dataset.cameras):
        _draw_cameras(axes, summary, point_m=point_m, tolerance_m=tolerance_m)
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
                color=palette.OUTLINE,
            )
    if proposals is not None and len(proposals):
        _draw_proposals(axes, proposals, dataset.crs)
    axes.set_xlim(west, east)
    axes.set_ylim(south, north)
    axes.set_aspect("equal")
    axes.set_axis_off()
    axes.add_artist(
        ScaleBar(
            1.0,
            "m",
            location="lower left",
            box_alpha=0.8,
            font_properties={"size": 7},
            scale_formatter=lambda value, unit: text("print.scale", lang, value=value, unit=unit),
        )
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
        arrowprops={"arrowstyle": "-|>", "color": palette.OUTLINE, "lw": 1.5},
    )


def camera_dot_m(point_m: float) -> float:
    """The radius in metres of a camera's dot on a map of ``point_m`` metres per point.

    >>> round(camera_dot_m(10.0), 1)
    9.5
    """
    return point_m * (CAMERA_DOT_PT + CAMERA_EDGE_PT) / 2


def _metres_per_point(axes, *, width_m: float, height_m: float) -> float:
    """Metres of the map per typographic point when ``axes`` shows ``width_m`` × ``height_m``
    at an equal aspect (the map fills the axes' width or height)."""
    figure_in = axes.get_figure().get_size_inches()
    box = axes.get_position()
    return max(width_m / (box.width * figure_in[0]), height_m / (box.height * figure_in[1])) / 72


def _draw_cameras(axes, summary: CoverageSummary, *, point_m: float, tolerance_m: float) -> None:
    """Every camera's dot coloured by its status, under the dots what the active cameras see
    (their view less what buildings hide) where it reaches beyond the dot."""
    cameras = summary.dataset.cameras
    within_dot = cameras["range_m"].to_numpy(dtype=float) <= camera_dot_m(point_m)
    shown = (cameras["status"] == "active").to_numpy() & ~within_dot
    if shown.any():
        _add_polygons(
            axes,
            shapely.simplify(summary.visible_views()[shown], tolerance_m),
            facecolor=palette.STATUS["active"],
            alpha=0.25,
            linewidth=0,
            rasterized=True,
        )
    points = cameras.geometry.to_numpy()
    colours = cameras["status"].map(palette.STATUS).fillna(palette.UNKNOWN_STATUS).to_numpy()
    for colour in dict.fromkeys([*palette.STATUS.values(), palette.UNKNOWN_STATUS]):
        mine = points[colours == colour]
        if len(mine):
            axes.plot(
                shapely.get_x(mine),
                shapely.get_y(mine),
                linestyle="",
                marker="o",
                markersize=CAMERA_DOT_PT,
                markeredgewidth=CAMERA_EDGE_PT,
                color=colour,
                zorder=1,
                rasterized=True,
            )


def _add_lines(axes, lines, tolerance_m: float, **style) -> None:
    """``lines`` (a GeoSeries of lines) as one rasterised collection, each line simplified to
    ``tolerance_m``."""
    parts = shapely.get_parts(shapely.simplify(lines.to_numpy(), tolerance_m))
    coordinates, owner = shapely.get_coordinates(parts, return_index=True)
    starts = np.flatnonzero(np.diff(owner)) + 1
    vertices = np.split(coordinates, starts) if len(coordinates) else []
    axes.add_collection(LineCollection(vertices, rasterized=True, **style), autolim=False)


def _add_pieces(axes, pieces, **style) -> None:
    """Two-point lines ``pieces`` (a GeoSeries) as one rasterised collection of polylines: a
    piece that starts where the one before it ends (within :data:`TOUCH_M`) continues it."""
    ends = shapely.get_coordinates(pieces.to_numpy()).reshape(-1, 2, 2)
    first = np.r_[True, np.hypot(*(ends[1:, 0] - ends[:-1, 1]).T) > TOUCH_M]
    last = np.r_[first[1:], True]
    run = np.cumsum(first) - 1
    order = np.argsort(np.r_[2 * np.arange(len(ends)), 2 * np.flatnonzero(last) + 1])
    points = np.concatenate([ends[:, 0], ends[last, 1]])[order]
    owner = np.r_[run, run[last]][order]
    vertices = np.split(points, np.flatnonzero(np.diff(owner)) + 1)
    axes.add_collection(LineCollection(vertices, rasterized=True, **style), autolim=False)


def _add_polygons(axes, polygons: np.ndarray, **style) -> None:
    """``polygons`` (shapely, possibly multi) as one collection: each polygon one path, its
    holes sub-paths, filled as matplotlib fills a polygon with holes."""
    parts = shapely.get_parts(polygons)
    parts = parts[shapely.get_type_id(parts) == shapely.GeometryType.POLYGON]
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coordinates, ring_of = shapely.get_coordinates(rings, return_index=True)
    paths = []
    if len(coordinates):
        first = np.r_[True, np.diff(ring_of) != 0]
        last = np.r_[first[1:], True]
        codes = np.full(len(coordinates), MplPath.LINETO, dtype=MplPath.code_type)
        codes[first], codes[last] = MplPath.MOVETO, MplPath.CLOSEPOLY
        starts = np.flatnonzero(np.diff(ring_part[ring_of])) + 1
        paths = [
            MplPath(xy, kinds)
            for xy, kinds in zip(
                np.split(coordinates, starts), np.split(codes, starts), strict=True
            )
        ]
    axes.add_collection(PathCollection(paths, **style), autolim=False)


def legend_handles(
    lang: str, camera_statuses: pd.Series | None = None, site_statuses: tuple[str, ...] = ()
) -> list:
    """The legend's entries, labelled in ``lang``: the layers, the cameras by the statuses in
    ``camera_statuses``, and the campaign sites by colour for the statuses in ``site_statuses``."""
    handles = [
        Line2D([], [], color=palette.COVERED, lw=2, label=text("map.layer.covered", lang)),
        Line2D([], [], color=palette.UNCOVERED, lw=2, label=text("map.layer.uncovered", lang)),
        Line2D([], [], color=palette.GAP, lw=5, alpha=0.6, label=text("map.layer.gaps", lang)),
        Patch(facecolor=palette.HOTSPOT, alpha=0.3, label=text("map.layer.hotspots", lang)),
        Patch(facecolor=palette.STATUS["active"], alpha=0.3, label=text("map.layer.views", lang)),
        Patch(
            facecolor=palette.WARD_FILL, edgecolor=palette.WARD, label=text("map.layer.wards", lang)
        ),
    ]
    shown = set(() if camera_statuses is None else camera_statuses)
    for status, colour in palette.STATUS.items():
        if status in shown:
            label = text("print.camera_status", lang, status=text(f"status.{status}", lang))
            handles.append(_marker(colour, label, edge=colour))
    for colour in dict.fromkeys(palette.PROPOSAL[s] for s in site_statuses):
        names = [
            text(f"target.{s}", lang)
            for s in dict.fromkeys(site_statuses)
            if palette.PROPOSAL[s] == colour
        ]
        handles.append(_marker(palette.OUTLINE, text("print.sites", lang, statuses=names), colour))
    return handles


def _marker(colour: str, label: str, edge: str) -> Line2D:
    return Line2D(
        [],
        [],
        linestyle="",
        marker="o",
        markersize=7,
        markerfacecolor=colour,
        markeredgecolor=edge,
        markeredgewidth=2,
        label=textwrap.fill(label, LEGEND_CHARACTERS),
    )


def source_line(summary: CoverageSummary, lang: str) -> str:
    """Where the data come from, the ward boundary set, and the demo's warning."""
    dataset = summary.dataset
    line = text("print.source", lang)
    if dataset.boundary_set:
        line += " " + text("print.boundary_set", lang, name=dataset.boundary_set)
    if dataset.illustrative_wards:
        line += " " + text("print.illustrative_wards", lang)
    if dataset.is_demo:
        line += " " + text("print.demo_note", lang)
    return line


def save_figure(figure: Figure, path: Path, *, fmt: str = "png", size: str = "a4") -> None:
    """Write ``figure`` as ``fmt`` ``"png"`` (at the size's resolution) or ``"pdf"``."""
    _, dpi = SIZES[size]
    with matplotlib.rc_context(STYLE):
        if fmt == "pdf":
            figure.savefig(path, format="pdf", metadata=PDF_METADATA)
        else:
            figure.savefig(
                path, format="png", dpi=dpi, metadata=PNG_METADATA, pil_kwargs=PNG_OPTIONS
            )


def preview_png(summary: CoverageSummary, *, lang: str, when: dt.date, **options) -> bytes:
    """A small PNG of the A4 map page (for showing before exporting)."""
    buffer = io.BytesIO()
    figure = map_figure(summary, lang=lang, when=when, **options)
    with matplotlib.rc_context(STYLE):
        figure.savefig(
            buffer, format="png", dpi=PREVIEW_DPI, metadata=PNG_METADATA, pil_kwargs=PNG_OPTIONS
        )
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
        f"{area} · {text('print.date', lang, date=when)}",
        fontsize=10 * scale,
        va="top",
        color="#37474f",
    )


def _figures_box(figure, summary, lang) -> None:
    """The headline figures beside the map."""
    routes = summary.routes
    rows = [
        (text("print.cameras", lang), number(len(active_cameras(summary.dataset.cameras)), lang)),
        (text("print.key_routes", lang), text("print.km", lang, km=routes.length_m / 1000)),
        (text("kpi.covered_share", lang), percent(routes.share, lang)),
        (text("kpi.gaps", lang, min_m=summary.gap_min_m), number(len(summary.gaps), lang)),
    ]
    y = 0.36
    for label, value in rows:
        figure.text(0.74, y, label, fontsize=8, color=MUTED)
        figure.text(0.98, y, value, fontsize=9, fontweight="bold", ha="right")
        y -= 0.035


def _draw_proposals(axes, proposals: pd.DataFrame, crs) -> None:
    """Each site's field of view in its status colour, and its rank as a badge on top."""
    shapes = cones(proposals, crs)
    colours = np.array([palette.PROPOSAL[s] for s in shapes["status"]])
    shapes.plot(
        ax=axes,
        color=colours,
        alpha=0.5,
        linewidth=0.6,
        edgecolor=palette.OUTLINE,
        rasterized=True,
    )
    points = gpd.GeoSeries(gpd.points_from_xy(proposals["lon"], proposals["lat"]), crs=4326)
    points = points.to_crs(crs)
    for point, rank, status in zip(points, proposals["rank"], proposals["status"], strict=True):
        axes.annotate(
            str(rank),
            (point.x, point.y),
            fontsize=BADGE_POINTS,
            fontweight="bold",
            ha="center",
            va="center",
            color="#ffffff",
            zorder=6,
            bbox={
                "boxstyle": "circle,pad=0.25",
                "facecolor": palette.OUTLINE,
                "edgecolor": palette.PROPOSAL[status],
                "linewidth": 2,
            },
        )
