"""Camera exports and OpenStreetMap tags (registry/cameraio.py, osm.py), SQLite and PostgreSQL."""

import datetime as dt
import json

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest

from geodata.errors import InputError, NotFound, PermissionDenied
from geodata.io.exports import atomic_path
from geodata.layers.camerafields import OWNER_FIELDS
from geodata.layers.contract import CAMERA_COLUMNS, CAMERA_SPEC_COLUMNS
from geodata.layers.demo import build_demo
from geodata.layers.loadreport import LoadReport
from geodata.registry import cameraio
from geodata.registry.access import Actor
from geodata.registry.cameraio import export_cameras
from geodata.registry.osm import (
    import_osm,
    osm_features,
    parse_direction,
    read_osm_cameras,
    write_osm_geojson,
)
from tests.registry_fixtures import DISTRICT

AN_KHANH = "27106"
CAT_LAI = "27109"
IN_AN_KHANH = {"lat": 10.7812, "lon": 106.7200}
IN_CAT_LAI = {"lat": 10.7650, "lon": 106.7950}
LAN = Actor("lan", "ward", frozenset({AN_KHANH}))
VIEWER = Actor("xem", "viewer")
FORMULA = '=HYPERLINK("http://example.com","bấm")'
FORMATS = ["csv", "xlsx", "geojson", "gpkg"]


def camera(where, **fields):
    return {**where, "fov_deg": 90, "range_m": 30, "bearing_deg": 45, **fields}


@pytest.fixture
def cameras(registry):
    """Two cameras in An Khánh, two in Cát Lái (one removed); their records by external code."""
    records = [
        registry.register(
            DISTRICT,
            camera(
                IN_AN_KHANH,
                external_code="AK-1",
                camera_type="bullet",
                bearing_deg=44.6,
                mount_height_m=3.5,
                horizontal_px=1920,
                installed_on=dt.date(2025, 3, 31),
                house_number="12/3",
                street="Trần Não",
                notes=FORMULA,
                owner_name="Nguyễn Thị Hoa",
                owner_phone="+84 909 123 456",
            ),
        ),
        registry.register(
            DISTRICT,
            camera(
                {"lat": 10.7815, "lon": 106.7203},
                external_code="AK-2",
                camera_type="dome",
                fov_deg=360,
                range_m=15,
                resolution_mp=4,
                owner_name="Trần Văn Bình",
                owner_phone="0909 000 111",
            ),
        ),
        registry.register(
            DISTRICT,
            camera(IN_CAT_LAI, external_code="CL-1", camera_type="ptz", status="broken"),
        ),
        registry.register(
            DISTRICT,
            camera({"lat": 10.7652, "lon": 106.7952}, external_code="CL-2", status="removed"),
        ),
    ]
    return {record["external_code"]: record for record in records}


def read_back(path, fmt) -> pd.DataFrame:
    if fmt == "csv":
        return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    if fmt == "xlsx":
        return pd.read_excel(path, dtype=object)
    return gpd.read_file(path)


# ------------------------------------------------------------------------------------ exports


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_holds_the_cameras_without_owner_details(registry, cameras, tmp_path, fmt):
    path = tmp_path / f"cameras.{fmt}"
    assert export_cameras(registry, DISTRICT, path, fmt=fmt) == 4
    table = read_back(path, fmt)
    assert sorted(table["external_code"]) == ["AK-1", "AK-2", "CL-1", "CL-2"]
    assert not set(OWNER_FIELDS) & set(table.columns)
    first = table[table["external_code"] == "AK-1"].iloc[0]
    assert first["street"] == "Trần Não" and first["ward_name"] == "An Khánh"
    assert float(first["bearing_deg"]) == pytest.approx(44.6)
    assert int(first["horizontal_px"]) == 1920
    if fmt in ("geojson", "gpkg"):
        assert table.crs.to_epsg() == 4326
        assert set(table.geom_type) == {"Point"}
        assert (first.geometry.x, first.geometry.y) == pytest.approx((106.72, 10.7812), abs=1e-7)
        assert "lat" not in table.columns
    else:
        assert float(first["lat"]) == pytest.approx(10.7812)
        assert float(first["lon"]) == pytest.approx(106.72)


def test_every_export_is_audited(registry, cameras, tmp_path):
    export_cameras(registry, DISTRICT, tmp_path / "c.csv", fmt="csv")
    entry = registry.audit_entries(DISTRICT).iloc[0]
    assert entry["action"] == "export"
    assert json.loads(entry["detail"])["count"] == 4


@pytest.mark.parametrize("fmt", FORMATS)
def test_owner_details_only_with_a_purpose_and_audited(registry, cameras, tmp_path, fmt):
    path = tmp_path / f"owners.{fmt}"
    with pytest.raises(InputError, match="needs its purpose stated"):
        export_cameras(registry, DISTRICT, path, fmt=fmt, with_owner=True)
    assert not path.exists()
    purpose = "Công an phường xác minh camera"
    export_cameras(registry, DISTRICT, path, fmt=fmt, with_owner=True, purpose=purpose)
    table = read_back(path, fmt)
    assert set(OWNER_FIELDS) <= set(table.columns)
    first = table[table["external_code"] == "AK-1"].iloc[0]
    assert first["owner_name"] == "Nguyễn Thị Hoa"
    entries = registry.audit_entries(DISTRICT)
    owners = entries[entries["action"] == "export.owners"]
    assert len(owners) == 1
    detail = json.loads(owners.iloc[0]["detail"])
    assert detail == {"count": 4, "purpose": purpose, "target": f"{fmt}:{path}"}


def test_viewer_cannot_export_owner_details_and_nothing_is_written(registry, cameras, tmp_path):
    path = tmp_path / "owners.csv"
    with pytest.raises(PermissionDenied, match=r"xem \(Viewer\) may not export owner details"):
        export_cameras(registry, VIEWER, path, fmt="csv", with_owner=True, purpose="kiểm tra")
    assert not path.exists()
    assert export_cameras(registry, VIEWER, path, fmt="csv") == 4
    assert not set(OWNER_FIELDS) & set(read_back(path, "csv").columns)


def test_ward_user_exports_only_their_wards_cameras(registry, cameras, tmp_path):
    path = tmp_path / "lan.xlsx"
    assert export_cameras(registry, LAN, path, fmt="xlsx", with_owner=True, purpose="xác minh") == 2
    table = read_back(path, "xlsx")
    assert sorted(table["external_code"]) == ["AK-1", "AK-2"]
    assert set(table["ward_code"].astype(str)) == {AN_KHANH}
    assert "Trần Văn Bình" in set(table["owner_name"])


def test_xlsx_header_dates_and_formula_looking_text(registry, cameras, tmp_path):
    path = tmp_path / "cameras.xlsx"
    export_cameras(registry, DISTRICT, path, fmt="xlsx", with_owner=True, purpose="xác minh")
    sheet = openpyxl.load_workbook(path)["cameras"]
    header = [cell.value for cell in sheet[1]]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    row = next(
        r for r in sheet.iter_rows(min_row=2) if r[header.index("external_code")].value == "AK-1"
    )
    notes = row[header.index("notes")]
    assert notes.data_type == "s" and notes.value == FORMULA
    phone = row[header.index("owner_phone")]
    assert phone.data_type == "s" and phone.value == "+84 909 123 456"
    installed = row[header.index("installed_on")]
    assert installed.is_date and installed.value.date() == dt.date(2025, 3, 31)
    created = row[header.index("created_at")]
    assert created.is_date and isinstance(created.value, dt.datetime)
    assert row[header.index("house_number")].value == "12/3"
    assert row[header.index("lat")].data_type == "n"


def test_csv_has_a_bom_and_formula_looking_text_stays_text(registry, cameras, tmp_path):
    path = tmp_path / "cameras.csv"
    export_cameras(registry, DISTRICT, path, fmt="csv", with_owner=True, purpose="xác minh")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "Nguyễn Thị Hoa" in raw.decode("utf-8-sig")
    table = read_back(path, "csv").set_index("external_code")
    assert table.loc["AK-1", "notes"] == "'" + FORMULA
    assert table.loc["AK-1", "owner_phone"] == "'+84 909 123 456"
    assert table.loc["AK-1", "installed_on"] == "2025-03-31"
    assert table.loc["AK-1", "bearing_deg"] == "44.6"


def test_failed_write_leaves_the_old_file_and_no_half_file(
    registry, cameras, tmp_path, monkeypatch
):
    folder = tmp_path / "out"
    folder.mkdir()
    path = folder / "cameras.csv"
    path.write_text("old export\n", encoding="utf-8")

    def fails_halfway(table, target):  # a writer that dies mid-file, as a full disk would
        with atomic_path(target) as temporary:
            temporary.write_text("id,lat\n1,", encoding="utf-8")
            raise OSError("disk full")

    monkeypatch.setattr(cameraio, "write_csv", fails_halfway)
    with pytest.raises(OSError, match="disk full"):
        export_cameras(registry, DISTRICT, path, fmt="csv")
    assert path.read_text(encoding="utf-8") == "old export\n"
    assert [p.name for p in folder.iterdir()] == ["cameras.csv"]


def test_unknown_format_and_missing_folder_are_refused(registry, tmp_path):
    with pytest.raises(InputError, match="unknown export format 'pdf'"):
        export_cameras(registry, DISTRICT, tmp_path / "c.pdf", fmt="pdf")
    with pytest.raises(InputError, match="does not exist"):
        export_cameras(registry, DISTRICT, tmp_path / "nope" / "c.csv", fmt="csv")
    assert registry.audit_entries(DISTRICT).query("action == 'export'").empty


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_export_is_a_valid_file(registry, tmp_path, fmt):
    path = tmp_path / f"empty.{fmt}"
    assert export_cameras(registry, DISTRICT, path, fmt=fmt) == 0
    table = read_back(path, fmt)
    assert len(table) == 0
    if fmt != "geojson":  # GeoJSON has no schema: an empty collection names no properties
        assert "external_code" in table.columns


# ------------------------------------------------------------------------------ OpenStreetMap


def test_osm_features_carry_the_surveillance_tags_and_no_owner_data(registry, cameras):
    collection = osm_features(registry, DISTRICT)
    by_ref = {f["properties"]["ref"]: f for f in collection["features"]}
    assert set(by_ref) == {"AK-1", "AK-2", "CL-1"}  # the removed camera is not mapped
    bullet = by_ref["AK-1"]
    assert bullet["geometry"] == {"type": "Point", "coordinates": [106.72, 10.7812]}
    assert bullet["properties"] == {
        "man_made": "surveillance",
        "surveillance": "public",
        "surveillance:type": "camera",
        "surveillance:zone": "town",
        "camera:type": "fixed",
        "camera:direction": "45",
        "height": "3.5",
        "ref": "AK-1",
    }
    assert by_ref["AK-2"]["properties"]["camera:type"] == "dome"
    assert "camera:direction" not in by_ref["AK-2"]["properties"]  # 360°: no direction
    assert by_ref["CL-1"]["properties"]["camera:type"] == "panning"
    text = json.dumps(collection, ensure_ascii=False)
    assert "Hoa" not in text and "909" not in text and "camera:angle" not in text


def test_osm_export_is_audited_and_never_holds_owners(registry, cameras, tmp_path):
    path = tmp_path / "osm.geojson"
    with pytest.raises(InputError, match="never holds owner details"):
        export_cameras(registry, DISTRICT, path, fmt="osm", with_owner=True, purpose="bản đồ")
    assert not path.exists()
    assert export_cameras(registry, DISTRICT, path, fmt="osm") == 3
    entry = registry.audit_entries(DISTRICT).iloc[0]
    assert entry["action"] == "export" and json.loads(entry["detail"])["target"] == f"osm:{path}"
    assert len(gpd.read_file(path)) == 3


def test_osm_export_round_trips(registry, cameras, tmp_path):
    path = tmp_path / "osm.geojson"
    write_osm_geojson(registry, DISTRICT, path)
    table = read_osm_cameras(path).set_index("external_code")
    assert sorted(table.index) == ["AK-1", "AK-2", "CL-1"]
    assert table.loc["AK-1", "bearing_deg"] == 45.0
    assert table.loc["AK-1", "camera_type"] == "bullet"
    assert table.loc["AK-1", "fov_deg"] == 90.0 and table.loc["AK-1", "range_m"] == 30.0
    assert table.loc["AK-1", "mount_height_m"] == 3.5
    assert (table.loc["AK-1", "lat"], table.loc["AK-1", "lon"]) == (10.7812, 106.72)
    assert table.loc["AK-2", "camera_type"] == "dome" and table.loc["AK-2", "fov_deg"] == 360.0
    assert table.loc["CL-1", "camera_type"] == "ptz"


OVERPASS = {
    "version": 0.6,
    "elements": [
        {"type": "node", "id": 101, "lat": 10.78, "lon": 106.72,
         "tags": {"man_made": "surveillance", "surveillance:type": "camera",
                  "camera:type": "fixed", "camera:direction": "NE", "height": "4 m"}},
        {"type": "node", "id": 102, "lat": 10.781, "lon": 106.721,
         "tags": {"man_made": "surveillance", "camera:direction": "SSW", "ref": "HCM-7"}},
        {"type": "node", "id": 103, "lat": 10.782, "lon": 106.722,
         "tags": {"surveillance:type": "camera", "camera:type": "panning",
                  "camera:direction": "E-W"}},
        {"type": "node", "id": 104, "lat": 10.783, "lon": 106.723,
         "tags": {"man_made": "surveillance", "camera:direction": "0-360"}},
        {"type": "node", "id": 105, "lat": 10.784, "lon": 106.724,
         "tags": {"man_made": "surveillance", "camera:direction": "towards the shop"}},
        {"type": "node", "id": 106, "lat": 10.785, "lon": 106.725,
         "tags": {"man_made": "surveillance", "surveillance:type": "guard"}},
        {"type": "way", "id": 107, "tags": {"man_made": "surveillance"}},
        {"type": "way", "id": 108, "center": {"lat": 10.786, "lon": 106.726},
         "tags": {"man_made": "surveillance", "camera:direction": "90;270"}},
    ],
}  # fmt: skip


def test_overpass_json_and_cardinal_directions(tmp_path):
    path = tmp_path / "overpass.json"
    path.write_text(json.dumps(OVERPASS), encoding="utf-8")
    report = LoadReport()
    table = read_osm_cameras(path, report=report).set_index("external_code")
    assert list(table.index) == [
        "osm:node/101",
        "HCM-7",
        "osm:node/103",
        "osm:node/104",
        "osm:node/105",
        "osm:way/108",
    ]
    assert table.loc["osm:node/101", "bearing_deg"] == 45.0
    assert table.loc["osm:node/101", "camera_type"] == "bullet"
    assert table.loc["osm:node/101", "mount_height_m"] == 4.0
    assert table.loc["HCM-7", "bearing_deg"] == 202.5
    assert table.loc["HCM-7", "camera_type"] == "other" and table.loc["HCM-7", "fov_deg"] == 90
    # E-W is the half turn through south: its middle faces south; a panning camera keeps 90°.
    assert table.loc["osm:node/103", "bearing_deg"] == 180.0
    assert table.loc["osm:node/103", "camera_type"] == "ptz"
    assert table.loc["osm:node/103", "fov_deg"] == 90.0
    assert table.loc["osm:node/104", "fov_deg"] == 360.0
    assert pd.isna(table.loc["osm:node/105", "bearing_deg"])
    assert "không hiểu hướng" in table.loc["osm:node/105", "notes"]
    assert table.loc["osm:way/108", "bearing_deg"] == 90.0
    lines = "\n".join(report.lines())
    assert "towards the shop" in lines and "way/107" in lines
    assert "several directions" in lines and "1 feature(s) that are not surveillance" in lines


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("N", (0.0, None)),
        ("ne", (45.0, None)),
        ("WNW", (292.5, None)),
        ("360", (0.0, None)),
        ("12.5", (12.5, None)),
        ("270-90", (0.0, 180.0)),
        ("NW-NE", (0.0, 90.0)),
        ("0-359", (0.0, 360.0)),
    ],
)
def test_directions_are_parsed(value, expected):
    assert parse_direction(value) == expected


@pytest.mark.parametrize("value", ["-45", "400", "NORTH", "N-", "1-2-3"])
def test_bad_directions_are_refused(value):
    with pytest.raises(InputError, match="camera:direction"):
        parse_direction(value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "cannot be read as JSON"),
        ("[1, 2]", "found a list"),
        ('{"type": "Topology"}', "neither a GeoJSON FeatureCollection nor Overpass"),
        ('{"elements": []}', "holds no surveillance camera"),
    ],
)
def test_unreadable_osm_files_are_refused(tmp_path, content, message):
    path = tmp_path / "cams.geojson"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_osm_cameras(path)


def test_osmtogeojson_features_are_read(tmp_path):
    document = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": "node/42",
                "properties": {"@id": "node/42", "man_made": "surveillance", "camera:type": "dome"},
                "geometry": {"type": "Point", "coordinates": [106.72, 10.78]},
            },
            {
                "type": "Feature",
                "properties": {"type": "node", "id": 43, "tags": {"man_made": "surveillance"}},
                "geometry": {"type": "Point", "coordinates": [106.73, 10.79]},
            },
        ],
    }
    table = read_osm_cameras(document)
    assert table["external_code"].tolist() == ["osm:node/42", "osm:node/43"]
    assert table["camera_type"].tolist() == ["dome", "other"]


def test_import_osm_registers_once(registry, tmp_path):
    path = tmp_path / "overpass.json"
    path.write_text(json.dumps(OVERPASS), encoding="utf-8")
    assert import_osm(registry, DISTRICT, path) == 6
    records = registry.cameras(DISTRICT).set_index("external_code")
    assert records.loc["HCM-7", "bearing_deg"] == 202.5
    assert records.loc["osm:node/101", "mount_height_m"] == 4.0
    assert pd.isna(records.loc["osm:node/105", "bearing_deg"])  # not understood: left empty
    assert records.loc["osm:node/104", "fov_deg"] == 360.0
    entries = registry.audit_entries(DISTRICT)
    assert (entries["action"] == "camera.import_osm").sum() == 6
    report = LoadReport()
    assert import_osm(registry, DISTRICT, path, report=report) == 0
    assert registry.count() == 6
    assert any("6 camera(s) already in the registry" in line for line in report.lines())


def test_import_osm_refuses_bad_rows_all_at_once(registry):
    document = {
        "elements": [
            {"type": "node", "id": 1, "lat": 95.0, "lon": 106.7, "tags": {"ref": "A"}},
            {"type": "node", "id": 2, "lat": 10.7, "lon": 106.7,
             "tags": {"man_made": "surveillance", "ref": "B"}},
            {"type": "node", "id": 3, "lat": 10.8, "lon": 106.8,
             "tags": {"man_made": "surveillance", "ref": "B"}},
            {"type": "node", "id": 4, "lat": 91.0, "lon": 106.7,
             "tags": {"man_made": "surveillance"}},
        ]
    }  # fmt: skip
    with pytest.raises(InputError, match=r"node/3: ref: 'B' is used by another.*node/4: lat"):
        import_osm(registry, DISTRICT, document)
    assert registry.count() == 0


def test_ward_user_cannot_import_cameras_outside_their_ward(registry):
    document = {
        "elements": [
            {"type": "node", "id": 9, "tags": {"man_made": "surveillance"}, **IN_CAT_LAI},
        ]
    }
    with pytest.raises(PermissionDenied, match="may not change"):
        import_osm(registry, LAN, document)
    assert registry.count() == 0


def test_codes_the_registry_holds_are_skipped_whoever_sees_them(registry, cameras):
    document = {
        "elements": [
            {"type": "node", "id": 9, "tags": {"man_made": "surveillance", "ref": "cl-1"},
             **IN_AN_KHANH},
            {"type": "node", "id": 10, "tags": {"man_made": "surveillance", "ref": "AK-9"},
             **IN_AN_KHANH},
        ]
    }  # fmt: skip
    assert import_osm(registry, LAN, document) == 1
    assert registry.count() == 5


# ---------------------------------------------------------------------------------- users


def test_registry_actor_finds_users_without_a_password(registry):
    registry.add_user(DISTRICT, "lan", "mật khẩu dài", "ward", [AN_KHANH])
    assert registry.actor("lan") == LAN
    with pytest.raises(NotFound, match="no registry user named 'ai'"):
        registry.actor("ai")


# ------------------------------------------------------------------------------------------ reports


def test_the_registry_dataset_carries_the_stated_or_derived_image_width_and_height(
    registry, cameras, tmp_path
):
    demo = build_demo()
    files = {
        "wards": write_layer(demo.wards, tmp_path / "wards.gpkg"),
        "roads": write_layer(demo.roads, tmp_path / "roads.gpkg"),
    }
    by_code = {str(record["id"]): code for code, record in cameras.items()}
    for dataset in (
        cameraio.registry_dataset(registry, DISTRICT, **files),
        cameraio.with_registry_cameras(demo, registry.cameras(DISTRICT)),
    ):
        frame = dataset.cameras
        assert list(frame.columns) == [*CAMERA_COLUMNS, *CAMERA_SPEC_COLUMNS, "geometry"]
        specs = frame.set_index(frame["camera_id"].map(by_code))[list(CAMERA_SPEC_COLUMNS)]
        np.testing.assert_array_equal(
            specs.sort_index().to_numpy(),
            [[1920.0, 3.5], [2667.0, np.nan], [np.nan, np.nan], [np.nan, np.nan]],
        )  # AK-1 stated, AK-2 from 4 MP at 16:9, CL-1 and CL-2 unknown


def write_layer(frame: gpd.GeoDataFrame, path):
    frame.to_file(path)
    return path
