"""Cameras in and out of the registry: exchange files and the registry's dataset.

Exports (:func:`export_cameras`)
    CSV, XLSX, GeoJSON or GeoPackage of the cameras the acting user may see, in EPSG:4326
    (points; CSV and XLSX carry ``lat``/``lon`` in decimal degrees). Owner details (every field
    of :data:`geodata.layers.camerafields.OWNER_FIELDS`) are left out unless asked for with a stated
    purpose. Every export is first recorded with :meth:`Registry.record_export
    <geodata.registry.service.Registry.record_export>`, which also refuses what the user may not
    export; only then is the file written, atomically (see :mod:`geodata.io.exports`).

OpenStreetMap (:mod:`geodata.registry.osm`)
    Cameras as ``man_made=surveillance`` nodes with the tags of the OSM wiki, never with owner
    data; and cameras read back from such GeoJSON or from Overpass JSON.

Reports (:func:`area_dataset`, :func:`registry_dataset`)
    The dataset of :mod:`geodata.layers.dataset` with the registry's cameras in place of a file:
    on the registry's own area, or on layers from files.

Degrees (``bearing_deg``, ``fov_deg``, latitude and longitude) are the units of this edge, as in
the registry; the working CRS in metres is only reached through :mod:`geodata.io.crs`.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from coverage.gaps import GAP_MIN_M
from geodata.analysis.summary import CoverageSummary, summarise
from geodata.errors import InputError
from geodata.i18n import Message
from geodata.io.crs import to_working
from geodata.io.exports import write_csv, write_geojson, write_geopackage, write_xlsx
from geodata.layers.camerafields import FIELD_BY_NAME, OWNER_FIELDS
from geodata.layers.dataset import Dataset, load_dataset
from geodata.registry import arealayers
from geodata.registry.access import SYSTEM_ACTOR, Actor
from geodata.registry.osm import write_osm_geojson
from geodata.registry.records import ENGINE_FIELDS, camera_points, missing_bearing
from geodata.registry.service import Registry

log = logging.getLogger(__name__)

EXPORT_FORMATS = ("csv", "xlsx", "geojson", "gpkg", "osm")
"""Formats of :func:`export_cameras`; ``osm`` is :func:`write_osm_geojson`'s GeoJSON."""

LAYER_NAME = "cameras"
"""The sheet of an XLSX export and the layer of a GeoPackage export."""


# ------------------------------------------------------------------------------------ exports


def camera_table(
    registry: Registry,
    actor: Actor,
    *,
    with_owner: bool = False,
    boundary_set: str | None = None,
) -> pd.DataFrame:
    """The cameras ``actor`` may see as an export table, one row per camera, ordered by id.

    Parameters
    ----------
    registry : Registry
        The camera registry.
    actor : Actor
        The user exporting; only the cameras they may see are in the table.
    with_owner : bool, keyword-only
        Keep the owner columns (:data:`~geodata.layers.camerafields.OWNER_FIELDS`). This function
        does not check the right to see them; :func:`export_cameras` does, through the audit.
    boundary_set : str, optional, keyword-only
        Give each camera's ward in this kept boundary set (default: the current set).

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`geodata.registry.records.RECORD_FIELDS` (owner columns only with
        ``with_owner``), typed: numbers as floats, whole numbers as ``Int64``, yes/no as
        ``boolean``, dates as :class:`datetime.date`, ``created_at``/``updated_at`` as UTC
        timestamps. ``lat``/``lon`` are WGS 84 degrees, ``bearing_deg`` compass degrees.
    """
    table = registry.cameras(actor, boundary_set=boundary_set)
    if not with_owner:
        table = table.drop(columns=list(OWNER_FIELDS))
    typed = {}
    for column in table.columns:
        values = table[column]
        kind = FIELD_BY_NAME[column].kind if column in FIELD_BY_NAME else None
        if column in ("id", "version"):
            typed[column] = values.astype("int64")
        elif column in ("created_at", "updated_at"):
            typed[column] = pd.to_datetime(values, utc=True)
        elif kind == "float":
            typed[column] = values.astype("float64")
        elif kind == "int":
            typed[column] = values.astype("Int64")
        elif kind == "bool":
            typed[column] = values.astype("boolean")
        else:  # dates (datetime.date) and text, None when empty
            typed[column] = values.astype(object).where(values.notna(), None)
    return pd.DataFrame(typed, index=table.index)


def export_cameras(
    registry: Registry,
    actor: Actor,
    path,
    *,
    fmt: str,
    with_owner: bool = False,
    purpose: str = "",
) -> int:
    """Write the cameras ``actor`` may see to ``path``; returns how many were written.

    The export is recorded in the audit log before the file is written; when the audit refuses
    it (owner details asked for by a viewer, or without a purpose), nothing is written. A
    failed write leaves no file (and an existing file at ``path`` unchanged); its audit entry
    stays, as a record of the attempt.

    Parameters
    ----------
    registry : Registry
        The camera registry.
    actor : Actor
        The user exporting.
    path : str or pathlib.Path
        The file to write (replaced if it exists); its folder must exist.
    fmt : str, keyword-only
        ``"csv"`` (UTF-8 with BOM, ``lat``/``lon`` in degrees), ``"xlsx"`` (bold frozen header,
        dates as Excel dates), ``"geojson"`` or ``"gpkg"`` (EPSG:4326 points, layer
        ``cameras``), or ``"osm"`` (:func:`write_osm_geojson`). Text is never written as a
        formula (see :mod:`geodata.io.exports`).
    with_owner : bool, keyword-only
        Include the owner's name, phone, address and consent. Needs ``purpose`` and a user who
        may see owner details (district or ward); never possible with ``"osm"``.
    purpose : str, keyword-only
        Why owner details leave the registry (at least 5 characters); kept in the audit log.

    Returns
    -------
    int
        The number of cameras in the file.

    Raises
    ------
    InputError
        Unknown format; owner details without a purpose, or with ``"osm"``.
    PermissionDenied
        Owner details asked for by a user who may not see them.
    """
    if fmt not in EXPORT_FORMATS:
        raise InputError("error.export.format", format=fmt, formats=list(EXPORT_FORMATS))
    path = Path(path)
    if not path.parent.is_dir():
        raise InputError("error.export.folder", path=str(path), folder=str(path.parent))
    if fmt == "osm":
        if with_owner:
            raise InputError("error.export.osm_owner")
        return write_osm_geojson(registry, actor, path)
    table = camera_table(registry, actor, with_owner=with_owner)
    registry.record_export(
        actor, count=len(table), with_owner=with_owner, purpose=purpose, target=f"{fmt}:{path}"
    )
    if fmt == "csv":
        write_csv(table, path)
    elif fmt == "xlsx":
        write_xlsx(table, path, sheet_name=LAYER_NAME)
    else:
        points = _points(table)
        if fmt == "geojson":
            write_geojson(points, path)
        else:
            write_geopackage(points, path, layer=LAYER_NAME)
    log.info(
        "exported %d cameras as %s to %s (owner details: %s)", len(table), fmt, path, with_owner
    )
    return len(table)


def _points(table: pd.DataFrame) -> gpd.GeoDataFrame:
    """The export table as EPSG:4326 points (``lat``/``lon`` become the geometry)."""
    return gpd.GeoDataFrame(
        table.drop(columns=["lat", "lon"]),
        geometry=gpd.points_from_xy(table["lon"].astype(float), table["lat"].astype(float)),
        crs="EPSG:4326",
    )


# ------------------------------------------------------------------------------ OpenStreetMap


# ------------------------------------------------------------------------- users and reports


def with_registry_cameras(base: Dataset, table: pd.DataFrame) -> Dataset:
    """``base`` (wards, roads, hotspots, buildings) with the cameras of a :meth:`Registry.cameras`
    table; its report notes the cameras that stand inside a building."""
    cameras = to_working(camera_points(table), base.crs)
    return replace(base, cameras=cameras).with_buildings_checked()


def area_dataset(
    registry: Registry,
    actor: Actor,
    *,
    boundary_set: str | None = None,
    cameras: pd.DataFrame | None = None,
) -> Dataset:
    """The app's area (the demo or the uploaded layers) with the cameras ``actor`` may see, on
    the wards of ``boundary_set`` (default: the current set; see
    :meth:`Registry.other_boundary_set`); ``cameras`` is that camera table when already read
    (:meth:`Registry.cameras` of ``actor`` on that set)."""
    chosen = registry.other_boundary_set(actor, boundary_set)
    if cameras is None:
        cameras = registry.cameras(actor, boundary_set=chosen, fields=ENGINE_FIELDS)
    return with_registry_cameras(arealayers.current(registry, boundary_set=chosen), cameras)


def with_cameras_replaced(base: Dataset, previous: Dataset, fresh: pd.DataFrame, ids) -> Dataset:
    """What :func:`with_registry_cameras` gives for ``base`` and the registry's cameras, from
    ``previous`` (its result a few writes ago) and the cameras ``ids`` as they are now in
    ``fresh`` (a :meth:`Registry.cameras` table of them; one missing was deleted): the other
    cameras' points are kept as they were."""
    cameras = previous.cameras
    numbers = cameras["camera_id"].to_numpy(dtype=np.int64)
    kept = cameras[~np.isin(numbers, np.fromiter(ids, dtype=np.int64))]
    merged = pd.concat([kept, to_working(camera_points(fresh), base.crs)], ignore_index=True)
    order = np.argsort(merged["camera_id"].to_numpy(dtype=np.int64), kind="stable")
    return replace(base, cameras=merged.iloc[order].reset_index(drop=True)).with_buildings_checked()


def registry_dataset(registry: Registry, actor: Actor, **files) -> Dataset:
    """:func:`geodata.layers.dataset.load_dataset` with the registry's cameras instead of a file.

    The cameras are those ``actor`` may see (:meth:`Registry.camera_frame
    <geodata.registry.service.Registry.camera_frame>`). ``files`` are the other keyword arguments of
    :func:`~geodata.layers.dataset.load_dataset`. The dataset's report notes the cameras left out
    for want of a bearing, and a registry holding no camera the actor may see.
    """
    cameras = registry.camera_frame(actor)
    dataset = load_dataset(cameras=cameras, **files)
    unaimed = int(missing_bearing(registry.cameras(actor)).sum())
    if unaimed:
        dataset.report.add("registry", Message("load.note.unaimed", count=unaimed))
    if cameras.empty:
        dataset.report.add("registry", Message("load.note.no_cameras", actor=actor.name))
    return dataset


def actor_summary(
    registry: Registry, actor: Actor, dataset: Dataset, *, gap_min_m: float = GAP_MIN_M
) -> CoverageSummary:
    """The figures of ``actor``'s area on ``dataset`` (with the cameras ``actor`` may see).

    A ward user's figures are their wards' own
    (:meth:`~geodata.analysis.summary.CoverageSummary.within_wards`): their key routes as every
    camera sees them, the neighbours' cameras that see a boundary road included (so they are
    their wards' rows of the district's figures), their hotspots, gaps and cameras; so are a
    viewer's who is given wards. Others see the whole area.
    """
    if actor.sees_all_wards:
        return summarise(dataset, gap_min_m=gap_min_m)
    engine_table = registry.cameras(SYSTEM_ACTOR, fields=ENGINE_FIELDS)
    every = with_registry_cameras(dataset, engine_table)
    return summarise(every, gap_min_m=gap_min_m).within_wards(actor.wards)
