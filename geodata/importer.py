"""Bulk import of cameras from a ward's list (CSV or Excel) into the registry.

Ward staff keep their lists of privately owned cameras in spreadsheets, with Vietnamese or
English headers, with or without diacritics. :func:`import_cameras` reads one, maps its headers
to camera fields (:data:`HEADER_ALIASES`), checks every row, and registers the rows that pass in
one transaction; every other row comes back with its reason, and
:meth:`ImportResult.write_rejected` writes those rows to a file the ward can fix and import
again.

A row is rejected, with every problem it has, when

- a value does not parse or is out of range (:func:`geodata.camerafields.clean_camera`: missing
  or unparsable coordinates, bearing outside 0–360, field of view outside 1–360, range outside
  1–500 m, an unknown status or type, …);
- its latitude and longitude look swapped (a latitude beyond ±90 that would be a longitude);
- it lies outside every ward of the registry, or, for a ward user, outside the user's wards;
- a text is longer than the registry keeps, or holds a NUL character;
- it is a camera the registry already holds, or one an earlier row of the file gave. Two
  records are the same camera when they have the same external code (ignoring case); or, when
  either has no external code, the same owner name (NFC, ignoring case; no name on either
  counts as the same) and locations within :data:`geodata.registry.DUPLICATE_DISTANCE_M`,
  measured in metres in the working UTM CRS. Re-importing a file therefore registers nothing
  twice. An external code once used by a deleted camera cannot be used again.

Problems of the file as a whole (unreadable, empty, no latitude or longitude column, two columns
for one field) raise :class:`~geodata.errors.InputError`; viewers may not import at all
(:class:`~geodata.errors.PermissionDenied`). Columns that are not camera fields are kept with the
row and reported once in :attr:`ImportResult.notes`. Values are stored as given (NFC), never
re-interpreted.
"""

from __future__ import annotations

import functools
import itertools
import logging
import math
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geodata.access import Actor
from geodata.camerafields import (
    FIELD_BY_NAME,
    FIELDS,
    Field,
    Problem,
    completed_camera,
    field_label,
    parse_value,
    search_key,
)
from geodata.crs import to_working, working_crs
from geodata.errors import ConflictError, InputError, PermissionDenied
from geodata.exports import write_csv, write_xlsx
from geodata.files import read_table, source_name
from geodata.i18n import Message, text
from geodata.registry import DUPLICATE_DISTANCE_M, Registry

log = logging.getLogger(__name__)

_NAMES: dict[str, tuple[str, ...]] = {
    "lat": ("latitude", "vĩ độ", "vido"),
    "lon": ("lng", "long", "longitude", "kinh độ", "kinhdo"),
    "bearing_deg": (
        "bearing",
        "direction",
        "heading",
        "azimuth",
        "hướng",
        "hướng quay",
        "hướng nhìn",
        "góc hướng",
        "phương vị",
    ),
    "fov_deg": ("fov", "field of view", "angle", "view angle", "góc nhìn", "góc quan sát"),
    "range_m": ("range", "distance", "tầm xa", "tầm nhìn", "tầm quan sát", "khoảng cách"),
    "camera_type": ("type", "kind", "loại", "loại camera", "kiểu", "kiểu camera"),
    "mount_height_m": ("mount height", "height", "chiều cao", "độ cao", "chiều cao lắp đặt"),
    "night_vision": ("night vision", "infrared", "ir", "hồng ngoại", "quay đêm", "nhìn đêm"),
    "night_range_m": ("night range", "tầm xa ban đêm", "tầm hồng ngoại"),
    "resolution_mp": ("resolution", "megapixels", "mp", "độ phân giải"),
    "recording": ("recording", "records", "ghi hình", "có ghi hình"),
    "retention_days": ("retention", "days kept", "số ngày lưu", "thời gian lưu"),
    "police_connected": ("police", "connected to police", "kết nối công an", "nối công an"),
    "status": ("state", "trạng thái", "tình trạng"),
    "installed_on": ("installed", "install date", "date installed", "ngày lắp", "ngày lắp đặt"),
    "verified_on": ("verified", "last verified", "ngày kiểm tra"),
    "house_number": ("house number", "house no", "số nhà"),
    "alley": ("lane", "hẻm", "ngõ", "kiệt", "ngách"),
    "street": ("road", "đường", "tên đường", "phố"),
    "notes": ("note", "remarks", "comment", "comments", "ghi chú"),
    "external_code": ("code", "camera id", "camera code", "mã", "mã camera", "mã số", "số hiệu"),
    "owner_name": (
        "owner",
        "chủ hộ",
        "chủ sở hữu",
        "tên chủ hộ",
        "người sở hữu",
        "họ tên",
        "họ và tên",
    ),
    "owner_phone": ("phone", "telephone", "tel", "số điện thoại", "sđt", "điện thoại"),
    "owner_address": ("địa chỉ chủ hộ", "địa chỉ chủ sở hữu", "địa chỉ liên hệ"),
    "consent_share": ("consent", "đồng ý chia sẻ", "đồng ý"),
    "consent_share_on": ("consent date", "ngày đồng ý", "ngày đồng ý chia sẻ"),
    "consent_live": ("live consent", "đồng ý xem trực tiếp", "chia sẻ trực tiếp"),
}
"""Header names of each camera field besides the field's own name, as people write them."""

_WHOLE_ADDRESS_NAMES = ("address", "địa chỉ", "địa chỉ camera", "địa chỉ lắp đặt")
"""Headers of a one-column address: it goes to ``street`` unless the file splits the address."""

_ADDRESS_PARTS = frozenset({"house_number", "alley", "street"})
_UNIT_WORDS = frozenset({"m", "met", "meter", "meters", "metre", "metres", "do", "deg", "degrees"})
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_UNBOUNDED = {name: Field(name, "float") for name in ("lat", "lon")}
_LOCATION = ("lat", "lon")
_LOCATION_WORDS = {"lat": "import.column.lat", "lon": "import.column.lon"}
_WARD_BOX_MARGIN_DEG = 0.01
"""Points farther than this beyond the wards' bounding box are outside without projecting."""

PREVIEW_ROWS = 200
"""How many rejected rows :meth:`ImportResult.preview` keeps for a page to show."""

_FIXED_FIELDS = ("lat", "lon", "bearing_deg", "fov_deg", "range_m", "status", "camera_type")
"""Fields with a fix of their own (``import.fix.<field>``); others get their kind's fix
(``import.fix.kind.<kind>``: bool, date) or ``import.fix.cell``."""


def header_key(name) -> str:
    """A header as compared: no diacritics, đ → d, case-folded, one space between words.

    >>> header_key("  Hướng_(ĐỘ) ")
    'huong do'
    """
    words = re.split(r"[\W_]+", search_key(str(name)))
    return " ".join(word for word in words if word)


def _aliases() -> dict[str, str]:
    aliases = {}
    for field in FIELDS:
        for name in (field.name, *_NAMES.get(field.name, ())):
            aliases[header_key(name)] = field.name
    for name in _WHOLE_ADDRESS_NAMES:
        aliases[header_key(name)] = "street"
    return aliases


HEADER_ALIASES: dict[str, str] = _aliases()
"""Normalised header (:func:`header_key`) → camera field, English and Vietnamese."""

_TEXT_FIXES = {"problem.too_long": "import.fix.shorten", "problem.nul": "import.fix.delete_nul"}
"""The fix of a text the registry cannot keep (:func:`geodata.camerafields.text_problem`)."""
_WHOLE_ADDRESS_KEYS = frozenset(header_key(name) for name in _WHOLE_ADDRESS_NAMES)


@dataclass(frozen=True)
class RowResult:
    """The outcome of one row of an imported file.

    Attributes
    ----------
    row : int
        The spreadsheet row number as a person sees it (the header is row 1).
    accepted : bool
        Whether the row passed every check (and was registered, unless a dry run).
    reason : Message or None
        Why it was rejected: every problem, each naming the column as the file names it, what
        was expected, what was found and the fix. None when accepted.
    values : dict
        Camera field → clean value, when accepted; empty otherwise.
    raw : dict
        The original cells by original header (empty cells as None).
    """

    row: int
    accepted: bool
    reason: Message | None
    values: dict
    raw: dict


@dataclass(frozen=True)
class ImportResult:
    """The outcome of importing one file.

    Attributes
    ----------
    file : str
        The file's name as the user gave it.
    rows : tuple of RowResult
        One per non-blank row, in file order.
    committed : bool
        Whether the accepted rows were written (False for a dry run).
    camera_ids : tuple of int
        The registry ids of the cameras written, in file order (empty for a dry run).
    columns : tuple of str
        The file's headers, in order.
    notes : tuple of Message
        Things about the file as a whole worth knowing (columns not imported, blank rows).
    """

    file: str
    rows: tuple[RowResult, ...]
    committed: bool
    camera_ids: tuple[int, ...]
    columns: tuple[str, ...] = ()
    notes: tuple[Message, ...] = ()

    @property
    def accepted(self) -> int:
        """How many rows passed every check."""
        return sum(result.accepted for result in self.rows)

    @property
    def rejected(self) -> int:
        """How many rows were rejected."""
        return len(self.rows) - self.accepted

    def rejected_frame(self, lang: str) -> pd.DataFrame:
        """The rejected rows: the row number, the original columns as read, and the reason.

        The row number's and the reason's headers and the reasons are in ``lang``.
        """
        rejected = [result for result in self.rows if not result.accepted]
        frame = pd.DataFrame(
            [result.raw for result in rejected], columns=list(self.columns), dtype=object
        )
        frame.insert(
            0, text("import.row", lang), [result.row for result in rejected], allow_duplicates=True
        )
        frame.insert(
            len(frame.columns),
            text("import.reason", lang),
            [result.reason.render(lang) for result in rejected],
            allow_duplicates=True,
        )
        return frame

    def write_rejected(self, path, *, lang: str) -> None:
        """Write :meth:`rejected_frame` to ``path`` for the ward to fix and import again.

        Written as the exports are (:mod:`geodata.exports`): cells are data, never formulas
        (in CSV a text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
        gets a leading apostrophe; in XLSX such a text is a text cell), and a file is replaced
        only once it is complete.

        Parameters
        ----------
        path : str or pathlib.Path
            ``.csv`` (UTF-8 with BOM, which Excel opens with its diacritics) or ``.xlsx``
            (characters a workbook cannot hold, such as control characters, are left out).
        lang : str, keyword-only
            The language of the headers and reasons.

        Raises
        ------
        InputError
            When the suffix is neither ``.csv`` nor ``.xlsx``.
        """
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".csv":
            write_csv(self.rejected_frame(lang), path)
        elif suffix == ".xlsx":
            write_xlsx(
                self.rejected_frame(lang), path, sheet_name=text("import.rejected_sheet", lang)
            )
        else:
            raise InputError("error.import.rejected_suffix", file=path.name, suffix=suffix or "—")

    def rejected_file(self, lang: str, *, suffix: str = ".csv") -> bytes:
        """The content of :meth:`write_rejected`'s file, for a download."""
        with tempfile.TemporaryDirectory(prefix="cctv-rejected-") as folder:
            path = Path(folder) / f"rejected{suffix}"
            self.write_rejected(path, lang=lang)
            return path.read_bytes()

    def preview(self, *, shown: int = PREVIEW_ROWS) -> ImportPreview:
        """What a page keeps of a dry run: the counts, the notes and the first ``shown``
        rejected rows, without their cells."""
        rejected = [result for result in self.rows if not result.accepted]
        notes = self.notes
        if len(rejected) > shown:
            notes += (Message("import.note.rejected_shown", shown=shown, count=len(rejected)),)
        return ImportPreview(
            file=self.file,
            accepted=self.accepted,
            rejected=len(rejected),
            rows=tuple(
                RowResult(row=r.row, accepted=False, reason=r.reason, values={}, raw={})
                for r in rejected[:shown]
            ),
            notes=notes,
        )


@dataclass(frozen=True)
class ImportPreview:
    """The part of an import check a page shows, small whatever the file's size.

    Attributes
    ----------
    file : str
        The file's name as the user gave it.
    accepted, rejected : int
        How many rows passed every check, and how many did not.
    rows : tuple of RowResult
        The first rejected rows (row number and reason; no cells).
    notes : tuple of Message
        The check's notes, and one saying how many rejected rows are not in :attr:`rows`.
    """

    file: str
    accepted: int
    rejected: int
    rows: tuple[RowResult, ...]
    notes: tuple[Message, ...]


def map_headers(columns: Iterable) -> tuple[dict[str, str], list[str]]:
    """Which camera field each header gives, and the headers that give none.

    Headers match :data:`HEADER_ALIASES` after :func:`header_key`, else without a bracketed
    part (``"Tầm xa (m)"``), else without a trailing unit word (``"Hướng độ"``). A one-column
    address (``"Địa chỉ"``) goes to ``street`` unless the file has its own house number, alley
    or street columns; then it is not imported.

    Parameters
    ----------
    columns : iterable
        The headers as read.

    Returns
    -------
    (mapping, unknown)
        Header → camera field, and the headers that map to no field, in file order. Two
        headers may map to the same field; :func:`import_cameras` refuses such a file.

    >>> map_headers(["Vĩ độ", "Kinh do", "Tầm xa (m)", "STT"])
    ({'Vĩ độ': 'lat', 'Kinh do': 'lon', 'Tầm xa (m)': 'range_m'}, ['STT'])
    """
    columns = [str(column) for column in columns]
    keys = {column: _alias_key(column) for column in columns}
    mapping = {column: HEADER_ALIASES[key] for column, key in keys.items() if key is not None}
    split_address = any(
        field in _ADDRESS_PARTS and keys[column] not in _WHOLE_ADDRESS_KEYS
        for column, field in mapping.items()
    )
    if split_address:
        mapping = {c: f for c, f in mapping.items() if keys[c] not in _WHOLE_ADDRESS_KEYS}
    return mapping, [column for column in columns if column not in mapping]


def import_cameras(
    registry: Registry,
    actor: Actor,
    source,
    *,
    dry_run: bool = False,
    progress: Callable[[float], None] | None = None,
) -> ImportResult:
    """Check every row of a ward's camera list and register the rows that pass.

    Parameters
    ----------
    registry : Registry
        The registry to write to; its ward boundaries decide which ward each camera is in.
    actor : Actor
        Who imports: a district user may import anywhere in the wards, a ward user only in
        their wards (other rows are rejected with the reason), a viewer not at all.
    source : str, pathlib.Path or file-like
        A CSV or XLSX file (see :func:`geodata.files.read_table`), or an upload of one.
        Latitude and longitude are WGS 84 decimal degrees; comma decimals are understood.
    dry_run : bool, keyword-only
        Check only: return what would happen and write nothing.
    progress : callable, optional, keyword-only
        Called with the fraction done (0–1) as the import goes on.

    Returns
    -------
    ImportResult
        Every row's outcome; the accepted rows are registered in one transaction (all or
        nothing) unless ``dry_run``.

    Raises
    ------
    PermissionDenied
        When ``actor`` is a viewer.
    InputError
        When the file cannot be read, holds no rows, has no latitude or longitude column, or
        has two columns for one field.
    ConflictError
        When someone else registered a camera with one of the file's external codes during
        the import; nothing was written.
    """
    if actor.role == "viewer":
        raise PermissionDenied("error.viewer.import", actor=actor.name)
    file = source_name(source)
    table = read_table(source)
    mapping, notes = _checked_headers(table.columns, file=file)
    _report(progress, 0.1)
    blank = table.isna().all(axis=1).to_numpy()
    rows = _Rows(table[~blank], (np.flatnonzero(~blank) + 2).tolist(), mapping)
    rows.parse()
    _report(progress, 0.4)
    wards = registry.ward_frame()
    rows.locate(wards, actor)
    _report(progress, 0.5)
    index = registry.identity_index(actor)
    rows.deduplicate(index, wards)
    _report(progress, 0.6)
    checked_up_to = int(index["id"].max()) if len(index) else 0
    camera_ids = (
        () if dry_run else _registered(registry, actor, rows.accepted_values(), file, checked_up_to)
    )
    _report(progress, 1.0)
    result = ImportResult(
        file=file,
        rows=rows.results(),
        committed=not dry_run,
        camera_ids=camera_ids,
        columns=tuple(table.columns),
        notes=tuple(notes + _blank_note(np.flatnonzero(blank) + 2)),
    )
    log.info(
        "%s: %d rows accepted, %d rejected (%s) by %s",
        file,
        result.accepted,
        result.rejected,
        "dry run" if dry_run else "committed",
        actor.name,
    )
    return result


# ------------------------------------------------------------------------------------- headers


def _alias_key(column: str) -> str | None:
    """The key of :data:`HEADER_ALIASES` a header matches, or None."""
    key = header_key(column)
    if key in HEADER_ALIASES:
        return key
    key = header_key(_BRACKETED.sub(" ", column))
    if key in HEADER_ALIASES:
        return key
    words = key.split()
    while words and words[-1] in _UNIT_WORDS:
        words.pop()
        if " ".join(words) in HEADER_ALIASES:
            return " ".join(words)
    return None


def _checked_headers(columns, *, file: str) -> tuple[dict[str, str], list[str]]:
    """The header mapping of a file, refused when it cannot work; and the notes about it."""
    columns = [str(column) for column in columns]
    repeated = sorted(column for column, count in Counter(columns).items() if count > 1)
    if repeated:
        raise InputError("error.import.repeated_headers", file=file, headers=_quoted(repeated))
    mapping, unknown = map_headers(columns)
    by_field: dict[str, list[str]] = defaultdict(list)
    for column, field in mapping.items():
        by_field[field].append(column)
    doubled = {field: names for field, names in by_field.items() if len(names) > 1}
    if doubled:
        raise InputError(
            "error.import.doubled_headers",
            file=file,
            doubles=[
                Message("import.doubled", headers=_quoted(names), field=field_label(field))
                for field, names in doubled.items()
            ],
        )
    missing = [name for name in _LOCATION if name not in by_field]
    if missing:
        raise InputError(
            "error.import.no_location",
            file=file,
            missing=[Message(_LOCATION_WORDS[m]) for m in missing],
            found=_quoted(columns),
        )
    notes = []
    if unknown:
        notes.append(Message("import.note.unknown_columns", columns=_quoted(unknown)))
    absent = [f.name for f in FIELDS if f.required and f.name not in by_field]
    if absent:
        notes.append(
            Message("import.note.absent_fields", fields=[field_label(name) for name in absent])
        )
    return mapping, notes


def _quoted(names: Iterable[str]) -> list[Message]:
    return [Message("quoted", text=name) for name in names]


def _blank_note(numbers: np.ndarray) -> list[Message]:
    if numbers.size == 0:
        return []
    shown = [int(n) for n in numbers[:20]]
    if numbers.size > 20:
        return [Message("import.note.blank_rows_more", rows=shown, count=int(numbers.size - 20))]
    return [Message("import.note.blank_rows", rows=shown)]


# ---------------------------------------------------------------------------------------- rows


class _Rows:
    """The non-blank rows of one file as they pass the checks, in file order.

    Each check appends ``(fields, text)`` problems to a row; a row with none is accepted.

    Parameters
    ----------
    table : pandas.DataFrame
        The rows as read.
    numbers : list of int
        The spreadsheet row number of each row (the header is row 1).
    mapping : dict
        Original header → camera field.
    """

    def __init__(self, table: pd.DataFrame, numbers: list[int], mapping: dict[str, str]):
        self.numbers, self.mapping = numbers, mapping
        self.headers = {field: column for column, field in mapping.items()}
        columns = [str(column) for column in table.columns]  # a list zips faster than an Index
        cells = table.to_numpy(dtype=object)
        cells[table.isna().to_numpy()] = None
        self.raw = [dict(zip(columns, values, strict=True)) for values in cells.tolist()]
        self.cells = dict(zip(columns, cells.T.tolist(), strict=True))
        self.clean: list[dict] = []
        self.problems: list[list[tuple[tuple[str, ...], Message]]] = []
        self.x, self.y = np.full(len(numbers), np.nan), np.full(len(numbers), np.nan)

    def parse(self) -> None:
        """Parse every row's cells into camera fields, each distinct cell of a column once.

        A row's clean values and problems are those of its cells (:func:`parse_value`, and
        texts the registry cannot keep), then the required fields it lacks
        (:func:`completed_camera`, which also fills in the defaults).
        """
        fields = list(self.headers)
        columns = [
            self._parsed_column(FIELD_BY_NAME[f], self.cells[self.headers[f]]) for f in fields
        ]
        values_by_row = zip(*(values for values, _ in columns), strict=True)
        problems_by_row = zip(*(problems for _, problems in columns), strict=True)
        missing_problems = {}
        for values, problems in zip(values_by_row, problems_by_row, strict=True):
            # An empty cell and an absent field are the same; absent is faster.
            clean = {f: value for f, value in zip(fields, values, strict=True) if value is not None}
            found = [problem for problem in problems if problem is not None]
            failed = {name for names, _ in found for name in names}
            for missing in completed_camera(clean, failed):
                if missing.field not in missing_problems:
                    missing_problems[missing.field] = self._parse_problem(missing)
                found.append(missing_problems[missing.field])
            self.clean.append(clean)
            self.problems.append(found)

    def locate(self, wards: gpd.GeoDataFrame, actor: Actor) -> None:
        """Reject swapped coordinates, places outside every ward and outside the actor's wards.

        Sets :attr:`x`, :attr:`y` (metres, in the working CRS of the wards) of the rows that lie
        near the wards.
        """
        self._swapped_problems()
        lat = np.array([clean.get("lat", np.nan) for clean in self.clean], dtype=float)
        lon = np.array([clean.get("lon", np.nan) for clean in self.clean], dtype=float)
        codes = np.full(lat.size, None, dtype=object)
        if len(wards):
            metric = _utm_crs(tuple(wards.total_bounds))
            points = _projected(lat, lon, metric, wards.total_bounds)
            self.x, self.y = shapely.get_x(points), shapely.get_y(points)
            codes = _ward_codes(to_working(wards, metric), points)
        located = np.isfinite(lat) & np.isfinite(lon)
        outside = located & pd.isna(codes)
        foreign = located & ~outside
        if actor.role == "ward":
            foreign &= ~pd.Series(codes).isin(sorted(actor.wards)).to_numpy()
        else:
            foreign[:] = False
        names = dict(zip(wards["ward_code"], wards["ward_name"], strict=True))
        where = self._label(*_LOCATION)
        fix = Message("import.fix.outside" if len(wards) else "import.fix.no_wards")
        for i in np.flatnonzero(outside):
            self.problems[i].append(
                (
                    _LOCATION,
                    Message(
                        "import.problem.outside",
                        column=where,
                        count=len(wards),
                        lat=lat[i],
                        lon=lon[i],
                        fix=fix,
                    ),
                )
            )
        yours = [f"{code} {names.get(code, '')}".strip() for code in sorted(actor.wards)]
        for i in np.flatnonzero(foreign):
            self.problems[i].append(
                (
                    _LOCATION,
                    Message(
                        "import.problem.foreign",
                        column=where,
                        yours=yours,
                        lat=lat[i],
                        lon=lon[i],
                        ward=f"{codes[i]} {names.get(codes[i], '')}".strip(),
                    ),
                )
            )

    def deduplicate(self, index: pd.DataFrame, wards: gpd.GeoDataFrame) -> None:
        """Reject rows that are cameras of the registry, or of an accepted earlier row.

        A registry camera the importing user may not read (``readable`` false in ``index``) is
        never named: a row matching one is refused with a message that says only that, and only
        when nothing else is wrong with the row (a row outside the user's wards, refused
        anyway, does not tell whether an owner has a camera there). Only points with another
        point of the same owner in a neighbouring grid cell (:func:`_near_same_owner`) are
        compared by place, one by one.
        """
        points = _index_points(index, wards)
        known_x, known_y = shapely.get_x(points), shapely.get_y(points)
        known_x[index["deleted"].to_numpy(bool)] = np.nan  # deleted: found by code only
        known_owners = [_owner_key(owner) for owner in index["owner_name"]]
        owners = [_owner_key(clean.get("owner_name")) for clean in self.clean]
        near = _near_same_owner(
            known_owners + owners, np.r_[known_x, self.x], np.r_[known_y, self.y]
        )
        known_x[~near[: len(index)]] = np.nan
        known = _Identities.of_index(index, known_owners, known_x, known_y)
        earlier = _Identities()
        for row, clean in enumerate(self.clean):
            code, owner = clean.get("external_code"), owners[row]
            x, y = (self.x[row] if near[len(index) + row] else np.nan), self.y[row]
            match = known.match(code, owner, x, y)
            if match is not None and (match.readable or not self.problems[row]):
                self.problems[row].append(self._match_problem(row, match, registered=True))
            if self.problems[row]:
                continue
            match = earlier.match(code, owner, x, y)
            if match is not None:
                self.problems[row].append(self._match_problem(row, match, registered=False))
                continue
            earlier.add(self.numbers[row], code, owner, x, y)

    def accepted_values(self) -> list[dict]:
        """The clean values of the accepted rows, in file order."""
        return [clean for clean, found in zip(self.clean, self.problems, strict=True) if not found]

    def results(self) -> tuple[RowResult, ...]:
        """Every row's :class:`RowResult`."""
        return tuple(
            RowResult(
                row=number,
                accepted=not found,
                reason=Message("import.reasons", problems=[m for _, m in found]) if found else None,
                values=clean if not found else {},
                raw=raw,
            )
            for number, raw, clean, found in zip(
                self.numbers, self.raw, self.clean, self.problems, strict=True
            )
        )

    # --------------------------------------------------------------------------- row helpers

    def _label(self, *fields: str) -> str:
        """The columns of ``fields`` as the file names them (``"Vĩ độ (lat)"``)."""
        return ", ".join(
            name if self.headers.get(name, name) == name else f"{self.headers[name]} ({name})"
            for name in fields
        )

    def _parse_problem(self, problem: Problem) -> tuple[tuple[str, ...], Message]:
        """A problem of a cell or of a missing field, naming the file's column and the fix."""
        name = problem.field
        field = FIELD_BY_NAME[name]
        if problem.what.key in _TEXT_FIXES:
            fix = Message(_TEXT_FIXES[problem.what.key])
        elif name in _FIXED_FIELDS:
            fix = Message(f"import.fix.{name}")
        elif field.kind in ("bool", "date"):
            fix = Message(f"import.fix.kind.{field.kind}")
        else:
            fix = Message("import.fix.cell")
        if problem.what.key == "problem.required":
            key = "import.fix.fill_in" if name in self.headers else "import.fix.add_column"
            fix = Message(key, fix=fix)
        return (name,), Message(
            "import.problem", column=self._label(name), problem=problem.what, fix=fix
        )

    def _parsed_column(self, field: Field, cells: list) -> tuple[list, list]:
        """Each cell's parsed value (None when empty or wrong) and problem (None when right).

        Each distinct cell is parsed once: ward lists repeat streets, types and statuses.
        """
        codes, distinct = _factorized(cells)
        values = np.full(len(distinct) + 1, None, dtype=object)  # the last: empty cells
        problems = values.copy()
        for i, cell in enumerate(distinct):
            value, problem = parse_value(field, cell)
            if problem:
                problems[i] = self._parse_problem(Problem(field.name, problem))
            else:
                values[i] = value
        return values[codes].tolist(), problems[codes].tolist()

    def _swapped_problems(self) -> None:
        """Replace the coordinate problems of rows whose latitude and longitude look swapped."""
        for i, clean in enumerate(self.clean):
            if "lat" in clean and "lon" in clean:
                continue
            cells = self.raw[i]
            lat = parse_value(_UNBOUNDED["lat"], cells[self.headers["lat"]])[0]
            lon = parse_value(_UNBOUNDED["lon"], cells[self.headers["lon"]])[0]
            if lat is None or lon is None or not (90 < abs(lat) <= 180 and abs(lon) <= 90):
                continue
            self.problems[i] = [
                (fields, text)
                for fields, text in self.problems[i]
                if not set(fields) & set(_LOCATION)
            ]
            self.problems[i].append(
                (
                    _LOCATION,
                    Message(
                        "import.problem.swapped", column=self._label(*_LOCATION), lat=lat, lon=lon
                    ),
                )
            )

    def _match_problem(
        self, row: int, match: _Match, *, registered: bool
    ) -> tuple[tuple[str, ...], Message]:
        """The problem of a row that is a camera known already (registered, or an earlier row)."""
        clean = self.clean[row]
        if not match.readable:
            return (), Message("import.problem.registered_elsewhere")
        if match.deleted:
            return ("external_code",), Message(
                "import.problem.deleted_code",
                column=self._label("external_code"),
                code=clean["external_code"],
                camera=match.ident,
            )
        if match.distance_m is None:
            why = Message("import.same.code", code=clean["external_code"])
        elif clean.get("owner_name"):
            why = Message(
                "import.same.owner", owner=clean["owner_name"], distance_m=match.distance_m
            )
        else:
            why = Message("import.same.no_owner", distance_m=match.distance_m)
        key = "import.problem.registered" if registered else "import.problem.earlier_row"
        return (), Message(key, ident=match.ident, why=why)


class _Match(NamedTuple):
    """A camera (registry id or file row) a row matches: by code, or by place at a distance;
    ``readable``: whether the importing user may read it."""

    ident: int
    distance_m: float | None
    deleted: bool
    readable: bool


class _Identities:
    """Cameras by external code, and by owner and 3 m grid cell, to find a match quickly.

    Two cameras are the same when they have the same code (ignoring case); or, when either has
    no code, the same owner within :data:`DUPLICATE_DISTANCE_M` metres.
    """

    def __init__(self):
        self._codes: dict[str, tuple[int, bool, bool]] = {}
        self._cells: dict[tuple, list[tuple[float, float, int, bool, bool]]] = defaultdict(list)

    @classmethod
    def of_index(cls, index: pd.DataFrame, owners: list[str], x, y) -> _Identities:
        """The cameras of a registry's identity index, with owner keys and points (metres)."""
        identities = cls()
        columns = (index["id"], index["external_code"], index["deleted"], index["readable"])
        for ident, code, deleted, readable, owner, px, py in zip(
            *columns, owners, x, y, strict=True
        ):
            code = code if isinstance(code, str) else None
            identities.add(
                int(ident), code, owner, px, py, deleted=bool(deleted), readable=bool(readable)
            )
        return identities

    def add(
        self, ident, code, owner, x, y, *, deleted: bool = False, readable: bool = True
    ) -> None:
        """Record camera ``ident`` (x, y in metres; NaN: not to be found by place)."""
        if code is not None:
            self._codes.setdefault(code.casefold(), (ident, deleted, readable))
        if math.isfinite(x):
            cell = (owner, x // DUPLICATE_DISTANCE_M, y // DUPLICATE_DISTANCE_M)
            self._cells[cell].append((x, y, ident, code is not None, readable))

    def match(self, code, owner, x, y) -> _Match | None:
        """The camera with this code, else the nearest one of ``owner`` at ``x``, ``y``."""
        if code is not None and code.casefold() in self._codes:
            ident, deleted, readable = self._codes[code.casefold()]
            return _Match(ident, None, deleted, readable)
        if not math.isfinite(x):
            return None
        best = None
        column, row = x // DUPLICATE_DISTANCE_M, y // DUPLICATE_DISTANCE_M
        for dx, dy in _NEIGHBOURS:
            cell = self._cells.get((owner, column + dx, row + dy), ())
            for px, py, ident, coded, readable in cell:
                distance_m = math.hypot(px - x, py - y)
                if (
                    (code is None or not coded)
                    and distance_m <= DUPLICATE_DISTANCE_M
                    and (best is None or distance_m < best.distance_m)
                ):
                    best = _Match(ident, distance_m, False, readable)
        return best


_NEIGHBOURS = tuple(itertools.product((-1, 0, 1), repeat=2))
_FEW_POINTS = 500
"""Up to this many points, :func:`_near_same_owner` flags them all instead of looking."""


def _owner_key(owner) -> str:
    """An owner name as compared: case-folded (names are NFC already); "" for none."""
    return owner.casefold() if isinstance(owner, str) else ""


def _near_same_owner(owners: list[str], x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Which points may have another point of the same owner within the duplicate distance.

    Flagged are the points with another point of the same owner in their grid cell or a
    neighbouring one: cells are :data:`DUPLICATE_DISTANCE_M` wide, so any two points of one
    owner within that distance are both flagged, and most points are not and need no
    comparison one by one. A few points are all flagged.

    Parameters
    ----------
    owners : list of str
        Each point's owner key.
    x, y : numpy.ndarray
        The points in metres (NaN: never flagged).
    """
    located = np.isfinite(x)
    if located.sum() <= _FEW_POINTS:  # comparing them all one by one is quicker
        return located
    owner = pd.factorize(pd.Series(owners, dtype=object)[located])[0].astype(np.int64)
    column = (x[located] // DUPLICATE_DISTANCE_M).astype(np.int64)  # as _Identities' cells
    row = (y[located] // DUPLICATE_DISTANCE_M).astype(np.int64)
    column, row = column - column.min() + 1, row - row.min() + 1
    width, height = column.max() + 2, row.max() + 2
    counts = pd.Series((owner * width + column) * height + row).value_counts()
    found = np.zeros(owner.size, dtype=bool)
    for dx, dy in _NEIGHBOURS:
        keys = (owner * width + column + dx) * height + row + dy
        others = counts.reindex(keys, fill_value=0).to_numpy() - (dx == dy == 0)
        found |= others > 0
    near = np.zeros(x.size, dtype=bool)
    near[located] = found
    return near


def _factorized(cells: list) -> tuple[np.ndarray, list]:
    """The distinct non-empty cells, and each cell's index among them (-1 when empty).

    1, 1.0 and True are equal but not the same cell: cells of other types than text are told
    apart by type too.
    """
    if pd.api.types.infer_dtype(cells, skipna=True) in ("string", "empty"):
        codes, distinct = pd.factorize(np.array(cells, dtype=object))
        return codes, list(distinct)
    keys: dict = {}
    codes = [-1 if c is None else keys.setdefault((type(c), c), len(keys)) for c in cells]
    return np.array(codes, dtype=np.intp), [cell for _, cell in keys]


# ------------------------------------------------------------------------------------- places


@functools.lru_cache(maxsize=8)
def _utm_crs(bounds: tuple[float, float, float, float]) -> CRS:
    """The working CRS of wards with these bounds (degrees); cached, as PROJ's lookup is slow."""
    frame = gpd.GeoDataFrame(geometry=[shapely.box(*bounds)], crs="EPSG:4326")
    return working_crs(frame)


def _projected(lat: np.ndarray, lon: np.ndarray, metric: CRS, bounds) -> np.ndarray:
    """Points in the working CRS (metres); None when invalid or far from the wards' ``bounds``.

    Points far from the wards cannot be in one nor near a camera in one, and are not projected:
    a transverse Mercator zone cannot hold the whole globe.
    """
    west, south, east, north = bounds
    near = (
        (lon >= west - _WARD_BOX_MARGIN_DEG)
        & (lon <= east + _WARD_BOX_MARGIN_DEG)
        & (lat >= south - _WARD_BOX_MARGIN_DEG)
        & (lat <= north + _WARD_BOX_MARGIN_DEG)
    )
    points = np.full(lat.size, None, dtype=object)
    if near.any():
        frame = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon[near], lat[near]), crs=4326)
        points[near] = to_working(frame, metric).geometry.to_numpy()
    return points


def _index_points(index: pd.DataFrame, wards: gpd.GeoDataFrame) -> np.ndarray:
    """The points of an identity index in the working CRS (metres; None far from the wards)."""
    if not len(wards) or not len(index):
        return np.full(len(index), None, dtype=object)
    lat, lon = index["lat"].to_numpy(float), index["lon"].to_numpy(float)
    return _projected(lat, lon, _utm_crs(tuple(wards.total_bounds)), wards.total_bounds)


def _ward_codes(wards: gpd.GeoDataFrame, points: np.ndarray) -> np.ndarray:
    """The code of the ward holding each point (None outside every ward, or no point).

    The same query as the registry's own assignment, so that where wards touch the same ward
    wins.
    """
    codes = np.full(points.size, None, dtype=object)
    located = np.flatnonzero(~shapely.is_missing(points))
    tree = shapely.STRtree(wards.geometry.to_numpy())
    point, ward = tree.query(points[located], predicate="intersects")
    codes[located[point[::-1]]] = wards["ward_code"].to_numpy()[ward[::-1]]
    return codes


# ------------------------------------------------------------------------------------- writing


def _registered(
    registry: Registry, actor: Actor, values: list[dict], file: str, checked_up_to: int
) -> tuple:
    """Register the accepted rows in one transaction; their camera ids.

    ``checked_up_to`` is the newest camera the duplicate check saw: when others were registered
    since, nothing is written (they may be this file's cameras).
    """
    if not values:
        return ()
    try:
        records = registry.register_many(
            actor, values, action="camera.import", detail=file, checked_up_to=checked_up_to
        )
    except ConflictError as error:
        key = _IMPORT_CONFLICTS[error.message.key]
        raise ConflictError(key, file=file, **error.message.params) from None
    return tuple(int(record["id"]) for record in records)


_IMPORT_CONFLICTS = {
    "error.camera.code_taken_meanwhile": "error.import.code_taken_meanwhile",
    "error.camera.registered_meanwhile": "error.import.registered_meanwhile",
}
"""The registry's conflicts of a write, as the import says them (naming the file)."""


def _report(progress: Callable[[float], None] | None, fraction: float) -> None:
    if progress is not None:
        progress(fraction)


__all__ = [
    "HEADER_ALIASES",
    "PREVIEW_ROWS",
    "ImportPreview",
    "ImportResult",
    "RowResult",
    "header_key",
    "import_cameras",
    "map_headers",
]
