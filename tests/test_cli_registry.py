"""The registry commands of the CLI, run as a user would: a subprocess on a fresh SQLite file.

``DATABASE_URL`` points every run at the test's own database and ``CCTV_DATA_DIR`` at its own
folder, so nothing touches ``data/``.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest

import cli
from geodata.commands import common
from geodata.layers.camerafields import OWNER_FIELDS
from geodata.layers.demo import DEMO_NAME, build_demo
from geodata.registry.service import Registry
from tests.registry_fixtures import DISTRICT
from tests.test_cli import write_small_area


@pytest.fixture(autouse=True)
def english_messages(monkeypatch):
    """These tests read the CLI's messages in English (``CCTV_LANGUAGE=en``)."""
    monkeypatch.setenv("CCTV_LANGUAGE", "en")


ROOT = Path(__file__).resolve().parent.parent
AN_KHANH, CAT_LAI = "27106", "27109"
IN_AN_KHANH = {"lat": 10.7812, "lon": 106.7200}
PASSWORD = "mật khẩu đủ dài"


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    """The environment of a CLI run on this test's own SQLite registry (demo wards loaded)."""
    url = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    registry = Registry.open(url)
    registry.load_boundary_set(DISTRICT, build_demo().wards, name=DEMO_NAME)
    registry.engine.dispose()
    environment = {k: v for k, v in os.environ.items() if k not in ("PASSWORD", "DATABASE_URL")}
    return {
        **environment,
        "DATABASE_URL": url,
        "CCTV_DATA_DIR": str(tmp_path / "data"),
        "CCTV_LANGUAGE": "en",
    }


@pytest.fixture
def registry(env):
    """The registry the CLI runs on, for seeding and checking (closed afterwards)."""
    opened = Registry.open(env["DATABASE_URL"])
    yield opened
    opened.engine.dispose()


def run_cli(env: dict, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        input=stdin,
        timeout=300,
    )


def assert_one_line_error(done: subprocess.CompletedProcess, *words: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    for word in words:
        assert word in done.stderr


def seed(registry: Registry) -> None:
    registry.register_many(
        DISTRICT,
        [
            {
                **IN_AN_KHANH,
                "bearing_deg": 45.0,
                "fov_deg": 90.0,
                "range_m": 30.0,
                "camera_type": "bullet",
                "status": "active",
                "external_code": "AK-1",
                "notes": "=1+1",
                "owner_name": "Nguyễn Thị Hoa",
                "owner_phone": "0909 123 456",
            },
            {
                "lat": 10.7815,
                "lon": 106.7203,
                "fov_deg": 360.0,
                "range_m": 15.0,
                "camera_type": "dome",
                "status": "active",
                "external_code": "AK-2",
            },
        ],
    )


# -------------------------------------------------------------------------------------- users


def test_users_add_takes_the_password_from_the_environment(env, registry):
    done = run_cli(
        {**env, "PASSWORD": PASSWORD}, "users", "add", "lan", "--role", "ward", "--ward", AN_KHANH
    )
    assert done.returncode == 0, done.stderr
    assert "lan" in done.stdout and "ward" in done.stdout and AN_KHANH in done.stdout
    assert registry.authenticate("lan", PASSWORD).wards == frozenset({AN_KHANH})
    again = run_cli({**env, "PASSWORD": PASSWORD}, "users", "add", "lan", "--role", "viewer")
    assert_one_line_error(again, "exists already")


def test_users_add_refuses_two_different_passwords(env, registry, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", env["DATABASE_URL"])
    monkeypatch.setenv("CCTV_DATA_DIR", env["CCTV_DATA_DIR"])
    monkeypatch.delenv("PASSWORD", raising=False)
    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr(common.getpass, "getpass", lambda prompt: next(answers))
    assert cli.main(["users", "add", "hoa", "--role", "viewer"]) == 2
    error = capsys.readouterr().err
    assert "passwords differ" in error and len(error.strip().splitlines()) == 1
    assert registry.user_count() == 0


def test_users_add_asks_twice_when_no_password_is_set(env, registry, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", env["DATABASE_URL"])
    monkeypatch.delenv("PASSWORD", raising=False)
    prompts = []
    monkeypatch.setattr(
        common.getpass, "getpass", lambda prompt: prompts.append(prompt) or PASSWORD
    )
    assert cli.main(["users", "add", "hoa", "--role", "viewer"]) == 0
    assert len(prompts) == 2 and "created user 'hoa'" in capsys.readouterr().out
    assert registry.authenticate("hoa", PASSWORD).role == "viewer"


def test_messages_are_vietnamese_unless_english_is_asked_for(env, tmp_path):
    vietnamese = {**env, "CCTV_LANGUAGE": "vi"}
    out = tmp_path / "x.csv"
    done = run_cli(
        vietnamese, "cameras", "export", "--format", "csv", "--out", str(out), "--as", "ai"
    )
    assert_one_line_error(done, "lỗi: không có người dùng tên “ai”")
    source = write_camera_list(tmp_path / "danh sách.csv")
    rejected = tmp_path / "bi_tu_choi.csv"
    done = run_cli(vietnamese, "cameras", "import", str(source), "--report", str(rejected))
    assert done.stdout.strip() == "accepted 2, rejected 1", "the count line is the same for scripts"
    rows = pd.read_csv(rejected, encoding="utf-8-sig")
    assert (rows.columns[0], rows.columns[-1]) == ("Dòng", "Lý do")
    assert "cần một số từ 1 đến 360" in rows.loc[0, "Lý do"]


def test_unknown_user_for_as_is_one_line(env, tmp_path):
    out = tmp_path / "x.csv"
    done = run_cli(env, "cameras", "export", "--format", "csv", "--out", str(out), "--as", "ai")
    assert_one_line_error(done, "no registry user named 'ai'")
    assert not out.exists()


def test_unusable_database_url_is_one_line(env, tmp_path):
    done = run_cli(
        {**env, "DATABASE_URL": "nosuchdb://user:secret@host/db"},
        "cameras",
        "export",
        "--format",
        "csv",
        "--out",
        str(tmp_path / "c.csv"),
    )
    assert_one_line_error(done, "cannot open the registry database", "DATABASE_URL")
    assert "secret" not in done.stderr


def test_usage_errors_are_one_line(env, tmp_path):
    done = run_cli(env, "cameras", "export", "--format", "pdf", "--out", str(tmp_path / "x.pdf"))
    assert_one_line_error(done, "invalid choice: 'pdf'")


# ------------------------------------------------------------------------------------- import


def write_camera_list(path: Path) -> Path:
    pd.DataFrame(
        {
            "lat": [10.7812, 10.7815, 10.7818],
            "lon": [106.7200, 106.7203, 106.7206],
            "bearing_deg": [45, 90, 180],
            "fov_deg": [90, 360, 400],
            "range_m": [30, 15, 20],
            "camera_type": ["bullet", "dome", "bullet"],
            "external_code": ["AK-1", "AK-2", "AK-3"],
            "owner_name": ["Nguyễn Thị Hoa", "Trần Văn Bình", "Lê Văn Cường"],
            "owner_phone": ["0909 123 456", "0909 000 111", "0909 222 333"],
        }
    ).to_csv(path, index=False, encoding="utf-8-sig")
    return path


def test_import_counts_and_reports_rejected_rows(env, registry, tmp_path):
    source = write_camera_list(tmp_path / "danh sách.csv")
    rejected = tmp_path / "rejected.csv"
    done = run_cli(env, "cameras", "import", str(source), "--report", str(rejected))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "accepted 2, rejected 1"
    assert registry.count() == 2
    rows = pd.read_csv(rejected, encoding="utf-8-sig")
    assert rows["external_code"].tolist() == ["AK-3"] and "fov_deg" in rows.loc[0, "Reason"]


def test_import_dry_run_saves_nothing(env, registry, tmp_path):
    source = write_camera_list(tmp_path / "cameras.csv")
    done = run_cli(env, "cameras", "import", str(source), "--dry-run")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("accepted 2, rejected 1")
    assert registry.count() == 0


def test_import_as_a_viewer_is_refused(env, registry, tmp_path):
    registry.add_user(DISTRICT, "xem", PASSWORD, "viewer")
    source = write_camera_list(tmp_path / "cameras.csv")
    done = run_cli(env, "cameras", "import", str(source), "--as", "xem")
    assert_one_line_error(done, "Viewer")
    assert registry.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("cameras.xlsx", b"not a workbook", ("cameras.xlsx", "Excel")),
        ("cameras.csv", b"", ("cameras.csv", "empty")),
        ("cameras.pdf", b"%PDF-1.4", ("cameras.pdf",)),
    ],
)
def test_unreadable_file_is_one_line_without_traceback(env, tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    done = run_cli(env, "cameras", "import", str(path))
    assert_one_line_error(done, *words)


def test_missing_file_is_one_line(env, tmp_path):
    done = run_cli(env, "cameras", "import", str(tmp_path / "nope.csv"))
    assert_one_line_error(done, "nope.csv")


# ------------------------------------------------------------------------------------- export


def read_export(path: Path, fmt: str) -> pd.DataFrame:
    if fmt == "csv":
        return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    if fmt == "xlsx":
        return pd.read_excel(path, dtype=object)
    return gpd.read_file(path)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson", "gpkg"])
def test_export_each_format(env, registry, tmp_path, fmt):
    seed(registry)
    out = tmp_path / f"cameras.{fmt}"
    done = run_cli(env, "cameras", "export", "--format", fmt, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "exported 2 cameras" in done.stdout
    table = read_export(out, fmt)
    assert sorted(table["external_code"]) == ["AK-1", "AK-2"]
    assert not set(OWNER_FIELDS) & set(table.columns)
    if fmt in ("geojson", "gpkg"):
        assert table.crs.to_epsg() == 4326
    entry = registry.audit_entries(DISTRICT).iloc[0]
    assert entry["action"] == "export" and entry["actor"] == "system"


def test_export_osm(env, registry, tmp_path):
    seed(registry)
    out = tmp_path / "osm.geojson"
    done = run_cli(env, "cameras", "export", "--format", "osm", "--out", str(out))
    assert done.returncode == 0, done.stderr
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    tags = {f["properties"]["ref"]: f["properties"] for f in features}
    assert tags["AK-1"]["camera:direction"] == "45" and tags["AK-2"]["camera:type"] == "dome"
    assert "Hoa" not in out.read_text(encoding="utf-8")


def test_with_owner_needs_a_purpose(env, registry, tmp_path):
    seed(registry)
    out = tmp_path / "owners.csv"
    done = run_cli(env, "cameras", "export", "--format", "csv", "--out", str(out), "--with-owner")
    assert_one_line_error(done, "--with-owner needs --purpose")
    assert not out.exists()


def test_with_owner_and_purpose_is_audited(env, registry, tmp_path):
    seed(registry)
    out = tmp_path / "owners.xlsx"
    purpose = "Công an phường xác minh"
    done = run_cli(
        env,
        "cameras",
        "export",
        "--format",
        "xlsx",
        "--out",
        str(out),
        "--with-owner",
        "--purpose",
        purpose,
    )
    assert done.returncode == 0, done.stderr
    sheet = openpyxl.load_workbook(out)["cameras"]
    header = [cell.value for cell in sheet[1]]
    assert "owner_name" in header and "owner_phone" in header
    notes = sheet.cell(row=2, column=header.index("notes") + 1)
    assert notes.data_type == "s" and notes.value == "=1+1"
    entry = registry.audit_entries(DISTRICT).iloc[0]
    assert entry["action"] == "export.owners" and json.loads(entry["detail"])["purpose"] == purpose


def test_viewer_cannot_export_owner_details(env, registry, tmp_path):
    seed(registry)
    registry.add_user(DISTRICT, "xem", PASSWORD, "viewer")
    out = tmp_path / "owners.csv"
    done = run_cli(
        env,
        "cameras",
        "export",
        "--format",
        "csv",
        "--out",
        str(out),
        "--with-owner",
        "--purpose",
        "tò mò thôi",
        "--as",
        "xem",
    )
    assert_one_line_error(done, "may not export owner details")
    assert not out.exists()


def test_export_into_a_missing_folder_is_one_line(env, registry, tmp_path):
    out = tmp_path / "nope" / "cameras.csv"
    done = run_cli(env, "cameras", "export", "--format", "csv", "--out", str(out))
    assert_one_line_error(done, "does not exist")


# ------------------------------------------------------------------------------------- report


def test_report_reads_the_registry_cameras(env, registry, tmp_path):
    paths = write_small_area(tmp_path)
    table = pd.read_csv(paths["cameras"])  # the same three cameras, into the registry
    for row in table.itertuples():
        registry.register(
            DISTRICT,
            {
                "lat": row.lat,
                "lon": row.lon,
                "bearing_deg": row.bearing_deg,
                "fov_deg": row.fov_deg,
                "range_m": row.range_m,
                "status": row.status,
            },
        )
    done = run_cli(env, "report", "--wards", str(paths["wards"]), "--roads", str(paths["roads"]))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    routes = {r["name"]: r for r in report["routes"]["by_route"]}
    # As in test_cli.test_file_report_matches_hand_computed_figures, from the registry.
    assert routes["Đường Một"]["covered_m"] == pytest.approx(60.0, abs=0.05)
    assert routes["Đường Hai"]["covered_m"] == pytest.approx(40.0, abs=0.05)
    assert report["cameras"] == {"total": 3, "active": 2}
    assert report["crs"] == "EPSG:32648"


def test_report_on_an_empty_registry_notes_it(env, tmp_path):
    paths = write_small_area(tmp_path)
    done = run_cli(env, "report", "--wards", str(paths["wards"]), "--roads", str(paths["roads"]))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["cameras"] == {"total": 0, "active": 0}
    assert "note: registry: no camera that system may see is registered" in done.stderr


def test_report_notes_cameras_left_out_for_want_of_a_bearing(env, registry, tmp_path):
    paths = write_small_area(tmp_path)
    registry.register(DISTRICT, {**IN_AN_KHANH, "fov_deg": 90, "range_m": 30})
    done = run_cli(env, "report", "--wards", str(paths["wards"]), "--roads", str(paths["roads"]))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["cameras"]["total"] == 0
    assert "note: registry: 1 camera(s) left out: no bearing_deg" in done.stderr


def write_demo_area(folder: Path) -> dict[str, Path]:
    """The demo's wards, roads and hotspots as GeoJSON files in degrees."""
    demo = build_demo()
    paths = {}
    for layer in ("wards", "roads", "hotspots"):
        paths[layer] = folder / f"{layer}.geojson"
        getattr(demo, layer).to_crs(4326).to_file(paths[layer])
    return paths


def write_vietnamese_ward_list(path: Path, count: int = 400) -> Path:
    """``count`` demo cameras as a ward would list them: Vietnamese headers, semicolons and
    decimal commas, Vietnamese status words."""
    cameras = build_demo().cameras.head(count).to_crs(4326)
    status = {"active": "Hoạt động", "broken": "Hỏng", "removed": "Đã gỡ"}
    table = pd.DataFrame(
        {
            "Mã camera": [f"Q2-{n:03d}" for n in range(len(cameras))],
            "Vĩ độ": cameras.geometry.y.round(7),
            "Kinh độ": cameras.geometry.x.round(7),
            "Hướng": cameras["bearing_deg"].round(1),
            "Góc nhìn": cameras["fov_deg"],
            "Tầm xa": cameras["range_m"],
            "Trạng thái": cameras["status"].map(status),
        }
    )
    text = table.to_csv(sep=";", decimal=",", index=False)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_ward_list_reports_the_same_from_the_file_as_from_the_registry(env, tmp_path):
    """`report --cameras ward_list.csv` reads the list the way `cameras import` does: the
    figures from the file and from the registry it was imported into are the same."""
    area = write_demo_area(tmp_path)
    ward_list = write_vietnamese_ward_list(tmp_path / "ward_list.csv")
    assert ",7" in ward_list.read_text(encoding="utf-8").splitlines()[1]  # comma decimals
    key_routes = ",".join(build_demo().key_routes)
    options = [f"--{layer}={path}" for layer, path in area.items()]
    options.append(f"--key-routes={key_routes}")
    from_file = run_cli(env, "report", *options, "--cameras", str(ward_list))
    assert from_file.returncode == 0, from_file.stderr
    imported = run_cli(env, "cameras", "import", str(ward_list))
    assert imported.stdout.strip() == "accepted 400, rejected 0", imported.stderr
    from_registry = run_cli(env, "report", *options)
    assert from_registry.returncode == 0, from_registry.stderr
    file_report, registry_report = json.loads(from_file.stdout), json.loads(from_registry.stdout)
    assert file_report["cameras"]["total"] == 400
    assert file_report["routes"]["covered_m"] > 1000
    assert file_report == registry_report


def test_report_as_a_ward_user_gives_that_wards_row_of_the_district_report(env, tmp_path):
    area = write_demo_area(tmp_path)
    options = [f"--{layer}={path}" for layer, path in area.items()]
    options.append("--key-routes=" + ",".join(build_demo().key_routes))
    ward_list = write_vietnamese_ward_list(tmp_path / "ward_list.csv", count=2000)
    assert run_cli(env, "cameras", "import", str(ward_list)).returncode == 0
    env = {**env, "PASSWORD": PASSWORD}
    assert (
        run_cli(env, "users", "add", "catlai", "--role", "ward", "--ward", CAT_LAI).returncode == 0
    )
    district = json.loads(run_cli(env, "report", *options).stdout)
    done = run_cli(env, "report", *options, "--as", "catlai")
    assert done.returncode == 0, done.stderr
    ward = json.loads(done.stdout)
    row = next(r for r in district["routes"]["by_ward"] if r["ward"] == "Cát Lái")
    assert ward["routes"]["by_ward"] == [row]
    assert ward["routes"]["length_m"] == pytest.approx(row["length_m"], abs=0.01)
    assert ward["routes"]["covered_m"] == pytest.approx(row["covered_m"], abs=0.01)
    assert ward["routes"]["share"] == pytest.approx(row["share"], abs=1e-6)
    assert {gap["ward"] for gap in ward["gaps"]} == {"Cát Lái"}
    assert 0 < ward["cameras"]["total"] < district["cameras"]["total"]
