"""Installation campaigns: recommended cameras saved as targets, tracked until registered.

A district user saves a :class:`~geodata.analysis.recommend.Recommendation` as a campaign (name,
wards, deadline); every recommended camera becomes a target with its ward, the nearest known
address, the suggested bearing and template, and the expected gain. Ward staff move their wards'
targets along :data:`NEXT_STATUSES` (đề xuất → đã liên hệ → đồng ý / từ chối → đã lắp → đã đăng ký);
a target is registered by linking the registry camera that fulfils it (within
:data:`LINK_DISTANCE_M`). Every write is one transaction with an audit entry; a target saved from a
stale copy fails with :class:`~geodata.errors.ConflictError`. Access follows the registry: district
users do everything, ward users read and update their wards' targets, viewers read.
"""

from __future__ import annotations

import datetime as dt
import json

import geopandas as gpd
import pandas as pd
import shapely
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from coverage.routes import route_coverage
from coverage.tiers import at_tier
from geodata.analysis.recommend import Recommendation
from geodata.analysis.summary import dataset_walls
from geodata.errors import ConflictError, InputError, NotFound, PermissionDenied
from geodata.i18n import Message
from geodata.io.crs import to_working
from geodata.layers.camerafields import NOTES_MAX_LENGTH, nfc, stored_text
from geodata.layers.contract import CAMERA_SPEC_COLUMNS
from geodata.layers.dataset import Dataset
from geodata.registry.access import Actor
from geodata.registry.models import BoundarySet, Camera, Campaign, CampaignTarget, utc_now
from geodata.registry.service import Registry, write_audit

TARGET_STATUSES = ("proposed", "contacted", "agreed", "declined", "installed", "registered")
NEXT_STATUSES = {
    "proposed": ("contacted", "declined"),
    "contacted": ("agreed", "declined", "proposed"),
    "agreed": ("installed", "declined", "contacted"),
    "declined": ("contacted",),
    "installed": ("registered", "agreed"),
    "registered": ("installed",),
}
"""The statuses a target may move to from each status (forward, or one step back to correct)."""
PENDING = ("proposed", "contacted", "agreed", "installed")
"""Statuses of targets still expected to add coverage (installed ones are not registered yet)."""
LINK_DISTANCE_M = 50.0
"""A registered camera fulfils a target when it stands within this distance of it."""
ADDRESS_DISTANCE_M = 30.0
"""A target's nearest known address is that of a registered camera within this distance."""
TARGET_COLUMNS = [
    "id",
    "rank",
    "ward_code",
    "ward_name",
    "lat",
    "lon",
    "bearing_deg",
    "fov_deg",
    "range_m",
    "template",
    "gain_m",
    "address",
    "status",
    "camera_id",
    "note",
    "version",
    "updated_by",
    "updated_at",
]


def create_campaign(
    registry: Registry,
    actor: Actor,
    recommendation: Recommendation,
    *,
    name: str,
    wards: tuple[str, ...] = (),
    deadline: dt.date | None = None,
) -> int:
    """Save ``recommendation`` as a campaign; returns its id. District users only.

    Parameters
    ----------
    wards : tuple of str, keyword-only
        Ward codes the campaign covers: only their recommended cameras become targets
        (default: every recommended camera).
    """
    actor.require_district(Message("access.what.create_campaign"))
    name = nfc(name or "")
    if not name:
        raise InputError("error.campaign.no_name")
    if len(name) > 200:
        raise InputError("error.campaign.long_name", length=len(name), limit=200)
    stored_text(name, name=Message("integrity.field.campaign_name"), limit=200)  # a NUL
    sites = recommendation.sites.copy()
    if len(sites) == 0:
        raise InputError("error.campaign.no_sites")
    sites["ward_code"] = registry.ward_codes_at(sites["lat"], sites["lon"])
    if wards:
        unknown = sorted(set(wards) - set(registry.ward_names()))
        if unknown:
            raise InputError("error.ward.unknown_codes", codes=unknown)
        sites = sites[sites["ward_code"].isin(wards)]
        if len(sites) == 0:
            raise InputError("error.campaign.no_sites_in_wards")
    sites["address"] = _addresses(registry, sites)
    dataset = recommendation.dataset
    planned_m = _covered_m(recommendation, sites)
    now = utc_now()
    with registry._db(write=True) as session:
        campaign = Campaign(
            name=name,
            ward_codes=",".join(sorted(set(wards))),
            deadline=deadline,
            covered_before_m=recommendation.placement.covered_before_m,
            planned_m=planned_m,
            upper_bound_m=recommendation.placement.covered_before_m + recommendation.bound_m,
            length_m=recommendation.placement.length_m,
            settings=json.dumps({"area": dataset.name, "k": len(recommendation.sites)}),
            boundary_set_id=session.scalar(select(BoundarySet.id).where(BoundarySet.is_current)),
            created_by=actor.name,
            created_at=now,
        )
        session.add(campaign)
        session.flush()
        session.add_all(
            CampaignTarget(
                campaign_id=campaign.id,
                rank=rank,
                ward_code=row.ward_code,
                lat=float(row.lat),
                lon=float(row.lon),
                bearing_deg=float(row.bearing_deg),
                fov_deg=float(row.fov_deg),
                range_m=float(row.range_m),
                template=str(row.template),
                gain_m=float(row.gain_m),
                address=row.address or None,
                status="proposed",
                updated_by=actor.name,
                updated_at=now,
            )
            for rank, row in enumerate(sites.itertuples(), start=1)
        )
        write_audit(
            session,
            actor,
            "campaign.create",
            detail=json.dumps(
                {"campaign": campaign.id, "name": name, "targets": len(sites)}, ensure_ascii=False
            ),
        )
        return campaign.id


def campaigns(registry: Registry, actor: Actor) -> pd.DataFrame:
    """The campaigns the actor may see, newest first, with their progress.

    Columns: ``id``, ``name``, ``deadline``, ``targets``, ``registered``, ``declined``,
    ``progress`` (registered share of the targets not declined, 0–1), ``covered_before_m``,
    ``planned_m``, ``created_by``, ``created_at``. Ward users see campaigns with a target in
    their wards, counted over those targets.
    """
    with registry._db() as session:
        rows = session.execute(
            select(Campaign, CampaignTarget).join(
                CampaignTarget, CampaignTarget.campaign_id == Campaign.id
            )
        ).all()
        now = _wards_now(registry, session, [(c.boundary_set_id, t) for c, t in rows])
    seen = [(c, t.status) for (c, t), ward in zip(rows, now, strict=True) if actor.may_read(ward)]
    columns = ["id", "name", "deadline", "targets", "registered", "declined", "progress"]
    columns += ["covered_before_m", "planned_m", "created_by", "created_at"]
    if not seen:
        return pd.DataFrame(columns=columns)
    table = pd.DataFrame(
        [
            {
                "id": c.id,
                "name": c.name,
                "deadline": c.deadline,
                "status": status,
                "covered_before_m": c.covered_before_m,
                "planned_m": c.planned_m,
                "created_by": c.created_by,
                "created_at": c.created_at,
            }
            for c, status in seen
        ]
    )
    keys = ["id", "name", "deadline", "covered_before_m", "planned_m", "created_by", "created_at"]
    summary = table.groupby(keys, dropna=False, sort=False)["status"].agg(
        targets="size",
        registered=lambda s: int((s == "registered").sum()),
        declined=lambda s: int((s == "declined").sum()),
    )
    summary = summary.reset_index()
    open_targets = (summary["targets"] - summary["declined"]).clip(lower=1)
    summary["progress"] = summary["registered"] / open_targets
    return summary[columns].sort_values("id", ascending=False).reset_index(drop=True)


def targets(registry: Registry, actor: Actor, campaign_id: int) -> pd.DataFrame:
    """The targets of a campaign the actor may see, by rank (:data:`TARGET_COLUMNS`)."""
    with registry._db() as session:
        campaign = session.get(Campaign, campaign_id)
        if campaign is None:
            raise NotFound("error.campaign.not_found", campaign=campaign_id)
        rows = session.scalars(
            select(CampaignTarget)
            .where(CampaignTarget.campaign_id == campaign_id)
            .order_by(CampaignTarget.rank)
        ).all()
        now = _wards_now(registry, session, [(campaign.boundary_set_id, t) for t in rows])
        made_in = session.scalar(
            select(BoundarySet.name).where(BoundarySet.id == campaign.boundary_set_id)
        )
    names = registry.ward_names(made_in)
    table = pd.DataFrame(
        [
            {name: getattr(t, name) for name in TARGET_COLUMNS if name != "ward_name"}
            for t, ward in zip(rows, now, strict=True)
            if actor.may_read(ward)
        ],
        columns=[c for c in TARGET_COLUMNS if c != "ward_name"],
    )
    table.insert(3, "ward_name", table["ward_code"].map(names).fillna(""))
    return table


def set_target(
    registry: Registry,
    actor: Actor,
    target_id: int,
    *,
    status: str,
    expected_version: int,
    camera_id: int | None = None,
    note: str | None = None,
) -> dict:
    """Move a target to ``status`` (see :data:`NEXT_STATUSES`); returns the saved target.

    ``registered`` needs ``camera_id``: a registry camera the actor may see, within
    :data:`LINK_DISTANCE_M` of the target. Any other status unlinks the camera.

    Raises
    ------
    PermissionDenied
        When the target lies outside the actor's wards, or the actor is a viewer.
    InputError
        For an unknown status, a step :data:`NEXT_STATUSES` does not allow, or a camera that
        cannot fulfil the target.
    ConflictError
        When someone saved the target after the actor read it (``expected_version``).
    """
    if status not in TARGET_STATUSES:
        raise InputError(
            "error.target.unknown_status", status=status, statuses=_statuses(TARGET_STATUSES)
        )
    if note is not None:
        note = stored_text(note, name=Message("integrity.field.note"), limit=NOTES_MAX_LENGTH) or ""
    try:
        with registry._db(write=True) as session:
            target = session.get(CampaignTarget, target_id)
            if target is None:
                raise NotFound("error.target.not_found", target=target_id)
            campaign = session.get(Campaign, target.campaign_id)
            ward = _wards_now(registry, session, [(campaign.boundary_set_id, target)])[0]
            actor.require_write(ward, Message("access.what.target", target=target_id))
            if target.version != expected_version:
                raise _conflict(target, expected_version)
            if status != target.status and status not in NEXT_STATUSES[target.status]:
                raise InputError(
                    "error.target.step",
                    target=target_id,
                    now=Message(f"target.{target.status}"),
                    allowed=_statuses(NEXT_STATUSES[target.status]),
                    status=Message(f"target.{status}"),
                )
            before = _target_record(target)
            if status == "registered":
                _check_link(session, actor, target, camera_id)
                target.camera_id = camera_id
            else:
                target.camera_id = None
            target.status = status
            if note is not None:
                target.note = note or None
            target.updated_by, target.updated_at = actor.name, utc_now()
            session.flush()
            after = _target_record(target)
            write_audit(
                session,
                actor,
                "campaign.target",
                camera_id=target.camera_id,
                before=before,
                after=after,
                detail=json.dumps({"campaign": target.campaign_id, "target": target_id}),
            )
            return after
    except StaleDataError as error:
        raise ConflictError("error.target.saved_meanwhile", target=target_id) from error


def progress(table: pd.DataFrame) -> pd.DataFrame:
    """Per ward and overall: targets, how many are in each status, and the registered share."""
    counts = pd.crosstab(table["ward_name"], table["status"]).reindex(
        columns=list(TARGET_STATUSES), fill_value=0
    )
    counts.loc["__all__"] = counts.sum()
    counts.insert(0, "targets", counts.sum(axis=1))
    open_targets = (counts["targets"] - counts["declined"]).clip(lower=1)
    counts["progress"] = counts["registered"] / open_targets
    counts.index.name = "ward"
    return counts.reset_index()


def coverage_if_installed(dataset: Dataset, table: pd.DataFrame, segments) -> float:
    """Key-route metres seen by the registry's cameras and every pending target, installed."""
    pending = table[table["status"].isin(PENDING)]
    cameras = with_sites(dataset, pending)
    return route_coverage(segments, cameras, walls=dataset_walls(dataset)).total_covered_m


# ----------------------------------------------------------------------------------- helpers


def with_sites(dataset: Dataset, sites: pd.DataFrame) -> gpd.GeoDataFrame:
    """The dataset's cameras and ``sites`` (lat/lon, bearing, FOV, range, and the image width and
    mounting height when given) as active cameras."""
    new = gpd.GeoDataFrame(
        {
            "bearing_deg": sites["bearing_deg"].to_numpy(dtype=float),
            "fov_deg": sites["fov_deg"].to_numpy(dtype=float),
            "range_m": sites["range_m"].to_numpy(dtype=float),
            "status": "active",
            **{
                column: sites[column].to_numpy(dtype=float)
                for column in CAMERA_SPEC_COLUMNS
                if column in sites.columns
            },
        },
        geometry=gpd.points_from_xy(sites["lon"], sites["lat"]),
        crs="EPSG:4326",
    )
    keep = ["bearing_deg", "fov_deg", "range_m", "status", *CAMERA_SPEC_COLUMNS, "geometry"]
    keep = [column for column in keep if column in dataset.cameras.columns]
    both = pd.concat([dataset.cameras[keep], to_working(new, dataset.crs)], ignore_index=True)
    return gpd.GeoDataFrame(both, geometry="geometry", crs=dataset.crs)


def _covered_m(recommendation: Recommendation, sites: pd.DataFrame) -> float:
    """Key-route metres seen by the existing cameras and ``sites`` (exactly, by the engine)."""
    cameras = at_tier(with_sites(recommendation.dataset, sites), recommendation.tier)
    walls = recommendation.walls
    return route_coverage(recommendation.segments, cameras, walls=walls).total_covered_m


def _addresses(registry: Registry, sites: gpd.GeoDataFrame) -> list[str]:
    """Each site's nearest known address: the household's address it was supplied with, else a
    registered camera's within ADDRESS_DISTANCE_M, else the key route it stands by."""
    with registry._db() as session:
        rows = session.execute(
            select(Camera.lat, Camera.lon, Camera.house_number, Camera.alley, Camera.street).where(
                Camera.deleted_at.is_(None), Camera.street.is_not(None)
            )
        ).all()
    labels = [str(label or "") for label in sites["label"]]
    if not rows:
        return _or_road(labels, sites)
    known = gpd.GeoDataFrame(
        {"address": [" ".join(p for p in (r[2], r[3], r[4]) if p) for r in rows]},
        geometry=gpd.points_from_xy([r[1] for r in rows], [r[0] for r in rows]),
        crs=4326,
    ).to_crs(sites.crs)
    tree = shapely.STRtree(known.geometry.to_numpy())
    site, nearest = tree.query_nearest(
        sites.geometry.to_numpy(), max_distance=ADDRESS_DISTANCE_M, all_matches=False
    )
    for s, n in zip(site.tolist(), nearest.tolist(), strict=True):
        if not labels[s]:
            labels[s] = known["address"].iat[n]
    return _or_road(labels, sites)


def _wards_now(registry: Registry, session, targets) -> list[str | None]:
    """The ward of the current boundary set each target lies in, which decides who may see and
    move it; ``targets`` are ``(boundary set id of its campaign, target)`` pairs.

    A target keeps the ward of the set its campaign was made in (shown with it); when another
    set is current, its ward there is found from its location, so that the wards' users (mapped
    to the new wards) keep their targets.
    """
    current = session.scalar(select(BoundarySet.id).where(BoundarySet.is_current))
    wards = [target.ward_code for _, target in targets]
    moved = [i for i, (made_in, _) in enumerate(targets) if made_in not in (None, current)]
    if moved:
        points = [targets[i][1] for i in moved]
        found = registry.ward_codes_at([t.lat for t in points], [t.lon for t in points])
        for i, code in zip(moved, found, strict=True):
            wards[i] = code
    return wards


def _or_road(labels: list[str], sites: gpd.GeoDataFrame) -> list[str]:
    roads = sites["road"] if "road" in sites else [""] * len(labels)
    return [label or str(road or "") for label, road in zip(labels, roads, strict=True)]


def _check_link(session, actor: Actor, target: CampaignTarget, camera_id: int | None) -> None:
    """Refuse a camera that cannot fulfil ``target``."""
    if camera_id is None:
        raise InputError("error.target.no_camera", target=target.id)
    camera = session.get(Camera, camera_id)
    if camera is None or camera.deleted_at is not None:
        raise InputError("error.target.unknown_camera", target=target.id, camera=camera_id)
    if not actor.may_read(camera.ward_code):
        raise PermissionDenied("error.target.foreign_camera", actor=actor.name, camera=camera_id)
    here = gpd.GeoSeries(
        gpd.points_from_xy([target.lon, camera.lon], [target.lat, camera.lat]), crs=4326
    )
    metric = here.to_crs(here.estimate_utm_crs())
    distance_m = float(metric.iloc[0].distance(metric.iloc[1]))
    if distance_m > LINK_DISTANCE_M:
        raise InputError(
            "error.target.far_camera",
            target=target.id,
            camera=camera_id,
            distance_m=distance_m,
            limit_m=LINK_DISTANCE_M,
        )


def _conflict(target: CampaignTarget, expected: int) -> ConflictError:
    return ConflictError(
        "error.target.conflict",
        target=target.id,
        by=target.updated_by,
        at=target.updated_at,
        version=target.version,
        expected=expected,
    )


def _statuses(statuses) -> list[Message]:
    """Target statuses as their reader calls them."""
    return [Message(f"target.{status}") for status in statuses]


def _target_record(target: CampaignTarget) -> dict:
    return {name: getattr(target, name) for name in TARGET_COLUMNS if name != "ward_name"}
