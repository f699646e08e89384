"""The camera being entered, drawn on a map: its field of view, from values in degrees; and
where the user left a map, from what ``st_folium`` returned."""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd

from coverage.fov import fov_polygons
from geodata.i18n import text
from geodata.io.crs import to_wgs84, to_working
from geodata.maps import palette
from geodata.maps.verbatim import VerbatimGeoJson


def returned_view(returned: dict | None) -> tuple[tuple[float, float] | None, int | None]:
    """The centre (lat, lon in degrees) and zoom the user left a map at, from what
    ``st_folium`` returned (Leaflet's ``{"lat", "lng"}``); None for what it did not return."""
    returned = returned or {}
    centre = returned.get("center")
    zoom = returned.get("zoom")
    point = (float(centre["lat"]), float(centre["lng"])) if centre else None
    return point, int(zoom) if zoom else None


def preview_layer(preview: dict | None, crs, *, lang: str) -> folium.FeatureGroup:
    """The camera being entered (``lat``, ``lon`` in degrees, ``bearing_deg``, ``fov_deg``,
    ``range_m``) as a point and its field of view; empty without a position."""
    layer = folium.FeatureGroup(name=text("register.preview", lang))
    if not preview:
        return layer
    style = {
        "color": palette.PREVIEW,
        "weight": 2,
        "fillColor": palette.PREVIEW,
        "fillOpacity": 0.2,
    }
    VerbatimGeoJson(to_wgs84(preview_cone(preview, crs)), style_function=lambda _: style).add_to(
        layer
    )
    folium.CircleMarker(
        [preview["lat"], preview["lon"]],
        radius=6,
        color=palette.HALO,
        weight=2,
        fill=True,
        fill_color=palette.PREVIEW,
        fill_opacity=1.0,
    ).add_to(layer)
    return layer


def preview_cone(values: dict, crs) -> gpd.GeoDataFrame:
    """The field of view of a camera given in degrees, as a polygon in ``crs`` (metres)."""
    one = {**values, "bearing_deg": float(values.get("bearing_deg") or 0.0)}
    return cones(pd.DataFrame([one]), crs)[["geometry"]]


def cones(cameras: pd.DataFrame, crs) -> gpd.GeoDataFrame:
    """Fields of view of cameras given by ``lat``, ``lon`` (degrees), ``bearing_deg``,
    ``fov_deg`` and ``range_m``, as polygons in ``crs`` (metres), with the other columns."""
    cameras = cameras.reset_index(drop=True)
    views = gpd.GeoDataFrame(
        cameras[["bearing_deg", "fov_deg", "range_m"]].assign(status="active"),
        geometry=gpd.points_from_xy(cameras["lon"], cameras["lat"]),
        crs="EPSG:4326",
    )
    polygons = fov_polygons(to_working(views, crs))
    return gpd.GeoDataFrame(cameras, geometry=polygons.to_numpy(), crs=polygons.crs)
