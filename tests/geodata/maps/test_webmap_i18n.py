"""The web map needs nothing from the internet and speaks the user's language."""

import json
import re

import pytest

from geodata import i18n
from geodata.analysis.summary import summarise
from geodata.layers.demo import build_demo
from geodata.maps.leaflet import LOCAL_ASSETS, install_leaflet, local_url
from geodata.maps.webmap import coverage_map

URL_ATTRIBUTE = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


@pytest.fixture(scope="module")
def demo_summary():
    return summarise(build_demo())


@pytest.fixture(scope="module")
def map_html(demo_summary):
    return coverage_map(demo_summary, lang="vi").get_root().render()


def test_map_loads_every_script_and_stylesheet_from_the_app(map_html):
    urls = URL_ATTRIBUTE.findall(map_html)
    assert urls, "the map must load Leaflet"
    assert all(url.startswith("/app/static/") for url in urls), urls
    assert local_url("leaflet") in urls and local_url("leaflet_css") in urls


def test_map_names_no_internet_host(map_html):
    assert not re.search(r"https?://", map_html.replace("http://www.w3.org", ""))


def test_map_has_no_base_tiles_by_default_and_a_max_zoom(map_html):
    assert "L.tileLayer" not in map_html
    assert re.search(r'"?maxZoom"?:\s*19\b', map_html)


def test_configured_tile_url_is_used(demo_summary, monkeypatch):
    monkeypatch.setenv("CCTV_TILE_URL", "http://tiles.intranet.local/{z}/{x}/{y}.png")
    html = coverage_map(demo_summary, lang="en").get_root().render()
    assert "tiles.intranet.local/{z}/{x}/{y}.png" in html


def test_map_shows_every_ward_name_and_layer(map_html):
    for name in build_demo().wards["ward_name"]:
        assert json.dumps(name)[1:-1] in map_html
    for key in ("map.layer.covered", "map.layer.uncovered", "map.layer.gaps", "map.layer.cameras"):
        assert i18n.text(key, "vi") in map_html


def test_text_in_tooltips_is_escaped(demo_summary):
    dataset = demo_summary.dataset
    cameras = dataset.cameras.copy()
    cameras.loc[0, "camera_id"] = "<img src=x onerror=alert(1)>"
    hostile = summarise(type(dataset)(**{**dataset.__dict__, "cameras": cameras}))
    html = coverage_map(hostile, lang="vi").get_root().render()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_install_leaflet_copies_the_served_files(tmp_path):
    target = install_leaflet(tmp_path)
    for folder, _, filename in LOCAL_ASSETS.values():
        assert (target / folder / filename).stat().st_size > 500
    assert (target / "leaflet" / "images" / "marker-icon.png").exists()
    before = (target / "leaflet" / "leaflet.js").stat().st_mtime_ns
    install_leaflet(tmp_path)
    assert (target / "leaflet" / "leaflet.js").stat().st_mtime_ns == before
