"""The maps' layers go into the page as rendered: their scripts are not compiled as templates
again, so a brace in the data stays a brace and a city's map renders quickly."""

import re

import folium
import geopandas as gpd
import jinja2
import pytest
import shapely

from geodata.analysis.summary import summarise
from geodata.layers.demo import build_demo
from geodata.maps.verbatim import VerbatimGeoJson
from geodata.maps.webmap import coverage_map

ELEMENT_ID = re.compile(r"[0-9a-f]{32}")


def shapes(name: str) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": [name]}, geometry=[shapely.box(106.70, 10.78, 106.71, 10.79)], crs="EPSG:4326"
    )


def test_template_text_in_the_data_stays_as_it_is():
    fmap = folium.Map(location=(10.785, 106.705), zoom_start=14, tiles=None)
    VerbatimGeoJson(shapes("Khu {{ 7 * 7 }} {% if x %}")).add_to(fmap)
    page = fmap.get_root().render()
    assert '"Khu {{ 7 * 7 }} {% if x %}"' in page
    assert "Khu 49" not in page


def test_a_verbatim_layer_gives_the_same_page_as_foliums_own():
    def page(layer) -> str:
        fmap = folium.Map(location=(10.785, 106.705), zoom_start=14, tiles=None)
        layer(shapes("Khu A"), style_function=lambda _: {"color": "#123456"}).add_to(fmap)
        return ELEMENT_ID.sub("id", fmap.get_root().render())

    assert page(VerbatimGeoJson) == page(folium.GeoJson)


@pytest.fixture
def compiled(monkeypatch):
    """The length of every text compiled as a Jinja template meanwhile."""
    lengths = []
    original = jinja2.Environment.from_string

    def counting(self, source, *args, **kwargs):
        lengths.append(len(source))
        return original(self, source, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "from_string", counting)
    return lengths


def test_a_coverage_map_compiles_none_of_its_layers_data(compiled):
    fmap = coverage_map(summarise(build_demo()), lang="vi")
    compiled.clear()
    page = fmap.get_root().render()
    assert len(page) > 200_000
    assert max(compiled) < 5_000, "only folium's own small elements are compiled"
