"""The one reader of camera lists: a ward's spreadsheet, or the attributes of a vector file.

Ward staff keep their lists of cameras in spreadsheets (CSV, with commas or semicolons, or
XLSX), with Vietnamese or English headers, with or without diacritics (:data:`HEADER_ALIASES`:
``Mã camera``, ``Vĩ độ``, ``Kinh độ``, ``Hướng``, ``Góc nhìn``, ``Tầm xa``, ``Trạng thái``…),
and numbers with a decimal comma. :class:`CameraList` maps the headers, refuses a file whose
headers cannot work (a repeated header, two headers for one field, no latitude or longitude),
and parses every cell with :func:`geodata.layers.camerafields.parse_value`: each row gets its
clean values and its problems, every problem naming the column as the file names it, what was
expected, what was found and the fix. A row whose latitude and longitude look swapped says so.

Both the report's cameras layer (:func:`geodata.layers.cameras.load_cameras`) and the
registry's bulk import (:func:`geodata.registry.importer.import_cameras`) read camera lists
here, so one list reads the same, with the same messages, in both.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

import numpy as np
import pandas as pd

from geodata.errors import InputError
from geodata.i18n import Message
from geodata.io.files import read_table, source_name
from geodata.layers.camerafields import (
    FIELD_BY_NAME,
    FIELDS,
    Field,
    Problem,
    completed_camera,
    field_label,
    parse_value,
    search_key,
)
from geodata.layers.columns import DBF_NAME_LENGTH

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
    "fov_deg": ("fov", "field of view", "view angle", "góc nhìn", "góc quan sát"),
    "range_m": ("range", "distance", "tầm xa", "tầm nhìn", "tầm quan sát", "khoảng cách"),
    "camera_type": ("type", "kind", "loại", "loại camera", "kiểu", "kiểu camera"),
    "mount_height_m": (
        "mount height",
        "height",
        "chiều cao",
        "độ cao",
        "chiều cao lắp đặt",
        "độ cao lắp đặt",
    ),
    "night_vision": ("night vision", "infrared", "ir", "hồng ngoại", "quay đêm", "nhìn đêm"),
    "night_range_m": ("night range", "tầm xa ban đêm", "tầm hồng ngoại"),
    "resolution_mp": ("resolution", "megapixels", "mp", "độ phân giải"),
    "horizontal_px": (
        "pixels",
        "horizontal pixels",
        "image width",
        "width px",
        "độ phân giải ngang",
        "số điểm ảnh ngang",
        "chiều rộng ảnh",
    ),
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

LOCATION = ("lat", "lon")
"""The fields a camera list gives a camera's place with (WGS 84 degrees)."""

_LOCATION_WORDS = {"lat": "import.column.lat", "lon": "import.column.lon"}

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
"""The fix of a text the registry cannot keep (:func:`geodata.layers.camerafields.text_problem`)."""

_WHOLE_ADDRESS_KEYS = frozenset(header_key(name) for name in _WHOLE_ADDRESS_NAMES)


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
    return _truncated_key(column)


def _truncated_key(column: str) -> str | None:
    """The field name a shapefile cut to :data:`DBF_NAME_LENGTH` characters (``bearing_de``
    for ``bearing_deg``), when only one field's name starts so."""
    if len(column) != DBF_NAME_LENGTH:
        return None
    key = header_key(column)
    names = {header_key(field.name) for field in FIELDS if header_key(field.name).startswith(key)}
    return names.pop() if len(names) == 1 else None


def _checked_headers(
    columns, *, file: str, located: bool
) -> tuple[dict[str, str], list[str], list[str]]:
    """A file's header mapping, its headers that are no camera field and the required fields
    it has no column for; refused when the headers cannot work.

    ``located``: the table gives each camera's place (latitude and longitude columns are
    required); otherwise its latitude and longitude columns, if any, are not read.
    """
    columns = [str(column) for column in columns]
    repeated = sorted(column for column, count in Counter(columns).items() if count > 1)
    if repeated:
        raise InputError("error.import.repeated_headers", file=file, headers=quoted(repeated))
    mapping, unknown = map_headers(columns)
    if not located:
        mapping = {column: f for column, f in mapping.items() if f not in LOCATION}
    by_field: dict[str, list[str]] = defaultdict(list)
    for column, field in mapping.items():
        by_field[field].append(column)
    doubled = {field: names for field, names in by_field.items() if len(names) > 1}
    if doubled:
        raise InputError(
            "error.import.doubled_headers",
            file=file,
            doubles=[
                Message("import.doubled", headers=quoted(names), field=field_label(field))
                for field, names in doubled.items()
            ],
        )
    missing = [name for name in LOCATION if located and name not in by_field]
    if missing:
        raise InputError(
            "error.import.no_location",
            file=file,
            missing=[Message(_LOCATION_WORDS[m]) for m in missing],
            found=quoted(columns),
        )
    absent = [
        f.name
        for f in FIELDS
        if f.required and f.name not in by_field and (located or f.name not in LOCATION)
    ]
    return mapping, unknown, absent


def quoted(names: Iterable[str]) -> list[Message]:
    """Each name as a quoted text of the catalogue."""
    return [Message("quoted", text=name) for name in names]


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


class CameraList:
    """The non-blank rows of one camera list as read and parsed, in file order.

    Each row has its clean values (camera field → value, defaults filled in) and its problems,
    ``(fields, message)`` pairs; a row with none is a camera.

    Parameters
    ----------
    table : pandas.DataFrame
        The list as read (:func:`geodata.io.files.read_table`), headers as given.
    file : str, keyword-only
        The file's name, for messages.
    located : bool, keyword-only
        Whether the table gives each camera's place (latitude and longitude columns); False for
        the attributes of a vector file, whose points give it.

    Attributes
    ----------
    columns : tuple of str
        The headers, in file order.
    mapping : dict
        Header → camera field; :attr:`headers` is the other way round.
    unknown : list of str
        The headers that are no camera field (not read).
    absent : list of str
        The required fields with no column (every row lacks them).
    numbers : list of int
        Each row's number as the spreadsheet shows it (the header is row 1).
    blank_rows : list of int
        The numbers of the rows left out because every cell is empty.
    raw, clean, problems : list
        Per row: the cells by header (empty as None), the clean values, the problems.
    """

    def __init__(self, table: pd.DataFrame, *, file: str, located: bool = True):
        self.file, self.located = file, located
        self.columns = tuple(str(column) for column in table.columns)
        self.mapping, self.unknown, self.absent = _checked_headers(
            table.columns, file=file, located=located
        )
        self.headers = {field: column for column, field in self.mapping.items()}
        # A vector file's features are kept whatever their attributes: their points count.
        blank = table.isna().all(axis=1).to_numpy() & located
        self.blank_rows = (np.flatnonzero(blank) + 2).tolist()
        self.numbers = (np.flatnonzero(~blank) + 2).tolist()
        table = table[~blank]
        columns = [str(column) for column in table.columns]  # a list zips faster than an Index
        cells = table.to_numpy(dtype=object, copy=True)
        cells[table.isna().to_numpy()] = None
        self.raw = [dict(zip(columns, values, strict=True)) for values in cells.tolist()]
        self.cells = dict(zip(columns, cells.T.tolist(), strict=True))
        self.clean: list[dict] = []
        self.problems: list[list[tuple[tuple[str, ...], Message]]] = []
        self._parse()
        if located:
            self._swapped_problems()

    @classmethod
    def read(cls, source, *, located: bool = True) -> CameraList:
        """Read and parse a CSV or XLSX camera list (a path or an upload)."""
        return cls(read_table(source), file=source_name(source), located=located)

    def row_problems(self, labels: list | None = None) -> list[Message]:
        """Each row with problems as one line: where it is and every problem, in file order.

        ``labels`` name the rows (``"feature 3"``); by default their spreadsheet numbers.
        """
        if labels is None:
            labels = [Message("where.row", row=number) for number in self.numbers]
        return [
            Message("layer.row_problems", where=label, problems=[m for _, m in found])
            for label, found in zip(labels, self.problems, strict=True)
            if found
        ]

    def _parse(self) -> None:
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
            if not self.located:
                failed.update(LOCATION)  # the vector file's points give the place
            for missing in completed_camera(clean, failed):
                if missing.field not in missing_problems:
                    missing_problems[missing.field] = self._parse_problem(missing)
                found.append(missing_problems[missing.field])
            self.clean.append(clean)
            self.problems.append(found)

    def label(self, *fields: str) -> str:
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
            "import.problem", column=self.label(name), problem=problem.what, fix=fix
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
                if not set(fields) & set(LOCATION)
            ]
            self.problems[i].append(
                (
                    LOCATION,
                    Message(
                        "import.problem.swapped", column=self.label(*LOCATION), lat=lat, lon=lon
                    ),
                )
            )
