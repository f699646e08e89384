"""Nothing leaked (issue 16, privacy): duplicate checks, sign-in, passwords, the audit log."""

from __future__ import annotations

import math

import pyproj
import pytest
import shapely
from alembic import command
from alembic.config import Config
from argon2 import PasswordHasher
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from geodata.errors import InputError, PermissionDenied
from geodata.layers.demo import build_demo
from geodata.registry import audit
from geodata.registry.access import Actor, password_problems, user_name
from geodata.registry.db import MIGRATIONS_DIR, engine_for, migrate
from geodata.registry.importer import import_cameras
from geodata.registry.service import Registry
from tests.geodata.registry.test_importer import VI_HEADER, vi_row, write_csv
from tests.registry_fixtures import DISTRICT

AN_KHANH, BINH_AN = "27106", "27094"
LAN = Actor("lan", "ward", frozenset({AN_KHANH}))
OWNER, PHONE = "Trần Thị Bích", "0909 765 432"
PASSWORD = "trăng-rằm-2026"
DEGREES = pyproj.Transformer.from_crs("EPSG:32648", "EPSG:4326", always_xy=True)


def across_the_edge() -> tuple[tuple[float, float], tuple[float, float]]:
    """Two points 1 m either side of the edge between An Khánh and Bình An (lat, lon)."""
    wards = build_demo().wards.to_crs("EPSG:32648").set_index("ward_code").geometry
    edge = wards[AN_KHANH].boundary.intersection(wards[BINH_AN].boundary)
    middle = edge.interpolate(0.5, normalized=True)
    ahead = edge.interpolate(edge.project(middle) + 1.0)
    dx, dy = ahead.x - middle.x, ahead.y - middle.y
    norm = math.hypot(dx, dy)
    side = shapely.Point(middle.x - dy / norm, middle.y + dx / norm)
    other = shapely.Point(middle.x + dy / norm, middle.y - dx / norm)
    if not wards[AN_KHANH].contains(side):
        side, other = other, side
    assert wards[AN_KHANH].contains(side) and wards[BINH_AN].contains(other)
    lon, lat = DEGREES.transform([side.x, other.x], [side.y, other.y])
    return (lat[0], lon[0]), (lat[1], lon[1])


def registered_next_door(registry, where, **fields) -> dict:
    values = {"lat": where[0], "lon": where[1], "fov_deg": 60, "range_m": 30, **fields}
    return registry.register(DISTRICT, values)


def reasons(result) -> list[str]:
    return [row.reason.render("en") for row in result.rows if row.reason is not None]


# ------------------------------------------------------------------------- duplicate check


def test_a_ward_users_import_never_names_a_camera_of_another_ward(registry, tmp_path):
    inside, outside = across_the_edge()
    other = registered_next_door(
        registry, outside, external_code="ALD-7", owner_name=OWNER, owner_phone=PHONE
    )
    assert other["ward_code"] == BINH_AN
    rows = [
        vi_row(1, inside, **{"Mã camera": "", "Chủ hộ": OWNER}),  # same owner, 2 m away
        vi_row(2, inside, **{"Mã camera": "ald-7", "Chủ hộ": "Lê Văn C"}),  # the code
        vi_row(3, outside, **{"Mã camera": "", "Chủ hộ": OWNER}),  # in the other ward
    ]
    result = import_cameras(registry, LAN, write_csv(tmp_path / "ak.csv", VI_HEADER, rows))
    assert result.accepted == 0
    said = reasons(result)
    for reason in said:
        assert f"camera {other['id']}" not in reason and OWNER not in reason
        assert "ALD-7" not in reason
    assert "in a ward you do not look after" in said[0] and "in a ward you do not" in said[1]
    assert "registered" not in said[2], "an owner's camera there is neither confirmed nor denied"
    assert "expected a place in your wards" in said[2]


def test_a_district_import_still_names_the_camera_it_matches(registry, tmp_path):
    inside, outside = across_the_edge()
    other = registered_next_door(registry, outside, owner_name=OWNER)
    rows = [vi_row(1, inside, **{"Mã camera": "", "Chủ hộ": OWNER})]
    result = import_cameras(registry, DISTRICT, write_csv(tmp_path / "d.csv", VI_HEADER, rows))
    assert f"camera {other['id']}" in reasons(result)[0]


def test_the_identity_index_needs_an_actor_and_marks_what_they_may_not_read(registry):
    inside, outside = across_the_edge()
    registered_next_door(registry, outside, owner_name=OWNER)
    registered_next_door(registry, inside, owner_name="Lê Văn C")
    index = registry.identity_index(LAN)
    assert index.sort_values("id")["readable"].tolist() == [False, True]
    with pytest.raises(PermissionDenied, match="may not import"):
        registry.identity_index(Actor("xem", "viewer"))
    assert not hasattr(registry, "session"), "no public way round the actor checks"


# ---------------------------------------------------------------------------------- sign-in


@pytest.fixture
def verifications(monkeypatch) -> list[int]:
    """Counts Argon2 password checks (one item per check)."""
    calls: list[int] = []
    original = PasswordHasher.verify

    def counted(self, hash, password):
        calls.append(1)
        return original(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counted)
    return calls


def test_unknown_and_known_names_cost_the_same_password_check(registry, verifications):
    registry.add_user(DISTRICT, "lan", PASSWORD, "ward", [AN_KHANH])
    for name, password in (("lan", "sai-mật-khẩu-1"), ("không-có-ai", "sai-mật-khẩu-1")):
        verifications.clear()
        with pytest.raises(PermissionDenied, match="wrong user name or password"):
            registry.authenticate(name, password)
        assert len(verifications) == 1, name
    verifications.clear()
    registry.authenticate("lan", PASSWORD)
    assert len(verifications) == 1


def test_a_name_with_control_characters_is_an_ordinary_failed_sign_in(registry, verifications):
    registry.add_user(DISTRICT, "lan", PASSWORD, "ward", [AN_KHANH])
    with pytest.raises(PermissionDenied, match="wrong user name or password"):
        registry.authenticate("l\x00an\u200b", "sai-mật-khẩu-1")
    assert len(verifications) == 1
    assert registry.authenticate("ＬＡＮ", PASSWORD).name == "lan", "full-width letters fold"


def test_every_sign_in_is_audited_but_does_not_change_the_data_revision(registry):
    registry.add_user(DISTRICT, "lan", PASSWORD, "ward", [AN_KHANH])
    revision = registry.revision()
    registry.authenticate("lan", PASSWORD)
    with pytest.raises(PermissionDenied, match="wrong user name or password"):
        registry.authenticate("Lan", "sai-mật-khẩu-1")
    with pytest.raises(PermissionDenied, match="wrong user name or password"):
        registry.authenticate("ai-đó", "sai-mật-khẩu-1")
    entries = registry.audit_entries(DISTRICT).sort_values("seq")
    signs = entries[entries["action"].str.startswith("sign_in")]
    assert list(zip(signs["actor"], signs["action"], strict=True)) == [
        ("lan", "sign_in"),
        ("lan", "sign_in.failed"),
        ("ai-đó", "sign_in.failed"),
    ]
    assert registry.revision() == revision


# -------------------------------------------------------------------------------- passwords


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        (" " * 8, "at least 10 characters"),
        ("password", "at least 10 characters"),
        ("12345678", "most common passwords"),
        ("Password123", "most common passwords"),
        ("iloveyou!!2024", "most common passwords"),
        ("aaaaaaaaaaaa", "5 different characters"),
        ("abcdefghijkl", "two kinds of characters"),
        ("lan.nguyen-2026", "must not contain the user name"),
    ],
)
def test_weak_passwords_are_refused(registry, password, problem):
    with pytest.raises(InputError, match=problem):
        registry.add_user(DISTRICT, "lan.nguyen", password, "ward", [AN_KHANH])
    assert registry.user_count() == 0


def test_a_long_passphrase_is_strong_enough():
    assert password_problems("trăng rằm tháng tám", name="lan") == []


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("аdmin", "may hold only a–z"),  # Cyrillic а
        ("lan nguyễn", "may hold only a–z"),
        ("ＡＤＭＩＮ", "exists already"),  # full-width: folds to admin
        ("Admin", "exists already"),
    ],
)
def test_look_alike_user_names_are_refused(registry, name, problem):
    registry.add_user(DISTRICT, "admin", PASSWORD, "district")
    with pytest.raises(InputError, match=problem):
        registry.add_user(DISTRICT, name, PASSWORD, "viewer")
    assert user_name(" Lan.Nguyen ") == "lan.nguyen"


# -------------------------------------------------------------------------------- audit log


def camera_with_owner(registry) -> dict:
    inside, _ = across_the_edge()
    record = registered_next_door(
        registry, inside, owner_name=OWNER, owner_phone=PHONE, owner_address="5 Trần Não"
    )
    return registry.update(
        DISTRICT, record["id"], {"owner_phone": "0912 000 111"}, expected_version=1
    )


def raw_audit_text(registry) -> str:
    with registry.engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM audit_log")).all()
    return " ".join(str(value) for row in rows for value in row)


def test_the_audit_log_is_append_only(registry):
    camera_with_owner(registry)
    with registry.engine.connect() as connection:
        for statement in (
            "UPDATE audit_log SET actor = 'someone else'",
            "DELETE FROM audit_log",
            "UPDATE audit_log SET personal = NULL, personal_salt = NULL",
        ):
            with pytest.raises(DatabaseError, match="append-only"):
                connection.execute(text(statement))
            connection.rollback()
    assert registry.verify_audit(DISTRICT) is None


def without_triggers(registry) -> None:
    """What someone with the database owner's rights could do first."""
    with registry.engine.begin() as connection:
        if registry.engine.dialect.name == "postgresql":
            connection.execute(text("DROP TRIGGER audit_log_append_only ON audit_log"))
        else:
            connection.execute(text("DROP TRIGGER audit_log_no_update"))
            connection.execute(text("DROP TRIGGER audit_log_no_delete"))


@pytest.mark.parametrize(
    ("statement", "back", "reason"),
    [
        ("UPDATE audit_log SET actor = 'x' WHERE seq = {seq}", 1, "was changed"),
        ("DELETE FROM audit_log WHERE seq = {seq}", 1, "is missing"),
        ("DELETE FROM audit_log WHERE seq = {seq}", 0, "removed from the end"),
        ("UPDATE audit_log SET personal = '{{}}' WHERE seq = {seq}", 1, "owner details"),
        (
            "UPDATE audit_log SET personal = NULL, personal_salt = NULL WHERE seq = {seq}",
            1,
            "its camera was not deleted",
        ),
    ],
)
def test_a_change_behind_the_apps_back_breaks_the_chain_there(registry, statement, back, reason):
    camera_with_owner(registry)  # the last two entries: register (back=1), update (back=0)
    assert registry.verify_audit(DISTRICT) is None
    with registry.engine.connect() as connection:
        seq = connection.execute(text("SELECT max(seq) FROM audit_log")).scalar() - back
    without_triggers(registry)
    with registry.engine.begin() as connection:
        connection.execute(text(statement.format(seq=seq)))
    broken = registry.verify_audit(DISTRICT)
    assert broken is not None and broken.seq == seq
    assert reason in broken.reason.render("en")


def test_deleting_a_camera_erases_its_owner_from_the_log_and_the_chain_holds(registry):
    record = camera_with_owner(registry)
    assert OWNER in raw_audit_text(registry)
    registry.delete(DISTRICT, record["id"], expected_version=record["version"], reason="gỡ bỏ")
    assert OWNER not in raw_audit_text(registry) and "0912 000 111" not in raw_audit_text(registry)
    entries = registry.audit_entries(DISTRICT, limit=10).sort_values("seq")
    assert entries["action"].tolist()[-3:] == ["camera.register", "camera.update", "camera.delete"]
    assert entries["after"].iloc[-2].count(audit.ERASED) == 3
    assert entries["erased_at"].iloc[-3:].notna().all()
    with registry.engine.connect() as connection:
        kept = connection.execute(
            text("SELECT owner_name, owner_phone FROM cameras WHERE id = :id"), {"id": record["id"]}
        ).one()
    assert tuple(kept) == (None, None)
    assert registry.verify_audit(DISTRICT) is None


def test_owner_details_are_kept_apart_and_shown_only_to_who_may_see_them(registry):
    record = camera_with_owner(registry)
    with registry.engine.connect() as connection:
        after = connection.execute(
            text("SELECT after FROM audit_log WHERE action = 'camera.register'")
        ).scalar()
    assert OWNER not in after and audit.PERSONAL in after
    district = registry.audit_entries(DISTRICT, camera_id=record["id"])
    assert OWNER in district["after"].iloc[-1]
    viewer = registry.audit_entries(Actor("xem", "viewer"), camera_id=record["id"])
    assert "owner_name" not in viewer["after"].iloc[-1]
    with pytest.raises(PermissionDenied, match="district only"):
        registry.verify_audit(LAN)


def test_an_older_log_is_chained_and_deleted_cameras_lose_their_owner_on_upgrade(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = engine_for(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")
    owner_json = f'{{"lat": 10.78, "owner_name": "{OWNER}", "owner_phone": "{PHONE}"}}'
    with engine.begin() as connection:
        for camera_id, deleted in ((1, None), (2, "2026-11-30 08:00:00")):
            connection.execute(
                text(
                    "INSERT INTO cameras (id, lat, lon, fov_deg, range_m, camera_type, status,"
                    " owner_name, owner_phone, address_key, owner_key, version, created_by,"
                    " created_at, updated_by, updated_at, deleted_at) VALUES (:id, 10.78,"
                    " 106.72, 60, 30, 'other', 'active', :owner, :phone, '', '', 1, 'system',"
                    " '2026-11-01 08:00:00', 'system', '2026-11-01 08:00:00', :deleted)"
                ),
                {"id": camera_id, "owner": OWNER, "phone": PHONE, "deleted": deleted},
            )
            connection.execute(
                text(
                    "INSERT INTO audit_log (at, actor, action, camera_id, after) VALUES"
                    " ('2026-11-01 08:00:00.000000', 'system', 'camera.register', :id, :after)"
                ),
                {"id": camera_id, "after": owner_json},
            )
        connection.execute(
            text(
                "INSERT INTO audit_log (at, actor, action, camera_id, before) VALUES"
                " ('2026-11-30 08:00:00.000000', 'system', 'camera.delete', 2, :before)"
            ),
            {"before": owner_json},
        )
        connection.execute(
            text(
                "INSERT INTO users (name, password_hash, role, active, created_at) VALUES"
                " ('Lan', 'x', 'ward', 1, '2026-11-01 08:00:00')"
            )
        )
    migrate(engine)
    registry = Registry(engine)
    assert registry.verify_audit(DISTRICT) is None
    entries = registry.audit_entries(DISTRICT).sort_values("seq")
    entries = entries[entries["action"] != "registry.created"]  # the registry's id, added on open
    assert entries["seq"].tolist() == [1, 2, 3]
    assert OWNER in entries["after"].iloc[0] and OWNER not in entries["after"].iloc[1]
    assert entries["erased_at"].notna().tolist() == [False, True, True]
    with engine.connect() as connection:
        owners = connection.execute(text("SELECT owner_name FROM cameras ORDER BY id")).scalars()
        assert list(owners) == [OWNER, None]
        assert connection.execute(text("SELECT name FROM users")).scalar() == "lan"
    engine.dispose()
