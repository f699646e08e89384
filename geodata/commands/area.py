"""The subcommands of the district's area: ``init``, ``layers load``, ``layers load-osm``,
``layers list``, ``key-routes set`` and ``wards list``, ``sets``, ``use``, ``scopes``, ``map``."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from geodata import settings
from geodata.commands.common import acting, command, language, open_registry, print_notes
from geodata.errors import InputError
from geodata.i18n import Message, text
from geodata.layers.dataset import LAYER_LOADERS, missing_key_routes, refuse_unknown_key_routes
from geodata.layers.demo import shared_demo
from geodata.layers.loadreport import LoadReport
from geodata.layers.osmextract import EXTRACT_LAYERS
from geodata.registry import arealayers
from geodata.registry.access import SYSTEM_ACTOR, Actor
from geodata.registry.boundaries import scope_changes
from geodata.registry.db import one_process_at_a_time, shown_url
from geodata.registry.osmload import load_extract
from geodata.registry.seeding import ensure_seeded
from geodata.registry.service import Registry


def run_init(args: argparse.Namespace) -> int:
    """The ``init`` subcommand: the registry migrated; with ``--demo``, the demo in an empty one."""
    url = shown_url(settings.database_url())
    with open_registry() as registry:
        if args.demo:
            with one_process_at_a_time(registry.engine):  # not while an app server fills it
                seeded = ensure_seeded(registry, shared_demo())
        if not args.demo:
            print(text("cli.init_done", language(), url=url))
        elif seeded:
            wards, cameras = len(registry.ward_names()), len(registry.cameras(SYSTEM_ACTOR))
            print(text("cli.init_demo_done", language(), url=url, wards=wards, cameras=cameras))
        else:
            print(text("cli.init_filled", language(), url=url))
    return 0


def run_load_layer(args: argparse.Namespace) -> int:
    """The ``layers load`` subcommand: one layer from a file into the registry."""
    report = LoadReport()
    with acting(args) as (registry, actor):
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
    print_notes(report.lines(language()))
    print(done.render(language()))
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
    with acting(args) as (registry, actor):
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
    print_notes(report.lines(language()))
    for line in _extract_lines(loaded, within=args.within is not None, acting_as=args.acting_as):
        print(line.render(language()))
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
            next_command = command("cameras", "import", str(loaded.cameras_out), *acting)
            path = str(loaded.cameras_out)
            lines.append(
                Message(
                    "cli.osm_cameras_written",
                    count=count,
                    file=file,
                    path=path,
                    command=next_command,
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
            next_command = command("key-routes", "set", *routes, *acting)
            lines.append(Message("cli.osm_key_routes_command", command=next_command))
    return lines


def run_list_layers(args: argparse.Namespace) -> int:
    """The ``layers list`` subcommand: ``layer``, ``features`` and ``source`` (``registry`` for
    what the district saved, ``demo`` for the built-in demo's, ``none`` for a layer the
    district's own area does not have yet), tab-separated."""
    demo = shared_demo()
    with acting(args) as (registry, _):
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
    with acting(args) as (registry, actor):
        area = arealayers.current(registry)
        refuse_unknown_key_routes(area.roads, args.names, file="roads")
        arealayers.save_key_routes(registry, actor, args.names)
    print(text("cli.key_routes_saved", language(), count=len(set(args.names))))
    return 0


def run_list_wards(args: argparse.Namespace) -> int:
    """The ``wards list`` subcommand: ``code``, ``name`` and ``cameras`` (those the ``--as``
    user may see), tab-separated, one ward a line after the header."""
    with acting(args) as (registry, actor):
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
    with acting(args) as (registry, _):
        sets = registry.boundary_sets()
    print("name\tvalid_from\twards\tcurrent\tillustrative")
    for row in sets.itertuples():
        since = "" if pd.isna(row.valid_from) else row.valid_from.isoformat()
        flags = ["yes" if flag else "no" for flag in (row.current, row.illustrative)]
        print("\t".join([row.name, since, str(row.wards), *flags]))
    return 0


def run_use_boundary_set(args: argparse.Namespace) -> int:
    """The ``wards use`` subcommand: a kept boundary set made the current one."""
    with acting(args) as (registry, actor):
        moved = registry.use_boundary_set(actor, args.name)
        print(text("cli.boundary_set_used", language(), name=args.name, moved=moved))
        _say_stale_scopes(registry, actor)
    return 0


def run_list_scopes(args: argparse.Namespace) -> int:
    """The ``wards scopes`` subcommand: the users' wards the current set lacks, with the new
    wards suggested (``user``, ``role``, ``ward``, ``suggested``), tab-separated."""
    with acting(args) as (registry, actor):
        changes = scope_changes(registry, actor)
    print("user\trole\tward\tsuggested")
    for row in changes.itertuples():
        print(f"{row.user}\t{row.role}\t{row.ward_code}\t{','.join(row.suggested)}")
    return 0


def run_map_scopes(args: argparse.Namespace) -> int:
    """The ``wards map`` subcommand: users' old wards given new ones (``OLD=NEW[,NEW]``, or
    the suggested ones with ``--suggested``)."""
    with acting(args) as (registry, actor):
        mapping = {}
        if args.suggested:
            changes = scope_changes(registry, actor)
            pairs = zip(changes["ward_code"], changes["suggested"], strict=True)
            mapping = {old: new for old, new in pairs if new}
        mapping.update(_ward_pairs(args.pairs))
        if not mapping:
            raise InputError("error.cli.no_ward_map")
        changed = registry.map_scopes(actor, mapping)
        print(text("cli.wards_mapped", language(), users=changed, wards=len(mapping)))
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
            text("cli.stale_scopes", language(), count=stale["user"].nunique(), users=users),
            file=sys.stderr,
        )
