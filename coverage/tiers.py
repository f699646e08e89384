"""Detail tiers (IEC EN 62676-4 "DORI"): how far a camera's image holds enough pixels per metre.

A camera spreads its image's width in pixels (``horizontal_px``) over the width of its view at
distance d. For a view narrower than 180° that width is the chord 2·d·tan(fov/2); for a wider
view it is the arc d·fov (fov in radians). The pixel density is

    px/m = horizontal_px / (2·d·tan(fov/2))      (fov < 180°)
    px/m = horizontal_px / (d·fov)               (fov ≥ 180°)

and it falls as d grows. Each tier asks for a density: detection 25 px/m, observation 62.5,
recognition 125, identification 250 (a face can be identified). A tier's reach is the distance
where the density falls to its threshold, capped by ``range_m`` (the lens or infrared limit):
within it, the camera gives that level of detail. So what a camera sees at a tier is its view
with ``range_m`` replaced by the tier's reach (:func:`at_tier`), and the route and hotspot
engines give each tier's figures unchanged.

A camera whose ``horizontal_px`` is unknown (missing or NaN) is taken to have
:data:`DEFAULT_HORIZONTAL_PX`, the width of the most common household camera (2 MP, 1920 × 1080):
its tier figures rest on an assumed spec (:func:`assumed_specs`).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np

from coverage.errors import InputError


@dataclass(frozen=True)
class Tier:
    """A level of detail and the pixel density it needs."""

    name: str
    px_per_m: float


TIERS = (
    Tier("detection", 25.0),
    Tier("observation", 62.5),
    Tier("recognition", 125.0),
    Tier("identification", 250.0),
)
"""The four DORI tiers of IEC EN 62676-4, coarsest first."""
TIER_NAMES = tuple(tier.name for tier in TIERS)

DEFAULT_HORIZONTAL_PX = 1920
"""The image width assumed for a camera whose own is unknown (2 MP, 1920 × 1080)."""


def tier_named(name: str) -> Tier:
    """The tier called ``name`` (``"detection"`` … ``"identification"``).

    >>> tier_named("recognition")
    Tier(name='recognition', px_per_m=125.0)
    """
    for tier in TIERS:
        if tier.name == name:
            return tier
    known = ", ".join(tier.name for tier in TIERS)
    raise InputError(f"unknown detail tier {name!r}; the tiers are {known}")


def horizontal_px(cameras) -> np.ndarray:
    """Each camera's image width in pixels, :data:`DEFAULT_HORIZONTAL_PX` where unknown."""
    return np.where(assumed_specs(cameras), DEFAULT_HORIZONTAL_PX, _stated_px(cameras))


def assumed_specs(cameras) -> np.ndarray:
    """Whether each camera's image width is unknown (and so assumed)."""
    stated = _stated_px(cameras)
    return ~(np.isfinite(stated) & (stated > 0))


def tier_reach_m(cameras, tier: Tier) -> np.ndarray:
    """The distance in metres to which each camera gives ``tier``'s detail, capped by ``range_m``.

    >>> import pandas as pd
    >>> cams = pd.DataFrame({"fov_deg": [90.0, 360.0], "range_m": [40.0, 40.0],
    ...     "horizontal_px": [2000.0, 2000.0]})
    >>> tier_reach_m(cams, tier_named("identification")).round(3).tolist()
    [4.0, 1.273]
    """
    fov = np.radians(np.asarray(cameras["fov_deg"], dtype=float))
    view_width_per_m = np.where(fov < np.pi, 2.0 * np.tan(np.minimum(fov, np.pi * 0.999) / 2), fov)
    reach = horizontal_px(cameras) / (tier.px_per_m * view_width_per_m)
    return np.minimum(np.asarray(cameras["range_m"], dtype=float), reach)


def at_tier(cameras: gpd.GeoDataFrame, tier: Tier | None) -> gpd.GeoDataFrame:
    """``cameras`` with ``range_m`` cut to each one's reach at ``tier`` (unchanged for None)."""
    if tier is None or len(cameras) == 0:
        return cameras
    return cameras.assign(range_m=tier_reach_m(cameras, tier))


def _stated_px(cameras) -> np.ndarray:
    if "horizontal_px" not in cameras.columns:
        return np.full(len(cameras), np.nan)
    return np.asarray(cameras["horizontal_px"], dtype=float)
