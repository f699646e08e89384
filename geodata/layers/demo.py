"""The built-in demo dataset "Quận 2 (demo)": the former District 2 of Ho Chi Minh City.

The demo is authored by hand, not surveyed. A few facts read off a map are written below as small
tables: the district outline, the ward centres, the key routes through well-known junctions, a few
other named streets, and the large hotspots. Everything else is built from them in metres, in the
working CRS: wards are Voronoi cells of their centres clipped to the outline, local streets are a
jittered grid, buildings line the roads (:mod:`geodata.layers.demobuildings`), and about 2,000
household cameras stand on the house façades, facing the roads. The geometry is approximate:
whatever shows the demo says so (``Dataset.is_demo``).

Every table holds ``(lat, lon)`` pairs in degrees (WGS 84), the order a map shows them; each is
projected to :data:`WORKING_CRS` by :func:`_project` as it is read, and never handled in degrees
again.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from geodata.layers.contract import CAMERA_STATUSES
from geodata.layers.dataset import Dataset
from geodata.layers.demobuildings import demo_buildings, facade_sites

DEMO_NAME = "Quận 2 (demo)"
"""The demo's name, and its boundary set of 11 wards (:mod:`geodata.layers.demosets`)."""
WORKING_CRS = "EPSG:32648"
_LatLon = tuple[float, float]

WARDS: tuple[tuple[str, str, float, float], ...] = (
    # (official code, name, lat, lon of the ward's centre)
    ("27088", "Thảo Điền", 10.806, 106.733),
    ("27091", "An Phú", 10.802, 106.758),
    ("27094", "Bình An", 10.791, 106.731),
    ("27097", "Bình Trưng Đông", 10.785, 106.777),
    ("27100", "Bình Trưng Tây", 10.786, 106.761),
    ("27103", "Bình Khánh", 10.783, 106.738),
    ("27106", "An Khánh", 10.781, 106.718),
    ("27109", "Cát Lái", 10.767, 106.794),
    ("27112", "Thạnh Mỹ Lợi", 10.759, 106.766),
    ("27115", "An Lợi Đông", 10.767, 106.727),
    ("27118", "Thủ Thiêm", 10.771, 106.712),
)

# Where a ward reaches well beyond its centre's Voronoi cell, an extra centre (ward code, lat,
# lon) widens it: Cát Lái takes in the whole industrial zone west of its centre.
_EXTRA_WARD_CENTRES: tuple[tuple[str, float, float], ...] = (("27109", 10.762, 106.783),)

# Clockwise from the tip of the Thủ Thiêm peninsula: the Sài Gòn river around Thủ Thiêm and the
# Thảo Điền bend, the creeks towards the former District 9, the Đồng Nai river at Cát Lái, then
# the Sài Gòn river again along the south.
_OUTLINE: tuple[_LatLon, ...] = (
    (10.767, 106.7085),
    (10.776, 106.7090),
    (10.784, 106.7150),
    (10.791, 106.7215),
    (10.798, 106.7255),
    (10.806, 106.7260),
    (10.814, 106.7300),
    (10.8195, 106.7375),
    (10.815, 106.7460),
    (10.810, 106.7505),
    (10.8095, 106.7600),
    (10.8055, 106.7680),
    (10.799, 106.7725),
    (10.792, 106.7775),
    (10.789, 106.7900),
    (10.785, 106.8010),
    (10.780, 106.8100),
    (10.773, 106.8060),
    (10.762, 106.7990),
    (10.7515, 106.7950),
    (10.7425, 106.7870),
    (10.747, 106.7800),
    (10.749, 106.7720),
    (10.752, 106.7600),
    (10.7575, 106.7450),
    (10.762, 106.7320),
    (10.764, 106.7200),
)

# Junctions shared by several roads, so that the roads meet exactly.
_TUNNEL_EAST_PORTAL = (10.771, 106.715)
_MAI_CHI_THO_X_TRAN_NAO = (10.776, 106.728)
_MAI_CHI_THO_X_DONG_VAN_CONG = (10.788, 106.750)
_MAI_CHI_THO_X_LUONG_DINH_CUA = (10.792, 106.751)
_AN_PHU_INTERCHANGE = (10.8025, 106.7555)
_SAI_GON_BRIDGE = (10.799, 106.729)
_XA_LO_HA_NOI_X_TRAN_NAO = (10.7995, 106.731)
_XA_LO_HA_NOI_X_THAO_DIEN = (10.801, 106.738)
_XA_LO_HA_NOI_X_NGUYEN_HOANG = (10.802, 106.748)
_CAT_LAI_JUNCTION = (10.806, 106.7635)  # Xa lộ Hà Nội × Nguyễn Thị Định
_LUONG_DINH_CUA_X_TRAN_NAO = (10.782, 106.729)
_DONG_VAN_CONG_X_VANH_DAI_DONG = (10.7835, 106.756)
_DONG_VAN_CONG_X_NGUYEN_THI_DINH = (10.773, 106.770)
_NGUYEN_THI_DINH_X_NGUYEN_DUY_TRINH = (10.787, 106.765)
_CAT_LAI_PORT_GATE = (10.760, 106.787)
_VANH_DAI_DONG_X_KY_HA_BRIDGE = (10.754, 106.759)

# Routes that leave the district end outside the outline and are clipped to it.
_KEY_ROUTE_VERTICES: dict[str, tuple[_LatLon, ...]] = {
    "Mai Chí Thọ": (
        _TUNNEL_EAST_PORTAL,
        _MAI_CHI_THO_X_TRAN_NAO,
        _MAI_CHI_THO_X_DONG_VAN_CONG,
        _MAI_CHI_THO_X_LUONG_DINH_CUA,
        _AN_PHU_INTERCHANGE,
    ),
    "Xa lộ Hà Nội": (
        _SAI_GON_BRIDGE,
        _XA_LO_HA_NOI_X_TRAN_NAO,
        _XA_LO_HA_NOI_X_THAO_DIEN,
        _XA_LO_HA_NOI_X_NGUYEN_HOANG,
        _AN_PHU_INTERCHANGE,
        _CAT_LAI_JUNCTION,
        (10.811, 106.771),
        (10.816, 106.779),
    ),
    "Đồng Văn Cống": (
        _MAI_CHI_THO_X_DONG_VAN_CONG,
        _DONG_VAN_CONG_X_VANH_DAI_DONG,
        (10.778, 106.763),
        _DONG_VAN_CONG_X_NGUYEN_THI_DINH,
    ),
    "Nguyễn Thị Định": (
        _CAT_LAI_JUNCTION,
        (10.797, 106.764),
        _NGUYEN_THI_DINH_X_NGUYEN_DUY_TRINH,
        (10.779, 106.768),
        _DONG_VAN_CONG_X_NGUYEN_THI_DINH,
        (10.768, 106.776),
        (10.763, 106.782),
        _CAT_LAI_PORT_GATE,
    ),
    "Lương Định Của": (
        (10.7805, 106.7155),
        _LUONG_DINH_CUA_X_TRAN_NAO,
        (10.785, 106.737),
        (10.788, 106.744),
        _MAI_CHI_THO_X_LUONG_DINH_CUA,
    ),
    "Trần Não": (
        _XA_LO_HA_NOI_X_TRAN_NAO,
        (10.791, 106.730),
        _LUONG_DINH_CUA_X_TRAN_NAO,
        _MAI_CHI_THO_X_TRAN_NAO,
    ),
    "Nguyễn Duy Trinh": (
        _NGUYEN_THI_DINH_X_NGUYEN_DUY_TRINH,
        (10.788, 106.772),
        (10.789, 106.780),
        (10.791, 106.788),
        (10.795, 106.797),
    ),
    "Vành đai Đông": (
        (10.746, 106.7595),
        _VANH_DAI_DONG_X_KY_HA_BRIDGE,
        (10.762, 106.758),
        (10.771, 106.757),
        _DONG_VAN_CONG_X_VANH_DAI_DONG,
    ),
}

KEY_ROUTES: tuple[str, ...] = tuple(_KEY_ROUTE_VERTICES)

_OTHER_NAMED_ROAD_VERTICES: dict[str, tuple[_LatLon, ...]] = {
    "Thảo Điền": (
        _XA_LO_HA_NOI_X_THAO_DIEN,
        (10.804, 106.739),
        (10.807, 106.7385),
        (10.810, 106.737),
        (10.8135, 106.7355),
    ),
    "Quốc Hương": ((10.8001, 106.734), (10.804, 106.7335), (10.808, 106.733), (10.8115, 106.7335)),
    "Tố Hữu": ((10.7685, 106.716), (10.767, 106.724), (10.765, 106.733), (10.7625, 106.742)),
    "Nguyễn Hoàng": ((10.7905, 106.7475), (10.797, 106.748), _XA_LO_HA_NOI_X_NGUYEN_HOANG),
    "Trương Văn Bang": (
        (10.7725, 106.7685),
        (10.766, 106.7675),
        (10.759, 106.767),
        (10.752, 106.7665),
    ),
}

# (name, kind, weight, outline) of the large hotspots; the port's outline runs past the river
# bank and is clipped to the district.
_AREA_HOTSPOTS: tuple[tuple[str, str, float, tuple[_LatLon, ...]], ...] = (
    (
        "Khu công nghiệp Cát Lái",
        "industrial",
        3.0,
        ((10.7695, 106.7775), (10.7695, 106.7870), (10.7605, 106.7875), (10.7605, 106.7770)),
    ),
    (
        "Cảng Cát Lái",
        "port",
        3.0,
        ((10.7640, 106.7900), (10.7640, 106.8060), (10.7500, 106.8060), (10.7500, 106.7890)),
    ),
)

# (name, ward code, road it stands on, radius in metres): each market is a disc on that road, at
# the road's nearest point to the ward's centre.
_MARKETS: tuple[tuple[str, str, str, float], ...] = (
    ("Chợ Thảo Điền", "27088", "Thảo Điền", 80.0),
    ("Chợ Bình Trưng", "27097", "Nguyễn Duy Trinh", 100.0),
    ("Chợ An Khánh", "27106", "Lương Định Của", 70.0),
    ("Chợ Thạnh Mỹ Lợi", "27112", "Trương Văn Bang", 90.0),
)

_URBAN_AREA_NAME = "Khu đô thị mới Thủ Thiêm"
_URBAN_AREA_WARD = "27118"
_URBAN_AREA_SETBACK_M = 100.0  # the new urban area is Thủ Thiêm ward less a strip along its edge
_RIVER_BANK_SETBACK_M = 20.0  # hotspots clipped to the district stay this far inside it

_STREET_GRID_SEED = 2  # the district's streets are the same whatever seed draws the cameras
_BUILDING_SEED = 3  # ... and so are its buildings
_STREET_SPACING_M = 200.0
_STREET_JITTER_M = 35.0
_STREET_KEEP_SHARE = 0.4  # share of the grid's edges that are streets (the rest are alleys)
_MIN_STREET_LENGTH_M = 20.0
_VERTEX_SPACING_M = 50.0

_CAMERA_COUNT = 2000
_CANDIDATES_PER_CAMERA = 10
_KEY_ROUTE_DENSITY = 3.0  # cameras per metre on a key route, relative to other roads
_MARKET_DENSITY = 4.0  # ... and within _MARKET_REACH_M of a market
_GAP_DENSITY = 0.02  # ... and where no house faces the road
_MARKET_REACH_M = 300.0
_CLEAR_OF_ROADS_M = 3.0  # a site nearer than this to any road would stand on the carriageway
_DOME_SHARE = 0.4
_STATUS_SHARES = (0.90, 0.07, 0.03)  # in the order of CAMERA_STATUSES
_DOME_RANGE_M = (10.0, 20.0)
_BULLET_RANGE_M = (20.0, 60.0)
_BULLET_FOV_DEG = (60.0, 100.0)
_BULLET_SKEW_DEG = (30.0, 60.0)  # a bullet not facing the road square on looks this far along it
_UNKNOWN_SPEC_SHARE = 0.15  # cameras whose resolution and mount height nobody gave
_HORIZONTAL_PX = (1920.0, 2560.0)  # 2 MP and 4 MP
_HORIZONTAL_PX_SHARES = (0.75, 0.25)
_MOUNT_HEIGHT_M = (3.0, 4.0)


def build_demo(*, seed: int = 0) -> Dataset:
    """Build the demo dataset "Quận 2 (demo)", the same for every call with the same ``seed``.

    Parameters
    ----------
    seed : int, optional
        Seeds the household cameras (where they are, their type, status, aim and spec). The
        district, its wards, roads, hotspots and buildings are the same for every seed.

    Returns
    -------
    Dataset
        Wards, roads, hotspots, cameras and buildings in :data:`WORKING_CRS` (metres), named
        :data:`DEMO_NAME`, with ``is_demo=True`` and ``key_routes=KEY_ROUTES``.
    """
    outline = _district_outline()
    wards = _ward_polygons(outline)
    roads = _roads(outline)
    hotspots = _hotspots(outline, wards, roads)
    buildings = demo_buildings(
        outline,
        wards,
        roads,
        hotspots,
        key_routes=KEY_ROUTES,
        rng=np.random.default_rng(_BUILDING_SEED),
    )
    markets = hotspots.geometry[hotspots["hotspot_kind"] == "market"].to_numpy()
    cameras = _household_cameras(
        roads, wards, markets, buildings, count=_CAMERA_COUNT, rng=np.random.default_rng(seed)
    )
    return Dataset(
        name=DEMO_NAME,
        wards=wards,
        roads=roads,
        hotspots=hotspots,
        cameras=cameras,
        key_routes=KEY_ROUTES,
        is_demo=True,
        buildings=buildings,
    )


@functools.cache
def shared_demo() -> Dataset:
    """The demo (seed 0), built once per process and shared by whatever asks for it: never
    change its frames in place (copy them first)."""
    return build_demo()


@functools.cache
def _to_working_crs() -> pyproj.Transformer:
    """The transformer from WGS 84 ``(lon, lat)`` to :data:`WORKING_CRS` ``(x, y)``."""
    return pyproj.Transformer.from_crs("EPSG:4326", WORKING_CRS, always_xy=True)


def _project(lat_lon: Sequence[_LatLon]) -> np.ndarray:
    """Project ``(lat, lon)`` pairs in degrees to an ``(n, 2)`` array of ``(x, y)`` in metres."""
    lat, lon = np.asarray(lat_lon, dtype=float).T
    x, y = _to_working_crs().transform(lon, lat)
    return np.column_stack([x, y])


def _district_outline() -> shapely.Polygon:
    """The district's outline in :data:`WORKING_CRS` (about 50 km²)."""
    return shapely.Polygon(_project(_OUTLINE))


def _ward_polygons(outline: shapely.Polygon) -> gpd.GeoDataFrame:
    """The wards: Voronoi cells of the ward centres, clipped to the outline, tiling it.

    Parameters
    ----------
    outline : shapely.Polygon
        The district in :data:`WORKING_CRS` (metres).

    Returns
    -------
    geopandas.GeoDataFrame
        ``ward_code``, ``ward_name`` and a polygon per ward, in the order of :data:`WARDS`.
    """
    generators = [(code, lat, lon) for code, _, lat, lon in WARDS] + list(_EXTRA_WARD_CENTRES)
    codes = np.array([code for code, _, _ in generators])
    centres = shapely.points(_project([(lat, lon) for _, lat, lon in generators]))
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.multipoints(centres), extend_to=outline)
    )
    # Each centre lies in exactly one cell; the query pairs them whatever order the cells come in.
    centre_index, cell_index = shapely.STRtree(cells).query(centres, predicate="within")
    cell_of_centre = cells[cell_index[np.argsort(centre_index)]]
    geometry = [
        shapely.intersection(shapely.union_all(cell_of_centre[codes == code]), outline)
        for code, *_ in WARDS
    ]
    return gpd.GeoDataFrame(
        {"ward_code": [code for code, *_ in WARDS], "ward_name": [name for _, name, *_ in WARDS]},
        geometry=geometry,
        crs=WORKING_CRS,
    )


def _named_roads() -> gpd.GeoDataFrame:
    """The hand-authored roads, key routes first, unclipped, in :data:`WORKING_CRS`."""
    table = {**_KEY_ROUTE_VERTICES, **_OTHER_NAMED_ROAD_VERTICES}
    return gpd.GeoDataFrame(
        {"road_name": list(table)},
        geometry=[shapely.LineString(_project(vertices)) for vertices in table.values()],
        crs=WORKING_CRS,
    )


def _local_streets(
    outline: shapely.Polygon, *, spacing_m: float, rng: np.random.Generator
) -> gpd.GeoDataFrame:
    """A jittered street grid over the outline's bounding box, named "Đường số 1", "Đường số 2"….

    Grid nodes are ``spacing_m`` apart, each moved at random by up to ``_STREET_JITTER_M``; a
    share ``_STREET_KEEP_SHARE`` of the grid's edges are streets, and each run of consecutive
    streets along one grid line is one road.

    Parameters
    ----------
    outline : shapely.Polygon
        The district in :data:`WORKING_CRS` (metres).
    spacing_m : float
        Distance between grid lines, in metres.
    rng : numpy.random.Generator
        Draws the jitter and which edges are streets.

    Returns
    -------
    geopandas.GeoDataFrame
        ``road_name`` and a LineString per street, unclipped, in :data:`WORKING_CRS`.
    """
    xmin, ymin, xmax, ymax = outline.bounds
    x, y = np.meshgrid(
        np.arange(xmin, xmax + spacing_m, spacing_m), np.arange(ymin, ymax + spacing_m, spacing_m)
    )
    nodes = np.stack([x, y], axis=-1)  # (row south→north, column west→east, xy)
    nodes += rng.uniform(-_STREET_JITTER_M, _STREET_JITTER_M, nodes.shape)
    rows, columns = nodes.shape[:2]
    east_west = _grid_runs(nodes, rng.random((rows, columns - 1)) < _STREET_KEEP_SHARE)
    north_south = _grid_runs(
        nodes.transpose(1, 0, 2), rng.random((columns, rows - 1)) < _STREET_KEEP_SHARE
    )
    streets = np.concatenate([east_west, north_south])
    return gpd.GeoDataFrame(
        {"road_name": [f"Đường số {number}" for number in range(1, len(streets) + 1)]},
        geometry=streets,
        crs=WORKING_CRS,
    )


def _grid_runs(nodes: np.ndarray, is_street: np.ndarray) -> np.ndarray:
    """Join consecutive street edges along each grid line into one LineString per run.

    Parameters
    ----------
    nodes : numpy.ndarray
        ``(lines, nodes, 2)`` node coordinates in metres, each line's nodes in order.
    is_street : numpy.ndarray
        ``(lines, nodes - 1)`` booleans: edge ``k`` joins nodes ``k`` and ``k + 1``.

    Returns
    -------
    numpy.ndarray
        The runs as LineStrings, line by line.
    """
    steps = np.diff(np.pad(is_street.astype(np.int8), ((0, 0), (1, 1))), axis=1)
    line, first_node = np.nonzero(steps == 1)
    _, last_node = np.nonzero(steps == -1)  # the run's last edge ends on this node
    node_counts = last_node - first_node + 1
    run = np.repeat(np.arange(len(line)), node_counts)
    position = np.arange(len(run)) - np.repeat(np.cumsum(node_counts) - node_counts, node_counts)
    return shapely.linestrings(nodes[line[run], first_node[run] + position], indices=run)


def _roads(outline: shapely.Polygon) -> gpd.GeoDataFrame:
    """Every road clipped to the outline: one plain LineString per row, a vertex every ≤ 50 m.

    Parameters
    ----------
    outline : shapely.Polygon
        The district in :data:`WORKING_CRS` (metres).

    Returns
    -------
    geopandas.GeoDataFrame
        ``road_name`` and geometry: key routes, other named roads, then the local streets.
    """
    streets = _local_streets(
        outline, spacing_m=_STREET_SPACING_M, rng=np.random.default_rng(_STREET_GRID_SEED)
    )
    roads = pd.concat([_named_roads(), streets], ignore_index=True)
    roads.geometry = shapely.intersection(roads.geometry.to_numpy(), outline)
    roads = roads.explode(index_parts=False, ignore_index=True)
    keep = (roads.geom_type == "LineString") & (roads.length >= _MIN_STREET_LENGTH_M)
    roads = roads[keep].reset_index(drop=True)
    roads.geometry = shapely.segmentize(roads.geometry.to_numpy(), _VERTEX_SPACING_M)
    return roads


def _hotspots(
    outline: shapely.Polygon, wards: gpd.GeoDataFrame, roads: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """The industrial zone, the port, the new urban area and the markets, inside the outline.

    Parameters
    ----------
    outline : shapely.Polygon
        The district in :data:`WORKING_CRS` (metres).
    wards, roads : geopandas.GeoDataFrame
        The demo's wards and clipped roads, in :data:`WORKING_CRS`.

    Returns
    -------
    geopandas.GeoDataFrame
        ``hotspot_name``, ``hotspot_kind``, ``weight`` and a polygon per hotspot.
    """
    inland = outline.buffer(-_RIVER_BANK_SETBACK_M)
    rows = [
        (name, kind, weight, shapely.Polygon(_project(vertices)).intersection(inland))
        for name, kind, weight, vertices in _AREA_HOTSPOTS
    ]
    ward_by_code = wards.set_index("ward_code").geometry
    urban_area = ward_by_code[_URBAN_AREA_WARD].buffer(-_URBAN_AREA_SETBACK_M)
    rows.append((_URBAN_AREA_NAME, "urban", 2.0, urban_area))
    ward_centres = _project([(lat, lon) for *_, lat, lon in WARDS])
    centre_of = {code: xy for (code, *_), xy in zip(WARDS, ward_centres, strict=True)}
    for name, ward_code, road_name, radius_m in _MARKETS:
        road = shapely.union_all(roads.geometry[roads["road_name"] == road_name].to_numpy())
        site = shapely.get_point(
            shapely.shortest_line(road, shapely.Point(centre_of[ward_code])), 0
        )
        rows.append((name, "market", 1.0, site.buffer(radius_m)))
    names, kinds, weights, geometry = zip(*rows, strict=True)
    return gpd.GeoDataFrame(
        {"hotspot_name": names, "hotspot_kind": kinds, "weight": weights},
        geometry=list(geometry),
        crs=WORKING_CRS,
    )


def _household_cameras(
    roads: gpd.GeoDataFrame,
    wards: gpd.GeoDataFrame,
    markets: np.ndarray,
    buildings: gpd.GeoDataFrame,
    *,
    count: int,
    rng: np.random.Generator,
) -> gpd.GeoDataFrame:
    """Household cameras on house façades along the roads, numbered "Q2-00001"….

    Candidate sites are drawn uniformly along the road network, each on the façade of the house
    facing the road there or, where none does, set back from it in the open
    (:func:`~geodata.layers.demobuildings.facade_sites`); ``count`` of those inside a ward and
    clear of every road and building are chosen, with more weight on key routes, near markets
    and on façades.

    Parameters
    ----------
    roads, wards : geopandas.GeoDataFrame
        The demo's clipped roads and wards, in :data:`WORKING_CRS` (metres).
    markets : numpy.ndarray
        The market polygons, in :data:`WORKING_CRS`.
    buildings : geopandas.GeoDataFrame
        The demo's buildings, in :data:`WORKING_CRS`.
    count : int
        How many cameras.
    rng : numpy.random.Generator
        Draws every site and attribute.

    Returns
    -------
    geopandas.GeoDataFrame
        The camera columns of :mod:`geodata.layers.dataset`, ``horizontal_px`` and
        ``mount_height_m`` (NaN where unknown) and a Point per camera, coordinates rounded to
        0.01 m, angles, ranges and heights to 0.1.
    """
    lines = roads.geometry.to_numpy()
    lengths_m = shapely.length(lines)
    ends_m = np.cumsum(lengths_m)
    along_network_m = rng.uniform(0.0, ends_m[-1], count * _CANDIDATES_PER_CAMERA)
    road = np.searchsorted(ends_m, along_network_m, side="right")
    along_road_m = along_network_m - (ends_m[road] - lengths_m[road])
    xy, facing_deg, on_facade, clear = facade_sites(
        lines, road, along_road_m, buildings, rng, clear_of_roads_m=_CLEAR_OF_ROADS_M
    )

    in_ward = np.column_stack([shapely.contains_xy(ward, *xy.T) for ward in wards.geometry])
    on_key_route = roads["road_name"].isin(KEY_ROUTES).to_numpy()[road]
    density = (
        np.where(on_key_route, _KEY_ROUTE_DENSITY, 1.0)
        * np.where(on_facade, 1.0, _GAP_DENSITY)
        * (in_ward.sum(axis=1) == 1)  # never outside the district, nor on a ward boundary
        * clear
    )
    near_market, _ = shapely.STRtree(markets).query(
        shapely.points(xy), predicate="dwithin", distance=_MARKET_REACH_M
    )
    density[np.unique(near_market)] *= _MARKET_DENSITY
    chosen = np.sort(rng.choice(len(xy), size=count, replace=False, p=density / density.sum()))

    is_dome = rng.random(count) < _DOME_SHARE
    skew_deg = rng.choice([-1.0, 0.0, 1.0], size=count) * rng.uniform(*_BULLET_SKEW_DEG, count)
    bullet_bearing_deg = np.round((facing_deg[chosen] + skew_deg) % 360.0, 1) % 360.0
    bullet_fov_deg = np.round(rng.uniform(*_BULLET_FOV_DEG, count), 1)
    range_m = np.where(
        is_dome, rng.uniform(*_DOME_RANGE_M, count), rng.uniform(*_BULLET_RANGE_M, count)
    )
    status = rng.choice(CAMERA_STATUSES, size=count, p=_STATUS_SHARES)
    unknown = rng.random(count) < _UNKNOWN_SPEC_SHARE
    horizontal_px = rng.choice(_HORIZONTAL_PX, size=count, p=_HORIZONTAL_PX_SHARES)
    mount_height_m = np.round(rng.uniform(*_MOUNT_HEIGHT_M, count), 1)
    return gpd.GeoDataFrame(
        {
            "camera_id": [f"Q2-{number:05d}" for number in range(1, count + 1)],
            "camera_type": np.where(is_dome, "dome", "bullet"),
            "status": status,
            "bearing_deg": np.where(is_dome, 0.0, bullet_bearing_deg),
            "fov_deg": np.where(is_dome, 360.0, bullet_fov_deg),
            "range_m": np.round(range_m, 1),
            "ward_name": wards["ward_name"].to_numpy()[in_ward[chosen].argmax(axis=1)],
            "horizontal_px": np.where(unknown, np.nan, horizontal_px),
            "mount_height_m": np.where(unknown, np.nan, mount_height_m),
        },
        geometry=shapely.points(xy[chosen]),
        crs=WORKING_CRS,
    )
