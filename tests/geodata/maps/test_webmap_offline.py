"""The offline HTML map says what it shows: a title, the area, the date, the figures and the
legend, in the reader's language."""

import datetime as dt
import re
from dataclasses import replace

import pytest

from geodata.analysis.summary import summarise
from geodata.layers.demo import build_demo
from geodata.maps.htmlmap import map_heading, standalone_html
from geodata.maps.webmap import coverage_map

DAY = dt.date(2026, 12, 2)


@pytest.fixture(scope="module")
def summary():
    return summarise(build_demo())


def test_offline_map_has_a_title_a_heading_the_date_and_the_figures(summary):
    heading = map_heading(summary, lang="vi", when=DAY)
    page = standalone_html(coverage_map(summary, lang="vi"), heading=heading)
    title = re.search(r"<title>(.*)</title>", page).group(1)
    assert title == "Bản đồ độ phủ camera an ninh – Quận 2 (demo) – 02/12/2026"
    header = re.search(r'<header class="map-heading">(.*?)</header>', page).group(1)
    assert "<h1>Bản đồ độ phủ camera an ninh</h1>" in header
    assert "Quận 2 (demo) · ngày 02/12/2026" in header
    figures = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", header))
    length_km = summary.routes.length_m / 1000
    assert figures["Tuyến trọng điểm"] == f"{length_km:.1f} km".replace(".", ",")
    assert figures["Độ phủ tuyến trọng điểm"] == f"{summary.routes.share * 100:.1f} %".replace(
        ".", ","
    )
    assert figures["Điểm mù ≥ 50 m"] == str(len(summary.gaps))
    active = int((summary.dataset.cameras["status"] == "active").sum())
    assert figures["Camera hoạt động"] == f"{active:,}".replace(",", ".")
    assert page.index("map-heading") < page.index('class="folium-map"')
    assert "Chú giải" in page and "Camera hỏng" in page


def test_heading_of_some_wards_counts_only_theirs(summary):
    heading = map_heading(summary, lang="en", when=DAY, wards=("Thảo Điền",))
    assert heading.area == "Quận 2 (demo): Thảo Điền" and heading.date == "2 Dec 2026"
    figures = dict(heading.figures)
    gaps = int((summary.gaps["ward"] == "Thảo Điền").sum())
    assert figures["Gaps ≥ 50 m"] == str(gaps)
    assert float(figures["Key routes"].removesuffix(" km")) < summary.routes.length_m / 1000


def test_heading_text_from_data_is_escaped(summary):
    hostile = replace(summary, dataset=replace(summary.dataset, name="<b>Q2</b>"))
    page = standalone_html(
        coverage_map(summary, lang="vi"), heading=map_heading(hostile, lang="vi", when=DAY)
    )
    assert "<b>Q2</b>" not in page and "&lt;b&gt;Q2&lt;/b&gt;" in page
