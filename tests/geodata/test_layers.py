"""Reading and loading wards, roads, hotspots and cameras from tiny files in every format."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, MultiLineString, Point, Polygon, box

from geodata.dataset import CAMERA_COLUMNS, HOTSPOT_COLUMNS, ROAD_COLUMNS, WARD_COLUMNS
from geodata.errors import FileCRSError, InputError, SchemaError
from geodata.files import read_table, read_vector
from geodata.layers import load_cameras, load_hotspots, load_roads, load_wards
from geodata.loadreport import LoadReport

UTM48N = pyproj.CRS.from_epsg(32648)
FORMATS = ("geojson", "gpkg", "shp", "zip", "kml")

# Two adjacent 0.01° squares in Quận 2 (about 1.1 km a side), named with diacritics.
WARDS = gpd.GeoDataFrame(
    {"ward_code": ["27088", "27091"], "name_vi": ["Thảo Điền", "An Phú"], "pop": [22639, 35825]},
    geometry=[box(106.73, 10.80, 106.74, 10.81), box(106.74, 10.80, 106.75, 10.81)],
    crs=4326,
)
ROADS = gpd.GeoDataFrame(
    {"name": ["Mai Chí Thọ", "Xa lộ Hà Nội"]},
    geometry=[
        LineString([(106.72, 10.78), (106.74, 10.785), (106.76, 10.79)]),
        LineString([(106.74, 10.80), (106.76, 10.82)]),
    ],
    crs=4326,
)
HOTSPOTS = gpd.GeoDataFrame(
    {
        "name": ["Chợ An Phú", "Ga Metro Thảo Điền"],
        "kind": ["market", "station"],
        "weight": [2.0, 1.5],
    },
    geometry=[box(106.745, 10.800, 106.747, 10.802), box(106.735, 10.802, 106.736, 10.803)],
    crs=4326,
)
CAMERA_HEADER = "camera_id,lat,lon,bearing_deg,fov_deg,range_m,status,type,ward"
CAMERA_ROWS = [
    "C1,10.7870,106.7510,90,60,50,active,dome,An Phú",
    "C2,10.8010,106.7380,360,90,80,BROKEN,bullet,Thảo Điền",
    ",10.7950,106.7450,,360,30,,,",
]


class Upload(io.BytesIO):
    """What Streamlit's ``UploadedFile`` looks like to a loader: bytes with a ``name``."""

    def __init__(self, name: str, data: bytes):
        super().__init__(data)
        self.name = name


def write(frame: gpd.GeoDataFrame, folder: Path, fmt: str, stem: str = "layer") -> Path:
    """``frame`` written to ``folder`` as ``fmt``; a zip holds a Shapefile in a subfolder."""
    if fmt == "zip":
        inner = folder / f"{stem}_shp"
        inner.mkdir()
        frame.to_file(inner / f"{stem}.shp")
        path = folder / f"{stem}.zip"
        with zipfile.ZipFile(path, "w") as archive:
            for part in inner.iterdir():
                archive.write(part, f"{stem}/{part.name}")
        return path
    path = folder / f"{stem}.{fmt}"
    if fmt == "kml":
        frame.to_crs(4326).to_file(path, driver="LIBKML")
    else:
        frame.to_file(path)
    return path


def write_without_crs(frame: gpd.GeoDataFrame, path: Path) -> Path:
    """``frame``'s coordinates written to ``path`` with no CRS at all (no .prj)."""
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        frame.set_crs(None, allow_override=True).to_file(path)
    return path


def csv_file(
    folder: Path, rows: list[str], *, header: str = CAMERA_HEADER, name: str = "cameras.csv"
) -> Path:
    """A UTF-8 CSV file of ``header`` and ``rows``."""
    path = folder / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def assert_contract(frame: gpd.GeoDataFrame, columns: tuple[str, ...], crs=UTM48N) -> None:
    """``frame`` has exactly the contract's columns, a clean RangeIndex and the working CRS."""
    assert list(frame.columns) == [*columns, "geometry"]
    assert frame.geometry.name == "geometry"
    pd.testing.assert_index_equal(frame.index, pd.RangeIndex(len(frame)))
    assert pyproj.CRS(frame.crs).equals(pyproj.CRS(crs))
    assert not any(map(pd.api.types.is_object_dtype, frame.drop(columns="geometry").dtypes))


def same_shapes(loaded: gpd.GeoSeries, expected: gpd.GeoSeries, tolerance_m: float = 0.01) -> bool:
    """Whether two geometry series match vertex by vertex (after normalising), within metres."""
    return bool(
        np.all(
            shapely.equals_exact(
                shapely.normalize(loaded.to_numpy()),
                shapely.normalize(expected.to_numpy()),
                tolerance=tolerance_m,
            )
        )
    )


# --------------------------------------------------------------------------- files


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


# --------------------------------------------------------------------------- wards


@pytest.mark.parametrize("fmt", FORMATS)
def test_load_wards_reads_every_format_to_the_working_crs(tmp_path, fmt):
    wards = load_wards(write(WARDS, tmp_path, fmt))
    assert_contract(wards, WARD_COLUMNS)
    assert list(wards["ward_name"]) == ["Thảo Điền", "An Phú"]
    assert list(wards["ward_code"]) == ["27088", "27091"]
    assert same_shapes(wards.geometry, WARDS.to_crs(UTM48N).geometry)


def test_load_wards_prefers_the_name_field_with_diacritics(tmp_path):
    frame = WARDS.assign(Com_Name=["Thao Dien", "An Phu"], Com_ID=["27088", "27091"])
    frame = frame.drop(columns="ward_code")[["Com_Name", "Com_ID", "name_vi", "geometry"]]
    path = write(frame, tmp_path, "geojson")
    assert list(load_wards(path)["ward_name"]) == ["Thảo Điền", "An Phú"]
    assert list(load_wards(path)["ward_code"]) == ["27088", "27091"]
    assert list(load_wards(path, name_field="com_name")["ward_name"]) == ["Thao Dien", "An Phu"]


def test_load_wards_uses_the_name_as_code_when_there_is_no_code(tmp_path):
    wards = load_wards(write(WARDS.drop(columns="ward_code"), tmp_path, "gpkg"))
    assert list(wards["ward_code"]) == ["Thảo Điền", "An Phú"]


def test_load_wards_reports_empty_code_cells_that_take_the_name(tmp_path):
    report = LoadReport()
    path = write(WARDS.assign(ward_code=["27088", None]), tmp_path, "gpkg", stem="wards")
    wards = load_wards(path, report=report)
    assert list(wards["ward_code"]) == ["27088", "An Phú"]
    assert report.lines() == [
        "wards.gpkg: ward_code: 1 ward(s) without a code use their name as code: feature 2 (An Phú)"
    ]


def test_load_wards_refuses_a_file_without_a_name_column_listing_its_columns(tmp_path):
    path = write(WARDS.drop(columns="name_vi"), tmp_path, "geojson", stem="wards")
    with pytest.raises(
        SchemaError,
        match=r"(?s)wards\.geojson: 1 problem.*ward name column "
        r"\(one of ward_name, name_vi, .*found only the columns ward_code, pop; "
        r".*name_field=",
    ):
        load_wards(path)


def test_load_wards_refuses_a_name_or_code_field_that_is_not_there(tmp_path):
    path = write(WARDS, tmp_path, "geojson", stem="wards")
    with pytest.raises(
        SchemaError,
        match=r"ward name column 'ten' \(name_field=\).*"
        r"found only the columns ward_code, name_vi, pop",
    ):
        load_wards(path, name_field="ten")
    with pytest.raises(SchemaError, match=r"ward code column 'ma' \(code_field=\)"):
        load_wards(path, code_field="ma")


def test_load_wards_refuses_lines_and_names_the_features(tmp_path):
    frame = pd.concat([WARDS, ROADS.rename(columns={"name": "name_vi"})], ignore_index=True)
    path = write(frame, tmp_path, "gpkg", stem="wards")
    with pytest.raises(
        SchemaError,
        match=r"wards\.gpkg: 2 problems.*\n"
        r"  - feature 3 \(Mai Chí Thọ\), column geometry: expected a Polygon or "
        r"MultiPolygon ward boundary, found LineString; .*\n"
        r"  - feature 4 \(Xa lộ Hà Nội\)",
    ):
        load_wards(path)


def test_load_wards_refuses_an_empty_ward_name(tmp_path):
    path = write(WARDS.assign(name_vi=["Thảo Điền", ""]), tmp_path, "gpkg", stem="wards")
    with pytest.raises(
        InputError,
        match=r"feature 2, column name_vi: expected a ward name, "
        r"found an empty cell; fill in the ward name",
    ):
        load_wards(path)


def test_load_wards_normalises_names_to_nfc_and_reports_how_many(tmp_path):
    decomposed = [unicodedata.normalize("NFD", name) for name in WARDS["name_vi"]]
    assert decomposed != list(WARDS["name_vi"])
    report = LoadReport()
    wards = load_wards(write(WARDS.assign(name_vi=decomposed), tmp_path, "geojson"), report=report)
    assert list(wards["ward_name"]) == ["Thảo Điền", "An Phú"]
    [issue] = [issue for issue in report if "NFC" in str(issue.message)]
    assert str(issue.message).startswith("2 value(s) converted to Unicode NFC")
    assert issue.column == "name_vi"


def test_load_wards_repairs_a_bow_tie_and_reports_it(tmp_path):
    bow_tie = Polygon([(106.73, 10.80), (106.74, 10.81), (106.74, 10.80), (106.73, 10.81)])
    frame = WARDS.iloc[:1].set_geometry([bow_tie], crs=4326)
    report = LoadReport()
    wards = load_wards(write(frame, tmp_path, "gpkg", stem="wards"), report=report)
    assert wards.geometry.iloc[0].geom_type == "MultiPolygon"
    assert wards.geometry.is_valid.all()
    expected = shapely.make_valid(frame.to_crs(UTM48N).geometry.iloc[0]).area
    assert wards.area.iloc[0] == pytest.approx(expected, rel=1e-9)
    assert report.lines() == [
        "wards.gpkg: repaired 1 invalid geometry with make_valid: "
        "feature 1 (Thảo Điền) (Self-intersection)"
    ]


def test_load_wards_drops_features_without_geometry_and_reports_them(tmp_path):
    frame = WARDS.copy()
    frame.loc[1, "geometry"] = None
    report = LoadReport()
    wards = load_wards(write(frame, tmp_path, "geojson", stem="wards"), report=report)
    assert list(wards["ward_name"]) == ["Thảo Điền"]
    assert "wards.geojson: dropped 1 feature(s) without geometry: feature 2 (An Phú)" in (
        report.lines()
    )


def test_load_wards_keeps_a_given_working_crs(tmp_path):
    wards = load_wards(write(WARDS, tmp_path, "geojson"), working="EPSG:3405")
    assert_contract(wards, WARD_COLUMNS, crs="EPSG:3405")


def test_load_wards_refuses_polygons_that_keep_no_area_after_repair(tmp_path):
    flat = Polygon([(106.73, 10.80), (106.74, 10.81), (106.73, 10.80)])
    frame = WARDS.iloc[:1].set_geometry([flat], crs=4326)
    with pytest.raises(InputError, match=r"no usable geometry is left after repairing"):
        load_wards(write(frame, tmp_path, "geojson"))


def test_load_wards_drops_kml_heights_of_zero_quietly(tmp_path):
    report = LoadReport()
    wards = load_wards(write(WARDS, tmp_path, "kml"), report=report)
    assert not wards.geometry.has_z.any()
    assert not any("Z" in line for line in report.lines())


def test_load_wards_reports_heights_it_drops(tmp_path):
    raised = WARDS.set_geometry(shapely.force_3d(WARDS.geometry.to_numpy(), 12.5), crs=4326)
    report = LoadReport()
    wards = load_wards(write(raised, tmp_path, "gpkg", stem="wards"), report=report)
    assert not wards.geometry.has_z.any()
    assert "wards.gpkg: dropped the heights (Z) of 2 feature(s); coverage is 2-D" in (
        report.lines()
    )


# --------------------------------------------------------------------------- roads


@pytest.mark.parametrize("fmt", FORMATS)
def test_load_roads_reads_every_format_to_the_working_crs(tmp_path, fmt):
    roads = load_roads(write(ROADS, tmp_path, fmt))
    assert_contract(roads, ROAD_COLUMNS)
    assert list(roads["road_name"]) == ["Mai Chí Thọ", "Xa lộ Hà Nội"]
    np.testing.assert_allclose(roads.length, ROADS.to_crs(UTM48N).length, rtol=1e-9)


def test_load_roads_removes_reversed_duplicates_and_reports_the_count(tmp_path):
    reverse = ROADS.iloc[:1].set_geometry([ROADS.geometry.iloc[0].reverse()], crs=4326)
    copy = ROADS.iloc[1:2]
    frame = pd.concat([ROADS, reverse, copy], ignore_index=True)
    report = LoadReport()
    roads = load_roads(write(frame, tmp_path, "geojson", stem="roads"), report=report)
    assert list(roads["road_name"]) == ["Mai Chí Thọ", "Xa lộ Hà Nội"]
    assert report.lines() == [
        "roads.geojson: removed 2 duplicate line(s): the same line twice, or once in each "
        "direction (two-way roads exported per direction, as by osmnx): "
        "feature 3 (Mai Chí Thọ); feature 4 (Xa lộ Hà Nội)"
    ]


def test_load_roads_splits_multilinestrings_into_rows(tmp_path):
    multi = MultiLineString([ROADS.geometry.iloc[0], ROADS.geometry.iloc[1]])
    frame = gpd.GeoDataFrame({"ten_duong": ["Đường đôi"]}, geometry=[multi], crs=4326)
    roads = load_roads(write(frame, tmp_path, "gpkg"))
    assert_contract(roads, ROAD_COLUMNS)
    assert list(roads["road_name"]) == ["Đường đôi", "Đường đôi"]
    assert set(roads.geom_type) == {"LineString"}


def test_load_roads_without_names_leaves_them_empty_and_says_so(tmp_path):
    report = LoadReport()
    roads = load_roads(
        write(ROADS.drop(columns="name").assign(speed_kph=50.0), tmp_path, "geojson", stem="roads"),
        report=report,
    )
    assert list(roads["road_name"]) == ["", ""]
    assert report.lines()[0].startswith("roads.geojson: no road name column (looked for road_name")


def test_load_roads_refuses_a_name_field_that_is_not_there(tmp_path):
    path = write(ROADS, tmp_path, "geojson", stem="roads")
    with pytest.raises(
        SchemaError,
        match=r"(?s)roads\.geojson: 1 problem.*road name column 'Ten' "
        r"\(name_field=\), found only the columns name",
    ):
        load_roads(path, name_field="Ten")


def test_load_roads_refuses_polygons(tmp_path):
    path = write(WARDS.rename(columns={"name_vi": "name"}), tmp_path, "geojson", stem="roads")
    with pytest.raises(
        SchemaError,
        match=r"feature 1 \(Thảo Điền\), column geometry: expected a "
        r"LineString or MultiLineString road, found Polygon",
    ):
        load_roads(path)


def test_load_roads_drops_a_line_of_one_repeated_point_and_reports_it(tmp_path):
    point_line = LineString([(106.75, 10.80), (106.75, 10.80)])
    frame = pd.concat(
        [ROADS, gpd.GeoDataFrame({"name": ["Hẻm"]}, geometry=[point_line], crs=4326)],
        ignore_index=True,
    )
    report = LoadReport()
    roads = load_roads(write(frame, tmp_path, "geojson", stem="roads"), report=report)
    assert list(roads["road_name"]) == ["Mai Chí Thọ", "Xa lộ Hà Nội"]
    assert report.lines() == [
        "roads.geojson: repaired 1 invalid geometry with make_valid: "
        "feature 3 (Hẻm) (Too few points in geometry component)",
        "roads.geojson: dropped 1 feature(s) with no length left after repair: feature 3 (Hẻm)",
    ]


# --------------------------------------------------------------------------- hotspots


@pytest.mark.parametrize("fmt", FORMATS)
def test_load_hotspots_reads_polygons_in_every_format(tmp_path, fmt):
    hotspots = load_hotspots(write(HOTSPOTS, tmp_path, fmt))
    assert_contract(hotspots, HOTSPOT_COLUMNS)
    assert list(hotspots["hotspot_name"]) == ["Chợ An Phú", "Ga Metro Thảo Điền"]
    assert list(hotspots["hotspot_kind"]) == ["market", "station"]
    assert list(hotspots["weight"]) == [2.0, 1.5]
    np.testing.assert_allclose(hotspots.area, HOTSPOTS.to_crs(UTM48N).area, rtol=1e-9)


def test_load_hotspots_buffers_points_by_their_radius_in_metres(tmp_path):
    frame = gpd.GeoDataFrame(
        {
            "ten": ["Trường Giồng Ông Tố", "Bến phà"],
            "type": ["school", ""],
            "radius_m": [100.0, 250.0],
        },
        geometry=[Point(106.75, 10.80), Point(106.76, 10.79)],
        crs=4326,
    )
    hotspots = load_hotspots(write(frame, tmp_path, "gpkg"))
    assert_contract(hotspots, HOTSPOT_COLUMNS)
    assert list(hotspots["hotspot_kind"]) == ["school", "hotspot"]
    assert list(hotspots["weight"]) == [1.0, 1.0]
    np.testing.assert_allclose(hotspots.area, np.pi * np.array([100.0, 250.0]) ** 2, rtol=1e-3)
    centres = frame.to_crs(UTM48N).geometry
    np.testing.assert_allclose(hotspots.centroid.distance(centres), 0, atol=1e-6)
    assert len(hotspots.geometry.iloc[0].exterior.coords) == 4 * 32 + 1


def test_load_hotspots_mixes_polygons_and_points_and_reports_empty_weights(tmp_path):
    point = gpd.GeoDataFrame(
        {"name": ["Bến xe"], "kind": ["station"], "weight": [None], "radius_m": [50.0]},
        geometry=[Point(106.75, 10.80)],
        crs=4326,
    )
    frame = pd.concat([HOTSPOTS, point], ignore_index=True)
    report = LoadReport()
    hotspots = load_hotspots(write(frame, tmp_path, "geojson", stem="hotspots"), report=report)
    assert list(hotspots["weight"]) == [2.0, 1.5, 1.0]
    assert report.lines() == ["hotspots.geojson: weight: 1 empty weight(s) set to 1.0"]


def test_load_hotspots_refuses_a_file_without_names(tmp_path):
    path = write(HOTSPOTS.drop(columns="name"), tmp_path, "geojson", stem="hotspots")
    with pytest.raises(
        SchemaError,
        match=r"hotspot name column \(one of hotspot_name, name_vi, "
        r"name, .*found only the columns kind, weight",
    ):
        load_hotspots(path)


def test_load_hotspots_refuses_points_without_a_radius_column(tmp_path):
    frame = gpd.GeoDataFrame({"name": ["Bến xe"]}, geometry=[Point(106.75, 10.80)], crs=4326)
    path = write(frame, tmp_path, "geojson", stem="hotspots")
    with pytest.raises(
        SchemaError,
        match=r"radius \(metres\) for points column 'radius_m' "
        r"\(radius_field=\), found only the columns name",
    ):
        load_hotspots(path)


def test_load_hotspots_refuses_bad_radii_and_weights_all_at_once(tmp_path):
    frame = gpd.GeoDataFrame(
        {"name": ["A", "B", "C"], "radius_m": ["100", "-5", "abc"], "weight": [1.0, 0.0, 2.0]},
        geometry=[Point(106.75, 10.80), Point(106.75, 10.81), Point(106.75, 10.82)],
        crs=4326,
    )
    path = write(frame, tmp_path, "geojson", stem="hotspots")
    with pytest.raises(
        InputError,
        match=r"hotspots\.geojson: 3 problems.*\n"
        r"  - feature 2 \(B\), column radius_m: expected a radius in metres > 0, "
        r"found '-5'; .*\n"
        r"  - feature 3 \(C\), column radius_m: .*found 'abc'.*\n"
        r"  - feature 2 \(B\), column weight: expected a weight > 0, found '0'",
    ):
        load_hotspots(path)


def test_load_hotspots_refuses_lines(tmp_path):
    path = write(ROADS, tmp_path, "geojson", stem="hotspots")
    with pytest.raises(
        SchemaError,
        match=r"feature 1 \(Mai Chí Thọ\), column geometry: expected "
        r"a Polygon, MultiPolygon or Point hotspot, found LineString",
    ):
        load_hotspots(path)


# --------------------------------------------------------------------------- cameras


def expected_camera_points(rows: list[tuple[float, float]], crs=4326) -> gpd.GeoSeries:
    """The working-CRS points of (lat, lon) pairs, projected directly."""
    lat, lon = zip(*rows, strict=True)
    return gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=crs).to_crs(UTM48N)


def test_load_cameras_reads_a_csv(tmp_path):
    cameras = load_cameras(csv_file(tmp_path, CAMERA_ROWS))
    assert_contract(cameras, CAMERA_COLUMNS)
    assert cameras.drop(columns="geometry").to_dict("records") == [
        {
            "camera_id": "C1",
            "camera_type": "dome",
            "status": "active",
            "bearing_deg": 90.0,
            "fov_deg": 60.0,
            "range_m": 50.0,
            "ward_name": "An Phú",
        },
        {
            "camera_id": "C2",
            "camera_type": "bullet",
            "status": "broken",
            "bearing_deg": 0.0,
            "fov_deg": 90.0,
            "range_m": 80.0,
            "ward_name": "Thảo Điền",
        },
        {
            "camera_id": "row-4",
            "camera_type": "",
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
    cameras = load_cameras(Upload("cameras.xlsx", buffer.getvalue()))
    assert_contract(cameras, CAMERA_COLUMNS)
    assert cameras.loc[0, ["camera_id", "bearing_deg", "ward_name"]].tolist() == [
        "7",
        45.0,
        "An Phú",
    ]


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
    assert_contract(cameras, CAMERA_COLUMNS)
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
        "cameras.csv: crs=VN-2000 / UTM zone 48N is projected, but lat/lon are degrees; they are "
        "read as WGS 84 (EPSG:4326). Pass a geographic crs (e.g. EPSG:4756 for VN-2000) if they "
        "are on another datum"
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
        match=r"cameras\.csv: 1 problem.*\n  - row 3, column lat, lon: "
        r"expected lat within ±90 and lon within ±180, found lat=106\.75, "
        r"lon=10\.78: latitude and longitude look swapped; swap the two values",
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
            r"row 2, column lat, lon: expected lat within ±90 and lon within ±180 degrees, "
            r"found lat=95\.5, lon=200; give WGS 84 decimal degrees",
        ),
        (
            "C9,10.78,abc,90,60,50,active,,",
            r"row 2, column lon: expected a longitude in decimal degrees, found 'abc'",
        ),
        (
            "C9,,106.75,90,60,50,active,,",
            r"row 2, column lat: expected a latitude in decimal degrees, found an empty cell",
        ),
        (
            "C9,10.78,106.75,400,60,50,active,,",
            r"row 2, column bearing_deg: expected a compass bearing in degrees from 0 to 360, "
            r"found '400'; give the direction the camera faces",
        ),
        (
            "C9,10.78,106.75,,60,50,active,,",
            r"row 2, column bearing_deg: expected a compass bearing \(only a 360° camera may have "
            r"none\), found an empty cell",
        ),
        (
            "C9,10.78,106.75,90,0.5,50,active,,",
            r"row 2, column fov_deg: expected a field of view in degrees from 1 to 360, "
            r"found '0\.5'",
        ),
        (
            "C9,10.78,106.75,90,60,600,active,,",
            r"row 2, column range_m: expected a range in metres, more than 0 and at most 500, "
            r"found '600'",
        ),
        ("C9,10.78,106.75,90,60,0,active,,", r"row 2, column range_m: .*found '0'"),
        (
            "C9,10.78,106.75,90,60,50,stolen,,",
            r"row 2, column status: expected one of active, broken, removed, found 'stolen'; "
            r"use active, broken or removed",
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
        r"(  - row \d+, column range_m: [^\n]+\n){20}  … and 5 more$",
    ):
        load_cameras(csv_file(tmp_path, rows))


def test_load_cameras_refuses_missing_columns_listing_those_there_are(tmp_path):
    path = csv_file(tmp_path, ["10.78,106.75,90"], header="lat,lon,huong")
    with pytest.raises(
        SchemaError,
        match=r"cameras\.csv: 3 problems.*\n"
        r"  - expected a field of view \(degrees\) column \(fov_deg\), found only "
        r"the columns lat, lon, huong; .*\n"
        r"  - expected a range \(metres\) column \(range_m\).*\n"
        r"  - expected a bearing column \(bearing_deg, degrees clockwise from "
        r"north; only a file where every fov_deg is 360 may go without\)",
    ):
        load_cameras(path)


def test_load_cameras_refuses_a_table_without_coordinates(tmp_path):
    path = csv_file(tmp_path, ["C1,90,60,50"], header="camera_id,bearing_deg,fov_deg,range_m")
    with pytest.raises(
        SchemaError,
        match=r"expected a latitude \(degrees\) column \(one of lat, "
        r"latitude, vi_do, vĩ độ\), found only the columns camera_id",
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
    assert report.lines() == ["cameras.csv: skipped 1 empty row(s): row 3"]
    with pytest.raises(InputError, match=r"row 4, column lat, lon: .*look swapped"):
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
