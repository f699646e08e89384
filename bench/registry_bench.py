"""Benchmark of the bulk camera import, on SQLite and on PostgreSQL.

    python bench/registry_bench.py [--rows 100000] [--postgres URL] [--json OUT] [--seed 0]

A seeded list of household cameras is generated the way a ward keeps it: Vietnamese headers, points
inside the demo wards (:func:`geodata.layers.demo.build_demo`), about a third of the coordinates
with comma decimals, and about 2 % of rows with a mistake a person makes (swapped coordinates, a
field of view of 400, an unknown status, an empty latitude). It is written as CSV (UTF-8 with BOM)
to a temporary folder and imported by a district user with
:func:`geodata.registry.importer.import_cameras` (reading, checking and committing) into a fresh
SQLite registry, and into a fresh schema of the PostgreSQL server at ``--postgres`` when it answers
(the schema is dropped afterwards).

Prints and writes ``{"rows", "backends": {name: {"seconds", "rows_per_s", "cpu_s", "check_s",
"commit_s", "accepted", "rejected"} or {"skipped": reason}}}``: wall-clock ``seconds`` in all,
this process's CPU time ``cpu_s`` (steadier on a busy machine; without the database server's),
``check_s`` reading and checking, ``commit_s`` the one transaction of
:meth:`geodata.registry.service.Registry.register_many`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from figures import emit

from geodata.layers.demo import build_demo
from geodata.registry.access import SYSTEM, Actor
from geodata.registry.importer import import_cameras
from geodata.registry.service import Registry

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DISTRICT = Actor(SYSTEM, "district")
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng")
MIDDLE = ("Văn", "Thị", "Minh", "Hữu", "Ngọc", "Thanh", "Quốc", "Thu", "Đức", "Kim")
GIVEN = ("An", "Bình", "Chi", "Dũng", "Hà", "Hải", "Hùng", "Lan", "Long", "Mai", "Nam", "Phúc")
STREETS = ("Nguyễn Văn Hưởng", "Thảo Điền", "Quốc Hương", "Lương Định Của", "Trần Não", "Số 41")
STATUSES = ("hoạt động", "Hoạt động", "hỏng", "active", "đã gỡ")
TYPES = ("bán cầu", "thân", "quay quét", "dome", "bullet", "khác")
MISTAKE_SHARE = 0.02
COMMA_SHARE = 0.35


def camera_list(n_rows: int, rng: np.random.Generator) -> pd.DataFrame:
    """``n_rows`` cameras as a ward lists them, with Vietnamese headers and a few mistakes."""
    lat, lon = points_in_wards(n_rows, rng)
    table = pd.DataFrame(
        {
            "STT": np.arange(1, n_rows + 1),
            "Mã camera": [f"Q2-{i:06d}" if keep else "" for i, keep in _codes(n_rows, rng)],
            "Vĩ độ": _decimals(lat, rng),
            "Kinh độ": _decimals(lon, rng),
            "Hướng (độ)": rng.integers(0, 360, n_rows).astype(str),
            "Góc nhìn": rng.choice(["60", "90", "100", "110", "360"], n_rows),
            "Tầm xa (m)": rng.choice(["15", "20", "25", "30", "40", "50"], n_rows),
            "Loại": rng.choice(TYPES, n_rows),
            "Trạng thái": rng.choice(STATUSES, n_rows, p=[0.5, 0.3, 0.1, 0.08, 0.02]),
            "Chủ hộ": _names(n_rows, rng),
            "Số điện thoại": [f"09{d:08d}" for d in rng.integers(0, 10**8, n_rows)],
            "Số nhà": rng.integers(1, 300, n_rows).astype(str),
            "Hẻm": [f"{h}/{k}" if h else "" for h, k in rng.integers(0, 60, (n_rows, 2))],
            "Đường": rng.choice(STREETS, n_rows),
            "Ngày lắp": [f"{d:02d}/{m:02d}/20{y}" for d, m, y in _dates(n_rows, rng)],
            "Đồng ý chia sẻ": rng.choice(["có", "không", "Có", ""], n_rows),
            "Ghi chú": rng.choice(["", "", "cổng chính", "nhìn ra hẻm", "gần chợ"], n_rows),
        }
    )
    return with_mistakes(table, rng)


def points_in_wards(n_rows: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Uniform random points inside the demo wards, as latitude and longitude arrays."""
    wards = build_demo().wards
    area = shapely.union_all(wards.geometry.to_numpy())
    west, south, east, north = area.bounds
    found = np.empty((0, 2))
    while len(found) < n_rows:
        xy = rng.uniform((west, south), (east, north), (2 * n_rows, 2))
        found = np.vstack([found, xy[shapely.contains_xy(area, xy[:, 0], xy[:, 1])]])
    points = gpd.GeoSeries(gpd.points_from_xy(*found[:n_rows].T), crs=wards.crs).to_crs(4326)
    return points.y.to_numpy(), points.x.to_numpy()


def with_mistakes(table: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """``table`` with about :data:`MISTAKE_SHARE` of rows given one typical mistake."""
    table = table.copy()
    wrong = np.flatnonzero(rng.random(len(table)) < MISTAKE_SHARE)
    kinds = rng.integers(0, 4, wrong.size)
    swapped = wrong[kinds == 0]
    table.loc[swapped, ["Vĩ độ", "Kinh độ"]] = table.loc[swapped, ["Kinh độ", "Vĩ độ"]].to_numpy()
    table.loc[wrong[kinds == 1], "Góc nhìn"] = "400"
    table.loc[wrong[kinds == 2], "Trạng thái"] = "đang sửa"
    table.loc[wrong[kinds == 3], "Vĩ độ"] = ""
    return table


def _decimals(values: np.ndarray, rng: np.random.Generator) -> list[str]:
    """Degrees as text with 6 decimals, about :data:`COMMA_SHARE` with a decimal comma."""
    texts = np.char.mod("%.6f", values)
    comma = rng.random(values.size) < COMMA_SHARE
    texts[comma] = np.char.replace(texts[comma], ".", ",")
    return texts.tolist()


def _codes(n_rows: int, rng: np.random.Generator):
    """Row numbers and whether the row has an external code (9 in 10 do)."""
    return zip(range(1, n_rows + 1), rng.random(n_rows) < 0.9, strict=True)


def _names(n_rows: int, rng: np.random.Generator) -> list[str]:
    parts = (rng.choice(SURNAMES, n_rows), rng.choice(MIDDLE, n_rows), rng.choice(GIVEN, n_rows))
    return [" ".join(name) for name in zip(*parts, strict=True)]


def _dates(n_rows: int, rng: np.random.Generator) -> np.ndarray:
    return np.column_stack(
        [rng.integers(1, 29, n_rows), rng.integers(1, 13, n_rows), rng.integers(15, 26, n_rows)]
    )


def timed_import(registry: Registry, path: Path) -> dict:
    """Import ``path`` into ``registry``; seconds in all, checking, committing, and counts."""
    marks = {}
    start, cpu_start = time.perf_counter(), time.process_time()
    result = import_cameras(
        registry, DISTRICT, path, progress=lambda f: marks.setdefault(f, time.perf_counter())
    )
    seconds, cpu_s = time.perf_counter() - start, time.process_time() - cpu_start
    assert registry.count() == result.accepted == len(result.camera_ids)
    return {
        "seconds": round(seconds, 2),
        "rows_per_s": round(len(result.rows) / seconds),
        "cpu_s": round(cpu_s, 2),
        "check_s": round(marks[0.6] - start, 2),
        "commit_s": round(marks[1.0] - marks[0.6], 2),
        "accepted": result.accepted,
        "rejected": result.rejected,
    }


def fresh_registry(url: str) -> Registry:
    """A migrated registry at ``url`` holding the demo wards."""
    registry = Registry.open(url)
    registry.load_boundary_set(DISTRICT, build_demo().wards, name="demo")
    return registry


def sqlite_run(path: Path, folder: Path) -> dict:
    """The import into a fresh SQLite file in ``folder``."""
    registry = fresh_registry(f"sqlite:///{folder / 'bench.sqlite3'}")
    try:
        return timed_import(registry, path)
    finally:
        registry.engine.dispose()


def postgres_run(path: Path, url: str) -> dict:
    """The import into a fresh schema of the PostgreSQL server at ``url``, dropped afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # no server: reported, not fatal
        admin.dispose()
        return {"skipped": f"no PostgreSQL at {url}: {type(error).__name__}"}
    try:
        registry = fresh_registry(f"{url}?options=-csearch_path%3D{schema}")
        try:
            return timed_import(registry, path)
        finally:
            registry.engine.dispose()
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print the JSON (and write it with ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", default=POSTGRES_URL, help="server URL ('' to skip)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="registry-bench-") as folder:
        path = Path(folder) / "camera_list.csv"
        camera_list(args.rows, np.random.default_rng(args.seed)).to_csv(
            path, index=False, encoding="utf-8-sig"
        )
        backends = {"sqlite": sqlite_run(path, Path(folder))}
        if args.postgres:
            backends["postgresql"] = postgres_run(path, args.postgres)
    emit({"rows": args.rows, "backends": backends}, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
