"""The hotspots layer: polygons (or points, buffered to a disc) with a name, a kind and a weight."""

from __future__ import annotations

import geopandas as gpd
import numpy as np

from geodata.errors import InputError, SchemaError
from geodata.i18n import Message
from geodata.layers.columns import (
    LABEL,
    add_note,
    blank_problems,
    column_cells,
    column_text,
    feature_labels,
    find_column,
    missing_column,
    parsed_numbers,
    raise_problems,
)
from geodata.layers.contract import (
    HOTSPOT_COLUMNS,
)
from geodata.layers.geometry import (
    POLYGONAL,
    buffered_points,
    contract_columns,
    in_working,
    opened_layer,
    repaired_frame,
    slim_frame,
    type_problems,
    with_geometry,
)
from geodata.layers.loadreport import LoadReport

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
    frame, file = opened_layer(source, crs=crs, report=report)
    name_column = find_column(frame, name_field, HOTSPOT_NAME_FIELDS)
    kind_column = find_column(frame, None, HOTSPOT_KIND_FIELDS)
    weight_column = find_column(frame, None, ("weight",))
    radius_column = find_column(frame, radius_field, ())
    names = column_text(frame, name_column, file=file, report=report)
    kinds = column_text(frame, kind_column, file=file, report=report)
    labels = feature_labels(frame.index, names)
    slim = slim_frame(
        frame,
        {
            "hotspot_name": names,
            "hotspot_kind": kinds.where(kinds != "", "hotspot"),
            "_weight": column_cells(frame, weight_column),
            "_radius": column_cells(frame, radius_column),
        },
        labels,
    )
    slim = with_geometry(slim, file=file, report=report)
    schema = type_problems(
        slim,
        (*POLYGONAL, "Point"),
        expected=Message("layer.expected.hotspot_geometry"),
        fix=Message("layer.fix.hotspot_geometry"),
    )
    if name_column is None:
        schema.insert(
            0,
            missing_column(
                frame, name_field, HOTSPOT_NAME_FIELDS, role="hotspot_name", option="name_field"
            ),
        )
    points = (slim.geom_type == "Point").to_numpy()
    if points.any() and radius_column is None:
        schema.append(missing_column(frame, radius_field, (), role="radius", option="radius_field"))
    raise_problems(schema, file=file, error=SchemaError)
    weights, weight_problems = parsed_numbers(
        slim["_weight"],
        slim[LABEL],
        column=weight_column,
        required=False,
        expected=Message("layer.expected.weight"),
        valid=lambda value: value > 0,
        fix=Message("layer.fix.weight"),
    )
    radii, radius_problems = parsed_numbers(
        slim.loc[points, "_radius"],
        slim.loc[points, LABEL],
        column=radius_column,
        expected=Message("layer.expected.radius"),
        valid=lambda value: value > 0,
        fix=Message("layer.fix.radius"),
    )
    raise_problems(
        [
            *blank_problems(slim, "hotspot_name", name_column, role="hotspot_name"),
            *radius_problems,
            *weight_problems,
        ],
        file=file,
        error=InputError,
    )
    slim["weight"] = _weights(weights, file=file, column=weight_column, report=report)
    slim["_radius_m"] = np.nan
    slim.loc[points, "_radius_m"] = radii
    slim = repaired_frame(
        in_working(slim, working, file=file, report=report),
        dimension=2,
        file=file,
        report=report,
    )
    return contract_columns(buffered_points(slim), HOTSPOT_COLUMNS)


def _weights(
    weights: np.ndarray, *, file: str, column: str | None, report: LoadReport
) -> np.ndarray:
    """Hotspot weights with empty cells set to 1.0 (reported when a weight column exists)."""
    empty = np.isnan(weights)
    if column is not None and empty.any():
        add_note(report, file, "load.note.empty_weights", column=column, count=int(empty.sum()))
    return np.where(empty, 1.0, weights)
