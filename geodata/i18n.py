"""The text catalogue and the user's formats: every word a user reads, in Vietnamese or English.

The catalogue is a folder per language under ``geodata/locales`` (``vi/``, ``en/``), one JSON
file per part of the product; a key is unique across a language's files. Vietnamese (``vi``) is
the default, English (``en``) the switch. Every string is stored in Unicode NFC.

A :class:`Message` is a catalogue key with its parameters, rendered late, in the language of
whoever reads it: errors and load-report notes carry messages, not English sentences. In a
template, a parameter's format says how it is written, in the reader's locale (Babel):

=============  ================================================  ==============  ===========
format         what it writes                                    vi              en
=============  ================================================  ==============  ===========
``{x}``        the value as it is (names, codes, ids), a date    02/12/2026      2 Dec 2026
``{x:n}``      a number, grouped, rounded to 0 decimals          2.000           2,000
``{x:.1n}``    the same with 1 decimal                           1.234,5         1,234.5
``{x:g}``      a number with the decimals it has                 10,5            10.5
``{x:.6f}``    a number with 6 decimals, not grouped (degrees)   10,781234       10.781234
``{x:.1%}``    a share 0–1 as a percentage, 1 decimal            32,8 %          32.8%
``{x:q}``      a text from data, quoted                          “Mai Chí Thọ”   'Mai Chí Thọ'
``{x:,}``      a list, joined by ``", "``                         hỏng, đã gỡ     broken, removed
``{x:lines}``  a list, one item per line, as ``  - item``
=============  ================================================  ==============  ===========

A parameter may itself be a :class:`Message` (rendered in the same language) or a list of
texts or messages (joined by ``"; "``, or ``", "`` with the format ``,``). A template may be a
dict of plural forms (``{"one": …, "other": …}``), chosen by the ``count`` (or ``minutes``)
parameter with the language's plural rules; ``other`` serves the forms a language leaves out.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import string
import unicodedata
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

from geodata import settings
from geodata.settings import LANGUAGES

LOCALES_DIR = Path(__file__).resolve().parent / "locales"

_SPEC = re.compile(r"^(?:\.(?P<digits>\d+))?(?P<kind>[n%gqf])$")


@cache
def catalogue(lang: str) -> dict[str, str | dict[str, str]]:
    """Every key and its text in ``lang`` (``"vi"`` or ``"en"``), NFC-normalised.

    Raises
    ------
    KeyError
        For a language the catalogue does not hold.
    ValueError
        When two files of the language define the same key.
    """
    if lang not in LANGUAGES:
        raise KeyError(f"unknown language {lang!r}; known: {', '.join(LANGUAGES)}")
    merged: dict[str, str | dict[str, str]] = {}
    for path in sorted((LOCALES_DIR / lang).glob("*.json")):
        for key, value in json.loads(path.read_text(encoding="utf-8")).items():
            if key in merged:
                raise ValueError(f"{path.name}: key {key!r} is defined twice in {lang}")
            merged[key] = _nfc(value)
    return merged


def _nfc(value):
    if isinstance(value, dict):
        return {form: unicodedata.normalize("NFC", text) for form, text in value.items()}
    return unicodedata.normalize("NFC", value)


def text(key: str, lang: str, **values) -> str:
    """The text for ``key`` in ``lang``, its ``{name}`` placeholders filled from ``values``.

    >>> text("app.title", "en")
    'Camera coverage planner'
    >>> text("register.count", "vi", count=2000)
    '2.000 camera'
    """
    return Message(key, **values).render(lang)


class Message:
    """A catalogue key and its parameters: text that is rendered in its reader's language.

    ``str(message)`` is the English text (for logs and tests); :meth:`render` gives any
    language.

    >>> Message("register.count", count=1500).render("en")
    '1,500 cameras'
    """

    __slots__ = ("key", "params")

    def __init__(self, key: str, /, **params):
        self.key = key
        self.params = params

    def render(self, lang: str) -> str:
        """The text in ``lang``."""
        template = catalogue(lang)[self.key]
        if isinstance(template, dict):
            form = _plural_form(self.params.get("count", self.params.get("minutes", 0)), lang)
            template = template.get(form, template["other"])
        if not self.params:
            return template
        return _Formatter(lang).format(template, **self.params)

    def __str__(self) -> str:
        return self.render("en")

    def __repr__(self) -> str:
        params = ", ".join(f"{name}={value!r}" for name, value in self.params.items())
        return f"Message({self.key!r}{', ' if params else ''}{params})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Message) and (self.key, self.params) == (other.key, other.params)

    def __hash__(self) -> int:
        return hash(self.key)


def rendered(value, lang: str) -> str:
    """``value`` as text in ``lang``: a message rendered, a list joined, else ``str``."""
    if isinstance(value, Message):
        return value.render(lang)
    if isinstance(value, list | tuple):
        return "; ".join(rendered(item, lang) for item in value)
    if isinstance(value, dt.datetime):
        return datetime(value, lang)
    if isinstance(value, dt.date):
        return date(value, lang)
    return str(value)


class _Formatter(string.Formatter):
    """``str.format`` whose number, share and quote formats follow the reader's locale."""

    def __init__(self, lang: str):
        super().__init__()
        self.lang = lang

    def format_field(self, value, format_spec: str) -> str:
        if not format_spec:
            return rendered(value, self.lang)
        if format_spec == ",":
            return ", ".join(rendered(item, self.lang) for item in value)
        if format_spec == "lines":
            return "\n".join(f"  - {rendered(item, self.lang)}" for item in value)
        match = _SPEC.match(format_spec)
        if match is None:
            raise ValueError(
                f"unknown catalogue format {format_spec!r} (use n, .Nn, .Nf, g, .N%, q)"
            )
        kind = match["kind"]
        digits = int(match["digits"]) if match["digits"] is not None else None
        if kind == "q":
            return quoted(rendered(value, self.lang), self.lang)
        if kind == "%":
            return percent(value, self.lang, digits=1 if digits is None else digits)
        if kind == "g":
            return number(value, self.lang, digits=None)
        if kind == "f":
            return number(value, self.lang, digits=digits or 0, grouped=False)
        return number(value, self.lang, digits=digits or 0)


def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def _plural_form(count, lang: str) -> str:
    return _locale(lang).plural_form(abs(count))


def number(value, lang: str, *, digits: int | None = 0, grouped: bool = True) -> str:
    """``value`` in ``lang``'s digits, with ``digits`` decimals (None: as many as it has).

    >>> number(2000, "vi"), number(1234.56, "vi", digits=1), number(10.7812, "en", digits=None)
    ('2.000', '1.234,6', '10.7812')
    >>> number(106.7380123, "vi", digits=6, grouped=False)
    '106,738012'
    """
    if digits is None:  # as many decimals as the value has (up to 10): what repr shows
        pattern = ("#,##0" if grouped else "0") + ".##########"
        return format_decimal(value, format=pattern, locale=_locale(lang))
    pattern = ("#,##0" if grouped else "0") + ("." + "0" * digits if digits else "")
    return format_decimal(round(float(value), digits), format=pattern, locale=_locale(lang))


def percent(share, lang: str, *, digits: int = 1) -> str:
    """A share (0–1) as a percentage in ``lang``.

    >>> percent(0.328, "vi"), percent(0.328, "en"), percent(0.5, "vi", digits=0)
    ('32,8 %', '32.8%', '50 %')
    """
    decimals = "." + "0" * digits if digits else ""
    pattern = catalogue(lang)["format.percent"].replace("{decimals}", decimals)
    return format_percent(share, format=pattern, locale=_locale(lang))


def date(value: dt.date, lang: str) -> str:
    """A date as ``lang`` writes it (vi: dd/mm/yyyy).

    >>> date(dt.date(2026, 12, 2), "vi"), date(dt.date(2026, 12, 2), "en")
    ('02/12/2026', '2 Dec 2026')
    """
    return format_date(value, catalogue(lang)["format.date"], locale=_locale(lang))


def date_input_format(lang: str) -> str:
    """How a date picker shows its date for ``lang`` (``format`` of ``st.date_input``, in
    Streamlit's tokens): day, month, year in the order the language writes dates.

    >>> date_input_format("vi")
    'DD/MM/YYYY'
    """
    return catalogue(lang)["format.date_input"]


def datetime(value: dt.datetime, lang: str) -> str:
    """A moment as ``lang`` writes it, to the minute, in the local time zone (``CCTV_TIMEZONE``).

    A moment without a time zone is UTC (as the registry keeps them).

    >>> datetime(dt.datetime(2026, 12, 2, 7, 5, tzinfo=dt.UTC), "vi")
    '14:05 02/12/2026'
    """
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    local = value.astimezone(ZoneInfo(settings.timezone()))
    return format_datetime(local, catalogue(lang)["format.datetime"], locale=_locale(lang))


def quoted(value: str, lang: str) -> str:
    """A text from data between ``lang``'s quotation marks.

    >>> quoted("Mai Chí Thọ", "vi")
    '“Mai Chí Thọ”'
    """
    opening, closing = catalogue(lang)["format.quotes"]
    return f"{opening}{value}{closing}"
