"""Hotspot coverage: how much of each hotspot's area the active cameras see."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from coverage.checks import check_cameras, metric_crs
from coverage.fov import active_cameras, fov_polygons
from coverage.grid import intersecting_boxes
from coverage.occlusion import Walls, visible_polygons


def hotspot_coverage(
    hotspots: gpd.GeoDataFrame,
    cameras: gpd.GeoDataFrame,
    *,
    walls: Walls | None = None,
    name_field: str = "hotspot_name",
) -> gpd.GeoDataFrame:
    """Area, covered area and covered share of each hotspot, with what stays unseen.

    Fields of view are the polygons of :func:`coverage.fov.fov_polygons` (each with the exact
    area of its sector) less what buildings hide (:func:`coverage.occlusion.visible_polygons`);
    overlapping views are merged, never double counted.

    Parameters
    ----------
    hotspots : GeoDataFrame
        Polygons in a projected CRS in metres.
    cameras : GeoDataFrame
        Camera points in the same CRS (see :func:`coverage.routes.route_coverage`); only active
        cameras count.
    walls : Walls, optional, keyword-only
        Building walls that block views (:func:`coverage.occlusion.building_walls`).
    name_field : str, keyword-only
        The hotspots' name column.

    Returns
    -------
    GeoDataFrame
        ``name``, ``area_m2``, ``covered_m2``, ``share`` (0–1), in the hotspots' order; the
        geometry is the unseen part of each hotspot.
    """
    metric_crs(hotspots=hotspots, cameras=cameras)
    check_cameras(cameras)
    areas = hotspots.geometry.to_numpy()
    active = active_cameras(cameras)
    active = active.iloc[_reaching(active, areas)]  # a view is built only where it may count
    views = fov_polygons(active).to_numpy()
    if walls is not None:
        near = shapely.STRtree(areas).query(views, predicate="intersects")[0]
        seeing = np.unique(near)
        views = visible_polygons(active.iloc[seeing], views[seeing], walls)
    spot, view = shapely.STRtree(views).query(areas, predicate="intersects")
    clipped = shapely.intersection(views[view], areas[spot])
    seen = np.array(
        [shapely.union_all(clipped[spot == i]) for i in range(areas.size)], dtype=object
    )
    covered_m2 = shapely.area(seen)
    area_m2 = shapely.area(areas)
    return gpd.GeoDataFrame(
        {
            "name": hotspots[name_field].astype(str).to_numpy(),
            "area_m2": area_m2,
            "covered_m2": covered_m2,
            "share": np.where(area_m2 > 0, covered_m2 / np.where(area_m2 > 0, area_m2, 1), 0.0),
        },
        geometry=gpd.GeoSeries(shapely.difference(areas, seen), crs=hotspots.crs),
    )


def updated_hotspots(
    coverage: gpd.GeoDataFrame,
    hotspots: gpd.GeoDataFrame,
    cameras: gpd.GeoDataFrame,
    changed: gpd.GeoDataFrame,
    *,
    walls: Walls | None = None,
    name_field: str = "hotspot_name",
) -> gpd.GeoDataFrame:
    """``coverage`` (:func:`hotspot_coverage` of ``hotspots``) updated after some cameras
    changed: exactly ``hotspot_coverage(hotspots, cameras, walls=walls)``, worked out again only
    for the hotspots the changed cameras (as they were and as they are) reach."""
    areas = hotspots.geometry.to_numpy()
    touched = np.zeros(areas.size, dtype=bool)
    touched[_reaching(changed, areas, spots=True)] = True
    if not touched.any():
        return coverage
    part = hotspot_coverage(hotspots[touched], cameras, walls=walls, name_field=name_field)
    updated = coverage.copy()
    rows = coverage.index[touched]
    for column in coverage.columns:
        updated.loc[rows, column] = part[column].to_numpy()
    return updated


def _reaching(cameras: gpd.GeoDataFrame, areas: np.ndarray, *, spots: bool = False) -> np.ndarray:
    """Positions of the cameras whose range, as a square around each, meets some area (no
    other camera can see any of them); with ``spots``, positions of the areas such a square
    meets."""
    if len(cameras) == 0 or areas.size == 0:
        return np.empty(0, dtype=np.int64)
    points = cameras.geometry.to_numpy()
    x, y = shapely.get_x(points), shapely.get_y(points)
    reach = cameras["range_m"].to_numpy(dtype=float)
    corners = np.column_stack([x - reach, y - reach, x + reach, y + reach])
    # Squares are built only where they meet an area's bounding box (a city has many cameras);
    # an empty area has none, and meets nothing.
    bounds = shapely.bounds(areas)
    known = np.flatnonzero(np.isfinite(bounds).all(axis=1))
    camera, area = intersecting_boxes(corners, bounds[known])
    area = known[area]
    squares = shapely.box(*corners[camera].T)
    meets = shapely.intersects(squares, areas[area])
    return np.unique(area[meets] if spots else camera[meets])
