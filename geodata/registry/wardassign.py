"""Which ward each camera is in, and which ward layers the registry can keep.

Points are assigned in metres, in a UTM CRS estimated from the wards, by the rule every part of
the product shares (:func:`geodata.layers.wards.ward_codes_at`). A layer whose codes repeat,
or whose codes or names the registry cannot keep, is refused with every problem.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np

from geodata.i18n import Message
from geodata.io.crs import to_working, working_crs_of_bounds
from geodata.layers.camerafields import (
    text_problem,
)
from geodata.layers.wards import ward_codes_at
from geodata.registry.models import Ward


def ward_problems(wards: gpd.GeoDataFrame) -> list[Message]:
    """What keeps ward boundaries out of the registry: a code given to several wards, or a
    code or name the registry cannot keep (features numbered from 1 in the layer's order)."""
    codes = wards["ward_code"].astype(str).tolist()
    problems = []
    for code, features in _repeated(codes).items():
        problems.append(
            Message(
                "ward_layer.problem.repeated_code",
                code=code,
                count=len(features),
                features=[str(n) for n in features],
            )
        )
    limits = {"ward_code": Ward.code.type.length, "ward_name": Ward.name.type.length}
    for column, limit in limits.items():
        for number, value in enumerate(wards[column].astype(str), start=1):
            problem = text_problem(value, limit=limit)
            if problem:
                problems.append(
                    Message(
                        "ward_layer.problem.text", feature=number, column=column, problem=problem
                    )
                )
    return problems


def _repeated(values: list[str]) -> dict[str, list[int]]:
    """Each value given more than once → its positions (from 1)."""
    positions: dict[str, list[int]] = {}
    for number, value in enumerate(values, start=1):
        positions.setdefault(value, []).append(number)
    return {value: numbers for value, numbers in positions.items() if len(numbers) > 1}


def wards_at(wards: gpd.GeoDataFrame, lats, lons) -> list[str | None]:
    """The code of the ward holding each point (None outside every ward), in metres."""
    lats, lons = np.asarray(lats, dtype=float), np.asarray(lons, dtype=float)
    if lats.size == 0 or len(wards) == 0:
        return [None] * lats.size
    metric = working_crs_of_bounds(tuple(wards.total_bounds))
    polygons = to_working(wards, metric)
    points = to_working(
        gpd.GeoDataFrame(geometry=gpd.points_from_xy(lons, lats), crs="EPSG:4326"), metric
    )
    codes = ward_codes_at(polygons, points.geometry.to_numpy())
    return codes.tolist()
