"""Ward boundary sets: every set kept, one current; cameras counted in any set; ward users'
wards mapped to new ones; campaigns keep their wards; on SQLite and PostgreSQL."""

import datetime as dt

import pytest
from alembic import command
from sqlalchemy import text

from geodata.analysis.summary import summarise
from geodata.errors import NotFound, PermissionDenied
from geodata.layers.demo import DEMO_NAME, build_demo
from geodata.layers.demosets import MERGED_SET, MERGED_WARDS, merged_demo_wards
from geodata.maps.printmap import source_line
from geodata.registry import arealayers, boundaries, campaigns
from geodata.registry.access import Actor
from geodata.registry.db import engine_for
from geodata.registry.seeding import demo_camera_rows, ensure_seeded
from geodata.registry.service import Registry
from geodata.reports.meetingexport import area_dataset
from tests.geodata.registry.test_service import migrations
from tests.registry_fixtures import DISTRICT, registry_url  # noqa: F401

CAT_LAI, THANH_MY_LOI, THAO_DIEN = "27109", "27112", "27088"
MERGED_CAT_LAI, MERGED_AN_KHANH = "MH03", "MH01"


@pytest.fixture(scope="module")
def demo():
    return build_demo()


@pytest.fixture
def seeded(registry_url, demo):  # noqa: F811
    """A registry filled as a first start fills it: the demo's two sets and 2,000 cameras."""
    opened = Registry.open(registry_url)
    assert ensure_seeded(opened, demo)
    yield opened
    opened.engine.dispose()


def ward_counts(table) -> dict:
    return table["ward_code"].value_counts(dropna=False).to_dict()


def test_the_demo_ships_its_wards_current_and_an_illustrative_merger(seeded, demo):
    sets = seeded.boundary_sets().set_index("name")
    assert list(sets.index) == [DEMO_NAME, MERGED_SET]  # by the date they hold from
    assert sets.loc[DEMO_NAME, ["wards", "current", "illustrative"]].tolist() == [11, True, False]
    assert sets.loc[MERGED_SET, ["wards", "current", "illustrative"]].tolist() == [3, False, True]
    assert sets.loc[MERGED_SET, "valid_from"] == dt.date(2025, 7, 1)
    assert all("minh hoạ" in name for name in seeded.ward_names(MERGED_SET).values())
    merged = arealayers.current(seeded, demo, boundary_set=MERGED_SET)
    assert merged.is_demo and merged.illustrative_wards and len(merged.wards) == 3
    assert merged.wards.area.sum() == pytest.approx(demo.wards.area.sum(), rel=1e-9)
    line = source_line(summarise(merged), "en")
    assert MERGED_SET in line and "an illustration, not official boundaries" in line
    assert "Demo data" in line


def test_a_new_set_is_added_and_the_old_one_kept(seeded, demo):
    every = seeded.cameras(DISTRICT)
    before = ward_counts(every)
    moved = seeded.use_boundary_set(DISTRICT, MERGED_SET)
    assert moved == len(every)  # every camera's code changed (new codes)
    assert seeded.current_boundary_set() == MERGED_SET
    now = seeded.cameras(DISTRICT)
    # the cameras are counted in the set asked for, by their location
    assert ward_counts(seeded.cameras(DISTRICT, boundary_set=DEMO_NAME)) == before
    merged_of = {old: new for new, _, olds in MERGED_WARDS for old in olds}
    expected = {}
    for code, count in before.items():
        expected[merged_of[code]] = expected.get(merged_of[code], 0) + count
    assert ward_counts(now) == expected
    assert seeded.ward_names(DEMO_NAME)[CAT_LAI] == "Cát Lái"  # the old set is kept whole
    cat_lai = seeded.cameras(DISTRICT, boundary_set=DEMO_NAME, wards=[CAT_LAI])
    assert len(cat_lai) == before[CAT_LAI] and set(cat_lai["ward_name"]) == {"Cát Lái"}
    entry = seeded.audit_entries(DISTRICT, limit=1).iloc[0]
    assert entry["action"] == "wards.current" and MERGED_SET in entry["detail"]


def test_last_years_figures_are_the_same_on_last_years_wards(seeded, demo):
    then = summarise(area_dataset(seeded, DISTRICT)).to_json()
    seeded.use_boundary_set(DISTRICT, MERGED_SET)
    redone = summarise(area_dataset(seeded, DISTRICT, boundary_set=DEMO_NAME)).to_json()
    assert redone == then  # the report of last year's wards, made again, byte for byte
    merged = summarise(area_dataset(seeded, DISTRICT)).to_json()["routes"]
    assert len(merged["by_ward"]) == 3 and len(then["routes"]["by_ward"]) == 11
    assert merged["covered_m"] == then["routes"]["covered_m"]
    for key in ("length_m", "covered_m"):
        total = sum(ward[key] for ward in merged["by_ward"])
        assert total == pytest.approx(then["routes"][key], abs=0.05)


def test_loading_a_set_of_the_same_name_corrects_it_and_keep_current_only_keeps(seeded, demo):
    wards = demo.wards.copy()
    wards.loc[wards["ward_code"] == CAT_LAI, "ward_name"] = "Cát Lái (sửa)"
    assert seeded.load_boundary_set(DISTRICT, wards, name="2024 (sửa)", current=False) == 0, (
        "a set only kept moves no camera"
    )
    assert seeded.current_boundary_set() == DEMO_NAME
    seeded.load_boundary_set(DISTRICT, wards.iloc[:5], name="2024 (sửa)", current=False)
    sets = seeded.boundary_sets().set_index("name")
    assert sets.loc["2024 (sửa)", "wards"] == 5 and len(sets) == 3


def test_users_of_wards_gone_see_nothing_until_mapped_to_new_ones(seeded):
    seeded.add_user(DISTRICT, "catlai", "Phuong-CL-kiem-tra-2026", "ward", [CAT_LAI, THANH_MY_LOI])
    seeded.add_user(DISTRICT, "xem.thaodien", "Xem-TD-kiem-tra-2026", "viewer", [THAO_DIEN])
    mine = len(seeded.cameras(seeded.actor("catlai")))
    seeded.use_boundary_set(DISTRICT, MERGED_SET)

    ward_user, viewer = seeded.actor("catlai"), seeded.actor("xem.thaodien")
    assert ward_user.wards == frozenset() and seeded.cameras(ward_user).empty
    assert viewer.scoped and not viewer.sees_all_wards, "a viewer of a gone ward is not unlimited"
    assert seeded.cameras(viewer).empty

    changes = boundaries.scope_changes(seeded, DISTRICT)
    assert changes[["user", "ward_code"]].values.tolist() == [
        ["catlai", CAT_LAI],
        ["catlai", THANH_MY_LOI],
        ["xem.thaodien", THAO_DIEN],
    ]
    assert changes["suggested"].tolist() == [[MERGED_CAT_LAI], [MERGED_CAT_LAI], [MERGED_AN_KHANH]]
    assert changes["ward_name"].tolist() == ["Cát Lái", "Thạnh Mỹ Lợi", "Thảo Điền"]

    suggested = dict(zip(changes["ward_code"], changes["suggested"], strict=True))
    assert seeded.map_scopes(DISTRICT, suggested) == 2
    assert seeded.stale_scopes(DISTRICT).empty
    ward_user = seeded.actor("catlai")
    assert ward_user.wards == frozenset({MERGED_CAT_LAI})
    assert len(seeded.cameras(ward_user)) == mine  # Cát Lái and Thạnh Mỹ Lợi are MH03
    with pytest.raises(PermissionDenied, match="district"):
        seeded.map_scopes(ward_user, {CAT_LAI: [MERGED_CAT_LAI]})


def test_a_ward_user_asks_only_for_the_current_set(seeded):
    seeded.add_user(DISTRICT, "catlai", "Phuong-CL-kiem-tra-2026", "ward", [CAT_LAI])
    with pytest.raises(PermissionDenied, match="current boundary set"):
        area_dataset(seeded, seeded.actor("catlai"), boundary_set=MERGED_SET)
    with pytest.raises(NotFound, match=r"no ward boundary set is named 'Năm 1990'.*Quận 2"):
        area_dataset(seeded, DISTRICT, boundary_set="Năm 1990")


def test_campaign_targets_keep_their_wards_and_their_users(seeded, demo):
    from geodata.analysis.recommend import recommend

    seeded.add_user(DISTRICT, "catlai", "Phuong-CL-kiem-tra-2026", "ward", [CAT_LAI])
    plan = recommend(area_dataset(seeded, DISTRICT), k=40)
    campaign = campaigns.create_campaign(seeded, DISTRICT, plan, name="Đợt 1")
    made = campaigns.targets(seeded, DISTRICT, campaign)
    theirs = campaigns.targets(seeded, seeded.actor("catlai"), campaign)
    assert len(theirs) and set(theirs["ward_code"]) == {CAT_LAI}

    seeded.use_boundary_set(DISTRICT, MERGED_SET)
    seeded.map_scopes(DISTRICT, {CAT_LAI: [MERGED_CAT_LAI]})
    kept = campaigns.targets(seeded, DISTRICT, campaign)
    assert kept[["ward_code", "ward_name"]].equals(made[["ward_code", "ward_name"]])
    user = seeded.actor("catlai")
    now = campaigns.targets(seeded, user, campaign)  # Cát Lái and Thạnh Mỹ Lợi are MH03 now
    in_merged = made[made["ward_code"].isin([CAT_LAI, THANH_MY_LOI])]
    assert sorted(now["id"]) == sorted(in_merged["id"])
    target = now.iloc[0]
    moved = campaigns.set_target(
        seeded, user, int(target["id"]), status="contacted", expected_version=target["version"]
    )
    assert moved["status"] == "contacted" and moved["ward_code"] == target["ward_code"]


def test_another_process_assigns_cameras_in_the_new_current_set(seeded, registry_url):  # noqa: F811
    other = Registry.open(registry_url)  # e.g. a second app server, with its wards read
    try:
        assert other.ward_names()[CAT_LAI] == "Cát Lái"
        seeded.use_boundary_set(DISTRICT, MERGED_SET)
        where = {"lat": 10.765, "lon": 106.795, "fov_deg": 360, "range_m": 15}
        record = other.register(DISTRICT, where)
        assert record["ward_code"] == MERGED_CAT_LAI
    finally:
        other.engine.dispose()


def test_migration_keeps_the_wards_as_the_current_set(registry_url, demo):  # noqa: F811
    engine = engine_for(registry_url)
    with engine.begin() as connection:
        command.upgrade(migrations(connection), "0006")
    rows = [
        {"code": code, "name": name, "wkb": geometry.wkb, "at": dt.datetime(2026, 11, 1)}
        for code, name, geometry in zip(
            demo.wards["ward_code"],
            demo.wards["ward_name"],
            demo.wards.to_crs(4326).geometry,
            strict=True,
        )
    ]
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO wards (code, name, boundary_wkb, boundary_set, loaded_at) "
                "VALUES (:code, :name, :wkb, 'Quận 2 (demo)', :at)"
            ),
            rows,
        )
    engine.dispose()
    upgraded = Registry.open(registry_url)
    try:
        sets = upgraded.boundary_sets()
        assert sets[["name", "wards", "current"]].values.tolist() == [[DEMO_NAME, 11, True]]
        assert upgraded.ward_names() == dict(
            zip(demo.wards["ward_code"], demo.wards["ward_name"], strict=True)
        )
        upgraded.load_boundary_set(DISTRICT, merged_demo_wards(demo.wards), name="mới")
        assert upgraded.boundary_sets()["name"].tolist() == [DEMO_NAME, "mới"]
        cameras = demo_camera_rows(demo.cameras)[:3]
        assert {r["ward_code"] for r in upgraded.register_many(DISTRICT, cameras)} <= {
            "MH01",
            "MH02",
            "MH03",
        }
        with upgraded.engine.begin() as connection:
            command.downgrade(migrations(connection), "0006")
            kept = connection.execute(text("SELECT boundary_set, count(*) FROM wards GROUP BY 1"))
            assert kept.all() == [("mới", 3)]
    finally:
        upgraded.engine.dispose()


def test_only_district_users_change_the_sets(seeded):
    ward_user = Actor("lan", "ward", frozenset({CAT_LAI}))
    with pytest.raises(PermissionDenied, match="district"):
        seeded.use_boundary_set(ward_user, MERGED_SET)
    with pytest.raises(NotFound, match="no ward boundary set is named 'x'"):
        seeded.use_boundary_set(DISTRICT, "x")
