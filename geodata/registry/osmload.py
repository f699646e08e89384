"""An OpenStreetMap extract into the registry: its roads, buildings, wards and cameras.

:func:`load_extract` reads an extract (:func:`geodata.layers.osmextract.read_extract`), keeps
what lies within the registry's wards when asked, and checks every layer with the loader the
Data page and ``cli.py layers load`` use (:data:`geodata.layers.dataset.LAYER_LOADERS`), so
that a layer from an extract is refused or repaired exactly as the same layer from a file.
Only when every layer passes is anything saved: the wards with
:func:`~geodata.registry.arealayers.save_wards`, the roads and the buildings with
:func:`~geodata.registry.arealayers.save_layer`, each in one transaction with its audit entry.

Cameras are not registered here: they are offered to the registry's import, written as a camera
list with the import's own headers (:func:`geodata.registry.osm.read_osm_cameras`: the
defaults of a camera OSM does not describe, its direction and type read from its tags, notes
saying where it came from), for someone to check and import.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path

import geopandas as gpd

from geodata.errors import InputError
from geodata.i18n import Message
from geodata.io.exports import write_csv
from geodata.io.files import NamedFrame
from geodata.layers.dataset import LAYER_LOADERS, Dataset, missing_key_routes
from geodata.layers.loadreport import LoadReport
from geodata.layers.osmextract import (
    EXTRACT_LAYERS,
    WARD_ADMIN_LEVEL,
    read_extract,
    suggested_key_routes,
)
from geodata.registry import arealayers
from geodata.registry.access import Actor
from geodata.registry.osm import is_camera, read_osm_cameras
from geodata.registry.service import Registry

log = logging.getLogger(__name__)

EXTRACT_OPTIONS = {"buildings": {"skip_unreadable_heights": True}}
"""The layer loaders' options for an extract: a height tag that is no number (``10;12``) is
ignored, as no district can mend OpenStreetMap's tags."""


@dataclass(frozen=True)
class ExtractLoad:
    """What :func:`load_extract` did.

    Attributes
    ----------
    file : str
        The extract's file name.
    counts : dict of str to int
        For each layer asked for, how many features were saved (roads and buildings as the
        loaders give them, wards) or found (cameras); 0 when the extract has none.
    boundary_set : str or None
        The name the wards were saved under (None when they were not).
    moved : int
        Registered cameras that moved to another ward with the new wards.
    suggested : tuple of str
        Key routes suggested: the names of the saved roads of the classes
        :data:`~geodata.layers.osmextract.KEY_ROUTE_CLASSES`, most important first.
    key_routes_saved : bool
        Whether the suggestion was saved as the area's key routes.
    cameras_out : pathlib.Path or None
        The camera list written for the registry's import (None when none was written).
    admin_level : int
        The ``admin_level`` the wards were read at.
    admin_levels : dict of str to int
        Named administrative boundaries of the extract by ``admin_level``.
    """

    file: str
    counts: dict[str, int]
    boundary_set: str | None = None
    moved: int = 0
    suggested: tuple[str, ...] = ()
    key_routes_saved: bool = False
    cameras_out: Path | None = None
    admin_level: int = WARD_ADMIN_LEVEL
    admin_levels: dict[str, int] = field(default_factory=dict)


def load_extract(
    registry: Registry,
    actor: Actor,
    path,
    *,
    area: Dataset,
    layers: tuple[str, ...] = EXTRACT_LAYERS,
    within: bool = False,
    admin_level: int = WARD_ADMIN_LEVEL,
    boundary_set: str | None = None,
    cameras_out=None,
    set_key_routes: bool = False,
    anyway: bool = False,
    report: LoadReport | None = None,
) -> ExtractLoad:
    """Check the layers of an OpenStreetMap extract and save them in the registry.

    Parameters
    ----------
    registry : Registry
        The registry whose area's layers are replaced.
    actor : Actor
        Who saves them (district users only: :func:`~geodata.registry.arealayers.save_layer`).
    path : str or pathlib.Path
        The extract (``.osm.pbf``, ``.osm``; :func:`~geodata.layers.osmextract.read_extract`).
    area : Dataset
        The area as it is (:func:`~geodata.registry.arealayers.current`): its working CRS
        (metres), into which the layers are projected, and its key routes.
    layers : tuple of str, keyword-only
        The layers to load, of :data:`~geodata.layers.osmextract.EXTRACT_LAYERS`.
    within : bool, keyword-only
        Keep only the roads (cut at the edge), buildings (by centroid) and cameras within the
        registry's wards as they are before this load.
    admin_level : int, keyword-only
        The ``admin_level`` of the boundaries read as wards.
    boundary_set : str, optional
        The name the wards are saved under (default: the extract's file name).
    cameras_out : str or pathlib.Path, optional
        Where to write the cameras as a camera list (CSV) for the registry's import.
    set_key_routes : bool, keyword-only
        Save the suggested key routes as the area's key routes (when there are any).
    anyway : bool, keyword-only
        Save new roads even when they lack some of the saved key routes (without
        ``set_key_routes``, such roads are refused, as in ``cli.py layers load``).
    report : LoadReport, optional
        Receives what the reader left out and what the loaders repaired.

    Returns
    -------
    ExtractLoad

    Raises
    ------
    UnreadableFile
        The extract cannot be read (missing, broken, not OpenStreetMap data).
    InputError, SchemaError
        No layer asked for is in the extract (or within the wards); ``within`` with a registry
        that holds no wards; a layer refused by its loader; new roads that lack saved key
        routes. Nothing is saved then.
    PermissionDenied
        The actor may not change the area's layers.
    """
    actor.require_district(Message("access.what.layers"))
    report = LoadReport() if report is None else report
    extract = read_extract(path, layers=layers, admin_level=admin_level, report=report)
    if within:
        wards = registry.ward_frame()
        if len(wards) == 0:
            raise InputError("error.osm_extract.no_wards", file=extract.file)
        extract = extract.within(wards)
    file = extract.file
    frames = {}
    for name in ("wards", "roads", "buildings"):
        if name in layers and len(extract.layer(name)):
            source = NamedFrame(file, extract.layer(name))
            options = EXTRACT_OPTIONS.get(name, {})
            frames[name] = LAYER_LOADERS[name](source, working=area.crs, report=report, **options)
    cameras = _camera_list(extract, report=report) if "cameras" in layers else None
    counts = {name: len(frames[name]) if name in frames else 0 for name in layers}
    if cameras is not None:
        counts["cameras"] = len(cameras)
    if not any(counts.values()):
        raise InputError(
            "error.osm_extract.nothing",
            file=file,
            layers=list(layers),
            level=admin_level,
        )
    suggested = tuple(suggested_key_routes(frames["roads"])) if "roads" in frames else ()
    saving_routes = set_key_routes and bool(suggested)
    lost = missing_key_routes(frames["roads"], area.key_routes) if "roads" in frames else []
    if lost and not (saving_routes or anyway):
        raise InputError(
            "error.osm_extract.key_routes_missing", file=file, count=len(lost), routes=lost
        )
    if cameras_out is not None and cameras is not None and len(cameras):
        cameras_out = Path(cameras_out)
        write_csv(cameras.reset_index(drop=True), cameras_out)
    else:
        cameras_out = None
    return _saved(
        registry,
        actor,
        frames,
        ExtractLoad(
            file=file,
            counts=counts,
            boundary_set=(boundary_set or file) if "wards" in frames else None,
            suggested=suggested,
            key_routes_saved=saving_routes,
            cameras_out=cameras_out,
            admin_level=admin_level,
            admin_levels=extract.admin_levels,
        ),
    )


def _saved(
    registry: Registry, actor: Actor, frames: dict[str, gpd.GeoDataFrame], loaded: ExtractLoad
) -> ExtractLoad:
    """Save the checked ``frames`` (wards first, key routes last, after their roads)."""
    moved = 0
    if "wards" in frames:
        moved = arealayers.save_wards(
            registry, actor, frames["wards"], boundary_set=loaded.boundary_set
        )
    for name in ("roads", "buildings"):
        if name in frames:
            arealayers.save_layer(registry, actor, name, frames[name])
    if loaded.key_routes_saved:
        arealayers.save_key_routes(registry, actor, loaded.suggested)
    log.info("loaded %s from %s", loaded.counts, loaded.file)
    return replace(loaded, moved=moved)


def _camera_list(extract, *, report: LoadReport):
    """The extract's cameras as camera-field rows (:func:`read_osm_cameras`), or None without
    any camera (surveillance nodes that are guards or ALPR only, or none at all)."""
    document = extract.camera_document()
    if not any(is_camera(element["tags"]) for element in document["elements"]):
        return None
    return read_osm_cameras(document, name=extract.file, report=report)
