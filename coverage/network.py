"""Road networks as arrays of straight segments, split at ward boundaries.

Coverage is computed per straight segment; every segment knows its road row, its route and its
ward (as codes into small name tables), so results add up per route and per ward without any
geometry work.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from coverage.checks import metric_crs
from coverage.errors import InputError
from coverage.grid import StraightEdges

OUTSIDE_WARDS = ""
"""The ward name of road stretches outside every ward."""

MIN_SEGMENT_M = 1e-6
"""Segments shorter than this (overlay residue at ward boundaries) are left out."""

BOUNDARY_TOLERANCE_M = 1e-6
"""Road within this distance (1 µm) of a ward's boundary counts as on it: a road drawn along a
shared boundary goes to one ward even where rounding moved its coordinates a hair off the
boundary. A road a millimetre off is on the side it is on; a crossing moves by at most this."""


@dataclass(frozen=True, eq=False)
class RoadSegments(StraightEdges):
    """Straight road segments as parallel arrays (coordinates in metres in ``crs``).

    Attributes
    ----------
    x0, y0, x1, y1 : ndarray of float
        Start and end of each segment.
    road : ndarray of int
        Position (0-based row number) of the segment's road in the roads frame it came from.
    route_code, ward_code : ndarray of int
        Index of the segment's route name in ``route_names`` and of its ward in ``ward_names``.
    route_names, ward_names : ndarray of str
        The distinct route and ward names (:data:`OUTSIDE_WARDS` for road outside every ward).
    crs : pyproj.CRS
        The projected CRS of the coordinates.
    """

    x0: np.ndarray
    y0: np.ndarray
    x1: np.ndarray
    y1: np.ndarray
    road: np.ndarray
    route_code: np.ndarray
    route_names: np.ndarray
    ward_code: np.ndarray
    ward_names: np.ndarray
    crs: pyproj.CRS

    @cached_property
    def length_m(self) -> np.ndarray:
        """Length of each segment in metres."""
        return np.hypot(self.x1 - self.x0, self.y1 - self.y0)

    def subset(self, keep: np.ndarray) -> RoadSegments:
        """The segments where ``keep`` (one boolean per segment) holds; names unchanged."""
        return RoadSegments(
            x0=self.x0[keep],
            y0=self.y0[keep],
            x1=self.x1[keep],
            y1=self.y1[keep],
            road=self.road[keep],
            route_code=self.route_code[keep],
            route_names=self.route_names,
            ward_code=self.ward_code[keep],
            ward_names=self.ward_names,
            crs=self.crs,
        )

    def points_at(self, index: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Coordinates (n, 2) at fraction ``t`` along segments ``index``; t = 0 and 1 are exact."""
        x = self.x0[index] + t * (self.x1[index] - self.x0[index])
        y = self.y0[index] + t * (self.y1[index] - self.y0[index])
        x = np.where(t == 1.0, self.x1[index], np.where(t == 0.0, self.x0[index], x))
        y = np.where(t == 1.0, self.y1[index], np.where(t == 0.0, self.y0[index], y))
        return np.column_stack([x, y])


def road_segments(
    roads: gpd.GeoDataFrame,
    *,
    wards: gpd.GeoDataFrame | None = None,
    route_field: str = "road_name",
    ward_field: str = "ward_name",
) -> RoadSegments:
    """Split roads into straight segments, at every vertex and at every ward boundary.

    Parameters
    ----------
    roads : GeoDataFrame
        LineString or MultiLineString roads in a projected CRS in metres.
    wards : GeoDataFrame, optional, keyword-only
        Ward polygons in the same CRS. Without them every segment's ward is
        :data:`OUTSIDE_WARDS`.
    route_field, ward_field : str, keyword-only
        Columns holding the route name (in ``roads``) and the ward name (in ``wards``).

    Returns
    -------
    RoadSegments
        Segments shorter than :data:`MIN_SEGMENT_M` are left out.
    """
    frames = {"roads": roads} if wards is None else {"roads": roads, "wards": wards}
    crs = metric_crs(**frames)
    _require_column(roads, route_field, "roads")
    lines = roads.geometry.to_numpy()
    road_index = np.arange(len(roads))
    if wards is None or len(wards) == 0:
        ward_names = np.array([OUTSIDE_WARDS], dtype=object)
        ward_code = np.zeros(len(roads), np.int64)
    else:
        _require_column(wards, ward_field, "wards")
        ward_names = np.append(wards[ward_field].astype(str).to_numpy(dtype=object), OUTSIDE_WARDS)
        lines, road_index, ward_code = _split_at_wards(lines, wards.geometry.to_numpy())
    if np.any(shapely.get_type_id(lines) != shapely.GeometryType.LINESTRING):
        lines, part_of = shapely.get_parts(lines, return_index=True)
        road_index, ward_code = road_index[part_of], ward_code[part_of]
        keep = shapely.get_type_id(lines) == shapely.GeometryType.LINESTRING
        lines, road_index, ward_code = lines[keep], road_index[keep], ward_code[keep]

    coords, owner = shapely.get_coordinates(lines, return_index=True)
    follows = np.flatnonzero(owner[1:] == owner[:-1])
    x0, y0 = coords[follows, 0], coords[follows, 1]
    x1, y1 = coords[follows + 1, 0], coords[follows + 1, 1]
    long_enough = np.hypot(x1 - x0, y1 - y0) >= MIN_SEGMENT_M
    owner = owner[follows[long_enough]]
    route_code, route_names = pd.factorize(roads[route_field].fillna("").astype(str))
    segment_road = road_index[owner]
    return RoadSegments(
        x0=x0[long_enough],
        y0=y0[long_enough],
        x1=x1[long_enough],
        y1=y1[long_enough],
        road=segment_road,
        route_code=route_code[segment_road],
        route_names=np.asarray(route_names, dtype=object),
        ward_code=ward_code[owner],
        ward_names=ward_names,
        crs=crs,
    )


def _require_column(frame: gpd.GeoDataFrame, column: str, name: str) -> None:
    if column not in frame.columns:
        raise InputError(
            f"{name} lack the column {column!r}; they have {', '.join(map(str, frame.columns))}"
        )


def _split_at_wards(
    lines: np.ndarray, ward_polygons: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cut lines at ward boundaries: (pieces, road index of each, ward index of each).

    Every metre of a line goes to exactly one ward, or outside every ward (the index
    ``len(ward_polygons)``). A stretch that lies in several wards (on a boundary they share, or
    where they overlap) goes to the first of them in the layer's order. A ward here reaches
    :data:`BOUNDARY_TOLERANCE_M` beyond its boundary, so that a road along a shared boundary
    is on it even where rounding moved it a hair. Lines within one ward that touch no other are
    kept whole; the others are cut ward by ward, in that order, each ward taking what is left of
    the line inside it.
    """
    reach = shapely.buffer(ward_polygons, BOUNDARY_TOLERANCE_M, quad_segs=1, join_style="mitre")
    tree = shapely.STRtree(reach)
    line, ward = tree.query(lines, predicate="intersects")
    order = np.lexsort((ward, line))
    line, ward = line[order], ward[order]
    touched = np.bincount(line, minlength=lines.size)
    alone = touched[line] == 1
    whole = alone.copy()
    whole[alone] = shapely.covered_by(lines[line[alone]], reach[ward[alone]])
    pieces, road_index, ward_index = [lines[line[whole]]], [line[whole]], [ward[whole]]

    cut = np.ones(lines.size, dtype=bool)
    cut[line[whole]] = False
    line, ward = line[~whole], ward[~whole]
    rank = np.arange(line.size) - np.searchsorted(line, line)  # the line's n-th ward
    rest = lines.copy()
    for nth in range(int(rank.max()) + 1 if rank.size else 0):
        chosen = rank == nth
        mine, polygons = line[chosen], reach[ward[chosen]]
        pieces.append(shapely.intersection(rest[mine], polygons))
        road_index.append(mine)
        ward_index.append(ward[chosen])
        rest[mine] = shapely.difference(rest[mine], polygons)
    outside = np.flatnonzero(cut)
    pieces.append(rest[outside])
    road_index.append(outside)
    ward_index.append(np.full(outside.size, ward_polygons.size, dtype=np.int64))
    return np.concatenate(pieces), np.concatenate(road_index), np.concatenate(ward_index)
