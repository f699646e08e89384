"""Field-of-view polygons, hotspot areas and gaps on hand-worked cases."""

import math

import geopandas as gpd
import pytest
import shapely

from coverage.fov import fov_polygons
from coverage.gaps import coverage_gaps
from coverage.hotspots import hotspot_coverage
from coverage.network import road_segments
from coverage.routes import route_coverage
from tests.coverage.conftest import UTM48N, make_cameras, make_roads


def square(x0, y0, size, name="square"):
    return gpd.GeoDataFrame(
        {"hotspot_name": [name]}, geometry=[shapely.box(x0, y0, x0 + size, y0 + size)], crs=UTM48N
    )


@pytest.mark.parametrize("fov_deg", [1, 45, 90, 179.5, 180, 181, 270, 359, 360])
def test_fov_polygon_has_the_sector_area(fov_deg):
    polygon = fov_polygons(make_cameras((0, 0, 33, fov_deg, 40))).iloc[0]
    assert polygon.is_valid
    assert polygon.area == pytest.approx(fov_deg / 360 * math.pi * 40**2, rel=1e-9)


def test_fov_polygon_points_along_its_bearing():
    polygon = fov_polygons(make_cameras((0, 0, 90, 20, 50))).iloc[0]
    assert polygon.contains(shapely.Point(45, 0))
    assert not polygon.contains(shapely.Point(0, 45))
    assert not polygon.contains(shapely.Point(-45, 0))


def test_dome_centred_in_a_square_hotspot_covers_pi_r_squared():
    cameras = make_cameras((50, 50, 0, 360, 20))
    result = hotspot_coverage(square(0, 0, 100), cameras)
    assert result.loc[0, "area_m2"] == pytest.approx(10_000.0)
    assert result.loc[0, "covered_m2"] == pytest.approx(math.pi * 400, rel=1e-9)
    assert result.loc[0, "share"] == pytest.approx(math.pi * 400 / 10_000, rel=1e-9)
    assert result.geometry.iloc[0].area == pytest.approx(10_000 - math.pi * 400, rel=1e-9)


def test_overlapping_views_in_a_hotspot_are_merged():
    # Two half discs facing each other from the same point make one full disc.
    cameras = make_cameras((50, 50, 0, 180, 20), (50, 50, 180, 180, 20))
    result = hotspot_coverage(square(0, 0, 100), cameras)
    assert result.loc[0, "covered_m2"] == pytest.approx(math.pi * 400, rel=1e-6)


def test_camera_at_hotspot_corner_sees_a_quarter_inside():
    cameras = make_cameras((0, 0, 0, 360, 10))
    result = hotspot_coverage(square(0, 0, 100), cameras)
    assert result.loc[0, "covered_m2"] == pytest.approx(math.pi * 100 / 4, rel=1e-4)


def test_broken_camera_covers_no_hotspot_area():
    cameras = make_cameras((50, 50, 0, 360, 20), status=["broken"])
    result = hotspot_coverage(square(0, 0, 100), cameras)
    assert result.loc[0, "covered_m2"] == 0.0
    assert result.loc[0, "share"] == 0.0


def test_gaps_join_across_segments_and_lines_and_respect_the_threshold():
    roads = make_roads([(0, 0), (100, 0), (200, 0)], [(200, 0), (400, 0)], names=["R", "R"])
    cameras = make_cameras((50, 10, 180, 90, 20), (300, 0, 0, 360, 10))
    result = route_coverage(road_segments(roads), cameras)
    gaps = coverage_gaps(result, min_length_m=50)
    assert gaps["length_m"].tolist() == pytest.approx([230.0, 90.0])
    assert gaps.loc[0, "x_m"] == pytest.approx(175.0)
    assert set(gaps["route"]) == {"R"}
    shorter = coverage_gaps(result, min_length_m=30)
    assert shorter["length_m"].tolist() == pytest.approx([230.0, 90.0, 40.0])


def test_gap_takes_the_ward_of_its_midpoint():
    roads = make_roads([(0, 0), (300, 0)])
    wards = gpd.GeoDataFrame(
        {"ward_name": ["Tây", "Đông"]},
        geometry=[shapely.box(-10, -10, 100, 10), shapely.box(100, -10, 310, 10)],
        crs=UTM48N,
    )
    result = route_coverage(road_segments(roads, wards=wards), make_cameras())
    gaps = coverage_gaps(result, wards=wards)
    assert gaps["length_m"].tolist() == pytest.approx([300.0])
    assert gaps.loc[0, "ward"] == "Đông"


def test_fully_covered_route_has_no_gaps(straight_road):
    cameras = make_cameras((0, 0, 0, 360, 100))
    gaps = coverage_gaps(route_coverage(road_segments(straight_road), cameras))
    assert len(gaps) == 0
    assert list(gaps.columns) == ["route", "ward", "length_m", "x_m", "y_m", "geometry"]
