"""The PDF report for meetings: the map, the figures, the wards, the longest gaps, a campaign.

Pages (A4 landscape, DejaVu Sans embedded so that every diacritic prints and can be searched):

1. the coverage map (:func:`geodata.printmap.map_figure`), with the campaign's sites if any;
2. the headline figures, the per-ward table (cameras, key-route length, covered share, gaps) and
   the 20 longest gaps;
3. with a campaign: its progress per ward, and the map now beside the map with the campaign's
   remaining sites installed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

import matplotlib
import pandas as pd
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from geodata import views
from geodata.campaigns import PENDING, with_sites
from geodata.i18n import text
from geodata.planviews import progress_table
from geodata.printmap import PDF_METADATA, SIZES, STYLE, draw_map, map_figure, source_line
from geodata.summary import CoverageSummary, summarise

GAPS_LISTED = 20


@dataclass(frozen=True)
class CampaignPart:
    """What the report shows of a campaign: its name, targets and progress per ward."""

    name: str
    targets: pd.DataFrame
    progress: pd.DataFrame


def write_report(
    path: Path,
    summary: CoverageSummary,
    cameras: pd.DataFrame,
    *,
    lang: str,
    when: dt.date,
    wards: tuple[str, ...] = (),
    campaign: CampaignPart | None = None,
) -> None:
    """Write the meeting report of ``summary`` to ``path`` (PDF).

    Parameters
    ----------
    cameras : pandas.DataFrame
        The registry's camera table (:meth:`geodata.registry.Registry.cameras`) for the counts.
    wards : tuple of str, keyword-only
        Ward codes to frame the maps on (all when empty).
    """
    pending = None
    if campaign is not None:
        pending = campaign.targets[campaign.targets["status"].isin(PENDING)]
    with matplotlib.rc_context(STYLE), PdfPages(path, metadata=PDF_METADATA) as pdf:
        pdf.savefig(
            map_figure(
                summary,
                lang=lang,
                when=when,
                wards=wards,
                proposals=campaign.targets if campaign else None,
            )
        )
        pdf.savefig(_tables_page(summary, cameras, lang))
        if campaign is not None:
            pdf.savefig(_campaign_page(summary, campaign, pending, lang, wards))


def _tables_page(summary: CoverageSummary, cameras: pd.DataFrame, lang: str) -> Figure:
    figure = Figure(figsize=SIZES["a4"][0])
    health = views.camera_health(cameras)
    figures = views.overview_figures(summary, health, lang)
    rows = [
        [text(key, lang, min_m=f"{summary.gap_min_m:g}"), value] for key, value in figures.items()
    ]
    _table(figure, (0.03, 0.52, 0.30, 0.40), text("report.figures", lang), rows, None)
    wards = views.ward_overview(summary, cameras, lang)
    _table(
        figure,
        (0.37, 0.52, 0.60, 0.40),
        text("report.wards", lang),
        wards.astype(str).to_numpy().tolist(),
        list(wards.columns),
    )
    gaps = views.gap_table(summary, lang).head(GAPS_LISTED)
    _table(
        figure,
        (0.03, 0.05, 0.94, 0.42),
        text("report.gaps", lang),
        gaps.astype(str).to_numpy().tolist(),
        list(gaps.columns),
    )
    figure.text(0.03, 0.012, source_line(summary, lang), fontsize=6, color="#455a64", wrap=True)
    return figure


def _campaign_page(summary, campaign: CampaignPart, pending, lang, wards) -> Figure:
    figure = Figure(figsize=SIZES["a4"][0])
    figure.text(
        0.03,
        0.96,
        text("report.campaign", lang, name=campaign.name),
        fontsize=14,
        fontweight="bold",
        va="top",
    )
    progress = progress_table(campaign.progress, lang)
    _table(
        figure,
        (0.03, 0.62, 0.94, 0.28),
        text("plan.progress", lang),
        progress.astype(str).to_numpy().tolist(),
        list(progress.columns),
    )
    dataset = summary.dataset
    after = summarise(
        replace(dataset, cameras=with_sites(dataset, pending)),
        gap_min_m=summary.gap_min_m,
        segments=summary.routes.segments,
    )
    for box, shown, title in (
        (
            (0.02, 0.04, 0.47, 0.52),
            summary,
            text("report.now", lang, share=f"{summary.routes.share:.1%}"),
        ),
        (
            (0.51, 0.04, 0.47, 0.52),
            after,
            text("report.with_sites", lang, share=f"{after.routes.share:.1%}"),
        ),
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
        axes.set_title(title, fontsize=9)
    return figure


def _table(figure: Figure, box, title: str, rows: list, columns: list | None) -> None:
    axes = figure.add_axes(box)
    axes.set_axis_off()
    axes.set_title(title, fontsize=10, fontweight="bold", loc="left")
    if not rows:
        return
    table = axes.table(cellText=rows, colLabels=columns, loc="upper left", cellLoc="left")
    table.auto_set_font_size(False)
    table.set_fontsize(7)
    table.scale(1.0, 1.15)
