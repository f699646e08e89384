"""Reading a file into a (Geo)DataFrame, and nothing else: no validation, no reprojection.

A *source* is a path (``str`` or :class:`~pathlib.Path`) or an upload: an object with a ``name``
and ``getvalue()`` or ``read()``, such as Streamlit's ``UploadedFile``. Uploads that GDAL must
open by path are written to a temporary folder that is removed once the file is read.

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
"""

from __future__ import annotations

import io
import logging
import os
import re
import tempfile
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
from pyogrio.errors import DataLayerError, DataSourceError

from geodata.errors import UnreadableFile
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

_ZIPPED_SUFFIXES = (".shp", ".geojson", ".json", ".gpkg", ".kml")
_SEPARATORS = (",", ";", "\t")
_SHAPEFILE_FIX = Message("file.fix.shapefile")


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
    source : str, pathlib.Path or file-like
        A GeoJSON, GeoPackage, Shapefile, zipped Shapefile or KML file, or an upload of one.
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
    data = _source_bytes(source)
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


def _source_bytes(source) -> bytes:
    """The content of a path or an upload."""
    if isinstance(source, str | os.PathLike):
        return _existing_path(Path(source)).read_bytes()
    return _upload_bytes(source)


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
    header = next((line for line in text.splitlines() if line.strip()), "")
    return max(_SEPARATORS, key=header.count)


def _csv_frame(data: bytes, *, name: str) -> pd.DataFrame:
    """The rows of a CSV file as text, blank lines kept as rows of missing values."""
    text = _decoded_text(data, name=name)
    if not text.strip():
        raise UnreadableFile("error.file.empty", file=name)
    separator = _separator(text)
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=separator,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=False,
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


def _xlsx_frame(data: bytes, *, name: str) -> pd.DataFrame:
    """The rows of an Excel workbook's first sheet, cells as stored."""
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and validation rules it skips; cells are unaffected.
            warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
            return pd.read_excel(io.BytesIO(data), sheet_name=0, engine="openpyxl", dtype=object)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as err:
        logger.info("%s: not an Excel workbook: %s", name, err)
        raise UnreadableFile("error.file.bad_xlsx", file=name) from None
