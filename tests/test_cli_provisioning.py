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


def tab_rows(capsys) -> list[list[str]]:
    return [line.split("\t") for line in capsys.readouterr().out.splitlines()]


def test_boundary_sets_from_the_command_line(database, capsys, tmp_path, monkeypatch):
    """Last year's wards kept; this year's current; reports and exports on either; ward users
    mapped from old wards to new ones."""
    import json

    from pypdf import PdfReader

    from geodata.layers.demo import DEMO_NAME
    from geodata.layers.demosets import MERGED_SET

    assert cli.main(["init", "--demo"]) == 0
    monkeypatch.setenv("PASSWORD", "Phuong-CL-kiem-tra-2026")
    assert cli.main(["users", "add", "catlai", "--role", "ward", "--ward", "27109"]) == 0
    capsys.readouterr()
    assert cli.main(["wards", "sets"]) == 0
    assert tab_rows(capsys) == [
        ["name", "valid_from", "wards", "current", "illustrative"],
        [DEMO_NAME, "1997-04-01", "11", "yes", "no"],
        [MERGED_SET, "2025-07-01", "3", "no", "yes"],
    ]
    old_report = tmp_path / "old.json"
    assert cli.main(["report", "--json", str(old_report)]) == 0
    capsys.readouterr()

    # This year's wards from a file, made current: the ward user's ward is gone.
    merged = build_demo().wards.to_crs(4326).dissolve().assign(ward_code="79999", ward_name="Một")
    path = tmp_path / "phuong_2026.geojson"
    merged[["ward_code", "ward_name", "geometry"]].to_file(path)
    command = ["layers", "load", "wards", str(path), "--boundary-set", "2026"]
    assert cli.main([*command, "--valid-from", "2026-01-01"]) == 0
    captured = capsys.readouterr()
    assert '"2026"; 2,000 cameras moved' in captured.out
    assert "1 users look after wards the current boundary set lacks" in captured.err
    assert "catlai" in captured.err
    assert cli.main(["wards", "list"]) == 0
    assert tab_rows(capsys)[1:] == [["79999", "Một", "2000"]]
    assert cli.main(["wards", "list", "--as", "catlai"]) == 0
    assert tab_rows(capsys)[1:] == [["79999", "Một", "0"]]  # sees nothing, not the wrong ward

    # Last year's report, redone on last year's wards, is the same report.
    again = tmp_path / "again.json"
    assert cli.main(["report", "--boundary-set", DEMO_NAME, "--json", str(again)]) == 0
    assert json.loads(again.read_text()) == json.loads(old_report.read_text())
    capsys.readouterr()
    assert cli.main(["wards", "list", "--boundary-set", DEMO_NAME]) == 0
    assert sum(int(row[2]) for row in tab_rows(capsys)[1:]) == 2000
    pdf = tmp_path / "old.pdf"
    assert cli.main(["export", "--format", "pdf", "--out", str(pdf), "--lang", "en",
                     "--boundary-set", DEMO_NAME, "--ward", "27109"]) == 0  # fmt: skip
    words = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Cát Lái" in words and f"the set “{DEMO_NAME}”" in words
    assert cli.main(["report", "--as", "catlai", "--boundary-set", DEMO_NAME]) == 2
    assert "current boundary set" in capsys.readouterr().err

    # The district maps the old ward to the new one; the ward user sees it.
    assert cli.main(["wards", "scopes"]) == 0
    assert tab_rows(capsys)[1:] == [["catlai", "ward", "27109", "79999"]]
    assert cli.main(["wards", "map", "--suggested"]) == 0
    assert "gave 1 users their new wards" in capsys.readouterr().out
    assert cli.main(["wards", "list", "--as", "catlai"]) == 0
    assert tab_rows(capsys)[1:] == [["79999", "Một", "2000"]]
    assert cli.main(["wards", "map", "27109"]) == 2
    assert "27109" in capsys.readouterr().err

    # An old set made current again; a set only kept stays aside.
    assert cli.main(["wards", "use", DEMO_NAME]) == 0
    assert f'"{DEMO_NAME}" is now the current one; 2,000 cameras moved' in capsys.readouterr().out
    assert cli.main([*command[:-1], "2026 (sửa)", "--keep-current"]) == 0
    capsys.readouterr()
    assert cli.main(["wards", "sets"]) == 0
    current = [row[0] for row in tab_rows(capsys)[1:] if row[3] == "yes"]
    assert current == [DEMO_NAME]
    with pytest.raises(SystemExit, match="2"):
        cli.main(["report", "--demo", "--boundary-set", "2026"])
    assert "--boundary-set is for the registry's own area" in capsys.readouterr().err


@pytest.fixture
def postgres_databases():
    """Two fresh PostgreSQL databases (their libpq URLs), dropped afterwards."""
    import os
    import shutil
    import uuid

    from sqlalchemy import create_engine, text

    from tests.registry_fixtures import POSTGRES_URL

    missing = [tool for tool in ("pg_dump", "pg_restore") if shutil.which(tool) is None]
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{', '.join(missing)} must be installed in CI")
        pytest.skip(f"{', '.join(missing)} not installed")
    names = [f"cctv_restore_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # no server
        admin.dispose()
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL at {POSTGRES_URL} is required under CI=true: {error}")
        pytest.skip(f"no PostgreSQL at {POSTGRES_URL}: {error}")
    server = POSTGRES_URL.rsplit("/", 1)[0].replace("postgresql+psycopg://", "postgresql://")
    yield [f"{server}/{name}" for name in names]
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_a_postgresql_registry_comes_back_whole_from_pg_dump(
    postgres_databases, monkeypatch, tmp_path, capsys
):
    """The README's backup and restore lines for PostgreSQL, run as written."""
    import subprocess

    from geodata.layers.demosets import MERGED_SET

    source, target = postgres_databases
    monkeypatch.setenv("CCTV_LANGUAGE", "en")
    monkeypatch.setenv("DATABASE_URL", source.replace("postgresql://", "postgresql+psycopg://"))
    assert cli.main(["init", "--demo"]) == 0
    assert cli.main(["wards", "use", MERGED_SET]) == 0
    dump = tmp_path / "registry.dump"
    subprocess.run(["pg_dump", "-Fc", "-f", str(dump), source], check=True)
    subprocess.run(["pg_restore", "--clean", "--if-exists", "-d", target, str(dump)], check=True)
    urls = [url.replace("postgresql://", "postgresql+psycopg://") for url in (source, target)]
    opened = [Registry.open(url) for url in urls]
    try:
        original, restored = opened
        assert restored.verify_audit(SYSTEM_ACTOR) is None  # the seal holds
        assert restored.audit_fingerprint(SYSTEM_ACTOR) == original.audit_fingerprint(SYSTEM_ACTOR)
        assert restored.cameras(SYSTEM_ACTOR).equals(original.cameras(SYSTEM_ACTOR))
        assert restored.boundary_sets().equals(original.boundary_sets())
        assert restored.current_boundary_set() == MERGED_SET
        dome = {"lat": 10.765, "lon": 106.795, "fov_deg": 360, "range_m": 15}
        restored.register(SYSTEM_ACTOR, dome)
        assert restored.count() == 2001  # its id sequences came back too
    finally:
        for registry in opened:
            registry.engine.dispose()
