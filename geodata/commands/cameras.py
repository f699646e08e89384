"""The ``cameras import`` and ``cameras export`` subcommands: camera lists in and out of the
registry."""

from __future__ import annotations

import argparse

from geodata.commands.common import acting, language
from geodata.errors import InputError
from geodata.i18n import text
from geodata.registry.cameraio import export_cameras
from geodata.registry.importer import import_cameras


def run_import(args: argparse.Namespace) -> int:
    """The ``cameras import`` subcommand: prints ``accepted N, rejected M``."""
    with acting(args) as (registry, actor):
        result = import_cameras(registry, actor, args.file, dry_run=args.dry_run)
    if args.report is not None:
        result.write_rejected(args.report, lang=language())
    key = "cli.imported_dry" if args.dry_run else "cli.imported"
    print(text(key, language(), accepted=result.accepted, rejected=result.rejected))
    return 0


def run_export(args: argparse.Namespace) -> int:
    """The ``cameras export`` subcommand."""
    if args.with_owner and not args.purpose.strip():
        raise InputError("error.cli.purpose")
    with acting(args) as (registry, actor):
        count = export_cameras(
            registry,
            actor,
            args.out,
            fmt=args.fmt,
            with_owner=args.with_owner,
            purpose=args.purpose,
        )
    key = "cli.exported_owners" if args.with_owner else "cli.exported"
    print(text(key, language(), count=count, format=args.fmt, path=str(args.out)))
    return 0
