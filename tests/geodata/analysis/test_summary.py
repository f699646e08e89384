"""A ward's own figures are its rows of the district's: its roads, its hotspots, its cameras."""

from dataclasses import replace

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geodata.analysis.summary import summarise
from geodata.layers.demo import build_demo

CAT_LAI = "27109"


@pytest.fixture(scope="module")
def district():
    return summarise(build_demo())


def test_a_wards_figures_are_its_row_of_the_districts(district):
    row = district.routes.by_ward().set_index("ward").loc["Cát Lái"]
    own = district.within_wards({CAT_LAI})
    assert own.routes.length_m == pytest.approx(row["length_m"], abs=1e-6)
    assert own.routes.total_covered_m == pytest.approx(row["covered_m"], abs=1e-6)
    assert own.routes.share == pytest.approx(row["share"], abs=1e-9)
    assert own.routes.by_ward()["ward"].tolist() == ["Cát Lái"]
    assert own.routes.length_m < 0.5 * district.routes.length_m  # not the district's roads


def test_a_ward_sees_only_its_gaps_cameras_and_hotspots(district):
    own = district.within_wards({CAT_LAI})
    assert len(own.gaps) and set(own.gaps["ward"]) == {"Cát Lái"}
    assert own.gaps["length_m"].sum() <= own.routes.length_m - own.routes.total_covered_m + 1e-6
    cameras = district.dataset.cameras
    assert own.to_json()["cameras"]["total"] == int((cameras["ward_name"] == "Cát Lái").sum())
    ward = district.dataset.wards.set_index("ward_code").geometry[CAT_LAI]
    spots = district.dataset.hotspots
    inside = spots[shapely.area(shapely.intersection(spots.geometry.to_numpy(), ward)) > 0]
    assert own.hotspots["name"].tolist() == inside["hotspot_name"].tolist()
    assert 0 < len(own.hotspots) < len(district.hotspots)


def test_the_wards_of_the_district_add_up_to_its_figures(district):
    codes = district.dataset.wards["ward_code"].tolist()
    parts = [district.within_wards({code}) for code in codes]
    assert sum(p.routes.length_m for p in parts) == pytest.approx(district.routes.length_m)
    assert sum(p.routes.total_covered_m for p in parts) == pytest.approx(
        district.routes.total_covered_m
    )
    both = district.within_wards(set(codes))
    assert np.array_equal(both.routes.covered_m, district.routes.covered_m)


def test_each_wards_figures_at_every_tier_add_up_to_the_districts(district):
    codes = district.dataset.wards["ward_code"].tolist()
    parts = [district.within_wards({code}) for code in codes]
    for number, tier in enumerate(district.tiers):
        assert sum(p.tiers[number].routes.total_covered_m for p in parts) == pytest.approx(
            tier.routes.total_covered_m
        )
        assert sum(p.tiers[number].assumed_m for p in parts) == pytest.approx(tier.assumed_m)
    covered = [tier.routes.total_covered_m for tier in district.tiers]
    assert covered == sorted(covered, reverse=True)  # finer detail, fewer metres
    assert covered[0] <= district.routes.total_covered_m


def test_the_figures_seen_at_a_tier_are_that_tiers_with_its_gaps(district):
    faces = district.seen_at("identification")
    assert faces.routes is district.at_tier("identification").routes
    assert faces.tier == faces.gaps_tier == "identification"
    assert faces.gaps["length_m"].sum() > district.gaps["length_m"].sum()
    assert district.seen_at(None) is district
    with pytest.raises(KeyError, match="faces"):
        district.seen_at("faces")


def test_buildings_take_away_what_they_hide_and_the_views_show_it():
    demo = build_demo()
    open_view = summarise(replace(demo, buildings=None))
    # A wall 80 m long 1.5 m in front of 200 bullet cameras, across their view (at most 120°).
    bullets = (demo.cameras["status"] == "active") & (demo.cameras["fov_deg"] <= 120)
    cameras = demo.cameras[bullets].head(200)
    x, y = shapely.get_x(cameras.geometry.to_numpy()), shapely.get_y(cameras.geometry.to_numpy())
    east = np.sin(np.radians(cameras["bearing_deg"].to_numpy()))
    north = np.cos(np.radians(cameras["bearing_deg"].to_numpy()))
    walls = shapely.buffer(
        shapely.linestrings(
            np.stack(
                [
                    np.c_[x + 2 * east - 40 * north, y + 2 * north + 40 * east],
                    np.c_[x + 2 * east + 40 * north, y + 2 * north - 40 * east],
                ],
                axis=1,
            )
        ),
        0.5,
        cap_style="flat",
    )
    buildings = gpd.GeoDataFrame(
        {"height_m": np.full(walls.size, np.nan)}, geometry=walls, crs=demo.crs
    )
    blocked = summarise(replace(demo, buildings=buildings))
    assert blocked.routes.total_covered_m < open_view.routes.total_covered_m
    views = blocked.visible_views()
    chosen = demo.cameras.index.get_indexer(cameras.index)
    sectors = open_view.visible_views()
    assert np.all(shapely.area(views[chosen]) < 0.2 * shapely.area(sectors[chosen]))


def test_figures_updated_for_changed_cameras_are_the_figures_worked_out_afresh():
    """A camera registered, moved, broken or deleted: the district's figures updated where
    those cameras reach are those of the whole area worked out again (issue 15)."""
    demo = build_demo()
    before = summarise(demo)
    before.views()  # the map's views, kept and carried over
    cameras = demo.cameras.copy()
    rng = np.random.default_rng(5)
    moved, broken, gone = (cameras.index[rng.choice(len(cameras), 3)] for _ in range(3))
    cameras.loc[moved, "geometry"] = cameras.loc[moved].geometry.translate(12.0, -7.0)
    cameras.loc[moved, "bearing_deg"] = (cameras.loc[moved, "bearing_deg"] + 90) % 360
    cameras.loc[broken, "status"] = "broken"
    new = cameras.iloc[:2].assign(camera_id=["mới-1", "mới-2"], status="active")
    new = new.set_geometry(new.geometry.translate(-40.0, 25.0))
    after = replace(demo, cameras=pd.concat([cameras.drop(index=gone), new], ignore_index=True))
    changed = {*cameras.loc[[*moved, *broken, *gone], "camera_id"], "mới-1", "mới-2"}
    updated = before.updated(after, changed)
    fresh = summarise(after)
    assert updated.to_json() == fresh.to_json()
    assert updated.to_json() != before.to_json()
    assert len(updated.gaps) == len(fresh.gaps)
    views, fresh_views = updated.views(), fresh.views()
    assert views[0]["camera_id"].tolist() == fresh_views[0]["camera_id"].tolist()
    assert shapely.equals_exact(views[2], fresh_views[2], tolerance=1e-6).all()
