"""Bulk import of cameras from a ward's list (CSV or Excel) into the registry.

Ward staff keep their lists of privately owned cameras in spreadsheets, with Vietnamese or
English headers, with or without diacritics. :func:`import_cameras` reads one with the reader
the report's cameras layer shares (:class:`~geodata.layers.cameralist.CameraList`: headers,
parsing, swapped coordinates), checks every row, and registers the rows that pass in one
transaction; every other row comes back with its reason, and
:meth:`ImportResult.write_rejected` writes those rows to a file the ward can fix and import
again.

A row is rejected, with every problem it has, when

- a value does not parse or is out of range
  (:func:`geodata.layers.camerafields.clean_camera`: missing or unparsable coordinates,
  bearing outside 0–360, field of view outside 1–360, range outside 1–500 m, an unknown status
  or type, …);
- its latitude and longitude look swapped (a latitude beyond ±90 that would be a longitude);
- it lies outside every ward of the registry, or, for a ward user, outside the user's wards;
- a text is longer than the registry keeps, or holds a NUL character;
- it is a camera the registry already holds, or one an earlier row of the file gave. Two
  records are the same camera when they have the same external code (ignoring case); or, when
  either has no external code, the same owner name (NFC, ignoring case; no name on either
  counts as the same) and locations within :data:`geodata.registry.service.DUPLICATE_DISTANCE_M`,
  measured in metres in the working UTM CRS. Re-importing a file therefore registers nothing
  twice. An external code once used by a deleted camera cannot be used again.

Problems of the file as a whole (unreadable, empty, no latitude or longitude column, two columns
for one field) raise :class:`~geodata.errors.InputError`; viewers may not import at all
(:class:`~geodata.errors.PermissionDenied`). Columns that are not camera fields are kept with the
row and reported once in :attr:`ImportResult.notes`. Values are stored as given (NFC), never
re-interpreted.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geodata.errors import ConflictError, InputError, PermissionDenied
from geodata.i18n import Message, text
from geodata.io.crs import to_working, working_crs_of_bounds
from geodata.io.exports import write_csv, write_xlsx
from geodata.layers.camerafields import (
    field_label,
)
from geodata.layers.cameralist import LOCATION, CameraList, quoted
from geodata.layers.wards import ward_codes_at
from geodata.registry.access import Actor
from geodata.registry.duplicates import Identities, Match, near_same_owner, owner_key
from geodata.registry.service import Registry

log = logging.getLogger(__name__)


_WARD_BOX_MARGIN_DEG = 0.01
"""Points farther than this beyond the wards' bounding box are outside without projecting."""

PREVIEW_ROWS = 200
"""How many rejected rows :meth:`ImportResult.preview` keeps for a page to show."""


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

        Written as the exports are (:mod:`geodata.io.exports`): cells are data, never formulas
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
        A CSV or XLSX file (see :func:`geodata.io.files.read_table`), or an upload of one.
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
    rows = _Rows.read(source)
    file = rows.file
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
        columns=rows.columns,
        notes=_notes(rows),
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


def _notes(rows: CameraList) -> tuple[Message, ...]:
    """What an import says about the file as a whole: columns not imported, fields no column
    gives, blank rows skipped."""
    notes = []
    if rows.unknown:
        notes.append(Message("import.note.unknown_columns", columns=quoted(rows.unknown)))
    if rows.absent:
        notes.append(
            Message("import.note.absent_fields", fields=[field_label(name) for name in rows.absent])
        )
    shown = rows.blank_rows[:20]
    if len(rows.blank_rows) > 20:
        notes.append(
            Message("import.note.blank_rows_more", rows=shown, count=len(rows.blank_rows) - 20)
        )
    elif shown:
        notes.append(Message("import.note.blank_rows", rows=shown))
    return tuple(notes)


# ---------------------------------------------------------------------------------------- rows


class _Rows(CameraList):
    """A camera list (:class:`~geodata.layers.cameralist.CameraList`) as its rows pass the
    registry's checks: place, the actor's wards, cameras known already.

    Each check appends ``(fields, text)`` problems to a row; a row with none is accepted.
    """

    def locate(self, wards: gpd.GeoDataFrame, actor: Actor) -> None:
        """Reject swapped coordinates, places outside every ward and outside the actor's wards.

        Sets :attr:`x`, :attr:`y` (metres, in the working CRS of the wards) of the rows that lie
        near the wards.
        """
        self.x, self.y = np.full(len(self.clean), np.nan), np.full(len(self.clean), np.nan)
        lat = np.array([clean.get("lat", np.nan) for clean in self.clean], dtype=float)
        lon = np.array([clean.get("lon", np.nan) for clean in self.clean], dtype=float)
        codes = np.full(lat.size, None, dtype=object)
        if len(wards):
            metric = working_crs_of_bounds(tuple(wards.total_bounds))
            points = _projected(lat, lon, metric, wards.total_bounds)
            self.x, self.y = shapely.get_x(points), shapely.get_y(points)
            codes = ward_codes_at(to_working(wards, metric), points)
        located = np.isfinite(lat) & np.isfinite(lon)
        outside = located & pd.isna(codes)
        foreign = located & ~outside
        if actor.role == "ward":
            foreign &= ~pd.Series(codes).isin(sorted(actor.wards)).to_numpy()
        else:
            foreign[:] = False
        names = dict(zip(wards["ward_code"], wards["ward_name"], strict=True))
        where = self.label(*LOCATION)
        fix = Message("import.fix.outside" if len(wards) else "import.fix.no_wards")
        for i in np.flatnonzero(outside):
            self.problems[i].append(
                (
                    LOCATION,
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
                    LOCATION,
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
        point of the same owner in a neighbouring grid cell (:func:`near_same_owner`) are
        compared by place, one by one.
        """
        points = _index_points(index, wards)
        known_x, known_y = shapely.get_x(points), shapely.get_y(points)
        known_x[index["deleted"].to_numpy(bool)] = np.nan  # deleted: found by code only
        known_owners = [owner_key(owner) for owner in index["owner_name"]]
        owners = [owner_key(clean.get("owner_name")) for clean in self.clean]
        near = near_same_owner(
            known_owners + owners, np.r_[known_x, self.x], np.r_[known_y, self.y]
        )
        known_x[~near[: len(index)]] = np.nan
        known = Identities.of_index(index, known_owners, known_x, known_y)
        earlier = Identities()
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

    def _match_problem(
        self, row: int, match: Match, *, registered: bool
    ) -> tuple[tuple[str, ...], Message]:
        """The problem of a row that is a camera known already (registered, or an earlier row)."""
        clean = self.clean[row]
        if not match.readable:
            return (), Message("import.problem.registered_elsewhere")
        if match.deleted:
            return ("external_code",), Message(
                "import.problem.deleted_code",
                column=self.label("external_code"),
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


# ------------------------------------------------------------------------------------- places


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
    return _projected(
        lat, lon, working_crs_of_bounds(tuple(wards.total_bounds)), wards.total_bounds
    )


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
    "PREVIEW_ROWS",
    "ImportPreview",
    "ImportResult",
    "RowResult",
    "import_cameras",
]
