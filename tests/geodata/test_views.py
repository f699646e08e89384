"""Figures as pages show them: health counts, per-ward overview, hotspot share."""

import datetime as dt

import pandas as pd
import pytest

from geodata.demo import build_demo
from geodata.summary import summarise
from geodata.views import camera_health, hotspot_share, ward_overview

TODAY = dt.date(2026, 11, 25)


def table(**columns):
    base = {
        "status": ["active", "broken", "removed", "active"],
        "verified_on": [TODAY, TODAY - dt.timedelta(days=400), None, dt.date(2026, 1, 1)],
        "bearing_deg": [10.0, None, None, 0.0],
        "fov_deg": [90.0, 360.0, 90.0, 60.0],
        "ward_code": ["27088", "27088", None, "27091"],
        "ward_name": ["Thảo Điền", "Thảo Điền", None, "An Phú"],
    }
    return pd.DataFrame({**base, **columns})


def test_camera_health_counts():
    health = camera_health(table(), today=TODAY)
    assert health == {
        "total": 4,
        "active": 2,
        "broken": 1,
        "removed": 1,
        "unverified": 2,
        "missing_bearing": 1,
        "outside_wards": 1,
    }


def test_ward_overview_lists_every_ward_with_engine_figures():
    summary = summarise(build_demo())
    wards = ward_overview(summary, table(), "en")
    assert len(wards) == 11
    row = wards.set_index("Ward").loc["Thảo Điền"]
    assert row["Cameras"] == 2 and row["Active"] == 1
    by_ward = summary.routes.by_ward().set_index("ward")
    assert row["Key routes (km)"] == pytest.approx(
        by_ward.loc["Thảo Điền", "length_m"] / 1000, abs=0.01
    )
    assert wards["Gaps"].sum() == (summary.gaps["ward"] != "").sum()


def test_hotspot_share_is_area_weighted():
    summary = summarise(build_demo())
    spots = summary.hotspots
    assert hotspot_share(summary) == pytest.approx(
        spots["covered_m2"].sum() / spots["area_m2"].sum()
    )
