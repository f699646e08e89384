"""Files written for people and other tools (EPSG:4326, as every exchange format expects)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from geodata.crs import to_wgs84


def write_geojson(frame: gpd.GeoDataFrame, path: Path) -> None:
    """Write ``frame`` as GeoJSON in EPSG:4326 (UTF-8, coordinates to 7 decimals, ~1 cm)."""
    to_wgs84(frame).to_file(
        path, driver="GeoJSON", engine="pyogrio", layer_options={"COORDINATE_PRECISION": 7}
    )
