"""Candidate cameras for placement: sites, and at each site a few bearings and camera templates.

Sites come from three places: every ``step_m`` along the unseen stretches of key routes, set back to
the roadside on both sides (:func:`roadside_sites`); every ``step_m`` around hotspot edges
(:func:`hotspot_edge_sites`); and households that agreed to install, as supplied
(:func:`supplied_sites`). :func:`candidate_views` gives each site its bearings and templates: given
the routes' coverage, the bearings that would newly see the most (:func:`best_bearings`); otherwise
along the road both ways and across it. A 360° template needs one bearing only. Sites within
:data:`EXISTING_CLEARANCE_M` of an existing active camera are dropped: existing cameras are never
proposed again.

Buildings (optional ``walls``, :mod:`coverage.occlusion`) shape the candidates in two ways. What a
candidate would see is what the route engine gives it with the same walls, so the placement's
figures agree with :func:`coverage.routes.route_coverage` of existing + picked cameras. And no
site stands inside a footprint: every site faces an *anchor* (the road point a roadside site was
made for, a household's nearest key-route point, a hotspot's centre); a site strictly inside a
footprint moves onto that footprint's façade facing its anchor — the boundary point nearest to the
anchor, then :data:`FACADE_OFFSET_M` towards the anchor — and becomes a wall-mounted camera. A
site still inside some footprint after that is dropped (:func:`onto_facades`).

A detail tier (optional ``tier``, :mod:`coverage.tiers`) cuts what a candidate sees to its reach
at that tier, from its template's ``horizontal_px``; the views keep the template's own
``range_m``.

All coordinates are metres in the segments' projected CRS; bearings are compass degrees.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from coverage.checks import metric_crs
from coverage.fov import active_cameras
from coverage.grid import intersecting_boxes
from coverage.network import RoadSegments
from coverage.occlusion import Walls
from coverage.routes import RouteCoverage, fanned_intervals, seen_intervals
from coverage.tiers import DEFAULT_HORIZONTAL_PX, Tier, at_tier

STEP_M = 25.0
"""Default distance between generated sites, in metres."""
SETBACK_M = 4.0
"""How far a roadside site stands from the road's centre line (a house front), in metres."""
EXISTING_CLEARANCE_M = 3.0
"""A site this close to an existing active camera is that camera's place: not proposed."""
SITE_COLUMNS = ["x_m", "y_m", "road_bearing_deg", "facing_deg", "source", "label"]
BEARING_STEP_DEG = 15.0
"""Bearings tried at every site when the routes' coverage is known (besides the road's and
the facing directions)."""
KEPT_BEARINGS = 3
"""Bearings kept per site and camera kind: the best ones, at least :data:`BEARING_APART_DEG`
apart."""
BEARING_APART_DEG = 45.0
FACADE_OFFSET_M = 0.2
"""How far in front of its façade a site moved out of a building stands, in metres: less than
:data:`coverage.occlusion.WALL_TOLERANCE_M`, so the camera is mounted on that wall."""
SPEC_COLUMNS = ("horizontal_px", "mount_height_m")
"""The template's specs carried by every candidate view (for tiers and the height rule)."""


@dataclass(frozen=True)
class Template:
    """A kind of camera a household might install.

    Attributes
    ----------
    name : str
        What people call it (``"bullet"``).
    fov_deg, range_m : float
        Its view: degrees in (0, 360], and its reach in metres (the lens or infrared limit).
    horizontal_px : float
        Its image's width in pixels (for detail tiers, :mod:`coverage.tiers`).
    mount_height_m : float
        How high it is mounted, metres above ground (NaN: unknown, every building blocks it).
    """

    name: str
    fov_deg: float
    range_m: float
    horizontal_px: float = DEFAULT_HORIZONTAL_PX
    mount_height_m: float = math.nan


TEMPLATES = (Template("bullet", 80.0, 40.0), Template("dome", 360.0, 15.0))
"""Default templates: a bullet camera 80° / 40 m and a dome camera 360° / 15 m."""


VIEW_COLUMNS = [
    "site",
    "x_m",
    "y_m",
    "bearing_deg",
    "fov_deg",
    "range_m",
    *SPEC_COLUMNS,
    "template",
    "source",
    "label",
]
"""The columns of :func:`candidate_views`."""


def roadside_sites(
    routes: RouteCoverage,
    *,
    step_m: float = STEP_M,
    setback_m: float = SETBACK_M,
    walls: Walls | None = None,
) -> pd.DataFrame:
    """Sites every ``step_m`` along the unseen stretches, on both sides of the road.

    Parameters
    ----------
    routes : RouteCoverage
        What the existing cameras see of the key routes.
    step_m, setback_m : float, keyword-only
        Metres between sites along a stretch, and from the road's centre line to a site.
    walls : Walls, optional, keyword-only
        Building walls in the routes' CRS: a site inside a footprint moves onto its façade facing
        the road point it was made for, or is dropped (:func:`onto_facades`).

    Returns
    -------
    pandas.DataFrame
        :data:`SITE_COLUMNS`: the site, the road's direction there, the bearing from the site to
        its road point, ``source`` ``"route"`` and an empty ``label``.
    """
    segments = routes.segments
    _check_walls(segments.crs, walls)
    seg, lo, hi = routes.unseen
    stretch_m = (hi - lo) * segments.length_m[seg]
    count = np.maximum(1, np.floor(stretch_m / step_m + 0.5)).astype(np.int64)
    stretch = np.repeat(np.arange(seg.size), count)
    k = np.arange(stretch.size) - np.repeat(np.cumsum(count) - count, count)
    t = lo[stretch] + (hi[stretch] - lo[stretch]) * (k + 0.5) / count[stretch]
    on_road = np.tile(segments.points_at(seg[stretch], t), (2, 1))
    east, north = (np.tile(v, 2) for v in _unit_direction(segments, seg[stretch]))
    side = np.repeat([1.0, -1.0], stretch.size)  # both sides of the road at every step
    x = on_road[:, 0] + side * setback_m * north  # the right-hand normal of (east, north)
    y = on_road[:, 1] - side * setback_m * east
    sites = _facing(np.c_[x, y], on_road, _compass(east, north), walls, source="route", label="")
    return _one_per_cell(sites, min(step_m / 2.0, setback_m))


def hotspot_edge_sites(
    hotspots: gpd.GeoDataFrame, *, step_m: float = STEP_M, walls: Walls | None = None
) -> pd.DataFrame:
    """Sites every ``step_m`` around each hotspot's outline, facing into the hotspot.

    With ``walls``, a site inside a footprint moves onto its façade facing the hotspot's centre
    (a point on its surface), or is dropped (:func:`onto_facades`).
    """
    if len(hotspots) == 0:
        return _sites(*(np.zeros(0),) * 4).assign(source=[], label=[])
    _check_walls(hotspots, walls, name="hotspots")
    rings = shapely.get_exterior_ring(
        shapely.get_parts(shapely.make_valid(hotspots.geometry.to_numpy()))
    )
    rings = rings[~shapely.is_empty(rings)]
    lengths = shapely.length(rings)
    count = np.maximum(3, np.floor(lengths / step_m)).astype(np.int64)
    ring = np.repeat(np.arange(rings.size), count)
    k = np.arange(ring.size) - np.repeat(np.cumsum(count) - count, count)
    along = lengths[ring] * k / count[ring]
    here = shapely.line_interpolate_point(rings[ring], along)
    ahead = shapely.line_interpolate_point(rings[ring], (along + 1.0) % lengths[ring])
    x, y = shapely.get_x(here), shapely.get_y(here)
    east, north = shapely.get_x(ahead) - x, shapely.get_y(ahead) - y
    centre = shapely.get_coordinates(shapely.point_on_surface(shapely.polygons(rings)))[ring]
    sites = _facing(np.c_[x, y], centre, _compass(east, north), walls, source="hotspot", label="")
    return _one_per_cell(sites, step_m / 2.0)


def supplied_sites(
    points: gpd.GeoDataFrame,
    segments: RoadSegments,
    *,
    label_field: str | None = None,
    walls: Walls | None = None,
) -> pd.DataFrame:
    """Households that agreed to install, each facing the nearest key-route segment.

    Parameters
    ----------
    points : GeoDataFrame
        The households' points in the segments' CRS.
    segments : RoadSegments
        The key-route segments: a site's road is the nearest one.
    label_field : str, optional, keyword-only
        A column kept as the site's ``label`` (an address).
    walls : Walls, optional, keyword-only
        Building walls in the segments' CRS: a household inside a footprint (its home) moves
        onto the façade facing its nearest key-route point, or is dropped
        (:func:`onto_facades`); with no segment it stays, for :func:`candidate_views` to drop.
    """
    metric_crs(points=points, segments=segments.crs)
    _check_walls(segments.crs, walls)
    xy = shapely.get_coordinates(points.geometry.to_numpy())
    labels = points[label_field].astype(str).to_numpy() if label_field else np.full(len(xy), "")
    if len(segments) == 0 or len(xy) == 0:
        return _sites(xy[:, 0], xy[:, 1], np.zeros(len(xy)), np.zeros(len(xy))).assign(
            source="supplied", label=labels
        )
    lines = shapely.linestrings(
        np.stack([np.c_[segments.x0, segments.y0], np.c_[segments.x1, segments.y1]], axis=1)
    )
    _, nearest = shapely.STRtree(lines).query_nearest(shapely.points(xy), all_matches=False)
    on_road = shapely.get_coordinates(
        shapely.shortest_line(shapely.points(xy), lines[nearest])
    ).reshape(-1, 2, 2)[:, 1]
    east, north = _unit_direction(segments, nearest)
    return _facing(xy, on_road, _compass(east, north), walls, source="supplied", label=labels)


def onto_facades(
    xy: np.ndarray, anchor_xy: np.ndarray, walls: Walls | None
) -> tuple[np.ndarray, np.ndarray]:
    """Sites moved out of buildings onto the façade facing their anchors, and which are kept.

    A site strictly inside a footprint moves to the point P of that footprint's boundary
    nearest to its anchor A (the road point it faces), then :data:`FACADE_OFFSET_M` towards A
    (all the way when A is nearer). No boundary point is nearer to A than P, so the stretch
    from P to A leaves that footprint at once: the site stands just outside, on the façade, a
    wall-mounted camera facing A. A site still inside some footprint (another building's, or
    its own when A is inside it too) is not kept.

    Parameters
    ----------
    xy, anchor_xy : ndarray, shape (n, 2)
        The sites and the points they face, metres in the walls' CRS.
    walls : Walls or None
        The buildings (their ``footprints``); None keeps every site where it is.

    Returns
    -------
    (ndarray, shape (n, 2), ndarray of bool)
        Where the sites stand now, and whether each may be proposed.

    Examples
    --------
    A site 2 m inside a house's front wall (y = 0), facing a road point 4 m in front of it:

    >>> import geopandas as gpd
    >>> from coverage.occlusion import building_walls
    >>> house = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 10, 8)], crs=32648)
    >>> moved, kept = onto_facades(np.array([[3.0, 2.0]]), np.array([[3.0, -2.0]]),
    ...     building_walls(house))
    >>> moved.round(6).tolist(), kept.tolist()
    ([[3.0, -0.2]], [True])
    """
    xy = np.array(xy, dtype=float).reshape(-1, 2)
    anchor_xy = np.asarray(anchor_xy, dtype=float).reshape(-1, 2)
    kept = np.ones(xy.shape[0], dtype=bool)
    if walls is None or walls.footprints.size == 0 or xy.shape[0] == 0:
        return xy, kept
    tree = shapely.STRtree(walls.footprints)
    site, footprint = tree.query(shapely.points(xy), predicate="within")
    site, first = np.unique(site, return_index=True)  # the first footprint a site is inside
    if site.size == 0:
        return xy, kept
    anchor = anchor_xy[site]
    boundary = shapely.boundary(walls.footprints[footprint[first]])
    nearest = shapely.get_coordinates(
        shapely.shortest_line(shapely.points(anchor), boundary)
    ).reshape(-1, 2, 2)[:, 1]
    towards = anchor - nearest
    distance = np.hypot(towards[:, 0], towards[:, 1])
    step = np.minimum(FACADE_OFFSET_M, distance) / np.where(distance > 0, distance, 1.0)
    xy[site] = nearest + step[:, None] * towards
    kept[site] = ~_inside_footprints(xy[site], tree)
    return xy, kept


def candidate_views(
    sites: pd.DataFrame,
    templates=TEMPLATES,
    *,
    existing: gpd.GeoDataFrame | None = None,
    routes: RouteCoverage | None = None,
    walls: Walls | None = None,
    tier: Tier | None = None,
) -> pd.DataFrame:
    """Every (site, bearing, template) a household could install, sites near cameras dropped.

    Parameters
    ----------
    sites : pandas.DataFrame
        :data:`SITE_COLUMNS` rows (from the functions above, concatenated).
    templates : sequence of Template
        The camera kinds to try at each site.
    existing : GeoDataFrame, optional, keyword-only
        Registered cameras; sites within :data:`EXISTING_CLEARANCE_M` of an active one are
        dropped.
    routes : RouteCoverage, optional, keyword-only
        What the existing cameras see of the key routes (with ``walls`` and at ``tier``). Given,
        each site tries every :data:`BEARING_STEP_DEG` and the road's and facing directions, and
        keeps the :data:`KEPT_BEARINGS` that would newly see the most (:func:`best_bearings`);
        otherwise the road's two directions and the facing one.
    walls : Walls, optional, keyword-only
        Building walls in the routes' CRS: sites strictly inside a footprint are dropped (the
        site functions have moved what they could onto façades), and the bearings are chosen
        by what the walls leave in view.
    tier : Tier, optional, keyword-only
        The detail tier the bearings are chosen for (each template's reach at that tier).

    Returns
    -------
    pandas.DataFrame
        :data:`VIEW_COLUMNS`: ``site`` (row number in the kept sites, from 0), ``x_m``,
        ``y_m``, ``bearing_deg``, and the template's ``fov_deg``, ``range_m`` (its own, whatever
        the tier), ``horizontal_px``, ``mount_height_m`` and name (``template``), with the
        site's ``source`` and ``label``; sorted by site, then template, then bearing (the order
        breaks ties in the optimiser).
    """
    sites = sites.reset_index(drop=True)
    if existing is not None and len(existing):
        sites = sites[~_near_existing(sites, active_cameras(existing))].reset_index(drop=True)
    if walls is not None:
        if routes is not None:
            _check_walls(routes.segments.crs, walls)
        xy = sites[["x_m", "y_m"]].to_numpy(dtype=float)
        sites = sites[~_inside_footprints(xy, shapely.STRtree(walls.footprints))]
        sites = sites.reset_index(drop=True)
    rows = []
    for number, template in enumerate(templates):
        if template.fov_deg >= 360.0:
            bearings = [sites["facing_deg"].to_numpy()]
        elif routes is None:
            road = sites["road_bearing_deg"].to_numpy()
            bearings = [road, (road + 180.0) % 360.0, sites["facing_deg"].to_numpy()]
        else:
            bearings = list(best_bearings(routes, sites, template, walls=walls, tier=tier).T)
        for turn, bearing in enumerate(bearings):
            rows.append(
                pd.DataFrame(
                    {
                        "site": np.arange(len(sites)),
                        "x_m": sites["x_m"].to_numpy(),
                        "y_m": sites["y_m"].to_numpy(),
                        "bearing_deg": np.round(bearing, 1) % 360.0,
                        **_template_columns(template),
                        "template": template.name,
                        "source": sites["source"].to_numpy(),
                        "label": sites["label"].to_numpy(),
                        "_order": number * 10 + turn,
                    }
                )
            )
    if not rows:
        return pd.DataFrame(columns=VIEW_COLUMNS)
    views = pd.concat(rows, ignore_index=True)
    views = views.sort_values(["site", "_order"], kind="stable").drop(columns="_order")
    return views.reset_index(drop=True)


def best_bearings(
    routes: RouteCoverage,
    sites: pd.DataFrame,
    template: Template,
    *,
    walls: Walls | None = None,
    tier: Tier | None = None,
) -> np.ndarray:
    """For each site, the :data:`KEPT_BEARINGS` bearings at which ``template`` would newly see
    the most unseen key-route metres, best first, each at least :data:`BEARING_APART_DEG` from
    the others (a repeat of the best bearing where fewer are worth keeping).

    Tried: every :data:`BEARING_STEP_DEG`, and the road's two directions and the facing one.
    What a camera would newly see, as a function of its bearing, is piecewise smooth with
    peaks where an edge of its view lines up with the road; the grid with the road-aligned
    bearings finds them to within half a step. With ``walls``, what buildings hide is not seen;
    with ``tier``, the template sees to its reach at that tier (``routes`` should be computed
    with the same walls and at the same tier).
    """
    n = len(sites)
    grid = np.arange(0.0, 360.0, BEARING_STEP_DEG)
    road = sites["road_bearing_deg"].to_numpy(dtype=float)
    tried = np.column_stack(
        [np.tile(grid, (n, 1)), road, (road + 180.0) % 360.0, sites["facing_deg"].to_numpy()]
    )
    cameras = view_cameras(
        pd.DataFrame(
            {
                "x_m": sites["x_m"].to_numpy(dtype=float),
                "y_m": sites["y_m"].to_numpy(dtype=float),
                "bearing_deg": 0.0,  # turned to every bearing tried by fanned_intervals
                **_template_columns(template),
            }
        ),
        routes.segments.crs,
        tier=tier,
    )
    gain, unseen_metres = np.zeros(tried.size), _unseen_metres(routes)
    for seen in fanned_intervals(routes.segments, cameras, tried, walls=walls):
        # Every camera's intervals are in one part: its sum is its sum over all of them.
        np.add.at(gain, seen[0], unseen_metres(seen))
    gain = gain.reshape(tried.shape)
    kept = np.empty((n, KEPT_BEARINGS))
    rows = np.arange(n)
    for j in range(KEPT_BEARINGS):
        best = np.argmax(gain, axis=1)
        kept[:, j] = np.where(gain[rows, best] > 0, tried[rows, best], kept[:, 0] if j else 0.0)
        apart = np.abs((tried - tried[rows, best][:, None] + 180.0) % 360.0 - 180.0)
        gain = np.where(apart < BEARING_APART_DEG, -np.inf, gain)
    return kept


def new_metres(
    routes: RouteCoverage, views: gpd.GeoDataFrame, *, walls: Walls | None = None
) -> np.ndarray:
    """Key-route metres each view would see that no existing camera sees (each view alone).

    ``views`` are cameras as the route engine takes them (:func:`view_cameras`, at the tier
    wanted); with ``walls``, what buildings hide from a view is not seen.
    """
    seen = seen_intervals(routes.segments, views, walls=walls)
    return np.bincount(seen[0], weights=_unseen_metres(routes)(seen), minlength=len(views))


def _unseen_metres(routes: RouteCoverage):
    """A function giving, for intervals (camera, segment, t_from, t_to), the metres of each
    that no existing camera sees."""
    starts = 2.0 * routes.seen_segment + routes.seen_from  # one axis: segment, then fraction
    ends = 2.0 * routes.seen_segment + routes.seen_to
    before = np.r_[0.0, np.cumsum(ends - starts)]

    def seen_up_to(position):
        if starts.size == 0:  # nothing seen yet
            return np.zeros_like(position)
        i = np.searchsorted(starts, position, side="right") - 1
        inside = np.minimum(position, ends[np.maximum(i, 0)]) - starts[np.maximum(i, 0)]
        return np.where(i >= 0, before[np.maximum(i, 0)] + inside, 0.0)

    def unseen_metres(intervals) -> np.ndarray:
        _, seg, lo, hi = intervals
        seen = seen_up_to(2.0 * seg + hi) - seen_up_to(2.0 * seg + lo)
        return np.maximum(hi - lo - seen, 0.0) * routes.segments.length_m[seg]

    return unseen_metres


def view_cameras(
    views: pd.DataFrame, crs: pyproj.CRS, *, tier: Tier | None = None
) -> gpd.GeoDataFrame:
    """Candidate views as the cameras the route engine takes.

    Points at ``x_m``, ``y_m`` (metres in ``crs``) with the views' :func:`view_specs`.
    """
    return gpd.GeoDataFrame(
        view_specs(views, tier=tier),
        geometry=shapely.points(views[["x_m", "y_m"]].to_numpy(dtype=float).reshape(-1, 2)),
        crs=crs,
    )


def view_specs(views: pd.DataFrame, *, tier: Tier | None = None) -> pd.DataFrame:
    """The views' ``bearing_deg``, ``fov_deg``, ``range_m`` and the specs they carry
    (:data:`SPEC_COLUMNS`), numbered from 0; with ``tier``, ``range_m`` is cut to each view's
    reach at that tier (:func:`coverage.tiers.at_tier`)."""
    columns = ["bearing_deg", "fov_deg", "range_m"]
    columns += [column for column in SPEC_COLUMNS if column in views.columns]
    return at_tier(views[columns].reset_index(drop=True), tier)


def _template_columns(template: Template) -> dict:
    """The view columns a template gives: its field of view, range and specs."""
    return {
        "fov_deg": template.fov_deg,
        "range_m": template.range_m,
        "horizontal_px": float(template.horizontal_px),
        "mount_height_m": float(template.mount_height_m),
    }


def _facing(xy, anchor_xy, road_bearing_deg, walls, *, source, label) -> pd.DataFrame:
    """Sites facing their anchors, moved out of buildings or dropped (:func:`onto_facades`)."""
    xy, kept = onto_facades(xy, anchor_xy, walls)
    facing = _compass(anchor_xy[:, 0] - xy[:, 0], anchor_xy[:, 1] - xy[:, 1])
    sites = _sites(xy[:, 0], xy[:, 1], road_bearing_deg, facing).assign(source=source, label=label)
    return sites[kept].reset_index(drop=True)


def _inside_footprints(xy: np.ndarray, footprints: shapely.STRtree) -> np.ndarray:
    """Whether each point lies strictly inside one of the ``footprints``."""
    inside = np.zeros(xy.shape[0], dtype=bool)
    if xy.shape[0]:
        inside[footprints.query(shapely.points(xy), predicate="within")[0]] = True
    return inside


def _check_walls(frame, walls: Walls | None, *, name: str = "segments") -> None:
    """Refuse walls in another CRS than ``frame`` (a frame or a CRS), naming both."""
    if walls is not None:
        metric_crs(**{name: frame, "buildings": walls.crs})


def _sites(x, y, road_bearing_deg, facing_deg) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "x_m": np.asarray(x, dtype=float),
            "y_m": np.asarray(y, dtype=float),
            "road_bearing_deg": np.asarray(road_bearing_deg, dtype=float),
            "facing_deg": np.asarray(facing_deg, dtype=float),
        }
    )


def _unit_direction(segments: RoadSegments, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The unit vector (east, north) along each segment of ``index``."""
    dx = segments.x1[index] - segments.x0[index]
    dy = segments.y1[index] - segments.y0[index]
    length = np.hypot(dx, dy)
    return dx / length, dy / length


def _compass(east, north) -> np.ndarray:
    """The compass bearing (degrees clockwise from north) of vectors (east, north)."""
    return np.degrees(np.arctan2(east, north)) % 360.0


def _one_per_cell(sites: pd.DataFrame, cell_m: float) -> pd.DataFrame:
    """The first site of each ``cell_m`` grid cell (curvy roads give crowded sites)."""
    cells = np.floor(sites[["x_m", "y_m"]].to_numpy() / cell_m).astype(np.int64)
    _, first = np.unique(cells, axis=0, return_index=True)
    return sites.iloc[np.sort(first)].reset_index(drop=True)


def _near_existing(sites: pd.DataFrame, cameras: gpd.GeoDataFrame) -> np.ndarray:
    """Whether each site lies within :data:`EXISTING_CLEARANCE_M` of one of ``cameras``."""
    near = np.zeros(len(sites), dtype=bool)
    if len(cameras) == 0 or len(sites) == 0:
        return near
    r = EXISTING_CLEARANCE_M
    points = shapely.get_coordinates(cameras.geometry.to_numpy())
    x, y = sites["x_m"].to_numpy(), sites["y_m"].to_numpy()
    site, camera = intersecting_boxes(
        np.c_[x - r, y - r, x + r, y + r], np.c_[points, points], cell_m=2 * r
    )
    close = np.hypot(x[site] - points[camera, 0], y[site] - points[camera, 1]) <= r
    near[site[close]] = True
    return near
