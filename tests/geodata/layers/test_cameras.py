"""Loading the cameras layer of a report from camera lists and vector files."""

from __future__ import annotations

import io

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

from geodata.errors import FileCRSError, InputError, SchemaError
from geodata.layers.cameras import load_cameras
from geodata.layers.contract import CAMERA_COLUMNS, CAMERA_SPEC_COLUMNS
from geodata.layers.dataset import load_dataset
from geodata.layers.loadreport import LoadReport
from tests.layer_files import (
    CAMERA_HEADER,
    CAMERA_ROWS,
    ROADS,
    UNREAD_WARD,
    UTM48N,
    WARDS,
    Upload,
    assert_contract,
    csv_file,
    same_shapes,
    write,
    write_without_crs,
)

LOADED_COLUMNS = (*CAMERA_COLUMNS, *CAMERA_SPEC_COLUMNS)
"""A loaded cameras layer's columns: the contract's and the specs (NaN where unknown)."""


def expected_camera_points(rows: list[tuple[float, float]], crs=4326) -> gpd.GeoSeries:
    """The working-CRS points of (lat, lon) pairs, projected directly."""
    lat, lon = zip(*rows, strict=True)
    return gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=crs).to_crs(UTM48N)


def test_load_cameras_reads_a_csv(tmp_path):
    cameras = load_cameras(csv_file(tmp_path, CAMERA_ROWS))
    assert_contract(cameras, LOADED_COLUMNS)
    assert cameras[list(CAMERA_SPEC_COLUMNS)].isna().all().all(), "no specs in the file"
    assert cameras[list(CAMERA_COLUMNS)].to_dict("records") == [
        {
            "camera_id": "C1",
            "camera_type": "dome",
            "status": "active",
            "bearing_deg": 90.0,
            "fov_deg": 60.0,
            "range_m": 50.0,
            "ward_name": "",
        },
        {
            "camera_id": "C2",
            "camera_type": "bullet",
            "status": "broken",
            "bearing_deg": 0.0,
            "fov_deg": 90.0,
            "range_m": 80.0,
            "ward_name": "",
        },
        {
            "camera_id": "row-4",
            "camera_type": "other",
            "status": "active",
            "bearing_deg": 0.0,
            "fov_deg": 360.0,
            "range_m": 30.0,
            "ward_name": "",
        },
    ]
    expected = expected_camera_points([(10.787, 106.751), (10.801, 106.738), (10.795, 106.745)])
    assert same_shapes(cameras.geometry, expected, tolerance_m=1e-6)


def test_load_cameras_reads_a_csv_with_bom_semicolons_and_decimal_commas(tmp_path):
    path = tmp_path / "cameras.csv"
    text = "\ufeffLat;Lng;Bearing_deg;FOV_deg;Range_m\n10,787;106,751;90;60;50\n"
    path.write_bytes(text.encode("utf-8"))
    cameras = load_cameras(path)
    assert cameras.loc[0, ["bearing_deg", "fov_deg", "range_m"]].tolist() == [90.0, 60.0, 50.0]
    assert same_shapes(cameras.geometry, expected_camera_points([(10.787, 106.751)]), 1e-6)


def test_load_cameras_reads_a_workbook_upload(tmp_path):
    table = pd.DataFrame(
        {
            "latitude": [10.787],
            "longitude": [106.751],
            "bearing_deg": [45],
            "fov_deg": [90],
            "range_m": [60],
            "camera_id": [7],
            "ward": ["An Phú"],
        }
    )
    buffer = io.BytesIO()
    table.to_excel(buffer, index=False)
    report = LoadReport()
    cameras = load_cameras(Upload("cameras.xlsx", buffer.getvalue()), report=report)
    assert_contract(cameras, LOADED_COLUMNS)
    assert cameras.loc[0, ["camera_id", "bearing_deg", "ward_name"]].tolist() == ["7", 45.0, ""]
    assert report.lines() == [UNREAD_WARD.replace("cameras.csv", "cameras.xlsx")]


def test_load_cameras_reads_points_in_a_projected_crs(tmp_path):
    points = expected_camera_points([(10.787, 106.751), (10.801, 106.738)])
    frame = gpd.GeoDataFrame(
        {
            "camera_id": ["C1", "C2"],
            "bearing_deg": [90, 180],
            "fov_deg": [60, 60],
            "range_m": [50, 50],
        },
        geometry=points.to_crs(3405).to_numpy(),
        crs=3405,
    )
    cameras = load_cameras(write(frame, tmp_path, "gpkg", stem="cameras"))
    assert_contract(cameras, LOADED_COLUMNS)
    assert list(cameras["camera_id"]) == ["C1", "C2"]
    assert same_shapes(cameras.geometry, points, tolerance_m=0.001)


def test_load_cameras_reads_latitudes_in_vn2000_when_told(tmp_path):
    cameras = load_cameras(csv_file(tmp_path, CAMERA_ROWS[:1]), crs="EPSG:4756")
    expected = expected_camera_points([(10.787, 106.751)], crs=4756)
    assert same_shapes(cameras.geometry, expected, tolerance_m=0.001)
    assert not same_shapes(cameras.geometry, expected_camera_points([(10.787, 106.751)]), 1.0)


def test_load_cameras_reads_a_table_in_wgs84_when_the_stated_crs_is_projected(tmp_path):
    report = LoadReport()
    cameras = load_cameras(csv_file(tmp_path, CAMERA_ROWS[:1]), crs="EPSG:3405", report=report)
    assert same_shapes(cameras.geometry, expected_camera_points([(10.787, 106.751)]), 1e-6)
    assert report.lines() == [
        UNREAD_WARD,
        "cameras.csv: crs=VN-2000 / UTM zone 48N is projected, but lat/lon are degrees; they are "
        "read as WGS 84 (EPSG:4326). Pass a geographic crs (e.g. EPSG:4756 for VN-2000) if they "
        "are on another datum",
    ]


def test_load_cameras_refuses_a_point_file_without_crs(tmp_path):
    frame = gpd.GeoDataFrame({"fov_deg": [360], "range_m": [50]}, geometry=[Point(691000, 1192000)])
    path = write_without_crs(frame, tmp_path / "cameras.gpkg")
    with pytest.raises(FileCRSError, match=r"cameras\.gpkg declares no coordinate reference"):
        load_cameras(path)
    assert len(load_cameras(path, crs=32648)) == 1


def test_load_cameras_reports_swapped_latitude_and_longitude_by_row(tmp_path):
    rows = [CAMERA_ROWS[0], "C9,106.75,10.78,90,60,50,active,,"]
    with pytest.raises(
        InputError,
        match=r"cameras\.csv: 1 problem.*\n  - row 3: lat, lon: expected latitude then "
        r"longitude, found latitude 106\.75 and longitude 10\.78, which look swapped → swap "
        r"the two cells$",
    ):
        load_cameras(csv_file(tmp_path, rows))


def test_load_cameras_reports_swapped_points_in_degrees_by_feature(tmp_path):
    frame = gpd.GeoDataFrame(
        {"bearing_deg": [90, 90], "fov_deg": [60, 60], "range_m": [50, 50]},
        geometry=[Point(106.75, 10.78), Point(10.79, 106.76)],
        crs=4326,
    )
    with pytest.raises(
        InputError,
        match=r"feature 2, column geometry: expected x = longitude "
        r"and y = latitude, found x=10\.79, y=106\.76: they look swapped",
    ):
        load_cameras(write(frame, tmp_path, "geojson", stem="cameras"))


@pytest.mark.parametrize(
    ("row", "match"),
    [
        (
            "C9,95.5,200,90,60,50,active,,",
            r"row 2: lat: expected a number from -90 to 90, found 95\.5 → give the latitude in "
            r"WGS 84 decimal degrees .*; lon: expected a number from -180 to 180, found 200",
        ),
        (
            "C9,10.78,abc,90,60,50,active,,",
            r"row 2: lon: expected a number, found 'abc' → give the longitude in WGS 84",
        ),
        (
            "C9,,106.75,90,60,50,active,,",
            r"row 2: lat: required, found nothing → fill it in: give the latitude",
        ),
        (
            "C9,10.78,106.75,400,60,50,active,,",
            r"row 2: bearing_deg: expected a number from 0 to 360, found 400 → give the compass "
            r"bearing the camera faces, degrees clockwise from north$",
        ),
        (
            "C9,10.78,106.75,90,0.5,50,active,,",
            r"row 2: fov_deg: expected a number from 1 to 360, found 0\.5 → give the field of "
            r"view",
        ),
        (
            "C9,10.78,106.75,90,60,600,active,,",
            r"row 2: range_m: expected a number from 1 to 500, found 600 → give how far",
        ),
        ("C9,10.78,106.75,90,60,0,active,,", r"row 2: range_m: .*found 0 → "),
        (
            "C9,10.78,106.75,90,60,50,stolen,,",
            r"row 2: status: expected one of active, broken, removed, found 'stolen' → write "
            r"active, broken or removed \(hoạt động, hỏng, đã gỡ\)",
        ),
    ],
)
def test_load_cameras_refuses_bad_values(tmp_path, row, match):
    with pytest.raises(InputError, match=match):
        load_cameras(csv_file(tmp_path, [row]))


def test_load_cameras_refuses_repeated_ids(tmp_path):
    rows = [CAMERA_ROWS[0], CAMERA_ROWS[0].replace("10.7870", "10.7880")]
    with pytest.raises(
        InputError,
        match=r"row 3, column camera_id: expected a camera_id no other "
        r"camera has, found 'C1', already used in row 2",
    ):
        load_cameras(csv_file(tmp_path, rows))


def test_load_cameras_lists_every_problem_once_up_to_twenty(tmp_path):
    rows = [f"C{n},10.78,106.75,90,60,{'far' if n % 2 else 900},active,," for n in range(25)]
    with pytest.raises(
        InputError,
        match=r"cameras\.csv: 25 problems to fix.*\n"
        r"(  - row \d+: range_m: [^\n]+\n){20}  … and 5 more$",
    ):
        load_cameras(csv_file(tmp_path, rows))


def test_load_cameras_refuses_missing_columns_listing_those_there_are(tmp_path):
    path = csv_file(tmp_path, ["10.78,106.75,90"], header="lat,lon,huong")
    with pytest.raises(
        SchemaError,
        match=r"cameras\.csv: 2 problems.*\n"
        r"  - expected a field of view \(degrees\) column \(fov_deg\), found only "
        r"the columns lat, lon, huong; .*\n"
        r"  - expected a range \(metres\) column \(range_m\)[^\n]*$",
    ):
        load_cameras(path)


def test_load_cameras_refuses_a_table_without_coordinates(tmp_path):
    path = csv_file(tmp_path, ["C1,90,60,50"], header="camera_id,bearing_deg,fov_deg,range_m")
    with pytest.raises(
        InputError,
        match=r"cameras\.csv has no latitude \(Vĩ độ, lat\), longitude \(Kinh độ, lon\) column "
        r"\(found 'camera_id', 'bearing_deg', 'fov_deg', 'range_m'\)",
    ):
        load_cameras(path)


def test_load_cameras_accepts_no_bearing_column_when_every_camera_sees_all_round(tmp_path):
    path = csv_file(tmp_path, ["10.78,106.75,360,40"], header="lat,lon,fov_deg,range_m")
    cameras = load_cameras(path)
    assert cameras.loc[0, ["camera_id", "bearing_deg", "fov_deg"]].tolist() == ["row-2", 0.0, 360]


def test_load_cameras_skips_empty_rows_reports_them_and_keeps_row_numbers(tmp_path):
    rows = [CAMERA_ROWS[0], ",,,,,,,,", "C9,106.75,10.78,90,60,50,active,,"]
    path = csv_file(tmp_path, [rows[0], rows[1]])
    report = LoadReport()
    assert len(load_cameras(path, report=report)) == 1
    assert report.lines() == [UNREAD_WARD, "cameras.csv: skipped 1 empty row(s): row 3"]
    with pytest.raises(InputError, match=r"row 4: lat, lon: .*look swapped"):
        load_cameras(csv_file(tmp_path, rows))


def test_load_cameras_reads_a_shapefile_with_truncated_column_names(tmp_path):
    frame = gpd.GeoDataFrame(
        {
            "camera_id": ["C1"],
            "camera_type": ["dome"],
            "bearing_deg": [45.0],
            "fov_deg": [90.0],
            "range_m": [40.0],
        },
        geometry=[Point(106.751, 10.787)],
        crs=4326,
    )
    with (
        pytest.warns(UserWarning, match="Column names longer than 10 characters"),
        pytest.warns(RuntimeWarning, match="Normalized/laundered field name"),
    ):
        path = write(frame, tmp_path, "shp", stem="cameras")
    cameras = load_cameras(path)
    assert cameras.loc[0, ["camera_type", "bearing_deg"]].tolist() == ["dome", 45.0]


def test_load_cameras_refuses_lines_in_a_vector_file(tmp_path):
    frame = ROADS.assign(bearing_deg=0, fov_deg=360, range_m=50)
    with pytest.raises(
        SchemaError,
        match=r"feature 1, column geometry: expected a Point camera, "
        r"found LineString",
    ):
        load_cameras(write(frame, tmp_path, "geojson", stem="cameras"))


@settings(max_examples=40, deadline=None)
@given(bearing=st.floats(min_value=0, max_value=360), fov=st.floats(min_value=1, max_value=360))
def test_load_cameras_stores_bearings_in_half_open_compass_range(bearing, fov):
    text = f"{CAMERA_HEADER}\nC1,10.78,106.75,{bearing!r},{fov!r},50,,,\n"
    cameras = load_cameras(Upload("cameras.csv", text.encode()))
    stored = cameras.loc[0, "bearing_deg"]
    assert 0 <= stored < 360
    assert stored == (0.0 if bearing == 360 else bearing)
    assert cameras.loc[0, "fov_deg"] == fov


def test_a_bad_bearing_is_reported_once(tmp_path):
    with pytest.raises(InputError) as refused:
        load_cameras(csv_file(tmp_path, ["C9,10.78,106.75,east,60,50,active,,"]))
    message = str(refused.value)
    assert message.startswith("cameras.csv: 1 problem to fix")
    assert message.count("bearing_deg") == 1 and "found 'east'" in message
    assert "empty" not in message and "nothing" not in message


def test_cameras_without_a_bearing_are_left_out_of_the_figures_and_named(tmp_path):
    rows = [CAMERA_ROWS[0], "C8,10.78,106.75,,60,50,active,,", "C9,10.79,106.75,,360,50,,,"]
    report = LoadReport()
    cameras = load_cameras(csv_file(tmp_path, rows), report=report)
    assert list(cameras["camera_id"]) == ["C1", "C9"]
    assert report.lines()[1:] == [
        "cameras.csv: 1 camera(s) left out of the figures: no bearing and a view narrower than "
        "360° (row 3); give their bearing to count them"
    ]


def test_a_dataset_gives_each_camera_the_ward_its_point_lies_in(tmp_path):
    wards = write(WARDS, tmp_path, "geojson", stem="wards")
    roads = write(ROADS, tmp_path, "geojson", stem="roads")
    rows = [
        "C1,10.805,106.735,90,60,50,active,,An Phú",  # in Thảo Điền, whatever the cell says
        "C2,10.805,106.745,90,60,50,active,,",
        "C3,10.790,106.745,90,60,50,active,,",
    ]
    dataset = load_dataset(wards=wards, roads=roads, cameras=csv_file(tmp_path, rows))
    assert list(dataset.cameras["ward_name"]) == ["Thảo Điền", "An Phú", ""]


def test_cameras_carry_their_image_width_stated_or_from_megapixels_and_mount_height(tmp_path):
    header = "Mã camera,Vĩ độ,Kinh độ,Hướng,Góc nhìn,Tầm xa,Số điểm ảnh ngang,Độ phân giải,Độ cao"
    rows = [
        "C1,10.787,106.751,90,60,50,2560,4,3.5",  # stated: kept, whatever the megapixels say
        "C2,10.788,106.751,90,60,50,,4,",  # 4 MP at 16:9: sqrt(4e6 × 16/9) = 2666.7 px
        "C3,10.789,106.751,90,60,50,,,",
    ]
    cameras = load_cameras(csv_file(tmp_path, rows, header=header))
    assert_contract(cameras, LOADED_COLUMNS)
    np.testing.assert_array_equal(cameras["horizontal_px"], [2560.0, 2667.0, np.nan])
    np.testing.assert_array_equal(cameras["mount_height_m"], [3.5, np.nan, np.nan])


def test_a_dataset_keeps_the_specs_of_cameras_given_as_a_frame(tmp_path):
    wards = write(WARDS, tmp_path, "geojson", stem="wards")
    roads = write(ROADS, tmp_path, "geojson", stem="roads")
    header = "lat,lon,bearing_deg,fov_deg,range_m,horizontal_px"
    loaded = load_cameras(csv_file(tmp_path, ["10.79,106.745,90,60,50,1920"], header=header))
    dataset = load_dataset(wards=wards, roads=roads, cameras=loaded.to_crs(4326))
    assert dataset.cameras.loc[0, "horizontal_px"] == 1920.0
    assert np.isnan(dataset.cameras.loc[0, "mount_height_m"])
    without = load_dataset(wards=wards, roads=roads, cameras=loaded.drop(columns="horizontal_px"))
    assert list(without.cameras.columns) == [*CAMERA_COLUMNS, "mount_height_m", "geometry"]
