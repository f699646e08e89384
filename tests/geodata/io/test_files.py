"""Reading vector files and tables: every format, uploads, and what cannot be read."""

from __future__ import annotations

import zipfile

import pandas as pd
import pyproj
import pytest

from geodata.errors import InputError
from geodata.io.files import read_table, read_vector
from tests.layer_files import FORMATS, ROADS, WARDS, Upload, csv_file, write


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_vector_reads_every_format(tmp_path, fmt):
    frame = read_vector(write(WARDS, tmp_path, fmt))
    assert len(frame) == 2
    assert list(frame["name_vi"]) == ["Thảo Điền", "An Phú"]
    assert pyproj.CRS(frame.crs).equals(pyproj.CRS(4326))


def test_read_vector_reads_uploads_of_geojson_and_zip(tmp_path):
    geojson = write(WARDS, tmp_path, "geojson")
    zipped = write(WARDS, tmp_path, "zip", stem="wards")
    for path in (geojson, zipped):
        frame = read_vector(Upload(path.name, path.read_bytes()))
        assert list(frame["name_vi"]) == ["Thảo Điền", "An Phú"]


def test_read_vector_reads_an_open_file(tmp_path):
    with write(WARDS, tmp_path, "kml", stem="wards").open("rb") as handle:
        frame = read_vector(handle)
    assert list(frame["name_vi"]) == ["Thảo Điền", "An Phú"]


def test_read_vector_refuses_an_unknown_format(tmp_path):
    path = tmp_path / "wards.txt"
    path.write_text("not a map")
    with pytest.raises(InputError, match=r"wards\.txt: unknown map file format '\.txt'.*GeoJSON"):
        read_vector(path)


def test_read_vector_refuses_a_missing_file(tmp_path):
    with pytest.raises(InputError, match=r"nowhere\.geojson: no such file"):
        read_vector(tmp_path / "nowhere.geojson")


def test_read_vector_refuses_an_empty_file(tmp_path):
    path = tmp_path / "empty.geojson"
    path.write_bytes(b"")
    with pytest.raises(InputError, match=r"empty\.geojson cannot be read as GeoJSON.*export it"):
        read_vector(path)


def test_read_vector_refuses_a_file_without_features(tmp_path):
    path = tmp_path / "none.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(InputError, match=r"none\.geojson holds no features"):
        read_vector(path)


def test_read_vector_refuses_a_lone_shp_upload_and_says_to_zip(tmp_path):
    shp = write(WARDS, tmp_path, "shp")
    with pytest.raises(InputError, match=r"layer\.shp cannot be read.*zip those files together"):
        read_vector(Upload("layer.shp", shp.read_bytes()))


def test_read_vector_refuses_a_zip_without_a_dataset(tmp_path):
    path = tmp_path / "docs.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "no map here")
    with pytest.raises(InputError, match=r"docs\.zip holds no \.shp"):
        read_vector(path)


def test_read_vector_refuses_a_file_that_is_not_a_zip(tmp_path):
    path = tmp_path / "broken.zip"
    path.write_bytes(b"PK not really")
    with pytest.raises(InputError, match=r"broken\.zip is not a readable zip archive"):
        read_vector(path)


def test_read_vector_needs_a_layer_for_a_zip_of_two_shapefiles(tmp_path):
    wards, roads = write(WARDS, tmp_path, "shp", "wards"), write(ROADS, tmp_path, "shp", "roads")
    path = tmp_path / "both.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for shp in (wards, roads):
            for part in tmp_path.glob(f"{shp.stem}.*"):
                archive.write(part, part.name)
    with pytest.raises(InputError, match=r"both\.zip holds several datasets.*zip only the one"):
        read_vector(path)
    assert list(read_vector(path, layer="roads")["name"]) == list(ROADS["name"])


def test_read_vector_ignores_macos_resource_forks_in_a_zip(tmp_path):
    path = write(WARDS, tmp_path, "zip", stem="wards")
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("__MACOSX/wards/._wards.shp", b"\x00\x05\x16\x07")
    assert len(read_vector(path)) == 2


def test_read_vector_needs_a_layer_for_a_geopackage_of_two_layers(tmp_path):
    path = tmp_path / "city.gpkg"
    WARDS.to_file(path, layer="wards")
    ROADS.to_file(path, layer="roads")
    with pytest.raises(InputError, match=r"city\.gpkg holds 2 layers \(wards, roads\); save"):
        read_vector(path)
    with pytest.raises(InputError, match=r"city\.gpkg has no layer 'parks'; its layers are"):
        read_vector(path, layer="parks")
    assert len(read_vector(path, layer="roads")) == 2


def test_read_table_reads_csv_with_bom_and_semicolons(tmp_path):
    path = tmp_path / "cameras.csv"
    path.write_bytes("\ufeffcamera_id;lat;lon\nC1;10,787;106,751\n".encode())
    table = read_table(path)
    assert list(table.columns) == ["camera_id", "lat", "lon"]
    assert table.iloc[0].tolist() == ["C1", "10,787", "106,751"]


def test_read_table_reads_utf16_tab_separated_text(tmp_path):
    path = tmp_path / "cameras.csv"
    path.write_bytes("camera_id\tward\nC1\tAn Phú\n".encode("utf-16"))
    assert read_table(path).iloc[0].tolist() == ["C1", "An Phú"]


def test_read_table_keeps_blank_lines_so_row_numbers_hold(tmp_path):
    table = read_table(csv_file(tmp_path, ["a,b,c", "", "d,e,f"], header="x,y,z"))
    assert len(table) == 3
    assert table.iloc[1].isna().all()


def test_read_table_reads_the_first_sheet_of_a_workbook(tmp_path):
    path = tmp_path / "cameras.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"lat": [10.787], "ward": ["An Phú"]}).to_excel(writer, index=False)
        pd.DataFrame({"other": [1]}).to_excel(writer, sheet_name="notes", index=False)
    table = read_table(path)
    assert list(table.columns) == ["lat", "ward"]
    assert table.iloc[0].tolist() == [10.787, "An Phú"]


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("cameras.xls", b"\xd0\xcf\x11\xe0", r"cameras\.xls is an old Excel.*save it as"),
        ("cameras.ods", b"", r"cameras\.ods: unknown table format '\.ods'.*CSV \(\.csv\)"),
        ("cameras.csv", "lat\nAn Phú\n".encode("cp1258"), r"cameras\.csv is not UTF-8.*CSV UTF-8"),
        ("cameras.csv", b"", r"cameras\.csv is empty; put the column names in row 1"),
        ("cameras.csv", b"lat,lon\n", r"cameras\.csv holds no data rows"),
        ("cameras.csv", b"lat,lon\n1,2\n3,4,5,6\n", r"cameras\.csv cannot be read as CSV.*fields"),
        ("cameras.xlsx", b"not a workbook", r"cameras\.xlsx cannot be read as an Excel workbook"),
    ],
)
def test_read_table_refuses_what_it_cannot_read(tmp_path, name, content, match):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=match):
        read_table(path)
