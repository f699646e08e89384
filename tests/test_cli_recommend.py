"""``cli.py recommend``: the documented JSON, agreement with the engine, households, errors."""

import json

import geopandas as gpd
import pandas as pd
import pytest

from coverage.routes import route_coverage
from geodata.analysis.summary import key_route_segments
from geodata.layers.dataset import load_dataset
from geodata.layers.demo import build_demo
from tests.test_cli import run_cli, write_small_area


@pytest.fixture(autouse=True)
def english_messages(monkeypatch):
    """These tests read the CLI's messages in English (``CCTV_LANGUAGE=en``)."""
    monkeypatch.setenv("CCTV_LANGUAGE", "en")


SITE_KEYS = {"lat", "lon", "bearing_deg", "fov_deg", "range_m", "gain_m", "ward"}


def with_sites(dataset, sites: list[dict]) -> gpd.GeoDataFrame:
    """The dataset's cameras and the recommended ones, in its CRS."""
    new = gpd.GeoDataFrame(
        {
            "bearing_deg": [s["bearing_deg"] for s in sites],
            "fov_deg": [s["fov_deg"] for s in sites],
            "range_m": [s["range_m"] for s in sites],
            "status": "active",
        },
        geometry=gpd.points_from_xy([s["lon"] for s in sites], [s["lat"] for s in sites]),
        crs="EPSG:4326",
    ).to_crs(dataset.crs)
    keep = ["bearing_deg", "fov_deg", "range_m", "status", "geometry"]
    return gpd.GeoDataFrame(pd.concat([dataset.cameras[keep], new], ignore_index=True))


def test_demo_recommendation_is_plain_json_with_the_documented_shape():
    done = run_cli("recommend", "--demo", "--k", "12")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)  # nothing but the JSON on stdout (no solver banner)
    assert {"covered_before_m", "covered_after_m", "upper_bound_m", "sites", "curve"} <= set(result)
    assert len(result["sites"]) == 12 and all(set(s) >= SITE_KEYS for s in result["sites"])
    assert [p["k"] for p in result["curve"]] == list(range(13))
    before, after = result["covered_before_m"], result["covered_after_m"]
    assert before < after <= result["upper_bound_m"] + 0.01
    assert result["curve"][-1]["covered_m"] == pytest.approx(after, abs=0.01)
    gains = [s["gain_m"] for s in result["sites"]]
    assert sum(gains) == pytest.approx(after - before, abs=0.05)
    assert gains == sorted(gains, reverse=True)  # greedy order: each adds less
    assert all(s["ward"] for s in result["sites"])
    road_names = set(build_demo().key_routes)
    assert all(s["road"] in road_names for s in result["sites"])  # where each site stands


def test_the_summary_line_says_what_the_bound_covers(tmp_path):
    out = tmp_path / "de_xuat.json"
    done = run_cli("recommend", "--demo", "--k", "12", "--json", str(out))
    assert done.returncode == 0, done.stderr
    candidates = json.loads(out.read_text(encoding="utf-8"))["candidates"]
    line = done.stdout.strip() + done.stderr.strip()
    assert f"among the {candidates:,} candidate site–direction pairs considered" in line
    assert "a site or direction not considered may do better" in line


def test_covered_after_equals_the_engine_with_existing_and_recommended(tmp_path):
    paths = write_small_area(tmp_path)
    out = tmp_path / "rec.json"
    done = run_cli(
        "recommend",
        *("--wards", str(paths["wards"]), "--roads", str(paths["roads"])),
        *("--cameras", str(paths["cameras"]), "--hotspots", str(paths["hotspots"])),
        *("--k", "6", "--spacing-m", "30", "--json", str(out)),
    )
    assert done.returncode == 0, done.stderr
    assert "6 new cameras" in done.stdout
    result = json.loads(out.read_text(encoding="utf-8"))
    dataset = load_dataset(
        wards=paths["wards"], roads=paths["roads"], cameras=paths["cameras"], hotspots=None
    )
    engine = route_coverage(key_route_segments(dataset), with_sites(dataset, result["sites"]))
    # The sites' coordinates are rounded to 1e-7 degrees (1 cm): the figures agree to that.
    assert result["covered_after_m"] == pytest.approx(engine.total_covered_m, abs=0.5)
    assert {s["ward"] for s in result["sites"]} <= {"Phường Tây", "Phường Đông"}


def test_only_listed_households_are_proposed_with_their_address(tmp_path):
    households = tmp_path / "ho_dong_y.csv"
    households.write_text(
        "Vĩ độ,Kinh độ,Số nhà,Đường\n"
        '"10,7905","106,7380",12,Xa lộ Hà Nội\n'
        "10.7952,106.7417,40,Mai Chí Thọ\n"
        "10.8020,106.7490,7,Lương Định Của\n",
        encoding="utf-8",
    )
    done = run_cli(
        "recommend", "--demo", "--k", "3", "--candidates", str(households), "--only-candidates"
    )
    assert done.returncode == 0, done.stderr
    sites = json.loads(done.stdout)["sites"]
    assert sites and all(s["source"] == "supplied" for s in sites)
    assert {s["label"] for s in sites} <= {"12 Xa lộ Hà Nội", "40 Mai Chí Thọ", "7 Lương Định Của"}


def test_a_household_without_coordinates_is_named(tmp_path):
    households = tmp_path / "ho.csv"
    households.write_text("Vĩ độ,Kinh độ\n10.79,106.74\n,106.75\n", encoding="utf-8")
    done = run_cli("recommend", "--demo", "--k", "3", "--candidates", str(households))
    assert done.returncode == 2
    assert "ho.csv" in done.stderr and "row 3" in done.stderr and "Traceback" not in done.stderr


def test_k_and_target_share_exclude_each_other():
    done = run_cli("recommend", "--demo", "--k", "3", "--target-share", "0.5")
    assert done.returncode == 2 and "not allowed with" in done.stderr


def test_target_share_gives_the_cameras_needed():
    result = json.loads(run_cli("recommend", "--demo", "--target-share", "0.4").stdout)
    shares = [p["share"] for p in result["curve"]]
    assert shares[-1] >= 0.4 > shares[-2]
    assert len(result["sites"]) == len(shares) - 1


def test_route_priority_weighs_the_objective():
    plain = json.loads(run_cli("recommend", "--demo", "--k", "4").stdout)
    done = run_cli("recommend", "--demo", "--k", "4", "--route-weight", "Mai Chí Thọ=5")
    weighted = json.loads(done.stdout)
    assert weighted["objective"]["weighted"] and not plain["objective"]["weighted"]
    metres = weighted["covered_after_m"] - weighted["covered_before_m"]
    assert weighted["objective"]["value"] > metres  # some picked metres count five times
    assert weighted["objective"]["upper_bound"] >= weighted["objective"]["value"] - 0.01
    assert weighted["upper_bound_m"] >= weighted["covered_after_m"] - 0.01


def test_unknown_route_priority_is_a_one_line_error():
    done = run_cli("recommend", "--demo", "--k", "4", "--route-weight", "Không có=2")
    assert done.returncode == 2 and "no key route is named 'Không có'" in done.stderr
    done = run_cli("recommend", "--demo", "--k", "4", "--route-weight", "Mai Chí Thọ=hai")
    assert done.returncode == 2 and "--route-weight" in done.stderr
