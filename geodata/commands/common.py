"""What the subcommands share: who acts, the registry, the language, the area and the output."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import shlex
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from geodata import settings
from geodata.errors import InputError
from geodata.i18n import Message, text
from geodata.layers.dataset import Dataset, load_dataset, with_buildings_file
from geodata.layers.demo import shared_demo
from geodata.registry.access import SYSTEM, Actor
from geodata.registry.cameraio import area_dataset, registry_dataset
from geodata.registry.db import DATABASE_ERRORS, shown_url
from geodata.registry.service import Registry

EXIT_BAD_INPUT = 2
ADMINISTRATOR = Actor(SYSTEM, "district")
"""Who a command acts as without ``--as``: the local administrator."""


def language() -> str:
    """The language of the command line's messages (``CCTV_LANGUAGE``, default Vietnamese)."""
    return settings.language()


@contextmanager
def open_registry() -> Iterator[Registry]:
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


@contextmanager
def acting(args: argparse.Namespace) -> Iterator[tuple[Registry, Actor]]:
    """The registry (:func:`open_registry`) and who acts on it: the registry user ``--as``
    names, or the local administrator when no ``--as`` was given."""
    with open_registry() as registry:
        name = args.acting_as
        yield registry, ADMINISTRATOR if name is None else registry.actor(name)


def emit(document: dict, path: Path | None, headline: Message) -> None:
    """Write ``document`` as JSON to ``path`` and print ``headline``; without a path, print it."""
    body = json.dumps(document, ensure_ascii=False, indent=2)
    if path:
        path.write_text(body + "\n", encoding="utf-8")
        print(f"{headline.render(language())} → {path}")
    else:
        print(body)


def print_notes(lines: Iterable[str]) -> None:
    """A load report's notes on stderr, one a line."""
    for line in lines:
        print(text("cli.note", language(), line=line), file=sys.stderr)


def command(*words: str) -> str:
    """A command line of this program, quoted for a POSIX shell."""
    return shlex.join(["python", "cli.py", *words])


def asked_password(name: str) -> str:
    """The new user ``name``'s password, asked twice on the terminal."""
    try:
        first = getpass.getpass(text("cli.password", language(), name=name))
        second = getpass.getpass(text("cli.password_again", language(), name=name))
    except EOFError:
        raise InputError("error.cli.no_password") from None
    if first != second:
        raise InputError("error.cli.passwords_differ")
    return first


def named_area(args: argparse.Namespace) -> Dataset:
    """The dataset the area options name (without any, the registry's own area); cameras from
    the registry without ``--cameras``."""
    if args.demo or args.wards is None:
        if args.demo:
            dataset = shared_demo()
        else:  # the registry's own area: its layers, key routes and cameras
            with acting(args) as (registry, actor):
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
            with acting(args) as (registry, actor):
                dataset = registry_dataset(registry, actor, **files)
    print_notes(dataset.report.lines(language()))
    return dataset
