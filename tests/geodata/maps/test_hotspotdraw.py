"""Hotspots drawn on the Data page's map: the drawing map, the table of shapes, the saved layer."""

import json
import re

import pytest
import shapely

from geodata import i18n
from geodata.analysis.summary import summarise
from geodata.errors import InputError
from geodata.layers.demo import build_demo
from geodata.maps.controls import DRAW_TEXT_KEYS
from geodata.maps.hotspotdraw import drawn_table, fingerprint, hotspots_from_table
from geodata.maps.leaflet import local_url
from geodata.maps.webmap import hotspot_drawing_map
from geodata.registry import arealayers
from tests.registry_fixtures import DISTRICT, registry, registry_url  # noqa: F401

NEW = "Điểm nóng mới {number}"
SQUARE = {  # about 550 m by 550 m in Bình An
    "type": "Polygon",
    "coordinates": [
        [
            [106.740, 10.790],
            [106.745, 10.790],
            [106.745, 10.795],
            [106.740, 10.795],
            [106.740, 10.790],
        ]
    ],
}


@pytest.fixture(scope="module")
def demo():
    return build_demo()


def returned(table) -> list[dict]:
    """The features as the drawing tools send them back for ``table`` (rows of the layer)."""
    return [
        {"type": "Feature", "properties": {"hotspot": row}, "geometry": shapely.geometry.mapping(g)}
        for row, g in enumerate(table.geometry)
    ]


def test_drawing_map_loads_leaflet_draw_locally_in_vietnamese(demo):
    html = hotspot_drawing_map(demo, lang="vi").get_root().render()
    assert local_url("leaflet_draw_js") in html and local_url("leaflet_draw_css") in html
    assert not re.search(r"https?://", html.replace("http://www.w3.org", ""))
    assert json.dumps("Vẽ đa giác điểm nóng") in html
    assert "new L.Control.Draw" in html


def test_drawing_map_sends_row_numbers_not_names(demo):
    spots = demo.hotspots.copy()
    spots.loc[0, "hotspot_name"] = "<img src=x onerror=alert(1)>"
    html = hotspot_drawing_map(type(demo)(**{**demo.__dict__, "hotspots": spots}), lang="vi")
    html = html.get_root().render()
    assert "onerror" not in html
    assert '"hotspot": 0' in html or '"hotspot":0' in html


def test_every_drawing_text_is_in_both_catalogues():
    for lang in ("vi", "en"):
        assert set(DRAW_TEXT_KEYS.values()) <= set(i18n.catalogue(lang))


def test_nothing_drawn_yet_lists_the_hotspots_as_they_are(demo):
    table = drawn_table(demo.hotspots, None, new_name=NEW)
    assert table["hotspot_name"].tolist() == demo.hotspots["hotspot_name"].tolist()
    assert table["weight"].tolist() == demo.hotspots["weight"].tolist()
    areas = demo.hotspots.geometry.area.to_numpy() / 10_000
    assert table["area_ha"].to_numpy() == pytest.approx(areas, abs=0.01)


def test_a_new_shape_gets_a_name_to_change_and_a_deleted_one_goes(demo):
    features = returned(drawn_table(demo.hotspots, None, new_name=NEW))[1:]  # the first deleted
    features.append({"type": "Feature", "properties": {}, "geometry": SQUARE})
    table = drawn_table(demo.hotspots, features, new_name=NEW)
    assert table["hotspot_name"].tolist() == [
        *demo.hotspots["hotspot_name"].iloc[1:],
        "Điểm nóng mới 1",
    ]
    assert table.iloc[-1]["hotspot_kind"] == "hotspot" and table.iloc[-1]["weight"] == 1.0
    assert 28 < table.iloc[-1]["area_ha"] < 32  # 0.005° × 0.005° at 10.8° N


def test_saved_table_becomes_the_hotspot_layer_and_counts_in_coverage(
    demo,
    registry,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    monkeypatch.setenv("CCTV_DATA_DIR", str(tmp_path))
    features = [*returned(drawn_table(demo.hotspots, None, new_name=NEW)), SQUARE]
    features[-1] = {"type": "Feature", "properties": {}, "geometry": SQUARE}
    table = drawn_table(demo.hotspots, features, new_name=NEW)
    table.loc[table.index[-1], ["hotspot_name", "weight"]] = ["Chợ đêm Bình An", 2.5]
    layer = hotspots_from_table(table, working=demo.crs)
    assert layer.crs == demo.crs and len(layer) == len(demo.hotspots) + 1
    assert layer.iloc[-1]["hotspot_name"] == "Chợ đêm Bình An" and layer.iloc[-1]["weight"] == 2.5
    arealayers.save_layer(registry, DISTRICT, "hotspots", layer)
    area = arealayers.current(registry, demo)
    assert "Chợ đêm Bình An" in set(area.hotspots["hotspot_name"])
    summary = summarise(area)
    assert len(summary.hotspots) == len(demo.hotspots) + 1


def test_a_shape_without_a_name_is_refused_naming_it(demo):
    features = [{"type": "Feature", "properties": {}, "geometry": SQUARE}]
    table = drawn_table(demo.hotspots, features, new_name=NEW)
    table.loc[0, "hotspot_name"] = "  "
    with pytest.raises(InputError, match=r"(?s)ban_ve_diem_nong\.geojson.*feature 1.*hotspot name"):
        hotspots_from_table(table, working=demo.crs)


def test_deleting_every_hotspot_saves_an_empty_layer(
    demo,
    registry,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    monkeypatch.setenv("CCTV_DATA_DIR", str(tmp_path))
    empty = hotspots_from_table(drawn_table(demo.hotspots, [], new_name=NEW), working=demo.crs)
    arealayers.save_layer(registry, DISTRICT, "hotspots", empty)
    area = arealayers.current(registry, demo)
    assert len(area.hotspots) == 0
    assert len(summarise(area).hotspots) == 0


def test_fingerprint_changes_when_a_shape_moves(demo):
    table = drawn_table(demo.hotspots, None, new_name=NEW)
    moved = table.copy()
    moved.geometry = moved.geometry.translate(xoff=1e-4)
    assert fingerprint(table) == fingerprint(table.copy()) != fingerprint(moved)
