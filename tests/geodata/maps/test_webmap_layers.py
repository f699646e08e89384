"""The web maps help instead of confuse: one palette, every layer in the legend, neutral
clusters under the ward names, popups in the reader's language, a registration map whose
cameras let clicks through, campaign sites and the chosen gap framed and legible."""

import json
import re
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from geodata.analysis.summary import summarise
from geodata.layers.demo import build_demo
from geodata.maps import palette
from geodata.maps.preview import returned_view
from geodata.maps.webmap import (
    LABEL_PANE,
    coverage_map,
    hotspot_drawing_map,
    registration_map,
)

HEX = re.compile(r"#[0-9A-Fa-f]{6}\b")


@pytest.fixture(scope="module")
def summary():
    return summarise(build_demo())


def campaign_sites() -> pd.DataFrame:
    """Three campaign sites near Thảo Điền: to do, declined, done."""
    return pd.DataFrame(
        {
            "lat": [10.8010, 10.8030, 10.8050],
            "lon": [106.7350, 106.7380, 106.7400],
            "bearing_deg": [0.0, 90.0, 180.0],
            "fov_deg": [80.0, 360.0, 80.0],
            "range_m": [40.0, 15.0, 40.0],
            "rank": [1, 2, 12],
            "gain_m": [1234.5, 30.25, 12.0],
            "template": ["bullet", "dome", "bullet"],
            "status": ["proposed", "declined", "installed"],
            "address": ["12 Xuân Thủy", None, "3 Thảo Điền"],
        }
    )


@pytest.fixture(scope="module")
def sites():
    return campaign_sites()


@pytest.fixture(scope="module")
def campaign_html(summary, sites):
    return (
        coverage_map(summary, lang="vi", proposals=sites, frame_proposals=True).get_root().render()
    )


def legend_of(page: str) -> str:
    return page[page.index("<details") : page.index("</details>")]


def fitted_bounds(page: str) -> list[list[list[float]]]:
    return [json.loads(b) for b in re.findall(r"fitBounds\(\s*(\[\[.*?\]\])", page, re.S)]


def test_the_web_maps_take_every_colour_from_the_palette():
    source = Path("geodata/maps/webmap.py").read_text(encoding="utf-8")
    source += Path("geodata/maps/maplayers.py").read_text(encoding="utf-8")
    assert HEX.findall(source) == []


def test_each_layer_has_a_colour_of_its_own():
    layers = {
        "covered": palette.COVERED,
        "uncovered": palette.UNCOVERED,
        "gaps": palette.GAP,
        "hotspots": palette.HOTSPOT,
        **{f"camera {s}": colour for s, colour in palette.STATUS.items()},
        "sites to do": palette.PROPOSAL["proposed"],
        "sites declined": palette.PROPOSAL["declined"],
        "clusters": palette.CLUSTER,
        "roads": palette.ROAD,
    }
    assert len(set(map(str.upper, layers.values()))) == len(layers), layers
    assert palette.STATUS["broken"] != palette.GAP
    assert palette.PROPOSAL["proposed"] != palette.HOTSPOT


def test_legend_lists_every_layer_with_a_swatch_of_its_kind(campaign_html):
    legend = legend_of(campaign_html)
    entries = re.findall(
        r'<div class="legend-entry"[^>]*>(<span style="([^"]*)"></span>)([^<]*)<', legend
    )
    swatches = {label.strip(): style for _, style, label in entries}
    for label in ("Ranh giới phường", "Điểm nóng"):
        assert "border:2px solid" in swatches[label], label  # a filled box
    for label in (
        "Đường khác",
        "Tuyến trọng điểm — đã phủ",
        "Tuyến trọng điểm — chưa phủ",
        "Điểm mù",
    ):
        assert "border-radius" not in swatches[label] and "border:" not in swatches[label]
    for status, label in (
        ("active", "Camera hoạt động"),
        ("broken", "Camera hỏng"),
        ("removed", "Camera đã gỡ"),
    ):
        assert "border-radius:50%" in swatches[label] and palette.STATUS[status] in swatches[label]
    assert palette.COVERED in swatches["Tuyến trọng điểm — đã phủ"]
    assert palette.GAP in swatches["Điểm mù"] and palette.HOTSPOT in swatches["Điểm nóng"]
    site_labels = {label for label in swatches if label.startswith("Vị trí")}
    assert site_labels == {"Vị trí: Đề xuất", "Vị trí: Từ chối", "Vị trí: Đã lắp"}
    assert palette.PROPOSAL["declined"] in swatches["Vị trí: Từ chối"]


def test_legend_of_recommended_sites_names_the_layer(summary, sites):
    fmap = coverage_map(summary, lang="vi", proposals=sites.assign(status="proposed"))
    legend = legend_of(fmap.get_root().render())
    assert "Vị trí đề xuất" in legend and "Vị trí: " not in legend


def test_clusters_are_neutral_and_ward_names_lie_above_them(summary):
    page = coverage_map(summary, lang="vi").get_root().render()
    assert "iconCreateFunction: bubble" in page and palette.CLUSTER in page
    assert "marker-cluster-small" not in page and "MarkerCluster.Default.css" not in page
    pane = re.search(rf'createPane\(\s*"{LABEL_PANE}"\);\s*(\w+)\.style\.zIndex = (\d+);', page)
    assert pane and int(pane.group(2)) > 600  # above the marker pane that holds the bubbles
    assert '"pane": "wardLabels"' in page
    labels = json.loads(re.search(r"var labels = (\[.*?\]);\n", page).group(1))
    assert sorted(name for _, _, name in labels) == sorted(summary.dataset.wards["ward_name"])
    assert "text-shadow" in page  # a halo keeps the names legible


def test_camera_popups_speak_vietnamese(summary):
    page = coverage_map(summary, lang="vi").get_root().render()
    labels = json.loads(re.search(r"var labels = (\{.*?\});\n", page).group(1))
    assert labels["kinds"] == {"bullet": "Thân", "dome": "Bán cầu"}
    assert labels["decimal"] == "," and labels["group"] == "."
    assert labels["statuses"][:3] == ["Hoạt động", "Hỏng", "Đã gỡ"]
    assert "(labels.kinds[r[7]] || r[7])" in page and "decimal(r[4])" in page


def test_site_and_gap_tooltips_write_numbers_and_kinds_in_vietnamese(campaign_html, summary):
    assert "1.234,5" in campaign_html and "1234.5" not in campaign_html
    assert "Thân" in campaign_html and "Bán cầu" in campaign_html
    assert not re.search(r'"template": "(bullet|dome)"', campaign_html)
    longest = summary.gaps["length_m"].max()
    assert f"{longest:,.0f}".replace(",", ".") in campaign_html
    share = summary.hotspots["share"].iloc[0]
    assert f"{share * 100:.1f}".replace(".", ",") + " %" in campaign_html


def test_campaign_map_opens_on_its_sites_with_legible_rank_badges(campaign_html, sites):
    south, north = sites["lat"].min(), sites["lat"].max()
    west, east = sites["lon"].min(), sites["lon"].max()
    bounds = fitted_bounds(campaign_html)
    assert bounds, "the map must frame something"
    for (s, w), (n, e) in bounds:  # fitBounds on load and again when first shown
        assert s < south and n > north and w < west and e > east
        assert n - s < 0.01 and e - w < 0.01  # about a kilometre, not the district
    assert "new ResizeObserver" in campaign_html
    rows = json.loads(re.search(r"(\[\[.*?\]\])\.forEach", campaign_html).group(1))
    badges = [re.fullmatch(r'<div style="([^"]*)">(\d+)</div>', site[2]) for site in rows]
    badges = [badge.groups() for badge in badges if badge]
    assert sorted(rank for _, rank in badges) == ["1", "12", "2"]
    for style, _ in badges:
        size = int(re.search(r"font:700 (\d+)px", style).group(1))
        assert size >= 12
        assert f"background:{palette.OUTLINE}" in style and f"color:{palette.BADGE_TEXT}" in style
    rings = {re.search(r"border:3px solid (#\w+)", style).group(1) for style, _ in badges}
    assert rings == {palette.PROPOSAL[s] for s in sites["status"]}


def test_chosen_gap_is_highlighted_and_framed(summary):
    gap = summary.gaps.iloc[[5]].to_crs(4326)
    west, south, east, north = gap.total_bounds
    page = coverage_map(summary, lang="vi", gap=5).get_root().render()
    for (s, w), (n, e) in fitted_bounds(page):
        assert s < south and n > north and w < west and e > east
        assert n - s < 0.02
    assert '"weight": 16' in page and palette.OUTLINE in page
    assert ".bindPopup(" in page[page.index('"weight": 16') :]
    assert "Điểm mù đang chọn" in legend_of(page)
    plain = coverage_map(summary, lang="vi").get_root().render()
    assert '"weight": 16' not in plain and "Điểm mù đang chọn" not in plain


def test_registration_map_cameras_let_clicks_through(summary):
    page = registration_map(summary.dataset, lang="vi").get_root().render()
    assert "var interactive = false;" in page
    assert "false ? L.markerClusterGroup" in page
    assert '"interactive": false, "pane": "wardLabels"' in page
    assert "Camera hỏng" in legend_of(page)
    coverage = coverage_map(summary, lang="vi").get_root().render()
    assert "var interactive = true;" in coverage and "true ? L.markerClusterGroup" in coverage
    wards = summary.dataset.wards.to_crs(4326)
    west, south, east, north = wards[wards["ward_code"] == "27088"].total_bounds
    own = registration_map(summary.dataset, lang="vi", wards=frozenset({"27088"}))
    for (s, w), (n, e) in fitted_bounds(own.get_root().render()):  # opens on the user's ward
        assert (s, w, n, e) == pytest.approx((south, west, north, east))


def test_returned_view_reads_leaflets_centre_and_zoom():
    returned = {"center": {"lat": 10.8, "lng": 106.74}, "zoom": 16, "last_clicked": None}
    assert returned_view(returned) == ((10.8, 106.74), 16)
    assert returned_view(None) == (None, None)


def test_hotspot_drawing_map_uses_the_palette_and_has_a_legend(summary):
    page = hotspot_drawing_map(summary.dataset, lang="vi").get_root().render()
    assert palette.HOTSPOT in page and "Điểm nóng" in legend_of(page)


def test_a_map_without_buildings_works_out_no_view_polygons():
    """Without buildings nothing hides a view: the browser draws the cones from the rows, and
    the server keeps no polygon per camera (a city's 40,000 took 127 MB)."""
    demo = build_demo()
    open_area = summarise(replace(demo, buildings=None))
    page = coverage_map(open_area, lang="vi").get_root().render()
    assert open_area._views == {}
    rows = json.loads(re.search(r"var embedded = (\[.*\]);\n", page).group(1))
    assert len(rows) == len(demo.cameras) and all(len(row) == 9 for row in rows)
