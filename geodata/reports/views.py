"""Tables and figures as pages show them: localised column names, percentages, rounding.

Shares are 0–1 everywhere else; here they become percentages because a person reads them.
The tables keep numbers as numbers (rounded as shown; the exports write them as numbers);
:func:`styled` gives the page the same table written in the reader's locale (2.000 · 32,8),
still sorting by the numbers.
"""

from __future__ import annotations

import datetime as dt

import altair as alt
import numpy as np
import pandas as pd
from babel.numbers import get_decimal_symbol, get_group_symbol
from pandas.io.formats.style import Styler

from coverage.network import OUTSIDE_WARDS
from coverage.tiers import DEFAULT_HORIZONTAL_PX, assumed_specs
from geodata import i18n
from geodata.analysis.summary import CoverageSummary
from geodata.i18n import text
from geodata.io.exports import fewest_decimals
from geodata.maps import palette
from geodata.registry.records import missing_bearing

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


SHARE_FIGURES = frozenset({"kpi.covered_share", "kpi.hotspot_share"})
"""The headline figures that are shares (0–1); the others are counts, but for km below."""
FIGURE_DECIMALS = {"kpi.redundant_km": 1}
"""Decimals of the headline figures that are not whole numbers (nor shares)."""


def headline_values(summary: CoverageSummary, health: dict[str, int]) -> dict[str, float]:
    """The headline figures as numbers (shares 0–1, lengths in km), keyed by catalogue label."""
    routes = summary.routes
    return {
        "kpi.cameras_total": health["total"],
        "kpi.cameras_active": health["active"],
        "kpi.cameras_broken": health["broken"],
        "kpi.cameras_unverified": health["unverified"],
        "kpi.covered_share": routes.share,
        "kpi.hotspot_share": hotspot_share(summary),
        "kpi.redundant_km": routes.total_redundant_m / 1000,
        "kpi.gaps": len(summary.gaps),
    }


def overview_figures(summary: CoverageSummary, health: dict[str, int], lang: str) -> dict[str, str]:
    """The headline figures, keyed by their catalogue label, written for ``lang``."""
    return {
        key: i18n.percent(value, lang)
        if key in SHARE_FIGURES
        else i18n.number(value, lang, digits=FIGURE_DECIMALS.get(key, 0))
        for key, value in headline_values(summary, health).items()
    }


def health_warnings(summary: CoverageSummary, health: dict[str, int], lang: str) -> list[str]:
    """Data warnings a person should act on: load-report quirks and registry problems."""
    lines = summary.dataset.report.lines(lang)
    for key in ("outside_wards", "missing_bearing", "unverified"):
        if health[key]:
            lines.append(text(f"health.{key}", lang, count=health[key]))
    return lines


def styled(table: pd.DataFrame, lang: str, *, plain: tuple[str, ...] = ()) -> Styler:
    """``table`` written in ``lang``'s formats, for ``st.dataframe`` (which sorts by value).

    Numbers are grouped and get the decimals they were rounded to; dates are written as
    ``lang`` writes them; empty cells are empty (never "None"). ``plain`` columns (numbers
    that are names: ids, ranks) are written as they are.
    """
    formats = _formats(table, lang, plain)
    # Streamlit's grid draws a missing value as "None" whatever the Styler says; plain columns
    # are names: whole numbers, or, when some are missing, texts with an empty one in the gaps
    # (a column of numbers and texts is not one Arrow type).
    names = {column: _names(table[column]) for column in plain if column in table.columns}
    return (
        table.assign(**names)
        .style.format(formats, na_rep="")
        .format(na_rep="", subset=[column for column in table.columns if column not in formats])
    )


def _names(column: pd.Series) -> pd.Series:
    if column.notna().all():
        return column.map(_whole).astype(object)
    return column.map(lambda value: str(_whole(value)), na_action="ignore").fillna("")


def _whole(value):
    return int(value) if isinstance(value, float) and value.is_integer() else value


def written(table: pd.DataFrame, lang: str, *, plain: tuple[str, ...] = ()) -> pd.DataFrame:
    """Every cell of ``table`` as the text :func:`styled` shows (for print)."""
    formats = _formats(table, lang, plain)
    return pd.DataFrame(
        {
            column: table[column].map(formats.get(column, _plain)).to_numpy(dtype=object)
            for column in table.columns
        },
        columns=table.columns,
    )


def _formats(table: pd.DataFrame, lang: str, plain: tuple[str, ...]) -> dict:
    formats = {}
    for column in table.columns:
        values = table[column]
        if column in plain:
            formats[column] = _plain
        elif pd.api.types.is_bool_dtype(values):
            continue
        elif pd.api.types.is_numeric_dtype(values):
            formats[column] = _number_format(values, lang)
        elif values.map(lambda v: isinstance(v, dt.date)).any():
            formats[column] = _date_format(lang)
    return formats


def _plain(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number_format(values: pd.Series, lang: str):
    digits = fewest_decimals(values)

    def written(value) -> str:
        if value is None or (isinstance(value, float) and not np.isfinite(value)):
            return ""
        return i18n.number(value, lang, digits=digits)

    return written


def _date_format(lang: str):
    def written(value) -> str:
        if isinstance(value, dt.datetime):
            return i18n.datetime(value, lang)
        if isinstance(value, dt.date):
            return i18n.date(value, lang)
        return ""

    return written


def ward_overview(summary: CoverageSummary, cameras: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Per ward, least covered first: cameras registered and active, key-route length, covered
    share, gaps."""
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
    ).pipe(_worst_first, text("column.share_pct", lang))


def _worst_first(table: pd.DataFrame, share: str) -> pd.DataFrame:
    """``table`` sorted by its ``share`` column, least covered first (ties in name order)."""
    return table.sort_values(share, kind="stable").reset_index(drop=True)


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
    shown = _coverage_table(table, "ward", "column.ward", lang)
    return _worst_first(shown, text("column.share_pct", lang))


def hotspot_table(summary: CoverageSummary, lang: str) -> pd.DataFrame:
    """Per-hotspot area coverage in hectares, least covered first, with localised headers."""
    spots = pd.DataFrame(summary.hotspots.drop(columns="geometry"))
    shown = pd.DataFrame(
        {
            text("column.hotspot", lang): spots["name"],
            text("column.area_ha", lang): (spots["area_m2"] / 10_000).round(2),
            text("column.covered_ha", lang): (spots["covered_m2"] / 10_000).round(2),
            text("column.share_pct", lang): (spots["share"] * 100).round(1),
        }
    )
    return _worst_first(shown, text("column.share_pct", lang))


def tier_table(summary: CoverageSummary, lang: str) -> pd.DataFrame:
    """Key-route metres and share at each detail tier, and the metres of each tier that rest on
    cameras whose image width is assumed."""
    tiers = summary.tiers
    return pd.DataFrame(
        {
            text("column.tier", lang): [text(f"tier.{t.tier.name}", lang) for t in tiers],
            text("column.px_per_m", lang): [t.tier.px_per_m for t in tiers],
            text("column.covered_m", lang): [round(t.routes.total_covered_m, 1) for t in tiers],
            text("column.share_pct", lang): [round(t.routes.share * 100, 1) for t in tiers],
            text("column.assumed_m", lang): [round(t.assumed_m, 1) for t in tiers],
        }
    )


def assumed_note(summary: CoverageSummary, lang: str) -> str:
    """How many active cameras have no stated image width, and what is assumed for them."""
    cameras = summary.dataset.cameras
    active = cameras[cameras["status"] == "active"]
    return text(
        "tier.assumed_note",
        lang,
        count=int(assumed_specs(active).sum()),
        total=len(active),
        px=DEFAULT_HORIZONTAL_PX,
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


_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#+-.!|<>~$:"})


def boundary_set_table(sets: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The kept ward boundary sets (:meth:`Registry.boundary_sets`) with localised headers:
    name, valid from, wards, current, illustrative, loaded by and when."""
    yes, no = text("ui.yes", lang), text("ui.no", lang)
    return pd.DataFrame(
        {
            text("column.boundary_set", lang): sets["name"],
            text("column.valid_from", lang): sets["valid_from"],
            text("column.wards", lang): sets["wards"].astype(int),
            text("column.current", lang): [yes if flag else no for flag in sets["current"]],
            text("column.illustrative", lang): [
                yes if flag else no for flag in sets["illustrative"]
            ],
            text("column.loaded_by", lang): sets["loaded_by"],
        }
    )


def literal(value: str) -> str:
    r"""``value`` as Streamlit Markdown that shows exactly these characters.

    Every Markdown, HTML and LaTeX mark is escaped, so a ward named ``![x](http://…)`` or
    ``$x$`` is shown as written and fetches nothing; line breaks stay line breaks.

    >>> print(literal("Phường *1* <b>"))
    Phường \*1\* \<b\>
    """
    lines = str(value).translate(_MARKDOWN_SPECIAL).splitlines()
    return "  \n".join(line.replace("  ", "\u00a0 ") for line in lines)


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
    """Each row of an import check: its number as the spreadsheet shows it, accepted or not,
    and why (in ``lang``)."""
    return pd.DataFrame(
        {
            text("import.row", lang): [r.row for r in result.rows],
            text("import.accepted", lang): [r.accepted for r in result.rows],
            text("import.reason", lang): [
                r.reason.render(lang) if r.reason else "" for r in result.rows
            ],
        }
    )


def chart_locale(lang: str) -> dict:
    """Vega's number locale for ``lang`` (decimal and group marks from Babel)."""
    return {
        "number": {
            "decimal": get_decimal_symbol(lang),
            "thousands": get_group_symbol(lang),
            "grouping": [3],
            "currency": ["", ""],
        }
    }


def share_bars(table: pd.DataFrame, label: str, share: str, lang: str) -> alt.Chart:
    """Horizontal bars of a table's covered share (%), one per row, in the table's order."""
    return (
        alt.Chart(table[[label, share]])
        .mark_bar(color=palette.COVERED)
        .encode(
            x=alt.X(
                share, title=share, scale=alt.Scale(domain=[0, 100]), axis=alt.Axis(format=".0f")
            ),
            y=alt.Y(
                label, title=None, sort=None, axis=alt.Axis(labelOverlap=False, labelLimit=240)
            ),
            tooltip=[label, alt.Tooltip(share, format=".1f")],
        )
        .properties(height=max(120, 26 * len(table)))
        .configure(locale=chart_locale(lang))
    )


def curve_chart(curve: pd.DataFrame, lang: str) -> alt.Chart:
    """The covered share (%) against the number of new cameras, its axis starting just below
    the share covered today."""
    points = curve.reset_index()
    cameras, share = points.columns[:2]
    low = max(0.0, float(points[share].min()) - 2.0)
    high = min(100.0, float(points[share].max()) + 2.0)
    return (
        alt.Chart(points)
        .mark_line(color=palette.COVERED, point=len(points) <= 60)
        .encode(
            x=alt.X(cameras, title=cameras, axis=alt.Axis(format="d", tickMinStep=1)),
            y=alt.Y(share, title=share, scale=alt.Scale(domain=[low, high], zero=False)),
            tooltip=[cameras, alt.Tooltip(share, format=".1f")],
        )
        .properties(height=320)
        .configure(locale=chart_locale(lang))
    )
