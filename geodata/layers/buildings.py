"""The buildings layer: footprint polygons with a height in metres, for views buildings block."""

from __future__ import annotations

import dataclasses
import re

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.errors import InputError, SchemaError
from geodata.i18n import Message
from geodata.layers.columns import (
    LABEL,
    Problem,
    add_note,
    cell_texts,
    column_cells,
    feature_labels,
    find_column,
    missing_column,
    parsed_numbers,
    raise_problems,
)
from geodata.layers.contract import BUILDING_COLUMNS
from geodata.layers.geometry import (
    POLYGONAL,
    contract_columns,
    in_working,
    opened_layer,
    repaired_frame,
    slim_frame,
    with_geometry,
)
from geodata.layers.loadreport import LoadReport

HEIGHT_FIELDS = ("height_m", "height", "chieu_cao", "chiều cao")
"""Columns tried, case-insensitively, for a building's height in metres (OSM: ``height``)."""

LEVEL_FIELDS = ("building:levels", "levels", "so_tang", "số tầng")
"""Columns tried, case-insensitively, for a building's storeys above ground (OSM:
``building:levels``)."""

LEVEL_HEIGHT_M = 3.0
"""Metres a storey, for a building whose height is not given but its storeys are: a common
floor-to-floor height of Vietnamese homes and offices (OSM's own rule of thumb is the same)."""

_METRES = re.compile(r"(?P<number>.+?)\s*m", re.IGNORECASE)
"""A height written with its unit, as OpenStreetMap writes them: ``12 m``, ``12.5m``."""


def load_buildings(
    source,
    *,
    height_field: str | None = None,
    levels_field: str | None = None,
    crs=None,
    working=None,
    report: LoadReport | None = None,
    skip_unreadable_heights: bool = False,
) -> gpd.GeoDataFrame:
    """Building footprints from a vector file of polygons, with their heights, in the working CRS.

    A building's height is its height column (``12``, ``12.5``, ``12,5`` or ``12 m``), else its
    storeys × :data:`LEVEL_HEIGHT_M`, else unknown (NaN); the load report counts the heights
    estimated from storeys and the buildings with neither. OpenStreetMap exports load as they
    are: features tagged ``building=no`` are left out, and so are the points and lines that
    Overpass mixes in (the report counts both).

    Parameters
    ----------
    source : str, pathlib.Path or file-like
        A GeoJSON, GeoPackage, Shapefile (or zipped Shapefile) or KML file, or an upload.
    height_field : str, optional
        The column holding heights in metres above ground (> 0); by default the first of
        :data:`HEIGHT_FIELDS` that exists.
    levels_field : str, optional
        The column holding the number of storeys above ground (> 0), used where no height is
        given; by default the first of :data:`LEVEL_FIELDS` that exists.
    crs : pyproj.CRS, str or int, optional
        The CRS of a file that declares none.
    working : pyproj.CRS, str or int, optional
        The working CRS, projected in metres; by default estimated from this layer.
    report : LoadReport, optional
        Receives the quirks repaired while loading.
    skip_unreadable_heights : bool, optional
        Take a height or a number of storeys that is not a number > 0 as not given (the
        building's height then comes from the other, or is unknown), and count those buildings
        in the report, rather than refuse the file: for an OpenStreetMap extract, whose tags
        (``10;12``, ``~15``, ``3 tầng``) a district cannot mend.

    Returns
    -------
    geopandas.GeoDataFrame
        ``height_m`` (float, metres above ground, NaN when unknown) and Polygon/MultiPolygon
        ``geometry`` in the working CRS (metres).

    Raises
    ------
    SchemaError
        ``height_field`` or ``levels_field`` not found (the message lists the columns there
        are), or no feature is a polygon.
    InputError
        The file cannot be read or is empty; a height or a number of storeys is not a number
        > 0 (unless ``skip_unreadable_heights``); every polygon is tagged ``building=no``; no
        polygon is left after repair.
    FileCRSError
        The file declares no CRS and ``crs`` is not given, or its coordinates cannot be in it.
    """
    report = LoadReport() if report is None else report
    frame, file = opened_layer(source, crs=crs, report=report)
    height_column = find_column(frame, height_field, HEIGHT_FIELDS)
    levels_column = find_column(frame, levels_field, LEVEL_FIELDS)
    slim = slim_frame(
        frame,
        {
            "_height": column_cells(frame, height_column),
            "_levels": column_cells(frame, levels_column),
            "_building": column_cells(frame, find_column(frame, None, ("building",))),
        },
        feature_labels(frame.index, None),
    )
    slim = with_geometry(slim, file=file, report=report)
    polygonal = slim.geom_type.isin(POLYGONAL).to_numpy()
    schema = [
        missing_column(frame, given, (), role=role, option=option)
        for given, column, role, option in (
            (height_field, height_column, "height", "height_field"),
            (levels_field, levels_column, "levels", "levels_field"),
        )
        if given is not None and column is None
    ]
    if not polygonal.any():
        schema.append(
            Problem(
                "",
                None,
                Message("layer.expected.building_geometry"),
                Message("layer.found.geometry_types", types=list(dict.fromkeys(slim.geom_type))),
                Message("layer.fix.building_geometry"),
            )
        )
    raise_problems(schema, file=file, error=SchemaError)
    slim = _left_out(slim, ~polygonal, "load.note.not_footprints", file=file, report=report)
    refused = (cell_texts(slim["_building"]).str.casefold() == "no").to_numpy()
    if refused.all():
        raise InputError("error.layer.no_buildings", file=file)
    slim = _left_out(slim, refused, "load.note.not_buildings", file=file, report=report)
    heights, height_problems = _heights(slim["_height"], slim[LABEL], column=height_column)
    levels, level_problems = parsed_numbers(
        slim["_levels"],
        slim[LABEL],
        column=levels_column,
        required=False,
        expected=Message("layer.expected.levels"),
        valid=lambda value: value > 0,
        fix=Message("layer.fix.levels"),
    )
    unreadable = [*height_problems, *level_problems]
    if skip_unreadable_heights and unreadable:  # their cells were read as not given
        count = len({problem.where for problem in unreadable})
        add_note(report, file, "load.note.unreadable_heights", count=count)
    else:
        raise_problems(unreadable, file=file, error=InputError)
    slim["height_m"] = _heights_m(
        heights, levels, file=file, columns=(height_column, levels_column), report=report
    )
    slim = repaired_frame(
        in_working(slim, working, file=file, report=report),
        dimension=2,
        file=file,
        report=report,
    )
    return contract_columns(slim, BUILDING_COLUMNS)


def empty_buildings(crs) -> gpd.GeoDataFrame:
    """A buildings frame with no buildings, in ``crs`` (the working CRS, projected in metres).

    >>> empty_buildings("EPSG:32648").columns.tolist()
    ['height_m', 'geometry']
    """
    return gpd.GeoDataFrame(
        {"height_m": np.array([], dtype=float)}, geometry=gpd.GeoSeries([], crs=crs)
    )


def _left_out(
    slim: gpd.GeoDataFrame, mask: np.ndarray, key: str, *, file: str, report: LoadReport
) -> gpd.GeoDataFrame:
    """``slim`` without the features of ``mask``, counted in the report under ``key``."""
    if mask.any():
        add_note(report, file, key, count=int(mask.sum()))
    return slim[~mask]


def _without_metres(value):
    """A height cell with its metre unit read off; anything else as it is.

    >>> _without_metres("12,5 m"), _without_metres("12m"), _without_metres(12.0)
    ('12,5', '12', 12.0)
    """
    if isinstance(value, str) and (match := _METRES.fullmatch(value.strip())):
        return match["number"]
    return value


def _heights(
    values: pd.Series, labels: pd.Series, *, column: str | None
) -> tuple[np.ndarray, list[Problem]]:
    """Heights in metres (NaN when empty), and the problems found, each with the cell as given."""
    heights, problems = parsed_numbers(
        values.map(_without_metres),
        labels,
        column=column,
        required=False,
        expected=Message("layer.expected.height"),
        valid=lambda value: value > 0,
        fix=Message("layer.fix.height"),
    )
    given = dict(zip(labels, cell_texts(values), strict=True))
    return heights, [
        dataclasses.replace(problem, found=Message("layer.found.text", text=given[problem.where]))
        for problem in problems
    ]


def _heights_m(
    heights: np.ndarray,
    levels: np.ndarray,
    *,
    file: str,
    columns: tuple[str | None, str | None],
    report: LoadReport,
) -> np.ndarray:
    """The height given, else storeys × :data:`LEVEL_HEIGHT_M`, else NaN; each case counted."""
    from_levels = np.isnan(heights) & ~np.isnan(levels)
    heights_m = np.where(from_levels, levels * LEVEL_HEIGHT_M, heights)
    unknown = np.isnan(heights_m)
    if from_levels.any():
        add_note(
            report,
            file,
            "load.note.heights_from_levels",
            count=int(from_levels.sum()),
            level_m=LEVEL_HEIGHT_M,
        )
    if columns == (None, None):
        add_note(
            report, file, "load.note.no_building_heights", fields=[*HEIGHT_FIELDS, *LEVEL_FIELDS]
        )
    elif unknown.any():
        add_note(report, file, "load.note.unknown_heights", count=int(unknown.sum()))
    return heights_m
