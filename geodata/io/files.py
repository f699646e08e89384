"""Reading a file into a (Geo)DataFrame, and nothing else: no validation, no reprojection.

A *source* is a path (``str`` or :class:`~pathlib.Path`) or an upload: an object with a ``name``
and ``getvalue()`` or ``read()``, such as Streamlit's ``UploadedFile``. Uploads that GDAL must
open by path are written to a temporary folder that is removed once the file is read. A vector
layer already read by another reader (an OpenStreetMap extract) is a :class:`NamedFrame`: its
features and the name of the file they came from, so that the layer loaders check it as they
check a file.

=================  ==========================================  ===================
format             suffixes                                    reader
=================  ==========================================  ===================
GeoJSON            ``.geojson``, ``.json``                      :func:`read_vector`
GeoPackage         ``.gpkg``                                    :func:`read_vector`
Shapefile          ``.shp`` (with ``.shx``, ``.dbf``, ``.prj``)   :func:`read_vector`
zipped Shapefile   ``.zip`` (read through GDAL's ``/vsizip/``)   :func:`read_vector`
KML                ``.kml``                                     :func:`read_vector`
CSV                ``.csv`` (UTF-8, BOM or not; ``,`` ``;`` tab)  :func:`read_table`
Excel workbook     ``.xlsx`` (first sheet)                      :func:`read_table`
=================  ==========================================  ===================

Files that cannot be read, have an unknown format or hold nothing raise
:class:`~geodata.errors.UnreadableFile` naming the file and the fix (what GDAL, pandas or
openpyxl said goes to the log, not to the user).

Tables are read within bounds, so that no file makes the process hold more than a few hundred
MB, and are refused (:class:`~geodata.errors.InputError`, naming the file, the limit and the
fix: split the list) beyond them, before parsing where the limit can be seen:

=============================  =========================  ===================================
limit                          value                      checked
=============================  =========================  ===================================
:data:`MAX_TABLE_BYTES`        20 MB a file               before reading (Streamlit's
                                                          ``server.maxUploadSize`` is the same)
:data:`MAX_UNPACKED_BYTES`     256 MB a workbook unpacked before parsing (zip bombs)
:data:`MAX_COLUMNS`            200 columns                CSV header before parsing; XLSX as
                                                          rows are read
:data:`MAX_ROWS`               100,000 data rows          as rows are read; reading stops there
:data:`MAX_CELLS`              4,000,000 rows × columns   as rows are read
:data:`MAX_CELL_CHARS`         32,767 characters a cell   as rows are read (CSV: once parsed)
=============================  =========================  ===================================

A workbook is read with openpyxl in read-only mode, row by row, ignoring the size the sheet
declares: empty cells and rows after the data cost nothing, and cells right of column
:data:`MAX_COLUMNS` + 1 are never looked at (a table that wide is refused at that column).
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import logging
import os
import re
import tempfile
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import geopandas as gpd
import openpyxl
import pandas as pd
import pyogrio
from openpyxl.cell.cell import ERROR_CODES
from pandas.io.parsers import TextParser
from pyogrio.errors import DataLayerError, DataSourceError

from geodata.errors import InputError, UnreadableFile
from geodata.i18n import Message

logger = logging.getLogger(__name__)

VECTOR_FORMATS = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GeoPackage",
    ".shp": "Shapefile",
    ".zip": "zipped Shapefile",
    ".kml": "KML",
}
"""Suffixes :func:`read_vector` reads, and the formats they stand for."""

TABLE_FORMATS = {".csv": "CSV", ".xlsx": "Excel workbook"}
"""Suffixes :func:`read_table` reads, and the formats they stand for."""

MAX_TABLE_BYTES = 20 * 1024 * 1024
"""The largest table file read, in bytes (20 MB: 100,000 rows of a ward's list fit in it)."""

MAX_UNPACKED_BYTES = 256 * 1024 * 1024
"""The most a workbook may unpack to, in bytes, as its zip directory states (zipfile never
unpacks a member beyond its stated size)."""

MAX_COLUMNS = 200
"""The most columns a table may have (a ward's list has about 30)."""

MAX_ROWS = 100_000
"""The most data rows a table may have, blank rows between them included."""

MAX_CELLS = 4_000_000
"""The most cells (data rows × columns) a table may have: 100,000 rows of 40 columns."""

MAX_CELL_CHARS = 32_767
"""The most characters a cell may hold: as many as an Excel cell can."""

_MB = 1024 * 1024
_UNSIZED_SHEET_BYTES = 8 * _MB
"""Sheets up to this size are read without counting their elements (:func:`_check_archive`)."""
_UNSIZED_SHEET_ELEMENTS = 2 * (MAX_CELLS + MAX_ROWS)
"""The most XML elements a sheet that does not state its size may hold: two a cell, one a
row, and as many again for inline texts' elements (:func:`_check_archive`)."""
_ZIPPED_SUFFIXES = (".shp", ".geojson", ".json", ".gpkg", ".kml")
_SEPARATORS = (",", ";", "\t")
_SHAPEFILE_FIX = Message("file.fix.shapefile")


class NamedFrame(NamedTuple):
    """Features read already, as a vector file's would be, and the name of their file.

    :func:`read_vector` gives the features back as they are (a copy with a RangeIndex), so a
    layer loader checks them exactly as it checks a file's; messages name ``name``.

    Attributes
    ----------
    name : str
        The file the features came from, as the user named it (``"hcmc.osm.pbf"``).
    frame : geopandas.GeoDataFrame
        The features, in their own declared CRS (e.g. EPSG:4326).
    """

    name: str
    frame: gpd.GeoDataFrame


def source_name(source) -> str:
    """The file's name as the user gave it, without folders (``"wards.geojson"``).

    Parameters
    ----------
    source : str, pathlib.Path or file-like
        A path, or an upload with a ``name``.
    """
    if isinstance(source, str | os.PathLike):
        return Path(source).name
    name = getattr(source, "name", None)
    if name is None:
        raise TypeError(
            f"expected a path or an uploaded file with a .name, got {type(source).__name__}"
        )
    return Path(str(name)).name


def is_table(source) -> bool:
    """Whether ``source`` is a spreadsheet (CSV or Excel), not a vector file, by its suffix."""
    return _suffix(source_name(source)) in (*TABLE_FORMATS, ".xls")


def read_vector(source, *, layer: str | None = None) -> gpd.GeoDataFrame:
    """The features of a vector file, in the file's own CRS (or none, when it declares none).

    Parameters
    ----------
    source : str, pathlib.Path, file-like or NamedFrame
        A GeoJSON, GeoPackage, Shapefile, zipped Shapefile or KML file, or an upload of one; or
        features read already (:class:`NamedFrame`).
    layer : str, optional
        The layer to read when the file holds several (a GeoPackage layer, a KML folder, or the
        name without extension of one dataset in a zip).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per feature, in file order, with a RangeIndex; the CRS is the file's (KML is
        always EPSG:4326; GeoJSON without a ``crs`` member is read as EPSG:4326).

    Raises
    ------
    UnreadableFile
        When the format is unknown, the file cannot be read, holds several layers and ``layer``
        is not given, has no geometry column, or holds no features.
    """
    name = source_name(source)
    if isinstance(source, NamedFrame):
        if source.frame.empty:
            raise UnreadableFile("error.file.no_features", file=name)
        return source.frame.reset_index(drop=True)
    suffix = _suffix(name)
    if suffix not in VECTOR_FORMATS:
        raise UnreadableFile(
            "error.file.vector_format",
            file=name,
            suffix=suffix or "—",
            formats=_formats_text(VECTOR_FORMATS),
        )
    with _local_path(source) as path:
        dataset, layer = (
            _zip_member(path, name=name, layer=layer) if suffix == ".zip" else (str(path), layer)
        )
        frame = _read_layer(dataset, name=name, layer=layer, kind=VECTOR_FORMATS[suffix])
    logger.info("read %d features from %s", len(frame), name)
    return frame


def read_table(source) -> pd.DataFrame:
    """The rows of a CSV file or of an Excel workbook's first sheet.

    Row ``i`` of the result (counting from 0) is row ``i + 2`` of the spreadsheet as a person
    sees it (the header is row 1): blank lines are kept as rows of missing values so that the
    numbers hold.

    Parameters
    ----------
    source : str, pathlib.Path or file-like
        A ``.csv`` file (UTF-8 with or without BOM, or UTF-16 with BOM; separated by ``,``,
        ``;`` or tabs, detected from the header) or an ``.xlsx`` workbook, or an upload of one.

    Returns
    -------
    pandas.DataFrame
        Column names stripped of surrounding spaces. CSV cells are text (``str``), Excel cells
        as stored (numbers, text, dates); empty cells are missing values.

    Raises
    ------
    UnreadableFile
        When the format is unknown (including old ``.xls`` workbooks), the file cannot be
        decoded or parsed, or it holds no data rows.
    InputError
        When the file is beyond a limit of the module docstring's table (bytes, unpacked
        bytes, columns, rows, cells, characters in a cell).
    """
    name = source_name(source)
    suffix = _suffix(name)
    if suffix == ".xls":
        raise UnreadableFile("error.file.xls", file=name)
    if suffix not in TABLE_FORMATS:
        raise UnreadableFile(
            "error.file.table_format",
            file=name,
            suffix=suffix or "—",
            formats=_formats_text(TABLE_FORMATS),
        )
    data = _table_bytes(source, name=name)
    frame = _csv_frame(data, name=name) if suffix == ".csv" else _xlsx_frame(data, name=name)
    frame.columns = [str(column).strip() for column in frame.columns]
    if frame.dropna(how="all").empty:
        raise UnreadableFile("error.file.no_rows", file=name)
    logger.info("read %d rows from %s", len(frame), name)
    return frame


def _suffix(name: str) -> str:
    """The lower-case suffix of a file name (``".geojson"``)."""
    return Path(name).suffix.lower()


def _formats_text(formats: dict[str, str]) -> list[Message]:
    """The formats of a suffix table as a readable list."""
    by_format: dict[str, list[str]] = {}
    for suffix, kind in formats.items():
        by_format.setdefault(kind, []).append(suffix)
    return [
        Message("file.format_with_suffixes", format=_format_name(kind), suffixes="/".join(suffixes))
        for kind, suffixes in by_format.items()
    ]


def _format_name(kind: str) -> Message:
    """A file format as its reader calls it (``file.format.<name>``)."""
    return Message("file.format." + kind.lower().replace(" ", "_"))


def _upload_bytes(source) -> bytes:
    """The content of an upload (Streamlit's ``UploadedFile`` or any object with ``read()``)."""
    content = source.getvalue() if hasattr(source, "getvalue") else source.read()
    return content.encode("utf-8") if isinstance(content, str) else bytes(content)


def _table_bytes(source, *, name: str) -> bytes:
    """The content of a path or an upload, refused beyond :data:`MAX_TABLE_BYTES`.

    A path's size is checked before it is read.
    """
    if isinstance(source, str | os.PathLike):
        path = _existing_path(Path(source))
        _check_size(path.stat().st_size, name=name)
        return path.read_bytes()
    data = _upload_bytes(source)
    _check_size(len(data), name=name)
    return data


def _check_size(size: int, *, name: str) -> None:
    if size > MAX_TABLE_BYTES:
        raise InputError(
            "error.file.too_big", file=name, size_mb=size / _MB, limit_mb=MAX_TABLE_BYTES // _MB
        )


def _existing_path(path: Path) -> Path:
    """``path``, refused when it is not an existing file."""
    if not path.is_file():
        raise UnreadableFile("error.file.missing", file=path.name, path=str(path))
    return path


@contextmanager
def _local_path(source) -> Iterator[Path]:
    """A path GDAL can open: the source's own path, or a temporary copy of an upload."""
    if isinstance(source, str | os.PathLike):
        yield _existing_path(Path(source))
        return
    with tempfile.TemporaryDirectory(prefix="cctv-upload-") as folder:
        path = Path(folder) / source_name(source)
        path.write_bytes(_upload_bytes(source))
        yield path


def _zip_member(path: Path, *, name: str, layer: str | None) -> tuple[str, str | None]:
    """The ``/vsizip/`` path of the one dataset in a zip archive, and the layer left to read."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.namelist()
    except zipfile.BadZipFile as err:
        logger.info("%s: not a zip archive: %s", name, err)
        raise UnreadableFile("error.file.bad_zip", file=name, fix=_SHAPEFILE_FIX) from None
    datasets = [
        member
        for member in members
        if _suffix(member) in _ZIPPED_SUFFIXES
        and "__MACOSX/" not in member
        and not Path(member).name.startswith("._")
    ]
    chosen = [member for member in datasets if Path(member).stem == layer]
    if chosen:
        return f"/vsizip/{path}/{chosen[0]}", None
    if not datasets:
        raise UnreadableFile("error.file.zip_empty", file=name, fix=_SHAPEFILE_FIX)
    if len(datasets) > 1:
        raise UnreadableFile("error.file.zip_several", file=name, members=datasets)
    return f"/vsizip/{path}/{datasets[0]}", layer


def _read_layer(dataset: str, *, name: str, layer: str | None, kind: str) -> gpd.GeoDataFrame:
    """One layer of a GDAL dataset, refused when it is ambiguous, has no geometry or is empty."""
    try:
        layers = [str(layer_name) for layer_name, _ in pyogrio.list_layers(dataset)]
        if layer is None and len(layers) > 1:
            raise UnreadableFile(
                "error.file.several_layers", file=name, count=len(layers), layers=layers
            )
        if layer is not None and layer not in layers:
            raise UnreadableFile("error.file.no_layer", file=name, layer=layer, layers=layers)
        frame = gpd.read_file(dataset, layer=layer, engine="pyogrio")
    except (DataSourceError, DataLayerError) as err:
        logger.info("%s: GDAL cannot read it as %s: %s", name, kind, err)
        raise UnreadableFile(
            "error.file.unreadable", file=name, format=_format_name(kind), fix=_read_fix(kind)
        ) from None
    if not isinstance(frame, gpd.GeoDataFrame):
        raise UnreadableFile(
            "error.file.no_geometry", file=name, columns=[str(c) for c in frame.columns]
        )
    if frame.empty:
        raise UnreadableFile("error.file.no_features", file=name)
    return frame


def _read_fix(kind: str) -> Message:
    """How to fix a file of format ``kind`` that GDAL cannot read."""
    if "Shapefile" in kind:
        return _SHAPEFILE_FIX
    return Message("file.fix.export_again", format=_format_name(kind))


def _decoded_text(data: bytes, *, name: str) -> str:
    """The text of a CSV file: UTF-16 when it starts with a UTF-16 BOM, else UTF-8 (BOM or not)."""
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        logger.info("%s: not UTF-8: %s", name, err)
        raise UnreadableFile("error.file.not_utf8", file=name) from None


def _separator(text: str) -> str:
    """The field separator of a CSV text: the one of ``,`` ``;`` tab most used in its header."""
    header = next((line for line in io.StringIO(text) if line.strip()), "")
    return max(_SEPARATORS, key=header.count)


def _header_width(text: str, *, separator: str, name: str) -> int:
    """How many fields the header of a CSV text has, read on its own (quotes understood)."""
    try:
        return next(
            (
                len(fields)
                for fields in csv.reader(io.StringIO(text), delimiter=separator)
                if fields
            ),
            0,
        )
    except csv.Error as err:
        logger.info("%s: not CSV: %s", name, err)
        raise UnreadableFile(
            "error.file.bad_csv", file=name, separator=separator.replace("\t", "Tab")
        ) from None


def _csv_frame(data: bytes, *, name: str) -> pd.DataFrame:
    """The rows of a CSV file as text, blank lines kept as rows of missing values.

    The header is counted before the rest is parsed, and parsing stops one row beyond what the
    limits allow. Blank lines at the end are not parsed, and do not count against the limits:
    they come back as rows of missing values, up to :data:`MAX_ROWS` rows in all.
    """
    text = _decoded_text(data, name=name)
    if not text.strip():
        raise UnreadableFile("error.file.empty", file=name)
    separator = _separator(text)
    full, text = text, text.rstrip("\r\n" + separator)
    columns = _header_width(text, separator=separator, name=name)
    _check_columns(columns, row=1, name=name)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=separator,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=False,
            nrows=min(MAX_ROWS, MAX_CELLS // max(columns, 1)) + 1,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        logger.info("%s: not CSV: %s", name, err)
        line = re.search(r"line (\d+)", str(err))
        raise UnreadableFile(
            "error.file.bad_csv_line" if line else "error.file.bad_csv",
            file=name,
            separator=separator.replace("\t", "Tab"),
            line=int(line[1]) if line else 0,
        ) from None
    _check_rows(len(frame), columns, name=name)
    blank = min(_blank_lines(full[len(text) :]), MAX_ROWS - len(frame))
    if blank and frame.index.equals(
        pd.RangeIndex(len(frame))
    ):  # not a column pandas made the index
        frame = frame.reindex(pd.RangeIndex(len(frame) + blank))
    for position in range(frame.shape[1]):
        lengths = frame.iloc[:, position].str.len().to_numpy(dtype=float, na_value=0.0)
        too_long = lengths > MAX_CELL_CHARS
        if too_long.any():
            first = int(too_long.argmax())
            _check_cell(int(lengths[first]), row=first + 2, name=name)
    return frame


def _blank_lines(tail: str) -> int:
    """How many blank lines follow the last line with data, given the text after its data.

    >>> _blank_lines("\\n,,\\n\\n"), _blank_lines(",,\\n"), _blank_lines("")
    (2, 0, 0)
    """
    breaks = tail.count("\n")
    return max(breaks - (tail.endswith("\n") or not tail), 0)


def _xlsx_frame(data: bytes, *, name: str) -> pd.DataFrame:
    """The rows of an Excel workbook's first sheet, cells as stored, as pandas reads them.

    The archive is checked first (:func:`_check_archive`); then the sheet is read in read-only
    mode row by row (:func:`_bounded_rows`), whatever size it declares.
    """
    try:
        _check_archive(data, name=name)
        with warnings.catch_warnings():
            # openpyxl warns about styles and validation rules it skips; cells are unaffected.
            warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheet = book.worksheets[0]
                sheet.reset_dimensions()  # the declared size may be anything
                cells = sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True)
                rows = _bounded_rows(cells, name=name)
            finally:
                book.close()
    except InputError:
        raise
    # XML parsers' errors subclass SyntaxError.
    except (zipfile.BadZipFile, KeyError, IndexError, OSError, ValueError, SyntaxError) as err:
        logger.info("%s: not an Excel workbook: %s", name, err)
        raise UnreadableFile("error.file.bad_xlsx", file=name) from None
    if not rows:
        return pd.DataFrame()
    return TextParser(rows, header=0, dtype=object, skip_blank_lines=False).read()


def _check_archive(data: bytes, *, name: str) -> None:
    """Refuse a workbook that unpacks to more than :data:`MAX_UNPACKED_BYTES`, or holds a
    large sheet that does not state its size at its start and holds too many XML elements.

    Excel and LibreOffice write the size (``<dimension>``); openpyxl's write-only mode does
    not. When it is missing, openpyxl's read-only mode parses the whole sheet to look for it
    as the workbook is opened, and keeps each element it passed (some 30 bytes) until then:
    such a sheet may hold as many elements as a list within :data:`MAX_CELLS` needs.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        unpacked = sum(member.file_size for member in members)
        if unpacked > MAX_UNPACKED_BYTES:
            raise InputError(
                "error.file.unpacked_too_big",
                file=name,
                size_mb=unpacked / _MB,
                limit_mb=MAX_UNPACKED_BYTES // _MB,
            )
        for member in members:
            if member.file_size <= _UNSIZED_SHEET_BYTES:
                continue
            with archive.open(member) as part:
                head = part.read(4096)
                if b"worksheet" not in head or b"dimension" in head:
                    continue
                chunks = itertools.chain([head], iter(functools.partial(part.read, _MB), b""))
                elements = sum(chunk.count(b"<") - chunk.count(b"</") for chunk in chunks)
            if elements > _UNSIZED_SHEET_ELEMENTS:
                logger.info("%s: %s states no size and holds %d elements", name, member, elements)
                raise UnreadableFile("error.file.bad_xlsx", file=name)


def _bounded_rows(rows: Iterable[tuple], *, name: str) -> list[list]:
    """A sheet's rows within the limits, as pandas' Excel reader hands them to its parser.

    Empty cells are ``""``, whole numbers stored as decimals ``int``, error cells (``#N/A``,
    ``#REF!``…) empty, as pandas reads them. Each row is cut after its last value and padded
    to the widest; blank rows after the last row with a value are dropped, and reading goes on
    through them (they cost a count), to refuse a row with a value beyond :data:`MAX_ROWS`.

    Parameters
    ----------
    rows : iterable of tuple
        The sheet's cell values, row by row from row 1, at most ``MAX_COLUMNS + 1`` a row.
    name : str
        The file's name, for the messages.
    """
    kept: list[list] = []
    width = 0
    blank = 0  # blank rows since the last row with a value
    gap = None  # openpyxl yields the rows missing from a sheet as one tuple, again and again
    for number, row in enumerate(rows, start=1):
        if row is gap:
            blank += 1
            continue
        end = _filled_length(row, known=width)
        if not end:
            gap = row
            blank += 1
            continue
        _check_columns(end, row=number, name=name)
        width = max(width, end)
        _check_rows(number - 1, width, name=name)
        kept.extend([] for _ in range(blank))
        blank = 0
        kept.append([_cell_value(value, row=number, name=name) for value in row[:end]])
    for row in kept:
        row.extend([""] * (width - len(row)))
    return kept


def _filled_length(row: tuple, *, known: int) -> int:
    """How many cells of ``row`` are left without its trailing empty ones (None or ``""``).

    The cells beyond ``known`` (the widest row so far) are checked first, at once: most rows
    end before it.
    """
    end = known if _blank(row[known:]) else len(row)
    end = min(end, len(row))
    while end and (row[end - 1] is None or row[end - 1] == ""):
        end -= 1
    return end


def _blank(cells: tuple) -> bool:
    """Whether every cell is None or ``""``."""
    empty = cells.count(None)
    return empty == len(cells) or empty + cells.count("") == len(cells)


def _cell_value(value, *, row: int, name: str):
    """A cell's value as pandas reads it from openpyxl, refused when it is too long."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        _check_cell(len(value), row=row, name=name)
        if value in ERROR_CODES:
            return ""
    return value


def _check_columns(columns: int, *, row: int, name: str) -> None:
    """Refuse a row of more than :data:`MAX_COLUMNS` columns."""
    if columns > MAX_COLUMNS:
        raise InputError(
            "error.file.too_many_columns", file=name, limit=MAX_COLUMNS, row=row, column=columns
        )


def _check_rows(rows: int, columns: int, *, name: str) -> None:
    """Refuse more than :data:`MAX_ROWS` data rows, or more than :data:`MAX_CELLS` cells."""
    if rows > MAX_ROWS:
        raise InputError("error.file.too_many_rows", file=name, limit=MAX_ROWS)
    if rows * columns > MAX_CELLS:
        raise InputError(
            "error.file.too_many_cells", file=name, limit=MAX_CELLS, rows=rows, columns=columns
        )


def _check_cell(length: int, *, row: int, name: str) -> None:
    """Refuse a cell of more than :data:`MAX_CELL_CHARS` characters (``row`` as people count)."""
    if length > MAX_CELL_CHARS:
        raise InputError(
            "error.file.cell_too_long", file=name, row=row, length=length, limit=MAX_CELL_CHARS
        )
