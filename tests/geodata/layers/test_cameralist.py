"""The one reader of camera lists: headers in Vietnamese or English, cells parsed once."""

from __future__ import annotations

import pandas as pd
import pytest

from geodata.errors import InputError
from geodata.layers.camerafields import FIELDS
from geodata.layers.cameralist import HEADER_ALIASES, CameraList, map_headers


@pytest.mark.parametrize(
    ("headers", "field"),
    [
        (["Vĩ độ", "Vi do", "VI_DO", " lat ", "Latitude", "Vĩ độ (WGS84)"], "lat"),
        (["Kinh độ", "kinh do", "lon", "LNG", "Longitude"], "lon"),
        (["Hướng", "Hướng (độ)", "huong_do", "bearing", "Direction", "bearing_deg"], "bearing_deg"),
        (["Góc nhìn", "goc nhin", "FOV", "view angle", "Góc nhìn (độ)"], "fov_deg"),
        (["Tầm xa", "Tầm xa (m)", "tam_xa_m", "range", "Range (m)"], "range_m"),
        (["Chủ hộ", "Chủ sở hữu", "chu ho", "owner", "Owner name"], "owner_name"),
        (["Số điện thoại", "SĐT", "sdt", "phone"], "owner_phone"),
        (["Địa chỉ", "dia chi", "address"], "street"),
        (["Số nhà", "house number"], "house_number"),
        (["Hẻm", "alley"], "alley"),
        (["Đường", "street"], "street"),
        (["Trạng thái", "trang thai", "status"], "status"),
        (["Loại", "loai", "type"], "camera_type"),
        (["Mã", "Mã camera", "code", "External code", "external_code"], "external_code"),
        (["Ghi chú", "notes"], "notes"),
        (["Ngày lắp", "ngay lap dat", "installed"], "installed_on"),
        (["Ngày kiểm tra", "verified"], "verified_on"),
        (["Đồng ý chia sẻ", "dong y chia se", "consent"], "consent_share"),
        (
            [
                "Số điểm ảnh ngang",
                "so diem anh ngang",
                "Độ phân giải ngang",
                "Chiều rộng ảnh (px)",
                "pixels",
                "Image width",
                "horizontal_px",
            ],
            "horizontal_px",
        ),
        (["Độ phân giải", "resolution", "MP"], "resolution_mp"),
        (["Độ cao lắp đặt (m)", "Chiều cao", "độ cao", "mount height"], "mount_height_m"),
    ],
)
def test_headers_map_in_vietnamese_and_english_with_or_without_diacritics(headers, field):
    mapping, unknown = map_headers(headers)
    assert unknown == []
    assert set(mapping.values()) == {field}


def test_every_camera_field_has_a_header():
    assert set(HEADER_ALIASES.values()) == {field.name for field in FIELDS}
    mapping, unknown = map_headers([field.name for field in FIELDS])
    assert unknown == [] and all(mapping[name] == name for name in mapping)


def test_a_whole_address_goes_to_street_unless_the_address_is_split():
    assert map_headers(["Địa chỉ"]) == ({"Địa chỉ": "street"}, [])
    mapping, unknown = map_headers(["Địa chỉ", "Số nhà", "Đường"])
    assert mapping == {"Số nhà": "house_number", "Đường": "street"}
    assert unknown == ["Địa chỉ"]


def test_angle_alone_is_no_field_of_view():
    """ "angle" is the bearing in the city's 2017 traffic-camera file: it is not guessed."""
    assert map_headers(["angle", "Góc nhìn"]) == ({"Góc nhìn": "fov_deg"}, ["angle"])


def test_a_header_a_shapefile_cut_to_ten_characters_maps_when_only_one_field_fits():
    headers = ["bearing_de", "camera_typ", "mount_heig", "horizontal", "consent_sh"]
    mapping, unknown = map_headers(headers)
    assert mapping == {
        "bearing_de": "bearing_deg",
        "camera_typ": "camera_type",
        "mount_heig": "mount_height_m",
        "horizontal": "horizontal_px",
    }
    assert unknown == ["consent_sh"]  # consent_share or consent_share_on


def vietnamese_list(*rows: dict) -> pd.DataFrame:
    columns = ["Mã camera", "Vĩ độ", "Kinh độ", "Hướng", "Góc nhìn", "Tầm xa", "Trạng thái"]
    return pd.DataFrame([dict(zip(columns, row, strict=True)) for row in rows], dtype=object)


def test_a_vietnamese_list_with_comma_decimals_reads_to_clean_values():
    table = vietnamese_list(("Q2-1", "10,7812", "106,72", "90,5", "60", "40", "Hỏng"))
    cameras = CameraList(table, file="phuong.csv")
    assert cameras.problems == [[]]
    assert cameras.clean == [
        {
            "external_code": "Q2-1",
            "lat": 10.7812,
            "lon": 106.72,
            "bearing_deg": 90.5,
            "fov_deg": 60.0,
            "range_m": 40.0,
            "status": "broken",
            "camera_type": "other",
        }
    ]


def test_a_bad_bearing_is_one_problem_naming_the_cell():
    table = vietnamese_list(("Q2-1", "10,7812", "106,72", "đông", "60", "40", ""))
    cameras = CameraList(table, file="phuong.csv")
    assert [str(line) for line in cameras.row_problems()] == [
        "row 2: Hướng (bearing_deg): expected a number, found 'đông' → give the compass bearing "
        "the camera faces, degrees clockwise from north"
    ]


def test_blank_rows_are_left_out_and_rows_keep_their_spreadsheet_numbers():
    table = vietnamese_list(
        ("Q2-1", "10,7812", "106,72", "90", "60", "40", ""),
        (None, None, None, None, None, None, None),
        ("Q2-2", "106,72", "10,7812", "90", "60", "40", ""),
    )
    cameras = CameraList(table, file="phuong.csv")
    assert cameras.blank_rows == [3]
    assert cameras.numbers == [2, 4]
    assert [str(line) for line in cameras.row_problems()] == [
        "row 4: Vĩ độ (lat), Kinh độ (lon): expected latitude then longitude, found latitude "
        "106.72 and longitude 10.7812, which look swapped → swap the two cells"
    ]


def test_the_attributes_of_a_vector_file_need_no_coordinates_and_keep_every_row():
    table = pd.DataFrame({"fov_deg": [360, None], "range_m": [30, None]}, dtype=object)
    cameras = CameraList(table, file="cameras.geojson", located=False)
    assert cameras.numbers == [2, 3] and cameras.blank_rows == []
    assert cameras.problems[0] == []
    assert len(cameras.problems[1]) == 2  # its field of view and range are missing


@pytest.mark.parametrize(
    ("headers", "match"),
    [
        (["lat", "lat", "lon"], r"phuong\.csv.*'lat'"),
        (["Vĩ độ", "lat", "lon"], r"phuong\.csv.*'Vĩ độ', 'lat'"),
        (["Hướng", "fov_deg"], r"phuong\.csv has no latitude"),
    ],
)
def test_headers_that_cannot_work_refuse_the_file(headers, match):
    with pytest.raises(InputError, match=match):
        CameraList(pd.DataFrame(columns=headers), file="phuong.csv")


def test_the_image_width_is_a_whole_number_of_pixels_within_bounds():
    table = vietnamese_list(*[("Q2-1", "10,78", "106,72", "90", "60", "40", "")] * 4)
    table["Số điểm ảnh ngang"] = ["1920", "2560,0", "1920,5", "50"]
    cameras = CameraList(table, file="phuong.csv")
    assert [row.get("horizontal_px") for row in cameras.clean] == [1920, 2560, None, None]
    assert [str(line) for line in cameras.row_problems()] == [
        "row 4: Số điểm ảnh ngang (horizontal_px): expected a whole number, found 1920,5 → "
        "correct the cell",
        "row 5: Số điểm ảnh ngang (horizontal_px): expected a number from 160 to 20,000, "
        "found 50 → correct the cell",
    ]
