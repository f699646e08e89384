"""Detail tiers: each tier's reach on a road, worked out by hand."""

import math

import numpy as np
import pytest

from coverage.errors import InputError
from coverage.network import road_segments
from coverage.routes import route_coverage
from coverage.tiers import (
    DEFAULT_HORIZONTAL_PX,
    TIERS,
    assumed_specs,
    at_tier,
    tier_named,
    tier_reach_m,
)
from tests.coverage.conftest import make_cameras, make_roads


@pytest.mark.parametrize(
    ("tier", "reach_m"),
    [("detection", 38.4), ("observation", 15.36), ("recognition", 7.68), ("identification", 3.84)],
)
def test_a_camera_looking_along_a_road_sees_each_tier_to_its_reach(tier, reach_m):
    # 1920 px over a 90° view: the view is 2·d wide at distance d, so the density is 960 / d
    # px/m; a tier of p px/m reaches 960 / p metres along the road the camera looks down.
    road = make_roads([(0, 0), (100, 0)])
    camera = make_cameras((0, 0, 90, 90, 60)).assign(horizontal_px=[1920.0])
    seen = route_coverage(road_segments(road), at_tier(camera, tier_named(tier)))
    assert seen.total_covered_m == pytest.approx(reach_m)


def test_the_range_caps_every_tier_and_a_wide_view_spreads_its_pixels_on_the_arc():
    cameras = make_cameras((0, 0, 90, 90, 30), (0, 0, 0, 360, 30)).assign(
        horizontal_px=[1920.0, 3840.0]
    )
    detection = tier_reach_m(cameras, tier_named("detection"))
    assert detection[0] == 30.0  # 38.4 m of detail, but the lens reaches 30 m
    assert detection[1] == pytest.approx(3840 / (25 * 2 * math.pi))
    reach = np.array([tier_reach_m(cameras, tier) for tier in TIERS])
    assert np.all(np.diff(reach, axis=0) <= 0)  # finer tiers never reach farther


def test_cameras_without_a_known_width_get_the_default_and_are_counted_as_assumed():
    cameras = make_cameras((0, 0, 90, 90, 60), (0, 0, 90, 90, 60), (0, 0, 90, 90, 60))
    assert assumed_specs(cameras).tolist() == [True, True, True]
    stated = cameras.assign(horizontal_px=[2560.0, np.nan, 0.0])
    assert assumed_specs(stated).tolist() == [False, True, True]
    reach = tier_reach_m(stated, tier_named("recognition"))
    assert reach.tolist() == pytest.approx([2560 / 250, DEFAULT_HORIZONTAL_PX / 250, 7.68])


def test_an_unknown_tier_is_refused_with_the_known_ones():
    with pytest.raises(InputError, match="detection, observation, recognition, identification"):
        tier_named("faces")
