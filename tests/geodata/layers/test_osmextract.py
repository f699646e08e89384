"""Reading OpenStreetMap extracts with pyosmium (layers/osmextract.py), and checking what they
give with the layer loaders, as PBF and as XML."""

import pyproj
import pytest
import shapely

from geodata.errors import UnreadableFile
from geodata.io.files import NamedFrame
from geodata.layers.buildings import LEVEL_HEIGHT_M, load_buildings
from geodata.layers.loadreport import LoadReport
from geodata.layers.osmextract import read_extract, suggested_key_routes
from geodata.layers.roads import load_roads
from geodata.layers.wards import load_wards
from tests.osm_extracts import (
    CAMERAS,
    ROAD_DEGREES,
    district_extract,
    roads_only_extract,
)

UTM48N = "EPSG:32648"
GEOD = pyproj.Geod(ellps="WGS84")


def metres_east(degrees: float, lat: float) -> float:
    """The length of an east–west line of ``degrees`` of longitude at ``lat``, on WGS 84."""
    return GEOD.line_length([106.75, 106.75 + degrees], [lat, lat])


@pytest.fixture(params=["osm.pbf", "osm"], ids=["pbf", "xml"])
def extract_path(request, tmp_path):
    return district_extract(tmp_path / f"thu_duc.{request.param}")


def test_named_roads_keep_their_class_and_paths_are_left_out_and_counted(extract_path):
    report = LoadReport()
    extract = read_extract(extract_path, report=report)
    roads = extract.roads
    assert str(roads.crs) == "EPSG:4326"
    assert dict(zip(roads["road_name"], roads["road_class"], strict=True)) == {
        "Mai Chí Thọ": "trunk",
        "Trần Não": "primary",  # name:vi when there is no name
        "Đường số 1": "residential",
        "Xa lộ Hà Nội": "trunk",
        "": "service",  # unnamed alleys are roads too
        "Lương Định Của": "secondary",
        "Nhánh Trần Não": "primary_link",
    }
    assert not {"footway", "steps", "cycleway", "pedestrian"} & set(roads["road_class"])
    (note,) = [line for line in report.lines("en") if "not a road" in line]
    assert note == (
        f"{extract_path.name}: left out 4 ways whose highway is not a road: footway (1), "
        "steps (1), cycleway (1), pedestrian area=yes (1)"
    )

    loaded = load_roads(NamedFrame(extract.file, roads), working=UTM48N)
    assert list(loaded.columns) == ["road_name", "road_class", "geometry"]
    assert str(loaded.crs) == UTM48N
    length_m = dict(zip(loaded["road_name"], loaded.length, strict=True))
    assert length_m["Mai Chí Thọ"] == pytest.approx(metres_east(ROAD_DEGREES[600], 10.79), abs=1)
    assert length_m["Mai Chí Thọ"] == pytest.approx(1093.5, abs=1)
    assert length_m["Trần Não"] == pytest.approx(metres_east(ROAD_DEGREES[601], 10.785), abs=1)


def test_buildings_from_closed_ways_and_multipolygon_relations_with_heights(extract_path):
    extract = read_extract(extract_path, layers=("buildings",))
    buildings = extract.buildings
    assert sorted(buildings["building"]) == ["apartments", "house", "yes"]  # not building=no
    assert set(buildings.geom_type) == {"MultiPolygon"}
    assert len(extract.roads) == len(extract.wards) == len(extract.cameras) == 0

    report = LoadReport()
    loaded = load_buildings(NamedFrame(extract.file, buildings), working=UTM48N, report=report)
    by_kind = dict(zip(buildings["building"], loaded["height_m"], strict=True))
    assert by_kind["house"] == 3 * LEVEL_HEIGHT_M  # building:levels=3
    assert by_kind["apartments"] == 24.0  # height=24 m
    assert by_kind["yes"] != by_kind["yes"]  # unknown: NaN
    area_m2 = dict(zip(buildings["building"], loaded.area, strict=True))
    side_m = metres_east(0.0001, 10.7951)  # 0.0001° is about 11 m either way here
    north_m = GEOD.line_length([106.75, 106.75], [10.795, 10.7951])
    assert area_m2["house"] == pytest.approx(side_m * north_m, rel=0.01)
    # the block's courtyard (the relation's inner way) is a hole: 4 × 4 less 2 × 2 squares
    assert area_m2["apartments"] == pytest.approx(12 * side_m * north_m, rel=0.01)
    assert any("estimated as storeys × 3 m" in line for line in report.lines("en"))


def test_wards_are_assembled_at_the_chosen_admin_level(extract_path):
    report = LoadReport()
    extract = read_extract(extract_path, layers=("wards",), report=report)
    wards = extract.wards
    assert wards[["ward_code", "ward_name"]].to_numpy().tolist() == [
        ["27091", "Phường An Phú"],  # ref
        ["27088", "Phường Thảo Điền"],  # ref:gso, and name:vi for a name
    ]
    assert extract.admin_levels == {"6": 1, "8": 2}
    (note,) = report.lines("en")
    assert "1 boundary at admin_level 8 that could not be closed" in note
    assert note.endswith(
        "relation/1003; take a larger extract, or cut it with osmium extract --strategy smart"
    )

    loaded = load_wards(NamedFrame(extract.file, wards), working=UTM48N)
    # three member ways (An Phú) and two (Thảo Điền) closed into one square each
    assert set(loaded.geom_type) <= {"Polygon", "MultiPolygon"}
    square_m2 = GEOD.geometry_area_perimeter(shapely.box(106.74, 10.78, 106.76, 10.80).reverse())[0]
    assert loaded.area.tolist() == pytest.approx([abs(square_m2)] * 2, rel=0.002)
    shared_m = GEOD.line_length([106.76, 106.76], [10.78, 10.80])  # the way both wards share
    assert shapely.intersection(*loaded.geometry).length == pytest.approx(shared_m, abs=1)

    city = read_extract(extract_path, layers=("wards",), admin_level=6).wards
    assert city[["ward_code", "ward_name"]].to_numpy().tolist() == [
        ["osm:relation/1002", "Thành phố Thủ Đức"]  # no ref: the OSM id is the code
    ]


def test_surveillance_nodes_keep_their_tags_for_the_registry(extract_path):
    extract = read_extract(extract_path, layers=("cameras",))
    cameras = extract.cameras
    assert cameras["osm_id"].tolist() == [f"node/{n}" for n in CAMERAS]
    document = extract.camera_document()
    by_id = {element["id"]: element for element in document["elements"]}
    assert {n: e["tags"].get("camera:direction") for n, e in by_id.items()} == {
        800: "NE",
        801: "45",
        802: "90-180",
        803: None,
        804: "W",
    }
    assert by_id[800]["tags"]["surveillance:zone"] == "traffic"
    assert (by_id[802]["lon"], by_id[802]["lat"]) == pytest.approx(CAMERAS[802][0])


def test_within_cuts_roads_at_the_wards_and_keeps_buildings_and_cameras_inside(extract_path):
    extract = read_extract(extract_path)
    wards = load_wards(NamedFrame(extract.file, extract.wards), working=UTM48N)
    inside = extract.within(wards)
    assert len(inside.wards) == len(extract.wards)
    assert sorted(inside.buildings["building"]) == ["apartments", "house"]  # not the one east
    assert inside.cameras["osm_id"].tolist() == ["node/800", "node/801", "node/802", "node/803"]
    roads = load_roads(NamedFrame(extract.file, inside.roads), working=UTM48N)
    length_m = dict(zip(roads["road_name"], roads.length, strict=True))
    # Xa lộ Hà Nội runs from lon 106.77 to 106.79: only the half west of 106.78 is in a ward
    assert length_m["Xa lộ Hà Nội"] == pytest.approx(metres_east(0.01, 10.795), abs=1)
    assert length_m["Mai Chí Thọ"] == pytest.approx(metres_east(ROAD_DEGREES[600], 10.79), abs=1)


def test_key_routes_are_suggested_from_trunk_primary_and_secondary_names(extract_path):
    extract = read_extract(extract_path, layers=("roads",))
    roads = load_roads(NamedFrame(extract.file, extract.roads), working=UTM48N)
    # trunk first (the longer first), then primary, then secondary; no links, no residential
    assert suggested_key_routes(roads) == [
        "Xa lộ Hà Nội",
        "Mai Chí Thọ",
        "Trần Não",
        "Lương Định Của",
    ]
    assert suggested_key_routes(roads.drop(columns="road_class")) == []


def test_an_extract_without_a_layer_gives_it_empty(tmp_path):
    path = roads_only_extract(
        tmp_path / "duong.osm",
        {7: ({"highway": "tertiary", "name": "Quốc Hương"}, (106.73, 106.735), 10.80)},
        cut_ways={8: {"highway": "residential", "name": "Đường Cắt"}},
    )
    report = LoadReport()
    extract = read_extract(path, report=report)
    assert extract.roads["road_name"].tolist() == ["Quốc Hương"]
    assert len(extract.buildings) == len(extract.wards) == len(extract.cameras) == 0
    assert extract.admin_levels == {}
    assert report.lines("en") == [
        "duong.osm: left out 1 feature whose nodes are not all in the extract: way/8"
    ]


def test_broken_missing_and_foreign_files_are_refused_naming_the_file(tmp_path):
    whole = district_extract(tmp_path / "whole.osm.pbf").read_bytes()
    cut = tmp_path / "cut.osm.pbf"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(UnreadableFile, match=r"cut\.osm\.pbf cannot be read as OpenStreetMap"):
        read_extract(cut)
    xml = tmp_path / "page.osm"
    xml.write_text("<html><body>Not Found</body></html>", encoding="utf-8")
    with pytest.raises(UnreadableFile, match=r"page\.osm cannot be read as OpenStreetMap"):
        read_extract(xml)
    with pytest.raises(UnreadableFile, match=r"gone\.osm\.pbf: no such file"):
        read_extract(tmp_path / "gone.osm.pbf")
    with pytest.raises(UnreadableFile, match=r"roads\.geojson: the name is not an OpenStreetMap"):
        read_extract(tmp_path / "roads.geojson")
