"""When other ward boundaries become current: the users whose wards are gone, and the new wards
suggested for them.

A ward user looks after ward codes. When a boundary set becomes current that lacks some of
them (wards merged or split under new codes), those users see nothing of those wards until the
district maps each old code to new ones (:meth:`Registry.map_scopes
<geodata.registry.service.Registry.map_scopes>`). The new wards are suggested from the overlap
of areas: each current ward that covers at least :data:`OVERLAP_SHARE` of the old ward, the
largest share first. The old ward is the one of that code in the newest other set that has it.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from geodata.io.crs import to_working, working_crs_of_bounds
from geodata.registry.access import Actor
from geodata.registry.service import Registry

OVERLAP_SHARE = 0.05
"""A current ward is suggested for an old one when it covers at least this share of its area
(smaller overlaps are boundaries drawn a little apart, not wards that merged)."""


def scope_changes(registry: Registry, actor: Actor) -> pd.DataFrame:
    """The wards users look after that the current boundary set lacks, with suggested new ones.

    District users only. One row per user and old ward: ``user``, ``role``, ``ward_code``,
    ``ward_name`` (as named in the newest set that has it, empty when no set has it),
    ``suggested`` (codes of current wards, largest overlap first; perhaps none) and
    ``suggested_names``.
    """
    stale = registry.stale_scopes(actor)
    old = _old_wards(registry, set(stale["ward_code"]))
    suggested = suggested_wards(registry, old)
    names = registry.ward_names()
    stale["ward_name"] = [str(old[c][0]) if c in old else "" for c in stale["ward_code"]]
    stale["suggested"] = [suggested.get(code, []) for code in stale["ward_code"]]
    stale["suggested_names"] = [[names[c] for c in codes] for codes in stale["suggested"]]
    return stale


def suggested_wards(registry: Registry, old: dict[str, tuple]) -> dict[str, list[str]]:
    """For each old ward (code → (name, boundary in EPSG:4326)), the codes of the current wards
    covering at least :data:`OVERLAP_SHARE` of its area, largest share first."""
    current = registry.ward_frame()
    if not old or current.empty:
        return {code: [] for code in old}
    metric = working_crs_of_bounds(tuple(current.total_bounds))
    polygons = to_working(current, metric).geometry.to_numpy()
    codes = current["ward_code"].to_numpy()
    boundaries = to_working(
        gpd.GeoDataFrame(
            {"ward_code": list(old)},
            geometry=[boundary for _, boundary in old.values()],
            crs="EPSG:4326",
        ),
        metric,
    )
    suggested = {}
    for code, boundary in zip(boundaries["ward_code"], boundaries.geometry, strict=True):
        shares = shapely.area(shapely.intersection(boundary, polygons)) / max(boundary.area, 1e-9)
        order = [i for i in shares.argsort()[::-1] if shares[i] >= OVERLAP_SHARE]
        suggested[code] = [str(codes[i]) for i in order]
    return suggested


def _old_wards(registry: Registry, codes: set[str]) -> dict[str, tuple]:
    """Each code's (name, boundary) in the newest non-current set that has it."""
    sets = registry.boundary_sets()
    found: dict[str, tuple] = {}
    for name in sets.loc[~sets["current"].astype(bool)].sort_values("loaded_at")["name"][::-1]:
        frame = registry.ward_frame(name)
        for code, ward_name, boundary in zip(
            frame["ward_code"], frame["ward_name"], frame.geometry, strict=True
        ):
            if code in codes and code not in found:
                found[code] = (ward_name, boundary)
    return found
