"""Whether a row of a camera list is a camera known already: to the registry, or to an earlier row.

Two records are the same camera when they have the same external code (ignoring case); or,
when either has no external code, the same owner name (NFC, ignoring case; no name on either
counts as the same) and locations within
:data:`geodata.registry.service.DUPLICATE_DISTANCE_M`, in metres. Only points with another
point of the same owner in a neighbouring grid cell are compared one by one
(:func:`near_same_owner`).
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from typing import NamedTuple

import numpy as np
import pandas as pd

from geodata.registry.service import DUPLICATE_DISTANCE_M


class Match(NamedTuple):
    """A camera (registry id or file row) a row matches: by code, or by place at a distance;
    ``readable``: whether the importing user may read it."""

    ident: int
    distance_m: float | None
    deleted: bool
    readable: bool


class Identities:
    """Cameras by external code, and by owner and 3 m grid cell, to find a match quickly.

    Two cameras are the same when they have the same code (ignoring case); or, when either has
    no code, the same owner within :data:`DUPLICATE_DISTANCE_M` metres.
    """

    def __init__(self):
        self._codes: dict[str, tuple[int, bool, bool]] = {}
        self._cells: dict[tuple, list[tuple[float, float, int, bool, bool]]] = defaultdict(list)

    @classmethod
    def of_index(cls, index: pd.DataFrame, owners: list[str], x, y) -> Identities:
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

    def match(self, code, owner, x, y) -> Match | None:
        """The camera with this code, else the nearest one of ``owner`` at ``x``, ``y``."""
        if code is not None and code.casefold() in self._codes:
            ident, deleted, readable = self._codes[code.casefold()]
            return Match(ident, None, deleted, readable)
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
                    best = Match(ident, distance_m, False, readable)
        return best


_NEIGHBOURS = tuple(itertools.product((-1, 0, 1), repeat=2))

_FEW_POINTS = 500
"""Up to this many points, :func:`near_same_owner` flags them all instead of looking."""


def owner_key(owner) -> str:
    """An owner name as compared: case-folded (names are NFC already); "" for none."""
    return owner.casefold() if isinstance(owner, str) else ""


def near_same_owner(owners: list[str], x: np.ndarray, y: np.ndarray) -> np.ndarray:
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
    column = (x[located] // DUPLICATE_DISTANCE_M).astype(np.int64)  # as Identities' cells
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
