"""Never the wrong camera, never twice, never half: the registry under concurrency, bad text,
bad ward layers and a database file that disappears or breaks.

Concurrency runs two real processes (``python -c``) on one database (SQLite file and PostgreSQL
schema); the file cases run on SQLite, whose database is a file in the data folder.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from geodata.errors import DataError, InputError, StorageError
from geodata.layers.camerafields import FIELDS
from geodata.layers.demo import DEMO_NAME, build_demo
from geodata.registry import arealayers
from geodata.registry.campaigns import set_target
from geodata.registry.importer import import_cameras
from geodata.registry.models import Camera
from geodata.registry.seeding import ensure_seeded, first_start
from geodata.registry.service import Registry
from tests.geodata.registry.test_importer import VI_HEADER, moved, vi_row, write_csv
from tests.geodata.registry.test_service import IN_AN_KHANH, LAN, camera
from tests.registry_fixtures import DISTRICT

ROOT = Path(__file__).resolve().parents[3]
OWNER, PHONE = "Trần Thị Bí Mật", "0912 345 678"
HOUSEHOLDS = 200


# ------------------------------------------------------------------------------ concurrency


def import_at_once(url: str, path: str, meeting: str, name: str) -> None:
    """Import ``path`` into ``url`` and print the outcome; run by each of two processes.

    Both finish their duplicate checks before either writes: each leaves a file in the folder
    ``meeting`` and waits until both files are there.
    """

    def progress(fraction: float) -> None:
        if fraction == 0.6:  # duplicates checked, nothing written yet
            (Path(meeting) / name).touch()
            given_up = time.monotonic() + 120  # the other process failed: carry on, alone
            while len(list(Path(meeting).iterdir())) < 2 and time.monotonic() < given_up:
                time.sleep(0.05)

    registry = Registry.open(url)
    try:
        result = import_cameras(registry, DISTRICT, path, progress=progress)
        print(json.dumps(["imported", result.accepted]))
    except DataError as error:
        print(json.dumps([error.kind, error.message.key]))
    finally:
        registry.engine.dispose()


WORKER = "import sys; from tests.geodata.registry.test_integrity import import_at_once as run; "
WORKER += "run(*sys.argv[1:])"


def test_two_imports_of_one_list_at_once_register_each_household_once(
    registry, registry_url, tmp_path
):
    grid = [
        moved((10.8060, 106.7330), north_m=5.0 * (i // 20), east_m=5.0 * (i % 20))
        for i in range(HOUSEHOLDS)
    ]
    rows = [vi_row(i, where, **{"Mã camera": ""}) for i, where in enumerate(grid)]
    path = write_csv(tmp_path / "danh_sach.csv", VI_HEADER, rows)
    meeting = tmp_path / "meeting"
    meeting.mkdir()
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, registry_url, str(path), str(meeting), name],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("first", "second")
    ]
    outcomes = sorted(tuple(json.loads(worker.communicate(timeout=300)[0])) for worker in workers)
    assert registry.count() == HOUSEHOLDS
    assert outcomes == [
        ("conflict", "error.import.registered_meanwhile"),
        ("imported", HOUSEHOLDS),
    ]
    again = import_cameras(registry, DISTRICT, path)
    assert (again.accepted, registry.count()) == (0, HOUSEHOLDS)


def start_at_once(url: str, meeting: str, name: str) -> None:
    """Open ``url`` as an app server does on its first start; run by each of two processes
    that meet in the folder ``meeting`` first. Prints whether this one made the admin."""
    registry, demo = Registry.open(url), build_demo()
    (Path(meeting) / name).touch()
    given_up = time.monotonic() + 120
    while len(list(Path(meeting).iterdir())) < 2 and time.monotonic() < given_up:
        time.sleep(0.01)
    try:
        print(json.dumps(first_start(registry, demo, None) is not None))
    finally:
        registry.engine.dispose()


STARTER = "import sys; from tests.geodata.registry.test_integrity import start_at_once as run; "
STARTER += "run(*sys.argv[1:])"


def test_two_servers_started_at_once_on_an_empty_database_fill_it_once(registry_url, tmp_path):
    meeting = tmp_path / "meeting"
    meeting.mkdir()
    servers = [
        subprocess.Popen(
            [sys.executable, "-c", STARTER, registry_url, str(meeting), name],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("first", "second")
    ]
    made_admin = sorted(json.loads(server.communicate(timeout=600)[0]) for server in servers)
    assert [server.returncode for server in servers] == [0, 0]
    assert made_admin == [False, True]  # one server made the admin, the other found it
    registry = Registry.open(registry_url)
    try:
        assert registry.count() == len(build_demo().cameras) and registry.user_count() == 1
        assert len(registry.boundary_sets()) == 2
    finally:
        registry.engine.dispose()


# ------------------------------------------------------------------------------------- text

HUGE = "x" * 5_000_000


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("notes", HUGE),
        ("owner_name", "Trần\x00Thị"),
        ("street", "Mai Chí Thọ\x00"),
        ("alley", HUGE),
    ],
)
def test_a_form_refuses_huge_text_and_nul_naming_the_field_and_writes_nothing(
    registry, field, value
):
    before = registry.revision()
    with pytest.raises(InputError, match=rf"^{field}: ") as refused:
        registry.register(LAN, camera(**{"owner_name": OWNER, "owner_phone": PHONE, field: value}))
    assert registry.count() == 0 and registry.revision() == before
    for lang in ("vi", "en"):
        shown = refused.value.render(lang)
        assert OWNER not in shown and PHONE not in shown and len(shown) < 200


def test_an_update_refuses_huge_text_and_nul_and_keeps_the_camera(registry):
    record = registry.register(LAN, camera(owner_name=OWNER, owner_phone=PHONE))
    for changes in ({"notes": HUGE}, {"owner_phone": "0912\x00345"}, {"house_number": "1" * 65}):
        with pytest.raises(InputError, match=rf"camera {record['id']}: {next(iter(changes))}: "):
            registry.update(LAN, record["id"], changes, expected_version=1)
    kept = registry.get(DISTRICT, record["id"])
    assert kept["version"] == 1 and kept["notes"] is None and kept["owner_phone"] == PHONE


def test_register_many_checks_the_same_text_as_the_form(registry):
    good = {**IN_AN_KHANH, "fov_deg": 90.0, "range_m": 30.0, "owner_name": OWNER}
    with pytest.raises(InputError, match=r"camera 2 of 2: notes: found a NUL character") as bad:
        registry.register_many(DISTRICT, [good, {**good, "notes": "ghi chú\x00"}])
    assert OWNER not in bad.value.render("vi")
    assert registry.count() == 0


def test_a_deletion_reason_and_a_campaign_note_are_checked_too(registry):
    record = registry.register(LAN, camera())
    with pytest.raises(InputError, match=r"^reason: expected at most 500 characters"):
        registry.delete(LAN, record["id"], expected_version=1, reason=HUGE)
    with pytest.raises(InputError, match=r"^reason: found a NUL character"):
        registry.delete(LAN, record["id"], expected_version=1, reason="gỡ\x00")
    assert registry.count() == 1
    with pytest.raises(InputError, match=r"^note: found a NUL character"):
        set_target(registry, DISTRICT, 1, status="contacted", expected_version=1, note="a\x00")


def test_the_text_limits_are_the_database_columns():
    for field in (f for f in FIELDS if f.kind in ("text", "phone")):
        length = getattr(Camera.__table__.columns[field.name].type, "length", None)
        if length is not None:
            assert field.max_length == length, field.name


# ------------------------------------------------------------------------------- ward layer


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv("CCTV_DATA_DIR", str(folder))
    return folder


def test_wards_with_a_repeated_code_change_nothing(registry, data_dir):
    demo = build_demo()
    arealayers.save_wards(registry, DISTRICT, demo.wards, boundary_set=DEMO_NAME)
    names, revision = registry.ward_names(), arealayers.revision(registry)
    doubled = demo.wards.copy()
    doubled.loc[[3, 7], "ward_code"] = "27106"
    with pytest.raises(
        InputError, match=r"phuong_moi\.gpkg: the ward code '27106' is given to"
    ) as e:
        arealayers.save_wards(registry, DISTRICT, doubled, boundary_set="phuong_moi.gpkg")
    third = int(demo.wards.index[demo.wards["ward_code"] == "27106"][0]) + 1
    assert f"(features {', '.join(map(str, sorted({4, 8, third})))})" in e.value.render("en")
    assert registry.ward_names() == names
    assert arealayers.revision(registry) == revision
    assert arealayers.current(registry, demo).wards["ward_code"].is_unique


# ---------------------------------------------------------------------------- database file


@pytest.fixture
def sqlite_file(tmp_path):
    return tmp_path / "registry.sqlite3"


def _opened(path) -> Registry:
    registry = Registry.open(f"sqlite:///{path}")
    registry.load_boundary_set(DISTRICT, build_demo().wards, name=DEMO_NAME)
    return registry


def _gone(path) -> None:
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(f"{path}{suffix}"):
            os.remove(f"{path}{suffix}")


def test_a_write_after_the_file_was_deleted_is_refused(sqlite_file):
    registry = _opened(sqlite_file)
    registry.register(DISTRICT, camera(owner_name=OWNER))
    _gone(sqlite_file)
    try:
        with pytest.raises(StorageError, match=r"registry database is missing") as refused:
            registry.register(DISTRICT, camera({"lat": 10.7820, "lon": 106.7210}))
        assert OWNER not in refused.value.render("vi") and str(sqlite_file) not in str(
            refused.value
        )
        with pytest.raises(StorageError, match=r"registry database is missing"):
            registry.cameras(DISTRICT)
        assert not sqlite_file.exists(), "no empty registry is created in its place"
    finally:
        registry.engine.dispose()


def test_a_write_after_the_file_was_replaced_is_refused(sqlite_file, tmp_path):
    registry = _opened(sqlite_file)
    other = _opened(tmp_path / "other.sqlite3")
    other.engine.dispose()
    try:
        os.replace(tmp_path / "other.sqlite3", sqlite_file)
        with pytest.raises(StorageError, match=r"registry database file was replaced"):
            registry.register(DISTRICT, camera())
    finally:
        registry.engine.dispose()


def test_a_file_copied_over_the_registry_is_refused(sqlite_file, tmp_path):
    registry = _opened(sqlite_file)
    other = _opened(tmp_path / "other.sqlite3")
    other.engine.dispose()
    try:
        registry.engine.dispose()  # no connection open: the copy is read afresh
        sqlite_file.write_bytes((tmp_path / "other.sqlite3").read_bytes())  # same inode
        with pytest.raises(StorageError, match=r"registry database file was replaced"):
            registry.register(DISTRICT, camera())
    finally:
        registry.engine.dispose()


@pytest.mark.parametrize("damage", ["garbage", "pages"])
def test_a_damaged_file_gives_a_clear_error(sqlite_file, damage):
    registry = _opened(sqlite_file)
    rows = [
        {
            **camera({"lat": 10.78 + i / 1e4, "lon": 106.72}),
            "camera_type": "dome",
            "status": "active",
        }
        for i in range(300)
    ]
    registry.register_many(DISTRICT, rows)
    registry.engine.dispose()
    data = bytearray(sqlite_file.read_bytes())
    if damage == "garbage":
        data[:] = b"not a database " * (len(data) // 15)
    else:
        data[4096:] = b"\xff" * (len(data) - 4096)  # the header stays, the pages are junk
    sqlite_file.write_bytes(bytes(data))
    with pytest.raises(StorageError, match=r"registry database is damaged") as broken:
        _opened(sqlite_file).cameras(DISTRICT)
    assert "malformed" not in str(broken.value) and "backup" in str(broken.value)


def test_a_restart_after_the_file_was_deleted_refuses_to_start_afresh(sqlite_file):
    registry = _opened(sqlite_file)
    assert ensure_seeded(registry, build_demo()) is False  # it holds wards: in use
    registry.register(DISTRICT, camera(owner_name=OWNER))
    registry.engine.dispose()
    _gone(sqlite_file)
    with pytest.raises(StorageError, match=r"registry database is missing.*restore") as refused:
        Registry.open(f"sqlite:///{sqlite_file}")
    assert "backup" in refused.value.render("vi").lower() or "sao lưu" in refused.value.render("vi")
    assert not sqlite_file.exists()


def test_a_registry_that_was_used_is_never_seeded_again(sqlite_file):
    registry = Registry.open(f"sqlite:///{sqlite_file}")
    try:
        registry.add_user(DISTRICT, "hoa", "mật khẩu đủ dài", "district")
        assert ensure_seeded(registry, build_demo()) is False
        assert registry.count() == 0 and registry.ward_names() == {}
    finally:
        registry.engine.dispose()


def test_a_new_registry_is_seeded_once(sqlite_file):
    registry = Registry.open(f"sqlite:///{sqlite_file}")
    try:
        assert ensure_seeded(registry, build_demo()) is True
        assert ensure_seeded(registry, build_demo()) is False
        assert registry.count() == len(build_demo().cameras)
    finally:
        registry.engine.dispose()


def test_a_backup_restored_in_place_is_the_same_registry(sqlite_file, tmp_path):
    registry = _opened(sqlite_file)
    registry.register(DISTRICT, camera(owner_name=OWNER))
    registry.backup(DISTRICT, tmp_path / "backup.sqlite3")
    registry.register(DISTRICT, camera({"lat": 10.7820, "lon": 106.7210}))
    registry.engine.dispose()
    _gone(sqlite_file)
    (tmp_path / "backup.sqlite3").replace(sqlite_file)
    restored = Registry.open(f"sqlite:///{sqlite_file}")
    try:
        table = restored.cameras(DISTRICT)
        assert isinstance(table, pd.DataFrame) and table["owner_name"].tolist() == [OWNER]
        restored.register(DISTRICT, camera({"lat": 10.7830, "lon": 106.7220}))
        assert restored.count() == 2
    finally:
        restored.engine.dispose()
