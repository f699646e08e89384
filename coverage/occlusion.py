"""Buildings that block views: footprints as straight walls, and what they hide from cameras.

A point is seen by a camera when it lies in the camera's sector and the straight sight line from
the camera to it does not pass through the interior of any building. A sight line enters a
footprint only by crossing one of its walls (the edges of its rings), so a point P is hidden
exactly when the segment from the camera C to P crosses a wall: P lies beyond the wall's line,
seen from C, and between the rays from C through the wall's two ends. On a straight road
segment these are three half-planes of the segment's parameter, so the shadow of one wall on one
segment is one interval; what a camera sees of a segment is its sector's interval less the
union of its walls' shadows (:func:`unblocked`). Over an area, a wall's shadow is a polygon
(:func:`visible_polygons`).

Only the walls a camera faces need to be looked at: a sight line enters a footprint through a
wall whose outer side the camera stands on (rings are oriented so that the building lies to the
left of every wall), so the walls facing away from a camera are left out, except those of the
building the camera stands on or in, whose far walls block its view into the building.

Two rules decide which walls block which camera:

- A camera within :data:`WALL_TOLERANCE_M` of a wall stands on it (a wall-mounted camera): that
  wall does not block it, so it sees outwards; a sight line into its own building leaves it
  through a far wall, which does block.
- Heights (optional): a wall of a building whose ``height_m`` is known and lower than the
  camera's known ``mount_height_m`` does not block that camera, which looks over it. This is a
  simplification: in truth the ground just behind a low building stays hidden. Unknown heights
  block.

Everything is vectorised over (camera, segment piece, wall) triples found with the grid join of
:mod:`coverage.grid`; coordinates are metres in one projected CRS.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import geopandas as gpd
import numpy as np
import pyproj
import shapely

from coverage.checks import metric_crs
from coverage.grid import BoxIndex, StraightEdges
from coverage.intervals import halfplane_interval, intervals_less
from coverage.network import RoadSegments

WALL_TOLERANCE_M = 0.5
"""A camera this close to a wall stands on it: mounted on that wall, it sees outwards."""


@dataclass(frozen=True, eq=False)
class Walls(StraightEdges):
    """The walls of building footprints as parallel arrays of straight edges.

    Attributes
    ----------
    x0, y0, x1, y1 : ndarray of float
        Ends of each wall, metres in ``crs``.
    building : ndarray of int
        Row number of each wall's building in the buildings frame.
    height_m : ndarray of float
        Height of each wall's building (NaN when unknown: it blocks every camera).
    footprints : ndarray of shapely geometries
        The buildings' footprints, in the frame's order.
    crs : pyproj.CRS
        The projected CRS of the coordinates.
    """

    x0: np.ndarray
    y0: np.ndarray
    x1: np.ndarray
    y1: np.ndarray
    building: np.ndarray
    height_m: np.ndarray
    footprints: np.ndarray
    crs: pyproj.CRS

    @cached_property
    def index(self) -> BoxIndex:
        """The walls' boxes hashed into grid cells, for every join with cameras' views."""
        return BoxIndex(self.boxes)

    @cached_property
    def tree(self) -> shapely.STRtree:
        """A spatial index of the footprints."""
        return shapely.STRtree(self.footprints)

    def own_buildings(self, points: np.ndarray) -> np.ndarray:
        """Per point, as keys ``point * len(footprints) + building``: the buildings it stands
        in, or on (within :data:`WALL_TOLERANCE_M` of a wall)."""
        point, building = self.tree.query(points, predicate="dwithin", distance=WALL_TOLERANCE_M)
        return point * self.footprints.size + building


def building_walls(buildings: gpd.GeoDataFrame) -> Walls:
    """The walls of every footprint: each edge of each ring (outer and inner), once.

    Parameters
    ----------
    buildings : GeoDataFrame
        Polygon or MultiPolygon footprints in a projected CRS in metres, with an optional
        ``height_m`` column (metres; NaN or missing when unknown).
    """
    crs = metric_crs(buildings=buildings)
    footprints = buildings.geometry.to_numpy()
    oriented = shapely.orient_polygons(footprints)  # the building to the left of every wall
    height = (
        buildings["height_m"].to_numpy(dtype=float)
        if "height_m" in buildings.columns
        else np.full(len(buildings), np.nan)
    )
    parts, part_of = shapely.get_parts(oriented, return_index=True)
    rings, ring_of = shapely.get_rings(parts, return_index=True)
    coords, vertex_of = shapely.get_coordinates(rings, return_index=True)
    follows = np.flatnonzero(vertex_of[1:] == vertex_of[:-1])
    x0, y0 = coords[follows, 0], coords[follows, 1]
    x1, y1 = coords[follows + 1, 0], coords[follows + 1, 1]
    real = (x0 != x1) | (y0 != y1)
    building = part_of[ring_of[vertex_of[follows[real]]]]
    walls = Walls(
        x0=x0[real],
        y0=y0[real],
        x1=x1[real],
        y1=y1[real],
        building=building,
        height_m=height[building],
        footprints=footprints,
        crs=crs,
    )
    walls.index  # noqa: B018 (hashed once, with the walls)
    return walls


def cameras_inside(cameras: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame) -> np.ndarray:
    """Whether each camera stands inside a building footprint, farther than
    :data:`WALL_TOLERANCE_M` from its walls (a data error: such a camera sees nothing outside)."""
    metric_crs(cameras=cameras, buildings=buildings)
    points = cameras.geometry.to_numpy()
    footprints = buildings.geometry.to_numpy()
    inside = np.zeros(points.size, dtype=bool)
    if points.size == 0 or footprints.size == 0:
        return inside
    point, footprint = shapely.STRtree(footprints).query(points, predicate="within")
    deep = shapely.distance(points[point], shapely.boundary(footprints[footprint]))
    inside[point[deep > WALL_TOLERANCE_M]] = True
    return inside


def unblocked(
    segments: RoadSegments,
    walls: Walls,
    camera_xy: np.ndarray,
    camera_height_m: np.ndarray,
    intervals: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """What is left of each camera's intervals of segments once the walls' shadows are taken away.

    Parameters
    ----------
    segments : RoadSegments
        The segments the intervals are on.
    walls : Walls
        The walls, in the segments' CRS.
    camera_xy : ndarray, shape (n, 2)
        The cameras' places, metres.
    camera_height_m : ndarray of float
        Their mounting heights (NaN when unknown).
    intervals : (camera, segment, t_from, t_to)
        What each camera's sector holds of each segment, as from
        :func:`coverage.routes.seen_intervals`.

    Returns
    -------
    (camera, segment, t_from, t_to)
        The visible pieces, disjoint per camera and segment.
    """
    cam, seg, lo, hi = intervals
    if len(walls) == 0 or cam.size == 0:
        return intervals
    cx, cy = camera_xy[cam, 0], camera_xy[cam, 1]
    start, end = segments.points_at(seg, lo), segments.points_at(seg, hi)
    # The sight lines to a piece fill the triangle of the camera and the piece's two ends.
    boxes = np.column_stack(
        [
            np.minimum(cx, np.minimum(start[:, 0], end[:, 0])),
            np.minimum(cy, np.minimum(start[:, 1], end[:, 1])),
            np.maximum(cx, np.maximum(start[:, 0], end[:, 0])),
            np.maximum(cy, np.maximum(start[:, 1], end[:, 1])),
        ]
    )
    piece, wall = walls.index.query(boxes)
    own = cam[piece]
    e0x, e0y = walls.x0[wall] - cx[piece], walls.y0[wall] - cy[piece]
    e1x, e1y = walls.x1[wall] - cx[piece], walls.y1[wall] - cy[piece]
    side = e0x * e1y - e0y * e1x  # > 0 when the camera sees the wall from E0 round to E1
    blocks = _blocks(walls, wall, own, camera_xy, camera_height_m[own], e0x, e0y, e1x, e1y, side)
    piece, wall, e0x, e0y, e1x, e1y = (v[blocks] for v in (piece, wall, e0x, e0y, e1x, e1y))
    sign = np.sign(side[blocks])

    # The piece's segment relative to the camera: P(t) = A + t D.
    s = seg[piece]
    ax, ay = segments.x0[s] - cx[piece], segments.y0[s] - cy[piece]
    dx, dy = segments.x1[s] - segments.x0[s], segments.y1[s] - segments.y0[s]
    wx, wy = e1x - e0x, e1y - e0y
    # Beyond the wall's line: sign * cross(W, P - E0) <= 0.
    beyond = halfplane_interval(
        sign * (wx * (ay - e0y) - wy * (ax - e0x)), sign * (wx * dy - wy * dx), tolerance=0.0
    )
    # Between the rays through E0 and E1: sign * cross(E0, P) >= 0 and sign * cross(P, E1) >= 0.
    after_first = halfplane_interval(
        -sign * (e0x * ay - e0y * ax), -sign * (e0x * dy - e0y * dx), tolerance=0.0
    )
    before_second = halfplane_interval(
        -sign * (ax * e1y - ay * e1x), -sign * (dx * e1y - dy * e1x), tolerance=0.0
    )
    shadow_lo = np.maximum.reduce([lo[piece], beyond[0], after_first[0], before_second[0]])
    shadow_hi = np.minimum.reduce([hi[piece], beyond[1], after_first[1], before_second[1]])
    index, visible_lo, visible_hi = intervals_less(lo, hi, piece, shadow_lo, shadow_hi)
    return cam[index], seg[index], visible_lo, visible_hi


def visible_polygons(
    cameras: gpd.GeoDataFrame, sectors: np.ndarray, walls: Walls | None
) -> np.ndarray:
    """Each camera's sector less the shadows of the walls that block it.

    Parameters
    ----------
    cameras : GeoDataFrame
        Camera points (with ``range_m`` and optionally ``mount_height_m``), in the walls' CRS.
    sectors : ndarray of shapely polygons
        Their fields of view (:func:`coverage.fov.fov_polygons`), in the same order.
    walls : Walls or None
        The walls; None leaves the sectors as they are.
    """
    if walls is None or len(walls) == 0 or sectors.size == 0:
        return sectors
    metric_crs(cameras=cameras, buildings=walls.crs)
    xy = shapely.get_coordinates(cameras.geometry.to_numpy())
    camera, wall = walls.index.query(shapely.bounds(sectors))
    cx, cy = xy[camera, 0], xy[camera, 1]
    e0x, e0y = walls.x0[wall] - cx, walls.y0[wall] - cy
    e1x, e1y = walls.x1[wall] - cx, walls.y1[wall] - cy
    side = e0x * e1y - e0y * e1x
    heights = mount_heights(cameras)[camera]
    blocks = _blocks(walls, wall, camera, xy, heights, e0x, e0y, e1x, e1y, side)
    lines = shapely.linestrings(
        np.stack([np.c_[walls.x0[wall], walls.y0[wall]], np.c_[walls.x1[wall], walls.y1[wall]]], 1)
    )
    blocks[blocks] = shapely.intersects(sectors[camera[blocks]], lines[blocks])
    camera, cx, cy, e0x, e0y, e1x, e1y = (v[blocks] for v in (camera, cx, cy, e0x, e0y, e1x, e1y))
    if camera.size == 0:
        return sectors
    # The shadow: the wall, then out along the rays through its ends and the bisector to a
    # distance R. Each of the two far edges spans at most 90° of the wedge (which is under
    # 180°), so it stays at least R cos 45° from the camera: R = 1.5 × (range or farther end)
    # keeps the whole sector beyond the wall inside the shadow.
    n0, n1 = np.hypot(e0x, e0y), np.hypot(e1x, e1y)
    reach = 1.5 * np.maximum(cameras["range_m"].to_numpy(dtype=float)[camera], np.maximum(n0, n1))
    u0x, u0y, u1x, u1y = e0x / n0, e0y / n0, e1x / n1, e1y / n1
    mx, my = u0x + u1x, u0y + u1y
    mn = np.hypot(mx, my)
    ring = (
        np.stack(
            [
                np.column_stack([e0x, e0y]),
                np.column_stack([e1x, e1y]),
                np.column_stack([u1x * reach, u1y * reach]),
                np.column_stack([mx / mn * reach, my / mn * reach]),
                np.column_stack([u0x * reach, u0y * reach]),
                np.column_stack([e0x, e0y]),
            ],
            axis=1,
        )
        + np.column_stack([cx, cy])[:, None, :]
    )
    shadows = shapely.polygons(ring)
    order = np.argsort(camera, kind="stable")
    owners, first = np.unique(camera[order], return_index=True)
    grouped = shapely.multipolygons(
        shadows[order], indices=np.repeat(np.arange(owners.size), np.diff(np.r_[first, order.size]))
    )
    merged = shapely.make_valid(grouped, method="structure")
    visible = sectors.copy()
    visible[owners] = shapely.difference(sectors[owners], merged)
    return visible


def mount_heights(cameras) -> np.ndarray:
    """The cameras' ``mount_height_m`` (NaN where unknown or when the column is missing)."""
    if "mount_height_m" not in cameras.columns:
        return np.full(len(cameras), np.nan)
    return np.asarray(cameras["mount_height_m"], dtype=float)


def _blocks(walls, wall, camera, camera_xy, camera_height_m, e0x, e0y, e1x, e1y, side):
    """Which (camera, wall) pairs block: the camera faces the wall (or it is a wall of the
    building the camera stands on or in), does not stand on it, does not see it edge-on, and is
    not higher than it (when both heights are known). Wall ends are relative to the camera;
    ``side`` is cross(E0, E1), negative when the camera stands on the wall's outer side."""
    wx, wy = e1x - e0x, e1y - e0y
    along = np.clip(-(e0x * wx + e0y * wy) / (wx * wx + wy * wy), 0.0, 1.0)
    distance_m = np.hypot(e0x + along * wx, e0y + along * wy)
    lower = walls.height_m[wall] < camera_height_m  # False when either is NaN
    facing = side < 0.0
    behind = np.flatnonzero(~facing)
    if behind.size:
        cameras = np.unique(camera[behind])
        keys = walls.own_buildings(shapely.points(camera_xy[cameras]))
        n = walls.footprints.size
        keys = cameras[keys // n] * n + keys % n
        facing[behind] = np.isin(camera[behind] * n + walls.building[wall[behind]], keys)
    return facing & (side != 0.0) & (distance_m > WALL_TOLERANCE_M) & ~lower
