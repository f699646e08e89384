"""The wards layer: ward polygons with a code and a name, from any supported vector file."""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.errors import InputError, SchemaError
from geodata.i18n import Message
from geodata.layers.columns import (
    LABEL,
    add_note,
    blank_problems,
    column_text,
    feature_labels,
    find_column,
    listed,
    missing_column,
    raise_problems,
)
from geodata.layers.contract import (
    WARD_COLUMNS,
)
from geodata.layers.geometry import (
    POLYGONAL,
    contract_columns,
    in_working,
    opened_layer,
    repaired_frame,
    slim_frame,
    type_problems,
    with_geometry,
)
from geodata.layers.loadreport import LoadReport

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
        (:func:`geodata.io.crs.working_crs`).
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
    frame, file = opened_layer(source, crs=crs, report=report)
    name_column = find_column(frame, name_field, WARD_NAME_FIELDS)
    code_column = find_column(frame, code_field, WARD_CODE_FIELDS)
    names = column_text(frame, name_column, file=file, report=report)
    codes = column_text(frame, code_column, file=file, report=report)
    slim = slim_frame(
        frame,
        {"ward_code": codes.where(codes != "", names), "ward_name": names},
        feature_labels(frame.index, names),
    )
    slim = with_geometry(slim, file=file, report=report)
    schema = type_problems(
        slim,
        POLYGONAL,
        expected=Message("layer.expected.ward_geometry"),
        fix=Message("layer.fix.ward_geometry"),
    )
    if name_column is None:
        schema.insert(
            0,
            missing_column(
                frame, name_field, WARD_NAME_FIELDS, role="ward_name", option="name_field"
            ),
        )
    if code_field is not None and code_column is None:
        schema.insert(
            0, missing_column(frame, code_field, (), role="ward_code", option="code_field")
        )
    raise_problems(schema, file=file, error=SchemaError)
    raise_problems(
        blank_problems(slim, "ward_name", name_column, role="ward_name"),
        file=file,
        error=InputError,
    )
    _note_missing_codes(slim, codes, code_column, file=file, report=report)
    slim = repaired_frame(
        in_working(slim, working, file=file, report=report),
        dimension=2,
        file=file,
        report=report,
    )
    _check_overlaps(slim, file=file, report=report)
    return contract_columns(slim, WARD_COLUMNS)


OVERLAP_REFUSED_SHARE = 0.01
"""Two wards overlapping by this share of the smaller one are refused: a ward given twice, or
two versions of the boundaries mixed in one file."""

OVERLAP_NOTED_M2 = 0.01
"""Overlaps smaller than this (square metres) are rounding, not worth a note."""


def _check_overlaps(slim: gpd.GeoDataFrame, *, file: str, report: LoadReport) -> None:
    """Refuse wards that overlap by :data:`OVERLAP_REFUSED_SHARE` of the smaller one or more;
    note smaller overlaps (slivers where a boundary was drawn twice), whose roads and cameras
    count in the ward that comes first in the file."""
    polygons = slim.geometry.to_numpy()
    first, second = shapely.STRtree(polygons).query(polygons, predicate="intersects")
    pair = first < second
    first, second = first[pair], second[pair]
    area_m2 = shapely.area(shapely.intersection(polygons[first], polygons[second]))
    smaller_m2 = np.minimum(shapely.area(polygons[first]), shapely.area(polygons[second]))
    names = slim[LABEL].to_numpy()
    overlaps = [
        (names[a], names[b], area, area >= OVERLAP_REFUSED_SHARE * smaller)
        for a, b, area, smaller in zip(first, second, area_m2, smaller_m2, strict=True)
        if area >= OVERLAP_NOTED_M2
    ]
    refused = [
        Message("ward_layer.overlap", first=a, second=b, area_m2=area)
        for a, b, area, too_much in overlaps
        if too_much
    ]
    if refused:
        raise InputError("error.ward_layer.overlaps", file=file, count=len(refused), pairs=refused)
    for a, b, area, _ in overlaps:
        add_note(report, file, "load.note.ward_overlap", first=a, second=b, area_m2=area)


def _note_missing_codes(
    slim: gpd.GeoDataFrame, codes: pd.Series, column: str | None, *, file: str, report: LoadReport
) -> None:
    """Report the wards whose code cell was empty and became their name."""
    if column is None:
        logger.info("%s: no ward code column; each ward's name is its code", file)
        return
    empty = (codes.loc[slim.index] == "").to_numpy()
    if empty.any():
        add_note(
            report,
            file,
            "load.note.ward_without_code",
            column=column,
            count=int(empty.sum()),
            wards=listed(slim.loc[empty, LABEL]),
        )


def ward_codes_at(wards: gpd.GeoDataFrame, points) -> np.ndarray:
    """The code of the ward holding each point (None outside every ward, or for no point).

    ``points`` are shapely points in the wards' CRS. Where wards touch or overlap, the first
    ward of the layer wins: the one rule of the registry's assignment, its import and the
    report's cameras.
    """
    points = np.asarray(points, dtype=object)
    codes = np.full(points.size, None, dtype=object)
    located = np.flatnonzero(~shapely.is_missing(points))
    if located.size == 0 or len(wards) == 0:
        return codes
    tree = shapely.STRtree(wards.geometry.to_numpy())
    point, ward = tree.query(points[located], predicate="intersects")
    codes[located[point[::-1]]] = wards["ward_code"].to_numpy()[ward[::-1]]
    return codes
