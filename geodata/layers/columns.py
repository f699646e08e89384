"""Finding a layer's columns and reading its cells, and the problems found in them.

Columns are matched case- and accent-insensitively (and as a shapefile cuts them to 10
characters); numbers may use a decimal comma. Every problem is collected as a :class:`Problem`
(row or feature, column, what was expected, what was found, the fix) and raised once with
:func:`raise_problems` (the first 20, then "… and N more"). Rows are numbered as in a
spreadsheet (the header is row 1); features from 1 in file order, with their name when known.
"""

from __future__ import annotations

import logging
import math
import numbers
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.i18n import Message
from geodata.layers.loadreport import LoadReport

logger = logging.getLogger(__name__)


DBF_NAME_LENGTH = 10
"""Shapefiles (dBASE) cut column names to this many characters."""

MAX_LISTED = 20
"""Problems listed in one error message; the rest are counted."""

LABEL = "_feature"


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file, as a person would fix it.

    ``where`` is the row or feature (empty for the file as a whole), ``column`` the column as
    the file names it; ``expected``, ``found`` and ``fix`` are catalogue messages (``found``
    may be a value from the file, as text).
    """

    where: Message | str
    column: str | None
    expected: Message
    found: Message | str
    fix: Message

    def message(self) -> Message:
        """The problem as its reader reads it."""
        place = [part for part in (self.where, self.column and _column_label(self.column)) if part]
        return Message(
            "layer.problem" if place else "layer.problem.file",
            place=Message("load.where", parts=place),
            expected=self.expected,
            found=self.found,
            fix=self.fix,
        )

    def __str__(self) -> str:
        return str(self.message())


def _column_label(name: str) -> Message:
    return Message("layer.column", column=name)


def add_note(
    report: LoadReport, file: str, key: str, *, column: str | None = None, **params
) -> None:
    """Add a quirk (catalogue ``key``) to ``report`` and log it (it is not lost without one)."""
    message = Message(key, **params)
    report.add(file, message, column=column)
    logger.info("%s: %s", file, message)


def raise_problems(problems: list[Problem | Message], *, file: str, error: type[Exception]) -> None:
    """Raise ``error`` listing ``problems`` (the first :data:`MAX_LISTED`), if there are any.

    A problem is a :class:`Problem`, or a message that is already one line (a camera list's
    row with its problems).
    """
    if not problems:
        return
    lines = [
        problem.message() if isinstance(problem, Problem) else problem
        for problem in problems[:MAX_LISTED]
    ]
    raise error(
        "error.layer.problems",
        file=file,
        count=len(problems),
        problems=Message(
            "layer.problem_lines", lines=lines, rest=max(len(problems) - MAX_LISTED, 0)
        )
        if len(problems) > MAX_LISTED
        else Message("layer.problem_lines.all", lines=lines),
    )


def column_key(name) -> str:
    """A column name as compared: NFC, stripped, case-folded."""
    return unicodedata.normalize("NFC", str(name)).strip().casefold()


def matching_column(frame: pd.DataFrame, wanted: str) -> str | None:
    """The column named ``wanted``, or None.

    Names match exactly, else ignoring case and surrounding spaces, else as a Shapefile
    truncates them to 10 characters (``bearing_de`` for ``bearing_deg``).
    """
    if wanted in frame.columns:
        return wanted
    key = column_key(wanted)
    same = [column for column in frame.columns if column_key(column) == key]
    truncated = [
        column
        for column in frame.columns
        if len(column_key(column)) == DBF_NAME_LENGTH and key.startswith(column_key(column))
    ]
    return next(iter(same + truncated), None)


def find_column(frame: pd.DataFrame, given: str | None, candidates: tuple[str, ...]) -> str | None:
    """The column to read: ``given`` if it exists, else the best of ``candidates``, else None.

    Among the candidates present, columns with at least one value beat empty ones, and columns
    whose values have diacritics (non-ASCII letters) beat the others; then candidate order.
    """
    if given is not None:
        return matching_column(frame, given)
    present = list(
        dict.fromkeys(
            column
            for candidate in candidates
            if (column := matching_column(frame, candidate)) is not None
        )
    )
    filled = [column for column in present if (cell_texts(frame[column]) != "").any()]
    pool = filled or present
    accented = [
        column for column in pool if not all(t.isascii() for t in cell_texts(frame[column]))
    ]
    chosen = (accented or pool or [None])[0]
    if chosen is not None and len(present) > 1:
        logger.info("using column %r of %s", chosen, present)
    return chosen


def _columns_found(frame: pd.DataFrame) -> Message:
    """ "only the columns …": the non-geometry column names of ``frame``, for a message."""
    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    names = [str(column) for column in frame.columns if column != geometry]
    if not names:
        return Message("layer.found.no_columns")
    return Message("layer.found.columns", columns=names)


def missing_column(
    frame: pd.DataFrame,
    given: str | None,
    candidates: tuple[str, ...],
    *,
    role: str,
    option: str | None,
) -> Problem:
    """The problem of a column that is not there, listing the columns that are.

    ``role`` names what the column holds (``layer.role.<role>`` in the catalogue).
    """
    what = Message(f"layer.role.{role}")
    found = _columns_found(frame)
    if given is not None:
        return Problem(
            "",
            None,
            Message("layer.expected.named_column", role=what, column=given, option=option),
            found,
            Message("layer.fix.named_column", option=option),
        )
    wanted = (
        candidates[0]
        if len(candidates) == 1
        else Message("layer.one_of", candidates=list(candidates))
    )
    key = "layer.fix.add_column" if option is None else "layer.fix.add_column_or_option"
    return Problem(
        "",
        None,
        Message("layer.expected.column", role=what, wanted=wanted),
        found,
        Message(key, role=what, first=candidates[0], option=option),
    )


def cell_text(value) -> str:
    """A cell as stripped text: ``""`` when missing, ``"27088"`` for the number 27088.0."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def cell_texts(values: pd.Series) -> pd.Series:
    """Every cell of ``values`` as stripped text (see :func:`cell_text`)."""
    return pd.Series([cell_text(value) for value in values], index=values.index, dtype=object)


def column_cells(frame: pd.DataFrame, column: str | None) -> pd.Series:
    """The cells of ``column``, or missing values when there is no such column."""
    if column is None:
        return pd.Series(None, index=frame.index, dtype=object)
    return frame[column]


def column_text(
    frame: pd.DataFrame, column: str | None, *, file: str, report: LoadReport
) -> pd.Series:
    """The text of ``column`` in Unicode NFC (``""`` without the column); changes are reported."""
    texts = cell_texts(column_cells(frame, column))
    normalised = texts.map(lambda text: unicodedata.normalize("NFC", text))
    changed = int((normalised != texts).sum())
    if changed:
        add_note(report, file, "load.note.nfc", column=column, count=changed)
    return normalised


def cell_number(value) -> float | None:
    """A cell as a finite number, or None when it is not one; accepts a decimal comma."""
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Real):
        number = float(value)
    else:
        text = cell_text(value)
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            return None
    return number if math.isfinite(number) else None


def parsed_numbers(
    values: pd.Series,
    labels: pd.Series,
    *,
    column: str | None,
    expected: Message,
    valid: Callable[[float], bool],
    fix: Message,
    required: bool = True,
) -> tuple[np.ndarray, list[Problem]]:
    """The cells of ``values`` as floats (NaN when empty or wrong), and the problems found."""
    parsed = np.full(len(values), np.nan)
    problems = []
    for position, (label, value) in enumerate(zip(labels, values, strict=True)):
        text = cell_text(value)
        number = cell_number(value)
        if not text:
            if required:
                problems.append(Problem(label, column, expected, Message("layer.found.empty"), fix))
        elif number is None or not valid(number):
            problems.append(
                Problem(label, column, expected, Message("layer.found.text", text=text), fix)
            )
        else:
            parsed[position] = number
    return parsed, problems


def blank_problems(
    slim: gpd.GeoDataFrame, key: str, column: str | None, *, role: str
) -> list[Problem]:
    """Features whose required text (``slim[key]``) is empty."""
    if column is None:
        return []
    what = Message(f"layer.role.{role}")
    return [
        Problem(
            label,
            column,
            Message("layer.expected.value", role=what),
            Message("layer.found.empty"),
            Message("layer.fix.fill_in", role=what),
        )
        for label in slim.loc[slim[key] == "", LABEL]
    ]


def feature_labels(index: pd.Index, names: pd.Series | None) -> pd.Series:
    """``"feature 3 (An Phú)"`` for each feature: its position in the file from 1, and its name."""
    names = pd.Series("", index=index) if names is None else names
    return pd.Series(
        [
            Message("where.feature_named", number=position + 1, name=name)
            if name
            else Message("where.feature", number=position + 1)
            for position, name in enumerate(names)
        ],
        index=index,
        dtype=object,
    )


def default_id(label: Message) -> str:
    """The id of a camera that has none: ``row-7`` or ``feature-7``, after its label."""
    if label.key == "where.row":
        return f"row-{label.params['row']}"
    return f"feature-{label.params['number']}"


def listed(labels: pd.Series) -> Message:
    """Feature or row labels for a message, the first :data:`MAX_LISTED` of them."""
    shown = list(labels.iloc[:MAX_LISTED])
    rest = len(labels) - MAX_LISTED
    if rest > 0:
        return Message("layer.listing.more", items=shown, rest=rest)
    return Message("layer.listing", items=shown)
