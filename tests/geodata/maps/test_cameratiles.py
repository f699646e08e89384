"""Sets of camera tiles on disk: written once, the newest kept, and what a stopped writer left
behind cleaned away."""

import json
import os
import time

from geodata.maps import cameratiles
from geodata.maps.cameratiles import published_tiles


def records(count: int, *, shift_deg: float = 0.0) -> list:
    return [[10.78 + 0.003 * i + shift_deg, 106.72 + 0.002 * i, f"cam-{i}"] for i in range(count)]


def sets_in(folder) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_a_set_is_written_once_and_holds_every_camera_by_tile(tmp_path):
    tiles = published_tiles(records(30), tmp_path, "/maps")
    again = published_tiles(records(30), tmp_path, "/maps")
    assert tiles.url == again.url and len(sets_in(tmp_path)) == 1
    written = tmp_path / tiles.url.rsplit("/", 1)[1]
    rows = [row for path in written.iterdir() for row in json.loads(path.read_text())]
    assert sorted(row[2] for row in rows) == sorted(row[2] for row in records(30))
    assert sum(cell[2] for cell in tiles.cells) == 30


def test_only_the_newest_sets_are_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(cameratiles, "KEEP_TILE_SETS", 2)
    names = []
    for shift in range(4):
        names.append(published_tiles(records(5, shift_deg=shift), tmp_path, "/m").url[3:])
        time.sleep(0.01)  # each newer than the last
    assert sets_in(tmp_path) == sorted(names[-2:])


def test_a_set_left_half_written_long_ago_is_removed_and_one_being_written_is_not(tmp_path):
    stale, live = tmp_path / ".new-stale", tmp_path / ".new-live"
    for folder in (stale, live):
        folder.mkdir()
        (folder / "1078_10672.json").write_text("[]")
    hours_ago = time.time() - 2 * 3600
    os.utime(stale, (hours_ago, hours_ago))
    tiles = published_tiles(records(3), tmp_path, "/m")
    assert sets_in(tmp_path) == sorted([".new-live", tiles.url[3:]])
