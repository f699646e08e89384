"""argparse's own words from the catalogue: its usage errors (one line), the headings and the
``-h`` line of ``--help``, in the language of the messages.

argparse writes its errors in English from fixed phrasings; :func:`usage_message` gives each
phrasing a user can cause its catalogue message (``cli.argparse.*``), with argparse's own
values (argument names, the value given, the choices) filled in. A phrasing it does not know
is left as argparse wrote it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re

from geodata.commands.common import EXIT_BAD_INPUT, language
from geodata.i18n import text
from geodata.layers.camerafields import written_date
from geodata.layers.columns import cell_number

ARGUMENT = r"argument (?P<argument>\S+): "
PHRASINGS = (
    (r"the following arguments are required: (?P<names>.+)", "required"),
    (r"one of the arguments (?P<names>.+) is required", "one_required"),
    (r"unrecognized arguments: (?P<names>.+)", "unrecognized"),
    (r"ambiguous option: (?P<option>\S+) could match (?P<matches>.+)", "ambiguous"),
    (ARGUMENT + r"invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)", "choice"),
    (ARGUMENT + r"invalid int value: (?P<value>.+)", "whole_number"),
    (ARGUMENT + r"expected one argument", "expected_one"),
    (ARGUMENT + r"not allowed with argument (?P<other>.+)", "not_allowed_with"),
    (ARGUMENT + r"(?P<message>.+)", "argument"),
)
"""argparse's phrasings of a usage error and the catalogue key (``cli.argparse.<key>``) of
each; the first that matches the whole message is taken."""
HEADINGS = {"options": "options", "positional arguments": "positionals"}
"""argparse's headings of the help's sections and their catalogue keys."""
PATTERNS = tuple((re.compile(pattern, re.DOTALL), key) for pattern, key in PHRASINGS)


def usage_message(message: str, lang: str) -> str:
    """argparse's error ``message`` as the catalogue writes it in ``lang``."""
    for pattern, key in PATTERNS:
        found = pattern.fullmatch(message)
        if found:
            values = found.groupdict()
            if "value" in values:  # the catalogue quotes it as the language does
                values["value"] = _unquoted(values["value"])
            return text(f"cli.argparse.{key}", lang, **values)
    return message


def _unquoted(value: str) -> str:
    """``value`` without the quotes of ``repr()`` that argparse puts around it."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def given_date(value: str) -> dt.date:
    """A date written as camera lists may write it: 2026-12-31 or 31/12/2026 (an argument's
    ``type``)."""
    written = written_date(value)
    if written is None:
        raise argparse.ArgumentTypeError(text("cli.argparse.date", language(), value=value))
    return written


def decimal_number(value: str) -> float:
    """A number written with a decimal point or a decimal comma (2.5 or 2,5; an argument's
    ``type``)."""
    number = cell_number(value)
    if number is None:
        raise argparse.ArgumentTypeError(text("cli.argparse.number", language(), value=value))
    return number


class CatalogueHelpFormatter(argparse.HelpFormatter):
    """argparse's help layout, its "usage:" from the catalogue."""

    def add_usage(self, usage, actions, groups, prefix=None):
        if prefix is None:
            prefix = text("cli.argparse.usage", language())
        super().add_usage(usage, actions, groups, prefix)


class UsageParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr (exit status 2) and whose
    own words come from the catalogue."""

    def __init__(self, *args, add_help: bool = True, **kwargs):
        kwargs.setdefault("formatter_class", CatalogueHelpFormatter)
        super().__init__(*args, add_help=False, **kwargs)
        if add_help:
            self.add_argument(
                "-h",
                "--help",
                action="help",
                default=argparse.SUPPRESS,
                help=text("cli.argparse.help", language()),
            )

    def format_help(self) -> str:
        lang = language()
        for group in self._action_groups:
            if group.title in HEADINGS:
                group.title = text(f"cli.argparse.{HEADINGS[group.title]}", lang)
        return super().format_help()

    def error(self, message: str):
        lang = language()
        line = text("cli.usage_error", lang, prog=self.prog, message=usage_message(message, lang))
        self.exit(EXIT_BAD_INPUT, line + "\n")
