"""Loading the wards layer from tiny files in every format."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd
import pytest
import shapely
from shapely.geometry import Polygon, box

from geodata.errors import InputError, SchemaError
from geodata.layers.contract import WARD_COLUMNS
from geodata.layers.loadreport import LoadReport
from geodata.layers.wards import load_wards
from tests.layer_files import FORMATS, ROADS, UTM48N, WARDS, assert_contract, same_shapes, write


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


def test_load_wards_refuses_wards_that_overlap_by_much(tmp_path):
    twice = WARDS.copy()
    twice.loc[1, "geometry"] = box(106.735, 10.80, 106.745, 10.81)  # half of Thảo Điền again
    with pytest.raises(
        InputError,
        match=r"wards\.geojson: wards overlap \(feature 1 \(Thảo Điền\) and feature 2 \(An Phú\) "
        r"overlap by [\d,.]+ m²\); each place belongs to one ward",
    ):
        load_wards(write(twice, tmp_path, "geojson", stem="wards"))


def test_load_wards_notes_a_sliver_and_gives_it_to_the_first_ward(tmp_path):
    sliver = WARDS.copy()
    sliver.loc[1, "geometry"] = box(106.74 - 1e-6, 10.80, 106.75, 10.81)  # 0.1 m into Thảo Điền
    report = LoadReport()
    wards = load_wards(write(sliver, tmp_path, "geojson", stem="wards"), report=report)
    assert len(wards) == 2
    assert len(report.lines()) == 1
    assert re.fullmatch(
        r"wards\.geojson: feature 1 \(Thảo Điền\) and feature 2 \(An Phú\) overlap by "
        r"1\d\d\.\d m² \(a boundary drawn twice\); roads and cameras there count in feature 1 "
        r"\(Thảo Điền\), the first in the file",
        report.lines()[0],
    )
