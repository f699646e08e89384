"""Coverage updated after some cameras changed is the coverage worked out afresh."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from coverage.hotspots import hotspot_coverage, updated_hotspots
from coverage.network import road_segments
from coverage.occlusion import building_walls
from coverage.routes import reached_segments, route_coverage, updated_coverage
from tests.coverage.conftest import UTM48N, make_cameras
from tests.coverage.test_occlusion import _random_scene


def changed_scene(rng, cameras):
    """``cameras`` after a day's work: some moved and turned, some broken, some gone, some
    new; and the changed cameras as they were and as they are."""
    now = cameras.copy()
    moved = rng.choice(len(now), 4, replace=False)
    points = now.geometry.to_numpy()
    now.loc[now.index[moved], "geometry"] = shapely.points(
        shapely.get_x(points[moved]) + rng.uniform(-30, 30, 4),
        shapely.get_y(points[moved]) + rng.uniform(-30, 30, 4),
    )
    now.loc[now.index[moved], "bearing_deg"] = rng.uniform(0, 360, 4)
    broken = rng.choice(np.setdiff1d(np.arange(len(now)), moved), 2, replace=False)
    now.loc[now.index[broken], "status"] = "broken"
    gone = np.setdiff1d(np.arange(len(now)), np.r_[moved, broken])[:2]
    new = make_cameras(*[(*rng.uniform(0, 300, 2), rng.uniform(0, 360), 90, 40) for _ in range(3)])
    after = pd.concat([now.drop(index=now.index[gone]), new], ignore_index=True)
    changed = pd.concat(
        [cameras.iloc[np.r_[moved, broken, gone]], now.iloc[np.r_[moved, broken]], new],
        ignore_index=True,
    )
    return after, changed


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("with_buildings", [False, True])
def test_an_updated_coverage_is_the_coverage_worked_out_afresh(seed, with_buildings):
    rng = np.random.default_rng(seed)
    roads, cameras, buildings = _random_scene(rng)
    walls = building_walls(buildings) if with_buildings else None
    segments = road_segments(roads)
    before = route_coverage(segments, cameras, walls=walls)
    after, changed = changed_scene(rng, cameras)
    expected = route_coverage(segments, after, walls=walls)
    updated = updated_coverage(before, after, reached_segments(segments, changed), walls=walls)
    assert not np.allclose(before.covered_m, expected.covered_m)  # the change shows
    np.testing.assert_allclose(updated.covered_m, expected.covered_m, atol=1e-9)
    np.testing.assert_allclose(updated.redundant_m, expected.redundant_m, atol=1e-9)
    np.testing.assert_array_equal(updated.seen_segment, expected.seen_segment)
    np.testing.assert_allclose(updated.seen_from, expected.seen_from, atol=1e-12)
    np.testing.assert_allclose(updated.seen_to, expected.seen_to, atol=1e-12)


def test_nothing_changed_leaves_the_coverage_as_it_is():
    rng = np.random.default_rng(7)
    roads, cameras, _ = _random_scene(rng)
    segments = road_segments(roads)
    before = route_coverage(segments, cameras)
    nothing = reached_segments(segments, cameras.iloc[:0])
    assert not nothing.any() and updated_coverage(before, cameras, nothing) is before
    far = reached_segments(segments, make_cameras((5_000, 5_000, 0, 90, 40)))
    assert not far.any()  # reaches no road


@pytest.mark.parametrize("with_buildings", [False, True])
def test_updated_hotspots_are_the_hotspots_worked_out_afresh(with_buildings):
    rng = np.random.default_rng(3)
    _, cameras, buildings = _random_scene(rng)
    walls = building_walls(buildings) if with_buildings else None
    hotspots = gpd.GeoDataFrame(
        {"hotspot_name": ["chợ", "bến", "xa"]},
        geometry=shapely.box(
            [40, 200, 4_000], [40, 200, 4_000], [160, 290, 4_100], [160, 290, 4_100]
        ),
        crs=UTM48N,
    )
    before = hotspot_coverage(hotspots, cameras, walls=walls)
    after, changed = changed_scene(rng, cameras)
    expected = hotspot_coverage(hotspots, after, walls=walls)
    updated = updated_hotspots(before, hotspots, after, changed, walls=walls)
    assert not np.allclose(before["covered_m2"], expected["covered_m2"])  # the change shows
    assert list(updated.columns) == list(expected.columns)
    np.testing.assert_allclose(updated["covered_m2"], expected["covered_m2"], rtol=1e-9)
    np.testing.assert_allclose(updated["share"], expected["share"], rtol=1e-9)
    assert updated["covered_m2"].dtype == float
    assert shapely.equals_exact(updated.geometry, expected.geometry, tolerance=1e-6).all()
