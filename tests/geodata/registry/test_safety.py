"""Refusals a user meets every day: a code already taken, a name signed in wrongly too often.

Both on SQLite and PostgreSQL; the messages are the catalogue's, in Vietnamese and English, and
name neither the SQL nor the owner.
"""

import datetime as dt

import pytest

from geodata.errors import InputError, PermissionDenied
from geodata.registry.service import Registry
from geodata.registry.signin import SIGN_IN_LOCK
from tests.geodata.registry.test_service import LAN, camera
from tests.registry_fixtures import DISTRICT

PASSWORD = "mật-khẩu-đủ-dài"


def test_a_code_already_used_is_refused_naming_its_camera_and_nothing_is_written(registry):
    first = registry.register(LAN, camera(external_code="AK-7"))
    with pytest.raises(InputError) as refused:
        registry.register(LAN, camera(external_code="ak-7", owner_name="Trần Thị Bí Mật"))
    assert registry.count() == 1
    message = refused.value.render("vi")
    assert f"camera số {first['id']}" in message and "“ak-7”" in message
    assert "Trần Thị Bí Mật" not in message and "INSERT" not in message
    assert "IntegrityError" not in str(refused.value)


def test_editing_a_code_to_one_in_use_is_refused_and_the_camera_keeps_its_own(registry):
    first = registry.register(LAN, camera(external_code="AK-1"))
    second = registry.register(LAN, camera({"lat": 10.7820, "lon": 106.7210}, external_code="AK-2"))
    with pytest.raises(InputError, match=rf"already used by camera {first['id']}"):
        registry.update(LAN, second["id"], {"external_code": "AK-1"}, expected_version=1)
    kept = registry.get(DISTRICT, second["id"])
    assert kept["external_code"] == "AK-2" and kept["version"] == 1
    again = registry.update(LAN, second["id"], {"external_code": "AK-2"}, expected_version=1)
    assert again["version"] == 2, "a camera may keep its own code"


@pytest.fixture
def users(registry):
    registry.add_user(DISTRICT, "lan", PASSWORD, "ward", ["27106"])
    return registry


def fail(registry, name: str, at: dt.datetime, times: int = 1) -> None:
    for _ in range(times):
        with pytest.raises(PermissionDenied, match="wrong user name or password"):
            registry.authenticate(name, "sai mật khẩu", now=at)


def test_five_failures_lock_the_name_even_for_the_right_password(users):
    start = dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC)
    fail(users, "lan", start, times=4)
    assert users.authenticate("lan", PASSWORD, now=start).name == "lan"  # a success resets
    fail(users, "lan", start + dt.timedelta(minutes=1), times=4)
    with pytest.raises(PermissionDenied, match="too many failed sign-ins") as locked:
        users.authenticate("lan", "sai mật khẩu", now=start + dt.timedelta(minutes=2))  # 5th
    assert "15 phút" in locked.value.render("vi")
    later = start + dt.timedelta(minutes=10)
    with pytest.raises(PermissionDenied, match="too many failed sign-ins"):
        users.authenticate("lan", PASSWORD, now=later)
    free = start + dt.timedelta(minutes=2) + SIGN_IN_LOCK
    with pytest.raises(PermissionDenied, match="too many failed sign-ins"):
        users.authenticate("LAN", PASSWORD, now=later)  # one lock, whatever the case
    assert users.authenticate("lan", PASSWORD, now=free).name == "lan"


def test_an_unknown_name_gets_the_same_answers(users):
    start = dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC)
    fail(users, "khong-co-ai", start, times=4)
    for password in ("sai mật khẩu", PASSWORD):
        with pytest.raises(PermissionDenied) as locked:
            users.authenticate("khong-co-ai", password, now=start)
        assert locked.value.message.key == "error.sign_in.locked"


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(users):
    start = dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC)
    for minute in range(0, 40, 5):
        fail(users, "lan", start + dt.timedelta(minutes=minute))
    assert users.authenticate("lan", PASSWORD, now=start + dt.timedelta(minutes=41)).name == "lan"


def test_the_lock_holds_across_app_processes_and_is_audited(users, registry_url):
    other = Registry.open(registry_url)  # a second app process on the same database
    try:
        start = dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC)
        fail(users, "lan", start, times=3)
        fail(other, "lan", start, times=1)
        with pytest.raises(PermissionDenied, match="too many failed sign-ins"):
            other.authenticate("lan", "sai mật khẩu", now=start)
        with pytest.raises(PermissionDenied, match="too many failed sign-ins"):
            users.authenticate("lan", PASSWORD, now=start)
    finally:
        other.engine.dispose()
    entries = users.audit_entries(DISTRICT).query("actor == 'lan'")
    actions = entries.sort_values("seq")["action"].tolist()
    assert actions == ["sign_in.failed"] * 4 + ["sign_in.locked", "sign_in.refused"]
