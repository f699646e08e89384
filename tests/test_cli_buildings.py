"""The CLI with a buildings layer and detail tiers: figures worked out by hand on a small area."""

import json
import math

import geopandas as gpd
import pytest
import shapely

import cli
from tests.test_cli import write_small_area

X0, Y0 = 686_000.0, 1_191_000.0


@pytest.fixture(autouse=True)
def english_messages(monkeypatch):
    monkeypatch.setenv("CCTV_LANGUAGE", "en")


def write_buildings(folder, *boxes, fmt="geojson"):
    """House footprints (boxes relative to the small area's corner) as an OSM-style file."""
    frame = gpd.GeoDataFrame(
        {"building": ["yes"] * len(boxes), "building:levels": ["2"] * len(boxes)},
        geometry=[shapely.box(X0 + a, Y0 + b, X0 + c, Y0 + d) for a, b, c, d in boxes],
        crs="EPSG:32648",
    ).to_crs("EPSG:4326")
    path = folder / f"buildings.{fmt}"
    frame.to_file(path)
    return path


def report(tmp_path, *extra):
    paths = write_small_area(tmp_path)
    out = tmp_path / "report.json"
    area = ["--wards", str(paths["wards"]), "--roads", str(paths["roads"])]
    area += ["--cameras", str(paths["cameras"]), "--hotspots", str(paths["hotspots"])]
    assert cli.main(["report", *area, "--json", str(out), *extra]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def test_a_house_between_a_camera_and_the_road_takes_its_view_away(tmp_path):
    # Camera 1 stands 10 m north of Đường Một facing it (90°): it sees 20 m. A house 10 m wide
    # from 2 m to 8 m in front of it hides all of that (its near corners' rays meet the road
    # 25 m either side); nothing else changes.
    open_view = report(tmp_path)
    houses = write_buildings(tmp_path, (95, 252, 105, 258))
    blocked = report(tmp_path, "--buildings", str(houses))
    lost_m = open_view["routes"]["covered_m"] - blocked["routes"]["covered_m"]
    assert lost_m == pytest.approx(20.0, abs=0.01)
    by_route = {row["name"]: row for row in blocked["routes"]["by_route"]}
    unblocked = {row["name"]: row for row in open_view["routes"]["by_route"]}
    assert unblocked["Đường Một"]["covered_m"] - by_route["Đường Một"]["covered_m"] == (
        pytest.approx(20.0, abs=0.01)
    )


def test_each_tier_is_reported_with_its_density_and_what_rests_on_assumed_specs(tmp_path):
    # No camera states its image width: both active ones are taken as 1920 px. At recognition
    # (125 px/m) the bullet 10 m from the road reaches only 7.68 m; the dome (360°) reaches
    # 1920 / (125 · 2π) m on each side of it along both roads.
    figures = report(tmp_path, "--tier", "recognition")
    tiers = figures["routes"]["tiers"]
    assert [tier["tier"] for tier in tiers] == [
        "detection",
        "observation",
        "recognition",
        "identification",
    ]
    assert [tier["px_per_m"] for tier in tiers] == [25.0, 62.5, 125.0, 250.0]
    assert all(set(tier) == {"tier", "px_per_m", "covered_m", "share"} for tier in tiers)
    dome_m = 4 * 1920 / (125 * 2 * math.pi)
    assert tiers[2]["covered_m"] == pytest.approx(dome_m, abs=0.01)
    assert tiers[2]["share"] == pytest.approx(dome_m / figures["routes"]["length_m"], abs=1e-6)
    for entry in (*figures["routes"]["by_route"], *figures["routes"]["by_ward"]):
        assert [tier["tier"] for tier in entry["tiers"]] == [tier["tier"] for tier in tiers]
    assert sum(r["tiers"][2]["covered_m"] for r in figures["routes"]["by_ward"]) == (
        pytest.approx(dome_m, abs=0.02)
    )
    assert set(figures["hotspots"][0]["tiers"][0]) == {"tier", "px_per_m", "covered_m2", "share"}
    assumed = figures["assumed_specs"]
    assert assumed["cameras"] == 2 and assumed["horizontal_px"] == 1920
    assert assumed["tiers"][2]["covered_m"] == pytest.approx(dome_m, abs=0.01)
    # The gaps are those at recognition: nearly the whole of both roads.
    assert figures["gaps_tier"] == "recognition"
    assert sum(gap["length_m"] for gap in figures["gaps"]) > figures["routes"]["length_m"] - 60


def test_a_camera_inside_a_building_is_reported(tmp_path, capsys):
    houses = write_buildings(tmp_path, (240, 240, 260, 262))  # around the dome camera
    report(tmp_path, "--buildings", str(houses))
    assert "1 camera(s) stand inside a building footprint" in capsys.readouterr().err


def test_a_buildings_file_that_is_not_footprints_is_refused_with_its_name(tmp_path, capsys):
    points = gpd.GeoDataFrame(
        {"building": ["yes"]}, geometry=[shapely.Point(106.7, 10.78)], crs="EPSG:4326"
    )
    path = tmp_path / "nodes.geojson"
    points.to_file(path)
    paths = write_small_area(tmp_path)
    area = ["--wards", str(paths["wards"]), "--roads", str(paths["roads"])]
    code = cli.main(["report", *area, "--cameras", str(paths["cameras"]), "--buildings", str(path)])
    assert code != 0
    assert "nodes.geojson" in capsys.readouterr().err
