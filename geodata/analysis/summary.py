"""Coverage figures of a dataset: the engine's results, and their JSON form for reports.

This is where engine results meet the outside world: gap midpoints go back to latitude and
longitude here, and nowhere in the engine.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from coverage.fov import active_cameras, fov_polygons
from coverage.gaps import GAP_MIN_M, coverage_gaps
from coverage.hotspots import hotspot_coverage, updated_hotspots
from coverage.network import RoadSegments, road_segments
from coverage.occlusion import Walls, building_walls, visible_polygons
from coverage.routes import (
    RouteCoverage,
    reached_segments,
    route_coverage,
    updated_coverage,
    updated_covered_m,
)
from coverage.tiers import (
    DEFAULT_HORIZONTAL_PX,
    TIERS,
    Tier,
    assumed_specs,
    at_tier,
    tier_named,
)
from geodata.io.crs import to_wgs84
from geodata.layers.dataset import Dataset


@dataclass(frozen=True, eq=False)
class TierCoverage:
    """What the cameras see at one detail tier (:mod:`coverage.tiers`).

    ``known_m`` holds, per key-route segment, the metres seen at this tier by cameras whose
    image width is known: the rest of ``routes.covered_m`` rests on assumed specs.
    """

    tier: Tier
    routes: RouteCoverage
    hotspots: gpd.GeoDataFrame
    known_m: np.ndarray

    @property
    def assumed_m(self) -> float:
        """Metres seen at this tier only thanks to cameras whose image width is assumed."""
        return float(self.routes.total_covered_m - self.known_m.sum())

    def within(self, keep: np.ndarray, spots: np.ndarray) -> TierCoverage:
        """The figures of the segments where ``keep`` holds and the hotspots where ``spots``."""
        return TierCoverage(
            self.tier,
            self.routes.subset(keep),
            self.hotspots[spots].reset_index(drop=True),
            self.known_m[keep],
        )


@dataclass(frozen=True, eq=False)
class CoverageSummary:
    """Everything the engine says about one dataset's key routes and hotspots."""

    dataset: Dataset
    routes: RouteCoverage
    hotspots: gpd.GeoDataFrame
    gaps: gpd.GeoDataFrame
    gap_min_m: float
    seeing: gpd.GeoDataFrame | None = None
    """Every camera whose view counts, when more than the dataset's own (a ward's figures
    count the neighbours' cameras that see its roads, without showing them)."""
    tiers: tuple[TierCoverage, ...] = ()
    """The figures at each detail tier, coarsest first (:data:`coverage.tiers.TIERS`)."""
    gaps_tier: str | None = None
    """The tier the gaps are at (None: where no camera sees at all)."""
    tier: str | None = None
    """The tier ``routes`` and ``hotspots`` are at (:meth:`seen_at`; None: at any detail)."""
    walls: Walls | None = None
    """The walls of the buildings that blocked the views (None: none did)."""
    _views: dict = field(default_factory=dict, repr=False, compare=False)

    def views(self) -> tuple[gpd.GeoDataFrame, np.ndarray, np.ndarray]:
        """The dataset's cameras at :attr:`tier` (``range_m`` cut to its reach; the range
        itself for None), their whole sectors, and what each sees of it, whatever its status:
        the sector less what buildings hide (:func:`coverage.occlusion.visible_polygons`).
        Polygons in the working CRS, worked out once per tier."""
        tier = self.tier
        if tier not in self._views:
            cameras = at_tier(self.dataset.cameras, tier_named(tier) if tier else None)
            sectors = fov_polygons(cameras).to_numpy()
            self._views[tier] = (cameras, sectors, visible_polygons(cameras, sectors, self.walls))
        return self._views[tier]

    def tier_cameras(self) -> gpd.GeoDataFrame:
        """The dataset's cameras at :attr:`tier` (the first of :meth:`views`), without working
        out their polygons when no building hides any view."""
        if self.walls is None and self.tier not in self._views:
            return at_tier(self.dataset.cameras, tier_named(self.tier) if self.tier else None)
        return self.views()[0]

    def visible_views(self) -> np.ndarray:
        """What each of the dataset's cameras sees (the last of :meth:`views`)."""
        return self.views()[2]

    def at_tier(self, name: str | None) -> TierCoverage | None:
        """The figures at the tier called ``name`` (None for None: what the cameras see at all)."""
        if name is None:
            return None
        for tier in self.tiers:
            if tier.tier.name == name:
                return tier
        raise KeyError(f"no figures at the tier {name!r}")

    def with_gaps_at(self, name: str | None) -> CoverageSummary:
        """These figures with the gaps at the tier called ``name`` (see :meth:`gaps_at`)."""
        return replace(self, gaps=self.gaps_at(name), gaps_tier=name)

    def seen_at(self, name: str | None) -> CoverageSummary:
        """The figures at the tier called ``name`` as the routes, hotspots and gaps (what
        tables and maps show when a tier is chosen); these figures for None."""
        tier = self.at_tier(name)
        if tier is None:
            return self
        return replace(
            self.with_gaps_at(name), routes=tier.routes, hotspots=tier.hotspots, tier=name
        )

    def gaps_at(self, name: str | None) -> gpd.GeoDataFrame:
        """The gaps at the tier called ``name`` (where that detail is not had), or the gaps."""
        tier = self.at_tier(name)
        if tier is None:
            return self.gaps
        return coverage_gaps(tier.routes, wards=self.dataset.wards, min_length_m=self.gap_min_m)

    def seeing_dataset(self) -> Dataset:
        """The dataset with every camera whose view counts: for what-if figures."""
        if self.seeing is None:
            return self.dataset
        return replace(self.dataset, cameras=self.seeing)

    def within_wards(self, codes) -> CoverageSummary:
        """The figures of the wards ``codes`` only, as the people of those wards see them.

        Their key-route metres, seen by any camera (so they are the wards' own rows of the
        district's figures), the hotspots that lie in them, their gaps, and the cameras that
        stand in them (the only ones counted and drawn). The dataset keeps every ward (the
        map's context) but only those hotspots and cameras.
        """
        wards = self.dataset.wards
        chosen = wards["ward_code"].isin(sorted(codes)).to_numpy()
        rows = np.flatnonzero(chosen)
        cameras = self.dataset.cameras
        own = cameras[cameras["ward_name"].isin(wards["ward_name"][chosen])]
        keep = np.isin(self.routes.segments.ward_code, rows)
        routes = self.routes.subset(keep)
        area = shapely.union_all(wards.geometry.to_numpy()[rows])
        spots = self.dataset.hotspots.geometry.to_numpy()
        inside = shapely.area(shapely.intersection(spots, area)) > 0
        return CoverageSummary(
            replace(
                self.dataset,
                cameras=own.reset_index(drop=True),
                hotspots=self.dataset.hotspots[inside].reset_index(drop=True),
            ),
            routes,
            self.hotspots[inside].reset_index(drop=True),
            coverage_gaps(routes, wards=wards, min_length_m=self.gap_min_m),
            self.gap_min_m,
            seeing=self.seeing_dataset().cameras,
            tiers=tuple(tier.within(keep, inside) for tier in self.tiers),
            walls=self.walls,
        )

    def updated(self, dataset: Dataset, changed_ids) -> CoverageSummary:
        """These figures for ``dataset``: this summary's dataset with the cameras whose
        ``camera_id`` is in ``changed_ids`` registered, changed or deleted since.

        Exactly what :func:`summarise` gives for ``dataset`` (with these segments and walls),
        worked out again only where the changed cameras reach, as they were and as they are:
        the key-route segments and hotspots they reach, at every tier, and their views; the
        gaps are joined again. For a district's figures, not a ward's (:meth:`within_wards`).
        """
        ids = {str(i) for i in changed_ids}
        before, after = self.dataset.cameras, dataset.cameras
        changed = pd.concat(
            [before[_among(before["camera_id"], ids)], after[_among(after["camera_id"], ids)]],
            ignore_index=True,
        )
        cameras, walls, segments = after, self.walls, self.routes.segments
        touched = reached_segments(segments, changed)  # at every tier too: reaches are shorter
        routes = updated_coverage(self.routes, cameras, touched, walls=walls)
        hotspots = updated_hotspots(self.hotspots, dataset.hotspots, cameras, changed, walls=walls)
        known = cameras[~assumed_specs(cameras)]
        tiers = tuple(
            TierCoverage(
                old.tier,
                updated_coverage(old.routes, at_tier(cameras, old.tier), touched, walls=walls),
                updated_hotspots(
                    old.hotspots,
                    dataset.hotspots,
                    at_tier(cameras, old.tier),
                    at_tier(changed, old.tier),
                    walls=walls,
                ),
                updated_covered_m(
                    old.known_m, segments, at_tier(known, old.tier), touched, walls=walls
                ),
            )
            for old in self.tiers
        )
        gaps = coverage_gaps(routes, wards=dataset.wards, min_length_m=self.gap_min_m)
        summary = replace(
            self, dataset=dataset, routes=routes, hotspots=hotspots, gaps=gaps, tiers=tiers,
            _views={},
        )  # fmt: skip
        for tier, kept in self._views.items():
            summary._views[tier] = _carried_views(kept, summary, tier, ids)
        return summary

    def gaps_wgs84(self) -> gpd.GeoDataFrame:
        """The gaps in EPSG:4326 with ``lat``/``lon`` of their midpoints (for maps and files)."""
        gaps = to_wgs84(self.gaps)
        midpoints = to_wgs84(
            gpd.GeoDataFrame(
                geometry=gpd.points_from_xy(self.gaps["x_m"], self.gaps["y_m"]),
                crs=self.gaps.crs,
            )
        ).geometry
        return gaps.assign(lat=midpoints.y.to_numpy(), lon=midpoints.x.to_numpy()).drop(
            columns=["x_m", "y_m"]
        )

    def to_json(self) -> dict:
        """The report as documented in the README (metres, m², shares 0–1, degrees)."""
        cameras = self.dataset.cameras
        routes = self.routes
        return {
            "crs": self.dataset.crs.to_string(),
            "cameras": {
                "total": len(cameras),
                "active": int((cameras["status"] == "active").sum()),
            },
            "routes": {
                "length_m": _metres(routes.length_m),
                "covered_m": _metres(routes.total_covered_m),
                "share": _share(routes.share),
                "redundant_m": _metres(routes.total_redundant_m),
                "tiers": [
                    _tier_entry(tier, tier.routes.total_covered_m, tier.routes.share)
                    for tier in self.tiers
                ],
                "by_route": self._rows(RouteCoverage.by_route, "route", "name"),
                "by_ward": self._rows(RouteCoverage.by_ward, "ward", "ward"),
            },
            "hotspots": [
                {
                    "name": row.name,
                    "area_m2": _metres(row.area_m2),
                    "covered_m2": _metres(row.covered_m2),
                    "share": _share(row.share),
                    "tiers": [
                        _tier_entry(
                            tier,
                            tier.hotspots["covered_m2"].iloc[i],
                            tier.hotspots["share"].iloc[i],
                            key="covered_m2",
                        )
                        for tier in self.tiers
                    ],
                }
                for i, row in enumerate(self.hotspots.itertuples())
            ],
            "assumed_specs": {
                "cameras": int(assumed_specs(active_cameras(cameras)).sum()),
                "horizontal_px": DEFAULT_HORIZONTAL_PX,
                "tiers": [
                    {"tier": tier.tier.name, "covered_m": _metres(tier.assumed_m)}
                    for tier in self.tiers
                ],
            },
            "gaps_tier": self.gaps_tier,
            "gaps": [
                {
                    "route": row.route,
                    "ward": row.ward,
                    "length_m": _metres(row.length_m),
                    "lat": round(float(row.lat), 7),
                    "lon": round(float(row.lon), 7),
                }
                for row in self.gaps_wgs84().itertuples()
            ],
        }

    def _rows(self, table_of, key: str, label: str) -> list[dict]:
        """One entry per route (or ward): its figures, and its figures at every tier."""
        rows = table_of(self.routes).to_dict("records")
        at_tiers = [
            (tier, table_of(tier.routes).set_index(key).to_dict("index")) for tier in self.tiers
        ]
        return [
            {
                label: row[key],
                "length_m": _metres(row["length_m"]),
                "covered_m": _metres(row["covered_m"]),
                "share": _share(row["share"]),
                "tiers": [
                    _tier_entry(tier, table[row[key]]["covered_m"], table[row[key]]["share"])
                    for tier, table in at_tiers
                ],
            }
            for row in rows
        ]


def _among(values: pd.Series, ids: set[str]) -> np.ndarray:
    """Whether each value is one of ``ids`` (a set lookup: fast whatever the column's dtype)."""
    return np.fromiter((v in ids for v in values.to_numpy(object)), dtype=bool, count=len(values))


def _carried_views(kept, summary: CoverageSummary, tier: str | None, ids: set[str]):
    """The views of ``summary``'s cameras at ``tier``: those of the cameras that did not
    change taken from ``kept`` (the views before), the others worked out (a camera's view
    depends on itself and the walls only)."""
    old_cameras, old_sectors, old_visible = kept
    cameras = at_tier(summary.dataset.cameras, tier_named(tier) if tier else None)
    position = {camera: i for i, camera in enumerate(old_cameras["camera_id"].to_numpy(object))}
    ids_now = cameras["camera_id"].to_numpy(object)
    same = np.array([position.get(c, -1) if c not in ids else -1 for c in ids_now], dtype=int)
    fresh = same < 0
    sectors = np.empty(len(cameras), dtype=object)
    visible = np.empty(len(cameras), dtype=object)
    sectors[~fresh], visible[~fresh] = old_sectors[same[~fresh]], old_visible[same[~fresh]]
    if fresh.any():
        new = cameras[fresh]
        sectors[fresh] = fov_polygons(new).to_numpy()
        visible[fresh] = visible_polygons(new, sectors[fresh], summary.walls)
    return cameras, sectors, visible


def dataset_walls(dataset: Dataset) -> Walls | None:
    """The walls of the dataset's buildings (None when it has no buildings layer)."""
    if dataset.buildings is None or len(dataset.buildings) == 0:
        return None
    return building_walls(dataset.buildings)


def key_route_segments(dataset: Dataset) -> RoadSegments:
    """The key routes of ``dataset`` as straight segments split at its ward boundaries."""
    return road_segments(dataset.key_roads(), wards=dataset.wards)


def summarise(
    dataset: Dataset,
    *,
    gap_min_m: float = GAP_MIN_M,
    segments: RoadSegments | None = None,
    walls: Walls | None = None,
    progress: Callable[[float], None] | None = None,
) -> CoverageSummary:
    """Compute key-route coverage, hotspot coverage and gaps of ``dataset``, at all and at each
    detail tier, with its buildings blocking views.

    Parameters
    ----------
    dataset : Dataset
        Layers in one metric working CRS.
    gap_min_m : float, keyword-only
        Shortest unseen stretch reported as a gap, in metres.
    segments : RoadSegments, optional, keyword-only
        Precomputed :func:`key_route_segments` (the app caches them).
    walls : Walls, optional, keyword-only
        Precomputed :func:`dataset_walls` (the app caches them); by default built from the
        dataset's buildings.
    progress : callable, optional, keyword-only
        Called with the fraction done (0–1).
    """
    report = progress or (lambda fraction: None)
    segments = segments if segments is not None else key_route_segments(dataset)
    walls = walls if walls is not None else dataset_walls(dataset)
    cameras = dataset.cameras
    known = cameras[~assumed_specs(cameras)]
    report(0.2)
    # The figures at all and at each tier are worked out side by side (GEOS and numpy work
    # outside the GIL). Each worker has frames of its own, as pandas frames are not to be
    # shared between threads; the segments and walls are arrays, only read.
    with ThreadPoolExecutor(max_workers=min(1 + len(TIERS), os.cpu_count() or 1)) as pool:
        at_all = pool.submit(_at_all, segments, _own(dataset.hotspots), _own(cameras), walls)
        at_tiers = [
            pool.submit(
                _at_tier, tier, segments, _own(dataset.hotspots), _own(cameras), _own(known), walls
            )
            for tier in TIERS
        ]
        routes, hotspots = at_all.result()
        gaps = coverage_gaps(routes, wards=dataset.wards, min_length_m=gap_min_m)
        report(0.4)
        tiers = []
        for number, future in enumerate(at_tiers):
            tiers.append(future.result())
            report(0.4 + 0.6 * (number + 1) / len(TIERS))
    return CoverageSummary(
        dataset, routes, hotspots, gaps, gap_min_m, tiers=tuple(tiers), walls=walls
    )


def _own(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` that shares nothing with it (for another thread)."""
    return frame.copy(deep=True)


def _at_all(segments: RoadSegments, hotspots, cameras, walls: Walls | None):
    """What ``cameras`` see of the key routes and the hotspots, at any detail."""
    return (
        route_coverage(segments, cameras, walls=walls),
        hotspot_coverage(hotspots, cameras, walls=walls),
    )


def _at_tier(tier: Tier, segments: RoadSegments, hotspots, cameras, known, walls) -> TierCoverage:
    """What ``cameras`` see at ``tier``, and the metres those of them in ``known`` see."""
    seen = at_tier(cameras, tier)
    return TierCoverage(
        tier,
        route_coverage(segments, seen, walls=walls),
        hotspot_coverage(hotspots, seen, walls=walls),
        route_coverage(segments, at_tier(known, tier), walls=walls).covered_m,
    )


def _metres(value) -> float:
    return round(float(value), 2)


def _share(value) -> float:
    return round(float(value), 6)


def _tier_entry(tier: TierCoverage, covered, share, *, key: str = "covered_m") -> dict:
    return {
        "tier": tier.tier.name,
        "px_per_m": tier.tier.px_per_m,
        key: _metres(covered),
        "share": _share(share),
    }
