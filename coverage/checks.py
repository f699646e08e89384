"""Input checks shared by the engine's public entry points.

The engine checks, it does not convert: inputs must already be in one projected CRS in metres.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyproj

from coverage.errors import CRSError, InputError

CAMERA_FIELDS = ("bearing_deg", "fov_deg", "range_m", "status")


def metric_crs(**frames) -> pyproj.CRS:
    """Return the one projected, metre-based CRS that every given frame shares.

    Parameters
    ----------
    **frames : GeoDataFrame, GeoSeries or pyproj.CRS
        Named inputs (or their CRS); the names appear in error messages.

    Returns
    -------
    pyproj.CRS
        The shared CRS.

    Raises
    ------
    CRSError
        When a frame has no CRS, a geographic CRS, a CRS in other units than metres, or when two
        frames disagree. The message names the frames, their CRSs and the fix.
    """
    found: dict[str, pyproj.CRS] = {}
    for name, frame in frames.items():
        declared = frame if isinstance(frame, pyproj.CRS) else frame.crs
        if declared is None:
            raise CRSError(
                f"{name} has no CRS; the engine needs a projected CRS in metres "
                "(e.g. EPSG:32648, UTM 48N): load it through geodata, which projects it"
            )
        crs = pyproj.CRS(declared)
        unit = crs.axis_info[0].unit_name if crs.axis_info else "unknown"
        if not crs.is_projected or unit not in ("metre", "meter"):
            raise CRSError(
                f"{name} is in {crs.to_string()} ({unit}), not a projected CRS in metres; "
                "project it first (e.g. frame.to_crs(frame.estimate_utm_crs()))"
            )
        found[name] = crs
    names = list(found)
    first = found[names[0]]
    for name in names[1:]:
        if found[name] != first:
            raise CRSError(
                f"{names[0]} is in {first.to_string()} but {name} is in "
                f"{found[name].to_string()}; project both to the same CRS"
            )
    return first


def check_cameras(cameras: pd.DataFrame) -> None:
    """Raise :class:`InputError` when the camera table lacks a field or holds an impossible value.

    Parameters
    ----------
    cameras : DataFrame
        Must hold ``bearing_deg`` (compass, [0, 360]), ``fov_deg`` ((0, 360]), ``range_m`` (> 0)
        and ``status``.
    """
    missing = [name for name in CAMERA_FIELDS if name not in cameras.columns]
    if missing:
        raise InputError(
            f"cameras lack the column(s) {', '.join(missing)}; they have "
            f"{', '.join(map(str, cameras.columns))}"
        )
    problems = []
    rules = {
        "bearing_deg": ("0 to 360", lambda v: (v >= 0) & (v <= 360)),
        "fov_deg": ("more than 0 and at most 360", lambda v: (v > 0) & (v <= 360)),
        "range_m": ("more than 0", lambda v: v > 0),
    }
    for column, (expected, is_ok) in rules.items():
        values = pd.to_numeric(cameras[column], errors="coerce").to_numpy(dtype=float)
        bad = np.flatnonzero(~is_ok(np.nan_to_num(values, nan=-1.0)))
        if bad.size:
            rows = ", ".join(str(cameras.index[i]) for i in bad[:5])
            more = f" and {bad.size - 5} more" if bad.size > 5 else ""
            problems.append(
                f"{column} must be {expected}; camera(s) {rows}{more} have {values[bad[0]]!r}"
            )
    if problems:
        raise InputError("; ".join(problems))
