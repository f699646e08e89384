"""The subcommands of people and their data: ``users add`` and ``backup``."""

from __future__ import annotations

import argparse
import os

from geodata.commands.common import acting, asked_password, language
from geodata.errors import InputError
from geodata.i18n import Message, text


def run_add_user(args: argparse.Namespace) -> int:
    """The ``users add`` subcommand."""
    password = os.environ.get("PASSWORD") or asked_password(args.name)
    with acting(args) as (registry, actor):
        user = registry.add_user(actor, args.name, password, args.role, args.wards)
    wards = ", ".join(sorted(user.wards)) or Message("access.no_wards")
    print(
        text(
            "cli.user_added",
            language(),
            name=user.name,
            role=Message(f"role.{user.role}"),
            wards=wards,
        )
    )
    return 0


def run_backup(args: argparse.Namespace) -> int:
    """The ``backup`` subcommand: a consistent copy of the SQLite registry, while it runs."""
    path = args.file or args.out
    if path is None:
        raise InputError("error.cli.backup_file")
    with acting(args) as (registry, actor):
        registry.backup(actor, path)
    print(text("cli.backup_done", language(), path=str(path)))
    return 0
