"""The subcommands that compute figures: ``report``, ``recommend`` and the meeting ``export``."""

from __future__ import annotations

import argparse

from geodata.analysis.summary import summarise
from geodata.commands.common import acting, emit, named_area
from geodata.errors import InputError
from geodata.i18n import Message
from geodata.io.exports import write_geojson
from geodata.layers.dataset import with_buildings_file
from geodata.registry.cameraio import actor_summary, area_dataset


def run_report(args: argparse.Namespace) -> int:
    """The ``report`` subcommand: the figures of the ``--as`` user's area (a ward user's wards)."""
    dataset = named_area(args)
    if args.demo or args.cameras is not None:
        summary = summarise(dataset, gap_min_m=args.gap_min_m)
    else:
        with acting(args) as (registry, actor):
            summary = actor_summary(registry, actor, dataset, gap_min_m=args.gap_min_m)
    routes = summary.routes
    headline = Message(
        "cli.report_done",
        area=dataset.name,
        km=routes.length_m / 1000,
        share=routes.share,
        gaps=len(summary.gaps),
        min_m=args.gap_min_m,
    )
    if args.tier:
        summary = summary.with_gaps_at(args.tier)
        headline = Message(
            "cli.report_tier",
            tier=Message(f"tier.{args.tier}"),
            share=summary.at_tier(args.tier).routes.share,
            gaps=len(summary.gaps),
            min_m=args.gap_min_m,
        )
    emit(summary.to_json(), args.json, headline)
    if args.gaps:
        write_geojson(summary.gaps_wgs84().drop(columns=["lat", "lon"]), args.gaps)
    return 0


def run_recommend(args: argparse.Namespace) -> int:
    """The ``recommend`` subcommand."""
    from geodata.analysis.recommend import read_households, recommend

    if args.only_candidates and args.candidates is None:
        raise InputError("error.cli.only_candidates")
    dataset = named_area(args)
    households = read_households(args.candidates, dataset.crs) if args.candidates else None
    result = recommend(
        dataset,
        k=args.k,
        target_share=args.target_share,
        spacing_m=args.spacing_m,
        step_m=args.step_m,
        generated=not args.only_candidates,
        households=households,
        route_weights=_route_weights(args.route_weight),
        hotspot_weighting=args.hotspot_weighting,
        tier=args.tier,
    )
    placed = result.placement
    emit(
        result.to_json(),
        args.json,
        Message(
            "cli.recommend_done",
            area=dataset.name,
            count=int(placed.picks.size),
            before_km=placed.covered_before_m / 1000,
            after_km=placed.covered_after_m / 1000,
            gap=result.gap,
            candidates=len(result.problem),
        ),
    )
    return 0


def _route_weights(pairs: list[str]) -> dict[str, float]:
    """``--route-weight NAME=W`` options as route name → priority."""
    weights = {}
    for pair in pairs:
        name, _, weight = pair.rpartition("=")
        try:
            weights[name.strip()] = float(weight.replace(",", "."))
        except ValueError:
            raise InputError("error.cli.route_weight", pair=pair) from None
        if not name.strip():
            raise InputError("error.cli.route_weight_name", pair=pair)
    return weights


def run_meeting_export(args: argparse.Namespace) -> int:
    """The ``export`` subcommand (the area's buildings replaced by ``--buildings``)."""
    from geodata.reports.meetingexport import export_for_meeting

    with acting(args) as (registry, actor):
        summary = None
        if args.buildings is not None:
            area = area_dataset(registry, actor, boundary_set=args.boundary_set)
            summary = actor_summary(registry, actor, with_buildings_file(area, args.buildings))
        export_for_meeting(
            registry,
            actor,
            args.out,
            fmt=args.fmt,
            lang=args.lang,
            when=args.date,
            wards=tuple(args.ward),
            size=args.size,
            campaign_id=args.campaign,
            with_owner=args.with_owner,
            purpose=args.purpose,
            summary=summary,
            boundary_set=args.boundary_set,
        )
    print(f"{args.fmt} → {args.out}")
    return 0
