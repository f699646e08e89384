"""The cameras layer of a report: camera points from a camera list or a vector file of points.

A table (CSV or XLSX) is a camera list, read by the one reader the registry's import uses
(:class:`~geodata.layers.cameralist.CameraList`): the same headers (Vietnamese or English,
with or without diacritics), the same parsing (comma decimals, Vietnamese status and type
words) and the same checks and messages. A vector file of points gives each camera's place;
its attributes are read by the same reader. So a list that imports cleanly into the registry
loads here with the same values, and gives the same figures.

A row or feature with a problem is refused, listing every problem with its row or feature,
column and fix. A camera without a bearing whose view is narrower than 360° is left out of the
figures, as the registry leaves it out, and the load report says which.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj

from geodata.errors import InputError, SchemaError
from geodata.i18n import Message
from geodata.io.crs import WGS84, parse_crs
from geodata.io.files import is_table, read_table, read_vector, source_name
from geodata.layers.camerafields import SPEC_SOURCE_FIELDS, camera_specs
from geodata.layers.cameralist import CameraList, quoted
from geodata.layers.columns import (
    Problem,
    add_note,
    default_id,
    feature_labels,
    listed,
    missing_column,
    raise_problems,
)
from geodata.layers.contract import CAMERA_COLUMNS, CAMERA_SPEC_COLUMNS
from geodata.layers.geometry import contract_columns, declared_frame, flattened, projected_to
from geodata.layers.loadreport import LoadReport


def load_cameras(
    source, *, crs=None, working=None, report: LoadReport | None = None
) -> gpd.GeoDataFrame:
    """Cameras from a camera list (CSV/XLSX with latitude and longitude) or a vector file of points.

    The columns are those of a camera list (:mod:`geodata.layers.cameralist`): ``Vĩ độ``/``lat``
    and ``Kinh độ``/``lon`` (tables only, decimal degrees), ``Hướng``/``bearing_deg`` (compass,
    clockwise from north, 0–360; 360 is north), ``Góc nhìn``/``fov_deg`` (1–360, 360 = all
    round), ``Tầm xa``/``range_m`` (1–500 m), and optionally ``Trạng thái``/``status``
    (``active`` when empty), ``Loại``/``camera_type`` (``other`` when empty) and ``Mã
    camera``/``camera_id`` (``"row-7"``/``"feature-7"`` when empty; unique), ``Số điểm ảnh
    ngang``/``horizontal_px`` (the image's width in pixels; from ``Độ phân giải``/
    ``resolution_mp`` when not given) and ``Độ cao lắp đặt``/``mount_height_m`` (metres). Other
    columns are not read (the report lists them). Latitude and longitude that look swapped are
    reported, never swapped. ``ward_name`` is empty here:
    :func:`geodata.layers.dataset.load_dataset` gives each camera the ward its point lies in, as
    the registry does.

    Parameters
    ----------
    source : str, pathlib.Path or file-like
        A ``.csv`` or ``.xlsx`` camera list, or a vector file of points in any CRS, or an
        upload.
    crs : pyproj.CRS, str or int, optional
        For a vector file that declares none: its CRS. For a table: the geographic CRS of its
        latitudes and longitudes (default EPSG:4326; e.g. EPSG:4756 for VN-2000); a projected
        one is not used (the report says so).
    working : pyproj.CRS, str or int, optional
        The working CRS, projected in metres; by default estimated from the cameras.
    report : LoadReport, optional
        Receives the notes: columns not read, blank rows, cameras left out for want of a
        bearing.

    Returns
    -------
    geopandas.GeoDataFrame
        The columns of :data:`geodata.layers.contract.CAMERA_COLUMNS` and
        :data:`~geodata.layers.contract.CAMERA_SPEC_COLUMNS` (NaN where unknown), and Point
        ``geometry`` in the working CRS (metres).

    Raises
    ------
    InputError
        The file cannot be read or is empty, its headers cannot work (a repeated header, two
        headers for one field, no latitude or longitude column), a value is missing, not a
        number, out of range, an unknown status or type, a repeated camera id, latitude and
        longitude look swapped, or a vector file holds features that are not points.
    FileCRSError
        A vector file declares no CRS and ``crs`` is not given, or its coordinates cannot be
        in it.
    """
    report = LoadReport() if report is None else report
    file = source_name(source)
    if is_table(source):
        slim = _table_cameras(read_table(source), file=file, crs=crs, report=report)
    else:
        slim = _vector_cameras(read_vector(source), file=file, crs=crs, report=report)
    projected = projected_to(slim, working)  # estimated from every camera, aimed or not
    columns = (*CAMERA_COLUMNS, *CAMERA_SPEC_COLUMNS)
    return contract_columns(projected[~projected["unaimed"]], columns)


def _table_cameras(table: pd.DataFrame, *, file: str, crs, report: LoadReport) -> gpd.GeoDataFrame:
    """Camera points from a camera list, in its geographic CRS, with contract columns."""
    cameras = CameraList(table, file=file)
    labels = [Message("where.row", row=number) for number in cameras.numbers]
    attributes = _attributes(cameras, labels, report=report)
    lat = [row["lat"] for row in cameras.clean]
    lon = [row["lon"] for row in cameras.clean]
    points = gpd.points_from_xy(lon, lat)
    return gpd.GeoDataFrame(attributes, geometry=points, crs=_lat_lon_crs(crs, file, report))


def _lat_lon_crs(crs, file: str, report: LoadReport) -> pyproj.CRS:
    """The CRS of a table's latitudes and longitudes: ``crs`` when geographic, else WGS 84.

    A projected ``crs`` (stated for the other files of a dataset) cannot describe degrees; it is
    not used, and the report says so.
    """
    stated = WGS84 if crs is None else parse_crs(crs, file=file)
    if stated.is_geographic:
        return stated
    add_note(report, file, "load.note.projected_lat_lon", crs=stated.name)
    return WGS84


def _vector_cameras(
    frame: gpd.GeoDataFrame, *, file: str, crs, report: LoadReport
) -> gpd.GeoDataFrame:
    """Camera points from a vector file, in the file's CRS, with contract columns."""
    labels = feature_labels(frame.index, None)
    present = ~(frame.geometry.isna() | frame.geometry.is_empty)
    if not present.any():
        raise InputError("error.layer.no_geometry", file=file)
    if not present.all():
        add_note(
            report,
            file,
            "load.note.no_geometry",
            count=int((~present).sum()),
            features=listed(labels[~present]),
        )
    frame, labels = frame[present].reset_index(drop=True), labels[present].tolist()
    raise_problems(
        [
            Problem(
                label,
                "geometry",
                Message("layer.expected.camera_geometry"),
                kind,
                Message("layer.fix.camera_geometry"),
            )
            for label, kind in zip(labels, frame.geom_type, strict=True)
            if kind != "Point"
        ],
        file=file,
        error=SchemaError,
    )
    if _in_degrees(frame.crs, crs, file=file):
        raise_problems(_swapped_point_problems(frame, labels), file=file, error=InputError)
    table = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    attributes = _attributes(CameraList(table, file=file, located=False), labels, report=report)
    points = declared_frame(frame, file=file, crs=crs, report=report)
    return flattened(
        gpd.GeoDataFrame(attributes, geometry=points.geometry.values, crs=points.crs),
        file=file,
        report=report,
    )


def _attributes(cameras: CameraList, labels: list, *, report: LoadReport) -> pd.DataFrame:
    """The contract and spec columns of a camera list's rows, and ``unaimed``, by row position.

    Refuses the list when it has no field-of-view or range column, when a row has a problem
    or a camera id is used twice; notes the cameras without a bearing whose view is narrower
    than 360° (``unaimed``: they are left out once projected).
    """
    file = cameras.file
    frame = pd.DataFrame(columns=list(cameras.columns))
    if cameras.unknown:
        add_note(report, file, "load.note.unknown_columns", columns=quoted(cameras.unknown))
    if cameras.blank_rows:
        add_note(
            report,
            file,
            "load.note.empty_rows",
            count=len(cameras.blank_rows),
            rows=listed(pd.Series([Message("where.row", row=n) for n in cameras.blank_rows])),
        )
    raise_problems(
        [
            missing_column(frame, None, (name,), role=role, option=None)
            for name, role in (("fov_deg", "fov"), ("range_m", "range"))
            if name in cameras.absent
        ],
        file=file,
        error=SchemaError,
    )
    clean = cameras.clean
    ids = [
        row.get("external_code") or default_id(label)
        for row, label in zip(clean, labels, strict=True)
    ]
    raise_problems(
        [*cameras.row_problems(labels), *_repeated_ids(ids, labels, cameras)],
        file=file,
        error=InputError,
    )
    attributes = pd.DataFrame(
        {
            "camera_id": ids,
            "camera_type": [row["camera_type"] for row in clean],
            "status": [row["status"] for row in clean],
            "bearing_deg": [row.get("bearing_deg", np.nan) for row in clean],
            "fov_deg": [row["fov_deg"] for row in clean],
            "range_m": [row["range_m"] for row in clean],
            "ward_name": "",
            **camera_specs({f: [row.get(f) for row in clean] for f in SPEC_SOURCE_FIELDS}),
        }
    ).astype({"bearing_deg": float, "fov_deg": float, "range_m": float})
    unaimed = attributes["bearing_deg"].isna() & (attributes["fov_deg"] < 360)
    if unaimed.any():
        add_note(
            report,
            file,
            "load.note.unaimed_rows",
            count=int(unaimed.sum()),
            rows=listed(pd.Series(labels)[unaimed.to_numpy()]),
        )
    attributes["bearing_deg"] = attributes["bearing_deg"].fillna(0.0)
    attributes["unaimed"] = unaimed
    return attributes


def _repeated_ids(ids: list[str], labels: list, cameras: CameraList) -> list[Problem]:
    """A problem for each camera whose id an earlier row or feature used."""
    column = cameras.headers.get("external_code", "camera_id")
    first: dict[str, Message] = {}
    problems = []
    for label, camera_id in zip(labels, ids, strict=True):
        if camera_id in first:
            problems.append(
                Problem(
                    label,
                    column,
                    Message("layer.expected.unique_id"),
                    Message("layer.found.used_id", id=camera_id, first=first[camera_id]),
                    Message("layer.fix.unique_id"),
                )
            )
        first.setdefault(camera_id, label)
    return problems


def _in_degrees(declared, stated, *, file: str) -> bool:
    """Whether a vector file's coordinates are to be read as longitude/latitude degrees."""
    crs = declared if declared is not None else stated
    return crs is not None and parse_crs(crs, file=file).is_geographic


def _swapped_point_problems(frame: gpd.GeoDataFrame, labels: list) -> list[Problem]:
    """Points in degrees whose x and y look swapped (x within ±90, y beyond ±90 but within ±180)."""
    x, y = frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy()
    swapped = (np.abs(x) <= 90) & (np.abs(y) > 90) & (np.abs(y) <= 180)
    return [
        Problem(
            labels[i],
            "geometry",
            Message("layer.expected.x_lon"),
            Message("layer.found.swapped_xy", x=x[i], y=y[i]),
            Message("layer.fix.swapped_xy"),
        )
        for i in np.flatnonzero(swapped)
    ]
