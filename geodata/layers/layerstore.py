"""The area's layers as the district has set them: uploaded wards, roads, hotspots, buildings and
key routes.

Saved under ``<data folder>/layers`` (GeoPackage files in the working CRS and a JSON file of key
routes); when nothing is saved, the built-in demo is used. Each file is written atomically, so an
interrupted save leaves the previous layer in place; new ward boundaries are saved together with
the registry's (:func:`save_wards`), both or neither.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import geopandas as gpd

from geodata import settings
from geodata.io.exports import atomic_path
from geodata.layers.dataset import Dataset

LAYERS = ("wards", "roads", "hotspots", "buildings")
KEY_ROUTES_FILE = "key_routes.json"


def layer_dir():
    """The folder of the saved layers (created when needed)."""
    folder = settings.data_dir() / "layers"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def revision() -> int:
    """A number that changes whenever a layer or the key routes are saved or reset."""
    return sum(path.stat().st_mtime_ns for path in layer_dir().iterdir())


def current(demo: Dataset) -> Dataset:
    """``demo`` with every saved layer and the saved key routes in place of its own."""
    folder = layer_dir()
    changes = {}
    for name in LAYERS:
        path = folder / f"{name}.gpkg"
        if path.exists():
            changes[name] = gpd.read_file(path).to_crs(demo.crs)
    routes = folder / KEY_ROUTES_FILE
    if routes.exists():
        changes["key_routes"] = tuple(json.loads(routes.read_text(encoding="utf-8")))
    if not changes:
        return demo
    return replace(demo, **changes, is_demo=False)


def save_layer(name: str, frame: gpd.GeoDataFrame) -> None:
    """Save an uploaded (already validated) layer: ``roads``, ``hotspots`` or ``buildings`` (wards
    go with the registry's: :func:`save_wards`)."""
    if name not in LAYERS or name == "wards":
        raise KeyError(f"unknown layer {name!r}; save_layer saves roads, hotspots and buildings")
    with atomic_path(layer_dir() / f"{name}.gpkg") as path:
        frame.to_file(path, driver="GPKG", engine="pyogrio")


def save_wards(registry, actor, wards: gpd.GeoDataFrame, *, boundary_set: str) -> int:
    """Replace the ward boundaries: the saved layer and the registry's, both or neither.

    The layer is written to a temporary file first, the registry replaces its wards (and
    re-assigns the cameras) in one transaction, and only once that committed does the file
    take the place of the saved layer. Returns how many cameras moved to another ward.

    Parameters
    ----------
    registry : geodata.registry.service.Registry
        The registry whose wards are replaced (see its ``replace_wards``).
    actor : geodata.registry.access.Actor
        Who replaces them (district users only).
    wards : GeoDataFrame
        The loaded ward layer (``ward_code``, ``ward_name``, polygons), in the working CRS.
    boundary_set : str, keyword-only
        A name for these boundaries (the uploaded file's name).

    Raises
    ------
    InputError
        When the registry refuses the wards (a code given twice, a text too long); nothing
        changed.
    """
    with atomic_path(layer_dir() / "wards.gpkg") as path:
        wards.to_file(path, driver="GPKG", engine="pyogrio")
        return registry.replace_wards(actor, wards, boundary_set=boundary_set)


def save_key_routes(names) -> None:
    """Save the names of the roads that are key routes."""
    with atomic_path(layer_dir() / KEY_ROUTES_FILE) as path:
        path.write_text(json.dumps(sorted(names), ensure_ascii=False), encoding="utf-8")


def reset() -> None:
    """Forget every saved layer: back to the built-in demo."""
    shutil.rmtree(layer_dir())
