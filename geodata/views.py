"""Tables and figures as pages show them: localised column names, percentages, rounding.

Shares are 0–1 everywhere else; here they become percentages because a person reads them.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from coverage.network import OUTSIDE_WARDS
from geodata.i18n import text
from geodata.registry import missing_bearing
from geodata.summary import CoverageSummary

UNVERIFIED_AFTER_DAYS = 365
"""A camera not checked on site for longer than this is "unverified"."""


def camera_health(cameras: pd.DataFrame, *, today: dt.date | None = None) -> dict[str, int]:
    """Counts that tell whether the registry can be trusted, from a registry camera table.

    Keys: ``total``, ``active``, ``broken``, ``removed``, ``unverified`` (not checked on site
    for more than :data:`UNVERIFIED_AFTER_DAYS`), ``missing_bearing``, ``outside_wards``.
    """
    today = today or dt.date.today()
    cutoff = pd.Timestamp(today - dt.timedelta(days=UNVERIFIED_AFTER_DAYS))
    verified = pd.to_datetime(cameras["verified_on"])
    status = cameras["status"]
    return {
        "total": len(cameras),
        "active": int((status == "active").sum()),
        "broken": int((status == "broken").sum()),
        "removed": int((status == "removed").sum()),
        "unverified": int((verified.isna() | (verified < cutoff)).sum()),
        "missing_bearing": int(missing_bearing(cameras).sum()),
        "outside_wards": int(cameras["ward_code"].isna().sum()),
    }


def hotspot_share(summary: CoverageSummary) -> float:
    """The covered share (0–1) of all hotspot area together."""
    spots = summary.hotspots
    area = float(spots["area_m2"].sum())
    return float(spots["covered_m2"].sum()) / area if area > 0 else 0.0


def overview_figures(summary: CoverageSummary, health: dict[str, int]) -> dict[str, str]:
    """The headline figures, keyed by their catalogue label, formatted for display."""
    routes = summary.routes
    return {
        "kpi.cameras_total": f"{health['total']:,}",
        "kpi.cameras_active": f"{health['active']:,}",
        "kpi.cameras_broken": f"{health['broken']:,}",
        "kpi.cameras_unverified": f"{health['unverified']:,}",
        "kpi.covered_share": f"{routes.share:.1%}",
        "kpi.hotspot_share": f"{hotspot_share(summary):.1%}",
        "kpi.redundant_km": f"{routes.total_redundant_m / 1000:,.1f}",
        "kpi.gaps": f"{len(summary.gaps):,}",
    }


def health_warnings(summary: CoverageSummary, health: dict[str, int], lang: str) -> list[str]:
    """Data warnings a person should act on: load-report quirks and registry problems."""
    lines = summary.dataset.report.lines()
    for key in ("outside_wards", "missing_bearing", "unverified"):
        if health[key]:
            lines.append(text(f"health.{key}", lang, count=f"{health[key]:,}"))
    return lines


def ward_overview(summary: CoverageSummary, cameras: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Per ward: cameras registered and active, key-route length, covered share, gaps."""
    routes = summary.routes.by_ward().set_index("ward")
    names = summary.dataset.wards["ward_name"].tolist()
    registered = cameras["ward_name"].value_counts()
    active = cameras.loc[cameras["status"] == "active", "ward_name"].value_counts()
    gaps = summary.gaps["ward"].value_counts()
    gap_m = summary.gaps.groupby("ward")["length_m"].sum()
    return pd.DataFrame(
        {
            text("column.ward", lang): names,
            text("column.cameras", lang): [int(registered.get(n, 0)) for n in names],
            text("column.active", lang): [int(active.get(n, 0)) for n in names],
            text("column.key_km", lang): [
                round(float(routes["length_m"].get(n, 0.0)) / 1000, 2) for n in names
            ],
            text("column.share_pct", lang): [
                round(float(routes["share"].get(n, 0.0)) * 100, 1) for n in names
            ],
            text("column.gaps", lang): [int(gaps.get(n, 0)) for n in names],
            text("column.gap_m", lang): [round(float(gap_m.get(n, 0.0))) for n in names],
        }
    )


def _ward_label(name: str, lang: str) -> str:
    return text("ward.outside", lang) if name == OUTSIDE_WARDS else name


def route_table(summary: CoverageSummary, lang: str) -> pd.DataFrame:
    """Per-route coverage with localised headers."""
    table = summary.routes.by_route()
    return _coverage_table(table, "route", "column.route", lang)


def ward_table(summary: CoverageSummary, lang: str) -> pd.DataFrame:
    """Per-ward coverage with localised headers."""
    table = summary.routes.by_ward()
    table["ward"] = table["ward"].map(lambda name: _ward_label(name, lang))
    return _coverage_table(table, "ward", "column.ward", lang)


def hotspot_table(summary: CoverageSummary, lang: str) -> pd.DataFrame:
    """Per-hotspot area coverage with localised headers."""
    spots = pd.DataFrame(summary.hotspots.drop(columns="geometry"))
    return pd.DataFrame(
        {
            text("column.hotspot", lang): spots["name"],
            text("column.area_m2", lang): spots["area_m2"].round(0),
            text("column.covered_m2", lang): spots["covered_m2"].round(0),
            text("column.share_pct", lang): (spots["share"] * 100).round(1),
        }
    )


def gap_table(summary: CoverageSummary, lang: str) -> pd.DataFrame:
    """Gaps, longest first, with their midpoint in degrees."""
    gaps = summary.gaps_wgs84()
    return pd.DataFrame(
        {
            text("column.route", lang): gaps["route"],
            text("column.ward", lang): gaps["ward"].map(lambda name: _ward_label(name, lang)),
            text("column.length_m", lang): gaps["length_m"].round(1),
            text("column.lat", lang): gaps["lat"].round(6),
            text("column.lon", lang): gaps["lon"].round(6),
        }
    )


def _coverage_table(table: pd.DataFrame, key: str, label_key: str, lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            text(label_key, lang): table[key],
            text("column.length_m", lang): table["length_m"].round(1),
            text("column.covered_m", lang): table["covered_m"].round(1),
            text("column.redundant_m", lang): table["redundant_m"].round(1),
            text("column.share_pct", lang): (table["share"] * 100).round(1),
        }
    )


def error_text(error: Exception, lang: str) -> str:
    """A user error as a person reads it: a localised sentence, then the details."""
    key = {
        "PermissionDenied": "error.denied",
        "ConflictError": "error.conflict",
        "NotFound": "error.not_found",
    }.get(type(error).__name__, "error.invalid")
    return f"{text(key, lang)} ({error})"


LIST_COLUMNS = (
    "id",
    "external_code",
    "ward_name",
    "status",
    "camera_type",
    "bearing_deg",
    "fov_deg",
    "range_m",
    "street",
    "owner_name",
    "verified_on",
)


def camera_list(cameras: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The registry table as the register page shows it, with localised headers and values."""
    shown = cameras[list(LIST_COLUMNS)].copy()
    shown["status"] = shown["status"].map(lambda s: text(f"status.{s}", lang))
    shown["camera_type"] = shown["camera_type"].map(lambda t: text(f"type.{t}", lang))
    shown["ward_name"] = shown["ward_name"].fillna(text("ward.outside", lang))
    return shown.rename(columns={c: text(f"list.{c}", lang) for c in LIST_COLUMNS})


def import_preview(result, lang: str) -> pd.DataFrame:
    """Each row of an import check: its number, accepted or not, and why."""
    return pd.DataFrame(
        {
            text("import.row", lang): [r.row for r in result.rows],
            text("import.accepted", lang): [r.accepted for r in result.rows],
            text("import.reason", lang): [r.reason or "" for r in result.rows],
        }
    )
