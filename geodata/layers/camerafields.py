"""What a camera record holds: its fields, their types and allowed values, and their checks.

One schema serves the registry's forms, the importer and the exports, so that a value accepted
in one place is accepted in all. Checks return problems (:class:`Problem`: the field and a
:class:`~geodata.i18n.Message`) instead of raising, so that callers can collect every problem
of a row and name the field as their reader knows it.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from geodata.errors import InputError
from geodata.i18n import Message
from geodata.layers.contract import CAMERA_SPEC_COLUMNS

CAMERA_TYPES = ("bullet", "dome", "ptz", "other")
STATUSES = ("active", "broken", "removed")
ROLES = ("district", "ward", "viewer")
MAX_RANGE_M = 500.0
NOTES_MAX_LENGTH = 2000
"""The longest free text (a camera's notes, a campaign target's note) the registry keeps."""
REASON_MAX_LENGTH = 500
"""The longest reason for a deletion the audit log keeps."""


@dataclass(frozen=True)
class Field:
    """One field of a camera record.

    Attributes
    ----------
    name : str
        Column name (snake_case, units in the name).
    kind : str
        ``"float"``, ``"int"``, ``"bool"``, ``"date"``, ``"text"``, ``"phone"`` (text; a number
        from a spreadsheet gets back its leading 0, see :func:`phone_text`) or ``"choice"``.
    low, high : float, optional
        Inclusive bounds of a number.
    choices : tuple of str
        Allowed values of a choice.
    max_length : int, optional
        The longest text the registry keeps, in characters (the database column's length).
    required : bool
        Whether a new camera must have it.
    owner : bool
        Whether it describes the owner (hidden from viewers, left out of default exports).
    """

    name: str
    kind: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    max_length: int | None = None
    required: bool = False
    owner: bool = False


FIELDS = (
    Field("lat", "float", -90.0, 90.0, required=True),
    Field("lon", "float", -180.0, 180.0, required=True),
    Field("bearing_deg", "float", 0.0, 360.0),
    Field("fov_deg", "float", 1.0, 360.0, required=True),
    Field("range_m", "float", 1.0, MAX_RANGE_M, required=True),
    Field("camera_type", "choice", choices=CAMERA_TYPES),
    Field("mount_height_m", "float", 0.0, 100.0),
    Field("night_vision", "bool"),
    Field("night_range_m", "float", 0.0, MAX_RANGE_M),
    Field("resolution_mp", "float", 0.1, 100.0),
    Field("horizontal_px", "int", 160, 20000),
    Field("recording", "bool"),
    Field("retention_days", "int", 0, 3650),
    Field("police_connected", "bool"),
    Field("status", "choice", choices=STATUSES),
    Field("installed_on", "date"),
    Field("verified_on", "date"),
    Field("house_number", "text", max_length=64),
    Field("alley", "text", max_length=120),
    Field("street", "text", max_length=200),
    Field("notes", "text", max_length=NOTES_MAX_LENGTH),
    Field("external_code", "text", max_length=64),
    Field("owner_name", "text", max_length=200, owner=True),
    Field("owner_phone", "phone", max_length=40, owner=True),
    Field("owner_address", "text", max_length=300, owner=True),
    Field("consent_share", "bool", owner=True),
    Field("consent_share_on", "date", owner=True),
    Field("consent_live", "bool", owner=True),
)
FIELD_BY_NAME = {field.name: field for field in FIELDS}
OWNER_FIELDS = tuple(field.name for field in FIELDS if field.owner)
DEFAULTS = {"status": "active", "camera_type": "other"}
"""Values a new camera gets when its row leaves them empty (a missing bearing stays missing)."""

TRUE_WORDS = {"1", "true", "yes", "y", "x", "co", "có", "đúng", "dung", "on"}
FALSE_WORDS = {"0", "false", "no", "n", "khong", "không", "sai", "off"}
STATUS_WORDS = {
    "active": "active",
    "hoat dong": "active",
    "hoạt động": "active",
    "dang hoat dong": "active",
    "đang hoạt động": "active",
    "tot": "active",
    "tốt": "active",
    "broken": "broken",
    "hong": "broken",
    "hỏng": "broken",
    "bi hong": "broken",
    "bị hỏng": "broken",
    "removed": "removed",
    "da go": "removed",
    "đã gỡ": "removed",
    "go": "removed",
    "gỡ": "removed",
    "thao do": "removed",
    "tháo dỡ": "removed",
}
TYPE_WORDS = {
    "bullet": "bullet",
    "than": "bullet",
    "thân": "bullet",
    "ong kinh dai": "bullet",
    "dome": "dome",
    "ban cau": "dome",
    "bán cầu": "dome",
    "cau": "dome",
    "cầu": "dome",
    "ptz": "ptz",
    "quay quet": "ptz",
    "quay quét": "ptz",
    "speed dome": "ptz",
    "other": "other",
    "khac": "other",
    "khác": "other",
}


SENSOR_ASPECT = 16 / 9
"""The width-to-height ratio of a camera's image when only its megapixels are known."""


def horizontal_px_from_mp(resolution_mp):
    """The width in pixels of a 16:9 image of ``resolution_mp`` megapixels.

    ``sqrt(resolution_mp · 10⁶ · 16/9)``, rounded to whole pixels; unknown (None or NaN) stays NaN.

    Parameters
    ----------
    resolution_mp : float or array-like of float
        Megapixels (> 0), one value per camera.

    Returns
    -------
    float or numpy.ndarray of float
        Pixels (whole numbers, as floats), NaN where unknown; an array for an array.

    >>> horizontal_px_from_mp(2)
    1886.0
    >>> horizontal_px_from_mp([4, None, 8.3]).tolist()
    [2667.0, nan, 3841.0]
    """
    width = np.rint(np.sqrt(np.asarray(resolution_mp, dtype=float) * 1e6 * SENSOR_ASPECT))
    return float(width) if width.ndim == 0 else width


SPEC_SOURCE_FIELDS = ("horizontal_px", "resolution_mp", "mount_height_m")
"""The record fields :func:`camera_specs` works from."""


def camera_specs(fields) -> dict[str, np.ndarray]:
    """The image and mounting specs of cameras as the coverage engine reads them.

    Parameters
    ----------
    fields : mapping or pandas.DataFrame
        Each of :data:`SPEC_SOURCE_FIELDS` → its values, one per camera, as records hold them
        (pixels, megapixels, metres above ground); None or NaN when unknown.

    Returns
    -------
    dict
        :data:`~geodata.layers.contract.CAMERA_SPEC_COLUMNS` → float array: ``horizontal_px``
        as stated, else from ``resolution_mp`` (:func:`horizontal_px_from_mp`), else NaN;
        ``mount_height_m`` as stated, else NaN.
    """
    stated = np.asarray(fields["horizontal_px"], dtype=float)
    width = np.where(np.isnan(stated), horizontal_px_from_mp(fields["resolution_mp"]), stated)
    height = np.asarray(fields["mount_height_m"], dtype=float)
    return dict(zip(CAMERA_SPEC_COLUMNS, (width, height), strict=True))


def nfc(value: str) -> str:
    """``value`` stripped and in Unicode NFC (plain ASCII is already NFC)."""
    value = value.strip()
    return value if value.isascii() else unicodedata.normalize("NFC", value).strip()


_WITHOUT_MARKS = dict.fromkeys(
    code for code in range(0x300, 0x10000) if unicodedata.combining(chr(code))
)
_WITHOUT_MARKS.update({ord("đ"): "d", ord("Đ"): "D"})
"""A translation table dropping the combining marks (of the Basic Multilingual Plane)."""


def search_key(*parts) -> str:
    """Text for accent- and case-insensitive search: no diacritics, đ → d, casefolded.

    >>> search_key("Lương Định Của", None, "Hẻm 12")
    'luong dinh cua hem 12'
    """
    keys = (_part_key(str(part)) for part in parts if part is not None)
    return " ".join(key for key in keys if key)


@functools.lru_cache(maxsize=1 << 16)
def _part_key(part: str) -> str:
    """:func:`search_key` of one text (street names and owner names repeat: kept)."""
    text = nfc(part)
    if text.isascii():
        return text.casefold()
    return unicodedata.normalize("NFD", text).translate(_WITHOUT_MARKS).casefold()


ADDRESS_KEY_FIELDS = ("house_number", "alley", "street", "external_code", "notes")
OWNER_KEY_FIELDS = ("owner_name", "owner_phone", "owner_address")


class Problem(NamedTuple):
    """What is wrong with one field's value.

    Attributes
    ----------
    field : str
        The camera field.
    what : Message
        What was expected and found, without naming the field (``problem.*`` in the catalogue).
    """

    field: str
    what: Message

    def message(self) -> Message:
        """The problem naming the field by its catalogue label (``camera_field.<name>``)."""
        return Message("problem.in_field", field=field_label(self.field), problem=self.what)


def field_label(name: str) -> Message | str:
    """A camera field as its reader calls it (a name that is no camera field: as it is)."""
    return Message(f"camera_field.{name}") if name in FIELD_BY_NAME else name


def parse_value(field: Field, raw) -> tuple[object, Message | None]:
    """Parse one raw cell (text, number, date, bool or empty) into the field's type.

    Returns
    -------
    (value, problem)
        ``value`` is ``None`` for an empty cell; ``problem`` says what was expected and found.

    >>> parse_value(FIELD_BY_NAME["lat"], "10,7812")
    (10.7812, None)
    >>> str(parse_value(FIELD_BY_NAME["fov_deg"], "400")[1])
    'expected a number from 1 to 360, found 400'
    """
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return None, None
    if isinstance(raw, str):
        raw = nfc(raw)
        if raw == "":
            return None, None
    parser = _PARSERS[field.kind]
    return parser(field, raw)


def _number(field: Field, raw):
    if isinstance(raw, bool):
        return None, Message("problem.number", found=_shown(raw))
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = str(raw).replace("\u00a0", "").replace(" ", "")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            return None, Message("problem.number", found=_shown(raw))
    if not math.isfinite(value):
        return None, Message("problem.number", found=_shown(raw))
    if field.low is not None and not field.low <= value <= field.high:
        return None, Message(
            "problem.number_between", low=field.low, high=field.high, found=_shown(raw)
        )
    if field.kind == "int":
        if value != int(value):
            return None, Message("problem.whole_number", found=_shown(raw))
        return int(value), None
    if field.name == "bearing_deg" and value == 360.0:
        return 0.0, None  # north, stored one way
    return value, None


def _shown(raw) -> str:
    """A cell as the spreadsheet shows it (a number without a trailing ``.0``)."""
    return f"{raw:g}" if isinstance(raw, float) else str(raw)


def _bool(field: Field, raw):
    if isinstance(raw, bool):
        return raw, None
    word = nfc(str(raw)).lower()
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw), None
    if word in TRUE_WORDS:
        return True, None
    if word in FALSE_WORDS:
        return False, None
    return None, Message("problem.yes_no", found=_shown(raw))


DATE_PATTERNS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S")
"""How a date may be written: as ISO does, or day first as Vietnamese does."""


def written_date(text: str) -> dt.date | None:
    """The date ``text`` writes in one of :data:`DATE_PATTERNS`, or None.

    >>> written_date("31/12/2026"), written_date("2026-12-31"), written_date("12/31/2026")
    (datetime.date(2026, 12, 31), datetime.date(2026, 12, 31), None)
    """
    for pattern in DATE_PATTERNS:
        try:
            return dt.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def _date(field: Field, raw):
    if isinstance(raw, dt.datetime):
        return raw.date(), None
    if isinstance(raw, dt.date):
        return raw, None
    value = written_date(str(raw))
    return (value, None) if value else (None, Message("problem.date", found=_shown(raw)))


def _text(field: Field, raw):
    if isinstance(raw, float) and raw == int(raw):
        raw = int(raw)
    value = nfc(str(raw))
    problem = text_problem(value, limit=field.max_length)
    return (None, problem) if problem else (value, None)


def text_problem(value, *, limit: int | None) -> Message | None:
    """What keeps a text out of the registry: more than ``limit`` characters, or a NUL
    (PostgreSQL refuses it, SQLite would keep it); None for a text that can be kept.

    >>> str(text_problem("An\\x00", limit=200)), text_problem(7, limit=1)
    ('found a NUL character', None)
    """
    if not isinstance(value, str):
        return None
    if limit is not None and len(value) > limit:
        return Message("problem.too_long", limit=limit, length=len(value))
    if "\x00" in value:
        return Message("problem.nul")
    return None


def stored_text(value: str | None, *, name: Message, limit: int) -> str | None:
    """``value`` in NFC (None when empty) if the registry can keep it.

    For free texts that are no camera field (a deletion's reason, a campaign target's note).

    Raises
    ------
    InputError
        Naming ``name`` when :func:`text_problem` finds a problem.
    """
    if value is None:
        return None
    value = nfc(value)
    problem = text_problem(value, limit=limit)
    if problem:
        raise InputError("problem.in_field", field=name, problem=problem)
    return value or None


def rows_text_problems(rows: list[dict]) -> list[Message]:
    """:func:`text_problem` of the text fields of many clean rows, as ``camera i of n`` problems.

    Each distinct value is checked once (ward lists repeat streets and owners).
    """
    found: dict[int, list[Message]] = {}
    for field in FIELDS:
        if field.kind not in ("text", "phone"):
            continue
        values = [row.get(field.name) for row in rows]
        problems = {value: text_problem(value, limit=field.max_length) for value in set(values)}
        for number, value in enumerate(values, start=1):
            if problems[value]:
                found.setdefault(number, []).append(Problem(field.name, problems[value]).message())
    return [
        Message("problem.in_row", row=number, count=len(rows), problems=messages)
        for number, messages in sorted(found.items())
    ]


def _phone(field: Field, raw):
    value, problem = _phone_number(raw)
    problem = problem or text_problem(value, limit=field.max_length)
    return (None, problem) if problem else (value, None)


def _phone_number(raw):
    if isinstance(raw, bool):
        return None, Message("problem.phone", found=_shown(raw))
    if isinstance(raw, int | float):
        if isinstance(raw, float) and not raw.is_integer():
            return None, Message("problem.phone", found=_shown(raw))
        written = phone_text(int(raw))
        if written is None:
            return None, Message("problem.phone_number", found=_shown(raw))
        return written, None
    return nfc(str(raw)), None


def phone_text(number: int) -> str | None:
    """A Vietnamese phone number that a spreadsheet kept as a number, written with its 0.

    Excel drops the leading 0 of ``0912555666``; a 9-digit mobile number (3, 5, 7, 8 or 9
    first) or a 10-digit landline (2 first) gets it back, and ``84…`` (the country code) becomes
    ``0…``. Any other number cannot be told apart from a typing slip: None.

    >>> phone_text(912555666), phone_text(2838123456), phone_text(84912555666), phone_text(123)
    ('0912555666', '02838123456', '0912555666', None)
    """
    digits = str(number)
    if digits.startswith("84") and len(digits) in (11, 12):
        digits = digits[2:]
    if (len(digits) == 9 and digits[0] in "35789") or (len(digits) == 10 and digits[0] == "2"):
        return "0" + digits
    return None


def _choice(field: Field, raw):
    words = STATUS_WORDS if field.name == "status" else TYPE_WORDS
    value = words.get(nfc(str(raw)).lower())
    if value is None:
        return None, Message(f"problem.choice.{field.name}", found=_shown(raw))
    return value, None


_PARSERS = {
    "float": _number,
    "int": _number,
    "bool": _bool,
    "date": _date,
    "text": _text,
    "phone": _phone,
    "choice": _choice,
}


def clean_camera(raw: dict, *, partial: bool = False) -> tuple[dict, list[Problem]]:
    """Parse and check a camera's fields; returns (clean values, problems).

    Parameters
    ----------
    raw : dict
        Field name → raw value. Unknown names are problems.
    partial : bool, keyword-only
        An update: required fields may be absent and defaults are not filled in.
    """
    clean, problems, failed = {}, [], set()
    for name, value in raw.items():
        field = FIELD_BY_NAME.get(name)
        if field is None:
            problems.append(Problem(name, Message("problem.unknown_field", name=name)))
            continue
        parsed, problem = parse_value(field, value)
        if problem:
            problems.append(Problem(name, problem))
            failed.add(name)
        elif parsed is not None or partial:
            clean[name] = parsed
    if not partial:
        problems += completed_camera(clean, failed)
    return clean, problems


def completed_camera(clean: dict, failed=frozenset()) -> list[Problem]:
    """Give a new camera's clean values their defaults (in place); the required ones missing.

    Parameters
    ----------
    clean : dict
        Field name → parsed value, of the fields that parsed.
    failed : collection of str
        Fields whose value had a problem already: not reported again as missing.
    """
    missing = [
        Problem(name, Message("problem.required"))
        for name in _REQUIRED
        if clean.get(name) is None and name not in failed
    ]
    for name, value in DEFAULTS.items():
        clean.setdefault(name, value)
    return missing


_REQUIRED = tuple(field.name for field in FIELDS if field.required)
