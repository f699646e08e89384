"""The batch report CLI: JSON shape, agreement with the engine, exit codes, one-line errors."""

import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

import cli
from geodata.layers.demo import KEY_ROUTES


@pytest.fixture(autouse=True)
def english_messages(monkeypatch):
    """These tests read the CLI's messages in English (``CCTV_LANGUAGE=en``)."""
    monkeypatch.setenv("CCTV_LANGUAGE", "en")


ROOT = Path(__file__).resolve().parent.parent


def write_small_area(folder: Path, *, crs: str = "EPSG:4326") -> dict[str, Path]:
    """Two wards, two named roads, three cameras and a hotspot near Thủ Thiêm, in ``crs``."""
    utm = "EPSG:32648"
    x0, y0 = 686_000.0, 1_191_000.0
    wards = gpd.GeoDataFrame(
        {"ward_name": ["Phường Tây", "Phường Đông"], "ward_code": ["1", "2"]},
        geometry=[
            shapely.box(x0, y0, x0 + 500, y0 + 500),
            shapely.box(x0 + 500, y0, x0 + 1000, y0 + 500),
        ],
        crs=utm,
    )
    roads = gpd.GeoDataFrame(
        {"name": ["Đường Một", "Đường Hai"]},
        geometry=[
            shapely.LineString([(x0 + 10, y0 + 250), (x0 + 990, y0 + 250)]),
            shapely.LineString([(x0 + 250, y0 + 10), (x0 + 250, y0 + 490)]),
        ],
        crs=utm,
    )
    hotspots = gpd.GeoDataFrame(
        {"name": ["Chợ"]}, geometry=[shapely.box(x0 + 600, y0 + 100, x0 + 700, y0 + 200)], crs=utm
    )
    cameras = gpd.GeoDataFrame(
        {
            "bearing_deg": [180.0, 0.0, 90.0],
            "fov_deg": [90.0, 360.0, 60.0],
            "range_m": [40.0, 20.0, 50.0],
            "status": ["active", "active", "broken"],
        },
        geometry=[
            shapely.Point(x0 + 100, y0 + 260),
            shapely.Point(x0 + 250, y0 + 250),
            shapely.Point(x0 + 800, y0 + 250),
        ],
        crs=utm,
    )
    paths = {}
    for name, frame in (("wards", wards), ("roads", roads), ("hotspots", hotspots)):
        paths[name] = folder / f"{name}.gpkg"
        frame.to_crs(crs).to_file(paths[name], driver="GPKG")
    points = cameras.to_crs("EPSG:4326")
    table = pd.DataFrame(cameras.drop(columns="geometry"))
    table.insert(0, "lat", points.geometry.y)
    table.insert(1, "lon", points.geometry.x)
    paths["cameras"] = folder / "cameras.csv"
    table.to_csv(paths["cameras"], index=False)
    return paths


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def test_demo_report_has_the_documented_shape(tmp_path):
    out = tmp_path / "report.json"
    done = run_cli("report", "--demo", "--json", str(out), "--gaps", str(tmp_path / "gaps.geojson"))
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["crs"] == "EPSG:32648"
    assert set(report) == {
        "crs",
        "cameras",
        "routes",
        "hotspots",
        "assumed_specs",
        "gaps_tier",
        "gaps",
    }
    assert report["cameras"]["total"] == 2000
    routes = report["routes"]
    assert {r["name"] for r in routes["by_route"]} == set(KEY_ROUTES)
    assert len(routes["by_ward"]) == 11
    assert sum(r["length_m"] for r in routes["by_route"]) == pytest.approx(
        routes["length_m"], abs=0.1
    )
    assert sum(r["covered_m"] for r in routes["by_ward"]) == pytest.approx(
        routes["covered_m"], abs=0.1
    )
    assert 0 < routes["share"] < 1
    assert routes["redundant_m"] <= routes["covered_m"]
    assert any(h["name"] == "Khu công nghiệp Cát Lái" for h in report["hotspots"])
    gap = report["gaps"][0]
    assert set(gap) == {"route", "ward", "length_m", "lat", "lon"}
    assert 10.74 < gap["lat"] < 10.82 and 106.70 < gap["lon"] < 106.82
    assert all(g["length_m"] >= 50 for g in report["gaps"])
    lengths = [g["length_m"] for g in report["gaps"]]
    assert lengths == sorted(lengths, reverse=True)
    gaps = gpd.read_file(tmp_path / "gaps.geojson")
    assert len(gaps) == len(report["gaps"]) and gaps.crs.to_epsg() == 4326


def test_demo_report_is_reproducible(tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert cli.main(["report", "--demo", "--json", str(first)]) == 0
    assert cli.main(["report", "--demo", "--json", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()


def test_file_report_matches_hand_computed_figures(tmp_path, capsys):
    paths = write_small_area(tmp_path)
    code = cli.main(
        [
            "report",
            "--wards",
            str(paths["wards"]),
            "--roads",
            str(paths["roads"]),
            "--cameras",
            str(paths["cameras"]),
            "--hotspots",
            str(paths["hotspots"]),
            "--gap-min-m",
            "50",
        ]
    )
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    routes = {r["name"]: r for r in report["routes"]["by_route"]}
    # Camera 1: 10 m north of road one, facing it, 90°: 20 m. The dome at the crossing sees
    # 2 × 20 m of each road. The broken camera counts for nothing.
    assert routes["Đường Một"]["covered_m"] == pytest.approx(60.0, abs=0.05)
    assert routes["Đường Hai"]["covered_m"] == pytest.approx(40.0, abs=0.05)
    assert report["routes"]["length_m"] == pytest.approx(980 + 480, abs=0.05)
    assert report["cameras"] == {"total": 3, "active": 2}
    assert report["hotspots"][0]["covered_m2"] == 0.0


def test_key_routes_restrict_the_report(tmp_path, capsys):
    paths = write_small_area(tmp_path)
    assert (
        cli.main(
            [
                "report",
                "--wards",
                str(paths["wards"]),
                "--roads",
                str(paths["roads"]),
                "--cameras",
                str(paths["cameras"]),
                "--key-routes",
                "Đường Hai",
            ]
        )
        == 0
    )
    report = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in report["routes"]["by_route"]] == ["Đường Hai"]


@pytest.mark.parametrize("crs", ["EPSG:4326", "EPSG:32648", "EPSG:3405"])
def test_same_area_in_any_crs_gives_the_same_metres(tmp_path, crs, capsys):
    paths = write_small_area(tmp_path, crs=crs)
    assert (
        cli.main(
            [
                "report",
                "--wards",
                str(paths["wards"]),
                "--roads",
                str(paths["roads"]),
                "--cameras",
                str(paths["cameras"]),
            ]
        )
        == 0
    )
    report = json.loads(capsys.readouterr().out)
    assert report["routes"]["length_m"] == pytest.approx(1460.0, rel=1e-3)
    assert report["routes"]["covered_m"] == pytest.approx(100.0, rel=1e-3)


def test_unknown_key_route_is_a_clear_error(tmp_path):
    paths = write_small_area(tmp_path)
    done = run_cli(
        "report",
        "--wards",
        str(paths["wards"]),
        "--roads",
        str(paths["roads"]),
        "--cameras",
        str(paths["cameras"]),
        "--key-routes",
        "Mai Chí Thọ",
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "Mai Chí Thọ" in done.stderr and "Đường Một" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_bad_camera_row_exits_2_with_one_line_naming_file_and_row(tmp_path):
    paths = write_small_area(tmp_path)
    table = pd.read_csv(paths["cameras"])
    table.loc[1, "fov_deg"] = 400
    table.to_csv(paths["cameras"], index=False)
    done = run_cli(
        "report",
        "--wards",
        str(paths["wards"]),
        "--roads",
        str(paths["roads"]),
        "--cameras",
        str(paths["cameras"]),
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    line = done.stderr.strip()
    assert len(line.splitlines()) == 1
    assert "cameras.csv" in line and "row 3" in line and "fov_deg" in line


def test_missing_file_exits_2_without_traceback(tmp_path):
    done = run_cli(
        "report",
        "--wards",
        str(tmp_path / "nope.geojson"),
        "--roads",
        str(tmp_path / "r.geojson"),
        "--cameras",
        str(tmp_path / "c.csv"),
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "nope.geojson" in done.stderr


def test_wards_without_roads_is_a_usage_error(tmp_path):
    done = run_cli("report", "--wards", str(tmp_path / "w.geojson"))
    assert done.returncode == 2
    assert "--roads" in done.stderr and "Traceback" not in done.stderr
