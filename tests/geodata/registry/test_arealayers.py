"""The area's layers in the registry's database: saved whole, read by every process, counted
in one revision, moved in from the files of before, and only by district users."""

import json

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geodata.errors import PermissionDenied
from geodata.layers.demo import build_demo
from geodata.registry import arealayers
from geodata.registry.access import Actor
from geodata.registry.service import Registry
from tests.registry_fixtures import DISTRICT, registry, registry_url  # noqa: F401

WARD_USER = Actor("lan", "ward", frozenset({"27106"}))


@pytest.fixture(scope="module")
def demo():
    return build_demo()


def houses(demo) -> gpd.GeoDataFrame:
    """Three footprints in the demo's working CRS, one of unknown height."""
    x, y = demo.wards.geometry.iloc[0].centroid.coords[0]
    return gpd.GeoDataFrame(
        {"height_m": [9.0, np.nan, 12.0]},
        geometry=[shapely.box(x + i * 10, y, x + i * 10 + 5, y + 15) for i in range(3)],
        crs=demo.crs,
    )


def is_the_demo(area, demo) -> bool:
    """Whether ``area`` is the demo's layers themselves, on the demo's boundary set."""
    layers = ("wards", "roads", "hotspots", "cameras", "buildings")
    same = all(getattr(area, name) is getattr(demo, name) for name in layers)
    return same and area.is_demo and area.boundary_set == demo.name


def test_a_saved_layer_is_what_every_process_reads(registry, registry_url, demo):  # noqa: F811
    assert is_the_demo(arealayers.current(registry, demo), demo)  # nothing saved
    before = arealayers.revision(registry)
    arealayers.save_layer(registry, DISTRICT, "buildings", houses(demo))
    assert arealayers.revision(registry) > before
    other = Registry.open(registry_url)  # another app process, or the command line
    try:
        area = arealayers.current(other, demo)
    finally:
        other.engine.dispose()
    assert not area.is_demo and area.crs == demo.crs
    assert len(area.buildings) == 3
    assert area.buildings["height_m"].tolist()[0::2] == [9.0, 12.0]
    assert np.isnan(area.buildings["height_m"].iloc[1])
    assert shapely.equals_exact(
        area.buildings.geometry.to_numpy(), houses(demo).geometry.to_numpy(), tolerance=1e-3
    ).all()
    assert area.roads is demo.roads  # what was never saved stays the demo's
    entry = registry.audit_entries(DISTRICT, limit=1).iloc[0]
    assert entry["action"] == "layer.save" and "buildings: 3 features" in entry["detail"]


def test_a_layer_saved_empty_stays_empty_and_key_routes_are_kept(registry, demo):  # noqa: F811
    arealayers.save_layer(registry, DISTRICT, "hotspots", demo.hotspots.iloc[:0])
    arealayers.save_key_routes(registry, DISTRICT, ["Mai Chí Thọ"])
    area = arealayers.current(registry, demo)
    assert len(area.hotspots) == 0 and list(area.hotspots.columns) == list(demo.hotspots.columns)
    assert area.key_routes == ("Mai Chí Thọ",)


def test_reset_brings_the_demo_back_wards_included(registry, demo):  # noqa: F811
    wards = demo.wards.copy()
    wards.loc[0, "ward_name"] = "Phường mới"
    arealayers.save_wards(registry, DISTRICT, wards, boundary_set="2025.gpkg")
    arealayers.save_layer(registry, DISTRICT, "buildings", houses(demo))
    assert "Phường mới" in set(arealayers.current(registry, demo).wards["ward_name"])
    arealayers.reset(registry, DISTRICT, demo)
    assert is_the_demo(arealayers.current(registry, demo), demo)
    assert set(registry.ward_names().values()) == set(demo.wards["ward_name"])


def test_only_district_users_change_the_layers(registry, demo):  # noqa: F811
    revision = arealayers.revision(registry)
    for change in (
        lambda: arealayers.save_layer(registry, WARD_USER, "buildings", houses(demo)),
        lambda: arealayers.save_key_routes(registry, WARD_USER, ["Mai Chí Thọ"]),
        lambda: arealayers.reset(registry, WARD_USER, demo),
    ):
        with pytest.raises(PermissionDenied, match="district"):
            change()
    assert arealayers.revision(registry) == revision
    with pytest.raises(KeyError, match="wards"):
        arealayers.save_layer(registry, DISTRICT, "wards", demo.wards)


def test_layers_saved_as_files_before_move_into_the_database_once(
    registry,  # noqa: F811
    demo,
    tmp_path,
    monkeypatch,
):
    monkeypatch.setenv("CCTV_DATA_DIR", str(tmp_path))
    folder = tmp_path / "layers"
    folder.mkdir()
    houses(demo).to_file(folder / "buildings.gpkg", driver="GPKG")
    demo.wards.to_file(folder / "wards.gpkg", driver="GPKG")
    (folder / "key_routes.json").write_text(json.dumps(["Trần Não"]), encoding="utf-8")
    assert arealayers.adopt_layer_files(registry, DISTRICT) == ["buildings", "key_routes"]
    area = arealayers.current(registry, demo)
    assert len(area.buildings) == 3 and area.key_routes == ("Trần Não",)
    assert sorted(p.name for p in folder.iterdir()) == [
        "buildings.gpkg.moved",
        "key_routes.json.moved",
        "wards.gpkg.moved",
    ]
    assert arealayers.adopt_layer_files(registry, DISTRICT) == []
