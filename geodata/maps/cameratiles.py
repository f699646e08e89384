"""Cameras published as small files the browser asks for as the user zooms in.

A city's tens of thousands of cameras would make every map page megabytes long. Above
:data:`EMBED_MAX_CAMERAS`, the map carries only one bubble per tile of :data:`TILE_DEG` (how
many cameras stand there, drawn where they stand, clustered further when zoomed out); from
:data:`DETAIL_ZOOM` on, the browser fetches the tiles in view, each a JSON array of the rows of
:func:`geodata.maps.maplayers.camera_records`. A set of tiles is named after what it holds (a
digest of its rows: unguessable, the same for every session that shows the same cameras), so
it is written once however many sessions draw it, and a user's map never names another user's
cameras. Only the newest :data:`KEEP_TILE_SETS` sets are kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from geodata import settings
from geodata.maps.leaflet import STATIC_URL

EMBED_MAX_CAMERAS = 5000
"""Up to this many cameras travel inside the map page itself (every map of the demo)."""
TILE_DEG = 0.01
"""The side of a camera tile, in degrees (about 1.1 km in Ho Chi Minh City)."""
DETAIL_ZOOM = 15
"""From this zoom level on, the cameras of the tiles in view are fetched and drawn one by one
(a view of about 5 km × 3 km: some twenty tiles)."""
KEEP_TILE_SETS = 64
"""How many sets of tiles are kept (the oldest go first when a new one is written)."""
ABANDONED_AFTER_S = 3600
"""A set still being written after this long was left by a process that stopped half-way (a
set is written in seconds): it is removed when a new one is written."""


@dataclass(frozen=True)
class CameraTiles:
    """Where the browser finds a set of camera tiles, and the bubbles drawn below
    :data:`DETAIL_ZOOM`.

    Attributes
    ----------
    url : str
        The set's address, to which ``/{row}_{column}.json`` is added.
    tile_deg : float
        The side of a tile, in degrees.
    cells : list
        One row per tile holding cameras: ``[lat, lon, cameras, row, column]``, the mean
        position of its cameras (degrees) and the tile's row and column (whole multiples of
        ``tile_deg`` of latitude and longitude).
    """

    url: str
    tile_deg: float
    cells: list

    def to_json(self) -> dict:
        """What the map page needs to know of the set."""
        return {
            "url": self.url,
            "deg": self.tile_deg,
            "minZoom": DETAIL_ZOOM,
            "cells": self.cells,
        }


@dataclass(frozen=True)
class TileStore:
    """Where sets of camera tiles are written (``folder``) and served from (``url``); maps of
    up to ``embed_max`` cameras carry them in the page instead."""

    folder: Path
    url: str
    embed_max: int = EMBED_MAX_CAMERAS

    def published(self, records: list) -> CameraTiles | None:
        """``records`` as tiles (see :func:`published_tiles`) when they are more than
        ``embed_max``; None when they travel inside the page."""
        if len(records) <= self.embed_max:
            return None
        return published_tiles(records, self.folder, self.url)

    def keeps(self, tiles: CameraTiles) -> bool:
        """Whether the set ``tiles`` is still here; it then counts as the newest (a set a map
        still shows is not dropped as one of the oldest)."""
        target = self.folder / tiles.url.rsplit("/", 1)[-1]
        try:
            os.utime(target)
        except FileNotFoundError:
            return False
        return True


def tile_of(lat_deg, lon_deg, tile_deg: float = TILE_DEG) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of the tiles holding points at ``lat_deg``, ``lon_deg`` (degrees).

    >>> [int(v[0]) for v in tile_of([10.805], [106.7449])]
    [1080, 10674]
    """
    rows = np.floor(np.asarray(lat_deg, dtype=float) / tile_deg).astype(np.int64)
    columns = np.floor(np.asarray(lon_deg, dtype=float) / tile_deg).astype(np.int64)
    return rows, columns


def published_tiles(records: list, folder: Path, url: str) -> CameraTiles:
    """Write ``records`` (rows of :func:`~geodata.maps.maplayers.camera_records`: latitude and
    longitude first) as tiles under ``folder``, unless that set is there already.

    Parameters
    ----------
    records : list
        The cameras' rows, in degrees.
    folder : Path
        Where sets of tiles are written (served by the app at ``url``).
    url : str
        The address of ``folder`` as the browser asks for it.
    """
    lat = np.array([row[0] for row in records], dtype=float)
    lon = np.array([row[1] for row in records], dtype=float)
    rows, columns = tile_of(lat, lon)
    tiles, which = np.unique(np.column_stack([rows, columns]), axis=0, return_inverse=True)
    which = which.ravel()
    members = [[] for _ in range(len(tiles))]
    for position, tile in enumerate(which):
        members[tile].append(records[position])
    texts = [json.dumps(rows_in, ensure_ascii=False, separators=(",", ":")) for rows_in in members]
    digest = hashlib.sha256()
    for (row, column), content in zip(tiles, texts, strict=True):
        digest.update(f"{row}_{column}:{content}\n".encode())
    name = digest.hexdigest()[:32]
    files = {f"{r}_{c}.json": content for (r, c), content in zip(tiles, texts, strict=True)}
    _write_once(folder, name, files)
    counts = np.bincount(which, minlength=len(tiles))
    mean_lat = np.bincount(which, weights=lat, minlength=len(tiles)) / counts
    mean_lon = np.bincount(which, weights=lon, minlength=len(tiles)) / counts
    cells = [
        [round(float(y), 6), round(float(x), 6), int(n), int(r), int(c)]
        for y, x, n, (r, c) in zip(mean_lat, mean_lon, counts, tiles, strict=True)
    ]
    return CameraTiles(url=f"{url.rstrip('/')}/{name}", tile_deg=TILE_DEG, cells=cells)


def _write_once(folder: Path, name: str, files: dict[str, str]) -> None:
    """Write ``files`` into ``folder/name`` whole (another process may be writing the same set:
    the first one to finish puts it in place), then drop the oldest sets."""
    target = folder / name
    if target.exists():
        os.utime(target)
        return
    folder.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=".new-", dir=folder))
    try:
        for filename, content in files.items():
            (building / filename).write_text(content, encoding="utf-8")
        os.chmod(building, 0o755)
        try:
            building.rename(target)
        except OSError:  # written meanwhile by another session or process
            if not target.exists():
                raise
    finally:
        shutil.rmtree(building, ignore_errors=True)
    _drop_oldest(folder, keep=name)


def _drop_oldest(folder: Path, *, keep: str) -> None:
    """Remove all but the newest :data:`KEEP_TILE_SETS` sets (never ``keep``), and the sets
    abandoned half-written (:data:`ABANDONED_AFTER_S`)."""
    sets, abandoned_before = [], time.time() - ABANDONED_AFTER_S
    for path in folder.iterdir():
        if not path.is_dir():
            continue
        try:
            modified = path.stat().st_mtime
        except FileNotFoundError:  # removed meanwhile by another process
            continue
        if not path.name.startswith("."):
            sets.append((modified, path))
        elif path.name.startswith(".new-") and modified < abandoned_before:
            shutil.rmtree(path, ignore_errors=True)
    sets.sort(reverse=True)
    for _, path in sets[KEEP_TILE_SETS:]:
        if path.name != keep:
            shutil.rmtree(path, ignore_errors=True)


def app_tile_store() -> TileStore:
    """The app's own tile store: ``maps/`` in its static folder."""
    return TileStore(settings.static_dir() / "maps", f"{STATIC_URL}/maps")
