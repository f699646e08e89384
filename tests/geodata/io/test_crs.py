"""CRS at the edges: the same data in any declared or stated CRS loads to the same metres."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely
from shapely.geometry import LineString, Point, box

from coverage.errors import CRSError
from geodata.errors import FileCRSError
from geodata.io.crs import (
    is_metric_projected,
    parse_crs,
    require_crs,
    to_wgs84,
    to_working,
    working_crs,
)
from geodata.layers.cameras import load_cameras
from geodata.layers.loadreport import LoadReport
from geodata.layers.roads import load_roads
from geodata.layers.wards import load_wards

UTM48N = pyproj.CRS.from_epsg(32648)
# A VN-2000 local TM for Ho Chi Minh City (central meridian 105°45′, k = 0.9999) with the
# published 7-parameter shift to WGS 84.
VN2000_LOCAL_TM = (
    "+proj=tmerc +lat_0=0 +lon_0=105.75 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 "
    "+towgs84=-191.90441429,-39.30318279,-111.45032835,-0.00928836,0.01975479,-0.00427372,"
    "0.252906278 +units=m +no_defs"
)
DECLARED_CRSS = ("EPSG:4326", "EPSG:32648", "EPSG:3405", "EPSG:9210", "EPSG:4756")

WARDS = gpd.GeoDataFrame(
    {"ward_name": ["Thảo Điền", "An Phú"]},
    geometry=[box(106.73, 10.80, 106.74, 10.81), box(106.74, 10.80, 106.75, 10.81)],
    crs=4326,
)
ROADS = gpd.GeoDataFrame(
    {"road_name": ["Mai Chí Thọ"]},
    geometry=[LineString([(106.72, 10.78), (106.74, 10.785), (106.76, 10.79)])],
    crs=4326,
)
CAMERAS = gpd.GeoDataFrame(
    {"fov_deg": [360.0], "range_m": [50.0]},
    geometry=[Point(106.751, 10.787)],
    crs=4326,
)


def same_shapes(loaded: gpd.GeoSeries, expected: gpd.GeoSeries, tolerance_m: float) -> bool:
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


def saved(frame: gpd.GeoDataFrame, path):
    """``frame`` written to ``path``, in its own CRS."""
    frame.to_file(path)
    return path


def without_crs(frame: gpd.GeoDataFrame, path):
    """``frame``'s coordinates written to ``path`` with no CRS (GDAL warns; that is expected)."""
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        frame.set_crs(None, allow_override=True).to_file(path)
    return path


@pytest.mark.parametrize("declared", DECLARED_CRSS)
@pytest.mark.parametrize("suffix", ["gpkg", "shp", "geojson"])
def test_the_same_data_in_any_declared_crs_loads_to_the_same_metres(tmp_path, declared, suffix):
    wards = load_wards(saved(WARDS.to_crs(declared), tmp_path / f"wards.{suffix}"))
    roads = load_roads(saved(ROADS.to_crs(declared), tmp_path / f"roads.{suffix}"))
    cameras = load_cameras(saved(CAMERAS.to_crs(declared), tmp_path / f"cameras.{suffix}"))
    for loaded in (wards, roads, cameras):
        assert pyproj.CRS(loaded.crs).equals(UTM48N)
    # A round trip through VN-2000 moves nothing by more than a millimetre.
    assert same_shapes(wards.geometry, WARDS.to_crs(UTM48N).geometry, tolerance_m=0.001)
    assert same_shapes(roads.geometry, ROADS.to_crs(UTM48N).geometry, tolerance_m=0.001)
    assert same_shapes(cameras.geometry, CAMERAS.to_crs(UTM48N).geometry, tolerance_m=0.001)
    np.testing.assert_allclose(wards.area, WARDS.to_crs(UTM48N).area, rtol=1e-7)
    np.testing.assert_allclose(roads.length, ROADS.to_crs(UTM48N).length, rtol=1e-7)


@pytest.mark.parametrize(
    "stated",
    [
        "EPSG:3405",
        VN2000_LOCAL_TM,
        pyproj.CRS(VN2000_LOCAL_TM).to_wkt(),
        pyproj.CRS.from_epsg(9210),
    ],
    ids=["epsg-3405", "local-tm-proj", "local-tm-wkt", "epsg-9210-object"],
)
def test_a_file_without_crs_loads_in_the_stated_crs(tmp_path, stated):
    path = without_crs(WARDS.to_crs(stated), tmp_path / "wards.shp")
    wards = load_wards(path, crs=stated)
    assert same_shapes(wards.geometry, WARDS.to_crs(UTM48N).geometry, tolerance_m=0.001)


def test_a_file_without_crs_is_refused_with_the_fix(tmp_path):
    path = without_crs(WARDS.to_crs(UTM48N), tmp_path / "wards.gpkg")
    expected = (
        r"^wards\.gpkg declares no coordinate reference system; pass crs=\.\.\. \(e\.g\. "
        r"EPSG:32648 for UTM 48N, EPSG:3405 for VN-2000 / UTM 48N\) or save the file with a "
        r"\.prj$"
    )
    with pytest.raises(FileCRSError, match=expected):
        load_wards(path)
    assert len(load_wards(path, crs="EPSG:32648")) == 2


def test_a_stated_crs_does_not_override_the_files_own_and_says_so(tmp_path):
    path = tmp_path / "wards.gpkg"
    WARDS.to_crs(3405).to_file(path)
    report = LoadReport()
    wards = load_wards(path, crs="EPSG:32648", report=report)
    assert same_shapes(wards.geometry, WARDS.to_crs(UTM48N).geometry, tolerance_m=0.001)
    assert report.lines() == [
        "wards.gpkg: the file declares VN-2000 / UTM zone 48N; crs=WGS 84 / UTM zone 48N "
        "applies only to files that declare none, so it was not used"
    ]


def test_geojson_without_crs_member_holding_metres_needs_the_stated_crs(tmp_path):
    path = tmp_path / "wards.geojson"
    path.write_text(WARDS.to_crs(UTM48N).set_crs(None, allow_override=True).to_json())
    with pytest.raises(
        FileCRSError,
        match=r"wards\.geojson declares WGS 84 \(longitude/latitude "
        r"in degrees\), but its coordinates \(x 6\d{5}.*\) are not degrees; pass "
        r"crs=\.\.\.",
    ):
        load_wards(path)
    report = LoadReport()
    wards = load_wards(path, crs="EPSG:32648", report=report)
    assert same_shapes(wards.geometry, WARDS.to_crs(UTM48N).geometry, tolerance_m=0.001)
    assert report.lines() == [
        "wards.geojson: the file declares WGS 84, but its coordinates are not degrees; read "
        "them in WGS 84 / UTM zone 48N as stated with crs="
    ]


def test_a_projected_crs_holding_degrees_is_refused(tmp_path):
    path = tmp_path / "wards.gpkg"
    WARDS.set_crs(UTM48N, allow_override=True).to_file(path)
    with pytest.raises(
        FileCRSError,
        match=r"wards\.gpkg declares the projected CRS WGS 84 / UTM "
        r"zone 48N, but its coordinates \(x 106\.73 to 106\.75.*\) look like "
        r"longitude/latitude degrees",
    ):
        load_wards(path)


def test_an_engineering_crs_is_refused():
    local = (
        'LOCAL_CS["site grid",LOCAL_DATUM["site",0],UNIT["metre",1],AXIS["X",EAST],AXIS["Y",NORTH]]'
    )
    frame = gpd.GeoDataFrame(geometry=[Point(1000, 2000)], crs=local)
    with pytest.raises(
        FileCRSError,
        match=r"site\.gpkg declares 'site grid', which cannot be "
        r"placed on the earth",
    ):
        require_crs(frame, file="site.gpkg")


def test_a_stated_crs_proj_does_not_understand_is_refused():
    with pytest.raises(
        FileCRSError,
        match=r"wards\.shp: crs='EPSG:99999' is not a coordinate "
        r"reference system PROJ understands",
    ):
        parse_crs("EPSG:99999", file="wards.shp")


def test_require_crs_keeps_a_declared_crs_and_sets_a_stated_one():
    assert require_crs(WARDS, file="w") is WARDS
    stated = require_crs(WARDS.set_crs(None, allow_override=True), file="w", stated_crs=4326)
    assert pyproj.CRS(stated.crs).equals(pyproj.CRS(4326))


@pytest.mark.parametrize("crs", ["EPSG:4326", "EPSG:3405", VN2000_LOCAL_TM])
def test_working_crs_is_utm_48n_for_ho_chi_minh_city(crs):
    assert working_crs(WARDS.to_crs(crs)).equals(UTM48N)


def test_working_crs_needs_a_crs():
    with pytest.raises(CRSError, match=r"cannot estimate a working CRS for data without a CRS"):
        working_crs(WARDS.set_crs(None, allow_override=True))


def test_to_working_refuses_a_crs_not_in_metres():
    with pytest.raises(CRSError, match=r"the working CRS must be projected in metres, got WGS 84"):
        to_working(WARDS, "EPSG:4326")
    with pytest.raises(CRSError, match=r"working='no such crs' is not a CRS PROJ understands"):
        to_working(WARDS, "no such crs")


def test_to_wgs84_is_the_inverse_of_to_working():
    back = to_wgs84(to_working(WARDS, UTM48N))
    assert pyproj.CRS(back.crs).equals(pyproj.CRS(4326))
    np.testing.assert_allclose(
        shapely.get_coordinates(back.geometry.to_numpy()),
        shapely.get_coordinates(WARDS.geometry.to_numpy()),
        atol=1e-9,
    )


def test_to_wgs84_needs_a_crs():
    with pytest.raises(CRSError, match=r"cannot transform data without a CRS to EPSG:4326"):
        to_wgs84(WARDS.set_crs(None, allow_override=True))


@pytest.mark.parametrize(
    ("crs", "metric"),
    [
        ("EPSG:32648", True),
        ("EPSG:3405", True),
        (VN2000_LOCAL_TM, True),
        ("EPSG:4326", False),
        ("EPSG:4756", False),
        ("EPSG:2264", False),
    ],
)
def test_is_metric_projected(crs, metric):
    assert is_metric_projected(crs) is metric
