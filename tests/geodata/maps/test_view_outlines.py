"""What cameras see on the map: where a building hides part of a view, the browser gets the
outline of what is seen (offsets from the camera), not the whole cone."""

import json
import re

import geopandas as gpd
import numpy as np
import pytest
import shapely

from coverage.fov import fov_polygons
from coverage.occlusion import building_walls, visible_polygons
from geodata.io.crs import to_wgs84
from geodata.maps.maplayers import OUTLINE_UNIT_DEG, camera_records, view_outlines

UTM48N = "EPSG:32648"
X0, Y0 = 686_000.0, 1_191_000.0


def cameras():
    """A bullet facing north over a house, and one facing south over open ground."""
    return gpd.GeoDataFrame(
        {
            "camera_id": ["A", "B"],
            "camera_type": ["bullet", "bullet"],
            "status": ["active", "active"],
            "bearing_deg": [0.0, 180.0],
            "fov_deg": [90.0, 90.0],
            "range_m": [30.0, 30.0],
            "ward_name": ["", ""],
        },
        geometry=[shapely.Point(X0, Y0), shapely.Point(X0, Y0 - 5)],
        crs=UTM48N,
    )


def test_a_hidden_view_travels_as_its_outline_and_an_open_one_as_its_cone():
    frame = cameras()
    house = gpd.GeoDataFrame(
        {"height_m": [np.nan]}, geometry=[shapely.box(X0 - 3, Y0 + 5, X0 + 3, Y0 + 9)], crs=UTM48N
    )
    sectors = fov_polygons(frame).to_numpy()
    views = visible_polygons(frame, sectors, building_walls(house))
    outlines = view_outlines(frame, views, sectors)
    assert outlines[1] is None  # nothing hides camera B's view
    (ring,) = outlines[0]
    assert all(isinstance(value, int) for value in ring)
    origin = to_wgs84(frame.iloc[[0]]).geometry.iloc[0]
    lat = origin.y + np.array(ring[0::2]) * OUTLINE_UNIT_DEG
    lon = origin.x + np.array(ring[1::2]) * OUTLINE_UNIT_DEG
    drawn = gpd.GeoSeries([shapely.Polygon(np.c_[lon, lat])], crs=4326).to_crs(UTM48N)
    # What is drawn is what the engine sees, to within the simplification and rounding.
    assert drawn.area.iloc[0] == pytest.approx(shapely.area(views[0]), rel=0.02)
    assert shapely.area(views[0]) < shapely.area(sectors[0]) - 100
    rows = camera_records(to_wgs84(frame), ("active", "broken", "removed"), outlines)
    assert len(rows[0]) == 10 and len(rows[1]) == 9


def test_the_coverage_map_draws_outlines_for_hidden_views(tmp_path):
    from dataclasses import replace

    from geodata.analysis.summary import summarise
    from geodata.layers.demo import build_demo
    from geodata.maps.webmap import coverage_map

    demo = build_demo()
    first = demo.cameras[demo.cameras["status"] == "active"].iloc[0].geometry
    house = gpd.GeoDataFrame(
        {"height_m": [np.nan]}, geometry=[first.buffer(8).difference(first.buffer(3))], crs=demo.crs
    )
    html = coverage_map(summarise(replace(demo, buildings=house)), lang="vi").get_root().render()
    (rows,) = [json.loads(found) for found in re.findall(r"var embedded = (\[.*\]);\n", html)]
    assert sum(len(row) == 10 for row in rows) >= 1
    arrays = [json.loads(found) for found in re.findall(r"var rows = (\[.*\]);\n", html)]
    (footprints,) = [rows for rows in arrays if rows and isinstance(rows[0][0], int)]
    assert len(footprints) == 1  # the ring of a house round the first camera
