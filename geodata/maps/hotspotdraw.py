"""Hotspots drawn and edited on the map (:func:`geodata.maps.webmap.hotspot_drawing_map`).

The drawing tools give back every shape on the map as GeoJSON features in degrees: the hotspots
that were there (property ``hotspot``: their row in the hotspot layer), as moved or reshaped,
and the shapes drawn since (no property). :func:`drawn_table` turns them into a table the user
names and weighs; :func:`hotspots_from_table` checks that table exactly as an uploaded hotspot
file is checked (:func:`geodata.layers.hotspots.load_hotspots`) and gives the new hotspot layer.
"""

from __future__ import annotations

import hashlib
import io

import geopandas as gpd
import numpy as np
import shapely

from geodata.io.crs import to_wgs84
from geodata.layers.hotspots import load_hotspots
from geodata.layers.loadreport import LoadReport

SOURCE_NAME = "ban_ve_diem_nong.geojson"
"""The name errors give the drawing, as if it were a file."""

COLUMNS = ("hotspot_name", "hotspot_kind", "weight")
NEW_KIND = "hotspot"


def drawn_table(
    hotspots: gpd.GeoDataFrame, features: list[dict] | None, *, new_name: str
) -> gpd.GeoDataFrame:
    """One row per shape on the drawing map, with the name, kind and weight it has so far.

    Parameters
    ----------
    hotspots : geopandas.GeoDataFrame
        The hotspot layer the map was drawn with (working CRS).
    features : list of dict or None
        The GeoJSON features the drawing tools returned; None when the user has changed
        nothing yet (the table is then the hotspot layer itself).
    new_name : str
        The name a newly drawn shape starts with; ``{number}`` counts the new shapes from 1.

    Returns
    -------
    geopandas.GeoDataFrame
        :data:`COLUMNS`, ``area_ha`` and the shape in EPSG:4326, in the order of ``features``.
    """
    if features is None:
        features = _features(hotspots)
    names, kinds, weights, shapes = [], [], [], []
    new = 0
    for feature in features:
        row = (feature.get("properties") or {}).get("hotspot")
        if isinstance(row, int) and 0 <= row < len(hotspots):
            known = hotspots.iloc[row]
            names.append(known["hotspot_name"])
            kinds.append(known["hotspot_kind"])
            weights.append(float(known["weight"]))
        else:
            new += 1
            names.append(new_name.format(number=new))
            kinds.append(NEW_KIND)
            weights.append(1.0)
        shapes.append(shapely.geometry.shape(feature["geometry"]))
    table = gpd.GeoDataFrame(
        {"hotspot_name": names, "hotspot_kind": kinds, "weight": weights},
        geometry=shapes,
        crs="EPSG:4326",
    )
    area_m2 = table.geometry.to_crs(hotspots.crs).area.to_numpy()
    table.insert(3, "area_ha", np.round(area_m2 / 10_000, 2))
    return table


def hotspots_from_table(
    table: gpd.GeoDataFrame, *, working, report: LoadReport | None = None
) -> gpd.GeoDataFrame:
    """The hotspot layer of an edited :func:`drawn_table`, checked as an uploaded file is.

    Raises
    ------
    InputError, SchemaError
        As :func:`geodata.layers.hotspots.load_hotspots`, naming :data:`SOURCE_NAME` and the shape
        (``feature 3 (name)``, counted as the table's rows from 1).
    """
    if len(table) == 0:
        return gpd.GeoDataFrame({name: [] for name in COLUMNS}, geometry=[], crs=working).astype(
            {"weight": float}
        )
    upload = io.BytesIO(table[[*COLUMNS, "geometry"]].to_json(drop_id=True).encode("utf-8"))
    upload.name = SOURCE_NAME
    return load_hotspots(upload, working=working, report=report)


def fingerprint(table: gpd.GeoDataFrame) -> str:
    """A short text that changes whenever a shape of the table is added, moved or deleted."""
    return hashlib.sha1(b"".join(table.geometry.to_wkb()), usedforsecurity=False).hexdigest()[:16]


def _features(hotspots: gpd.GeoDataFrame) -> list[dict]:
    """The hotspot layer as the drawing tools return it before any change."""
    shapes = to_wgs84(hotspots).geometry
    return [
        {"properties": {"hotspot": row}, "geometry": shapely.geometry.mapping(shape)}
        for row, shape in enumerate(shapes)
    ]
