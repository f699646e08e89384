"""Tables of the planning page as people read them: recommended cameras, campaigns, targets.

Localised headers and values, metres rounded, shares as percentages.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from geodata.analysis.recommend import Recommendation
from geodata.i18n import catalogue, text
from geodata.io.exports import write_xlsx

SITE_COLUMNS = ("rank", "ward", "address", "template", "bearing_deg", "fov_deg", "range_m")
SITE_COLUMNS += ("gain_m", "lat", "lon")
TARGET_COLUMNS = ("rank", "ward_name", "address", "template", "bearing_deg", "gain_m", "status")
TARGET_COLUMNS += ("camera_id", "note", "updated_by")
PLAIN_KEYS = ("plan.column.rank", "plan.column.camera_id")
"""Headers of the columns whose numbers are names (written without grouping in a workbook)."""


def proposals(result: Recommendation) -> pd.DataFrame:
    """The recommended cameras as the map draws them (all ``proposed``), best first; a site's
    address is its household's, else the key route it stands by."""
    sites = pd.DataFrame(result.sites.drop(columns="geometry"))
    address = sites["label"].where(sites["label"].astype(bool), sites["road"])
    return sites.assign(
        rank=range(1, len(sites) + 1), status="proposed", address=address
    ).reset_index(drop=True)


def route_priorities(route_names, lang: str) -> pd.DataFrame:
    """Key routes and their priority (1 = ordinary), for the user to edit."""
    names = sorted(name for name in route_names if name)
    return pd.DataFrame(
        {text("plan.column.route", lang): names, text("plan.column.priority", lang): 1.0}
    )


def route_weights(table: pd.DataFrame, lang: str) -> dict[str, float]:
    """The priorities the user changed from 1, as route name → weight (empty cells: 1)."""
    priority = table[text("plan.column.priority", lang)].fillna(1.0).astype(float)
    names = table[text("plan.column.route", lang)]
    return {name: weight for name, weight in zip(names, priority, strict=True) if weight != 1.0}


def reached(result: Recommendation, shares=(0.4, 0.5, 0.6, 0.7, 0.8, 0.9)) -> dict[float, int]:
    """For each share the picks reach: how many new cameras it takes."""
    counts = {share: result.cameras_for(share) for share in shares}
    return {share: count for share, count in counts.items() if count is not None}


def recommended_table(result: Recommendation, lang: str) -> pd.DataFrame:
    """The recommended cameras, best first, with localised headers."""
    shown = proposals(result)
    shown["template"] = shown["template"].map(lambda t: _template(t, lang))
    shown["gain_m"] = shown["gain_m"].round(1)
    shown[["lat", "lon"]] = shown[["lat", "lon"]].round(6)
    return _localised(shown[list(SITE_COLUMNS)], lang)


def curve(result: Recommendation, lang: str) -> pd.DataFrame:
    """Covered share of key routes (%) against the number of new cameras, for a line chart."""
    points = result.placement.curve()
    return pd.DataFrame(
        {text("plan.column.share_pct", lang): (points["share"] * 100).round(2).to_numpy()},
        index=pd.Index(points["k"].to_numpy(), name=text("plan.column.k", lang)),
    )


def campaign_table(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The campaigns list with progress as a percentage."""
    shown = table.assign(
        progress=(table["progress"] * 100).round(1),
        covered_before_m=table["covered_before_m"].round(0),
        planned_m=table["planned_m"].round(0),
    )
    return _localised(shown.drop(columns=["created_at"]), lang)


def target_table(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A campaign's targets with localised statuses and templates."""
    shown = table.assign(
        status=table["status"].map(lambda s: text(f"target.{s}", lang)),
        template=table["template"].map(lambda t: _template(t, lang)),
        gain_m=table["gain_m"].round(1),
        address=table["address"].fillna(""),
        note=table["note"].fillna(""),
    )
    return _localised(shown[list(TARGET_COLUMNS)], lang)


def progress_table(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Targets per status and the registered share, per ward and for the whole campaign."""
    shown = table.assign(
        ward=table["ward"]
        .replace("__all__", text("plan.all_wards", lang))
        .replace("", text("ward.outside", lang)),
        progress=(table["progress"] * 100).round(1),
    )
    statuses = {s: text(f"target.{s}", lang) for s in table.columns if f"target.{s}" in _KEYS}
    return _localised(shown, lang).rename(columns=statuses)


def target_label(row: pd.Series, lang: str) -> str:
    """How a target is named in a picker: rank, ward, address and status."""
    place = (
        row["address"] if isinstance(row["address"], str) and row["address"] else row["ward_name"]
    )
    status = text("target." + row["status"], lang)
    return f"#{row['rank']} · {place} · {status}"


def targets_xlsx(table: pd.DataFrame, lang: str) -> bytes:
    """A campaign's targets as an Excel workbook (the table shown, with coordinates)."""
    shown = target_table(table, lang)
    shown[text("plan.column.lat", lang)] = table["lat"].round(7).to_numpy()
    shown[text("plan.column.lon", lang)] = table["lon"].round(7).to_numpy()
    with tempfile.TemporaryDirectory(prefix="cctv-targets-") as folder:
        path = Path(folder) / "targets.xlsx"
        write_xlsx(
            shown,
            path,
            sheet_name=text("plan.targets", lang)[:31],
            plain=tuple(text(key, lang) for key in PLAIN_KEYS),
        )
        return path.read_bytes()


def _template(name: str, lang: str) -> str:
    key = f"type.{name}"
    return text(key, lang) if key in _KEYS else name


def _localised(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    return table.rename(
        columns={
            c: text(f"plan.column.{c}", lang) for c in table.columns if f"plan.column.{c}" in _KEYS
        }
    )


_KEYS = frozenset(catalogue("vi"))
