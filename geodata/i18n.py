"""The UI text catalogue: one JSON file per language in ``geodata/locales``.

Pages never hold text literals; they ask :func:`text` for a key. Vietnamese (``vi``) is the
default, English (``en``) the switch. Every string is stored in Unicode NFC.
"""

from __future__ import annotations

import json
import unicodedata
from functools import cache
from pathlib import Path

from geodata.settings import LANGUAGES

LOCALES_DIR = Path(__file__).resolve().parent / "locales"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every key and its text in ``lang`` (``"vi"`` or ``"en"``), NFC-normalised."""
    if lang not in LANGUAGES:
        raise KeyError(f"unknown language {lang!r}; known: {', '.join(LANGUAGES)}")
    raw = json.loads((LOCALES_DIR / f"{lang}.json").read_text(encoding="utf-8"))
    return {key: unicodedata.normalize("NFC", value) for key, value in raw.items()}


def text(key: str, lang: str, **values) -> str:
    """The text for ``key`` in ``lang``, with ``{name}`` placeholders filled from ``values``.

    >>> text("app.title", "en")
    'Camera coverage planner'
    """
    template = catalogue(lang)[key]
    return template.format(**values) if values else template
