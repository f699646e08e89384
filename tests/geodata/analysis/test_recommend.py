"""Households that agreed to a camera, read from a ward's list with a camera list's headers;
plans in a street of shop-houses, and plans at a detail tier."""

from __future__ import annotations

from dataclasses import replace

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely

from coverage.candidates import FACADE_OFFSET_M, SPEC_COLUMNS
from coverage.occlusion import building_walls
from coverage.routes import route_coverage
from coverage.tiers import at_tier, tier_named
from geodata.analysis.recommend import read_households, recommend
from geodata.analysis.summary import key_route_segments
from geodata.errors import InputError
from geodata.layers.dataset import Dataset, empty_hotspots
from geodata.layers.demo import build_demo

UTM48N = pyproj.CRS.from_epsg(32648)
TO_UTM = pyproj.Transformer.from_crs("EPSG:4326", UTM48N, always_xy=True)


def test_a_vietnamese_household_list_with_comma_decimals_reads_in_metres(tmp_path):
    path = tmp_path / "ho_dong_y.csv"
    path.write_text(
        "Vĩ độ;Kinh độ;Số nhà;Hẻm;Đường;Ghi chú\n"
        "10,7812;106,72;12;Hẻm 5;Lương Định Của;gần chợ\n"
        "10,7650;106,795;;;Nguyễn Thị Định;\n",
        encoding="utf-8",
    )
    households = read_households(path, UTM48N)
    assert list(households["label"]) == ["12 Hẻm 5 Lương Định Của", "Nguyễn Thị Định"]
    x, y = TO_UTM.transform(106.72, 10.7812)
    assert households.geometry.iloc[0].distance(shapely.Point(x, y)) < 1e-6


def test_a_household_list_without_coordinates_names_the_rows(tmp_path):
    path = tmp_path / "ho_dong_y.csv"
    path.write_text("Vĩ độ,Kinh độ,Đường\n10.78,106.72,A\n,106.73,B\n10.79,đông,C\n", "utf-8")
    with pytest.raises(InputError, match=r"ho_dong_y\.csv: row 3: .*row 4: .*decimal degrees"):
        read_households(path, UTM48N)


def test_an_area_without_cameras_gets_recommendations():
    demo = build_demo()
    empty = replace(demo, cameras=demo.cameras.iloc[0:0])
    advice = recommend(empty, k=5)
    assert len(advice.sites) == 5 and advice.placement.covered_before_m == 0.0
    assert advice.placement.covered_after_m > 0


E0, N0 = 690_000.0, 1_190_000.0
"""An origin in Thủ Đức, metres in UTM 48N: the small area below is built around it."""


def shop_house_area() -> Dataset:
    """One ward with a crossroads: "Lương Định Của" east-west (300 m) and "Trần Não" north-south
    (200 m). Shop-houses 5 m wide line both sides of both streets, fronts 2.5 m from the centre
    line (nearer than a roadside site's 4 m setback). Two cameras: a 2 MP bullet looking east
    along the first street from a façade, and a dome of unknown image width on the corner."""

    def shifted(geometry):
        return shapely.transform(geometry, lambda xy: xy + np.array([E0, N0]))

    fronts = [(x, x + 5) for x in range(0, 300, 5) if not 140 <= x < 160]  # a crossroads gap
    boxes = [(x0, y0, x1, y1) for x0, x1 in fronts for y0, y1 in ((2.5, 15), (-15, -2.5))]
    sides = [(y, y + 5) for y in (*range(-100, -20, 5), *range(20, 100, 5))]
    boxes += [(x0, y0, x1, y1) for y0, y1 in sides for x0, x1 in ((152.5, 165), (135, 147.5))]
    crs = UTM48N
    cameras = gpd.GeoDataFrame(
        {
            "camera_id": ["CL-1", "CL-2"],
            "camera_type": ["bullet", "dome"],
            "status": ["active", "active"],
            "bearing_deg": [90.0, 0.0],
            "fov_deg": [80.0, 360.0],
            "range_m": [40.0, 15.0],
            "ward_name": ["Phường A", "Phường A"],
            "horizontal_px": [1920.0, np.nan],
            "mount_height_m": [3.0, np.nan],
        },
        geometry=shifted(shapely.points([(60, -2.3), (150, 0)])),
        crs=crs,
    )
    return Dataset(
        name="Phố thử",
        wards=gpd.GeoDataFrame(
            {"ward_code": ["1"], "ward_name": ["Phường A"]},
            geometry=[shifted(shapely.box(-50, -150, 350, 150))],
            crs=crs,
        ),
        roads=gpd.GeoDataFrame(
            {"road_name": ["Lương Định Của", "Trần Não"]},
            geometry=shifted(shapely.linestrings([[(0, 0), (300, 0)], [(150, -100), (150, 100)]])),
            crs=crs,
        ),
        hotspots=empty_hotspots(crs),
        cameras=cameras,
        buildings=gpd.GeoDataFrame(
            {"height_m": np.full(len(boxes), np.nan)},
            geometry=shifted(shapely.box(*np.array(boxes).T)),
            crs=crs,
        ),
    )


def inside_a_building(area: Dataset, points) -> np.ndarray:
    tree = shapely.STRtree(area.buildings.geometry.to_numpy())
    return np.isin(np.arange(len(points)), tree.query(points, predicate="within")[0])


def test_a_plan_in_a_street_of_shop_houses_puts_every_camera_outside_them():
    area = shop_house_area()
    advice = recommend(area, k=6, spacing_m=20.0)
    sites = advice.sites.geometry.to_numpy()
    assert len(sites) == 6 and not inside_a_building(area, sites).any()
    picked = advice.sites.assign(status="active")
    both = pd.concat([area.cameras, picked[area.cameras.columns.intersection(picked.columns)]])
    walls = building_walls(area.buildings)  # the default: the dataset's buildings block views
    engine = route_coverage(key_route_segments(area), both, walls=walls)
    assert advice.placement.covered_after_m == pytest.approx(engine.total_covered_m, abs=1e-6)
    assert advice.to_json()["tier"] is None


def test_a_household_inside_its_home_is_proposed_on_its_facade():
    area = shop_house_area()
    home = gpd.GeoDataFrame(
        {"label": ["52 Lương Định Của"]},
        geometry=[shapely.Point(E0 + 52, N0 + 10)],  # inside the house from x = 50 to 55
        crs=UTM48N,
    )
    advice = recommend(area, k=1, generated=False, households=home)
    site = advice.sites.geometry.iloc[0]
    assert (site.x - E0, site.y - N0) == pytest.approx((52.0, 2.5 - FACADE_OFFSET_M))
    assert advice.sites["label"].tolist() == ["52 Lương Định Của"]
    assert advice.sites["gain_m"].iloc[0] > 0


def test_a_recognition_plan_gains_what_route_coverage_at_that_tier_newly_sees():
    area = shop_house_area()
    recognition = tier_named("recognition")
    advice = recommend(area, k=4, spacing_m=20.0, tier="recognition")
    segments, walls = key_route_segments(area), building_walls(area.buildings)

    def seen_m(cameras):
        return route_coverage(segments, at_tier(cameras, recognition), walls=walls).total_covered_m

    before_m = seen_m(area.cameras)
    assert advice.placement.covered_before_m == pytest.approx(before_m, abs=1e-6)
    picked = advice.sites.assign(status="active")
    picked = picked[["bearing_deg", "fov_deg", "range_m", *SPEC_COLUMNS, "status", "geometry"]]
    for n in range(1, len(picked) + 1):
        cameras = pd.concat([area.cameras, picked.iloc[:n]], ignore_index=True)
        assert seen_m(cameras) - before_m == pytest.approx(
            advice.sites["gain_m"].iloc[:n].sum(), abs=1e-6
        )
    # The sites are the cameras to install: their own range; the tier cuts it in the figures.
    assert set(advice.sites["range_m"]) <= {40.0, 15.0}
    assert advice.to_json()["tier"] == "recognition"
    at_all = recommend(area, k=4, spacing_m=20.0)
    assert advice.placement.covered_before_m < at_all.placement.covered_before_m
