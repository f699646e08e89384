"""Tiny geometries built in code, in UTM 48N metres."""

import geopandas as gpd
import numpy as np
import pytest
import shapely

UTM48N = "EPSG:32648"


def make_roads(*lines, names=None) -> gpd.GeoDataFrame:
    """Roads from coordinate lists; names default to "A", "B", ..."""
    names = names or [chr(ord("A") + i) for i in range(len(lines))]
    return gpd.GeoDataFrame(
        {"road_name": names}, geometry=[shapely.LineString(c) for c in lines], crs=UTM48N
    )


def make_cameras(*specs, status=None) -> gpd.GeoDataFrame:
    """Cameras from (x, y, bearing_deg, fov_deg, range_m) tuples."""
    return gpd.GeoDataFrame(
        {
            "bearing_deg": [float(s[2]) for s in specs],
            "fov_deg": [float(s[3]) for s in specs],
            "range_m": [float(s[4]) for s in specs],
            "status": status or ["active"] * len(specs),
        },
        geometry=[shapely.Point(s[0], s[1]) for s in specs],
        crs=UTM48N,
    )


def make_buildings(*boxes, heights=None) -> gpd.GeoDataFrame:
    """Footprints from (minx, miny, maxx, maxy) boxes; heights default to unknown (NaN)."""
    return gpd.GeoDataFrame(
        {"height_m": heights or [np.nan] * len(boxes)},
        geometry=[shapely.box(*b) for b in boxes],
        crs=UTM48N,
    )


@pytest.fixture
def straight_road():
    """A straight east-west road, 200 m long, from (-100, 0) to (100, 0)."""
    return make_roads([(-100, 0), (100, 0)])
