"""Provisioning from the command line: ``init`` on a fresh SQLite file and a fresh PostgreSQL
schema, ``init --demo`` once and only once, and ``wards list`` of what is there."""

import pytest

import cli
from geodata.layers.demo import build_demo
from geodata.registry.access import SYSTEM_ACTOR
from geodata.registry.service import Registry
from tests.registry_fixtures import registry_url  # noqa: F401


@pytest.fixture
def database(registry_url, monkeypatch, tmp_path):  # noqa: F811
    monkeypatch.setenv("DATABASE_URL", registry_url)
    monkeypatch.setenv("CCTV_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CCTV_LANGUAGE", "en")
    return registry_url


def listed_wards(capsys) -> list[list[str]]:
    assert cli.main(["wards", "list"]) == 0
    return [line.split("\t") for line in capsys.readouterr().out.splitlines()]


def test_init_migrates_an_empty_database_and_loads_the_demo_once(database, capsys):
    assert cli.main(["init"]) == 0
    assert "registry ready at" in capsys.readouterr().out
    assert listed_wards(capsys) == [["code", "name", "cameras"]]

    assert cli.main(["init", "--demo"]) == 0
    assert "loaded the demo's 11 wards and 2,000 cameras" in capsys.readouterr().out
    rows = listed_wards(capsys)
    demo = build_demo()
    assert [row[:2] for row in rows[1:]] == sorted(
        demo.wards[["ward_code", "ward_name"]].to_numpy().tolist()
    )
    assert sum(int(row[2]) for row in rows[1:]) == 2000
    registry = Registry.open(database)
    try:
        cameras = registry.cameras(SYSTEM_ACTOR)
        assert cameras["horizontal_px"].notna().sum() > 1500  # the demo's stated image widths
    finally:
        registry.engine.dispose()

    assert cli.main(["init", "--demo"]) == 0  # a filled registry is left as it is, and says so
    assert "the demo was not loaded (nothing changed)" in capsys.readouterr().out
    assert sum(int(row[2]) for row in listed_wards(capsys)[1:]) == 2000


def test_a_ward_user_lists_every_ward_and_counts_only_their_cameras(database, capsys, monkeypatch):
    assert cli.main(["init", "--demo"]) == 0
    monkeypatch.setenv("PASSWORD", "Phuong-CL-kiem-tra-2026")
    assert cli.main(["users", "add", "catlai", "--role", "ward", "--ward", "27109"]) == 0
    capsys.readouterr()
    assert cli.main(["wards", "list", "--as", "catlai"]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()[1:]]
    counts = {code: int(cameras) for code, _name, cameras in rows}
    assert len(counts) == 11 and counts["27109"] > 0
    assert set(counts.values()) - {0} == {counts["27109"]}


def test_report_and_recommend_without_area_options_use_the_registrys_area(
    database, capsys, tmp_path
):
    import json
    from dataclasses import replace

    import geopandas as gpd

    from geodata.analysis.summary import summarise
    from geodata.registry import arealayers
    from tests.registry_fixtures import DISTRICT

    assert cli.main(["init", "--demo"]) == 0
    out = tmp_path / "report.json"
    assert cli.main(["report", "--json", str(out)]) == 0
    before = json.loads(out.read_text(encoding="utf-8"))
    assert before["cameras"]["total"] == 2000
    demo = build_demo()
    # A district user saves a buildings layer of one ring round the first camera: it replaces
    # the demo's buildings for every process, the command line included.
    first = demo.cameras[demo.cameras["status"] == "active"].iloc[0].geometry
    wall = gpd.GeoDataFrame(
        {"height_m": [20.0]},
        geometry=[first.buffer(9).difference(first.buffer(2))],
        crs=demo.crs,
    )
    registry = Registry.open(database)
    try:
        arealayers.save_layer(registry, DISTRICT, "buildings", wall)
    finally:
        registry.engine.dispose()
    assert cli.main(["report", "--json", str(out)]) == 0
    after = json.loads(out.read_text(encoding="utf-8"))
    expected = summarise(replace(demo, buildings=wall)).routes.total_covered_m
    assert after["routes"]["covered_m"] == pytest.approx(expected, abs=1.0)
    assert abs(after["routes"]["covered_m"] - before["routes"]["covered_m"]) > 10
    assert cli.main(["recommend", "--k", "2", "--json", str(out)]) == 0
    advice = json.loads(out.read_text(encoding="utf-8"))
    assert advice["covered_before_m"] == pytest.approx(after["routes"]["covered_m"], abs=0.01)
    assert len(advice["sites"]) == 2


def listed_layers(capsys) -> dict[str, tuple[int, str]]:
    assert cli.main(["layers", "list"]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert rows[0] == ["layer", "features", "source"]
    return {name: (int(count), source) for name, count, source in rows[1:]}


def test_layers_load_checks_a_file_as_the_data_page_does_and_saves_it(database, capsys, tmp_path):
    import geopandas as gpd
    import shapely

    assert cli.main(["init", "--demo"]) == 0
    capsys.readouterr()
    assert listed_layers(capsys)["buildings"] == (len(build_demo().buildings), "demo")
    x, y = 106.75, 10.79
    houses = gpd.GeoDataFrame(
        {"building": ["yes", "yes", "no"], "building:levels": ["3", "", "2"]},
        geometry=[shapely.box(x + i * 1e-4, y, x + i * 1e-4 + 5e-5, y + 1e-4) for i in range(3)],
        crs="EPSG:4326",
    )
    path = tmp_path / "nha.geojson"
    houses.to_file(path)
    assert cli.main(["layers", "load", "buildings", str(path)]) == 0
    captured = capsys.readouterr()
    assert "buildings: 2 features from nha.geojson saved in the registry" in captured.out
    assert "building=no" in captured.err  # the load report, as on the Data page
    assert listed_layers(capsys)["buildings"] == (2, "registry")

    wards = build_demo().wards.to_crs(4326)
    wards.loc[0, "ward_name"] = "Phường Mới"
    ward_file = tmp_path / "phuong_2025.gpkg"
    wards.to_file(ward_file)
    assert cli.main(["layers", "load", "wards", str(ward_file), "--boundary-set", "2025"]) == 0
    assert 'saved as the boundaries "2025"' in capsys.readouterr().out
    assert cli.main(["wards", "list"]) == 0
    assert "Phường Mới" in capsys.readouterr().out
    assert listed_layers(capsys)["wards"] == (11, "registry")


def test_key_routes_are_road_names_and_new_roads_keep_them_or_say_so(database, capsys, tmp_path):
    assert cli.main(["init", "--demo"]) == 0
    assert cli.main(["key-routes", "set", "Mai Chí Thọ", "Trần Não"]) == 0
    assert "2 key routes saved" in capsys.readouterr().out
    assert listed_layers(capsys)["key_routes"] == (2, "registry")
    assert cli.main(["key-routes", "set", "Đường Không Có"]) == 2
    assert "Đường Không Có" in capsys.readouterr().err
    roads = build_demo().roads
    few = roads[roads["road_name"] == "Mai Chí Thọ"].to_crs(4326)
    path = tmp_path / "duong.geojson"
    few.to_file(path)
    assert cli.main(["layers", "load", "roads", str(path)]) == 2
    refusal = capsys.readouterr().err
    assert "Trần Não" in refusal and "--anyway" in refusal
    assert listed_layers(capsys)["roads"][1] == "demo"  # nothing was saved
    assert cli.main(["layers", "load", "roads", str(path), "--anyway"]) == 0
    capsys.readouterr()
    assert listed_layers(capsys)["roads"] == (len(few), "registry")
