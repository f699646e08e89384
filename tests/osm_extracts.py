"""Small OpenStreetMap extracts written in code with pyosmium, as ``.osm.pbf`` or ``.osm`` XML.

:func:`district_extract` is a made-up corner of Thủ Đức (lon 106.74–106.79, lat 10.77–10.81):

* two wards at ``admin_level=8``: An Phú (lon 106.74–106.76, ``ref=27091``, named ``name``)
  and Thảo Điền (lon 106.76–106.78, ``ref:gso=27088``, named only ``name:vi``), both
  lat 10.78–10.80, sharing the way along lon 106.76; a city at level 6 round both (ignored at
  level 8); a level-8 relation whose way is not in the extract (cannot be closed);
* named roads of several classes (each an east–west line, its length in :data:`ROAD_DEGREES`),
  paths that are no roads, a pedestrian square (``area=yes``);
* a house (closed way, 3 storeys), an apartment block (multipolygon relation with a courtyard,
  ``height=24 m``), a ``building=no`` and a house outside both wards;
* surveillance cameras (directions ``NE``, ``45``, ``90-180``, ``W``), one outside the wards, and
  a guard (``surveillance:type=guard``).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import osmium
from osmium.osm.mutable import Node, Relation, Way

LAT_AN_PHU = (10.78, 10.80)

ROADS = {
    # way id: (tags, (lon from, lon to), lat)
    600: ({"highway": "trunk", "name": "Mai Chí Thọ"}, (106.745, 106.755), 10.79),
    601: ({"highway": "primary", "name:vi": "Trần Não"}, (106.75, 106.77), 10.785),
    602: ({"highway": "residential", "name": "Đường số 1"}, (106.742, 106.744), 10.795),
    603: ({"highway": "trunk", "name": "Xa lộ Hà Nội"}, (106.77, 106.79), 10.795),
    604: ({"highway": "footway", "name": "Lối đi bộ"}, (106.742, 106.744), 10.783),
    605: ({"highway": "steps"}, (106.742, 106.743), 10.784),
    606: ({"highway": "cycleway"}, (106.742, 106.744), 10.786),
    608: ({"highway": "service"}, (106.752, 106.753), 10.798),
    609: ({"highway": "secondary", "name": "Lương Định Của"}, (106.741, 106.744), 10.781),
    611: ({"highway": "primary_link", "name": "Nhánh Trần Não"}, (106.761, 106.762), 10.781),
}
"""The roads of :func:`district_extract` (the pedestrian square is added on its own)."""

ROAD_DEGREES = {way: to - start for way, (_tags, (start, to), _lat) in ROADS.items()}

CAMERAS = {
    800: (
        (106.745, 10.789),
        {
            "man_made": "surveillance",
            "surveillance:type": "camera",
            "camera:direction": "NE",
            "camera:type": "fixed",
            "height": "4",
            "surveillance:zone": "traffic",
        },
    ),
    801: (
        (106.751, 10.791),
        {"man_made": "surveillance", "camera:direction": "45", "camera:type": "dome"},
    ),
    802: ((106.765, 10.786), {"man_made": "surveillance", "camera:direction": "90-180"}),
    803: ((106.746, 10.788), {"man_made": "surveillance", "surveillance:type": "guard"}),
    804: ((106.785, 10.79), {"man_made": "surveillance", "camera:direction": "W"}),
}
"""Surveillance nodes: id → ((lon, lat), tags). 804 lies outside both wards; 803 is a guard."""


class _Extract:
    """Nodes, ways and relations in the order a writer wants them (nodes, ways, relations)."""

    def __init__(self):
        self.nodes: list[Node] = []
        self.ways: list[Way] = []
        self.relations: list[Relation] = []
        self.ids = itertools.count(10_000)

    def node(self, lon: float, lat: float, tags=None) -> int:
        node_id = next(self.ids)
        self.nodes.append(Node(id=node_id, location=(lon, lat), tags=tags or {}))
        return node_id

    def way(self, way_id: int, points, tags=None, *, closed: bool = False) -> int:
        refs = [self.node(lon, lat) for lon, lat in points]
        if closed:
            refs.append(refs[0])
        self.ways.append(Way(id=way_id, nodes=refs, tags=tags or {}))
        return way_id

    def way_of(self, way_id: int, refs: list[int], tags=None) -> int:
        self.ways.append(Way(id=way_id, nodes=refs, tags=tags or {}))
        return way_id

    def relation(self, relation_id: int, members, tags) -> None:
        self.relations.append(Relation(id=relation_id, members=members, tags=tags))

    def write(self, path: Path) -> Path:
        path.unlink(missing_ok=True)
        writer = osmium.SimpleWriter(str(path))
        try:
            for node in sorted(self.nodes, key=lambda n: n.id):
                writer.add_node(node)
            for way in sorted(self.ways, key=lambda w: w.id):
                writer.add_way(way)
            for relation in sorted(self.relations, key=lambda r: r.id):
                writer.add_relation(relation)
        finally:
            writer.close()
        return path


def box(west: float, south: float, east: float, north: float) -> list[tuple[float, float]]:
    """The corners of a box, anticlockwise from the south-west, not closed."""
    return [(west, south), (east, south), (east, north), (west, north)]


def district_extract(path: Path) -> Path:
    """Write the extract of the module docstring to ``path`` (``.osm.pbf`` or ``.osm``)."""
    extract = _Extract()
    south, north = LAT_AN_PHU
    sw, nw = extract.node(106.74, south), extract.node(106.74, north)
    s_mid, n_mid = extract.node(106.76, south), extract.node(106.76, north)
    se, ne = extract.node(106.78, south), extract.node(106.78, north)
    extract.way_of(500, [nw, sw, s_mid])  # An Phú: west and south sides
    extract.way_of(510, [s_mid, n_mid])  # shared by both wards
    extract.way_of(501, [n_mid, nw])  # An Phú: north side
    extract.way_of(502, [s_mid, se, ne, n_mid])  # Thảo Điền: south, east and north sides
    ward = {"type": "boundary", "boundary": "administrative", "admin_level": "8"}
    extract.relation(
        1000,
        [("w", 500, "outer"), ("w", 510, "outer"), ("w", 501, "outer")],
        {**ward, "name": "Phường An Phú", "ref": "27091"},
    )
    extract.relation(
        1001,
        [("w", 502, "outer"), ("w", 510, "outer")],
        {**ward, "name:vi": "Phường Thảo Điền", "ref:gso": "27088"},
    )
    extract.relation(1003, [("w", 999, "outer")], {**ward, "name": "Phường Ngoài Tệp"})
    extract.way(520, box(106.73, 10.77, 106.79, 10.81), closed=True)
    extract.relation(
        1002,
        [("w", 520, "outer")],
        {**ward, "admin_level": "6", "name": "Thành phố Thủ Đức"},
    )
    for way_id, (tags, (start, end), lat) in ROADS.items():
        extract.way(way_id, [(start, lat), (end, lat)], tags)
    extract.way(
        607,
        box(106.748, 10.781, 106.749, 10.782),
        {"highway": "pedestrian", "area": "yes", "name": "Quảng trường"},
        closed=True,
    )
    extract.way(
        700,
        box(106.7500, 10.7950, 106.7501, 10.7951),
        {"building": "house", "building:levels": "3"},
        closed=True,
    )
    extract.way(710, box(106.7520, 10.7920, 106.7524, 10.7924), closed=True)
    extract.way(711, box(106.7521, 10.7921, 106.7523, 10.7923), closed=True)
    extract.relation(
        701,
        [("w", 710, "outer"), ("w", 711, "inner")],
        {"type": "multipolygon", "building": "apartments", "height": "24 m"},
    )
    extract.way(702, box(106.7530, 10.7930, 106.7531, 10.7931), {"building": "no"}, closed=True)
    extract.way(703, box(106.7850, 10.7950, 106.7851, 10.7951), {"building": "yes"}, closed=True)
    for node_id, ((lon, lat), tags) in CAMERAS.items():
        extract.nodes.append(Node(id=node_id, location=(lon, lat), tags=tags))
    return extract.write(path)


def roads_only_extract(path: Path, roads: dict | None = None, *, cut_ways=None) -> Path:
    """An extract of roads alone (default: a footway only, which is no road); ``cut_ways``
    (way id → tags) are ways whose nodes are not in the extract, as at a cut extract's edge."""
    extract = _Extract()
    roads = roads or {1: ({"highway": "footway"}, (106.75, 106.751), 10.79)}
    for way_id, (tags, (start, end), lat) in roads.items():
        extract.way(way_id, [(start, lat), (end, lat)], tags)
    for way_id, tags in (cut_ways or {}).items():
        extract.way_of(way_id, [1, 2], tags)
    return extract.write(path)


def buildings_only_extract(path: Path, tags: list[dict]) -> Path:
    """An extract of small buildings alone, one per entry of ``tags``, side by side."""
    extract = _Extract()
    for number, building in enumerate(tags):
        west = 106.750 + 0.001 * number
        extract.way(800 + number, box(west, 10.79, west + 0.0002, 10.7902), building, closed=True)
    return extract.write(path)
