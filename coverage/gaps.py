"""Coverage gaps: contiguous unseen stretches of key routes."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from coverage.checks import metric_crs
from coverage.network import OUTSIDE_WARDS
from coverage.routes import RouteCoverage

GAP_MIN_M = 50.0
"""Default shortest unseen stretch reported as a gap, in metres."""


def coverage_gaps(
    result: RouteCoverage,
    *,
    wards: gpd.GeoDataFrame | None = None,
    ward_field: str = "ward_name",
    min_length_m: float = GAP_MIN_M,
) -> gpd.GeoDataFrame:
    """Contiguous unseen stretches of each route at least ``min_length_m`` long, longest first.

    Unseen pieces of one route that meet end to end are joined across segments, vertices and
    ward boundaries, so a gap is as long as a person walking it would find it; joining stops
    where three or more pieces of the route meet.

    Parameters
    ----------
    result : RouteCoverage
        The route coverage to look for gaps in.
    wards : GeoDataFrame, optional, keyword-only
        Ward polygons in the same CRS: a gap's ward is the one holding its midpoint.
    ward_field : str, keyword-only
        The wards' name column.
    min_length_m : float, keyword-only
        Shortest gap reported, in metres.

    Returns
    -------
    GeoDataFrame
        ``route``, ``ward``, ``length_m``, ``x_m``, ``y_m`` (the midpoint, in the CRS), and the
        gap line as geometry.
    """
    crs = result.segments.crs
    unseen = result.pieces(seen=False)
    columns = ["route", "ward", "length_m", "x_m", "y_m"]
    if len(unseen) == 0:
        return gpd.GeoDataFrame(columns=columns, geometry=gpd.GeoSeries([], crs=crs))
    routes, route_code = np.unique(unseen["route"].to_numpy(dtype=str), return_inverse=True)
    order = np.argsort(route_code, kind="stable")
    joined = shapely.line_merge(
        shapely.multilinestrings(unseen.geometry.to_numpy()[order], indices=route_code[order])
    )
    lines, route_of = shapely.get_parts(joined, return_index=True)
    length_m = shapely.length(lines)
    keep = length_m >= min_length_m
    lines, route_of, length_m = lines[keep], route_of[keep], length_m[keep]
    midpoints = shapely.line_interpolate_point(lines, 0.5, normalized=True)
    ward = np.full(lines.size, OUTSIDE_WARDS, dtype=object)
    if wards is not None and len(wards) and lines.size:
        metric_crs(roads=crs, wards=wards)
        point, polygon = shapely.STRtree(wards.geometry.to_numpy()).query(
            midpoints, predicate="intersects"
        )
        names = wards[ward_field].astype(str).to_numpy()
        ward[point[::-1]] = names[polygon[::-1]]
    gaps = gpd.GeoDataFrame(
        {
            "route": routes[route_of].astype(object),
            "ward": ward,
            "length_m": length_m,
            "x_m": shapely.get_x(midpoints),
            "y_m": shapely.get_y(midpoints),
        },
        geometry=gpd.GeoSeries(lines, crs=crs),
    )
    return gaps.sort_values(
        ["length_m", "route", "x_m", "y_m"], ascending=[False, True, True, True], kind="stable"
    ).reset_index(drop=True)
