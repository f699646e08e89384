"""Command line for batch reports and the camera registry.

    python cli.py report [--demo] [--boundary-set NAME] [--json OUT.json] [--gaps OUT.geojson]
    python cli.py report --wards W --roads R [--cameras C] [--hotspots H] [--buildings B]
                         [--key-routes "Mai Chí Thọ,Đồng Văn Cống"] [--route-name-field F]
                         [--ward-name-field F] [--crs EPSG:XXXX] [--gap-min-m 50]
                         [--json OUT.json] [--gaps OUT.geojson] [--tier TIER] [--as USER]
    python cli.py cameras import FILE [--dry-run] [--report REJECTED.csv] [--as USER]
    python cli.py cameras export --format csv|xlsx|geojson|gpkg|osm --out FILE
                                 [--with-owner --purpose TEXT] [--as USER]
    python cli.py recommend (--demo | --wards W --roads R [--cameras C]) [--hotspots H]
                            [--buildings B] [--tier TIER]
                            [--key-routes ...] [--candidates FILE [--only-candidates]]
                            (--k K | --target-share S) [--spacing-m 30] [--step-m 25]
                            [--route-weight "NAME=W" ...] [--hotspot-weighting]
                            [--json OUT.json]
    python cli.py export --format png|pdf|html|xlsx --out FILE [--ward CODE ...]
                         [--size a4|a3|phone] [--campaign ID] [--lang vi|en] [--date YYYY-MM-DD]
                         [--with-owner --purpose TEXT] [--buildings B] [--boundary-set NAME]
                         [--as USER]
    python cli.py users add NAME --role district|ward|viewer [--ward CODE ...] [--as USER]
    python cli.py init [--demo]
    python cli.py layers load wards|roads|hotspots|buildings FILE [--boundary-set NAME]
                              [--valid-from YYYY-MM-DD] [--keep-current]
                              [--crs EPSG:XXXX] [--name-field F] [--anyway] [--as USER]
    python cli.py layers load-osm EXTRACT.osm.pbf [--layers roads,buildings,wards,cameras]
                              [--within wards] [--admin-level 8] [--boundary-set NAME]
                              [--set-key-routes] [--cameras-out FILE] [--anyway] [--as USER]
    python cli.py layers list
    python cli.py key-routes set NAME... [--as USER]
    python cli.py wards list [--boundary-set NAME] [--as USER]
    python cli.py wards sets | use NAME | scopes | map OLD=NEW[,NEW]... [--suggested]
    python cli.py backup FILE [--as USER]       (or --out FILE)

Without ``--cameras``, ``report`` reads the cameras from the registry; without ``--demo`` or
``--wards``, ``report`` and ``recommend`` work on the registry's own area (its layers, key routes
and cameras), on the wards of ``--boundary-set`` (default: the current set). The registry is the
database of ``DATABASE_URL``, else the SQLite file in ``CCTV_DATA_DIR`` (default ``./data``); see
:mod:`geodata.settings`.

Who acts: without ``--as`` a command acts as the local administrator, ``system`` with the
district role (the name written to the audit log). ``--as USER`` acts as that registry user,
with their role and wards, and asks no password: whoever runs this command has access to the
server's database already. ``users add`` takes the new user's password from the ``PASSWORD``
environment variable, else asks for it twice.

Exit status: 0 on success (an import that rejected some rows succeeded); 2 on bad input, a
refused action or a failure of the disk or the database (full, read-only, missing, damaged),
with one line on stderr naming the file, the row or feature and the problem, never a traceback
and never a value of the registry (owners' names and phones).

Messages (errors, notes, the one-line summaries) are in the language of ``CCTV_LANGUAGE``
(Vietnamese unless it says ``en``); JSON keys and the import's ``accepted N, rejected M`` line
are the same in every language, for scripts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import gc
import getpass
import json
import logging
import os
import shlex
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from coverage.candidates import STEP_M
from coverage.gaps import GAP_MIN_M
from coverage.placement import SPACING_M
from coverage.tiers import TIER_NAMES
from geodata import settings
from geodata.analysis.summary import summarise
from geodata.errors import USER_ERRORS, InputError
from geodata.i18n import LANGUAGES, Message, text
from geodata.io.exports import write_geojson
from geodata.layers.camerafields import ROLES
from geodata.layers.dataset import (
    LAYER_LOADERS,
    load_dataset,
    missing_key_routes,
    refuse_unknown_key_routes,
    with_buildings_file,
)
from geodata.layers.demo import shared_demo
from geodata.layers.loadreport import LoadReport
from geodata.layers.osmextract import EXTRACT_LAYERS, WARD_ADMIN_LEVEL
from geodata.maps.papersizes import PIXELS
from geodata.registry import arealayers
from geodata.registry.access import SYSTEM, SYSTEM_ACTOR, Actor
from geodata.registry.boundaries import scope_changes
from geodata.registry.cameraio import (
    EXPORT_FORMATS,
    actor_summary,
    area_dataset,
    export_cameras,
    registry_dataset,
)
from geodata.registry.db import DATABASE_ERRORS, one_process_at_a_time, shown_url
from geodata.registry.importer import import_cameras
from geodata.registry.osmload import load_extract
from geodata.registry.seeding import ensure_seeded
from geodata.registry.service import Registry
from geodata.reports.formats import FORMATS as MEETING_FORMATS

EXIT_BAD_INPUT = 2
ADMINISTRATOR = Actor(SYSTEM, "district")
"""Who a command acts as without ``--as``: the local administrator."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr (exit status 2)."""

    def error(self, message: str):
        line = text("cli.usage_error", _lang(), prog=self.prog, message=message)
        self.exit(EXIT_BAD_INPUT, line + "\n")


def _help(name: str) -> str:
    """The ``--help`` text ``cli.help.<name>`` in the language of the messages."""
    return text(f"cli.help.{name}", _lang())


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = _Parser(prog="cli.py", description=_help("description"))
    commands = parser.add_subparsers(dest="command", required=True)
    acting = _Parser(add_help=False)
    acting.add_argument(
        "--as",
        dest="acting_as",
        metavar="USER",
        help=_help("as"),
    )

    area = _Parser(add_help=False)
    source = area.add_mutually_exclusive_group()
    source.add_argument("--demo", action="store_true", help=_help("demo"))
    source.add_argument("--wards", type=Path, help=_help("wards"))
    area.add_argument("--roads", type=Path, help=_help("roads"))
    area.add_argument(
        "--cameras",
        type=Path,
        help=_help("cameras"),
    )
    area.add_argument("--hotspots", type=Path, help=_help("hotspots"))
    area.add_argument("--buildings", type=Path, help=_help("buildings"))
    area.add_argument("--key-routes", default="", help=_help("key_routes"))
    area.add_argument("--route-name-field", help=_help("route_name_field"))
    area.add_argument("--ward-name-field", help=_help("ward_name_field"))
    area.add_argument("--crs", help=_help("crs"))
    area.add_argument("--boundary-set", metavar="NAME", help=_help("report_boundary_set"))

    report = commands.add_parser(
        "report",
        parents=[acting, area],
        help=_help("report"),
    )
    report.add_argument("--gap-min-m", type=float, default=GAP_MIN_M, help=_help("gap_min_m"))
    report.add_argument("--json", type=Path, help=_help("report_json"))
    report.add_argument("--gaps", type=Path, help=_help("gaps"))
    report.add_argument("--tier", choices=TIER_NAMES, help=_help("tier"))
    report.set_defaults(handler=run_report)

    advice = commands.add_parser(
        "recommend",
        parents=[acting, area],
        help=_help("recommend"),
    )
    how_many = advice.add_mutually_exclusive_group(required=True)
    how_many.add_argument("--k", type=int, help=_help("k"))
    how_many.add_argument("--target-share", type=float, help=_help("target_share"))
    advice.add_argument(
        "--candidates",
        type=Path,
        help=_help("candidates"),
    )
    advice.add_argument(
        "--only-candidates",
        action="store_true",
        help=_help("only_candidates"),
    )
    advice.add_argument("--spacing-m", type=float, default=SPACING_M, help=_help("spacing_m"))
    advice.add_argument("--step-m", type=float, default=STEP_M, help=_help("step_m"))
    advice.add_argument(
        "--route-weight",
        action="append",
        default=[],
        metavar="NAME=W",
        help=_help("route_weight"),
    )
    advice.add_argument(
        "--hotspot-weighting",
        action="store_true",
        help=_help("hotspot_weighting"),
    )
    advice.add_argument("--tier", choices=TIER_NAMES, help=_help("tier"))
    advice.add_argument("--json", type=Path, help=_help("recommend_json"))
    advice.set_defaults(handler=run_recommend)

    cameras = commands.add_parser("cameras", help=_help("cameras_command"))
    camera_commands = cameras.add_subparsers(dest="camera_command", required=True)
    importing = camera_commands.add_parser("import", parents=[acting], help=_help("import"))
    importing.add_argument("file", type=Path, help=_help("import_file"))
    importing.add_argument("--dry-run", action="store_true", help=_help("dry_run"))
    importing.add_argument("--report", type=Path, metavar="REJECTED.csv", help=_help("rejected"))
    importing.set_defaults(handler=run_import)
    exporting = camera_commands.add_parser("export", parents=[acting], help=_help("export_cameras"))
    exporting.add_argument("--format", required=True, choices=EXPORT_FORMATS, dest="fmt")
    exporting.add_argument("--out", required=True, type=Path, help=_help("out"))
    exporting.add_argument(
        "--with-owner",
        action="store_true",
        help=_help("with_owner"),
    )
    exporting.add_argument("--purpose", default="", help=_help("purpose"))
    exporting.set_defaults(handler=run_export)

    meeting = commands.add_parser(
        "export",
        parents=[acting],
        help=_help("export"),
    )
    # --format and --size are checked by the export itself (a one-line message in the user's
    # language); only their lists are loaded here, not what draws and writes the files.
    meeting.add_argument(
        "--format", required=True, dest="fmt", metavar="{" + ",".join(MEETING_FORMATS) + "}"
    )
    meeting.add_argument("--out", required=True, type=Path, help=_help("out"))
    meeting.add_argument("--ward", action="append", default=[], metavar="CODE", help=_help("ward"))
    meeting.add_argument(
        "--size", default="a4", metavar="{" + ",".join(PIXELS) + "}", help=_help("size")
    )
    meeting.add_argument("--campaign", type=int, metavar="ID", help=_help("campaign"))
    meeting.add_argument("--lang", choices=LANGUAGES, default="vi", help=_help("lang"))
    meeting.add_argument("--date", type=dt.date.fromisoformat, help=_help("date"))
    meeting.add_argument(
        "--with-owner",
        action="store_true",
        help=_help("with_owner_book"),
    )
    meeting.add_argument("--purpose", default="", help=_help("purpose"))
    meeting.add_argument("--buildings", type=Path, help=_help("buildings"))
    meeting.add_argument("--boundary-set", metavar="NAME", help=_help("report_boundary_set"))
    meeting.set_defaults(handler=run_meeting_export)

    users = commands.add_parser("users", help=_help("users"))
    user_commands = users.add_subparsers(dest="user_command", required=True)
    adding = user_commands.add_parser("add", parents=[acting], help=_help("users_add"))
    adding.add_argument("name", help=_help("user_name"))
    adding.add_argument("--role", required=True, choices=ROLES)
    adding.add_argument(
        "--ward",
        dest="wards",
        action="extend",
        nargs="+",
        default=[],
        metavar="CODE",
        help=_help("user_wards"),
    )
    adding.set_defaults(handler=run_add_user)

    init = commands.add_parser("init", help=_help("init"))
    init.add_argument("--demo", action="store_true", help=_help("init_demo"))
    init.set_defaults(handler=run_init)

    layers = commands.add_parser("layers", help=_help("layers"))
    layer_commands = layers.add_subparsers(dest="layer_command", required=True)
    loading = layer_commands.add_parser("load", parents=[acting], help=_help("layers_load"))
    loading.add_argument("kind", choices=("wards", *arealayers.LAYERS), help=_help("layer_kind"))
    loading.add_argument("file", type=Path, help=_help("layer_file"))
    loading.add_argument("--boundary-set", metavar="NAME", help=_help("boundary_set"))
    loading.add_argument(
        "--valid-from", type=dt.date.fromisoformat, metavar="YYYY-MM-DD", help=_help("valid_from")
    )
    loading.add_argument("--keep-current", action="store_true", help=_help("keep_current"))
    loading.add_argument("--crs", help=_help("crs"))
    loading.add_argument("--name-field", metavar="F", help=_help("name_field"))
    loading.add_argument("--anyway", action="store_true", help=_help("anyway"))
    loading.set_defaults(handler=run_load_layer)
    osm = layer_commands.add_parser("load-osm", parents=[acting], help=_help("layers_load_osm"))
    osm.add_argument("file", type=Path, help=_help("osm_file"))
    osm.add_argument("--layers", default=",".join(EXTRACT_LAYERS), help=_help("osm_layers"))
    osm.add_argument("--within", choices=("wards",), help=_help("within"))
    osm.add_argument("--admin-level", type=int, default=WARD_ADMIN_LEVEL, help=_help("admin_level"))
    osm.add_argument("--boundary-set", metavar="NAME", help=_help("osm_boundary_set"))
    osm.add_argument("--set-key-routes", action="store_true", help=_help("set_key_routes"))
    osm.add_argument("--cameras-out", type=Path, metavar="FILE", help=_help("cameras_out"))
    osm.add_argument("--anyway", action="store_true", help=_help("anyway"))
    osm.set_defaults(handler=run_load_osm)
    layer_list = layer_commands.add_parser("list", parents=[acting], help=_help("layers_list"))
    layer_list.set_defaults(handler=run_list_layers)

    key_routes = commands.add_parser("key-routes", help=_help("key_routes_command"))
    route_commands = key_routes.add_subparsers(dest="route_command", required=True)
    choosing = route_commands.add_parser("set", parents=[acting], help=_help("key_routes_set"))
    choosing.add_argument("names", nargs="+", metavar="NAME", help=_help("route_names"))
    choosing.set_defaults(handler=run_set_key_routes)

    wards = commands.add_parser("wards", help=_help("wards_command"))
    ward_commands = wards.add_subparsers(dest="ward_command", required=True)
    listing = ward_commands.add_parser("list", parents=[acting], help=_help("wards_list"))
    listing.add_argument("--boundary-set", metavar="NAME", help=_help("report_boundary_set"))
    listing.set_defaults(handler=run_list_wards)
    sets = ward_commands.add_parser("sets", parents=[acting], help=_help("wards_sets"))
    sets.set_defaults(handler=run_list_boundary_sets)
    use = ward_commands.add_parser("use", parents=[acting], help=_help("wards_use"))
    use.add_argument("name", metavar="NAME", help=_help("boundary_set_name"))
    use.set_defaults(handler=run_use_boundary_set)
    scopes = ward_commands.add_parser("scopes", parents=[acting], help=_help("wards_scopes"))
    scopes.set_defaults(handler=run_list_scopes)
    mapping = ward_commands.add_parser("map", parents=[acting], help=_help("wards_map"))
    mapping.add_argument("pairs", nargs="*", metavar="OLD=NEW[,NEW]", help=_help("ward_pairs"))
    mapping.add_argument("--suggested", action="store_true", help=_help("map_suggested"))
    mapping.set_defaults(handler=run_map_scopes)

    backup = commands.add_parser("backup", parents=[acting], help=_help("backup"))
    backup.add_argument("file", nargs="?", type=Path, help=_help("backup_out"))
    backup.add_argument("--out", type=Path, help=_help("backup_out"))
    backup.set_defaults(handler=run_backup)
    return parser


def run_report(args: argparse.Namespace) -> int:
    """The ``report`` subcommand: the figures of the ``--as`` user's area (a ward user's wards)."""
    dataset = _area(args)
    if args.demo or args.cameras is not None:
        summary = summarise(dataset, gap_min_m=args.gap_min_m)
    else:
        with _registry() as registry:
            actor = _actor(registry, args.acting_as)
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
    _emit(summary.to_json(), args.json, headline)
    if args.gaps:
        write_geojson(summary.gaps_wgs84().drop(columns=["lat", "lon"]), args.gaps)
    return 0


def run_recommend(args: argparse.Namespace) -> int:
    """The ``recommend`` subcommand."""
    from geodata.analysis.recommend import read_households, recommend

    if args.only_candidates and args.candidates is None:
        raise InputError("error.cli.only_candidates")
    dataset = _area(args)
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
    _emit(
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


def _emit(document: dict, path: Path | None, headline: Message) -> None:
    """Write ``document`` as JSON to ``path`` and print ``headline``; without a path, print it."""
    body = json.dumps(document, ensure_ascii=False, indent=2)
    if path:
        path.write_text(body + "\n", encoding="utf-8")
        print(f"{headline.render(_lang())} → {path}")
    else:
        print(body)


def _lang() -> str:
    """The language of the command line's messages (``CCTV_LANGUAGE``, default Vietnamese)."""
    return settings.language()


def _area(args: argparse.Namespace):
    """The dataset the area options name (without any, the registry's own area); cameras from
    the registry without ``--cameras``."""
    if args.demo or args.wards is None:
        if args.demo:
            dataset = shared_demo()
        else:  # the registry's own area: its layers, key routes and cameras
            with _registry() as registry:
                actor = _actor(registry, args.acting_as)
                dataset = area_dataset(registry, actor, boundary_set=args.boundary_set)
        if args.buildings is not None:
            dataset = with_buildings_file(dataset, args.buildings)
    else:
        files = {
            "wards": args.wards,
            "roads": args.roads,
            "hotspots": args.hotspots,
            "buildings": args.buildings,
            "key_routes": tuple(n.strip() for n in args.key_routes.split(",") if n.strip()),
            "ward_name_field": args.ward_name_field,
            "route_name_field": args.route_name_field,
            "crs": args.crs,
        }
        if args.cameras is not None:
            dataset = load_dataset(cameras=args.cameras, **files)
        else:
            with _registry() as registry:
                dataset = registry_dataset(registry, _actor(registry, args.acting_as), **files)
    for line in dataset.report.lines(_lang()):
        print(text("cli.note", _lang(), line=line), file=sys.stderr)
    return dataset


def run_import(args: argparse.Namespace) -> int:
    """The ``cameras import`` subcommand: prints ``accepted N, rejected M``."""
    with _registry() as registry:
        actor = _actor(registry, args.acting_as)
        result = import_cameras(registry, actor, args.file, dry_run=args.dry_run)
    if args.report is not None:
        result.write_rejected(args.report, lang=_lang())
    key = "cli.imported_dry" if args.dry_run else "cli.imported"
    print(text(key, _lang(), accepted=result.accepted, rejected=result.rejected))
    return 0


def run_export(args: argparse.Namespace) -> int:
    """The ``cameras export`` subcommand."""
    if args.with_owner and not args.purpose.strip():
        raise InputError("error.cli.purpose")
    with _registry() as registry:
        actor = _actor(registry, args.acting_as)
        count = export_cameras(
            registry,
            actor,
            args.out,
            fmt=args.fmt,
            with_owner=args.with_owner,
            purpose=args.purpose,
        )
    key = "cli.exported_owners" if args.with_owner else "cli.exported"
    print(text(key, _lang(), count=count, format=args.fmt, path=str(args.out)))
    return 0


def run_meeting_export(args: argparse.Namespace) -> int:
    """The ``export`` subcommand (the area's buildings replaced by ``--buildings``)."""
    from geodata.reports.meetingexport import export_for_meeting

    with _registry() as registry:
        actor = _actor(registry, args.acting_as)
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


def run_add_user(args: argparse.Namespace) -> int:
    """The ``users add`` subcommand."""
    password = os.environ.get("PASSWORD") or _asked_password(args.name)
    with _registry() as registry:
        actor = _actor(registry, args.acting_as)
        user = registry.add_user(actor, args.name, password, args.role, args.wards)
    wards = ", ".join(sorted(user.wards)) or Message("access.no_wards")
    print(
        text(
            "cli.user_added",
            _lang(),
            name=user.name,
            role=Message(f"role.{user.role}"),
            wards=wards,
        )
    )
    return 0


def run_init(args: argparse.Namespace) -> int:
    """The ``init`` subcommand: the registry migrated; with ``--demo``, the demo in an empty one."""
    url = shown_url(settings.database_url())
    with _registry() as registry:
        if args.demo:
            with one_process_at_a_time(registry.engine):  # not while an app server fills it
                seeded = ensure_seeded(registry, shared_demo())
        if not args.demo:
            print(text("cli.init_done", _lang(), url=url))
        elif seeded:
            wards, cameras = len(registry.ward_names()), len(registry.cameras(SYSTEM_ACTOR))
            print(text("cli.init_demo_done", _lang(), url=url, wards=wards, cameras=cameras))
        else:
            print(text("cli.init_filled", _lang(), url=url))
    return 0


def run_load_layer(args: argparse.Namespace) -> int:
    """The ``layers load`` subcommand: one layer from a file into the registry."""
    report = LoadReport()
    with _registry() as registry:
        actor = _actor(registry, args.acting_as)
        area = arealayers.current(registry)
        options = {"crs": args.crs, "working": area.crs, "report": report}
        if args.kind != "buildings":
            options["name_field"] = args.name_field
        frame = LAYER_LOADERS[args.kind](args.file, **options)
        file = args.file.name
        if args.kind == "wards":
            name = args.boundary_set or file
            moved = arealayers.save_wards(
                registry,
                actor,
                frame,
                boundary_set=name,
                valid_from=args.valid_from,
                current=not args.keep_current,
            )
            done = Message("cli.wards_loaded", count=len(frame), file=file, name=name, moved=moved)
            if not args.keep_current:
                _say_stale_scopes(registry, actor)
        else:
            lost = missing_key_routes(frame, area.key_routes) if args.kind == "roads" else []
            if lost and not args.anyway:
                raise InputError("cli.key_routes_missing", file=file, count=len(lost), routes=lost)
            arealayers.save_layer(registry, actor, args.kind, frame)
            done = Message("cli.layer_loaded", layer=args.kind, count=len(frame), file=file)
    for line in report.lines(_lang()):
        print(text("cli.note", _lang(), line=line), file=sys.stderr)
    print(done.render(_lang()))
    return 0


def run_load_osm(args: argparse.Namespace) -> int:
    """The ``layers load-osm`` subcommand: an OpenStreetMap extract's layers into the registry
    (:func:`geodata.registry.osmload.load_extract`), then what was saved and what to run next."""
    given = [name.strip() for name in args.layers.split(",") if name.strip()]
    unknown = [name for name in given if name not in EXTRACT_LAYERS]
    if unknown or not given:
        raise InputError(
            "error.cli.osm_layers", given=args.layers, unknown=unknown, layers=EXTRACT_LAYERS
        )
    report = LoadReport()
    with _registry() as registry:
        actor = _actor(registry, args.acting_as)
        loaded = load_extract(
            registry,
            actor,
            args.file,
            area=arealayers.current(registry),
            layers=tuple(name for name in EXTRACT_LAYERS if name in given),
            within=args.within is not None,
            admin_level=args.admin_level,
            boundary_set=args.boundary_set,
            cameras_out=args.cameras_out,
            set_key_routes=args.set_key_routes,
            anyway=args.anyway,
            report=report,
        )
        if loaded.counts.get("wards"):
            _say_stale_scopes(registry, actor)
    for line in report.lines(_lang()):
        print(text("cli.note", _lang(), line=line), file=sys.stderr)
    for line in _extract_lines(loaded, within=args.within is not None, acting_as=args.acting_as):
        print(line.render(_lang()))
    return 0


def _extract_lines(loaded, *, within: bool, acting_as: str | None) -> list[Message]:
    """What ``layers load-osm`` saved, found or left, and the commands to run next."""
    file, acting = loaded.file, ["--as", acting_as] if acting_as else []
    lines = []
    for layer, count in loaded.counts.items():
        if layer == "wards" and count:
            name, moved = loaded.boundary_set, loaded.moved
            lines.append(
                Message("cli.wards_loaded", count=count, file=file, name=name, moved=moved)
            )
        elif layer == "wards":
            levels = [
                Message("cli.osm_level", level=k, count=n) for k, n in loaded.admin_levels.items()
            ]
            key = "cli.osm_wards_absent" if levels else "cli.osm_wards_absent_any"
            lines.append(Message(key, file=file, level=loaded.admin_level, levels=levels))
        elif count == 0:
            key = "cli.osm_absent_within" if within else "cli.osm_absent"
            lines.append(Message(key, layer=layer, file=file))
        elif layer == "cameras" and loaded.cameras_out is not None:
            command = _command("cameras", "import", str(loaded.cameras_out), *acting)
            path = str(loaded.cameras_out)
            lines.append(
                Message(
                    "cli.osm_cameras_written", count=count, file=file, path=path, command=command
                )
            )
        elif layer == "cameras":
            lines.append(Message("cli.osm_cameras_found", count=count, file=file))
        else:
            lines.append(Message("cli.layer_loaded", layer=layer, count=count, file=file))
    if loaded.counts.get("roads"):
        routes = loaded.suggested
        if not routes:
            lines.append(Message("cli.osm_key_routes_none"))
        else:
            lines.append(Message("cli.osm_key_routes", count=len(routes), routes=list(routes)))
        if loaded.key_routes_saved:
            lines.append(Message("cli.key_routes_saved", count=len(routes)))
        elif routes:
            command = _command("key-routes", "set", *routes, *acting)
            lines.append(Message("cli.osm_key_routes_command", command=command))
    return lines


def _command(*words: str) -> str:
    """A command line of this program, quoted for a POSIX shell."""
    return shlex.join(["python", "cli.py", *words])


def run_list_layers(args: argparse.Namespace) -> int:
    """The ``layers list`` subcommand: ``layer``, ``features`` and ``source`` (``registry`` for
    what the district saved, ``demo`` for the built-in demo's, ``none`` for a layer the
    district's own area does not have yet), tab-separated."""
    demo = shared_demo()
    with _registry() as registry:
        _actor(registry, args.acting_as)
        area = arealayers.current(registry, demo)
        saved = arealayers.saved_layers(registry)
    print("layer\tfeatures\tsource")
    for name in ("wards", *arealayers.LAYERS, "key_routes"):
        if name == "key_routes":
            mine, theirs = area.key_routes, demo.key_routes
        else:
            mine, theirs = getattr(area, name), getattr(demo, name)
        count = 0 if mine is None else len(mine)
        own_wards = area.boundary_set not in ("", demo.name)
        mine_saved = name in saved or (name == "wards" and own_wards)
        source = "registry" if mine_saved else "demo" if mine is theirs else "none"
        print(f"{name}\t{count}\t{source}")
    return 0


def run_set_key_routes(args: argparse.Namespace) -> int:
    """The ``key-routes set`` subcommand: each name must be a road of the area."""
    with _registry() as registry:
        actor = _actor(registry, args.acting_as)
        area = arealayers.current(registry)
        refuse_unknown_key_routes(area.roads, args.names, file="roads")
        arealayers.save_key_routes(registry, actor, args.names)
    print(text("cli.key_routes_saved", _lang(), count=len(set(args.names))))
    return 0


def run_list_wards(args: argparse.Namespace) -> int:
    """The ``wards list`` subcommand: ``code``, ``name`` and ``cameras`` (those the ``--as``
    user may see), tab-separated, one ward a line after the header."""
    with _registry() as registry:
        actor = _actor(registry, args.acting_as)
        chosen = registry.other_boundary_set(actor, args.boundary_set)
        names = registry.ward_names(chosen)
        counts = registry.cameras(actor, boundary_set=chosen)["ward_code"].value_counts()
    print("code\tname\tcameras")
    for code, name in sorted(names.items()):
        print(f"{code}\t{name}\t{int(counts.get(code, 0))}")
    return 0


def run_list_boundary_sets(args: argparse.Namespace) -> int:
    """The ``wards sets`` subcommand: every kept boundary set, oldest first (``name``,
    ``valid_from``, ``wards``, ``current`` and ``illustrative`` as yes/no), tab-separated."""
    with _registry() as registry:
        _actor(registry, args.acting_as)
        sets = registry.boundary_sets()
    print("name\tvalid_from\twards\tcurrent\tillustrative")
    for row in sets.itertuples():
        since = "" if pd.isna(row.valid_from) else row.valid_from.isoformat()
        flags = ["yes" if flag else "no" for flag in (row.current, row.illustrative)]
        print("\t".join([row.name, since, str(row.wards), *flags]))
    return 0


def run_use_boundary_set(args: argparse.Namespace) -> int:
    """The ``wards use`` subcommand: a kept boundary set made the current one."""
    with _registry() as registry:
        actor = _actor(registry, args.acting_as)
        moved = registry.use_boundary_set(actor, args.name)
        print(text("cli.boundary_set_used", _lang(), name=args.name, moved=moved))
        _say_stale_scopes(registry, actor)
    return 0


def run_list_scopes(args: argparse.Namespace) -> int:
    """The ``wards scopes`` subcommand: the users' wards the current set lacks, with the new
    wards suggested (``user``, ``role``, ``ward``, ``suggested``), tab-separated."""
    with _registry() as registry:
        changes = scope_changes(registry, _actor(registry, args.acting_as))
    print("user\trole\tward\tsuggested")
    for row in changes.itertuples():
        print(f"{row.user}\t{row.role}\t{row.ward_code}\t{','.join(row.suggested)}")
    return 0


def run_map_scopes(args: argparse.Namespace) -> int:
    """The ``wards map`` subcommand: users' old wards given new ones (``OLD=NEW[,NEW]``, or
    the suggested ones with ``--suggested``)."""
    with _registry() as registry:
        actor = _actor(registry, args.acting_as)
        mapping = {}
        if args.suggested:
            changes = scope_changes(registry, actor)
            pairs = zip(changes["ward_code"], changes["suggested"], strict=True)
            mapping = {old: new for old, new in pairs if new}
        mapping.update(_ward_pairs(args.pairs))
        if not mapping:
            raise InputError("error.cli.no_ward_map")
        changed = registry.map_scopes(actor, mapping)
        print(text("cli.wards_mapped", _lang(), users=changed, wards=len(mapping)))
        _say_stale_scopes(registry, actor)
    return 0


def _ward_pairs(pairs: list[str]) -> dict[str, list[str]]:
    """``OLD=NEW[,NEW]`` arguments as old ward code → new codes."""
    mapping = {}
    for pair in pairs:
        old, _, new = pair.partition("=")
        codes = [code.strip() for code in new.split(",") if code.strip()]
        if not old.strip() or not codes:
            raise InputError("error.cli.ward_pair", pair=pair)
        mapping[old.strip()] = codes
    return mapping


def _say_stale_scopes(registry: Registry, actor: Actor) -> None:
    """Name on stderr the users whose wards the current boundary set lacks, if any."""
    if actor.role != "district":
        return
    stale = registry.stale_scopes(actor)
    if len(stale):
        users = ", ".join(sorted(set(stale["user"])))
        print(
            text("cli.stale_scopes", _lang(), count=stale["user"].nunique(), users=users),
            file=sys.stderr,
        )


def run_backup(args: argparse.Namespace) -> int:
    """The ``backup`` subcommand: a consistent copy of the SQLite registry, while it runs."""
    path = args.file or args.out
    if path is None:
        raise InputError("error.cli.backup_file")
    with _registry() as registry:
        registry.backup(_actor(registry, args.acting_as), path)
    print(text("cli.backup_done", _lang(), path=str(path)))
    return 0


def _asked_password(name: str) -> str:
    try:
        first = getpass.getpass(text("cli.password", _lang(), name=name))
        second = getpass.getpass(text("cli.password_again", _lang(), name=name))
    except EOFError:
        raise InputError("error.cli.no_password") from None
    if first != second:
        raise InputError("error.cli.passwords_differ")
    return first


@contextmanager
def _registry() -> Iterator[Registry]:
    """The registry of ``DATABASE_URL`` (or the SQLite file), closed afterwards."""
    url = settings.database_url()
    try:
        registry = Registry.open(url)
    except DATABASE_ERRORS as error:
        shown = shown_url(url)
        logging.getLogger(__name__).info("cannot open %s: %s", shown, error)
        raise InputError("error.cli.database", url=shown) from None
    try:
        yield registry
    finally:
        registry.engine.dispose()


def _actor(registry: Registry, name: str | None) -> Actor:
    """The registry user ``name``, or the local administrator when no ``--as`` was given."""
    return ADMINISTRATOR if name is None else registry.actor(name)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in ("report", "recommend") and args.wards is not None and args.roads is None:
        parser.error("--wards needs --roads")
    if args.command in ("report", "recommend") and args.boundary_set and (args.demo or args.wards):
        parser.error(text("cli.boundary_set_area", _lang()))
    try:
        return args.handler(args)
    except USER_ERRORS as error:
        message = error.render(_lang())
    except OSError as error:
        message = _os_message(error)
    except DATABASE_ERRORS as error:  # a refusal of the database no check foresaw
        logging.getLogger(__name__).info("registry database: %s", type(error).__name__)
        message = text("error.cli.database_failed", _lang())
    print(text("cli.error", _lang(), message=_one_line(message)), file=sys.stderr)
    return EXIT_BAD_INPUT


_OS_ERRORS = {
    errno.ENOSPC: "error.cli.disk_full",
    errno.EDQUOT: "error.cli.disk_full",
    errno.EFBIG: "error.cli.too_large",
    errno.EACCES: "error.cli.no_permission",
    errno.EPERM: "error.cli.no_permission",
    errno.EROFS: "error.cli.no_permission",
}
"""Failures of the system's files a user can do something about → catalogue key."""


def _os_message(error: OSError) -> str:
    """An :class:`OSError` as one catalogue line, naming the file when the error does."""
    key = _OS_ERRORS.get(error.errno)
    reason = text(key, _lang()) if key else text("error.cli.os", _lang(), reason=error.strerror)
    if error.filename is None:
        return reason
    return text("error.cli.in_file", _lang(), file=Path(error.filename).name, message=reason)


def _one_line(message: str) -> str:
    return " | ".join(part.strip() for part in message.splitlines() if part.strip())


if __name__ == "__main__":
    # What is imported lives as long as the process: no garbage collection, during the run or
    # at its end, needs to walk it (a quarter of a second of every command).
    gc.freeze()
    sys.exit(main())
