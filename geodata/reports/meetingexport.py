"""Exports for meetings: the map as PNG, the report as PDF, the map as one HTML file, a workbook.

For the district or for some wards, with a campaign's sites when one is chosen. Owner names and
phones never leave unless asked for with a stated purpose (the workbook's camera sheet only);
such an export is audited by the registry first. Every file is written whole or not at all, and
the same data, options and date give the same file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from geodata.analysis.summary import CoverageSummary
from geodata.errors import InputError
from geodata.i18n import catalogue, text
from geodata.io.exports import Formatted, atomic_path, number_format, write_workbook
from geodata.maps.htmlmap import map_heading, write_html
from geodata.maps.papersizes import SIZES
from geodata.maps.printmap import map_figure, save_figure
from geodata.maps.webmap import coverage_map
from geodata.registry import campaigns
from geodata.registry.access import Actor
from geodata.registry.cameraio import actor_summary, area_dataset, camera_table
from geodata.registry.service import Registry
from geodata.reports import planviews, views
from geodata.reports.formats import FORMATS
from geodata.reports.meetingreport import CampaignPart, write_report


def campaign_part(registry: Registry, actor: Actor, campaign_id: int) -> CampaignPart:
    """What an export shows of campaign ``campaign_id`` (the targets ``actor`` may see)."""
    listed = campaigns.campaigns(registry, actor)
    chosen = listed[listed["id"] == campaign_id]
    if chosen.empty:
        raise InputError("error.export.campaign", campaign=campaign_id)
    targets = campaigns.targets(registry, actor, campaign_id)
    return CampaignPart(str(chosen["name"].iat[0]), targets, campaigns.progress(targets))


def export_for_meeting(
    registry: Registry,
    actor: Actor,
    path: Path,
    *,
    fmt: str,
    lang: str = "vi",
    when: dt.date | None = None,
    wards: tuple[str, ...] = (),
    size: str = "a4",
    campaign_id: int | None = None,
    with_owner: bool = False,
    purpose: str = "",
    summary: CoverageSummary | None = None,
    boundary_set: str | None = None,
    progress: Callable[[float], None] | None = None,
) -> None:
    """Write one export for a meeting to ``path``.

    Parameters
    ----------
    fmt : str, keyword-only
        One of :data:`FORMATS`.
    when : datetime.date, optional, keyword-only
        The date printed on maps and the report (default today).
    wards : tuple of str, keyword-only
        Ward codes to show (the district when empty).
    size : str, keyword-only
        ``"a4"``, ``"a3"`` or ``"phone"`` (PNG).
    campaign_id : int, optional, keyword-only
        Show this campaign's sites and progress.
    with_owner, purpose : keyword-only
        Owner names and phones in the workbook's camera sheet, with the stated purpose (audited).
    summary : CoverageSummary, optional, keyword-only
        The coverage already computed for ``actor`` (the app's cache, on ``boundary_set``'s
        wards); computed when absent.
    boundary_set : str, optional, keyword-only
        The ward boundary set the wards, figures and cameras are given in (default: the
        current set).
    progress : callable, optional, keyword-only
        Called with the fraction done (0–1).
    """
    report = progress or (lambda fraction: None)
    if fmt not in FORMATS:
        raise InputError("error.export.format", format=fmt, formats=list(FORMATS))
    if size not in SIZES:
        raise InputError("error.export.size", size=size, sizes=list(SIZES))
    if with_owner and fmt != "xlsx":
        raise InputError("error.export.owner_format")
    path = Path(path)
    if not path.parent.is_dir():
        raise InputError("error.export.folder", path=str(path), folder=str(path.parent))
    when = when or dt.date.today()
    boundary_set = registry.other_boundary_set(actor, boundary_set)
    table = None  # the registry's camera table, read once for the figures and the report
    if summary is None or fmt == "pdf":
        table = registry.cameras(actor, boundary_set=boundary_set)
    summary = summary or actor_summary(
        registry, actor, area_dataset(registry, actor, boundary_set=boundary_set, cameras=table)
    )
    _check_wards(summary, wards)
    if wards:  # every figure of a filtered export is the filtered area's
        summary = summary.within_wards(wards)
    report(0.3)
    part = campaign_part(registry, actor, campaign_id) if campaign_id is not None else None
    targets = part.targets if part else None
    if fmt == "png":
        figure = map_figure(
            summary, lang=lang, when=when, size=size, wards=wards, proposals=targets
        )
        with atomic_path(path) as temporary:
            save_figure(figure, temporary, fmt="png", size=size)
    elif fmt == "pdf":
        with atomic_path(path) as temporary:
            write_report(
                temporary,
                summary,
                _in_wards(table, wards),
                lang=lang,
                when=when,
                wards=wards,
                campaign=part,
            )
    elif fmt == "html":
        names = _ward_names(summary, wards)
        with atomic_path(path) as temporary:
            write_html(
                coverage_map(summary, lang=lang, wards=names, proposals=targets),
                temporary,
                heading=map_heading(summary, lang=lang, when=when, wards=names),
            )
    else:
        cameras = camera_table(registry, actor, with_owner=with_owner, boundary_set=boundary_set)
        registry.record_export(
            actor,
            count=len(cameras),
            with_owner=with_owner,
            purpose=purpose,
            target=f"meeting-xlsx:{path}",
        )
        write_workbook(
            workbook_sheets(summary, cameras, lang, part, wards),
            path,
            plain=plain_columns(lang),
            date_format=text("book.date_format", lang),
        )
    report(1.0)


def workbook_sheets(
    summary: CoverageSummary,
    cameras: pd.DataFrame,
    lang: str,
    campaign: CampaignPart | None = None,
    wards: tuple[str, ...] = (),
) -> dict[str, pd.DataFrame]:
    """The workbook's sheets: summary, wards, routes, detail tiers, gaps, campaign sites and
    cameras."""
    names = _ward_names(summary, wards)
    cameras = cameras if not names else cameras[cameras["ward_name"].isin(names)]
    figures = views.headline_values(summary, views.camera_health(cameras))
    sheets = {
        text("book.summary", lang): pd.DataFrame(
            {
                text("book.figure", lang): [
                    text(key, lang, min_m=summary.gap_min_m) for key in figures
                ],
                text("book.value", lang): [
                    Formatted(value, _figure_format(key)) for key, value in figures.items()
                ],
            }
        ),
        text("book.wards", lang): _rows_of(
            views.ward_overview(summary, cameras, lang), names, lang
        ),
        text("book.routes", lang): views.route_table(summary, lang),
        text("book.tiers", lang): views.tier_table(summary, lang),
        text("book.gaps", lang): _rows_of(views.gap_table(summary, lang), names, lang),
    }
    if campaign is not None:
        shown = planviews.target_table(campaign.targets, lang)
        shown[text("plan.column.lat", lang)] = campaign.targets["lat"].round(7).to_numpy()
        shown[text("plan.column.lon", lang)] = campaign.targets["lon"].round(7).to_numpy()
        sheets[text("book.targets", lang)] = shown
    sheets[text("book.cameras", lang)] = camera_sheet(cameras.reset_index(drop=True), lang)
    return sheets


def camera_sheet(cameras: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The export camera table (:func:`geodata.registry.cameraio.camera_table`) as people read it:
    headers, statuses, camera types and yes/no in ``lang``; numbers and dates kept as such."""
    shown = cameras.copy()
    shown["status"] = shown["status"].map(lambda s: text(f"status.{s}", lang))
    shown["camera_type"] = shown["camera_type"].map(
        lambda t: text(f"type.{t}", lang), na_action="ignore"
    )
    for column in shown.columns:
        if pd.api.types.is_bool_dtype(shown[column]):
            shown[column] = shown[column].map(
                lambda yes: text("book.yes" if yes else "book.no", lang), na_action="ignore"
            )
    return shown.rename(columns={c: _camera_header(c, lang) for c in shown.columns})


def plain_columns(lang: str) -> tuple[str, ...]:
    """The workbook's columns whose numbers are names (ids, ranks, versions)."""
    keys = ("book.camera.id", "book.camera.version", *planviews.PLAIN_KEYS)
    return tuple(text(key, lang) for key in keys)


def _camera_header(column: str, lang: str) -> str:
    key = f"camera_field.{column}"
    return text(key, lang) if key in catalogue(lang) else text(f"book.camera.{column}", lang)


def _figure_format(key: str) -> str:
    if key in views.SHARE_FIGURES:
        return "0.0%"
    return number_format(views.FIGURE_DECIMALS.get(key, 0))


def _rows_of(table: pd.DataFrame, names: tuple[str, ...], lang: str) -> pd.DataFrame:
    """The rows of a localised table whose ward is one of ``names`` (all when empty)."""
    if not names:
        return table
    return table[table[text("column.ward", lang)].isin(names)].reset_index(drop=True)


def _ward_names(summary: CoverageSummary, wards: tuple[str, ...]) -> tuple[str, ...]:
    table = summary.dataset.wards
    return tuple(table[table["ward_code"].astype(str).isin(wards)]["ward_name"])


def _in_wards(cameras: pd.DataFrame, wards: tuple[str, ...]) -> pd.DataFrame:
    """The rows of a registry camera table whose ward is one of ``wards`` (all when empty), as
    :meth:`Registry.cameras` filters them."""
    if not wards:
        return cameras
    return cameras[cameras["ward_code"].isin(list(wards))].reset_index(drop=True)


def _check_wards(summary: CoverageSummary, wards: tuple[str, ...]) -> None:
    known = set(summary.dataset.wards["ward_code"].astype(str))
    unknown = sorted(set(wards) - known)
    if unknown:
        raise InputError("error.export.wards", codes=unknown, known=sorted(known))
