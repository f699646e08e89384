"""The registry on SQLite and PostgreSQL: records, roles, audit, conflicts, wards."""

import datetime as dt
import json
import threading

import geopandas as gpd
import numpy as np
import pytest
import shapely
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text

from geodata.errors import ConflictError, InputError, NotFound, PermissionDenied
from geodata.layers.demo import build_demo
from geodata.registry.access import Actor
from geodata.registry.db import MIGRATIONS_DIR, engine_for
from geodata.registry.records import ENGINE_FIELDS, camera_points
from geodata.registry.seeding import demo_camera_rows, ensure_seeded
from geodata.registry.service import Registry
from tests.registry_fixtures import DISTRICT

AN_KHANH = "27106"
CAT_LAI = "27109"
IN_AN_KHANH = {"lat": 10.7812, "lon": 106.7200}
IN_CAT_LAI = {"lat": 10.7650, "lon": 106.7950}
LAN = Actor("lan", "ward", frozenset({AN_KHANH}))
MAI = Actor("mai", "ward", frozenset({CAT_LAI}))
VIEWER = Actor("xem", "viewer")


def camera(where=IN_AN_KHANH, **fields):
    return {
        **where,
        "fov_deg": 90,
        "range_m": 30,
        "bearing_deg": 45,
        "owner_name": "Nguyễn Văn A",
        "owner_phone": "0909 123 456",
        **fields,
    }


def test_register_assigns_the_ward_and_audits(registry):
    record = registry.register(LAN, camera(external_code="AK-1"))
    assert record["ward_code"] == AN_KHANH and record["ward_name"] == "An Khánh"
    assert record["version"] == 1 and record["created_by"] == "lan"
    entries = registry.audit_entries(DISTRICT, camera_id=record["id"])
    assert entries["action"].tolist() == ["camera.register"]
    after = json.loads(entries.loc[0, "after"])
    assert after["owner_phone"] == "0909 123 456" and after["external_code"] == "AK-1"


def test_comma_decimals_and_vietnamese_status_are_understood(registry):
    record = registry.register(DISTRICT, camera({"lat": "10,7812", "lon": "106,72"}, status="Hỏng"))
    assert record["lat"] == pytest.approx(10.7812) and record["status"] == "broken"


def test_invalid_values_are_refused_all_at_once(registry):
    with pytest.raises(InputError, match=r"fov_deg: expected a number from 1 to 360.*range_m"):
        registry.register(DISTRICT, camera(fov_deg=400, range_m=0))
    assert registry.count() == 0


def test_camera_outside_every_ward_is_flagged(registry):
    record = registry.register(DISTRICT, camera({"lat": 10.90, "lon": 106.60}))
    assert record["ward_code"] is None
    outside = registry.cameras(DISTRICT, outside_wards=True)
    assert outside["id"].tolist() == [record["id"]]


def test_text_is_stored_as_given(registry):
    hostile = "<script>alert('x')</script> Hẻm 12"
    record = registry.register(DISTRICT, camera(alley=hostile, notes="=SUM(A1)"))
    again = registry.get(DISTRICT, record["id"])
    assert again["alley"] == hostile and again["notes"] == "=SUM(A1)"


def test_second_save_from_a_stale_copy_conflicts_and_loses_nothing(registry):
    record = registry.register(DISTRICT, camera())
    registry.update(LAN, record["id"], {"range_m": 40}, expected_version=1)
    stale = r"changed by lan.*you had version 1.*nothing was saved"
    with pytest.raises(ConflictError, match=stale):
        registry.update(DISTRICT, record["id"], {"bearing_deg": 90}, expected_version=1)
    final = registry.get(DISTRICT, record["id"])
    assert final["range_m"] == 40 and final["bearing_deg"] == 45 and final["version"] == 2


def test_two_sessions_updating_at_once_never_lose_an_update(registry):
    record = registry.register(DISTRICT, camera())
    outcomes, barrier = [], threading.Barrier(2)

    def edit(actor, changes):
        barrier.wait()
        try:
            registry.update(actor, record["id"], changes, expected_version=1)
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")

    threads = [
        threading.Thread(target=edit, args=(LAN, {"range_m": 41})),
        threading.Thread(target=edit, args=(DISTRICT, {"range_m": 42})),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    final = registry.get(DISTRICT, record["id"])
    assert final["version"] == 2 and final["range_m"] in (41, 42)
    updates = registry.audit_entries(DISTRICT, camera_id=record["id"])
    assert (updates["action"] == "camera.update").sum() == 1


def test_status_verify_and_soft_delete(registry):
    record = registry.register(LAN, camera())
    broken = registry.set_status(LAN, record["id"], "broken", expected_version=1)
    checked = registry.verify(LAN, record["id"], expected_version=2, on=dt.date(2026, 1, 5))
    assert broken["status"] == "broken" and checked["verified_on"] == dt.date(2026, 1, 5)
    registry.delete(LAN, record["id"], expected_version=3, reason="thiết bị đã tháo")
    with pytest.raises(NotFound, match="no camera"):
        registry.get(DISTRICT, record["id"])
    assert registry.count() == 0
    actions = registry.audit_entries(DISTRICT)["action"].tolist()
    assert actions[:4] == ["camera.delete", "camera.verify", "camera.status", "camera.register"]


def test_unknown_status_is_refused(registry):
    record = registry.register(DISTRICT, camera())
    with pytest.raises(InputError, match="status must be one of"):
        registry.set_status(DISTRICT, record["id"], "lost", expected_version=1)


def test_filters_and_search(registry):
    old = registry.register(DISTRICT, camera(street="Lương Định Của", camera_type="dome"))
    registry.verify(DISTRICT, old["id"], expected_version=1, on=dt.date(2024, 1, 1))
    registry.register(DISTRICT, camera(IN_CAT_LAI, owner_name="Trần Thị B", status="broken"))
    assert len(registry.cameras(DISTRICT, wards=[CAT_LAI])) == 1
    assert len(registry.cameras(DISTRICT, statuses=["broken"])) == 1
    assert len(registry.cameras(DISTRICT, types=["dome"])) == 1
    stale = registry.cameras(DISTRICT, not_verified_since=dt.date(2025, 6, 1))
    assert len(stale) == 2
    assert registry.cameras(DISTRICT, text="lương định")["id"].tolist() == [old["id"]]
    assert len(registry.cameras(DISTRICT, text="trần thị")) == 1
    assert len(registry.cameras(VIEWER, text="trần thị")) == 0, "viewers cannot search owners"


def test_reading_some_fields_gives_those_of_every_camera_and_what_the_engine_reads(registry):
    registry.register(DISTRICT, camera(camera_type="dome", resolution_mp=4))
    registry.register(LAN, camera(bearing_deg=200, horizontal_px=1920, mount_height_m=3.5))
    registry.register(DISTRICT, camera(IN_CAT_LAI, status="broken"))
    whole = registry.cameras(LAN)
    some = registry.cameras(LAN, fields=ENGINE_FIELDS)
    assert list(some.columns) == [f for f in whole.columns if f in ENGINE_FIELDS]
    assert some.equals(whole[list(some.columns)])
    assert len(some) == 2, "still only the cameras of the actor's ward"
    points, whole_points = camera_points(some), camera_points(whole)
    assert points.drop(columns="geometry").equals(whole_points.drop(columns="geometry"))
    assert points.geometry.equals(whole_points.geometry)
    unnamed = registry.cameras(VIEWER, fields=["owner_name", "range_m"])
    assert set(unnamed.columns) == {"id", "lat", "lon", "range_m", "owner_name", "ward_code"} | {
        "ward_name"
    }
    assert unnamed["owner_name"].isna().all(), "owners stay hidden from viewers"


@pytest.mark.parametrize(
    "attempt",
    ["get", "update", "status", "verify", "delete", "register", "audit", "move_in", "list"],
)
def test_ward_user_cannot_reach_another_ward(registry, attempt):
    foreign = registry.register(DISTRICT, camera(IN_CAT_LAI))
    own = registry.register(DISTRICT, camera())
    calls = {
        "get": lambda: registry.get(LAN, foreign["id"]),
        "update": lambda: registry.update(LAN, foreign["id"], {"range_m": 5}, expected_version=1),
        "status": lambda: registry.set_status(LAN, foreign["id"], "removed", expected_version=1),
        "verify": lambda: registry.verify(LAN, foreign["id"], expected_version=1),
        "delete": lambda: registry.delete(LAN, foreign["id"], expected_version=1, reason="x"),
        "register": lambda: registry.register(LAN, camera(IN_CAT_LAI)),
        "audit": lambda: registry.audit_entries(LAN, camera_id=foreign["id"]),
        "move_in": lambda: registry.update(LAN, own["id"], IN_CAT_LAI, expected_version=1),
    }
    if attempt == "list":
        assert registry.cameras(LAN)["id"].tolist() == [own["id"]]
        assert registry.cameras(LAN, wards=[CAT_LAI]).empty
        assert registry.camera_frame(LAN)["camera_id"].tolist() == [str(own["id"])]
        return
    before = registry.cameras(DISTRICT).drop(columns=["updated_at"]).to_dict("records")
    with pytest.raises(PermissionDenied, match="lan \\(Ward staff, wards 27106\\) may not"):
        calls[attempt]()
    after = registry.cameras(DISTRICT).drop(columns=["updated_at"]).to_dict("records")
    assert after == before


def test_viewer_reads_without_owner_details_and_writes_nothing(registry):
    record = registry.register(DISTRICT, camera())
    seen = registry.get(VIEWER, record["id"])
    assert seen["owner_name"] is None and seen["owner_phone"] is None and seen["range_m"] == 30
    assert registry.cameras(VIEWER)["owner_phone"].isna().all()
    with pytest.raises(PermissionDenied, match="Viewer"):
        registry.register(VIEWER, camera())
    with pytest.raises(PermissionDenied, match="may not change"):
        registry.update(VIEWER, record["id"], {"range_m": 5}, expected_version=1)
    with pytest.raises(PermissionDenied, match="may not export owner details"):
        registry.record_export(VIEWER, count=1, with_owner=True, purpose="xác minh", target="x")
    with pytest.raises(PermissionDenied, match="district only"):
        registry.audit_entries(VIEWER)


def test_owner_export_needs_a_purpose_and_is_audited(registry):
    with pytest.raises(InputError, match="purpose"):
        registry.record_export(LAN, count=3, with_owner=True, purpose="", target="a.csv")
    registry.record_export(LAN, count=3, with_owner=True, purpose="Công văn 12/CA", target="a.csv")
    entry = registry.audit_entries(DISTRICT).iloc[0]
    assert entry["action"] == "export.owners" and "Công văn 12/CA" in entry["detail"]


def test_replacing_boundaries_reassigns_cameras(registry):
    first = registry.register(DISTRICT, camera())
    second = registry.register(DISTRICT, camera(IN_CAT_LAI))
    wards = build_demo().wards
    merged = wards.copy()
    merged.loc[merged["ward_code"].isin(["27094", "27103", AN_KHANH]), "ward_code"] = "26800"
    merged = merged.dissolve("ward_code", as_index=False)
    merged.loc[merged["ward_code"] == "26800", "ward_name"] = "An Khánh (2021)"
    moved = registry.load_boundary_set(
        DISTRICT, merged[["ward_code", "ward_name", "geometry"]], name="2021 merger"
    )
    assert moved == 1
    assert registry.get(DISTRICT, first["id"])["ward_code"] == "26800"
    assert registry.get(DISTRICT, first["id"])["version"] == 2
    assert registry.get(DISTRICT, second["id"])["ward_code"] == CAT_LAI
    with pytest.raises(PermissionDenied, match="district only"):
        registry.load_boundary_set(LAN, merged, name="x")


def test_users_sign_in_with_hashed_passwords(registry):
    registry.add_user(DISTRICT, "Lan", "mật-khẩu-dài", "ward", [AN_KHANH])
    actor = registry.authenticate("Lan", "mật-khẩu-dài")
    assert actor == Actor("lan", "ward", frozenset({AN_KHANH})), "the name is kept canonical"
    with pytest.raises(PermissionDenied, match="wrong user name or password"):
        registry.authenticate("Lan", "wrong-password")
    with pytest.raises(InputError, match=r"unknown ward code.*99999"):
        registry.add_user(DISTRICT, "Mai", "mật-khẩu-dài", "ward", ["99999"])
    with pytest.raises(InputError, match="exists already"):
        registry.add_user(DISTRICT, "Lan", "mật-khẩu-dài", "viewer")
    with pytest.raises(PermissionDenied, match="district only"):
        registry.add_user(LAN, "Hoa", "mật-khẩu-dài", "viewer")


def test_a_ward_user_waits_for_the_wards_to_be_loaded(registry_url):
    # Before, any code was taken while the registry held no ward: a mistyped code went unseen,
    # and the app never seeded a registry that already had users.
    empty = Registry.open(registry_url)
    with pytest.raises(InputError, match="no ward is loaded yet"):
        empty.add_user(DISTRICT, "Lan", "mật-khẩu-dài", "ward", ["27106"])
    assert empty.add_user(DISTRICT, "Xem", "mật-khẩu-dài", "viewer") == Actor("xem", "viewer")
    empty.engine.dispose()


def test_reopening_migrates_idempotently_and_keeps_data(registry_url):
    first = Registry.open(registry_url)
    ensure_seeded(first, build_demo())
    first.engine.dispose()
    again = Registry.open(registry_url)
    assert again.count() == 2000
    assert not ensure_seeded(again, build_demo())
    again.engine.dispose()


OLD_CAMERA = (
    "INSERT INTO cameras (external_code, lat, lon, bearing_deg, fov_deg, range_m, camera_type,"
    " mount_height_m, resolution_mp, status, address_key, owner_key, version, created_by,"
    " created_at, updated_by, updated_at) VALUES (:code, 10.7812, 106.72, 45, 90, 30, 'bullet',"
    " :height, :mp, 'active', '', '', 1, 'system', '2026-11-01 08:00:00', 'system',"
    " '2026-11-01 08:00:00')"
)


def migrations(connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def test_a_registry_of_the_previous_revision_gains_image_widths_and_keeps_its_cameras(
    registry_url,
):
    engine = engine_for(registry_url)
    with engine.begin() as connection:
        command.upgrade(migrations(connection), "0004")
    with engine.begin() as connection:
        connection.execute(
            text(OLD_CAMERA),
            [
                {"code": "AK-1", "height": 3.5, "mp": 2.0},
                {"code": "AK-2", "height": None, "mp": None},
            ],
        )
    engine.dispose()
    upgraded = Registry.open(registry_url)
    records = upgraded.cameras(DISTRICT).set_index("external_code")
    assert records.loc["AK-1", ["mount_height_m", "resolution_mp"]].tolist() == [3.5, 2.0]
    assert records["horizontal_px"].isna().all(), "no width was stated"
    frame = upgraded.camera_frame(DISTRICT).sort_values("camera_id")
    np.testing.assert_array_equal(frame["horizontal_px"], [1886.0, np.nan])  # 2 MP at 16:9
    np.testing.assert_array_equal(frame["mount_height_m"], [3.5, np.nan])
    camera_id = int(records.loc["AK-1", "id"])
    changed = upgraded.update(DISTRICT, camera_id, {"horizontal_px": "2560"}, expected_version=1)
    assert upgraded.get(DISTRICT, camera_id)["horizontal_px"] == changed["horizontal_px"] == 2560
    assert json.loads(upgraded.audit_entries(DISTRICT).iloc[0]["after"])["horizontal_px"] == 2560
    with upgraded.engine.begin() as connection:
        command.downgrade(migrations(connection), "0004")
    columns = {column["name"] for column in inspect(upgraded.engine).get_columns("cameras")}
    assert "horizontal_px" not in columns and "resolution_mp" in columns
    with upgraded.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM cameras")).scalar() == 2
    upgraded.engine.dispose()


def test_seeded_cameras_match_the_demo():
    demo = build_demo()
    rows = demo_camera_rows(demo.cameras)
    assert len(rows) == len(demo.cameras)
    points = gpd.GeoSeries([shapely.Point(r["lon"], r["lat"]) for r in rows], crs=4326)
    distance_m = points.to_crs(demo.crs).distance(demo.cameras.geometry.reset_index(drop=True))
    assert distance_m.max() < 0.05
