"""What façade cameras really see among the real Thủ Thiêm (Sala) buildings and streets."""

import geopandas as gpd
import numpy as np
import pytest
import shapely

from coverage.network import road_segments
from coverage.occlusion import building_walls
from coverage.routes import route_coverage
from geodata.io.crs import working_crs
from geodata.layers.buildings import load_buildings
from geodata.layers.roads import load_roads
from tests.coverage.test_occlusion import _sampled_covered_m


@pytest.fixture(scope="module")
def sala(shared_geodata):
    buildings = load_buildings(shared_geodata / "thuthiem_buildings_cslhcmc.geojson")
    crs = working_crs(buildings)
    streets = load_roads(shared_geodata / "thuthiem_streets_cslhcmc.geojson", working=crs)
    return buildings.to_crs(crs), streets


def facade_cameras(buildings, *, fov_deg: float, range_m: float) -> gpd.GeoDataFrame:
    """A camera 0.2 m in front of the middle of every wall longer than 5 m, facing out."""
    walls = building_walls(buildings)
    length_m = np.hypot(walls.x1 - walls.x0, walls.y1 - walls.y0)
    out_x = (walls.y1 - walls.y0) / length_m  # the building lies to the left of every wall
    out_y = -(walls.x1 - walls.x0) / length_m
    x = (walls.x0 + walls.x1) / 2 + 0.2 * out_x
    y = (walls.y0 + walls.y1) / 2 + 0.2 * out_y
    cameras = gpd.GeoDataFrame(
        {
            "bearing_deg": np.degrees(np.arctan2(out_x, out_y)) % 360.0,
            "fov_deg": fov_deg,
            "range_m": range_m,
            "status": "active",
        },
        geometry=shapely.points(x, y),
        crs=buildings.crs,
    )
    return cameras[length_m > 5.0].reset_index(drop=True)


@pytest.mark.parametrize(("fov_deg", "range_m"), [(80.0, 40.0), (360.0, 30.0)])
def test_facade_cameras_among_real_buildings_see_exactly_what_points_show(sala, fov_deg, range_m):
    buildings, streets = sala
    cameras = facade_cameras(buildings, fov_deg=fov_deg, range_m=range_m)
    segments = road_segments(streets)
    open_m = route_coverage(segments, cameras).total_covered_m
    seen_m = route_coverage(segments, cameras, walls=building_walls(buildings)).total_covered_m
    assert 0 < seen_m <= open_m
    reference_m = _sampled_covered_m(streets, cameras, buildings, step_m=0.1)
    assert seen_m == pytest.approx(reference_m, rel=1e-3)
