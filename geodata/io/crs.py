"""Coordinate reference systems at the app's two edges: file → working CRS, working CRS → WGS 84.

This is the only module that reprojects. Data are projected once, on load, from the CRS their file
declares (or the caller states) to the working CRS: a projected CRS in metres, the UTM zone of the
data (EPSG:32648, WGS 84 / UTM zone 48N, for Ho Chi Minh City). Maps and exports get EPSG:4326
(longitude, latitude in degrees) from :func:`to_wgs84`.

Any CRS that PROJ can transform to WGS 84 is accepted: EPSG codes, WKT (``.prj`` files) and proj
strings, including the VN-2000 family (EPSG:4756 geographic, EPSG:3405 VN-2000 / UTM zone 48N,
EPSG:9210 VN-2000 / TM-3 105-45, or a local TM given as proj string or WKT with ``+towgs84``).
"""

from __future__ import annotations

import functools
import logging

import geopandas as gpd
import numpy as np
import pyproj
import shapely
from pyproj.exceptions import ProjError

from coverage.errors import CRSError
from geodata.errors import FileCRSError
from geodata.i18n import Message

logger = logging.getLogger(__name__)

WGS84 = pyproj.CRS.from_epsg(4326)
"""Longitude and latitude in degrees on WGS 84: the CRS of maps, exports and lat/lon tables."""

CRS_EXAMPLES = Message("crs.examples")


def parse_crs(value, *, file: str) -> pyproj.CRS:
    """The CRS a caller stated, as a :class:`pyproj.CRS`.

    Parameters
    ----------
    value : pyproj.CRS, str or int
        Anything :meth:`pyproj.CRS.from_user_input` understands: ``"EPSG:3405"``, ``32648``, a
        proj string or WKT.
    file : str
        The file the CRS is stated for, named in the error message.

    Raises
    ------
    FileCRSError
        When PROJ does not understand ``value``.
    """
    try:
        return pyproj.CRS.from_user_input(value)
    except ProjError as err:
        logger.info("%s: PROJ does not understand %r: %s", file, value, err)
        raise FileCRSError(
            "error.crs.unknown", file=file, crs=str(value), examples=CRS_EXAMPLES
        ) from None


def require_crs(frame: gpd.GeoDataFrame, *, file: str, stated_crs=None) -> gpd.GeoDataFrame:
    """``frame`` with a usable CRS: the one its file declares, else the one the caller states.

    The file's own CRS wins over ``stated_crs``, except when it declares longitude/latitude but
    its coordinates are not degrees (a GeoJSON without a ``crs`` member holding projected
    coordinates is read as EPSG:4326): then ``stated_crs`` replaces it.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        The features as read from the file, in the file's CRS (or none).
    file : str
        The file's name, used in error messages.
    stated_crs : pyproj.CRS, str or int, optional
        The CRS the caller states for a file that declares none (``"EPSG:32648"``,
        ``"EPSG:3405"``, a proj string or WKT).

    Returns
    -------
    geopandas.GeoDataFrame
        ``frame`` (not reprojected) with its CRS set.

    Raises
    ------
    FileCRSError
        When the file declares no CRS and none is stated; when the CRS cannot be transformed to
        WGS 84 (a local engineering CRS); when the coordinates cannot be in that CRS (degrees
        beyond ±180/±90, or a projected CRS whose coordinates all look like degrees).
    """
    stated = None if stated_crs is None else parse_crs(stated_crs, file=file)
    if frame.crs is None:
        if stated is None:
            raise FileCRSError("error.crs.none", file=file, examples=CRS_EXAMPLES)
        frame = frame.set_crs(stated)
    elif stated is not None and _declares_impossible_degrees(frame):
        logger.info("%s: declared CRS %s replaced by stated %s", file, frame.crs.name, stated.name)
        frame = frame.set_crs(stated, allow_override=True)
    _check_transformable(pyproj.CRS(frame.crs), file=file)
    _check_plausible(frame, file=file)
    return frame


@functools.lru_cache(maxsize=8)
def working_crs_of_bounds(bounds: tuple[float, float, float, float]) -> pyproj.CRS:
    """The working CRS of data with these bounds (west, south, east, north in degrees); cached,
    as PROJ's lookup takes a tenth of a second."""
    return working_crs(gpd.GeoDataFrame(geometry=[shapely.box(*bounds)], crs="EPSG:4326"))


def working_crs(frame: gpd.GeoDataFrame) -> pyproj.CRS:
    """The working CRS for ``frame``: the WGS 84 UTM zone of its extent, in metres.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Features in any CRS that can be transformed to WGS 84.

    Returns
    -------
    pyproj.CRS
        A UTM CRS (EPSG:32648 for Ho Chi Minh City), as estimated by
        :meth:`geopandas.GeoDataFrame.estimate_utm_crs`.

    Raises
    ------
    CRSError
        When ``frame`` has no CRS or no geometry to estimate from.
    """
    if frame.crs is None:
        raise CRSError(
            "cannot estimate a working CRS for data without a CRS; call require_crs first"
        )
    try:
        return pyproj.CRS(frame.estimate_utm_crs())
    except (RuntimeError, ValueError) as err:
        raise CRSError(
            f"cannot estimate a UTM working CRS from data in {frame.crs.name} ({err}); "
            "pass working=... (EPSG:32648 for Ho Chi Minh City)"
        ) from err


def to_working(frame: gpd.GeoDataFrame, crs) -> gpd.GeoDataFrame:
    """``frame`` projected to the working CRS ``crs``.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Features with a CRS (see :func:`require_crs`).
    crs : pyproj.CRS, str or int
        The working CRS: projected, in metres (see :func:`working_crs`).

    Returns
    -------
    geopandas.GeoDataFrame
        A new frame in ``crs``.

    Raises
    ------
    CRSError
        When ``crs`` is not a projected CRS in metres, or the transformation fails or yields
        non-finite coordinates.
    """
    target = _metric_crs(crs)
    try:
        projected = frame.to_crs(target)
    except ProjError as err:
        logger.info("cannot transform from %s to %s: %s", frame.crs.name, target.name, err)
        raise FileCRSError(
            "error.crs.transform", source=frame.crs.name, target=target.name
        ) from None
    if not np.isfinite(_coordinates(projected)).all():
        raise FileCRSError("error.crs.non_finite", source=frame.crs.name, target=target.name)
    return projected


def to_wgs84(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``frame`` in EPSG:4326 (longitude, latitude in degrees), for maps and exports.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Features with a CRS, normally the working CRS.

    Returns
    -------
    geopandas.GeoDataFrame
        A new frame in EPSG:4326; shapely's ``x`` is the longitude, ``y`` the latitude.
    """
    if frame.crs is None:
        raise CRSError("cannot transform data without a CRS to EPSG:4326; call require_crs first")
    return frame.to_crs(WGS84)


def is_metric_projected(crs) -> bool:
    """Whether ``crs`` is projected with both horizontal axes in metres.

    >>> is_metric_projected("EPSG:32648"), is_metric_projected("EPSG:4326")
    (True, False)
    """
    crs = pyproj.CRS.from_user_input(crs)
    return crs.is_projected and all(axis.unit_name == "metre" for axis in crs.axis_info[:2])


def _metric_crs(crs) -> pyproj.CRS:
    """``crs`` as a :class:`pyproj.CRS`, refused unless projected in metres."""
    try:
        target = pyproj.CRS.from_user_input(crs)
    except ProjError as err:
        raise CRSError(f"working={crs!r} is not a CRS PROJ understands ({err})") from err
    if not is_metric_projected(target):
        raise CRSError(
            f"the working CRS must be projected in metres, got {target.name}; "
            "use working_crs(frame) (EPSG:32648 for Ho Chi Minh City)"
        )
    return target


def _coordinates(frame: gpd.GeoDataFrame) -> np.ndarray:
    """All vertices of ``frame``'s geometries as an (n, 2) array, in its CRS."""
    return shapely.get_coordinates(frame.geometry.values)


def _degree_bounds_ok(frame: gpd.GeoDataFrame) -> bool:
    """Whether every vertex lies within longitude ±180 and latitude ±90 degrees."""
    xy = _coordinates(frame)
    return bool((np.abs(xy[:, 0]) <= 180).all() and (np.abs(xy[:, 1]) <= 90).all())


def _declares_impossible_degrees(frame: gpd.GeoDataFrame) -> bool:
    """Whether ``frame`` declares a geographic CRS but holds coordinates that are not degrees."""
    return pyproj.CRS(frame.crs).is_geographic and not _degree_bounds_ok(frame)


def _check_transformable(crs: pyproj.CRS, *, file: str) -> None:
    """Refuse a CRS that PROJ cannot transform to WGS 84 (an engineering or unknown CRS)."""
    try:
        pyproj.Transformer.from_crs(crs, WGS84, always_xy=True)
    except ProjError as err:
        logger.info("%s: %s cannot be transformed to WGS 84: %s", file, crs.name, err)
        raise FileCRSError(
            "error.crs.not_earth", file=file, crs=crs.name, examples=CRS_EXAMPLES
        ) from None


def _check_plausible(frame: gpd.GeoDataFrame, *, file: str) -> None:
    """Refuse coordinates that cannot be in ``frame``'s CRS."""
    crs = pyproj.CRS(frame.crs)
    if not len(_coordinates(frame)):
        return
    xmin, ymin, xmax, ymax = frame.total_bounds
    found = Message(
        "crs.extent", xmin=f"{xmin:.6g}", xmax=f"{xmax:.6g}", ymin=f"{ymin:.6g}", ymax=f"{ymax:.6g}"
    )
    if crs.is_geographic and not _degree_bounds_ok(frame):
        raise FileCRSError(
            "error.crs.not_degrees", file=file, crs=crs.name, found=found, examples=CRS_EXAMPLES
        )
    if crs.is_projected and _degree_bounds_ok(frame):
        raise FileCRSError("error.crs.looks_like_degrees", file=file, crs=crs.name, found=found)
