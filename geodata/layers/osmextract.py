"""OpenStreetMap extracts (``.osm.pbf``, ``.osm``): the area's layers, read with pyosmium.

:func:`read_extract` reads an extract such as Geofabrik's or one cut with ``osmium extract``
and gives, in EPSG:4326 (degrees: this is an edge), the features the layer loaders of
:mod:`geodata.layers` then check and project like a file's (:class:`~geodata.io.files.NamedFrame`):

roads
    Ways tagged ``highway`` with a value of :data:`ROAD_CLASSES`, not tagged ``area=yes`` (a
    square's outline is no road): ``road_name``, ``road_class`` (the ``highway`` value);
    LineStrings.
buildings
    Closed ways and multipolygon relations tagged ``building`` (not ``no``), assembled into
    polygons by libosmium: ``building``, ``height``, ``building:levels`` (the tags as given,
    which the buildings loader reads); MultiPolygons.
wards
    ``boundary=administrative`` relations (or closed ways) at the chosen ``admin_level``,
    assembled into polygons: ``ward_code``, ``ward_name``, ``admin_level``; MultiPolygons.
cameras
    Nodes tagged ``man_made=surveillance`` or ``surveillance:type``: ``osm_id``
    (``"node/123"``) and ``tags`` (every tag); Points.

Names are ``name``, else ``name:vi``. A ward's code is its ``ref``, else its first ``ref:*``
tag (by key), else its OSM id (``osm:relation/123``). Which admin level holds the wards is a
choice (:data:`WARD_ADMIN_LEVEL`, 8 by default): Vietnam's wards and communes (phường, xã)
have been mapped at level 8 under the districts (6) and provinces (4), but the 2025 reform
abolished the districts and merged the wards, so newer data may tag the new wards at another
level. What the reader leaves out (paths and other ``highway`` kinds that are no roads,
boundaries libosmium could not close, typically cut at the extract's edge) is counted in the
load report, never dropped silently.

The surveillance nodes keep their tags: :mod:`geodata.registry.osm` decides which are cameras
and how their tags become camera fields (:meth:`OsmExtract.camera_document`).

This module reads files into layers and knows nothing of the registry.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import osmium
import pandas as pd
import shapely

from geodata.errors import UnreadableFile
from geodata.io.files import source_name
from geodata.layers.columns import add_note, listed
from geodata.layers.loadreport import LoadReport

log = logging.getLogger(__name__)

EXTRACT_LAYERS = ("roads", "buildings", "wards", "cameras")
"""The layers an extract gives, in the order they are read and reported."""

EXTRACT_SUFFIXES = (".osm.pbf", ".pbf", ".osm", ".osm.bz2", ".osm.gz")
"""File names pyosmium reads as OpenStreetMap data (PBF, or XML, perhaps compressed)."""

ROAD_CLASSES = (
    "motorway",
    "trunk",
    "primary",
    "secondary",
    "tertiary",
    "unclassified",
    "residential",
    "motorway_link",
    "trunk_link",
    "primary_link",
    "secondary_link",
    "tertiary_link",
    "living_street",
    "service",
    "pedestrian",
    "track",
    "busway",
    "road",
)
"""``highway`` values read as roads: streets a camera watches, alleys (hẻm, mostly ``service``
or ``residential``) and walking streets (``pedestrian``) included. Every other value is left
out and counted: ways only for people on foot, bicycles or horses (``footway``, ``path``,
``steps``, ``cycleway``, ``bridleway``, ``corridor``, ``elevator``), roads not built
(``construction``, ``proposed``, ``abandoned``, ``disused``, ``razed``), and ways that are no
road (``platform``, ``bus_stop``, ``rest_area``, ``services``, ``raceway``, ``escape``…)."""

KEY_ROUTE_CLASSES = ("trunk", "primary", "secondary")
"""The road classes whose names are suggested as key routes (:func:`suggested_key_routes`)."""

WARD_ADMIN_LEVEL = 8
"""The ``admin_level`` of wards and communes read by default (see the module docstring)."""

_KEYS = {
    "roads": ("highway",),
    "buildings": ("building",),
    "wards": ("boundary",),
    "cameras": ("man_made", "surveillance:type"),
}
"""The tag keys of each layer's features: everything else is skipped as it is read."""

_AREA_LAYERS = ("buildings", "wards")


@dataclass(frozen=True)
class OsmExtract:
    """The layers read from one extract, in EPSG:4326 (degrees), each perhaps empty.

    Attributes
    ----------
    file : str
        The extract's file name, as messages name it.
    roads : geopandas.GeoDataFrame
        ``road_name`` (``""`` when unnamed), ``road_class`` (the ``highway`` value); LineString.
    buildings : geopandas.GeoDataFrame
        ``building``, ``height`` and ``building:levels`` (tags as given, None when missing);
        MultiPolygon footprints.
    wards : geopandas.GeoDataFrame
        ``ward_code``, ``ward_name``, ``admin_level``; MultiPolygon.
    cameras : geopandas.GeoDataFrame
        ``osm_id`` (``"node/123"``) and ``tags`` (dict of every tag); Point.
    report : LoadReport
        What was left out and why.
    admin_levels : dict of str to int
        How many named ``boundary=administrative`` areas each ``admin_level`` holds (all of
        them, so a message can say where the wards are when the chosen level has none).
    """

    file: str
    roads: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame
    wards: gpd.GeoDataFrame
    cameras: gpd.GeoDataFrame
    report: LoadReport = field(default_factory=LoadReport)
    admin_levels: dict[str, int] = field(default_factory=dict)

    def layer(self, name: str) -> gpd.GeoDataFrame:
        """The layer ``name`` (one of :data:`EXTRACT_LAYERS`)."""
        return getattr(self, name)

    def within(self, area: gpd.GeoDataFrame) -> OsmExtract:
        """The roads, buildings and cameras within ``area`` (the wards stay as they are).

        Roads are cut at the edge of the union of ``area``'s polygons, and only their lines
        are kept (a road touching the edge at one point is left out). A building is kept when
        its centroid lies in the union, a camera when its point does (on the edge counts as
        in).

        Parameters
        ----------
        area : geopandas.GeoDataFrame
            Polygons in any CRS (the registry's wards); compared in EPSG:4326.
        """
        union = shapely.union_all(area.to_crs("EPSG:4326").geometry.to_numpy())
        shapely.prepare(union)
        roads = self.roads
        if len(roads):
            cut = shapely.intersection(roads.geometry.to_numpy(), union)
            parts, index = shapely.get_parts(cut, return_index=True)
            lines = shapely.get_type_id(parts) == shapely.GeometryType.LINESTRING
            roads = gpd.GeoDataFrame(
                roads.drop(columns="geometry").iloc[index[lines]].reset_index(drop=True),
                geometry=gpd.GeoSeries(parts[lines], crs=roads.crs),
            )
        buildings = self.buildings
        if len(buildings):
            centroids = shapely.centroid(buildings.geometry.to_numpy())
            buildings = buildings[shapely.intersects(union, centroids)].reset_index(drop=True)
        cameras = self.cameras
        if len(cameras):
            cameras = cameras[shapely.intersects(union, cameras.geometry.to_numpy())]
            cameras = cameras.reset_index(drop=True)
        return replace(self, roads=roads, buildings=buildings, cameras=cameras)

    def camera_document(self) -> dict:
        """The surveillance nodes as an Overpass API JSON document (``elements`` of nodes with
        ``id``, ``lat``, ``lon`` in degrees and ``tags``), as
        :func:`geodata.registry.osm.read_osm_cameras` reads it."""
        elements = [
            {
                "type": "node",
                "id": int(osm_id.split("/")[1]),
                "lat": point.y,
                "lon": point.x,
                "tags": dict(tags),
            }
            for osm_id, tags, point in zip(
                self.cameras["osm_id"], self.cameras["tags"], self.cameras.geometry, strict=True
            )
        ]
        return {"elements": elements}


def read_extract(
    path,
    *,
    layers: tuple[str, ...] = EXTRACT_LAYERS,
    admin_level: int = WARD_ADMIN_LEVEL,
    report: LoadReport | None = None,
) -> OsmExtract:
    """The roads, buildings, wards and surveillance cameras of an OpenStreetMap extract.

    Parameters
    ----------
    path : str or pathlib.Path
        An extract (one of :data:`EXTRACT_SUFFIXES`), read with pyosmium in two passes when
        buildings or wards are asked for (libosmium assembles their polygons from the
        member ways of multipolygon and boundary relations).
    layers : tuple of str, keyword-only
        The layers to read (of :data:`EXTRACT_LAYERS`); the others are given empty.
    admin_level : int, keyword-only
        The ``admin_level`` of the boundaries read as wards (see the module docstring).
    report : LoadReport, optional
        Receives what was left out, and why.

    Returns
    -------
    OsmExtract
        Every layer in EPSG:4326 (lon, lat degrees), the columns of :class:`OsmExtract`.

    Raises
    ------
    UnreadableFile
        The file is missing, its name is not an extract's, or it is not OpenStreetMap data
        (broken, cut short, another format); the message names the file.
    """
    report = LoadReport() if report is None else report
    path = Path(path)
    file = source_name(path)
    if not any(file.lower().endswith(suffix) for suffix in EXTRACT_SUFFIXES):
        raise UnreadableFile("error.osm_extract.suffix", file=file, suffixes=EXTRACT_SUFFIXES)
    if not path.is_file():
        raise UnreadableFile("error.file.missing", file=file, path=str(path))
    reader = _Reader(layers, level=str(admin_level))
    keys = [key for name in layers for key in _KEYS[name]]
    processor = osmium.FileProcessor(path).with_locations()  # ways get their nodes' places
    processor = processor.with_filter(osmium.filter.KeyFilter(*keys))
    if any(name in _AREA_LAYERS for name in layers):
        area_keys = [key for name in _AREA_LAYERS if name in layers for key in _KEYS[name]]
        processor = processor.with_areas(osmium.filter.KeyFilter(*area_keys))
    try:
        for entity in processor:
            reader.take(entity)
    except RuntimeError as error:  # pyosmium's I/O and parse errors (osmium::io_error…)
        log.info("%s: not an OpenStreetMap extract: %s", file, error)
        raise UnreadableFile("error.osm_extract.unreadable", file=file) from None
    reader.note(report, file=file)
    log.info("read %s from %s", reader.counts(), file)
    return OsmExtract(
        file=file,
        roads=reader.frame("roads"),
        buildings=reader.frame("buildings"),
        wards=reader.frame("wards"),
        cameras=reader.frame("cameras"),
        report=report,
        admin_levels=dict(sorted(reader.admin_levels.items())),
    )


def suggested_key_routes(roads: gpd.GeoDataFrame) -> list[str]:
    """The names of the roads of :data:`KEY_ROUTE_CLASSES`, most important first.

    Ordered by class (trunk, primary, secondary; a name on roads of several classes counts
    in its highest), then by length (longest first), then by name.

    Parameters
    ----------
    roads : geopandas.GeoDataFrame
        Roads with ``road_name`` and ``road_class``, in a projected CRS in metres (the roads
        loader's output); without ``road_class`` nothing is suggested.

    >>> import shapely
    >>> roads = gpd.GeoDataFrame(
    ...     {"road_name": ["B", "A", "C", ""], "road_class": ["primary", "trunk", "residential",
    ...      "trunk"]},
    ...     geometry=[shapely.LineString([(0, 0), (10, 0)])] * 4, crs="EPSG:32648")
    >>> suggested_key_routes(roads)
    ['A', 'B']
    """
    if "road_class" not in roads.columns:
        return []
    rank = roads["road_class"].map({name: i for i, name in enumerate(KEY_ROUTE_CLASSES)})
    chosen = pd.DataFrame(
        {"name": roads["road_name"], "rank": rank, "length_m": roads.geometry.length}
    )[rank.notna() & (roads["road_name"] != "")]
    ranked = chosen.groupby("name").agg(rank=("rank", "min"), length_m=("length_m", "sum"))
    ranked = ranked.reset_index().sort_values(
        ["rank", "length_m", "name"], ascending=[True, False, True]
    )
    return ranked["name"].tolist()


def _name(tags: dict) -> str:
    """``name``, else ``name:vi``, else ``""``."""
    return (tags.get("name") or tags.get("name:vi") or "").strip()


def _ward_code(tags: dict, osm_id: str) -> str:
    """``ref``, else the first ``ref:*`` tag by key, else ``osm:<osm_id>``."""
    if tags.get("ref", "").strip():
        return tags["ref"].strip()
    refs = sorted(key for key in tags if key.startswith("ref:") and tags[key].strip())
    return tags[refs[0]].strip() if refs else f"osm:{osm_id}"


class _Reader:
    """What one pass over an extract collects: rows and WKB shapes per layer, and skips."""

    def __init__(self, layers: tuple[str, ...], *, level: str):
        self.layers = set(layers)
        self.level = level
        self.rows: dict[str, list[dict]] = {name: [] for name in EXTRACT_LAYERS}
        self.shapes: dict[str, list[str]] = {name: [] for name in EXTRACT_LAYERS}
        self.not_roads: Counter[str] = Counter()
        self.shapeless: list[str] = []
        self.boundaries: set[str] = set()  # relations at the level, whether assembled or not
        self.assembled: set[str] = set()
        self.unnamed: list[str] = []
        self.admin_levels: Counter[str] = Counter()
        self.factory = osmium.geom.WKBFactory()

    def take(self, entity) -> None:
        """Collect ``entity`` (a node, way, relation or area) if a layer wants it."""
        kind = entity.type_str()
        tags = dict(entity.tags)
        if kind == "n" and "cameras" in self.layers:
            if tags.get("man_made") == "surveillance" or "surveillance:type" in tags:
                osm_id = f"node/{entity.id}"
                self._add("cameras", {"osm_id": osm_id, "tags": tags}, entity, osm_id=osm_id)
        elif kind == "w" and "roads" in self.layers and "highway" in tags:
            self._road(entity, tags)
        elif kind == "r" and "wards" in self.layers and self._is_ward(tags):
            self.boundaries.add(f"relation/{entity.id}")
        elif kind == "a":
            self._area(entity, tags)

    def _road(self, way, tags: dict) -> None:
        road_class = tags["highway"]
        if road_class not in ROAD_CLASSES or tags.get("area") == "yes":
            self.not_roads[road_class + (" area=yes" if tags.get("area") == "yes" else "")] += 1
            return
        row = {"road_name": _name(tags), "road_class": road_class}
        self._add("roads", row, way, osm_id=f"way/{way.id}")

    def _is_ward(self, tags: dict) -> bool:
        return tags.get("boundary") == "administrative" and tags.get("admin_level") == self.level

    def _area(self, area, tags: dict) -> None:
        osm_id = f"{'way' if area.from_way() else 'relation'}/{area.orig_id()}"
        building = tags.get("building")
        if "buildings" in self.layers and building and building != "no":
            row = {key: tags.get(key) for key in ("building", "height", "building:levels")}
            self._add("buildings", row, area, osm_id=osm_id)
        if tags.get("boundary") == "administrative" and _name(tags):
            self.admin_levels[tags.get("admin_level", "")] += 1
        if "wards" in self.layers and self._is_ward(tags):
            if not _name(tags):
                self.assembled.add(osm_id)
                self.unnamed.append(osm_id)
                return
            row = {
                "ward_code": _ward_code(tags, osm_id),
                "ward_name": _name(tags),
                "admin_level": self.level,
            }
            if self._add("wards", row, area, osm_id=osm_id):
                self.assembled.add(osm_id)

    def _add(self, layer: str, row: dict, entity, *, osm_id: str) -> bool:
        """Keep one feature of ``layer`` with its shape made by libosmium; whether it has one
        (a way whose nodes are not all in the extract has none: it is counted instead)."""
        try:
            if layer == "cameras":
                shape = self.factory.create_point(entity)
            elif layer == "roads":
                shape = self.factory.create_linestring(entity)
            else:
                shape = self.factory.create_multipolygon(entity)
        except (osmium.InvalidLocationError, RuntimeError):
            if layer != "wards":  # an open boundary is noted as such
                self.shapeless.append(osm_id)
            return False
        self.rows[layer].append(row)
        self.shapes[layer].append(shape)
        return True

    def frame(self, layer: str) -> gpd.GeoDataFrame:
        """The features of ``layer`` in EPSG:4326, in the order read."""
        columns = {
            "roads": ["road_name", "road_class"],
            "buildings": ["building", "height", "building:levels"],
            "wards": ["ward_code", "ward_name", "admin_level"],
            "cameras": ["osm_id", "tags"],
        }[layer]
        shapes = shapely.from_wkb(self.shapes[layer]) if self.shapes[layer] else np.array([])
        return gpd.GeoDataFrame(
            pd.DataFrame(self.rows[layer], columns=columns, dtype=object),
            geometry=gpd.GeoSeries(shapes, crs="EPSG:4326"),
        )

    def counts(self) -> dict[str, int]:
        return {name: len(self.rows[name]) for name in sorted(self.layers)}

    def note(self, report: LoadReport, *, file: str) -> None:
        """Add what was left out to ``report``."""
        if self.not_roads:
            kinds = [f"{kind} ({count})" for kind, count in self.not_roads.most_common()]
            add_note(
                report,
                file,
                "load.note.osm_not_roads",
                count=sum(self.not_roads.values()),
                kinds=kinds,
            )
        if self.shapeless:
            add_note(
                report,
                file,
                "load.note.osm_missing_nodes",
                count=len(self.shapeless),
                features=listed(pd.Series(self.shapeless)),
            )
        open_boundaries = sorted(self.boundaries - self.assembled)
        if open_boundaries:
            add_note(
                report,
                file,
                "load.note.osm_open_boundaries",
                count=len(open_boundaries),
                level=self.level,
                relations=listed(pd.Series(open_boundaries)),
            )
        if self.unnamed:
            add_note(
                report,
                file,
                "load.note.osm_unnamed_wards",
                count=len(self.unnamed),
                level=self.level,
                boundaries=listed(pd.Series(self.unnamed)),
            )
