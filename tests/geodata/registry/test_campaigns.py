"""Campaigns on SQLite and PostgreSQL: saving a recommendation, ward scoping, the status flow,
linking the registered camera, conflicts, progress and the coverage if all are installed."""

import datetime as dt

import pytest

from geodata.analysis.recommend import recommend
from geodata.errors import ConflictError, InputError, PermissionDenied
from geodata.layers.demo import build_demo
from geodata.registry import campaigns as camp
from geodata.registry.access import Actor
from tests.registry_fixtures import DISTRICT, registry, registry_url  # noqa: F401

VIEWER = Actor("xem", "viewer")


@pytest.fixture(scope="module")
def advice():
    return recommend(build_demo(), k=12)


def ward_user(table, row: int = 0) -> Actor:
    """A ward user of the ward of target ``row``."""
    return Actor("lan", "ward", frozenset({table["ward_code"].iat[row]}))


def test_a_recommendation_becomes_a_campaign_of_proposed_targets(registry, advice):  # noqa: F811
    campaign = camp.create_campaign(
        registry, DISTRICT, advice, name="Chiến dịch Cát Lái", deadline=dt.date(2027, 3, 31)
    )
    table = camp.targets(registry, DISTRICT, campaign)
    assert len(table) == 12 and set(table["status"]) == {"proposed"}
    assert table["rank"].tolist() == list(range(1, 13))
    assert table["gain_m"].sum() == pytest.approx(advice.placement.gain_m.sum())
    assert table["ward_name"].ne("").all()
    # no registered camera nearby has an address (the demo's carry none): the key route's name
    assert table["address"].tolist() == advice.sites["road"].tolist()
    assert set(table["address"]) <= set(advice.dataset.key_routes)
    listed = camp.campaigns(registry, DISTRICT)
    assert listed.loc[0, "name"] == "Chiến dịch Cát Lái" and listed.loc[0, "targets"] == 12
    assert listed.loc[0, "planned_m"] == pytest.approx(advice.placement.covered_after_m, abs=1e-6)
    assert registry.audit_entries(DISTRICT)["action"].iloc[0] == "campaign.create"


def test_only_district_users_create_campaigns(registry, advice):  # noqa: F811
    with pytest.raises(PermissionDenied):
        camp.create_campaign(registry, VIEWER, advice, name="x")
    with pytest.raises(InputError, match="name"):
        camp.create_campaign(registry, DISTRICT, advice, name="  ")


def test_a_campaign_for_some_wards_keeps_their_targets_only(registry, advice):  # noqa: F811
    every = camp.targets(
        registry, DISTRICT, camp.create_campaign(registry, DISTRICT, advice, name="a")
    )
    ward = every["ward_code"].iat[0]
    campaign = camp.create_campaign(registry, DISTRICT, advice, name="b", wards=(ward,))
    table = camp.targets(registry, DISTRICT, campaign)
    assert set(table["ward_code"]) == {ward} and len(table) == (every["ward_code"] == ward).sum()


def test_ward_users_see_and_move_only_their_targets(registry, advice):  # noqa: F811
    campaign = camp.create_campaign(registry, DISTRICT, advice, name="c")
    every = camp.targets(registry, DISTRICT, campaign)
    lan = ward_user(every)
    mine = camp.targets(registry, lan, campaign)
    assert set(mine["ward_code"]) == set(lan.wards)
    other = every[~every["ward_code"].isin(lan.wards)].iloc[0]
    with pytest.raises(PermissionDenied):
        camp.set_target(
            registry,
            lan,
            int(other["id"]),
            status="contacted",
            expected_version=int(other["version"]),
        )
    with pytest.raises(PermissionDenied):
        camp.set_target(registry, VIEWER, int(other["id"]), status="contacted", expected_version=1)
    target = mine.iloc[0]
    saved = camp.set_target(
        registry,
        lan,
        int(target["id"]),
        status="contacted",
        expected_version=int(target["version"]),
    )
    assert saved["status"] == "contacted" and saved["version"] == int(target["version"]) + 1


def test_the_status_flow_is_kept_and_registration_links_a_nearby_camera(registry, advice):  # noqa: F811
    campaign = camp.create_campaign(registry, DISTRICT, advice, name="d")
    target = camp.targets(registry, DISTRICT, campaign).iloc[0]
    tid, version = int(target["id"]), int(target["version"])
    with pytest.raises(InputError, match="can move to Contacted, Declined"):
        camp.set_target(registry, DISTRICT, tid, status="installed", expected_version=version)
    for status in ("contacted", "agreed", "installed"):
        version = camp.set_target(registry, DISTRICT, tid, status=status, expected_version=version)[
            "version"
        ]
    far = registry.register(
        DISTRICT, {"lat": target["lat"] + 0.002, "lon": target["lon"], "fov_deg": 80, "range_m": 40}
    )
    with pytest.raises(InputError, match="m away"):
        camp.set_target(
            registry,
            DISTRICT,
            tid,
            status="registered",
            expected_version=version,
            camera_id=far["id"],
        )
    with pytest.raises(InputError, match="registry number"):
        camp.set_target(registry, DISTRICT, tid, status="registered", expected_version=version)
    near = registry.register(
        DISTRICT,
        {
            "lat": target["lat"],
            "lon": target["lon"],
            "bearing_deg": target["bearing_deg"],
            "fov_deg": target["fov_deg"],
            "range_m": target["range_m"],
        },
    )
    done = camp.set_target(
        registry, DISTRICT, tid, status="registered", expected_version=version, camera_id=near["id"]
    )
    assert done["status"] == "registered" and done["camera_id"] == near["id"]
    listed = camp.campaigns(registry, DISTRICT)
    row = listed[listed["id"] == campaign].iloc[0]
    assert row["registered"] == 1 and row["progress"] == pytest.approx(1 / 12)


def test_a_stale_save_is_refused_and_nothing_is_lost(registry, advice):  # noqa: F811
    campaign = camp.create_campaign(registry, DISTRICT, advice, name="e")
    target = camp.targets(registry, DISTRICT, campaign).iloc[0]
    tid, version = int(target["id"]), int(target["version"])
    camp.set_target(
        registry, DISTRICT, tid, status="contacted", expected_version=version, note="gọi lần 1"
    )
    with pytest.raises(ConflictError, match="reload"):
        camp.set_target(registry, DISTRICT, tid, status="declined", expected_version=version)
    again = camp.targets(registry, DISTRICT, campaign).iloc[0]
    assert again["status"] == "contacted" and again["note"] == "gọi lần 1"


def test_progress_and_coverage_if_every_pending_target_is_installed(registry, advice):  # noqa: F811
    campaign = camp.create_campaign(registry, DISTRICT, advice, name="f")
    table = camp.targets(registry, DISTRICT, campaign)
    first = table.iloc[0]
    camp.set_target(
        registry,
        DISTRICT,
        int(first["id"]),
        status="declined",
        expected_version=int(first["version"]),
    )
    table = camp.targets(registry, DISTRICT, campaign)
    overall = camp.progress(table).set_index("ward").loc["__all__"]
    assert overall["targets"] == 12 and overall["declined"] == 1 and overall["proposed"] == 11
    dataset = advice.dataset
    all_in = camp.coverage_if_installed(dataset, table, advice.segments)
    assert advice.placement.covered_before_m < all_in < advice.placement.covered_after_m


def test_targets_export_to_a_workbook_with_their_statuses(registry, advice, tmp_path):  # noqa: F811
    from openpyxl import load_workbook

    from geodata.reports.planviews import targets_xlsx

    campaign = camp.create_campaign(registry, DISTRICT, advice, name="g")
    table = camp.targets(registry, DISTRICT, campaign)
    path = tmp_path / "targets.xlsx"
    path.write_bytes(targets_xlsx(table, "vi"))
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][0] == "Thứ tự" and "Tình trạng" in rows[0] and "Vĩ độ" in rows[0]
    assert len(rows) == 13 and {r[rows[0].index("Tình trạng")] for r in rows[1:]} == {"Đề xuất"}
    assert [r[0] for r in rows[1:]] == list(range(1, 13))
