"""Tables and figures as pages show them: localised column names, percentages, rounding.

Shares are 0–1 everywhere else; here they become percentages because a person reads them.
"""

from __future__ import annotations

import pandas as pd

from coverage.network import OUTSIDE_WARDS
from geodata.i18n import text
from geodata.summary import CoverageSummary


def overview_figures(summary: CoverageSummary) -> dict[str, str]:
    """The headline figures, keyed by their catalogue label, formatted for display."""
    cameras = summary.dataset.cameras
    routes = summary.routes
    return {
        "kpi.cameras_total": f"{len(cameras):,}",
        "kpi.cameras_active": f"{int((cameras['status'] == 'active').sum()):,}",
        "kpi.key_routes_km": f"{routes.length_m / 1000:,.1f}",
        "kpi.covered_share": f"{routes.share:.1%}",
        "kpi.redundant_km": f"{routes.total_redundant_m / 1000:,.1f}",
        "kpi.gaps": f"{len(summary.gaps):,}",
    }


def ward_health(summary: CoverageSummary, lang: str) -> list[str]:
    """Data warnings a person should act on: load-report quirks, cameras outside every ward."""
    lines = summary.dataset.report.lines()
    cameras, wards = summary.dataset.cameras, summary.dataset.wards
    inside = cameras.geometry.intersects(wards.geometry.union_all())
    outside = int((~inside).sum())
    if outside:
        lines.append(text("health.outside", lang, count=outside))
    return lines


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
