"""Households that agreed to a camera, read from a ward's list with a camera list's headers."""

from __future__ import annotations

from dataclasses import replace

import pyproj
import pytest
import shapely

from geodata.analysis.recommend import read_households, recommend
from geodata.errors import InputError
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
