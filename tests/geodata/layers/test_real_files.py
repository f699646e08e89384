"""Loading the real files of ../shared/geodata (read its README.md): District 2, Ho Chi Minh City.

The data are read where they are and never copied into the project; files derived from them
live in ``tmp_path`` only. The tests skip when the folder is absent (a fresh clone), except
under ``CI=true``, where they fail.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely

from geodata.errors import SchemaError
from geodata.layers.cameras import load_cameras
from geodata.layers.loadreport import LoadReport
from geodata.layers.roads import load_roads
from geodata.layers.wards import load_wards

pytestmark = pytest.mark.realdata

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "geodata"
UTM48N = pyproj.CRS.from_epsg(32648)
QUAN2_CODES = {
    "Thảo Điền": "27088",
    "An Phú": "27091",
    "Bình An": "27094",
    "Bình Trưng Đông": "27097",
    "Bình Trưng Tây": "27100",
    "Bình Khánh": "27103",
    "An Khánh": "27106",
    "Cát Lái": "27109",
    "Thạnh Mỹ Lợi": "27112",
    "An Lợi Đông": "27115",
    "Thủ Thiêm": "27118",
}
"""Official GSO ward codes before 2021, from the data's README."""


class Upload(io.BytesIO):
    """What Streamlit's ``UploadedFile`` looks like to a loader: bytes with a ``name``."""

    def __init__(self, name: str, data: bytes):
        super().__init__(data)
        self.name = name


@pytest.fixture(scope="module", autouse=True)
def real_data():
    """Skip when ../shared/geodata is absent, unless CI=true (then the absence is a failure)."""
    if DATA.is_dir():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"real geodata missing at {DATA}, and CI=true requires it")
    pytest.skip(
        f"real geodata not found at {DATA} (expected next to the checkout, as in "
        "the development setup); these tests need it"
    )


@pytest.fixture(scope="module")
def quan2_outline() -> shapely.Geometry:
    """District 2's outline, the union of its 11 wards, in EPSG:32648."""
    return load_wards(DATA / "quan2_wards_cityscope.geojson").union_all()


def test_quan2_wards_load_with_vietnamese_names_and_codes():
    report = LoadReport()
    wards = load_wards(DATA / "quan2_wards_cityscope.geojson", report=report)
    assert len(wards) == 11
    assert pyproj.CRS(wards.crs).equals(UTM48N)
    assert dict(zip(wards["ward_name"], wards["ward_code"], strict=True)) == QUAN2_CODES
    raw = gpd.read_file(DATA / "quan2_wards_cityscope.geojson")
    assert list(wards["ward_name"]) == list(raw["name_vi"])
    assert wards.area.sum() / 1e6 == pytest.approx(49.94, abs=0.005)
    assert wards.geometry.is_valid.all()
    assert len(report) == 0


def test_context_wards_without_name_vi_fall_back_to_com_name():
    wards = load_wards(DATA / "hcmc_wards_cityscope_q2_context.geojson")
    assert len(wards) == 30
    raw = gpd.read_file(DATA / "hcmc_wards_cityscope_q2_context.geojson")
    assert list(wards["ward_name"]) == list(raw["Com_Name"])
    assert list(wards["ward_code"]) == list(raw["Com_ID"])


def test_city_wards_shapefile_in_utm_48n_loads_unchanged():
    path = DATA / "hcmc_wards_utm48n" / "Population_Ward_Level.shp"
    wards = load_wards(path)
    raw = gpd.read_file(path)
    assert len(wards) == 322
    assert pyproj.CRS(raw.crs).to_epsg() == 32648
    assert pyproj.CRS(wards.crs).equals(UTM48N)
    assert wards.loc[0, ["ward_code", "ward_name"]].tolist() == ["26734", "Tan Dinh"]
    assert shapely.equals_exact(wards.geometry.to_numpy(), raw.geometry.to_numpy()).all()


def test_city_wards_shapefile_loads_from_a_zip_upload(tmp_path):
    folder = DATA / "hcmc_wards_utm48n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in folder.glob("Population_Ward_Level.*"):
            archive.write(part, f"hcmc_wards_utm48n/{part.name}")
    wards = load_wards(Upload("hcmc_wards.zip", buffer.getvalue()))
    assert len(wards) == 322
    assert pyproj.CRS(wards.crs).equals(UTM48N)


def test_osm_road_skeleton_loads_unnamed_with_its_length(quan2_outline):
    report = LoadReport()
    roads = load_roads(DATA / "hcmc_major_roads_osm2021_cslhcmc_q2clip.geojson", report=report)
    # The README's "two-way roads appear twice" are separate carriageways here: each direction
    # has its own geometry (a few metres apart), so none is an exact reverse of another and
    # nothing is removed.
    assert len(roads) == 746
    assert set(roads["road_name"]) == {""}
    assert [str(issue.message).split(";")[0] for issue in report] == [
        "no road name column (looked for road_name, ten_duong, tên đường, tenduong, street, "
        "street_name, name_vi, name, ten, tên)"
    ]
    assert roads.length.sum() / 1e3 == pytest.approx(235.65, abs=0.01)
    assert roads.intersection(quan2_outline).length.sum() / 1e3 == pytest.approx(79, abs=0.5)


def test_osm_road_skeleton_with_both_directions_is_deduplicated_and_reported(tmp_path):
    raw = gpd.read_file(DATA / "hcmc_major_roads_osm2021_cslhcmc_q2clip.geojson")
    reversed_copies = raw.iloc[:40].set_geometry(raw.geometry.iloc[:40].reverse().to_numpy())
    path = tmp_path / "roads_both_directions.geojson"
    pd.concat([raw, reversed_copies], ignore_index=True).to_file(path)
    report = LoadReport()
    roads = load_roads(path, report=report)
    assert len(roads) == 746
    [duplicates] = [str(issue.message) for issue in report if "duplicate" in str(issue.message)]
    assert duplicates.startswith(
        "removed 40 duplicate line(s): the same line twice, or once in each direction"
    )
    assert "feature 747; feature 748" in duplicates
    assert duplicates.endswith("… and 20 more")
    expected = load_roads(DATA / "hcmc_major_roads_osm2021_cslhcmc_q2clip.geojson")
    assert roads.length.sum() == pytest.approx(expected.length.sum(), rel=1e-12)


def test_thu_thiem_streets_load_with_their_names():
    roads = load_roads(DATA / "thuthiem_streets_cslhcmc.geojson")
    assert len(roads) == 173
    assert {"Mai Chi Tho", "To Huu"} <= set(roads["road_name"])


def test_traffic_cameras_with_an_angle_load_from_a_csv_made_from_them(tmp_path, quan2_outline):
    raw = gpd.read_file(DATA / "hcmc_traffic_cameras_2017.geojson")
    aimed = raw[raw["angle"].notna()].reset_index(drop=True)
    table = pd.DataFrame(
        {
            "camera_id": aimed["id"],
            "lat": aimed.geometry.y,
            "lon": aimed.geometry.x,
            "bearing_deg": aimed["angle"],
            "fov_deg": 90,
            "range_m": 50,
            "system": aimed["camType"],
            "ward": aimed["district"],
        }
    )
    path = tmp_path / "cameras.csv"
    table.to_csv(path, index=False, float_format="%.10f")
    report = LoadReport()
    cameras = load_cameras(path, report=report)
    assert report.lines() == [
        "cameras.csv: columns 'system', 'ward' are not camera fields and were not read; "
        "rename a column to a known name to use it"
    ]
    assert len(cameras) == len(aimed) == 197
    assert pyproj.CRS(cameras.crs).equals(UTM48N)
    assert list(cameras["camera_id"]) == list(aimed["id"])
    np.testing.assert_allclose(cameras["bearing_deg"], aimed["angle"] % 360)
    assert ((cameras["bearing_deg"] >= 0) & (cameras["bearing_deg"] < 360)).all()
    assert cameras.distance(aimed.to_crs(UTM48N).geometry).max() < 0.001
    inside = cameras.within(quan2_outline).to_numpy()
    np.testing.assert_array_equal(inside, aimed["within_q2_cityscope"].to_numpy())


def test_traffic_camera_file_as_is_lacks_field_of_view_and_range():
    with pytest.raises(
        SchemaError,
        match=r"hcmc_traffic_cameras_2017\.geojson: 2 problems.*\n"
        r"  - expected a field of view \(degrees\) column \(fov_deg\), found only "
        r"the columns code, name, camId, camType, district, managementUnit, angle",
    ):
        load_cameras(DATA / "hcmc_traffic_cameras_2017.geojson")
