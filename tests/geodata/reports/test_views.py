"""Figures as pages show them: health counts, per-ward overview, hotspot share."""

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from geodata.analysis.summary import summarise
from geodata.layers.demo import build_demo
from geodata.reports import views
from geodata.reports.views import camera_health, hotspot_share, ward_overview

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


# ------------------------------------------------------------------ written for the reader


@pytest.fixture(scope="module")
def demo_summary():
    return summarise(build_demo())


def shown_cells(styler) -> list[list[str]]:
    """The cells a styled table shows, as text."""
    translated = styler._translate(False, False)
    return [[cell["display_value"] for cell in row[1:]] for row in translated["body"]]


def test_tables_are_written_in_the_readers_formats_and_empty_cells_stay_empty():
    frame = pd.DataFrame(
        {
            "Số": [12345, 7],
            "Chiều dài (m)": [1234.5, 80.0],
            "Độ phủ (%)": [32.8, 5.0],
            "Kiểm tra lần cuối": [dt.date(2026, 12, 2), None],
            "Chủ hộ": ["Lan", None],
        }
    )
    vi = shown_cells(views.styled(frame, "vi", plain=("Số",)))
    assert vi[0] == ["12345", "1.234,5", "32,8", "02/12/2026", "Lan"]
    assert vi[1] == ["7", "80,0", "5,0", "", ""]
    en = shown_cells(views.styled(frame, "en", plain=("Số",)))
    assert en[0][:4] == ["12345", "1,234.5", "32.8", "2 Dec 2026"]


def test_ward_tables_list_the_least_covered_ward_first(demo_summary):
    dataset = demo_summary.dataset
    cameras = pd.DataFrame(
        {
            "ward_name": dataset.cameras["ward_name"],
            "status": dataset.cameras["status"],
        }
    )
    for table in (
        views.ward_overview(demo_summary, cameras, "vi"),
        views.ward_table(demo_summary, "vi"),
        views.hotspot_table(demo_summary, "vi"),
    ):
        shares = table["Độ phủ (%)"].tolist()
        assert shares == sorted(shares) and len(shares) > 1


def test_hotspot_areas_are_in_hectares(demo_summary):
    table = views.hotspot_table(demo_summary, "vi")
    spots = demo_summary.hotspots.set_index("name")
    for name, area_ha in zip(table["Điểm nóng"], table["Diện tích (ha)"], strict=True):
        assert area_ha == pytest.approx(spots.loc[name, "area_m2"] / 10_000, abs=0.005)


def test_the_coverage_curve_starts_near_the_share_covered_today_with_axis_titles():
    curve = pd.DataFrame(
        {"Độ phủ tuyến trọng điểm (%)": [32.8, 33.5, 34.1]},
        index=pd.Index([0, 1, 2], name="Số camera mới"),
    )
    spec = views.curve_chart(curve, "vi").to_dict()
    y, x = spec["encoding"]["y"], spec["encoding"]["x"]
    assert y["title"] == "Độ phủ tuyến trọng điểm (%)" and x["title"] == "Số camera mới"
    low, high = y["scale"]["domain"]
    assert 30.0 <= low < 32.8 and 34.1 < high <= 36.1
    assert spec["config"]["locale"]["number"]["decimal"] == ","


def test_data_text_is_shown_literally_never_as_markdown():
    hostile = "Phường ![x](http://attacker.example/x.png) *đậm* $x$ <b>"
    shown = views.literal(hostile)
    assert "![" not in shown and "](" not in shown and "<b>" not in shown
    assert shown.replace("\\", "") == hostile


def test_a_plain_column_with_gaps_holds_no_missing_value_streamlit_would_write_as_none():
    table = pd.DataFrame({"Camera": [np.nan, 5.0, 12.0], "Người dùng": ["admin", "lan", "hoa"]})
    shown = views.styled(table, "vi", plain=("Camera",)).data
    assert shown["Camera"].tolist() == ["", "5", "12"]
    pa.Table.from_pandas(shown)  # one Arrow type: Streamlit need not convert it (and log it)
    whole = views.styled(table.dropna(), "vi", plain=("Camera",)).data
    assert whole["Camera"].tolist() == [5, 12]  # numbers while none is missing: sorted as such
