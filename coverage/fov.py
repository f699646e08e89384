"""Camera fields of view: the sector of a disc each camera sees.

A camera at point C with compass bearing ``bearing_deg`` (clockwise from north), field of view
``fov_deg`` and range ``range_m`` sees the closed sector of the disc of radius ``range_m`` around C
between the bearings ``bearing_deg - fov_deg / 2`` and ``bearing_deg + fov_deg / 2``; a 360°
camera sees the whole disc. Only active cameras see anything.

The length engine (:mod:`coverage.routes`) works on these sectors exactly; the polygons built here
serve areas (hotspots) and maps.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from coverage.checks import check_cameras, metric_crs

ARC_STEP_DEG = 1.0
"""The largest angle between two arc vertices of a field-of-view polygon."""


def active_cameras(cameras: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The cameras whose ``status`` is ``"active"`` (the only ones that count)."""
    return cameras[cameras["status"].astype(str) == "active"]


def bearing_vectors(bearing_deg) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors (east, north) of compass bearings.

    >>> east, north = bearing_vectors([0.0, 90.0])
    >>> np.round(east, 12).tolist(), np.round(north, 12).tolist()
    ([0.0, 1.0], [1.0, 0.0])
    """
    radians = np.radians(np.asarray(bearing_deg, dtype=float))
    return np.sin(radians), np.cos(radians)


def fov_polygons(cameras: gpd.GeoDataFrame, *, arc_step_deg: float = ARC_STEP_DEG) -> gpd.GeoSeries:
    """Field-of-view polygons of every camera, built all at once.

    Arc vertices lie at most ``arc_step_deg`` apart, at a radius enlarged by
    ``sqrt(step / sin(step))`` so that each polygon has exactly the area of its true sector
    (``fov_deg / 360 * pi * range_m**2``); the outline departs from the true arc by less than
    ``range_m * step**2 / 8`` (4 mm at 100 m with the default 1° step).

    Parameters
    ----------
    cameras : GeoDataFrame
        Points in a projected CRS in metres, with ``bearing_deg``, ``fov_deg``, ``range_m`` and
        ``status``. Every camera gets a polygon, whatever its status.
    arc_step_deg : float, keyword-only
        Largest angle between arc vertices, in degrees.

    Returns
    -------
    GeoSeries
        One polygon per camera, same index and CRS as ``cameras``.
    """
    metric_crs(cameras=cameras)
    check_cameras(cameras)
    n_cameras = len(cameras)
    if n_cameras == 0:
        return gpd.GeoSeries([], index=cameras.index, crs=cameras.crs)
    x = shapely.get_x(cameras.geometry.to_numpy())
    y = shapely.get_y(cameras.geometry.to_numpy())
    fov = cameras["fov_deg"].to_numpy(dtype=float)
    radius = cameras["range_m"].to_numpy(dtype=float)
    bearing = cameras["bearing_deg"].to_numpy(dtype=float)
    is_disc = fov >= 360.0

    steps = np.maximum(np.ceil(fov / arc_step_deg).astype(np.int64), 3)
    step_rad = np.radians(fov / steps)
    vertex_radius = radius * np.sqrt(step_rad / np.sin(step_rad))
    # A sector ring: apex, steps + 1 arc points, apex again. A disc ring: steps arc points, then
    # the first again.
    ring_sizes = np.where(is_disc, steps + 1, steps + 3)
    ring_offsets = np.concatenate([[0], np.cumsum(ring_sizes)])
    owner = np.repeat(np.arange(n_cameras), ring_sizes)
    position = np.arange(ring_offsets[-1]) - ring_offsets[owner]

    arc_index = np.where(is_disc[owner], position % steps[owner], position - 1)
    start_deg = bearing - fov / 2.0
    angle_deg = start_deg[owner] + arc_index * (fov / steps)[owner]
    east, north = bearing_vectors(angle_deg)
    is_apex = ~is_disc[owner] & ((position == 0) | (position == ring_sizes[owner] - 1))
    reach = np.where(is_apex, 0.0, vertex_radius[owner])
    coords = np.column_stack([x[owner] + reach * east, y[owner] + reach * north])

    polygon_offsets = np.arange(n_cameras + 1)
    polygons = shapely.from_ragged_array(
        shapely.GeometryType.POLYGON, coords, (ring_offsets, polygon_offsets)
    )
    return gpd.GeoSeries(polygons, index=cameras.index, crs=cameras.crs)
