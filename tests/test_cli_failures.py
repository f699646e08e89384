"""The command line when the disk or the database fails: exit 2 and one line, never a traceback
and never an owner's name or phone.

Each case runs ``cli.py`` as a subprocess, as a user would, against a real failure: a file size
limit (``RLIMIT_FSIZE``), a full or read-only file system (a 1 MB tmpfs, mounted when the tests
run as root), ``/dev/full``, and a damaged or deleted SQLite registry.
"""

import os
import resource
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from geodata.layers.demo import DEMO_NAME, build_demo
from geodata.registry.service import Registry
from tests.geodata.registry.test_importer import VI_HEADER, moved, vi_row, write_csv
from tests.registry_fixtures import DISTRICT

ROOT = Path(__file__).resolve().parent.parent
OWNER, PHONE = "Trần Thị Bí Mật", "0912 345 678"
ROWS = 3000


def run_cli(env: dict, *args: str, limit_bytes: int | None = None) -> subprocess.CompletedProcess:
    def limited() -> None:  # in the child: a write past the limit fails with EFBIG
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
        preexec_fn=limited if limit_bytes else None,
    )


def assert_one_line(done: subprocess.CompletedProcess, *words: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    for secret in (OWNER, PHONE, "INSERT", "OperationalError", "DatabaseError"):
        assert secret not in done.stderr + done.stdout, done.stderr
    for word in words:
        assert word in done.stderr, done.stderr


def registry_in(folder: Path) -> dict[str, str]:
    """A registry in ``folder`` holding the demo wards and one owner's camera; the CLI's env."""
    url = f"sqlite:///{folder / 'registry.sqlite3'}"
    registry = Registry.open(url)
    registry.load_boundary_set(DISTRICT, build_demo().wards, name=DEMO_NAME)
    registry.register(
        DISTRICT,
        {"lat": 10.7812, "lon": 106.72, "fov_deg": 90, "range_m": 30, "owner_name": OWNER},
    )
    registry.engine.dispose()
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    return {**environment, "DATABASE_URL": url, "CCTV_LANGUAGE": "en"}


def long_list(folder: Path) -> Path:
    """:data:`ROWS` households with names and phones: enough to outgrow a small disk."""
    rows = [
        vi_row(
            i,
            moved((10.8060, 106.7330), north_m=5.0 * (i // 50), east_m=5.0 * (i % 50)),
            **{"Mã camera": "", "Chủ hộ": f"{OWNER} {i}", "Số điện thoại": PHONE},
        )
        for i in range(ROWS)
    ]
    return write_csv(folder / "danh_sach.csv", VI_HEADER, rows)


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MB tmpfs (root only; skips otherwise), unmounted afterwards."""
    mount = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=True)


def test_an_import_over_the_file_size_limit_is_one_line(tmp_path):
    env = registry_in(tmp_path)
    source = long_list(tmp_path)
    database = tmp_path / "registry.sqlite3"
    before = database.read_bytes()
    done = run_cli(env, "cameras", "import", str(source), limit_bytes=database.stat().st_size)
    assert_one_line(done, "nothing was saved")
    check = Registry.open(env["DATABASE_URL"])
    try:
        assert check.count() == 1, "the registry is intact"
    finally:
        check.engine.dispose()
    assert len(database.read_bytes()) >= len(before)


def test_an_import_onto_a_full_disk_is_one_line(tmp_path, small_disk):
    env = registry_in(small_disk)
    done = run_cli(env, "cameras", "import", str(long_list(tmp_path)))
    assert_one_line(done, "the disk holding the registry is full")
    check = Registry.open(env["DATABASE_URL"])
    try:
        assert check.count() == 1
    finally:
        check.engine.dispose()


def test_a_read_only_registry_is_one_line(tmp_path, small_disk):
    env = registry_in(small_disk)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    done = run_cli(env, "cameras", "import", str(long_list(tmp_path)))
    assert_one_line(done, "the registry database cannot be written")


def test_a_report_written_to_a_full_device_is_one_line(tmp_path):
    done = run_cli({**os.environ, "CCTV_LANGUAGE": "en"}, "report", "--demo", "--json", "/dev/full")
    assert_one_line(done, "the disk is full")


def test_a_damaged_registry_is_one_line(tmp_path):
    env = registry_in(tmp_path)
    database = tmp_path / "registry.sqlite3"
    database.write_bytes(b"\xff" * database.stat().st_size)
    done = run_cli(env, "cameras", "export", "--format", "csv", "--out", str(tmp_path / "c.csv"))
    assert_one_line(done, "the registry database is damaged", "backup")


def test_a_deleted_registry_is_not_started_afresh(tmp_path):
    env = registry_in(tmp_path)
    (tmp_path / "registry.sqlite3").unlink()
    done = run_cli(env, "cameras", "export", "--format", "csv", "--out", str(tmp_path / "c.csv"))
    assert_one_line(done, "the registry database is missing", "restore")
    assert not (tmp_path / "registry.sqlite3").exists()


def test_a_backup_is_a_registry_one_can_restore(tmp_path):
    env = registry_in(tmp_path)
    done = run_cli(env, "backup", str(tmp_path / "backup.sqlite3"))
    assert done.returncode == 0, done.stderr
    (tmp_path / "registry.sqlite3").unlink()
    (tmp_path / "backup.sqlite3").rename(tmp_path / "registry.sqlite3")
    done = run_cli(env, "cameras", "export", "--format", "csv", "--out", str(tmp_path / "c.csv"))
    assert done.returncode == 0, done.stderr
    assert "exported 1 cameras" in done.stdout
