"""Candidate cameras for placement: sites, and at each site a few bearings and camera templates.

Sites come from three places: every ``step_m`` along the unseen stretches of key routes, set back to
the roadside on both sides (:func:`roadside_sites`); every ``step_m`` around hotspot edges
(:func:`hotspot_edge_sites`); and households that agreed to install, as supplied
(:func:`supplied_sites`). :func:`candidate_views` gives each site its bearings and templates: given
the routes' coverage, the bearings that would newly see the most (:func:`best_bearings`); otherwise
along the road both ways and across it. A 360° template needs one bearing only. Sites within
:data:`EXISTING_CLEARANCE_M` of an existing active camera are dropped: existing cameras are never
proposed again.

All coordinates are metres in the segments' projected CRS; bearings are compass degrees.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from coverage.checks import metric_crs
from coverage.fov import active_cameras
from coverage.grid import intersecting_boxes
from coverage.network import RoadSegments
from coverage.routes import RouteCoverage, seen_intervals

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


@dataclass(frozen=True)
class Template:
    """A kind of camera a household might install."""

    name: str
    fov_deg: float
    range_m: float


TEMPLATES = (Template("bullet", 80.0, 40.0), Template("dome", 360.0, 15.0))
"""Default templates: a bullet camera 80° / 40 m and a dome camera 360° / 15 m."""


def roadside_sites(
    routes: RouteCoverage, *, step_m: float = STEP_M, setback_m: float = SETBACK_M
) -> pd.DataFrame:
    """Sites every ``step_m`` along the unseen stretches, on both sides of the road.

    Returns
    -------
    pandas.DataFrame
        :data:`SITE_COLUMNS`: the site, the road's direction there, the bearing from the site to
        the road, ``source`` ``"route"`` and an empty ``label``.
    """
    segments = routes.segments
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
    sites = _sites(x, y, _compass(east, north), _compass(on_road[:, 0] - x, on_road[:, 1] - y))
    return _one_per_cell(sites.assign(source="route", label=""), min(step_m / 2.0, setback_m))


def hotspot_edge_sites(hotspots: gpd.GeoDataFrame, *, step_m: float = STEP_M) -> pd.DataFrame:
    """Sites every ``step_m`` around each hotspot's outline, facing into the hotspot."""
    if len(hotspots) == 0:
        return _sites(*(np.zeros(0),) * 4).assign(source=[], label=[])
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
    centre = shapely.point_on_surface(shapely.polygons(rings))[ring]
    facing = _compass(shapely.get_x(centre) - x, shapely.get_y(centre) - y)
    sites = _sites(x, y, _compass(east, north), facing)
    return _one_per_cell(sites.assign(source="hotspot", label=""), step_m / 2.0)


def supplied_sites(
    points: gpd.GeoDataFrame, segments: RoadSegments, *, label_field: str | None = None
) -> pd.DataFrame:
    """Households that agreed to install, each facing the nearest key-route segment.

    Parameters
    ----------
    points : GeoDataFrame
        The households' points in the segments' CRS.
    segments : RoadSegments
        The key-route segments: a site's road is the nearest one.
    label_field : str, optional
        A column kept as the site's ``label`` (an address).
    """
    metric_crs(points=points, segments=segments.crs)
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
    facing = _compass(on_road[:, 0] - xy[:, 0], on_road[:, 1] - xy[:, 1])
    sites = _sites(xy[:, 0], xy[:, 1], _compass(east, north), facing)
    return sites.assign(source="supplied", label=labels)


def candidate_views(
    sites: pd.DataFrame,
    templates=TEMPLATES,
    *,
    existing: gpd.GeoDataFrame | None = None,
    routes: RouteCoverage | None = None,
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
        What the existing cameras see of the key routes. Given, each site tries every
        :data:`BEARING_STEP_DEG` and the road's and facing directions, and keeps the
        :data:`KEPT_BEARINGS` that would newly see the most (:func:`best_bearings`); otherwise
        the road's two directions and the facing one.

    Returns
    -------
    pandas.DataFrame
        ``site`` (row number in the kept sites, from 0), ``x_m``, ``y_m``, ``bearing_deg``,
        ``fov_deg``, ``range_m``, ``template``, ``source``, ``label``; sorted by site, then
        template, then bearing (the order breaks ties in the optimiser).
    """
    sites = sites.reset_index(drop=True)
    if existing is not None and len(existing):
        sites = sites[~_near_existing(sites, active_cameras(existing))].reset_index(drop=True)
    rows = []
    for number, template in enumerate(templates):
        if template.fov_deg >= 360.0:
            bearings = [sites["facing_deg"].to_numpy()]
        elif routes is None:
            road = sites["road_bearing_deg"].to_numpy()
            bearings = [road, (road + 180.0) % 360.0, sites["facing_deg"].to_numpy()]
        else:
            bearings = list(best_bearings(routes, sites, template).T)
        for turn, bearing in enumerate(bearings):
            rows.append(
                pd.DataFrame(
                    {
                        "site": np.arange(len(sites)),
                        "x_m": sites["x_m"].to_numpy(),
                        "y_m": sites["y_m"].to_numpy(),
                        "bearing_deg": np.round(bearing, 1) % 360.0,
                        "fov_deg": template.fov_deg,
                        "range_m": template.range_m,
                        "template": template.name,
                        "source": sites["source"].to_numpy(),
                        "label": sites["label"].to_numpy(),
                        "_order": number * 10 + turn,
                    }
                )
            )
    if not rows:
        return pd.DataFrame(columns=["site", "x_m", "y_m", "bearing_deg", "fov_deg", "range_m"])
    views = pd.concat(rows, ignore_index=True)
    views = views.sort_values(["site", "_order"], kind="stable").drop(columns="_order")
    return views.reset_index(drop=True)


def best_bearings(routes: RouteCoverage, sites: pd.DataFrame, template: Template) -> np.ndarray:
    """For each site, the :data:`KEPT_BEARINGS` bearings at which ``template`` would newly see
    the most unseen key-route metres, best first, each at least :data:`BEARING_APART_DEG` from
    the others (a repeat of the best bearing where fewer are worth keeping).

    Tried: every :data:`BEARING_STEP_DEG`, and the road's two directions and the facing one.
    What a camera would newly see, as a function of its bearing, is piecewise smooth with
    peaks where an edge of its view lines up with the road; the grid with the road-aligned
    bearings finds them to within half a step.
    """
    n = len(sites)
    grid = np.arange(0.0, 360.0, BEARING_STEP_DEG)
    road = sites["road_bearing_deg"].to_numpy(dtype=float)
    tried = np.column_stack(
        [np.tile(grid, (n, 1)), road, (road + 180.0) % 360.0, sites["facing_deg"].to_numpy()]
    )
    site = np.repeat(np.arange(n), tried.shape[1])
    views = gpd.GeoDataFrame(
        {
            "bearing_deg": tried.ravel(),
            "fov_deg": template.fov_deg,
            "range_m": template.range_m,
        },
        geometry=shapely.points(
            sites["x_m"].to_numpy(dtype=float)[site], sites["y_m"].to_numpy(dtype=float)[site]
        ),
        crs=routes.segments.crs,
    )
    gain = new_metres(routes, views).reshape(tried.shape)
    kept = np.empty((n, KEPT_BEARINGS))
    rows = np.arange(n)
    for j in range(KEPT_BEARINGS):
        best = np.argmax(gain, axis=1)
        kept[:, j] = np.where(gain[rows, best] > 0, tried[rows, best], kept[:, 0] if j else 0.0)
        apart = np.abs((tried - tried[rows, best][:, None] + 180.0) % 360.0 - 180.0)
        gain = np.where(apart < BEARING_APART_DEG, -np.inf, gain)
    return kept


def new_metres(routes: RouteCoverage, views: gpd.GeoDataFrame) -> np.ndarray:
    """Key-route metres each view would see that no existing camera sees (each view alone)."""
    cam, seg, lo, hi = seen_intervals(routes.segments, views)
    starts = 2.0 * routes.seen_segment + routes.seen_from  # one axis: segment, then fraction
    ends = 2.0 * routes.seen_segment + routes.seen_to
    before = np.r_[0.0, np.cumsum(ends - starts)]

    def seen_up_to(position):
        if starts.size == 0:  # nothing seen yet
            return np.zeros_like(position)
        i = np.searchsorted(starts, position, side="right") - 1
        inside = np.minimum(position, ends[np.maximum(i, 0)]) - starts[np.maximum(i, 0)]
        return np.where(i >= 0, before[np.maximum(i, 0)] + inside, 0.0)

    seen = seen_up_to(2.0 * seg + hi) - seen_up_to(2.0 * seg + lo)
    metres = np.maximum(hi - lo - seen, 0.0) * routes.segments.length_m[seg]
    return np.bincount(cam, weights=metres, minlength=len(views))


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
