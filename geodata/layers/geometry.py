"""The geometry steps every layer loader shares.

The declared CRS (or the one stated), features without geometry dropped, wrong geometry types
refused, invalid geometries repaired with :func:`shapely.make_valid`, heights (Z) dropped,
everything projected once to the working CRS within the vertex bounds of
:mod:`geodata.layers.detail`, points buffered to discs, duplicate roads removed, and the
contract's columns (:mod:`geodata.layers.contract`). Repairs are noted in the load report.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from geodata.errors import InputError
from geodata.i18n import Message
from geodata.io.crs import parse_crs, require_crs, to_working, working_crs
from geodata.io.files import read_vector, source_name
from geodata.layers.columns import LABEL, Problem, add_note, listed
from geodata.layers.detail import bounded_detail
from geodata.layers.loadreport import LoadReport

BUFFER_QUAD_SEGS = 32
"""Segments per quarter circle when a hotspot point is buffered to a disc."""

POLYGONAL = ("Polygon", "MultiPolygon")

LINEAR = ("LineString", "MultiLineString")


def opened_layer(source, *, crs, report: LoadReport) -> tuple[gpd.GeoDataFrame, str]:
    """A vector layer read (:func:`geodata.io.files.read_vector`) with the CRS to read it in,
    and the file's name for messages."""
    file = source_name(source)
    return declared_frame(read_vector(source), file=file, crs=crs, report=report), file


def declared_frame(frame: gpd.GeoDataFrame, *, file: str, crs, report: LoadReport):
    """``frame`` with the CRS to read it in (:func:`geodata.io.crs.require_crs`), choices noted."""
    declared = frame.crs
    framed = require_crs(frame, file=file, stated_crs=crs)
    if crs is None or declared is None:
        return framed
    stated = parse_crs(crs, file=file)
    if same_crs(declared, stated):
        return framed
    if same_crs(framed.crs, stated):
        add_note(
            report,
            file,
            "load.note.stated_crs_used",
            declared=pyproj.CRS(declared).name,
            stated=stated.name,
        )
    else:
        add_note(
            report,
            file,
            "load.note.stated_crs_unused",
            declared=pyproj.CRS(declared).name,
            stated=stated.name,
        )
    return framed


def same_crs(first, second) -> bool:
    """Whether two CRSs are equivalent (axis order ignored)."""
    return pyproj.CRS(first).equals(pyproj.CRS(second), ignore_axis_order=True)


def slim_frame(frame: gpd.GeoDataFrame, columns: dict, labels: pd.Series) -> gpd.GeoDataFrame:
    """A frame of the contract's columns, the feature labels and ``frame``'s geometry."""
    return gpd.GeoDataFrame(
        {**columns, LABEL: labels},
        geometry=frame.geometry.values,
        index=frame.index,
        crs=frame.crs,
    )


def with_geometry(slim: gpd.GeoDataFrame, *, file: str, report: LoadReport) -> gpd.GeoDataFrame:
    """``slim`` without the features that have no (or an empty) geometry, which are reported."""
    missing = slim.geometry.isna() | slim.geometry.is_empty
    if missing.any():
        add_note(
            report,
            file,
            "load.note.no_geometry",
            count=int(missing.sum()),
            features=listed(slim.loc[missing, LABEL]),
        )
    if missing.all():
        raise InputError("error.layer.no_geometry", file=file)
    return slim[~missing]


def type_problems(
    slim: gpd.GeoDataFrame, allowed: tuple[str, ...], *, expected: Message, fix: Message
) -> list[Problem]:
    """The features whose geometry type is not one of ``allowed``."""
    kinds = slim.geom_type
    wrong = ~kinds.isin(allowed)
    return [
        Problem(label, "geometry", expected, kind, fix)
        for label, kind in zip(slim.loc[wrong, LABEL], kinds[wrong], strict=True)
    ]


def flattened(frame: gpd.GeoDataFrame, *, file: str, report: LoadReport) -> gpd.GeoDataFrame:
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
        add_note(report, file, "load.note.heights", count=raised)
    flat = frame.copy()
    flat["geometry"] = frame.geometry.force_2d()
    return flat


def in_working(
    slim: gpd.GeoDataFrame, working, *, file: str, report: LoadReport
) -> gpd.GeoDataFrame:
    """``slim`` flat, in the working CRS, within the vertex bounds of
    :mod:`geodata.layers.detail`."""
    projected = projected_to(flattened(slim, file=file, report=report), working)
    return bounded_detail(projected, labels=projected[LABEL], file=file, report=report)


def projected_to(frame: gpd.GeoDataFrame, working) -> gpd.GeoDataFrame:
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


def repaired_frame(
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
            for label, reason in zip(slim.loc[invalid, LABEL], reasons, strict=True)
        ],
        dtype=object,
    )
    add_note(
        report,
        file,
        "load.note.repaired",
        count=int(invalid.sum()),
        features=listed(described),
    )
    repaired = slim.copy()
    repaired["geometry"] = gpd.GeoSeries(geometries, index=slim.index, crs=slim.crs)
    emptied = repaired.geometry.is_empty
    if emptied.any():
        add_note(
            report,
            file,
            "load.note.emptied_area" if dimension == 2 else "load.note.emptied_length",
            count=int(emptied.sum()),
            features=listed(repaired.loc[emptied, LABEL]),
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


def buffered_points(slim: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
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


def without_duplicate_lines(
    slim: gpd.GeoDataFrame, *, file: str, report: LoadReport
) -> gpd.GeoDataFrame:
    """``slim`` with every line that repeats an earlier one (either direction) removed."""
    keys = shapely.to_wkb(shapely.normalize(slim.geometry.to_numpy()))
    duplicate = pd.Series(keys).duplicated().to_numpy()
    if duplicate.any():
        add_note(
            report,
            file,
            "load.note.duplicate_lines",
            count=int(duplicate.sum()),
            features=listed(slim.loc[duplicate, LABEL]),
        )
    return slim[~duplicate]


def contract_columns(slim: gpd.GeoDataFrame, columns: tuple[str, ...]) -> gpd.GeoDataFrame:
    """The contract's ``columns`` and ``geometry`` of ``slim``, with a fresh RangeIndex.

    Text columns get pandas' string dtype, as columns read from files have.
    """
    contract = slim[[*columns, "geometry"]].reset_index(drop=True)
    for column in columns:
        if pd.api.types.is_object_dtype(contract[column]):
            contract[column] = contract[column].astype("str")
    return contract
