"""Files written for people and other tools (EPSG:4326, as every exchange format expects).

Every writer here is atomic: the file is written under a temporary name in the target's folder
and renamed over the target only once it is complete, so a failed export never leaves half a
file (and never damages the file it would have replaced).

Tables are written as data, never as formulas:

* CSV (UTF-8 with a byte-order mark, so that Excel shows Vietnamese): a text cell starting with
  ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written with a leading apostrophe
  (``'=SUM(A1)``), which spreadsheet programs read as "this is text" (OWASP's advice against CSV
  injection). The apostrophe is part of the file's text: a phone ``+84 90…`` is written
  ``'+84 90…``, which also stops Excel from turning it into a number.
* XLSX: text cells are written with the string type. openpyxl would store any text starting with
  ``=`` as a formula; those cells are forced to the string type and marked "quote prefix", so
  Excel shows the text and keeps it text when the cell is edited. Other leading characters are
  never formulas in a stored workbook. The text itself is unchanged. Numbers are stored as
  numbers with a number format (``#,##0``, ``#,##0.0``, ``0.0%``), which Excel and LibreOffice
  show in the reader's locale (2.000 and 32,8 % in Vietnamese).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from geodata.io.crs import to_wgs84

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters that make a spreadsheet program read a CSV cell as a formula."""

DATE_FORMAT = "yyyy-mm-dd"
MAX_COLUMN_WIDTH = 40
PLAIN_NUMBER_FORMAT = "0"
"""Whole numbers that are names (ids, ranks): written without grouping."""


@dataclass(frozen=True)
class Formatted:
    """A number and the Excel number format it is shown with, for a column of mixed figures.

    >>> str(Formatted(0.328, "0.0%"))
    '0.328'
    """

    value: float
    number_format: str

    def __str__(self) -> str:
        return str(self.value)


def fewest_decimals(values: pd.Series) -> int:
    """The fewest decimals (up to 7) that write every value of ``values`` exactly.

    >>> fewest_decimals(pd.Series([1.5, 2.25, None])), fewest_decimals(pd.Series([3, 4]))
    (2, 0)
    """
    finite = values.to_numpy(dtype=float, na_value=np.nan)
    finite = finite[np.isfinite(finite)]
    for digits in range(8):
        if np.allclose(finite, np.round(finite, digits), rtol=0, atol=1e-9):
            return digits
    return 7


def number_format(digits: int, *, grouped: bool = True) -> str:
    """Excel's number format with ``digits`` decimals.

    >>> number_format(0), number_format(2), number_format(1, grouped=False)
    ('#,##0', '#,##0.00', '0.0')
    """
    return ("#,##0" if grouped else "0") + ("." + "0" * digits if digits else "")


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path to write to; it replaces ``path`` when the block ends without error.

    The temporary file has ``path``'s name, in a hidden folder next to ``path`` (same file
    system, so the final rename is atomic; same suffix, so GDAL picks the right driver). The
    folder is removed whatever happens.

    Parameters
    ----------
    path : pathlib.Path
        The file to create or replace. Its folder must exist.
    """
    path = Path(path)
    folder = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        temporary = folder / path.name
        yield temporary
        os.replace(temporary, path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def write_geojson(frame: gpd.GeoDataFrame, path: Path) -> None:
    """Write ``frame`` as GeoJSON in EPSG:4326 (UTF-8, coordinates to 7 decimals, ~1 cm)."""
    degrees = to_wgs84(frame)
    with atomic_path(path) as temporary:
        degrees.to_file(
            temporary,
            driver="GeoJSON",
            engine="pyogrio",
            layer_options={"COORDINATE_PRECISION": 7},
        )


def write_geopackage(frame: gpd.GeoDataFrame, path: Path, *, layer: str) -> None:
    """Write ``frame`` as the one layer ``layer`` of a new GeoPackage, in EPSG:4326."""
    degrees = to_wgs84(frame)
    geometry_type = degrees.geom_type.iloc[0] if len(degrees) else "Unknown"
    with atomic_path(path) as temporary:
        degrees.to_file(
            temporary, driver="GPKG", layer=layer, engine="pyogrio", geometry_type=geometry_type
        )


def write_csv(table: pd.DataFrame, path: Path) -> None:
    """Write ``table`` as CSV for spreadsheet programs: UTF-8 with BOM, text never a formula.

    Times are written in UTC as ``YYYY-MM-DD HH:MM:SS``, dates as ``YYYY-MM-DD``, decimals with
    a point. See the module docstring for the apostrophe before formula-like text.
    """
    safe = table.copy()
    for column in safe.columns:
        values = safe[column]
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            safe[column] = values.dt.tz_convert("UTC").dt.tz_localize(None)
        elif values.dtype == object or pd.api.types.is_string_dtype(values):
            safe[column] = values.map(_csv_text, na_action="ignore").astype(object)
    with atomic_path(path) as temporary:
        # CRLF line ends (as Excel writes them) make the csv writer quote any cell holding a
        # line break, a bare carriage return included, so no cell can start a row of its own.
        safe.to_csv(
            temporary,
            index=False,
            encoding="utf-8-sig",
            date_format="%Y-%m-%d %H:%M:%S",
            lineterminator="\r\n",
        )


def write_xlsx(
    table: pd.DataFrame,
    path: Path,
    *,
    sheet_name: str,
    plain: tuple[str, ...] = (),
    date_format: str = DATE_FORMAT,
) -> None:
    """Write ``table`` as the one worksheet ``sheet_name`` of a new Excel workbook.

    ``plain`` and ``date_format`` are as in :func:`write_workbook`.
    """
    write_workbook({sheet_name: table}, path, plain=plain, date_format=date_format)


def write_workbook(
    sheets: dict[str, pd.DataFrame],
    path: Path,
    *,
    plain: tuple[str, ...] = (),
    date_format: str = DATE_FORMAT,
) -> None:
    """Write each table as a worksheet of a new Excel workbook, in order.

    On every sheet the header row is bold and frozen, with a filter; numbers are numbers with a
    number format (grouped, with the decimals the column was rounded to; a :class:`Formatted`
    value brings its own); dates are Excel dates, times Excel date-times in UTC; text is never
    a formula (see the module docstring). Characters XML cannot hold (control characters) are
    left out. Sheet names are cut to Excel's 31 characters.

    Parameters
    ----------
    plain : tuple of str, keyword-only
        Columns whose numbers are names (ids, ranks): written without grouping or decimals.
    date_format : str, keyword-only
        Excel's format for dates (``yyyy-mm-dd`` by default; ``dd/mm/yyyy`` for Vietnamese
        readers); date-times add `` hh:mm:ss``.
    """
    workbook = Workbook(write_only=True)
    for sheet_name, table in sheets.items():
        _write_sheet(workbook.create_sheet(sheet_name[:31]), table, plain, date_format)
    with atomic_path(path) as temporary:
        workbook.save(temporary)


def _write_sheet(sheet, table: pd.DataFrame, plain: tuple[str, ...], date_format: str) -> None:
    sheet.freeze_panes = "A2"
    for position, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = _width(table[column])
    bold = Font(bold=True)
    header = []
    for name in table.columns:
        cell = WriteOnlyCell(sheet, value=str(name))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    columns = [_xlsx_values(table[column]) for column in table.columns]
    formats = [
        _column_format(table[column], plain=column in plain, date_format=date_format)
        for column in table.columns
    ]
    for row in zip(*columns, strict=True):
        sheet.append(
            [_xlsx_cell(sheet, value, shown) for value, shown in zip(row, formats, strict=True)]
        )
    if len(table.columns):
        last = get_column_letter(len(table.columns))
        sheet.auto_filter.ref = f"A1:{last}{len(table) + 1}"


def _column_format(values: pd.Series, *, plain: bool, date_format: str) -> dict[type, str]:
    """The number format of each kind of value in a column."""
    formats = {dt.date: date_format, dt.datetime: f"{date_format} hh:mm:ss"}
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return formats
    if plain:
        return {**formats, float: PLAIN_NUMBER_FORMAT, int: PLAIN_NUMBER_FORMAT}
    shown = number_format(fewest_decimals(values))
    return {**formats, float: shown, int: shown}


def _csv_text(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _width(values: pd.Series) -> float:
    """A column width that fits the header and most values (in characters)."""
    sample = values.dropna().head(200).astype(str)
    longest = max([len(str(values.name)), *sample.str.len().tolist()])
    return float(min(longest + 2, MAX_COLUMN_WIDTH))


def _xlsx_values(values: pd.Series) -> list:
    """Python values openpyxl can write: ``None`` for missing, naive UTC for times."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    return [_plain(value) for value in values.astype(object)]


def _plain(value):
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _xlsx_cell(sheet, value, formats: dict[type, str]):
    """``value`` as openpyxl appends it: plain, or a cell with a type or format forced."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if not value.startswith("="):
            return value
        cell = WriteOnlyCell(sheet, value=value)  # openpyxl made it a formula: undo that
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell
    if isinstance(value, Formatted):
        cell = WriteOnlyCell(sheet, value=_plain(value.value))
        cell.number_format = value.number_format
        return cell
    kind = dt.datetime if isinstance(value, dt.datetime) else type(value)
    if isinstance(value, bool) or kind not in formats:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = formats[kind]
    return cell
