"""The roads layer: named road lines from any supported vector file, duplicates removed."""

from __future__ import annotations

import geopandas as gpd

from geodata.errors import SchemaError
from geodata.i18n import Message
from geodata.layers.columns import (
    add_note,
    column_text,
    feature_labels,
    find_column,
    missing_column,
    raise_problems,
)
from geodata.layers.contract import ROAD_CLASS_COLUMN, ROAD_COLUMNS
from geodata.layers.geometry import (
    LINEAR,
    contract_columns,
    in_working,
    opened_layer,
    repaired_frame,
    slim_frame,
    type_problems,
    with_geometry,
    without_duplicate_lines,
)
from geodata.layers.loadreport import LoadReport

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

ROAD_CLASS_FIELDS = ("road_class", "highway", "fclass")
"""Columns tried, case-insensitively, for a road's class: OpenStreetMap's ``highway`` value
(``primary``, ``residential``…), as osmnx exports and :mod:`geodata.layers.osmextract` give it,
or Geofabrik's ``fclass``."""


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
        CRS (metres); also ``road_class`` (str, ``""`` when not given) when the source has one
        of :data:`ROAD_CLASS_FIELDS`.

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
    frame, file = opened_layer(source, crs=crs, report=report)
    name_column = find_column(frame, name_field, ROAD_NAME_FIELDS)
    names = column_text(frame, name_column, file=file, report=report)
    class_column = find_column(frame, None, ROAD_CLASS_FIELDS)
    columns = {"road_name": names}
    if class_column is not None:
        columns[ROAD_CLASS_COLUMN] = column_text(frame, class_column, file=file, report=report)
    slim = slim_frame(frame, columns, feature_labels(frame.index, names))
    slim = with_geometry(slim, file=file, report=report)
    schema = type_problems(
        slim,
        LINEAR,
        expected=Message("layer.expected.road_geometry"),
        fix=Message("layer.fix.road_geometry"),
    )
    if name_field is not None and name_column is None:
        schema.insert(
            0, missing_column(frame, name_field, (), role="road_name", option="name_field")
        )
    raise_problems(schema, file=file, error=SchemaError)
    if name_column is None:
        add_note(report, file, "load.note.no_road_names", fields=list(ROAD_NAME_FIELDS))
    slim = repaired_frame(
        in_working(slim, working, file=file, report=report),
        dimension=1,
        file=file,
        report=report,
    )
    slim = slim.explode(index_parts=False)
    kept = (*ROAD_COLUMNS, ROAD_CLASS_COLUMN) if class_column is not None else ROAD_COLUMNS
    return contract_columns(without_duplicate_lines(slim, file=file, report=report), kept)
