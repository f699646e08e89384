"""``cli.py layers load-osm``: an OpenStreetMap extract's roads, buildings, wards and cameras
into a fresh registry, checked as ``layers load`` checks files (SQLite and PostgreSQL)."""

import csv
import shlex

import pyproj
import pytest

import cli
from geodata.layers.demo import build_demo
from geodata.registry import arealayers
from geodata.registry.access import SYSTEM_ACTOR
from geodata.registry.service import Registry
from tests.osm_extracts import buildings_only_extract, district_extract, roads_only_extract
from tests.registry_fixtures import registry_url  # noqa: F401

GEOD = pyproj.Geod(ellps="WGS84")
SUGGESTED = ["Xa lộ Hà Nội", "Mai Chí Thọ", "Trần Não", "Lương Định Của"]
"""The key routes the district extract suggests: trunk (longest first), primary, secondary."""
SUGGESTION = "4 key routes suggested (the named trunk, primary and secondary roads): " + ", ".join(
    SUGGESTED
)


@pytest.fixture
def database(registry_url, monkeypatch, tmp_path):  # noqa: F811
    monkeypatch.setenv("DATABASE_URL", registry_url)
    monkeypatch.setenv("CCTV_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CCTV_LANGUAGE", "en")
    assert cli.main(["init"]) == 0
    return registry_url


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def load_osm(capsys, extract, *options: str) -> tuple[int, str, str]:
    """``cli.py layers load-osm EXTRACT OPTIONS…``: exit status, stdout, stderr."""
    return run(capsys, "layers", "load-osm", str(extract), *options)


def listed(capsys, *command: str) -> list[list[str]]:
    code, out, _ = run(capsys, *command)
    assert code == 0
    return [line.split("\t") for line in out.splitlines()[1:]]


def area(url: str):
    registry = Registry.open(url)
    try:
        return arealayers.current(registry, build_demo()), registry.cameras(SYSTEM_ACTOR)
    finally:
        registry.engine.dispose()


def metres_east(west: float, east: float, lat: float) -> float:
    return GEOD.line_length([west, east], [lat, lat])


@pytest.mark.parametrize("suffix", ["osm.pbf", "osm"])
def test_every_layer_lands_in_the_registry_and_the_cameras_go_through_the_import(
    database, capsys, tmp_path, suffix
):
    extract = district_extract(tmp_path / f"thu_duc.{suffix}")
    cameras_csv = tmp_path / "camera_osm.csv"
    code, out, err = load_osm(
        capsys,
        extract,
        "--set-key-routes",
        "--cameras-out",
        str(cameras_csv),
    )
    assert code == 0, err
    lines = out.splitlines()
    name = extract.name
    assert f"roads: 7 features from {name} saved in the registry" in lines
    assert f"buildings: 3 features from {name} saved in the registry" in lines
    assert f'wards: 2 wards from {name} saved as the boundaries "{name}"; 0 cameras moved' in out
    assert SUGGESTION in lines
    assert "4 key routes saved" in lines
    assert f"cameras: 4 surveillance cameras from {name} written to {cameras_csv}" in out
    assert shlex.join(["python", "cli.py", "cameras", "import", str(cameras_csv)]) in out
    # the load report, as `layers load` prints it
    assert f"note: {name}: left out 4 ways whose highway is not a road" in err
    assert "relation/1003" in err and "estimated as storeys × 3 m" in err
    assert "skipped 1 feature(s) that are not surveillance cameras" in err  # the guard

    layers = {row[0]: (int(row[1]), row[2]) for row in listed(capsys, "layers", "list")}
    assert layers["wards"] == (2, "registry")
    assert layers["roads"] == (7, "registry")
    assert layers["buildings"] == (3, "registry")
    assert layers["key_routes"] == (4, "registry")
    assert layers["hotspots"] == (0, "none")  # the district's own area has none yet
    assert listed(capsys, "wards", "list") == [
        ["27088", "Phường Thảo Điền", "0"],
        ["27091", "Phường An Phú", "0"],
    ]
    saved, _ = area(database)
    assert saved.key_routes == tuple(sorted(SUGGESTED))
    assert "road_class" in saved.roads.columns
    mai_chi_tho = saved.roads[saved.roads["road_name"] == "Mai Chí Thọ"]
    assert mai_chi_tho.length.sum() == pytest.approx(metres_east(106.745, 106.755, 10.79), abs=1)
    assert sorted(saved.buildings["height_m"].fillna(0)) == [0.0, 9.0, 24.0]

    with cameras_csv.open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["external_code"]: row for row in csv.DictReader(handle)}
    assert set(rows) == {"osm:node/800", "osm:node/801", "osm:node/802", "osm:node/804"}
    assert {code: float(row["bearing_deg"]) for code, row in rows.items()} == {
        "osm:node/800": 45.0,  # NE
        "osm:node/801": 45.0,
        "osm:node/802": 135.0,  # the middle of 90-180
        "osm:node/804": 270.0,  # W
    }
    assert rows["osm:node/801"]["fov_deg"] == "360.0"  # a dome sees all round
    assert rows["osm:node/800"]["camera_type"] == "bullet"  # camera:type=fixed
    assert rows["osm:node/800"]["mount_height_m"] == "4.0"
    assert rows["osm:node/800"]["notes"].startswith("OpenStreetMap (surveillance:zone=traffic)")
    code, out, _ = run(capsys, "cameras", "import", str(cameras_csv))
    assert code == 0
    assert out.strip() == "accepted 3, rejected 1"  # node 804 lies outside both wards
    _, cameras = area(database)
    assert sorted(cameras["external_code"]) == ["osm:node/800", "osm:node/801", "osm:node/802"]
    assert dict(zip(cameras["external_code"], cameras["ward_code"], strict=True)) == {
        "osm:node/800": "27091",
        "osm:node/801": "27091",
        "osm:node/802": "27088",
    }


def test_within_wards_keeps_what_lies_in_the_registrys_wards(database, capsys, tmp_path):
    extract = district_extract(tmp_path / "thu_duc.osm.pbf")
    code, out, _ = load_osm(capsys, extract, "--layers", "wards")
    assert code == 0 and "wards: 2 wards" in out
    assert "roads:" not in out and "cameras:" not in out  # only the layers asked for
    cameras_csv = tmp_path / "inside.csv"
    code, out, err = load_osm(
        capsys,
        extract,
        "--layers",
        "roads,buildings,cameras",
        "--within",
        "wards",
        "--anyway",
        "--cameras-out",
        str(cameras_csv),
    )
    assert code == 0, err
    assert "buildings: 2 features" in out  # the house east of Thảo Điền is left out
    assert "cameras: 3 surveillance cameras" in out
    saved, _ = area(database)
    length_m = saved.roads.length.groupby(saved.roads["road_name"]).sum()
    # Xa lộ Hà Nội runs from lon 106.77 to 106.79, Thảo Điền ends at 106.78
    assert length_m["Xa lộ Hà Nội"] == pytest.approx(metres_east(106.77, 106.78, 10.795), abs=1)
    assert length_m["Trần Não"] == pytest.approx(metres_east(106.75, 106.77, 10.785), abs=1)
    assert saved.key_routes == ()  # none set: the own area has no key routes of the demo
    assert run(capsys, "cameras", "import", str(cameras_csv))[1].strip() == "accepted 3, rejected 0"


def test_the_key_routes_are_suggested_with_the_command_that_sets_them(database, capsys, tmp_path):
    extract = district_extract(tmp_path / "thu_duc.osm")
    code, out, err = load_osm(capsys, extract, "--layers", "roads")
    assert code == 2  # some of the demo's key routes are not among these roads
    assert err.count("\n") == 1
    lost = [name for name in build_demo().key_routes if name not in SUGGESTED]
    assert len(lost) == 4 and f"do not contain {len(lost)} of the saved key routes" in err
    assert all(name in err for name in lost) and "--set-key-routes" in err
    assert [row[2] for row in listed(capsys, "layers", "list")] == ["demo"] * 5  # nothing saved

    code, out, _ = load_osm(capsys, extract, "--layers", "roads", "--anyway")
    assert code == 0
    assert SUGGESTION in out.splitlines()
    command = shlex.join(["python", "cli.py", "key-routes", "set", *SUGGESTED])
    assert f"to make them the key routes, run: {command}" in out.splitlines()
    assert run(capsys, *shlex.split(command)[2:])[0] == 0  # the command printed works as it is
    saved, _ = area(database)
    assert saved.key_routes == tuple(sorted(SUGGESTED))


def test_admin_level_chooses_the_boundaries_and_says_where_they_are(database, capsys, tmp_path):
    extract = district_extract(tmp_path / "thu_duc.osm.pbf")
    code, out, _ = load_osm(capsys, extract, "--layers", "wards", "--admin-level", "9")
    assert code == 2  # nothing at all: not an empty success
    code, out, _ = load_osm(
        capsys,
        extract,
        "--layers",
        "wards,cameras",
        "--admin-level",
        "9",
    )
    assert code == 0
    assert (
        f"wards: no named boundary=administrative at admin_level 9 in {extract.name}; nothing "
        "saved (the levels there: 6 (1 boundary), 8 (2 boundaries); choose one with "
        "--admin-level)"
    ) in out
    assert f"cameras: 4 surveillance cameras in {extract.name}; to offer them" in out
    code, out, _ = load_osm(
        capsys,
        extract,
        "--layers",
        "wards",
        "--admin-level",
        "6",
        "--boundary-set",
        "Thủ Đức 2024",
    )
    assert code == 0 and 'saved as the boundaries "Thủ Đức 2024"' in out
    assert listed(capsys, "wards", "list") == [["osm:relation/1002", "Thành phố Thủ Đức", "0"]]


def test_a_layer_the_extract_lacks_is_not_saved_and_said_so(database, capsys, tmp_path):
    extract = roads_only_extract(
        tmp_path / "duong.osm.pbf",
        {7: ({"highway": "tertiary", "name": "Quốc Hương"}, (106.73, 106.735), 10.80)},
    )
    code, out, _ = load_osm(capsys, extract, "--anyway")
    assert code == 0
    assert out.splitlines() == [
        "roads: 1 features from duong.osm.pbf saved in the registry",
        "buildings: none in duong.osm.pbf; nothing saved",
        "wards: no named boundary=administrative in duong.osm.pbf; nothing saved",
        "cameras: none in duong.osm.pbf; nothing saved",
        "no named trunk, primary or secondary road: no key route suggested",
    ]


def test_a_building_tag_that_is_no_number_is_ignored_and_counted_not_fatal(
    database, capsys, tmp_path
):
    # OpenStreetMap's mappers write what they like; a district cannot mend the map.
    extract = buildings_only_extract(
        tmp_path / "nha.osm.pbf",
        [
            {"building": "house", "height": "10;12", "building:levels": "3"},
            {"building": "house", "height": "~15"},
            {"building": "house", "building:levels": "ba"},
            {"building": "yes", "height": "12 m"},
        ],
    )
    code, out, err = load_osm(capsys, extract, "--layers", "buildings")
    assert code == 0, err
    assert "buildings: 4 features from nha.osm.pbf saved in the registry" in out
    assert "3 building(s) whose height or storeys tag is not a number" in err
    saved, _ = area(database)
    assert sorted(saved.buildings["height_m"].fillna(0)) == [0.0, 0.0, 9.0, 12.0]


def test_a_buildings_file_with_a_height_that_is_no_number_is_still_refused(tmp_path):
    from geodata.errors import InputError
    from geodata.layers.buildings import load_buildings

    path = tmp_path / "nha.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", '
        '"properties": {"height": "10;12"}, "geometry": {"type": "Polygon", "coordinates": '
        "[[[106.75, 10.79], [106.7502, 10.79], [106.7502, 10.7902], [106.75, 10.79]]]}}]}",
        encoding="utf-8",
    )
    with pytest.raises(InputError):
        load_buildings(path, crs=4326)


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("cut.osm.pbf", None, "cut.osm.pbf cannot be read as OpenStreetMap data"),
        ("page.osm", b"<html><body>404</body></html>", "page.osm cannot be read as OpenStreetMap"),
        ("gone.osm.pbf", "missing", "gone.osm.pbf: no such file"),
        ("roads.geojson", b"{}", "roads.geojson: the name is not an OpenStreetMap extract's"),
    ],
)
def test_a_broken_file_is_one_line_and_exit_2(database, capsys, tmp_path, name, content, says):
    path = tmp_path / name
    if content is None:
        whole = district_extract(tmp_path / "whole.osm.pbf").read_bytes()
        path.write_bytes(whole[: len(whole) // 2])
    elif content != "missing":
        path.write_bytes(content)
    code, out, err = load_osm(capsys, path)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and says in err
    assert "Traceback" not in err


def test_an_extract_with_nothing_of_the_layers_is_refused_naming_it(database, capsys, tmp_path):
    extract = roads_only_extract(tmp_path / "loi_di.osm")  # a footway only
    code, out, err = load_osm(capsys, extract)
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert "loi_di.osm holds nothing of the layers asked for" in err
    assert "roads, buildings, wards, cameras" in err


def test_within_wards_needs_wards_and_layers_are_known(database, capsys, tmp_path, monkeypatch):
    extract = district_extract(tmp_path / "thu_duc.osm.pbf")
    monkeypatch.setenv("PASSWORD", "Chi-doc-thoi-2026-ok")
    assert run(capsys, "users", "add", "xem", "--role", "viewer")[0] == 0
    code, _, err = load_osm(capsys, extract, "--as", "xem")
    assert code == 2 and err.count("\n") == 1 and "change the area's layers" in err
    code, _, err = load_osm(capsys, extract, "--within", "wards")
    assert code == 2 and "--within wards needs the registry's ward boundaries" in err
    code, _, err = load_osm(capsys, extract, "--layers", "roads,trees")
    assert code == 2 and "no layer trees; choose among roads, buildings, wards, cameras" in err


def test_help_and_messages_come_from_the_catalogue(database, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("CCTV_LANGUAGE", "vi")
    with pytest.raises(SystemExit, match="0"):
        cli.main(["layers", "load-osm", "--help"])
    assert "tệp trích xuất OpenStreetMap" in capsys.readouterr().out
    extract = roads_only_extract(tmp_path / "loi_di.osm")
    code, _, err = load_osm(capsys, extract)
    assert code == 2 and err.startswith("lỗi: loi_di.osm không có gì thuộc các lớp đã chọn")
