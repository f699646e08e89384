"""The print map: text from data drawn as written, the reader's formats, legible campaign sites."""

import datetime as dt
import unicodedata
from dataclasses import replace

import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.text import Text
from matplotlib_scalebar.scalebar import ScaleBar
from pypdf import PdfReader

from geodata import i18n
from geodata.analysis.recommend import recommend
from geodata.analysis.summary import summarise
from geodata.layers.demo import build_demo
from geodata.maps import palette
from geodata.maps.printmap import map_figure, save_figure
from geodata.reports.meetingreport import write_report
from geodata.reports.planviews import proposals

WHEN = dt.date(2026, 11, 30)
WARD = "Phường $1$"
ROUTE = "Đường A$B"
HOTSPOT = "Chợ $\\frac$"


@pytest.fixture(scope="module")
def demo_summary():
    return summarise(build_demo())


@pytest.fixture(scope="module")
def odd_names():
    """The demo with a ward, the route of the longest gap and a hotspot named with ``$``."""
    demo = build_demo()
    gaps = summarise(demo).gaps
    route = gaps.loc[gaps["length_m"].idxmax(), "route"]
    first = demo.wards["ward_name"].iat[0]
    wards = demo.wards.assign(ward_name=demo.wards["ward_name"].replace(first, WARD))
    roads = demo.roads.assign(road_name=demo.roads["road_name"].replace(route, ROUTE))
    spots = demo.hotspots.assign(hotspot_name=[HOTSPOT, *demo.hotspots["hotspot_name"].iloc[1:]])
    key_routes = tuple(ROUTE if name == route else name for name in demo.key_routes)
    cameras = demo.cameras.assign(ward_name=demo.cameras["ward_name"].replace(first, WARD))
    odd = replace(
        demo, wards=wards, roads=roads, hotspots=spots, key_routes=key_routes, cameras=cameras
    )
    return summarise(odd)


def pdf_text(path) -> str:
    return unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in PdfReader(path).pages))


def figure_texts(figure) -> list[str]:
    return [t.get_text() for t in figure.findobj(Text)]


def test_names_with_dollar_signs_are_printed_as_written(odd_names, tmp_path):
    png = tmp_path / "ban_do.png"
    save_figure(map_figure(odd_names, lang="vi", when=WHEN), png, fmt="png", size="phone")
    assert png.stat().st_size > 0
    pdf = tmp_path / "bao_cao.pdf"
    cameras = pd.DataFrame(odd_names.dataset.cameras.drop(columns="geometry"))
    cameras = cameras.assign(verified_on=None, ward_code="27109")
    write_report(pdf, odd_names, cameras, lang="vi", when=WHEN)
    text = pdf_text(pdf)
    for name in (WARD, ROUTE, HOTSPOT):
        assert name in text, name


@pytest.mark.parametrize(
    ("lang", "date"), [("vi", "30/11/2026"), ("en", "30 Nov 2026")], ids=["vi", "en"]
)
def test_map_page_writes_numbers_and_dates_in_the_readers_formats(demo_summary, lang, date):
    texts = figure_texts(map_figure(demo_summary, lang=lang, when=WHEN))
    share = i18n.percent(demo_summary.routes.share, lang)
    km = i18n.number(demo_summary.routes.length_m / 1000, lang, digits=1)
    assert share in texts and any(date in t for t in texts)
    assert f"{km} km" in texts
    assert share.endswith(" %") == (lang == "vi")


def test_scale_bar_writes_the_readers_digits(demo_summary):
    figure = map_figure(demo_summary, lang="vi", when=WHEN, size="phone")
    (bar,) = [a for a in figure.axes[0].artists if isinstance(a, ScaleBar)]
    assert bar.scale_formatter(2.5, "km") == "2,5 km"
    assert bar.scale_formatter(500, "m") == "500 m"


def test_campaign_sites_are_badges_coloured_by_status(demo_summary):
    sites = proposals(recommend(demo_summary.dataset, k=6))
    sites = sites.assign(
        status=["proposed", "contacted", "agreed", "declined", "installed", "registered"]
    )
    figure = map_figure(demo_summary, lang="vi", when=WHEN, proposals=sites)
    badges = {
        t.get_text(): t
        for t in figure.findobj(Text)
        if t.get_text() in {str(rank) for rank in sites["rank"]} and t.get_bbox_patch()
    }
    assert len(badges) == len(sites)
    for rank, status in zip(sites["rank"], sites["status"], strict=True):
        badge = badges[str(rank)]
        patch = badge.get_bbox_patch()
        assert badge.get_fontsize() >= 8 and to_hex(badge.get_color()) == "#ffffff"
        assert to_hex(patch.get_facecolor()) == palette.OUTLINE.lower()
        assert to_hex(patch.get_edgecolor()) == palette.PROPOSAL[status].lower()
    legend = figure_texts(figure)
    for status in ("proposed", "declined", "installed"):
        assert i18n.text(f"target.{status}", "vi") in " ".join(legend)
