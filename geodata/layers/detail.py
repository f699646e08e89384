"""How much geometry one layer may hold: vertex bounds, and the simplification that keeps to them.

A road or boundary traced with a vertex every few centimetres (a GPS track, a careless export)
adds nothing a camera sees but makes every figure, map and export slow: one road of 10⁶
vertices took the overview two minutes. On load, in the working CRS (metres):

- a feature with more than :data:`MAX_FEATURE_VERTICES` vertices is simplified
  (Douglas–Peucker, topology kept) so that no point moves more than
  :data:`SIMPLIFY_TOLERANCE_M`; the load report says how many were simplified;
- a feature still above the bound, or a layer above :data:`MAX_LAYER_VERTICES` in all, is
  refused with the counts and the fix.

The real District 2 layers hold at most 2,956 vertices in one feature and 117,929 in a layer,
far inside both bounds.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from geodata.errors import InputError
from geodata.i18n import Message
from geodata.layers.loadreport import LoadReport

MAX_FEATURE_VERTICES = 10_000
"""Vertices one ward, road or hotspot may keep after simplification."""
MAX_LAYER_VERTICES = 2_000_000
"""Vertices one layer may hold in all."""
SIMPLIFY_TOLERANCE_M = 0.5
"""The farthest a point of a simplified feature lies from the original, in metres."""


def bounded_detail(
    frame: gpd.GeoDataFrame, *, labels, file: str, report: LoadReport
) -> gpd.GeoDataFrame:
    """``frame`` (working CRS, metres) within the vertex bounds, over-detailed features simplified.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        A layer in a projected CRS in metres.
    labels : pandas.Series
        The features' labels as messages name them (same order as ``frame``).
    file : str
        The file's name, for the report and the error.
    report : LoadReport
        Receives the number of features simplified.

    Raises
    ------
    InputError
        A feature keeps more than :data:`MAX_FEATURE_VERTICES` vertices after simplification,
        or the layer holds more than :data:`MAX_LAYER_VERTICES`.
    """
    geometries = frame.geometry.to_numpy()
    counts = shapely.get_num_coordinates(geometries)
    dense = counts > MAX_FEATURE_VERTICES
    if dense.any():
        geometries = geometries.copy()
        geometries[dense] = shapely.simplify(
            geometries[dense], SIMPLIFY_TOLERANCE_M, preserve_topology=True
        )
        counts = shapely.get_num_coordinates(geometries)
        still = np.flatnonzero(counts > MAX_FEATURE_VERTICES)
        if still.size:
            raise InputError(
                "error.layer.too_detailed",
                file=file,
                feature=labels.iloc[still[0]],
                vertices=int(counts[still[0]]),
                most=MAX_FEATURE_VERTICES,
            )
        report.add(
            file,
            Message(
                "load.note.simplified",
                count=int(dense.sum()),
                most=MAX_FEATURE_VERTICES,
                tolerance_m=SIMPLIFY_TOLERANCE_M,
            ),
        )
        frame = frame.set_geometry(gpd.GeoSeries(geometries, index=frame.index, crs=frame.crs))
    total = int(counts.sum())
    if total > MAX_LAYER_VERTICES:
        raise InputError(
            "error.layer.too_many_vertices", file=file, vertices=total, most=MAX_LAYER_VERTICES
        )
    return frame
