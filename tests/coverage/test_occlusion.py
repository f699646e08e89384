"""Buildings blocking views: cases worked out by hand, and a sampled reference."""

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely

from coverage.errors import CRSError
from coverage.fov import fov_polygons
from coverage.hotspots import hotspot_coverage
from coverage.network import road_segments
from coverage.occlusion import (
    WALL_TOLERANCE_M,
    building_walls,
    cameras_inside,
    visible_polygons,
)
from coverage.routes import route_coverage
from tests.coverage.conftest import UTM48N, make_buildings, make_cameras, make_roads


def covered(roads, cameras, buildings=None) -> float:
    walls = building_walls(buildings) if buildings is not None else None
    return route_coverage(road_segments(roads), cameras, walls=walls).total_covered_m


def test_a_building_casts_its_shadow_on_the_road_behind_it():
    # A camera at the origin faces north (90°, 100 m): a road 20 m north is seen from x = -20
    # to 20. A house 4 m wide from 5 m to 8 m north hides what lies between the rays through
    # its near corners (±2, 5): x = ±8 on the road, 16 m.
    road = make_roads([(-50, 20), (50, 20)])
    camera = make_cameras((0, 0, 0, 90, 100))
    assert covered(road, camera) == pytest.approx(40.0)
    assert covered(road, camera, make_buildings((-2, 5, 2, 8))) == pytest.approx(24.0)


def test_a_facade_dome_sees_the_street_and_not_the_road_behind_its_house():
    # A dome (360°, 15 m) mounted 0.2 m in front of a house 10 m wide and 8 m deep. The street
    # 3.8 m in front is a chord of its disc; the road 10.2 m behind would be another, but every
    # sight line to it goes through the house.
    house = make_buildings((0, 0, 10, 8))
    street, behind = [(-20, -4), (30, -4)], [(-20, 10), (30, 10)]
    roads = make_roads(street, behind)
    dome = make_cameras((5, -0.2, 0, 360, 15))
    front_m = 2 * math.sqrt(15**2 - 3.8**2)
    back_m = 2 * math.sqrt(15**2 - 10.2**2)
    assert covered(roads, dome) == pytest.approx(front_m + back_m)
    assert covered(roads, dome, house) == pytest.approx(front_m)


def test_a_camera_on_its_wall_sees_outwards_from_either_side_of_it():
    # Just inside or just outside its house's front wall (within the tolerance), the camera
    # sees the street as if it stood on the wall.
    house = make_buildings((0, 0, 10, 8))
    street = make_roads([(-20, -4), (30, -4)])
    for y in (-0.3, 0.0, 0.3):
        dome = make_cameras((5, y, 0, 360, 15))
        seen = covered(street, dome, house)
        assert seen == pytest.approx(2 * math.sqrt(15**2 - (4 + y) ** 2))
    deep = make_cameras((5, 2.0, 0, 360, 15))
    assert covered(street, deep, house) == 0.0
    assert cameras_inside(deep, house).tolist() == [True]
    assert cameras_inside(make_cameras((5, WALL_TOLERANCE_M / 2, 0, 360, 15)), house).tolist() == [
        False
    ]


def test_a_building_lower_than_the_camera_does_not_block_it():
    road = make_roads([(-50, 20), (50, 20)])
    camera = make_cameras((0, 0, 0, 90, 100)).assign(mount_height_m=[6.0])
    assert covered(road, camera, make_buildings((-2, 5, 2, 8), heights=[4.0])) == pytest.approx(
        40.0
    )
    assert covered(road, camera, make_buildings((-2, 5, 2, 8), heights=[9.0])) == pytest.approx(
        24.0
    )
    unknown = camera.assign(mount_height_m=[np.nan])
    assert covered(road, unknown, make_buildings((-2, 5, 2, 8), heights=[4.0])) == pytest.approx(
        24.0
    )


def test_overlapping_shadows_are_taken_away_once_and_other_cameras_still_count():
    road = make_roads([(-50, 20), (50, 20)])
    houses = make_buildings((-2, 5, 2, 8), (-1, 9, 3, 11))
    camera = make_cameras((0, 0, 0, 90, 100))
    # The second house hides x from -1·20/9 to 3·20/9 (near corners), overlapping the first's.
    hidden_m = max(8.0, 3 * 20 / 9) - min(-8.0, -20 / 9)
    assert covered(road, camera, houses) == pytest.approx(40.0 - hidden_m)
    # A second camera across the road sees the hidden stretch from the other side.
    both = make_cameras((0, 0, 0, 90, 100), (0, 40, 180, 90, 100))
    assert covered(road, both, houses) == pytest.approx(40.0)


def test_walls_in_another_crs_are_refused():
    walls = building_walls(make_buildings((-2, 5, 2, 8)).to_crs(3405))
    with pytest.raises(CRSError, match="buildings"):
        route_coverage(
            road_segments(make_roads([(0, 0), (1, 0)])),
            make_cameras((0, 0, 0, 90, 100)),
            walls=walls,
        )


def test_a_hotspot_behind_a_building_is_seen_only_around_it():
    # The camera faces north over a square; a house fully across its view hides all beyond it.
    square = gpd.GeoDataFrame(
        {"hotspot_name": ["S"]}, geometry=[shapely.box(-10, 10, 10, 30)], crs=UTM48N
    )
    camera = make_cameras((0, 0, 0, 360, 30))
    wall = make_buildings((-40, 5, 40, 6))
    open_m2 = hotspot_coverage(square, camera).covered_m2.iloc[0]
    assert open_m2 == pytest.approx(square.area.iloc[0] - _outside_disc_m2(), rel=1e-3)
    assert hotspot_coverage(square, camera, walls=building_walls(wall)).covered_m2.iloc[0] == 0.0


def _outside_disc_m2() -> float:
    """The area of the square [-10, 10] × [10, 30] beyond 30 m of the origin, sampled finely."""
    x, y = np.meshgrid(np.linspace(-10, 10, 2001), np.linspace(10, 30, 2001))
    return float(np.mean(np.hypot(x, y) > 30) * 400)


def test_visible_polygons_are_the_sectors_less_the_shadows():
    camera = make_cameras((0, 0, 0, 90, 100))
    sectors = fov_polygons(camera).to_numpy()
    visible = visible_polygons(camera, sectors, building_walls(make_buildings((-2, 5, 2, 8))))
    line = shapely.LineString([(-50, 20), (50, 20)])
    assert shapely.length(shapely.intersection(visible[0], line)) == pytest.approx(24.0, abs=0.05)
    assert shapely.area(visible[0]) < shapely.area(sectors[0])


@pytest.mark.parametrize("seed", range(4))
def test_route_coverage_with_buildings_matches_points_sampled_every_decimetre(seed):
    rng = np.random.default_rng(seed)
    roads, cameras, buildings = _random_scene(rng)
    engine_m = covered(roads, cameras, buildings)
    reference_m = _sampled_covered_m(roads, cameras, buildings, step_m=0.1)
    assert reference_m > 100.0  # the scene is not trivially empty
    assert covered(roads, cameras) > engine_m  # and the buildings hide something
    assert engine_m == pytest.approx(reference_m, rel=1e-3)


def _random_scene(rng):
    """A street grid of 300 m, houses in the blocks, cameras clear of every house."""
    lines = [[(x, 0), (x, 300)] for x in (0, 100, 200, 300)]
    lines += [[(0, y), (300, y)] for y in (0, 100, 200, 300)]
    roads = make_roads(*lines)
    boxes = []
    for bx in (0, 100, 200):
        for by in (0, 100, 200):
            for _ in range(6):
                x, y = bx + rng.uniform(2, 84), by + rng.uniform(2, 84)
                boxes.append((x, y, x + rng.uniform(4, 12), y + rng.uniform(4, 12)))
    footprints = shapely.union_all([shapely.box(*b) for b in boxes])
    buildings = gpd.GeoDataFrame(geometry=list(shapely.get_parts(footprints)), crs=UTM48N).assign(
        height_m=np.nan
    )
    specs = []
    while len(specs) < 25:
        x, y = rng.uniform(0, 300, 2)
        point = shapely.Point(x, y)
        if shapely.distance(point, footprints) > 1.0:
            specs.append((x, y, rng.uniform(0, 360), rng.choice([70.0, 120.0, 250.0, 360.0]), 50))
    return roads, make_cameras(*specs), buildings


def _sampled_covered_m(roads, cameras, buildings, *, step_m):
    """Covered metres counted on points every ``step_m`` (cell midpoints) along every road: a
    point counts when some camera has it in its sector and the sight line to it runs through
    no building's interior."""
    points = []
    for line in roads.geometry:
        n = round(line.length / step_m)
        points.append(shapely.line_interpolate_point(line, (np.arange(n) + 0.5) * step_m))
    points = np.concatenate(points)
    px, py = shapely.get_x(points), shapely.get_y(points)
    seen = np.zeros(points.size, dtype=bool)
    footprints = buildings.geometry.to_numpy()
    for camera in cameras.itertuples():
        cx, cy = camera.geometry.x, camera.geometry.y
        offset = (np.degrees(np.arctan2(px - cx, py - cy)) - camera.bearing_deg + 180) % 360 - 180
        candidate = (np.hypot(px - cx, py - cy) <= camera.range_m) & (
            np.abs(offset) <= camera.fov_deg / 2
        )
        index = np.flatnonzero(candidate & ~seen)
        sight = shapely.linestrings(
            np.stack(
                [
                    np.c_[np.full(index.size, cx), np.full(index.size, cy)],
                    np.c_[px[index], py[index]],
                ],
                axis=1,
            )
        )
        blocked = np.zeros(index.size, dtype=bool)
        for footprint in footprints:
            near = shapely.intersects(sight, footprint)
            blocked[near] |= shapely.length(shapely.intersection(sight[near], footprint)) > 1e-9
        seen[index[~blocked]] = True
    return float(seen.sum() * step_m)
