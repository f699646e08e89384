"""The dataset every page and command works on: wards, roads, hotspots, buildings and cameras.

All five frames are in the same projected working CRS in metres (EPSG:32648 for Ho Chi Minh
City), with the columns of :mod:`geodata.layers.contract`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import geopandas as gpd
import pyproj

from coverage.occlusion import cameras_inside
from geodata.i18n import Message
from geodata.layers.buildings import load_buildings
from geodata.layers.cameras import load_cameras
from geodata.layers.columns import listed
from geodata.layers.contract import CAMERA_COLUMNS, CAMERA_SPEC_COLUMNS
from geodata.layers.hotspots import load_hotspots
from geodata.layers.loadreport import LoadReport
from geodata.layers.roads import load_roads
from geodata.layers.wards import load_wards, ward_codes_at


@dataclass(frozen=True)
class Dataset:
    """Wards, roads, hotspots and cameras of one area, in one metric working CRS.

    Parameters
    ----------
    name : str
        The area's name as shown to people (``"Quận 2 (demo)"``).
    wards, roads, hotspots, cameras : geopandas.GeoDataFrame
        The layers, columns as in this module's docstring, all in ``crs``.
    key_routes : tuple of str
        Names of the roads that are key routes; empty means every road is one.
    is_demo : bool
        True for the built-in demo, whose geometry is approximate (every output says so).
    report : LoadReport
        Quirks found while loading.
    buildings : geopandas.GeoDataFrame, optional
        Building footprints that block views (``height_m``), in ``crs``; None when the area has
        no buildings layer (views are then unobstructed).
    boundary_set : str, optional
        The name of the ward boundary set the wards are (empty for wards from a file).
    illustrative_wards : bool, optional
        Whether those wards are an illustration, no official boundaries (every output says so).
    """

    name: str
    wards: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    hotspots: gpd.GeoDataFrame
    cameras: gpd.GeoDataFrame
    key_routes: tuple[str, ...] = ()
    is_demo: bool = False
    report: LoadReport = field(default_factory=LoadReport)
    buildings: gpd.GeoDataFrame | None = None
    boundary_set: str = ""
    illustrative_wards: bool = False

    @property
    def crs(self) -> pyproj.CRS:
        """The working CRS shared by every layer."""
        return pyproj.CRS(self.wards.crs)

    def with_buildings_checked(self) -> Dataset:
        """This dataset, with a report that notes the cameras standing inside a building
        footprint (:func:`coverage.occlusion.cameras_inside`: they see nothing outside it).

        The report is a new one when a note is added, so a shared dataset's stays as it was.
        """
        if self.buildings is None or len(self.buildings) == 0 or len(self.cameras) == 0:
            return self
        inside = cameras_inside(self.cameras, self.buildings)
        if not inside.any():
            return self
        report = LoadReport()
        report.extend(self.report)
        report.add(
            "cameras",
            Message(
                "load.note.cameras_in_buildings",
                count=int(inside.sum()),
                cameras=listed(self.cameras["camera_id"].astype(str)[inside]),
            ),
        )
        return replace(self, report=report)

    def key_roads(self) -> gpd.GeoDataFrame:
        """The roads that are key routes (all roads when ``key_routes`` is empty)."""
        if not self.key_routes:
            return self.roads
        return self.roads[self.roads["road_name"].isin(self.key_routes)]


def load_dataset(
    *,
    wards,
    roads,
    cameras,
    hotspots=None,
    buildings=None,
    key_routes: tuple[str, ...] = (),
    ward_name_field: str | None = None,
    route_name_field: str | None = None,
    crs=None,
    name: str | None = None,
) -> Dataset:
    """Load the four layers from files into one working CRS (estimated from the wards).

    Parameters
    ----------
    wards, roads : path or uploaded file
        Ward polygons and road lines (see :mod:`geodata.layers`).
    cameras : path, uploaded file or GeoDataFrame
        Camera points or table (see :mod:`geodata.layers`), or cameras already loaded (e.g.
        from the registry) with the camera columns, in any CRS.
    hotspots : path or uploaded file, optional
        Hotspot polygons, or points with ``radius_m``.
    buildings : path or uploaded file, optional
        Building footprints (:func:`~geodata.layers.buildings.load_buildings`); cameras that
        stand inside one are noted in the report.
    key_routes : tuple of str
        Road names that are key routes; empty means every road is one. Each must name a road.
    ward_name_field, route_name_field : str, optional
        The name columns, when they are not found on their own.
    crs : str or pyproj.CRS, optional
        The CRS of files that declare none.
    name : str, optional
        The dataset's name (default: the wards file's name).

    Raises
    ------
    InputError, SchemaError, FileCRSError
        With the file, the feature and the fix.
    """
    from geodata.io.crs import to_working, working_crs

    report = LoadReport()
    ward_frame = load_wards(wards, name_field=ward_name_field, crs=crs, report=report)
    working = working_crs(ward_frame)
    road_frame = load_roads(
        roads, name_field=route_name_field, crs=crs, working=working, report=report
    )
    if isinstance(cameras, gpd.GeoDataFrame):
        specs = [column for column in CAMERA_SPEC_COLUMNS if column in cameras.columns]
        camera_frame = to_working(cameras, working)[[*CAMERA_COLUMNS, *specs, "geometry"]]
        camera_frame = camera_frame.reset_index(drop=True)
    else:
        camera_frame = load_cameras(cameras, crs=crs, working=working, report=report)
        camera_frame["ward_name"] = _ward_names(ward_frame, camera_frame)
    hotspot_frame = (
        load_hotspots(hotspots, crs=crs, working=working, report=report)
        if hotspots is not None
        else empty_hotspots(working)
    )
    building_frame = (
        load_buildings(buildings, crs=crs, working=working, report=report)
        if buildings is not None
        else None
    )
    refuse_unknown_key_routes(road_frame, key_routes, file=_source_name(roads))
    return Dataset(
        name=name or _source_name(wards),
        wards=ward_frame,
        roads=road_frame,
        hotspots=hotspot_frame,
        cameras=camera_frame,
        key_routes=tuple(key_routes),
        report=report,
        buildings=building_frame,
    ).with_buildings_checked()


def with_buildings_file(dataset: Dataset, source) -> Dataset:
    """``dataset`` with the buildings of ``source`` (a file or upload) in place of its own."""
    buildings = load_buildings(source, working=dataset.crs, report=dataset.report)
    return replace(dataset, buildings=buildings).with_buildings_checked()


LAYER_LOADERS = {
    "wards": load_wards,
    "roads": load_roads,
    "hotspots": load_hotspots,
    "buildings": load_buildings,
}
"""The loader of each layer a district replaces (the Data page and ``cli.py layers load``)."""


def refuse_unknown_key_routes(roads: gpd.GeoDataFrame, key_routes, *, file: str) -> None:
    """Refuse key routes that name no road of ``roads``, listing names that are there."""
    from geodata.errors import InputError

    unknown = missing_key_routes(roads, key_routes)
    if unknown:
        names = sorted(n for n in set(roads["road_name"]) if n)[:15]
        raise InputError(
            "error.dataset.unknown_key_routes" if names else "error.dataset.unnamed_roads",
            file=file,
            routes=[Message("quoted", text=route) for route in unknown],
            names=names,
        )


def missing_key_routes(roads: gpd.GeoDataFrame, key_routes) -> list[str]:
    """The key routes (names) that no road of ``roads`` carries, in their given order."""
    known = set(roads["road_name"])
    return [route for route in key_routes if route not in known]


def refuse_losing_key_routes(roads: gpd.GeoDataFrame, key_routes, *, file: str) -> None:
    """Refuse new ``roads`` that lack some of the saved ``key_routes`` (their figures would
    change or vanish); the message names them and says how to save anyway."""
    from geodata.errors import InputError

    lost = missing_key_routes(roads, key_routes)
    if lost:
        raise InputError("data.key_routes_missing", file=file, count=len(lost), routes=lost)


def empty_hotspots(crs) -> gpd.GeoDataFrame:
    """A hotspot frame with no rows, in ``crs``."""
    return gpd.GeoDataFrame(
        {"hotspot_name": [], "hotspot_kind": [], "weight": []},
        geometry=gpd.GeoSeries([], crs=crs),
    )


def _ward_names(wards: gpd.GeoDataFrame, cameras: gpd.GeoDataFrame) -> list[str]:
    """The name of the ward each camera lies in (``""`` outside every ward), by the registry's
    rule (:func:`~geodata.layers.wards.ward_codes_at`)."""
    names = dict(zip(wards["ward_code"], wards["ward_name"], strict=True))
    codes = ward_codes_at(wards, cameras.geometry.to_numpy())
    return [names.get(code, "") for code in codes]


def _source_name(source) -> str:
    return str(getattr(source, "name", source))
