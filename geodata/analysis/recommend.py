"""Recommendations for an area: where new cameras should go, and how close that is to the best.

:func:`recommend` builds the candidates of a :class:`~geodata.layers.dataset.Dataset` (generated
along the unseen key-route stretches and hotspot edges, and/or households from a list,
:func:`read_households`), picks K of them with the lazy greedy of :mod:`coverage.placement`, and
certifies the picks with the linear-relaxation bound. :meth:`Recommendation.to_json` is the CLI's
``recommend`` output.

Buildings block views: the existing cameras' coverage, the candidates' sites (moved out of
footprints onto façades) and what each candidate would see all take the dataset's building walls
into account. With a detail tier (:mod:`coverage.tiers`), coverage means coverage at that tier
(e.g. recognition: where faces could be recognised), and the picks close the gaps at that level of
detail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from coverage import candidates as cand
from coverage import placement, programme
from coverage.network import RoadSegments
from coverage.occlusion import Walls
from coverage.routes import RouteCoverage, route_coverage
from coverage.tiers import Tier, at_tier, tier_named
from geodata.analysis.summary import dataset_walls, key_route_segments
from geodata.errors import InputError
from geodata.i18n import Message
from geodata.io.crs import to_wgs84, to_working
from geodata.io.files import read_table, source_name
from geodata.layers.camerafields import FIELD_BY_NAME, Problem, field_label, parse_value
from geodata.layers.cameralist import map_headers
from geodata.layers.dataset import Dataset

TEMPLATES = cand.TEMPLATES
"""The camera kinds tried at every site by default (bullet 80° / 40 m, dome 360° / 15 m)."""
MAX_PICKS = 2_000
"""The most cameras one recommendation proposes (a target share stops earlier)."""
_ADDRESS = ("house_number", "alley", "street")


@dataclass(frozen=True, eq=False)
class Recommendation:
    """Recommended cameras for an area and the figures that go with them.

    Attributes
    ----------
    dataset : Dataset
        The area.
    problem : coverage.placement.CoverageProblem
        The candidates and what each would newly see.
    placement : coverage.placement.Placement
        The greedy picks, best first.
    bound : float
        The linear-relaxation bound on the objective (weighted metres) for as many picks.
    bound_m : float
        The same bound on newly covered metres (equal to ``bound`` when unweighted).
    weighted : bool
        Whether route priorities or hotspot weights shaped the objective.
    segments : coverage.network.RoadSegments
        The key-route segments the figures refer to.
    sites : geopandas.GeoDataFrame
        One row per pick in the working CRS: ``lat``, ``lon``, ``bearing_deg``, ``fov_deg``,
        ``range_m`` (the template's own, whatever the tier), ``horizontal_px``,
        ``mount_height_m``, ``template``, ``gain_m``, ``ward``, ``label`` (a supplied
        household's address) and ``source`` (``route``, ``hotspot`` or ``supplied``).
    tier : coverage.tiers.Tier or None
        The detail tier the figures are at (None: what the cameras see at all).
    walls : coverage.occlusion.Walls or None
        The building walls that blocked views (None: views were unobstructed).
    """

    dataset: Dataset
    problem: placement.CoverageProblem
    placement: placement.Placement
    bound: float
    bound_m: float
    weighted: bool
    segments: RoadSegments
    sites: gpd.GeoDataFrame
    tier: Tier | None = None
    walls: Walls | None = None

    @property
    def gap(self) -> float:
        """How far the picks may be from the best possible, as a share of the bound (0–1)."""
        return 0.0 if self.bound <= 0 else max(0.0, 1.0 - self.placement.weight / self.bound)

    def cameras_for(self, share: float) -> int | None:
        """How many of the picks (in order) reach ``share`` of the key routes; None if none do."""
        reached = np.flatnonzero(self.placement.curve()["share"].to_numpy() >= share)
        return int(reached[0]) if reached.size else None

    def to_json(self) -> dict:
        """The CLI's ``recommend`` JSON (metres rounded to the centimetre)."""
        curve = self.placement.curve()
        return {
            "area": self.dataset.name,
            "tier": self.tier.name if self.tier is not None else None,
            "covered_before_m": _m(self.placement.covered_before_m),
            "covered_after_m": _m(self.placement.covered_after_m),
            "upper_bound_m": _m(self.placement.covered_before_m + self.bound_m),
            "length_m": _m(self.placement.length_m),
            "objective": {
                "weighted": self.weighted,
                "value": _m(self.placement.weight),
                "upper_bound": _m(self.bound),
                "gap": round(self.gap, 6),
            },
            "candidates": len(self.problem),
            "sites": [
                {
                    "lat": round(float(row.lat), 7),
                    "lon": round(float(row.lon), 7),
                    "bearing_deg": float(row.bearing_deg),
                    "fov_deg": float(row.fov_deg),
                    "range_m": float(row.range_m),
                    "gain_m": _m(row.gain_m),
                    "ward": row.ward,
                    "template": row.template,
                    "label": row.label,
                    "road": row.road,
                    "source": row.source,
                }
                for row in self.sites.itertuples()
            ],
            "curve": [
                {"k": int(row.k), "covered_m": _m(row.covered_m), "share": round(row.share, 6)}
                for row in curve.itertuples()
            ],
        }


def recommend(
    dataset: Dataset,
    *,
    k: int | None = None,
    target_share: float | None = None,
    spacing_m: float = placement.SPACING_M,
    templates=TEMPLATES,
    step_m: float = cand.STEP_M,
    generated: bool = True,
    households: gpd.GeoDataFrame | None = None,
    route_weights: dict[str, float] | None = None,
    hotspot_weighting: bool = False,
    tier: str | None = None,
    walls: Walls | None = None,
    segments: RoadSegments | None = None,
    routes: RouteCoverage | None = None,
    progress: Callable[[float], None] | None = None,
) -> Recommendation:
    """Recommend up to ``k`` new cameras (or as many as reach ``target_share``).

    Parameters
    ----------
    dataset : Dataset
        The area, with its existing cameras (active ones are fixed and never proposed).
    k, target_share : keyword-only
        How many cameras, or the covered share of key routes to reach (0–1); one is needed.
    spacing_m : float, keyword-only
        Least distance between two recommended cameras, in metres.
    templates : sequence of coverage.candidates.Template, keyword-only
        Camera kinds tried at every site.
    step_m : float, keyword-only
        Distance between generated sites along unseen stretches and hotspot edges.
    generated : bool, keyword-only
        Whether to generate sites (False: only ``households``).
    households : GeoDataFrame, optional, keyword-only
        Households that agreed to install (:func:`read_households`), in the working CRS.
    route_weights : dict, optional, keyword-only
        Route name → priority (default 1).
    hotspot_weighting : bool, keyword-only
        Weigh key-route metres inside a hotspot by the hotspot's weight.
    tier : str, optional, keyword-only
        Plan for the detail tier of this name (:data:`coverage.tiers.TIER_NAMES`): the existing
        cameras' coverage and what every candidate would see are cut to each camera's reach at
        the tier
        (:func:`coverage.tiers.at_tier`), so the picks close the gaps at that level of detail.
        None: coverage at all.
    walls : coverage.occlusion.Walls, optional, keyword-only
        Building walls that block views, in the working CRS; by default those of
        ``dataset.buildings`` (:func:`~geodata.analysis.summary.dataset_walls`) when the dataset has
        buildings (the app passes its cached ones).
    segments : RoadSegments, optional, keyword-only
        Precomputed key-route segments (the app caches them).
    routes : RouteCoverage, optional, keyword-only
        What the existing cameras see of the key routes, already computed (the app's summary);
        a ward's own routes (:meth:`~geodata.analysis.summary.CoverageSummary.within_wards`)
        keep the recommendation to that ward. Its segments replace ``segments``. It must be
        computed with the same walls and at the same tier as this recommendation:
        ``route_coverage(segments, at_tier(dataset.cameras, tier), walls=walls)``; otherwise
        the figures before and after do not add up.
    progress : callable, optional, keyword-only
        Called with the fraction done (0–1).
    """
    if (k is None) == (target_share is None):
        raise InputError("error.recommend.k_or_share")
    if k is not None and not 1 <= k <= MAX_PICKS:
        raise InputError("error.recommend.k", most=MAX_PICKS, k=k)
    if target_share is not None and not 0 < target_share <= 1:
        raise InputError("error.recommend.share", share=target_share)
    report = progress or (lambda fraction: None)
    if routes is not None:
        segments = routes.segments
    segments = segments if segments is not None else key_route_segments(dataset)
    if not len(segments):
        raise InputError("coverage.no_key_routes")
    if walls is None:
        walls = dataset_walls(dataset)
    tier = tier_named(tier) if tier is not None else None
    if routes is None:
        routes = route_coverage(segments, at_tier(dataset.cameras, tier), walls=walls)
    report(0.2)
    sites = []
    if generated:
        sites += [
            cand.roadside_sites(routes, step_m=step_m, walls=walls),
            cand.hotspot_edge_sites(dataset.hotspots, step_m=step_m, walls=walls),
        ]
    if households is not None and len(households):
        sites.append(cand.supplied_sites(households, segments, label_field="label", walls=walls))
    views = cand.candidate_views(
        pd.concat(sites, ignore_index=True) if sites else pd.DataFrame(columns=cand.SITE_COLUMNS),
        templates,
        existing=dataset.cameras,
        routes=routes,
        walls=walls,
        tier=tier,
    )
    report(0.4)
    weight = segment_weights(dataset, segments, route_weights, hotspot_weighting)
    problem = placement.coverage_problem(
        routes, views, segment_weight=weight, walls=walls, tier=tier
    )
    report(0.6)
    picks = placement.greedy(
        problem, k or MAX_PICKS, spacing_m=spacing_m, target_share=target_share
    )
    report(0.7)
    count = max(1, picks.picks.size)
    weighted = weight is not None
    if weighted:
        bound, bound_m = programme.upper_bounds(problem, count, spacing_m=spacing_m)
    else:
        bound = bound_m = programme.upper_bound(problem, count, spacing_m=spacing_m)
    report(1.0)
    sites = _picked_sites(dataset, problem, picks, segments)
    return Recommendation(
        dataset, problem, picks, bound, bound_m, weighted, segments, sites, tier, walls
    )


def segment_weights(
    dataset: Dataset,
    segments: RoadSegments,
    route_weights: dict[str, float] | None,
    hotspot_weighting: bool,
) -> np.ndarray | None:
    """Each key-route segment's weight: its route's priority × the weight of a hotspot it is in.

    None when neither is asked for (every metre weighs 1).
    """
    if not route_weights and not hotspot_weighting:
        return None
    weight = np.ones(len(segments))
    if route_weights:
        unknown = sorted(set(route_weights) - set(segments.route_names))
        if unknown:
            raise InputError(
                "error.recommend.unknown_routes",
                routes=[Message("quoted", text=route) for route in unknown],
            )
        priority = np.array([route_weights.get(n, 1.0) for n in segments.route_names], dtype=float)
        if not np.all(np.isfinite(priority) & (priority >= 0)):
            raise InputError("error.recommend.priorities")
        weight *= priority[segments.route_code]
    if hotspot_weighting and len(dataset.hotspots):
        middle = shapely.points(
            (segments.x0 + segments.x1) / 2.0, (segments.y0 + segments.y1) / 2.0
        )
        inside, spot = shapely.STRtree(dataset.hotspots.geometry.to_numpy()).query(
            middle, predicate="intersects"
        )
        factor = np.ones(len(segments))
        np.maximum.at(factor, inside, dataset.hotspots["weight"].to_numpy(dtype=float)[spot])
        weight *= factor
    return weight


def read_households(source, crs) -> gpd.GeoDataFrame:
    """Households that agreed to install a camera, from a CSV/XLSX list, in the working CRS.

    The list needs latitude and longitude columns (named as in a camera list: ``Vĩ độ``/``lat``,
    ``Kinh độ``/``lon``); house number, alley and street (or one ``Địa chỉ`` column) become the
    ``label``.

    Raises
    ------
    InputError
        When the file cannot be read, has no coordinate columns, or a row's coordinates are
        missing or not numbers; the message names the file and the rows.
    """
    file = source_name(source)
    table = read_table(source).dropna(how="all")
    mapping, _ = map_headers(table.columns)
    columns = {field: column for column, field in mapping.items()}
    missing = [name for name in ("lat", "lon") if name not in columns]
    if missing:
        raise InputError(
            "error.households.columns", file=file, missing=[field_label(m) for m in missing]
        )
    lat, lon, problems = [], [], []
    for number, (_, row) in zip(table.index + 2, table.iterrows(), strict=True):
        values = [parse_value(FIELD_BY_NAME[f], row[columns[f]]) for f in ("lat", "lon")]
        wrong = [
            Problem(f, p or Message("problem.required")).message()
            for f, (v, p) in zip(("lat", "lon"), values, strict=True)
            if p or v is None
        ]
        if wrong:
            problems.append(Message("households.row", row=number, problems=wrong))
        lat.append(values[0][0])
        lon.append(values[1][0])
    if problems:
        raise InputError(
            "error.households.rows_more" if len(problems) > 10 else "error.households.rows",
            file=file,
            rows=problems[:10],
            count=len(problems) - 10,
        )
    address = [columns[f] for f in _ADDRESS if f in columns]
    labels = (
        table[address].astype("string").fillna("").agg(" ".join, axis=1).str.strip()
        if address
        else pd.Series("", index=table.index)
    )
    points = gpd.GeoDataFrame(
        {"label": labels.to_numpy(dtype=object)},
        geometry=gpd.points_from_xy(lon, lat),
        crs="EPSG:4326",
    )
    return to_working(points, crs)


def _picked_sites(dataset, problem, picks, segments) -> gpd.GeoDataFrame:
    """The picked candidates as points with degrees, gains and wards."""
    chosen = problem.candidates.iloc[picks.picks].reset_index(drop=True)
    view = ["bearing_deg", "fov_deg", "range_m", *cand.SPEC_COLUMNS, "template", "label", "source"]
    points = gpd.GeoDataFrame(
        chosen[view],
        geometry=shapely.points(chosen[["x_m", "y_m"]].to_numpy(dtype=float)),
        crs=dataset.crs,
    )
    points["gain_m"] = picks.gain_m
    points["road"] = _nearest_road(problem.candidates.iloc[picks.picks], segments)
    ward = gpd.sjoin(points[["geometry"]], dataset.wards[["ward_name", "geometry"]], how="left")
    points["ward"] = ward.groupby(level=0)["ward_name"].first().fillna("").to_numpy()
    degrees = to_wgs84(points)
    points["lat"], points["lon"] = degrees.geometry.y.to_numpy(), degrees.geometry.x.to_numpy()
    return points


def _nearest_road(candidates: pd.DataFrame, segments: RoadSegments) -> list[str]:
    """The name of the key route nearest to each site: where it stands, for the people who
    go there (``""`` for an unnamed road)."""
    if len(candidates) == 0 or len(segments) == 0:
        return [""] * len(candidates)
    lines = shapely.linestrings(
        np.stack([np.c_[segments.x0, segments.y0], np.c_[segments.x1, segments.y1]], axis=1)
    )
    sites = shapely.points(candidates[["x_m", "y_m"]].to_numpy(dtype=float))
    _, nearest = shapely.STRtree(lines).query_nearest(sites, all_matches=False)
    return segments.route_names[segments.route_code[nearest]].astype(str).tolist()


def _m(value) -> float:
    return round(float(value), 2)
