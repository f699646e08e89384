"""The demo's ward boundary sets: its 11 wards as they stood from 1997, and an illustrative
merger of them into three, to show how the tool keeps boundaries that change (as Ho Chi Minh
City's wards did on 1 July 2025). The merger is no official boundary, and says so in its name,
its codes and its flag.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import shapely

DEMO_WARDS_SINCE = dt.date(1997, 4, 1)
"""The 11 wards of District 2 stood from its founding (1 April 1997) until 30 June 2025."""
MERGED_SET = "Minh hoạ 2025 — 3 phường (demo)"
"""The demo's second boundary set: an illustration of a merger, not the official 2025 wards."""
MERGED_SINCE = dt.date(2025, 7, 1)
MERGED_WARDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # (illustrative code, name, the demo wards it merges)
    ("MH01", "An Khánh (minh hoạ)", ("27088", "27094", "27103", "27106", "27115", "27118")),
    ("MH02", "Bình Trưng (minh hoạ)", ("27091", "27097", "27100")),
    ("MH03", "Cát Lái (minh hoạ)", ("27109", "27112")),
)
"""The illustrative merger of the demo's 11 wards into three. Its codes (``MH…``, minh hoạ) are
no official codes, and its names say "minh hoạ", so that it is never taken for real wards."""


def merged_demo_wards(wards: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The demo's illustrative merged wards (:data:`MERGED_WARDS`): each the union of the demo
    wards it merges, in the CRS of ``wards`` (the demo's 11 wards)."""
    merged = [
        shapely.union_all(wards.geometry[wards["ward_code"].isin(parts)].to_numpy())
        for _, _, parts in MERGED_WARDS
    ]
    return gpd.GeoDataFrame(
        {
            "ward_code": [code for code, _, _ in MERGED_WARDS],
            "ward_name": [name for _, name, _ in MERGED_WARDS],
        },
        geometry=merged,
        crs=wards.crs,
    )
