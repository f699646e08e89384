"""Loaders for the four layers of a dataset: wards, roads, hotspots and cameras.

Each loader reads one file (a path or an upload, see :mod:`geodata.files`), checks it against the
column contract of :mod:`geodata.dataset`, and returns a GeoDataFrame with exactly the contract's
columns plus ``geometry``, a RangeIndex, and every geometry projected once to the working CRS
(a projected CRS in metres; estimated from the layer itself, EPSG:32648 for Ho Chi Minh City,
unless ``working=`` is given).

What cannot be used is refused once, listing every problem (the first 20, then "… and N more"),
each with its row or feature, column, what was expected, what was found and how to fix it:
:class:`~geodata.errors.SchemaError` for structure (a missing column, the wrong geometry type),
:class:`~geodata.errors.InputError` for values, :class:`~geodata.errors.FileCRSError` for a
missing or impossible CRS. Rows are numbered as in a spreadsheet (the header is row 1, the first
data row is row 2); features from 1 in file order, with their name when known.

What can be repaired is repaired and noted in the :class:`~geodata.loadreport.LoadReport` passed
as ``report=`` (pass one report to every loader of a dataset and show it to the user): features
without geometry dropped, invalid geometries repaired with :func:`shapely.make_valid`, heights (Z)
dropped, names normalised to Unicode NFC, duplicate and reversed-duplicate roads removed, empty
spreadsheet rows skipped.
"""

from __future__ import annotations

import logging
import math
import numbers
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from geodata.crs import WGS84, parse_crs, require_crs, to_working, working_crs
from geodata.dataset import (
    CAMERA_COLUMNS,
    CAMERA_STATUSES,
    HOTSPOT_COLUMNS,
    ROAD_COLUMNS,
    WARD_COLUMNS,
)
from geodata.detail import bounded_detail
from geodata.errors import InputError, SchemaError
from geodata.files import is_table, read_table, read_vector, source_name
from geodata.i18n import Message
from geodata.loadreport import LoadReport

logger = logging.getLogger(__name__)

WARD_NAME_FIELDS = (
    "ward_name",
    "name_vi",
    "ten_phuong",
    "tên phường",
    "tenphuong",
    "phuong",
    "phường",
    "ward",
    "name",
    "ten",
    "tên",
    "com_name",
    "name_3",
    "varname_3",
)
"""Columns tried, case-insensitively, for ward names; one with diacritics is preferred."""

WARD_CODE_FIELDS = (
    "ward_code",
    "code",
    "ma",
    "mã",
    "ma_phuong",
    "mã phường",
    "maphuong",
    "com_id",
    "id_3",
    "gid_3",
)
"""Columns tried, case-insensitively, for ward codes."""

ROAD_NAME_FIELDS = (
    "road_name",
    "ten_duong",
    "tên đường",
    "tenduong",
    "street",
    "street_name",
    "name_vi",
    "name",
    "ten",
    "tên",
)
"""Columns tried, case-insensitively, for road names; one with diacritics is preferred."""

HOTSPOT_NAME_FIELDS = (
    "hotspot_name",
    "name_vi",
    "name",
    "ten",
    "tên",
    "ten_diem",
    "tên điểm",
    "title",
)
"""Columns tried, case-insensitively, for hotspot names; one with diacritics is preferred."""

HOTSPOT_KIND_FIELDS = ("hotspot_kind", "kind", "type", "loai", "loại")
"""Columns tried, case-insensitively, for the kind of hotspot (default ``"hotspot"``)."""

LATITUDE_FIELDS = ("lat", "latitude", "vi_do", "vĩ độ")
LONGITUDE_FIELDS = ("lon", "lng", "long", "longitude", "kinh_do", "kinh độ")
CAMERA_ID_FIELDS = ("camera_id",)
CAMERA_TYPE_FIELDS = ("type", "camera_type")
CAMERA_WARD_FIELDS = ("ward", "ward_name")

MAX_RANGE_M = 500.0
"""The longest camera range accepted, in metres."""

BUFFER_QUAD_SEGS = 32
"""Segments per quarter circle when a hotspot point is buffered to a disc."""

DBF_NAME_LENGTH = 10
"""Shapefiles (dBASE) cut column names to this many characters."""

MAX_LISTED = 20
"""Problems listed in one error message; the rest are counted."""

_LABEL = "_feature"
_POLYGONAL = ("Polygon", "MultiPolygon")
_LINEAR = ("LineString", "MultiLineString")


@dataclass(frozen=True)
class _Problem:
    """One thing wrong in a file, as a person would fix it.

    ``where`` is the row or feature (empty for the file as a whole), ``column`` the column as
    the file names it; ``expected``, ``found`` and ``fix`` are catalogue messages (``found``
    may be a value from the file, as text).
    """

    where: Message | str
    column: str | None
    expected: Message
    found: Message | str
    fix: Message

    def message(self) -> Message:
        """The problem as its reader reads it."""
        place = [part for part in (self.where, self.column and _column(self.column)) if part]
        return Message(
            "layer.problem" if place else "layer.problem.file",
            place=Message("load.where", parts=place),
            expected=self.expected,
            found=self.found,
            fix=self.fix,
        )

    def __str__(self) -> str:
        return str(self.message())


def _column(name: str) -> Message:
    return Message("layer.column", column=name)


def _note(report: LoadReport, file: str, key: str, *, column: str | None = None, **params) -> None:
    """Add a quirk (catalogue ``key``) to ``report`` and log it (it is not lost without one)."""
    message = Message(key, **params)
    report.add(file, message, column=column)
    logger.info("%s: %s", file, message)


def _raise_problems(problems: list[_Problem], *, file: str, error: type[Exception]) -> None:
    """Raise ``error`` listing ``problems`` (the first :data:`MAX_LISTED`), if there are any."""
    if not problems:
        return
    lines = [problem.message() for problem in problems[:MAX_LISTED]]
    raise error(
        "error.layer.problems",
        file=file,
        count=len(problems),
        problems=Message(
            "layer.problem_lines", lines=lines, rest=max(len(problems) - MAX_LISTED, 0)
        )
        if len(problems) > MAX_LISTED
        else Message("layer.problem_lines.all", lines=lines),
    )


# --------------------------------------------------------------------------- public loaders


def load_wards(
    source,
    *,
    name_field: str | None = None,
    code_field: str | None = None,
    crs=None,
    working=None,
    report: LoadReport | None = None,
) -> gpd.GeoDataFrame:
    """Ward boundaries from a vector file, in the working CRS.

    Parameters
    ----------
    source : str, pathlib.Path or file-like
        A GeoJSON, GeoPackage, Shapefile (or zipped Shapefile) or KML file of polygons, or an
        upload of one.
    name_field : str, optional
        The column holding ward names; by default the first of :data:`WARD_NAME_FIELDS` that
        exists (case-insensitive), preferring one with Vietnamese diacritics.
    code_field : str, optional
        The column holding ward codes; by default the first of :data:`WARD_CODE_FIELDS`; when
        none exists (or a cell is empty) the name is the code.
    crs : pyproj.CRS, str or int, optional
        The CRS of a file that declares none (``"EPSG:32648"``, ``"EPSG:3405"``, proj/WKT).
    working : pyproj.CRS, str or int, optional
        The working CRS, projected in metres; by default estimated from this layer
        (:func:`geodata.crs.working_crs`).
    report : LoadReport, optional
        Receives the quirks repaired while loading (they are logged as well).

    Returns
    -------
    geopandas.GeoDataFrame
        ``ward_code``, ``ward_name`` (str, NFC) and Polygon/MultiPolygon ``geometry`` in the
        working CRS (metres).

    Raises
    ------
    SchemaError
        No name column (the message lists the columns there are), ``code_field`` not found, or
        features that are not polygons.
    InputError
        The file cannot be read or is empty, or a ward has no name.
    FileCRSError
        The file declares no CRS and ``crs`` is not given, or its coordinates cannot be in it.
    """
    report = LoadReport() if report is None else report
    file = source_name(source)
    frame = _declared(read_vector(source), file=file, crs=crs, report=report)
    name_column = _field(frame, name_field, WARD_NAME_FIELDS)
    code_column = _field(frame, code_field, WARD_CODE_FIELDS)
    names = _column_text(frame, name_column, file=file, report=report)
    codes = _column_text(frame, code_column, file=file, report=report)
    slim = _slim(
        frame,
        {"ward_code": codes.where(codes != "", names), "ward_name": names},
        _feature_labels(frame.index, names),
    )
    slim = _with_geometry(slim, file=file, report=report)
    schema = _type_problems(
        slim,
        _POLYGONAL,
        expected=Message("layer.expected.ward_geometry"),
        fix=Message("layer.fix.ward_geometry"),
    )
    if name_column is None:
        schema.insert(
            0,
            _missing_field(
                frame, name_field, WARD_NAME_FIELDS, role="ward_name", option="name_field"
            ),
        )
    if code_field is not None and code_column is None:
        schema.insert(
            0, _missing_field(frame, code_field, (), role="ward_code", option="code_field")
        )
    _raise_problems(schema, file=file, error=SchemaError)
    _raise_problems(
        _blank_problems(slim, "ward_name", name_column, role="ward_name"),
        file=file,
        error=InputError,
    )
    _note_missing_codes(slim, codes, code_column, file=file, report=report)
    slim = _repaired(
        _in_working(slim, working, file=file, report=report),
        dimension=2,
        file=file,
        report=report,
    )
    return _contract(slim, WARD_COLUMNS)


def load_roads(
    source,
    *,
    name_field: str | None = None,
    crs=None,
    working=None,
    report: LoadReport | None = None,
) -> gpd.GeoDataFrame:
    """Road centre-lines from a vector file, one LineString per row, in the working CRS.

    MultiLineStrings are split into LineString rows. A line that appears twice — identical, or
    once in each direction, as two-way roads in an osmnx export — is kept once (compared after
    :func:`shapely.normalize`); the load report says how many were removed.

    Parameters
    ----------
    source : str, pathlib.Path or file-like
        A GeoJSON, GeoPackage, Shapefile (or zipped Shapefile) or KML file of lines, or an upload.
    name_field : str, optional
        The column holding road names; by default the first of :data:`ROAD_NAME_FIELDS` that
        exists, preferring one with diacritics. Without one every ``road_name`` is ``""``.
    crs : pyproj.CRS, str or int, optional
        The CRS of a file that declares none.
    working : pyproj.CRS, str or int, optional
        The working CRS, projected in metres; by default estimated from this layer.
    report : LoadReport, optional
        Receives the quirks repaired while loading.

    Returns
    -------
    geopandas.GeoDataFrame
        ``road_name`` (str, NFC, ``""`` when unnamed) and LineString ``geometry`` in the working
        CRS (metres).

    Raises
    ------
    SchemaError
        ``name_field`` not found (the message lists the columns there are), or features that are
        not lines.
    InputError
        The file cannot be read, is empty, or no line is left after repair.
    FileCRSError
        The file declares no CRS and ``crs`` is not given, or its coordinates cannot be in it.
    """
    report = LoadReport() if report is None else report
    file = source_name(source)
    frame = _declared(read_vector(source), file=file, crs=crs, report=report)
    name_column = _field(frame, name_field, ROAD_NAME_FIELDS)
    names = _column_text(frame, name_column, file=file, report=report)
    slim = _slim(frame, {"road_name": names}, _feature_labels(frame.index, names))
    slim = _with_geometry(slim, file=file, report=report)
    schema = _type_problems(
        slim,
        _LINEAR,
        expected=Message("layer.expected.road_geometry"),
        fix=Message("layer.fix.road_geometry"),
    )
    if name_field is not None and name_column is None:
        schema.insert(
            0, _missing_field(frame, name_field, (), role="road_name", option="name_field")
        )
    _raise_problems(schema, file=file, error=SchemaError)
    if name_column is None:
        _note(report, file, "load.note.no_road_names", fields=list(ROAD_NAME_FIELDS))
    slim = _repaired(
        _in_working(slim, working, file=file, report=report),
        dimension=1,
        file=file,
        report=report,
    )
    slim = slim.explode(index_parts=False)
    return _contract(_without_duplicate_lines(slim, file=file, report=report), ROAD_COLUMNS)


def load_hotspots(
    source,
    *,
    name_field: str | None = None,
    radius_field: str = "radius_m",
    crs=None,
    working=None,
    report: LoadReport | None = None,
) -> gpd.GeoDataFrame:
    """Hotspot areas from a vector file of polygons, or of points with a radius, in the working CRS.

    Points become discs of their radius in metres, buffered in the working CRS with
    :data:`BUFFER_QUAD_SEGS` segments per quarter circle; polygons are kept as they are.

    Parameters
    ----------
    source : str, pathlib.Path or file-like
        A GeoJSON, GeoPackage, Shapefile (or zipped Shapefile) or KML file, or an upload.
    name_field : str, optional
        The column holding hotspot names (required); by default the first of
        :data:`HOTSPOT_NAME_FIELDS` that exists, preferring one with diacritics.
    radius_field : str, default ``"radius_m"``
        The column holding each point's radius in metres (> 0); needed only for points.
    crs : pyproj.CRS, str or int, optional
        The CRS of a file that declares none.
    working : pyproj.CRS, str or int, optional
        The working CRS, projected in metres; by default estimated from this layer.
    report : LoadReport, optional
        Receives the quirks repaired while loading.

    Returns
    -------
    geopandas.GeoDataFrame
        ``hotspot_name`` (str, NFC), ``hotspot_kind`` (str, from a ``kind`` or ``type`` column,
        else ``"hotspot"``), ``weight`` (float > 0, from a ``weight`` column, empty cells 1.0)
        and Polygon/MultiPolygon ``geometry`` in the working CRS (metres).

    Raises
    ------
    SchemaError
        No name column, points without a radius column, or features that are neither polygons
        nor points.
    InputError
        The file cannot be read or is empty; a name is empty; a radius or weight is not a
        number > 0.
    FileCRSError
        The file declares no CRS and ``crs`` is not given, or its coordinates cannot be in it.
    """
    report = LoadReport() if report is None else report
    file = source_name(source)
    frame = _declared(read_vector(source), file=file, crs=crs, report=report)
    name_column = _field(frame, name_field, HOTSPOT_NAME_FIELDS)
    kind_column = _field(frame, None, HOTSPOT_KIND_FIELDS)
    weight_column = _field(frame, None, ("weight",))
    radius_column = _field(frame, radius_field, ())
    names = _column_text(frame, name_column, file=file, report=report)
    kinds = _column_text(frame, kind_column, file=file, report=report)
    labels = _feature_labels(frame.index, names)
    slim = _slim(
        frame,
        {
            "hotspot_name": names,
            "hotspot_kind": kinds.where(kinds != "", "hotspot"),
            "_weight": _cells(frame, weight_column),
            "_radius": _cells(frame, radius_column),
        },
        labels,
    )
    slim = _with_geometry(slim, file=file, report=report)
    schema = _type_problems(
        slim,
        (*_POLYGONAL, "Point"),
        expected=Message("layer.expected.hotspot_geometry"),
        fix=Message("layer.fix.hotspot_geometry"),
    )
    if name_column is None:
        schema.insert(
            0,
            _missing_field(
                frame, name_field, HOTSPOT_NAME_FIELDS, role="hotspot_name", option="name_field"
            ),
        )
    points = (slim.geom_type == "Point").to_numpy()
    if points.any() and radius_column is None:
        schema.append(_missing_field(frame, radius_field, (), role="radius", option="radius_field"))
    _raise_problems(schema, file=file, error=SchemaError)
    weights, weight_problems = _parsed_numbers(
        slim["_weight"],
        slim[_LABEL],
        column=weight_column,
        required=False,
        expected=Message("layer.expected.weight"),
        valid=lambda value: value > 0,
        fix=Message("layer.fix.weight"),
    )
    radii, radius_problems = _parsed_numbers(
        slim.loc[points, "_radius"],
        slim.loc[points, _LABEL],
        column=radius_column,
        expected=Message("layer.expected.radius"),
        valid=lambda value: value > 0,
        fix=Message("layer.fix.radius"),
    )
    _raise_problems(
        [
            *_blank_problems(slim, "hotspot_name", name_column, role="hotspot_name"),
            *radius_problems,
            *weight_problems,
        ],
        file=file,
        error=InputError,
    )
    slim["weight"] = _weights(weights, file=file, column=weight_column, report=report)
    slim["_radius_m"] = np.nan
    slim.loc[points, "_radius_m"] = radii
    slim = _repaired(
        _in_working(slim, working, file=file, report=report),
        dimension=2,
        file=file,
        report=report,
    )
    return _contract(_buffered(slim), HOTSPOT_COLUMNS)


def load_cameras(
    source, *, crs=None, working=None, report: LoadReport | None = None
) -> gpd.GeoDataFrame:
    """Cameras from a CSV/XLSX table with latitude and longitude, or from a vector file of points.

    Columns (case-insensitive): ``lat``/``latitude`` and ``lon``/``lng``/``longitude`` (tables
    only, decimal degrees), ``bearing_deg`` (compass, clockwise from north, 0–360; 360 is stored
    as 0; may be empty only when ``fov_deg`` is 360), ``fov_deg`` (1–360, 360 = all round),
    ``range_m`` (metres, > 0 and ≤ :data:`MAX_RANGE_M`), and optionally ``status`` (``active``
    when empty, ``broken``, ``removed``), ``camera_id`` (``"row-7"``/``"feature-7"`` when empty;
    unique), ``type`` (→ ``camera_type``) and ``ward`` (→ ``ward_name``). Numbers may use a
    decimal comma. Latitude and longitude that look swapped are reported, never swapped.

    Parameters
    ----------
    source : str, pathlib.Path or file-like
        A ``.csv`` or ``.xlsx`` table, or a vector file of points in any CRS, or an upload.
    crs : pyproj.CRS, str or int, optional
        For a vector file that declares none: its CRS. For a table: the geographic CRS of its
        latitudes and longitudes (default EPSG:4326; e.g. EPSG:4756 for VN-2000); a projected
        one is not used (the report says so).
    working : pyproj.CRS, str or int, optional
        The working CRS, projected in metres; by default estimated from the cameras.
    report : LoadReport, optional
        Receives the quirks repaired while loading.

    Returns
    -------
    geopandas.GeoDataFrame
        The columns of :data:`geodata.dataset.CAMERA_COLUMNS` and Point ``geometry`` in the
        working CRS (metres).

    Raises
    ------
    SchemaError
        A required column is missing (the message lists the columns there are), or a vector
        file holds features that are not points.
    InputError
        The file cannot be read or is empty; a value is missing, not a number, out of range,
        an unknown status, a repeated camera_id, or latitude/longitude look swapped.
    FileCRSError
        A vector file declares no CRS and ``crs`` is not given, or its coordinates cannot be
        in it.
    """
    report = LoadReport() if report is None else report
    file = source_name(source)
    if is_table(source):
        slim = _table_cameras(read_table(source), file=file, crs=crs, report=report)
    else:
        slim = _vector_cameras(read_vector(source), file=file, crs=crs, report=report)
    return _contract(_projected(slim, working), CAMERA_COLUMNS)


# --------------------------------------------------------------------------- cameras


def _table_cameras(table: pd.DataFrame, *, file: str, crs, report: LoadReport) -> gpd.GeoDataFrame:
    """Camera points from a lat/lon table, in its geographic CRS, with contract columns."""
    table_crs = _lat_lon_crs(crs, file=file, report=report)
    labels = pd.Series(
        [Message("where.row", row=position + 2) for position in range(len(table))],
        index=table.index,
        dtype=object,
    )
    blank = table.apply(lambda column: _texts(column) == "").all(axis=1)
    if blank.any():
        _note(
            report,
            file,
            "load.note.empty_rows",
            count=int(blank.sum()),
            rows=_listing(labels[blank]),
        )
    table, labels = table[~blank], labels[~blank]
    lat_column = _field(table, None, LATITUDE_FIELDS)
    lon_column = _field(table, None, LONGITUDE_FIELDS)
    schema = [
        _missing_field(table, None, fields, role=role, option=None)
        for column, fields, role in (
            (lat_column, LATITUDE_FIELDS, "latitude"),
            (lon_column, LONGITUDE_FIELDS, "longitude"),
        )
        if column is None
    ]
    attributes, problems = _camera_attributes(table, labels, schema, file=file, report=report)
    lat, lat_problems = _parsed_numbers(
        table[lat_column],
        labels,
        column=lat_column,
        expected=Message("layer.expected.latitude"),
        valid=math.isfinite,
        fix=Message("layer.fix.latitude"),
    )
    lon, lon_problems = _parsed_numbers(
        table[lon_column],
        labels,
        column=lon_column,
        expected=Message("layer.expected.longitude"),
        valid=math.isfinite,
        fix=Message("layer.fix.longitude"),
    )
    ranges = _lat_lon_problems(lat, lon, labels, columns=f"{lat_column}, {lon_column}")
    _raise_problems([*lat_problems, *lon_problems, *ranges, *problems], file=file, error=InputError)
    return gpd.GeoDataFrame(attributes, geometry=gpd.points_from_xy(lon, lat), crs=table_crs)


def _lat_lon_crs(crs, *, file: str, report: LoadReport) -> pyproj.CRS:
    """The CRS of a table's latitudes and longitudes: ``crs`` when geographic, else WGS 84.

    A projected ``crs`` (stated for the other files of a dataset) cannot describe degrees; it is
    not used, and the report says so.
    """
    stated = WGS84 if crs is None else parse_crs(crs, file=file)
    if stated.is_geographic:
        return stated
    _note(report, file, "load.note.projected_lat_lon", crs=stated.name)
    return WGS84


def _vector_cameras(
    frame: gpd.GeoDataFrame, *, file: str, crs, report: LoadReport
) -> gpd.GeoDataFrame:
    """Camera points from a vector file, in the file's CRS, with contract columns."""
    labels = _feature_labels(frame.index, None)
    present = ~(frame.geometry.isna() | frame.geometry.is_empty)
    if not present.any():
        raise InputError("error.layer.no_geometry", file=file)
    if not present.all():
        _note(
            report,
            file,
            "load.note.no_geometry",
            count=int((~present).sum()),
            features=_listing(labels[~present]),
        )
    frame, labels = frame[present], labels[present]
    schema = [
        _Problem(
            label,
            "geometry",
            Message("layer.expected.camera_geometry"),
            kind,
            Message("layer.fix.camera_geometry"),
        )
        for label, kind in zip(labels, frame.geom_type, strict=True)
        if kind != "Point"
    ]
    attributes, problems = _camera_attributes(frame, labels, schema, file=file, report=report)
    if _in_degrees(frame.crs, crs, file=file):
        problems = [*_swapped_point_problems(frame, labels), *problems]
    _raise_problems(problems, file=file, error=InputError)
    points = _declared(frame, file=file, crs=crs, report=report)
    return _flat(
        gpd.GeoDataFrame(attributes, geometry=points.geometry.values, crs=points.crs),
        file=file,
        report=report,
    )


def _camera_attributes(
    frame: pd.DataFrame,
    labels: pd.Series,
    schema: list[_Problem],
    *,
    file: str,
    report: LoadReport,
) -> tuple[pd.DataFrame, list[_Problem]]:
    """The cameras' contract columns, and the problems in their values.

    ``schema`` holds the structural problems found so far; they are raised, with the missing
    attribute columns, as one :class:`SchemaError` before any value is checked.
    """
    columns = {
        key: _field(frame, None, (key,)) for key in ("bearing_deg", "fov_deg", "range_m", "status")
    }
    fov, fov_problems = _parsed_numbers(
        _cells(frame, columns["fov_deg"]),
        labels,
        column=columns["fov_deg"],
        expected=Message("layer.expected.fov"),
        valid=lambda value: 1 <= value <= 360,
        fix=Message("layer.fix.fov"),
    )
    schema = [
        *schema,
        *(
            _missing_field(frame, None, (key,), role=role, option=None)
            for key, role in (("fov_deg", "fov"), ("range_m", "range"))
            if columns[key] is None
        ),
    ]
    if columns["bearing_deg"] is None and (columns["fov_deg"] is None or (fov != 360).any()):
        schema.append(
            _Problem(
                "",
                None,
                Message("layer.expected.bearing_column"),
                _columns_found(frame),
                Message("layer.fix.bearing_column"),
            )
        )
    _raise_problems(schema, file=file, error=SchemaError)
    bearing, bearing_problems = _parsed_numbers(
        _cells(frame, columns["bearing_deg"]),
        labels,
        column=columns["bearing_deg"],
        required=False,
        expected=Message("layer.expected.bearing"),
        valid=lambda value: 0 <= value <= 360,
        fix=Message("layer.fix.bearing"),
    )
    range_m, range_problems = _parsed_numbers(
        frame[columns["range_m"]],
        labels,
        column=columns["range_m"],
        expected=Message("layer.expected.range", max_m=MAX_RANGE_M),
        valid=lambda value: 0 < value <= MAX_RANGE_M,
        fix=Message("layer.fix.range"),
    )
    missing_bearing = [
        _Problem(
            label,
            columns["bearing_deg"] or "bearing_deg",
            Message("layer.expected.bearing_needed"),
            Message("layer.found.empty"),
            Message("layer.fix.bearing_needed"),
        )
        for label, value, angle in zip(labels, bearing, fov, strict=True)
        if np.isnan(value) and angle != 360 and not np.isnan(angle)
    ]
    statuses, status_problems = _statuses(frame, columns["status"], labels)
    ids, id_problems = _camera_ids(frame, labels, file=file, report=report)
    attributes = pd.DataFrame(
        {
            "camera_id": ids,
            "camera_type": _column_text(
                frame, _field(frame, None, CAMERA_TYPE_FIELDS), file=file, report=report
            ),
            "status": statuses,
            "bearing_deg": np.where(np.isnan(bearing) | (bearing == 360), 0.0, bearing),
            "fov_deg": fov,
            "range_m": range_m,
            "ward_name": _column_text(
                frame, _field(frame, None, CAMERA_WARD_FIELDS), file=file, report=report
            ),
        },
        index=frame.index,
    )
    problems = [
        *fov_problems,
        *bearing_problems,
        *missing_bearing,
        *range_problems,
        *status_problems,
        *id_problems,
    ]
    return attributes, problems


def _statuses(
    frame: pd.DataFrame, column: str | None, labels: pd.Series
) -> tuple[pd.Series, list[_Problem]]:
    """Each camera's status in lower case (``active`` when empty), and the unknown ones."""
    texts = _texts(_cells(frame, column))
    statuses = texts.str.casefold().replace("", "active")
    unknown = ~statuses.isin(CAMERA_STATUSES)
    problems = [
        _Problem(
            label,
            column,
            Message("layer.expected.status", statuses=list(CAMERA_STATUSES)),
            Message("layer.found.text", text=text),
            Message("layer.fix.status"),
        )
        for label, text in zip(labels[unknown], texts[unknown], strict=True)
    ]
    return statuses, problems


def _camera_ids(
    frame: pd.DataFrame, labels: pd.Series, *, file: str, report: LoadReport
) -> tuple[pd.Series, list[_Problem]]:
    """Each camera's id (``"row-7"`` when empty), and the ids used more than once."""
    column = _field(frame, None, CAMERA_ID_FIELDS)
    given = _column_text(frame, column, file=file, report=report)
    ids = given.where(given != "", labels.map(_default_id))
    first = {}
    problems = []
    for label, camera_id in zip(labels, ids, strict=True):
        if camera_id in first:
            problems.append(
                _Problem(
                    label,
                    column or "camera_id",
                    Message("layer.expected.unique_id"),
                    Message("layer.found.used_id", id=camera_id, first=first[camera_id]),
                    Message("layer.fix.unique_id"),
                )
            )
        first.setdefault(camera_id, label)
    return ids, problems


def _in_degrees(declared, stated, *, file: str) -> bool:
    """Whether a vector file's coordinates are to be read as longitude/latitude degrees."""
    crs = declared if declared is not None else stated
    return crs is not None and parse_crs(crs, file=file).is_geographic


def _swapped_point_problems(frame: gpd.GeoDataFrame, labels: pd.Series) -> list[_Problem]:
    """Points in degrees whose x and y look swapped (x within ±90, y beyond ±90 but within ±180)."""
    points = frame.geom_type == "Point"
    x = frame.geometry[points].x.to_numpy()
    y = frame.geometry[points].y.to_numpy()
    swapped = (np.abs(x) <= 90) & (np.abs(y) > 90) & (np.abs(y) <= 180)
    return [
        _Problem(
            label,
            "geometry",
            Message("layer.expected.x_lon"),
            Message("layer.found.swapped_xy", x=lon, y=lat),
            Message("layer.fix.swapped_xy"),
        )
        for label, lon, lat in zip(labels[points][swapped], x[swapped], y[swapped], strict=True)
    ]


def _lat_lon_problems(
    lat: np.ndarray, lon: np.ndarray, labels: pd.Series, *, columns: str
) -> list[_Problem]:
    """Latitudes and longitudes out of range, and pairs that look swapped."""
    problems = []
    for label, y, x in zip(labels, lat, lon, strict=True):
        if abs(y) > 90 and abs(y) <= 180 and abs(x) <= 90:
            problems.append(
                _Problem(
                    label,
                    columns,
                    Message("layer.expected.lat_lon_range"),
                    Message("layer.found.swapped_lat_lon", lat=y, lon=x),
                    Message("layer.fix.swapped_lat_lon"),
                )
            )
        elif abs(y) > 90 or abs(x) > 180:
            problems.append(
                _Problem(
                    label,
                    columns,
                    Message("layer.expected.lat_lon_degrees"),
                    Message("layer.found.lat_lon", lat=y, lon=x),
                    Message("layer.fix.lat_lon_degrees"),
                )
            )
    return problems


# --------------------------------------------------------------------------- columns and values


def _key(name) -> str:
    """A column name as compared: NFC, stripped, case-folded."""
    return unicodedata.normalize("NFC", str(name)).strip().casefold()


def _matching_column(frame: pd.DataFrame, wanted: str) -> str | None:
    """The column named ``wanted``, or None.

    Names match exactly, else ignoring case and surrounding spaces, else as a Shapefile
    truncates them to 10 characters (``bearing_de`` for ``bearing_deg``).
    """
    if wanted in frame.columns:
        return wanted
    key = _key(wanted)
    same = [column for column in frame.columns if _key(column) == key]
    truncated = [
        column
        for column in frame.columns
        if len(_key(column)) == DBF_NAME_LENGTH and key.startswith(_key(column))
    ]
    return next(iter(same + truncated), None)


def _field(frame: pd.DataFrame, given: str | None, candidates: tuple[str, ...]) -> str | None:
    """The column to read: ``given`` if it exists, else the best of ``candidates``, else None.

    Among the candidates present, columns with at least one value beat empty ones, and columns
    whose values have diacritics (non-ASCII letters) beat the others; then candidate order.
    """
    if given is not None:
        return _matching_column(frame, given)
    present = list(
        dict.fromkeys(
            column
            for candidate in candidates
            if (column := _matching_column(frame, candidate)) is not None
        )
    )
    filled = [column for column in present if (_texts(frame[column]) != "").any()]
    pool = filled or present
    accented = [column for column in pool if not all(t.isascii() for t in _texts(frame[column]))]
    chosen = (accented or pool or [None])[0]
    if chosen is not None and len(present) > 1:
        logger.info("using column %r of %s", chosen, present)
    return chosen


def _columns_found(frame: pd.DataFrame) -> Message:
    """ "only the columns …": the non-geometry column names of ``frame``, for a message."""
    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    names = [str(column) for column in frame.columns if column != geometry]
    if not names:
        return Message("layer.found.no_columns")
    return Message("layer.found.columns", columns=names)


def _missing_field(
    frame: pd.DataFrame,
    given: str | None,
    candidates: tuple[str, ...],
    *,
    role: str,
    option: str | None,
) -> _Problem:
    """The problem of a column that is not there, listing the columns that are.

    ``role`` names what the column holds (``layer.role.<role>`` in the catalogue).
    """
    what = Message(f"layer.role.{role}")
    found = _columns_found(frame)
    if given is not None:
        return _Problem(
            "",
            None,
            Message("layer.expected.named_column", role=what, column=given, option=option),
            found,
            Message("layer.fix.named_column", option=option),
        )
    wanted = (
        candidates[0]
        if len(candidates) == 1
        else Message("layer.one_of", candidates=list(candidates))
    )
    key = "layer.fix.add_column" if option is None else "layer.fix.add_column_or_option"
    return _Problem(
        "",
        None,
        Message("layer.expected.column", role=what, wanted=wanted),
        found,
        Message(key, role=what, first=candidates[0], option=option),
    )


def _text(value) -> str:
    """A cell as stripped text: ``""`` when missing, ``"27088"`` for the number 27088.0."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _texts(values: pd.Series) -> pd.Series:
    """Every cell of ``values`` as stripped text (see :func:`_text`)."""
    return pd.Series([_text(value) for value in values], index=values.index, dtype=object)


def _cells(frame: pd.DataFrame, column: str | None) -> pd.Series:
    """The cells of ``column``, or missing values when there is no such column."""
    if column is None:
        return pd.Series(None, index=frame.index, dtype=object)
    return frame[column]


def _column_text(
    frame: pd.DataFrame, column: str | None, *, file: str, report: LoadReport
) -> pd.Series:
    """The text of ``column`` in Unicode NFC (``""`` without the column); changes are reported."""
    texts = _texts(_cells(frame, column))
    normalised = texts.map(lambda text: unicodedata.normalize("NFC", text))
    changed = int((normalised != texts).sum())
    if changed:
        _note(report, file, "load.note.nfc", column=column, count=changed)
    return normalised


def _number(value) -> float | None:
    """A cell as a finite number, or None when it is not one; accepts a decimal comma."""
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Real):
        number = float(value)
    else:
        text = _text(value)
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            return None
    return number if math.isfinite(number) else None


def _parsed_numbers(
    values: pd.Series,
    labels: pd.Series,
    *,
    column: str | None,
    expected: Message,
    valid: Callable[[float], bool],
    fix: Message,
    required: bool = True,
) -> tuple[np.ndarray, list[_Problem]]:
    """The cells of ``values`` as floats (NaN when empty or wrong), and the problems found."""
    parsed = np.full(len(values), np.nan)
    problems = []
    for position, (label, value) in enumerate(zip(labels, values, strict=True)):
        text = _text(value)
        number = _number(value)
        if not text:
            if required:
                problems.append(
                    _Problem(label, column, expected, Message("layer.found.empty"), fix)
                )
        elif number is None or not valid(number):
            problems.append(
                _Problem(label, column, expected, Message("layer.found.text", text=text), fix)
            )
        else:
            parsed[position] = number
    return parsed, problems


def _weights(
    weights: np.ndarray, *, file: str, column: str | None, report: LoadReport
) -> np.ndarray:
    """Hotspot weights with empty cells set to 1.0 (reported when a weight column exists)."""
    empty = np.isnan(weights)
    if column is not None and empty.any():
        _note(report, file, "load.note.empty_weights", column=column, count=int(empty.sum()))
    return np.where(empty, 1.0, weights)


def _blank_problems(
    slim: gpd.GeoDataFrame, key: str, column: str | None, *, role: str
) -> list[_Problem]:
    """Features whose required text (``slim[key]``) is empty."""
    if column is None:
        return []
    what = Message(f"layer.role.{role}")
    return [
        _Problem(
            label,
            column,
            Message("layer.expected.value", role=what),
            Message("layer.found.empty"),
            Message("layer.fix.fill_in", role=what),
        )
        for label in slim.loc[slim[key] == "", _LABEL]
    ]


def _note_missing_codes(
    slim: gpd.GeoDataFrame, codes: pd.Series, column: str | None, *, file: str, report: LoadReport
) -> None:
    """Report the wards whose code cell was empty and became their name."""
    if column is None:
        logger.info("%s: no ward code column; each ward's name is its code", file)
        return
    empty = (codes.loc[slim.index] == "").to_numpy()
    if empty.any():
        _note(
            report,
            file,
            "load.note.ward_without_code",
            column=column,
            count=int(empty.sum()),
            wards=_listing(slim.loc[empty, _LABEL]),
        )


# --------------------------------------------------------------------------- geometry


def _declared(frame: gpd.GeoDataFrame, *, file: str, crs, report: LoadReport):
    """``frame`` with the CRS to read it in (see :func:`geodata.crs.require_crs`), choices noted."""
    declared = frame.crs
    framed = require_crs(frame, file=file, stated_crs=crs)
    if crs is None or declared is None:
        return framed
    stated = parse_crs(crs, file=file)
    if _same_crs(declared, stated):
        return framed
    if _same_crs(framed.crs, stated):
        _note(
            report,
            file,
            "load.note.stated_crs_used",
            declared=pyproj.CRS(declared).name,
            stated=stated.name,
        )
    else:
        _note(
            report,
            file,
            "load.note.stated_crs_unused",
            declared=pyproj.CRS(declared).name,
            stated=stated.name,
        )
    return framed


def _same_crs(first, second) -> bool:
    """Whether two CRSs are equivalent (axis order ignored)."""
    return pyproj.CRS(first).equals(pyproj.CRS(second), ignore_axis_order=True)


def _feature_labels(index: pd.Index, names: pd.Series | None) -> pd.Series:
    """``"feature 3 (An Phú)"`` for each feature: its position in the file from 1, and its name."""
    names = pd.Series("", index=index) if names is None else names
    return pd.Series(
        [
            Message("where.feature_named", number=position + 1, name=name)
            if name
            else Message("where.feature", number=position + 1)
            for position, name in enumerate(names)
        ],
        index=index,
        dtype=object,
    )


def _default_id(label: Message) -> str:
    """The id of a camera that has none: ``row-7`` or ``feature-7``, after its label."""
    if label.key == "where.row":
        return f"row-{label.params['row']}"
    return f"feature-{label.params['number']}"


def _slim(frame: gpd.GeoDataFrame, columns: dict, labels: pd.Series) -> gpd.GeoDataFrame:
    """A frame of the contract's columns, the feature labels and ``frame``'s geometry."""
    return gpd.GeoDataFrame(
        {**columns, _LABEL: labels},
        geometry=frame.geometry.values,
        index=frame.index,
        crs=frame.crs,
    )


def _listing(labels: pd.Series) -> Message:
    """Feature or row labels for a message, the first :data:`MAX_LISTED` of them."""
    shown = list(labels.iloc[:MAX_LISTED])
    rest = len(labels) - MAX_LISTED
    if rest > 0:
        return Message("layer.listing.more", items=shown, rest=rest)
    return Message("layer.listing", items=shown)


def _with_geometry(slim: gpd.GeoDataFrame, *, file: str, report: LoadReport) -> gpd.GeoDataFrame:
    """``slim`` without the features that have no (or an empty) geometry, which are reported."""
    missing = slim.geometry.isna() | slim.geometry.is_empty
    if missing.any():
        _note(
            report,
            file,
            "load.note.no_geometry",
            count=int(missing.sum()),
            features=_listing(slim.loc[missing, _LABEL]),
        )
    if missing.all():
        raise InputError("error.layer.no_geometry", file=file)
    return slim[~missing]


def _type_problems(
    slim: gpd.GeoDataFrame, allowed: tuple[str, ...], *, expected: Message, fix: Message
) -> list[_Problem]:
    """The features whose geometry type is not one of ``allowed``."""
    kinds = slim.geom_type
    wrong = ~kinds.isin(allowed)
    return [
        _Problem(label, "geometry", expected, kind, fix)
        for label, kind in zip(slim.loc[wrong, _LABEL], kinds[wrong], strict=True)
    ]


def _flat(frame: gpd.GeoDataFrame, *, file: str, report: LoadReport) -> gpd.GeoDataFrame:
    """``frame`` in 2-D; heights other than 0 that are dropped are reported."""
    has_z = frame.geometry.has_z.to_numpy()
    if not has_z.any():
        return frame
    heights = [
        shapely.get_coordinates(geometry, include_z=True)[:, 2]
        for geometry in frame.geometry[has_z]
    ]
    raised = sum(bool(np.any(z != 0)) for z in heights)
    if raised:
        _note(report, file, "load.note.heights", count=raised)
    flat = frame.copy()
    flat["geometry"] = frame.geometry.force_2d()
    return flat


def _in_working(
    slim: gpd.GeoDataFrame, working, *, file: str, report: LoadReport
) -> gpd.GeoDataFrame:
    """``slim`` flat, in the working CRS, within the vertex bounds of :mod:`geodata.detail`."""
    projected = _projected(_flat(slim, file=file, report=report), working)
    return bounded_detail(projected, labels=projected[_LABEL], file=file, report=report)


def _projected(frame: gpd.GeoDataFrame, working) -> gpd.GeoDataFrame:
    """``frame`` in the working CRS: ``working``, or the UTM zone estimated from ``frame``."""
    return to_working(frame, working_crs(frame) if working is None else working)


def _simple_parts(geometry) -> np.ndarray:
    """The Points, LineStrings and Polygons that make up ``geometry`` (collections opened)."""
    parts = shapely.get_parts(geometry)
    while len(parts) and (shapely.get_type_id(parts) >= 4).any():
        parts = shapely.get_parts(parts)
    return parts


def _part_of_dimension(geometry, dimension: int):
    """The part of ``geometry`` of ``dimension`` (2 = polygons, 1 = lines), possibly empty."""
    parts = [part for part in _simple_parts(geometry) if shapely.get_dimensions(part) == dimension]
    if dimension == 2:
        return shapely.union_all(parts) if parts else shapely.Polygon()
    return shapely.multilinestrings(parts) if parts else shapely.LineString()


def _repaired(
    slim: gpd.GeoDataFrame, *, dimension: int, file: str, report: LoadReport
) -> gpd.GeoDataFrame:
    """``slim`` with invalid geometries repaired by :func:`shapely.make_valid`, keeping only the
    polygonal (``dimension=2``) or linear (``dimension=1``) part; repairs are reported and
    features with nothing of that dimension left are dropped (and reported)."""
    geometries = slim.geometry.to_numpy().copy()
    invalid = ~shapely.is_valid(geometries)
    if not invalid.any():
        return slim
    reasons = pd.Series(shapely.is_valid_reason(geometries[invalid]), index=slim.index[invalid])
    geometries[invalid] = [
        _part_of_dimension(shapely.make_valid(geometry), dimension)
        for geometry in geometries[invalid]
    ]
    # The reason's location ("Self-intersection[691344.9 1192200.7]") is in working metres.
    described = pd.Series(
        [
            Message("layer.invalid_feature", feature=label, reason=_invalidity(reason))
            for label, reason in zip(slim.loc[invalid, _LABEL], reasons, strict=True)
        ],
        dtype=object,
    )
    _note(
        report,
        file,
        "load.note.repaired",
        count=int(invalid.sum()),
        features=_listing(described),
    )
    repaired = slim.copy()
    repaired["geometry"] = gpd.GeoSeries(geometries, index=slim.index, crs=slim.crs)
    emptied = repaired.geometry.is_empty
    if emptied.any():
        _note(
            report,
            file,
            "load.note.emptied_area" if dimension == 2 else "load.note.emptied_length",
            count=int(emptied.sum()),
            features=_listing(repaired.loc[emptied, _LABEL]),
        )
    if emptied.all():
        raise InputError("error.layer.nothing_left", file=file)
    return repaired[~emptied]


_GEOS_REASONS = {
    "Self-intersection": "self_intersection",
    "Ring Self-intersection": "ring_self_intersection",
    "Too few points in geometry component": "too_few_points",
    "Interior is disconnected": "interior_disconnected",
    "Hole lies outside shell": "hole_outside",
    "Nested holes": "nested_holes",
    "Nested shells": "nested_shells",
    "Duplicate Rings": "duplicate_rings",
    "Invalid Coordinate": "invalid_coordinate",
    "Ring is not closed": "ring_not_closed",
}
"""GEOS's reasons for an invalid geometry → their ``geos.<key>`` in the catalogue."""


def _invalidity(reason: str) -> Message | str:
    """GEOS's reason for an invalid geometry, without its location (in working metres)."""
    text = reason.split("[")[0].strip()
    key = _GEOS_REASONS.get(text)
    return Message(f"geos.{key}") if key else text


def _buffered(slim: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``slim`` with its points buffered to discs of their ``_radius_m`` metres."""
    points = (slim.geom_type == "Point").to_numpy()
    if not points.any():
        return slim
    geometries = slim.geometry.to_numpy().copy()
    radii = slim["_radius_m"].to_numpy()[points]
    geometries[points] = shapely.buffer(geometries[points], radii, quad_segs=BUFFER_QUAD_SEGS)
    buffered = slim.copy()
    buffered["geometry"] = gpd.GeoSeries(geometries, index=slim.index, crs=slim.crs)
    return buffered


def _without_duplicate_lines(
    slim: gpd.GeoDataFrame, *, file: str, report: LoadReport
) -> gpd.GeoDataFrame:
    """``slim`` with every line that repeats an earlier one (either direction) removed."""
    keys = shapely.to_wkb(shapely.normalize(slim.geometry.to_numpy()))
    duplicate = pd.Series(keys).duplicated().to_numpy()
    if duplicate.any():
        _note(
            report,
            file,
            "load.note.duplicate_lines",
            count=int(duplicate.sum()),
            features=_listing(slim.loc[duplicate, _LABEL]),
        )
    return slim[~duplicate]


def _contract(slim: gpd.GeoDataFrame, columns: tuple[str, ...]) -> gpd.GeoDataFrame:
    """The contract's ``columns`` and ``geometry`` of ``slim``, with a fresh RangeIndex.

    Text columns get pandas' string dtype, as columns read from files have.
    """
    contract = slim[[*columns, "geometry"]].reset_index(drop=True)
    for column in columns:
        if pd.api.types.is_object_dtype(contract[column]):
            contract[column] = contract[column].astype("str")
    return contract
