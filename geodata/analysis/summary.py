"""Coverage figures of a dataset: the engine's results, and their JSON form for reports.

This is where engine results meet the outside world: gap midpoints go back to latitude and
longitude here, and nowhere in the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import geopandas as gpd
import numpy as np
import shapely

from coverage.gaps import GAP_MIN_M, coverage_gaps
from coverage.hotspots import hotspot_coverage
from coverage.network import RoadSegments, road_segments
from coverage.routes import RouteCoverage, route_coverage
from geodata.io.crs import to_wgs84
from geodata.layers.dataset import Dataset


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
        routes = self.routes.subset(np.isin(self.routes.segments.ward_code, rows))
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
        )

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
                "by_route": _rows(routes.by_route(), "route", "name"),
                "by_ward": _rows(routes.by_ward(), "ward", "ward"),
            },
            "hotspots": [
                {
                    "name": row.name,
                    "area_m2": _metres(row.area_m2),
                    "covered_m2": _metres(row.covered_m2),
                    "share": _share(row.share),
                }
                for row in self.hotspots.itertuples()
            ],
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


def key_route_segments(dataset: Dataset) -> RoadSegments:
    """The key routes of ``dataset`` as straight segments split at its ward boundaries."""
    return road_segments(dataset.key_roads(), wards=dataset.wards)


def summarise(
    dataset: Dataset,
    *,
    gap_min_m: float = GAP_MIN_M,
    segments: RoadSegments | None = None,
    progress: Callable[[float], None] | None = None,
) -> CoverageSummary:
    """Compute key-route coverage, hotspot coverage and gaps of ``dataset``.

    Parameters
    ----------
    dataset : Dataset
        Layers in one metric working CRS.
    gap_min_m : float, keyword-only
        Shortest unseen stretch reported as a gap, in metres.
    segments : RoadSegments, optional, keyword-only
        Precomputed :func:`key_route_segments` (the app caches them).
    progress : callable, optional, keyword-only
        Called with the fraction done (0–1).
    """
    report = progress or (lambda fraction: None)
    segments = segments if segments is not None else key_route_segments(dataset)
    report(0.2)
    routes = route_coverage(segments, dataset.cameras)
    report(0.6)
    hotspots = hotspot_coverage(dataset.hotspots, dataset.cameras)
    report(0.8)
    gaps = coverage_gaps(routes, wards=dataset.wards, min_length_m=gap_min_m)
    report(1.0)
    return CoverageSummary(dataset, routes, hotspots, gaps, gap_min_m)


def _metres(value) -> float:
    return round(float(value), 2)


def _share(value) -> float:
    return round(float(value), 6)


def _rows(table, key: str, label: str) -> list[dict]:
    return [
        {
            label: row[key],
            "length_m": _metres(row["length_m"]),
            "covered_m": _metres(row["covered_m"]),
            "share": _share(row["share"]),
        }
        for row in table.to_dict("records")
    ]
