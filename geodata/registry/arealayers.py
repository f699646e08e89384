"""The area's layers as the district has set them, kept in the registry's database.

Ward boundaries live in the registry's ``wards`` table; roads, hotspots and buildings in
``layer_features`` (each feature's shape in EPSG:4326 as WKB and its columns as JSON), and the
key routes (and which layers were saved, with their columns, so that a layer saved empty stays
empty) in ``area_settings``. Every app process and the command line read the same database,
so they draw and count the same area. Each save replaces one layer in one transaction with an
audit entry, so a save interrupted leaves the previous layer whole, and the newest such entry
is the layers' revision (:func:`revision`): caches keyed by it see a change made anywhere at the
next rerun. What the district never saved comes from the built-in demo.

Layers once saved under ``<data folder>/layers`` as files (before the database held them) are
moved into the database the first time the registry is opened (:func:`adopt_layer_files`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import replace

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import delete, select

from geodata import settings
from geodata.i18n import Message
from geodata.io.crs import to_working, working_crs_of_bounds
from geodata.layers.contract import CAMERA_COLUMNS, HOTSPOT_COLUMNS, ROAD_COLUMNS
from geodata.layers.dataset import Dataset
from geodata.layers.demo import DEMO_NAME, shared_demo
from geodata.layers.demosets import DEMO_WARDS_SINCE, MERGED_SET
from geodata.registry.access import Actor
from geodata.registry.models import AreaSetting, LayerFeature
from geodata.registry.service import WARD_ACTIONS, Registry, write_audit

log = logging.getLogger(__name__)

LAYERS = ("roads", "hotspots", "buildings")
"""The layers kept in ``layer_features`` (the wards have their own table)."""
KEY_ROUTES = "key_routes"
LAYER_ACTIONS = ("layer.save", "layer.reset", "key_routes.save", *WARD_ACTIONS)
"""The audit actions that change the area's layers (their newest entry is the revision)."""


def revision(registry: Registry) -> int:
    """A number that changes whenever a layer, the key routes or the wards are saved or reset."""
    return registry.revision(LAYER_ACTIONS)


def current(
    registry: Registry, demo: Dataset | None = None, *, boundary_set: str | None = None
) -> Dataset:
    """The area as the district set it: the wards of ``boundary_set`` (default: the current
    set) with every saved layer and the key routes.

    On the demo's wards (its 11, or their illustrative merger) what was never saved is the
    demo's, and the area is still the demo while only its wards are illustrative. On the
    district's own wards the area is the district's: named after the boundary set, in the UTM
    zone of its wards, and a layer never saved is empty (never the demo's roads or buildings,
    which lie elsewhere). ``demo`` is the built-in demo (default: :func:`shared_demo`, built
    only when the area needs it).
    """
    chosen = boundary_set or registry.current_boundary_set()
    if chosen in (None, DEMO_NAME, MERGED_SET):
        base = demo if demo is not None else shared_demo()
    else:
        base = _own_area(chosen, registry.ward_frame(chosen))
    saved_layers = {}
    if chosen == MERGED_SET:
        saved_layers["wards"] = registry.ward_frame(chosen).to_crs(base.crs)
    with registry._db() as session:
        rows = session.execute(
            select(LayerFeature.layer, LayerFeature.geometry_wkb, LayerFeature.properties).order_by(
                LayerFeature.layer, LayerFeature.position
            )
        ).all()
        saved = dict(session.execute(select(AreaSetting.name, AreaSetting.value)).all())
    for name in LAYERS:
        if f"layer.{name}" in saved:
            columns = json.loads(saved[f"layer.{name}"])["columns"]
            saved_layers[name] = _frame([r for r in rows if r.layer == name], columns, base.crs)
    if KEY_ROUTES in saved:
        saved_layers["key_routes"] = tuple(json.loads(saved[KEY_ROUTES]))
    own = set(saved_layers) - {"wards"}
    area = replace(base, **saved_layers, is_demo=base.is_demo and not own)
    if chosen is None:
        return area
    sets = registry.boundary_sets().set_index("name")
    return replace(
        area, boundary_set=chosen, illustrative_wards=bool(sets.loc[chosen, "illustrative"])
    )


def _own_area(name: str, wards: gpd.GeoDataFrame) -> Dataset:
    """A district's own area before any other layer is saved: its wards (EPSG:4326) in the UTM
    zone they lie in, no roads, hotspots, buildings or key routes."""
    crs = working_crs_of_bounds(tuple(wards.total_bounds))
    return Dataset(
        name=name,
        wards=to_working(wards, crs).reset_index(drop=True),
        roads=_frame([], list(ROAD_COLUMNS), crs),
        hotspots=_frame([], list(HOTSPOT_COLUMNS), crs),
        cameras=gpd.GeoDataFrame(columns=list(CAMERA_COLUMNS), geometry=[], crs=crs),
    )


def saved_layers(registry: Registry) -> set[str]:
    """The names of the layers (and ``key_routes``) the district saved."""
    with registry._db() as session:
        names = set(session.scalars(select(AreaSetting.name)))
    return {name.removeprefix("layer.") for name in names}


def save_layer(registry: Registry, actor: Actor, name: str, frame: gpd.GeoDataFrame) -> None:
    """Replace one layer (``roads``, ``hotspots`` or ``buildings``, already validated) with
    ``frame``, in one transaction with its audit entry (district users only)."""
    if name not in LAYERS:
        raise KeyError(f"unknown layer {name!r}; the layers are {', '.join(LAYERS)}")
    actor.require_district(Message("access.what.layers"))
    degrees = frame.to_crs("EPSG:4326")
    columns = [column for column in degrees.columns if column != degrees.geometry.name]
    records = pd.DataFrame(degrees[columns]).to_dict("records")
    shapes = shapely.to_wkb(degrees.geometry.to_numpy())
    with registry._db(write=True) as session:
        session.execute(delete(LayerFeature).where(LayerFeature.layer == name))
        kept = json.dumps({"columns": columns, "features": len(frame)}, ensure_ascii=False)
        session.merge(AreaSetting(name=f"layer.{name}", value=kept))
        session.add_all(
            LayerFeature(
                layer=name,
                position=position,
                geometry_wkb=shape,
                properties=json.dumps(_plain(record), ensure_ascii=False),
            )
            for position, (shape, record) in enumerate(zip(shapes, records, strict=True))
        )
        write_audit(session, actor, "layer.save", detail=f"{name}: {len(frame)} features")


def save_key_routes(registry: Registry, actor: Actor, names) -> None:
    """Save the names of the roads that are key routes (district users only)."""
    actor.require_district(Message("access.what.layers"))
    value = json.dumps(sorted(names), ensure_ascii=False)
    with registry._db(write=True) as session:
        session.merge(AreaSetting(name=KEY_ROUTES, value=value))
        write_audit(session, actor, "key_routes.save", detail=f"{len(names)} key routes")


def save_wards(
    registry: Registry,
    actor: Actor,
    wards: gpd.GeoDataFrame,
    *,
    boundary_set: str,
    valid_from: dt.date | None = None,
    current: bool = True,
) -> int:
    """Keep ward boundaries as the boundary set ``boundary_set``, by default the current one
    (the cameras re-assigned); returns how many cameras moved to another ward
    (:meth:`Registry.load_boundary_set`)."""
    return registry.load_boundary_set(
        actor, wards, name=boundary_set, valid_from=valid_from, current=current
    )


def reset(registry: Registry, actor: Actor, demo: Dataset) -> None:
    """Forget every saved layer and the key routes, and give the wards back the demo's
    boundaries: the area is the built-in demo again."""
    actor.require_district(Message("access.what.layers"))
    with registry._db(write=True) as session:
        session.execute(delete(LayerFeature))
        session.execute(delete(AreaSetting))
        write_audit(session, actor, "layer.reset", detail=demo.name)
    if registry.current_boundary_set() != demo.name:
        registry.load_boundary_set(actor, demo.wards, name=demo.name, valid_from=DEMO_WARDS_SINCE)


def adopt_layer_files(registry: Registry, actor: Actor) -> list[str]:
    """Move the layers once saved as files under ``<data folder>/layers`` into the database
    (when the database holds none of its own yet); returns the names of those moved.

    Each file is renamed ``*.moved`` once its layer is in the database, so it is moved once.
    """
    folder = settings.data_dir() / "layers"
    if not folder.is_dir():
        return []
    moved = []
    with registry._db() as session:
        saved = set(session.scalars(select(AreaSetting.name)))
    for name in LAYERS:
        path = folder / f"{name}.gpkg"
        if path.exists() and f"layer.{name}" not in saved:
            save_layer(registry, actor, name, gpd.read_file(path))
            path.rename(path.with_suffix(".gpkg.moved"))
            moved.append(name)
    routes = folder / f"{KEY_ROUTES}.json"
    if routes.exists() and KEY_ROUTES not in saved:
        save_key_routes(registry, actor, json.loads(routes.read_text(encoding="utf-8")))
        routes.rename(routes.with_suffix(".json.moved"))
        moved.append(KEY_ROUTES)
    wards = folder / "wards.gpkg"
    if wards.exists():  # the registry has held the wards all along: the file was a copy
        wards.rename(wards.with_suffix(".gpkg.moved"))
    if moved:
        log.info("moved the saved layers %s into the registry", ", ".join(moved))
    return moved


def _frame(rows, columns: list[str], crs) -> gpd.GeoDataFrame:
    """A layer's features (rows of ``layer_features``, perhaps none) as a frame in ``crs``."""
    table = pd.DataFrame([json.loads(row.properties) for row in rows], columns=columns)
    table = table.infer_objects()
    shapes = shapely.from_wkb([row.geometry_wkb for row in rows]) if rows else []
    frame = gpd.GeoDataFrame(table, geometry=gpd.GeoSeries(shapes, crs="EPSG:4326"))
    return frame.to_crs(crs)


def _plain(record: dict) -> dict:
    """A record's values as JSON can hold them (NaN as null, numpy numbers as numbers)."""
    plain = {}
    for key, value in record.items():
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, float) and not np.isfinite(value):
            value = None
        plain[str(key)] = value
    return plain
