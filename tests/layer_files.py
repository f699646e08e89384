"""Tiny layer files in every format, written for the loader tests."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely
from shapely.geometry import LineString, box

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


UNREAD_WARD = (
    "cameras.csv: columns 'ward' are not camera fields and were not read; rename a column to a "
    "known name to use it"
)


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
