"""Exact route coverage: which metres of which road segments the active cameras see.

The part of a straight segment inside a camera's disc sector is at most two intervals of the
segment's parameter t in [0, 1] (one when the field of view is at most 180°, since the sector is
then convex; a wider sector is the union of two half-disc pieces). The union of all intervals on a
segment is exact, so overlapping cameras are never double counted, and arcs are never
approximated by polygons.

Everything is vectorised over (camera, segment) pairs found with one bulk grid join
(:mod:`coverage.grid`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from coverage.arrays import whole_runs
from coverage.checks import check_cameras, metric_crs
from coverage.fov import active_cameras, bearing_vectors
from coverage.grid import default_cell_m, intersecting_boxes
from coverage.intervals import disc_interval, halfplane_interval, intervals_less
from coverage.network import RoadSegments
from coverage.occlusion import Walls, mount_heights, unblocked


@dataclass(frozen=True, eq=False)
class RouteCoverage:
    """Coverage of every road segment.

    Attributes
    ----------
    segments : RoadSegments
        The segments the figures refer to.
    covered_m, redundant_m : ndarray of float
        Per segment: metres seen by at least one camera, and by at least two.
    seen_segment, seen_from, seen_to : ndarray
        The union of what is seen, as disjoint intervals ``[seen_from, seen_to]`` (fractions of
        the segment, sorted) on segment ``seen_segment``.
    """

    segments: RoadSegments
    covered_m: np.ndarray
    redundant_m: np.ndarray
    seen_segment: np.ndarray
    seen_from: np.ndarray
    seen_to: np.ndarray

    @property
    def length_m(self) -> float:
        """Total road length in metres."""
        return float(self.segments.length_m.sum())

    @property
    def total_covered_m(self) -> float:
        """Metres seen by at least one active camera."""
        return float(self.covered_m.sum())

    @property
    def total_redundant_m(self) -> float:
        """Metres seen by at least two active cameras."""
        return float(self.redundant_m.sum())

    @property
    def share(self) -> float:
        """Covered share of the length, 0–1 (0 when there is no road)."""
        return self.total_covered_m / self.length_m if self.length_m > 0 else 0.0

    def by_route(self) -> pd.DataFrame:
        """Length, covered, redundant metres and share per route name, longest first."""
        return self._aggregate(self.segments.route_code, self.segments.route_names, "route")

    def by_ward(self) -> pd.DataFrame:
        """Length, covered, redundant metres and share per ward, longest first."""
        return self._aggregate(self.segments.ward_code, self.segments.ward_names, "ward")

    def _aggregate(self, code: np.ndarray, names: np.ndarray, label: str) -> pd.DataFrame:
        def total(values):
            # float even when there is no segment (bincount of nothing is an int array)
            return np.bincount(code, weights=values, minlength=names.size).astype(float)

        present = np.bincount(code, minlength=names.size) > 0
        length_m = total(self.segments.length_m)[present]
        covered_m = total(self.covered_m)[present]
        table = pd.DataFrame(
            {
                label: names[present],
                "length_m": length_m,
                "covered_m": covered_m,
                "redundant_m": total(self.redundant_m)[present],
                "share": np.divide(
                    covered_m, length_m, out=np.zeros_like(covered_m), where=length_m > 0
                ),
            }
        )
        return table.sort_values(
            ["length_m", label], ascending=[False, True], kind="stable"
        ).reset_index(drop=True)

    def subset(self, keep: np.ndarray) -> RouteCoverage:
        """The figures of the segments where ``keep`` (one boolean per segment) holds: what any
        camera sees of them, and nothing of the other segments (a ward's own roads)."""
        keep = np.asarray(keep, dtype=bool)
        position = np.cumsum(keep) - 1
        seen = keep[self.seen_segment]
        return RouteCoverage(
            self.segments.subset(keep),
            self.covered_m[keep],
            self.redundant_m[keep],
            position[self.seen_segment[seen]],
            self.seen_from[seen],
            self.seen_to[seen],
        )

    @cached_property
    def unseen(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The complement of the seen intervals: (segment, from, to) fractions, disjoint."""
        n = len(self.segments)
        return intervals_less(
            np.zeros(n), np.ones(n), self.seen_segment, self.seen_from, self.seen_to
        )

    def pieces(self, *, seen: bool) -> gpd.GeoDataFrame:
        """The seen (or unseen) stretches as two-point lines, with their route and ward."""
        seg, lo, hi = (self.seen_segment, self.seen_from, self.seen_to) if seen else self.unseen
        start = self.segments.points_at(seg, lo)
        end = self.segments.points_at(seg, hi)
        lines = shapely.linestrings(np.stack([start, end], axis=1)) if seg.size else []
        return gpd.GeoDataFrame(
            {
                "route": self.segments.route_names[self.segments.route_code[seg]],
                "ward": self.segments.ward_names[self.segments.ward_code[seg]],
                "length_m": (hi - lo) * self.segments.length_m[seg],
            },
            geometry=gpd.GeoSeries(lines, crs=self.segments.crs),
        )


def route_coverage(
    segments: RoadSegments,
    cameras: gpd.GeoDataFrame,
    *,
    walls: Walls | None = None,
    progress: Callable[[float], None] | None = None,
) -> RouteCoverage:
    """Exactly what the active cameras see of every road segment.

    Parameters
    ----------
    segments : RoadSegments
        Road segments (see :func:`coverage.network.road_segments`), in a projected CRS in metres.
    cameras : GeoDataFrame
        Points in the same CRS with ``bearing_deg`` (compass, degrees clockwise from north),
        ``fov_deg`` ((0, 360], 360 = all round), ``range_m`` (metres) and ``status``; only
        ``"active"`` cameras count; optional ``mount_height_m`` (metres, see
        :mod:`coverage.occlusion`).
    walls : Walls, optional, keyword-only
        Building walls (:func:`coverage.occlusion.building_walls`) that block views.
    progress : callable, optional, keyword-only
        Called with the fraction done (0–1).

    Returns
    -------
    RouteCoverage
        Per-segment covered and redundant metres and the seen intervals.

    Examples
    --------
    A camera 10 m beside a straight 100 m road, facing it with a 90° view and 20 m range, sees
    the chord of its disc inside the 90° wedge: 2 × 10 m.

    >>> import shapely
    >>> roads = gpd.GeoDataFrame({"road_name": ["A"]},
    ...     geometry=[shapely.LineString([(0, 0), (100, 0)])], crs=32648)
    >>> from coverage.network import road_segments
    >>> cams = gpd.GeoDataFrame({"bearing_deg": [180.0], "fov_deg": [90.0], "range_m": [20.0],
    ...     "status": ["active"]}, geometry=[shapely.Point(50, 10)], crs=32648)
    >>> round(route_coverage(road_segments(roads), cams).total_covered_m, 6)
    20.0
    """
    frames = {"segments": segments.crs, "cameras": cameras}
    metric_crs(**frames) if walls is None else metric_crs(**frames, buildings=walls.crs)
    check_cameras(cameras)
    report = progress or (lambda fraction: None)
    active = active_cameras(cameras)
    _, seg, lo, hi = seen_intervals(segments, active, walls=walls)
    report(0.6)
    covered_m, redundant_m, seen = _sweep(seg, lo, hi, segments.length_m)
    report(1.0)
    return RouteCoverage(segments, covered_m, redundant_m, *seen)


def updated_coverage(
    coverage: RouteCoverage,
    cameras: gpd.GeoDataFrame,
    touched: np.ndarray,
    *,
    walls: Walls | None = None,
) -> RouteCoverage:
    """``coverage`` updated after some cameras changed: exactly
    ``route_coverage(coverage.segments, cameras, walls=walls)``, worked out again only on the
    ``touched`` segments.

    A segment's coverage is the union of what each camera sees of it, so it changes only when
    a camera that reaches it changed (:func:`reached_segments` of the changed cameras, as they
    were and as they are); the other segments keep their figures and intervals.

    Parameters
    ----------
    coverage : RouteCoverage
        The coverage before the change (of the same segments and walls).
    cameras : GeoDataFrame
        Every camera as it is now (see :func:`route_coverage`).
    touched : ndarray of bool
        One per segment: whether a changed camera reaches it (or may: a superset is exact too).
    walls : Walls, optional, keyword-only
        The walls ``coverage`` was worked out with.
    """
    if not touched.any():
        return coverage
    segments = coverage.segments
    part = route_coverage(segments.subset(touched), _near(cameras, segments, touched), walls=walls)
    where = np.flatnonzero(touched)
    covered_m, redundant_m = coverage.covered_m.copy(), coverage.redundant_m.copy()
    covered_m[where], redundant_m[where] = part.covered_m, part.redundant_m
    kept = ~touched[coverage.seen_segment]
    seen_segment = np.concatenate([coverage.seen_segment[kept], where[part.seen_segment]])
    seen_from = np.concatenate([coverage.seen_from[kept], part.seen_from])
    seen_to = np.concatenate([coverage.seen_to[kept], part.seen_to])
    order = np.lexsort((seen_from, seen_segment))
    return RouteCoverage(
        segments, covered_m, redundant_m, seen_segment[order], seen_from[order], seen_to[order]
    )


def updated_covered_m(
    covered_m: np.ndarray,
    segments: RoadSegments,
    cameras: gpd.GeoDataFrame,
    touched: np.ndarray,
    *,
    walls: Walls | None = None,
) -> np.ndarray:
    """The covered metres per segment (``route_coverage(...).covered_m`` before some cameras
    changed) for ``cameras`` as they are now, worked out again only on the ``touched``
    segments (see :func:`updated_coverage`)."""
    if not touched.any():
        return covered_m
    updated = covered_m.copy()
    near = _near(cameras, segments, touched)
    updated[touched] = route_coverage(segments.subset(touched), near, walls=walls).covered_m
    return updated


def reached_segments(segments: RoadSegments, cameras: gpd.GeoDataFrame) -> np.ndarray:
    """Whether each segment lies within reach of one of ``cameras`` (whatever their status;
    by the bounding squares of their ranges): no other segment's coverage can depend on them."""
    metric_crs(segments=segments.crs, cameras=cameras)
    touched = np.zeros(len(segments), dtype=bool)
    if len(cameras):
        touched[intersecting_boxes(_reach_boxes(cameras), segments.boxes)[1]] = True
    return touched


def _near(cameras: gpd.GeoDataFrame, segments: RoadSegments, touched: np.ndarray):
    """The cameras whose reach meets the box around the ``touched`` segments: no other camera
    sees any of them."""
    boxes = segments.boxes[touched]
    west, south = boxes[:, 0].min(), boxes[:, 1].min()
    east, north = boxes[:, 2].max(), boxes[:, 3].max()
    reach = _reach_boxes(cameras)
    meets = (
        (reach[:, 0] <= east)
        & (reach[:, 2] >= west)
        & (reach[:, 1] <= north)
        & (reach[:, 3] >= south)
    )
    return cameras[meets]


def _reach_boxes(cameras: gpd.GeoDataFrame) -> np.ndarray:
    """The square around each camera's range: (xmin, ymin, xmax, ymax) in metres."""
    points = cameras.geometry.to_numpy()
    reach = cameras["range_m"].to_numpy(dtype=float)
    return _squares(shapely.get_x(points), shapely.get_y(points), reach)


def _squares(cx: np.ndarray, cy: np.ndarray, reach: np.ndarray) -> np.ndarray:
    """The squares of half-side ``reach`` around (``cx``, ``cy``): (xmin, ymin, xmax, ymax)."""
    return np.column_stack([cx - reach, cy - reach, cx + reach, cy + reach])


_NO_INTERVALS = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
_FANNED_INTERVALS = 50_000
"""About how many (camera, segment) pairs :func:`fanned_intervals` works on at once."""


def seen_intervals(
    segments: RoadSegments, cameras: gpd.GeoDataFrame, *, walls: Walls | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every (camera, segment, t_from, t_to) interval one camera sees.

    ``camera`` is the row number in ``cameras`` (whatever its status: the caller chooses which
    cameras count); ``t_from < t_to`` are fractions of the segment. One camera's intervals on
    one segment are disjoint (a wide sector's two pieces are merged where they overlap), so
    counting intervals over a stretch counts cameras. With ``walls``, what buildings hide is
    taken away (:func:`coverage.occlusion.unblocked`).
    """
    points = cameras.geometry.to_numpy()
    xy = np.column_stack([shapely.get_x(points), shapely.get_y(points)])
    return views_intervals(segments, xy, cameras, walls=walls)


def views_intervals(
    segments: RoadSegments, xy: np.ndarray, views: pd.DataFrame, *, walls: Walls | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`seen_intervals` of cameras standing at ``xy`` (shape (n, 2), metres in the
    segments' CRS) with the ``bearing_deg``, ``fov_deg``, ``range_m`` and optional
    ``mount_height_m`` of the rows of ``views``: for many candidates, with no points built."""
    if len(views) == 0 or len(segments) == 0:
        return _NO_INTERVALS
    cx, cy = xy[:, 0], xy[:, 1]
    reach = views["range_m"].to_numpy(dtype=float)
    fov = views["fov_deg"].to_numpy(dtype=float)
    bearing = views["bearing_deg"].to_numpy(dtype=float)
    boxes = _squares(cx, cy, reach)
    cam, seg = intersecting_boxes(boxes, segments.boxes)
    if cam.size == 0:
        return _NO_INTERVALS

    # Segment start relative to the camera (ax, ay) and direction (dx, dy): P(t) = C + A + t D.
    ax, ay = segments.x0[seg] - cx[cam], segments.y0[seg] - cy[cam]
    dx, dy = segments.x1[seg] - segments.x0[seg], segments.y1[seg] - segments.y0[seg]
    disc = disc_interval(ax, ay, dx, dy, reach[cam])
    edges = [v[cam] for v in _edge_vectors(bearing, fov)]
    seen = _sector_intervals(cam, seg, (ax, ay, dx, dy), disc, edges, fov[cam])
    if walls is None:
        return seen
    return unblocked(segments, walls, xy, mount_heights(views), seen)


def fanned_intervals(
    segments: RoadSegments,
    sites: gpd.GeoDataFrame,
    bearing_deg: np.ndarray,
    *,
    walls: Walls | None = None,
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """:func:`seen_intervals` of cameras that stand at many sites, each turned several ways, in
    parts.

    Camera ``site * n_turns + turn`` stands at row ``site`` of ``sites`` (with its ``fov_deg``,
    ``range_m`` and optional ``mount_height_m``) facing ``bearing_deg[site, turn]``. The parts,
    put together, are what :func:`seen_intervals` gives for those cameras as the rows of one
    frame: the same intervals, each camera's in the same order (so sums over them agree to the
    last bit), and each camera's in one part. The segments near a site are found once for all
    its turns, and those its disc misses are left at once. With ``walls``, there is one part:
    the walls' shadows are taken from every interval at once, as :func:`seen_intervals` does.

    Parameters
    ----------
    segments : RoadSegments
        The road segments, in a projected CRS in metres.
    sites : GeoDataFrame
        One camera per site, points in the segments' CRS (their ``bearing_deg`` is not used).
    bearing_deg : ndarray, shape (n_sites, n_turns)
        The compass bearings each site's camera is turned to.
    walls : Walls, optional, keyword-only
        Building walls that block views (:func:`coverage.occlusion.unblocked`).
    """
    turns = bearing_deg.shape[1]
    if len(sites) == 0 or len(segments) == 0 or turns == 0:
        return
    points = sites.geometry.to_numpy()
    cx, cy = shapely.get_x(points), shapely.get_y(points)
    reach = sites["range_m"].to_numpy(dtype=float)
    fov = np.repeat(sites["fov_deg"].to_numpy(dtype=float), turns)
    boxes = _squares(cx, cy, reach)
    cell_m = default_cell_m(boxes, segments.boxes, repeats=turns)
    site, seg = intersecting_boxes(boxes, segments.boxes, cell_m=cell_m)
    ax, ay = segments.x0[seg] - cx[site], segments.y0[seg] - cy[site]
    dx, dy = segments.x1[seg] - segments.x0[seg], segments.y1[seg] - segments.y0[seg]
    disc_lo, disc_hi = disc_interval(ax, ay, dx, dy, reach[site])
    # Every piece of a sector lies in its disc: a segment the disc misses no turn sees.
    near = np.flatnonzero(np.clip(disc_hi, 0.0, 1.0) > np.clip(disc_lo, 0.0, 1.0))
    edges = _edge_vectors(bearing_deg.ravel(), fov)
    parts = []
    for part in whole_runs(near, site[near], max(1, _FANNED_INTERVALS // turns)):
        pair = np.repeat(part, turns)
        cam = site[pair] * turns + np.tile(np.arange(turns), part.size)
        relative = tuple(v[pair] for v in (ax, ay, dx, dy))
        disc = disc_lo[pair], disc_hi[pair]
        seen = _sector_intervals(cam, seg[pair], relative, disc, [v[cam] for v in edges], fov[cam])
        if walls is None:
            yield seen
        else:
            parts.append(seen)
    if parts:
        seen = tuple(np.concatenate(column) for column in zip(*parts, strict=True))
        xy = np.repeat(np.column_stack([cx, cy]), turns, axis=0)
        yield unblocked(segments, walls, xy, np.repeat(mount_heights(sites), turns), seen)


def _edge_vectors(bearing_deg: np.ndarray, fov_deg: np.ndarray) -> tuple[np.ndarray, ...]:
    """Unit vectors (east, north) of each sector's left edge (``bearing - fov / 2``) and right
    edge (``bearing + fov / 2``): ``e1x, e1y, e2x, e2y``."""
    return (
        *bearing_vectors(bearing_deg - fov_deg / 2.0),
        *bearing_vectors(bearing_deg + fov_deg / 2.0),
    )


def _sector_intervals(cam, seg, relative, disc, edges, fov):
    """The (camera, segment, t_from, t_to) intervals of sectors on segments, one row of the
    arguments per (camera, segment) pair: the segment relative to the camera (``ax, ay, dx,
    dy``), the disc's interval on it, the unit vectors of the sector's edges and its ``fov``.
    Each pair's first piece comes in the pairs' order, then the second pieces of wide sectors."""
    ax, ay, dx, dy = relative
    disc_lo, disc_hi = disc
    e1x, e1y, e2x, e2y = edges
    # Left edge (bearing - fov/2): seen points are clockwise of it, cross(d1, P - C) <= 0.
    # Right edge (bearing + fov/2): seen points are anticlockwise of it, cross(d2, P - C) >= 0.
    # Up to 180° both must hold; beyond 180° either suffices; at 360° the disc is all.
    left_lo, left_hi = halfplane_interval(e1x * ay - e1y * ax, e1x * dy - e1y * dx)
    right_lo, right_hi = halfplane_interval(e2y * ax - e2x * ay, e2y * dx - e2x * dy)

    full = fov >= 360.0
    convex = fov <= 180.0
    first_lo = np.where(full, disc_lo, np.maximum(disc_lo, left_lo))
    first_hi = np.where(full, disc_hi, np.minimum(disc_hi, left_hi))
    first_lo = np.where(convex, np.maximum(first_lo, right_lo), first_lo)
    first_hi = np.where(convex, np.minimum(first_hi, right_hi), first_hi)
    wide = ~full & ~convex
    first_lo, first_hi = np.clip(first_lo, 0.0, 1.0), np.clip(first_hi, 0.0, 1.0)
    second_lo = np.clip(np.maximum(disc_lo[wide], right_lo[wide]), 0.0, 1.0)
    second_hi = np.clip(np.minimum(disc_hi[wide], right_hi[wide]), 0.0, 1.0)
    # The two pieces of a wide sector overlap where both edges' half-planes hold: one camera
    # sees that stretch once, so overlapping (or touching) pieces become one interval.
    wide_lo, wide_hi = first_lo[wide], first_hi[wide]
    joined = (
        (wide_hi > wide_lo)
        & (second_hi > second_lo)
        & (second_lo <= wide_hi)
        & (wide_lo <= second_hi)
    )
    first_lo[wide] = np.where(joined, np.minimum(wide_lo, second_lo), wide_lo)
    first_hi[wide] = np.where(joined, np.maximum(wide_hi, second_hi), wide_hi)
    second_hi = np.where(joined, second_lo, second_hi)  # left empty

    cam_all = np.concatenate([cam, cam[wide]])
    seg_all = np.concatenate([seg, seg[wide]])
    lo_all = np.concatenate([first_lo, second_lo])
    hi_all = np.concatenate([first_hi, second_hi])
    keep = hi_all > lo_all
    return cam_all[keep], seg_all[keep], lo_all[keep], hi_all[keep]


def _sweep(seg, lo, hi, length_m):
    """Merge intervals per segment: covered and redundant metres, and the disjoint union.

    A sweep over the sorted interval ends counts how many cameras see each stretch (the depth):
    depth >= 1 is covered, depth >= 2 is redundant. Each segment's ends add up to depth 0, so
    one running sum serves every segment.
    """
    n = length_m.size
    position = np.concatenate([lo, hi])
    owner = np.concatenate([seg, seg])
    step = np.concatenate([np.ones(lo.size, np.int64), -np.ones(hi.size, np.int64)])
    # Segment number plus position sorts by segment, then by position (positions are in [0, 1]).
    order = np.argsort(owner * 2.0 + position, kind="stable")
    position, owner, step = position[order], owner[order], step[order]
    depth = np.cumsum(step)
    same = owner[1:] == owner[:-1]
    span = np.where(same, position[1:] - position[:-1], 0.0)
    inner_depth = depth[:-1]
    covered = np.bincount(owner[:-1], weights=span * (inner_depth >= 1), minlength=n)
    redundant = np.bincount(owner[:-1], weights=span * (inner_depth >= 2), minlength=n)

    before = np.r_[0, depth[:-1]]
    opens = np.flatnonzero((before == 0) & (depth >= 1))
    closes = np.flatnonzero((before >= 1) & (depth == 0))
    seen = (owner[opens], position[opens], position[closes])
    return covered * length_m, redundant * length_m, seen
