"""The buildings of the demo "Quận 2 (demo)", and the household cameras on their façades.

Authored from the demo's own roads, wards and hotspots in the working CRS (metres), with a fixed
seed, like the rest of the demo (:mod:`geodata.layers.demo`):

- rows of shop-houses (nhà phố: 4–5 m wide, 2–5 storeys of 3 m, one depth of 12–20 m per row)
  face both sides of every straight piece of road, their fronts set back from its centre line
  by up to 12 m on the widest key routes, 10 m on the other key routes, 7 m on the other named
  roads and 5 m on the numbered streets (each row up to 0.6 m less); rows are parted by small
  gaps and by the mouths of alleys (hẻm) that run straight back from the road, lined with rows
  of their own fronted 2.4–3 m from the alley's centre line;
- the rows stand in built-up neighbourhoods: in each ward a share of its street rows (about a
  quarter in the old wards, a tenth in Cát Lái and Thạnh Mỹ Lợi, a twentieth in An Lợi Đông and
  Thủ Thiêm), those where a smooth random field is lowest, the field lowered along the named
  roads (houses line the main roads) and around the markets (all built up); an alley's rows
  all stand;
- the industrial zone and the port hold warehouses and sheds (30–120 m, 8–12 m high) with yards
  between them, and no houses; the new urban area of Thủ Thiêm is open land with a few large
  buildings;
- no footprint comes within 1 m of a road line, none overlaps another (only neighbours in a row
  share a party wall), and all lie inside the district.

The household cameras then stand on the façades facing the roads (:func:`facade_sites`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

_WIDE_ROUTES = ("Mai Chí Thọ", "Xa lộ Hà Nội", "Vành đai Đông")
_LOCAL_STREET_PREFIX = "Đường số "
# Front setbacks from a road's centre line, in metres, by kind of road; each row sits up to
# _SETBACK_JITTER_M nearer.
_WIDE_ROUTE_SETBACK_M = 12.0
_KEY_ROUTE_SETBACK_M = 10.0
_NAMED_ROAD_SETBACK_M = 7.0
_STREET_SETBACK_M = 5.0
_SETBACK_JITTER_M = 0.6
_ALLEY_SETBACK_M = 3.0

_HOUSE_WIDTH_M = (4.0, 5.0)
_HOUSE_DEPTH_M = (12.0, 20.0)
_STOREY_M = 3.0
_STOREYS = (2, 3, 4, 5)
_STOREY_SHARES = (0.30, 0.35, 0.25, 0.10)
_HOUSES_PER_ROW = 7.0  # on average
_ROW_GAP_M = (0.5, 3.0)
_ALLEY_SHARE = 0.15  # share of the breaks between rows that are alley mouths
_ALLEY_MOUTH_M = (4.5, 6.0)
_ALLEY_LENGTH_M = (20.0, 60.0)  # lined length, behind the road's own rows
_ALLEY_CLEAR_HALF_WIDTH_M = 1.5  # no footprint within this of an alley's centre line
_CLEAR_OF_ROADS_M = 1.0

# Built-up neighbourhoods: a field of values in [0, 1], interpolated between random values on
# a lattice _NEIGHBOURHOOD_M apart, less the bonuses; in each ward the share of its street rows
# where the field is lowest stand (none in a ward not listed).
_NEIGHBOURHOOD_M = 600.0
_BUILT_UP_SHARE = {
    "27088": 0.26,  # Thảo Điền
    "27091": 0.24,  # An Phú
    "27094": 0.30,  # Bình An
    "27097": 0.18,  # Bình Trưng Đông
    "27100": 0.20,  # Bình Trưng Tây
    "27103": 0.20,  # Bình Khánh
    "27106": 0.30,  # An Khánh
    "27109": 0.10,  # Cát Lái
    "27112": 0.10,  # Thạnh Mỹ Lợi
    "27115": 0.05,  # An Lợi Đông, cleared for the new urban area
    "27118": 0.05,  # Thủ Thiêm, outside the new urban area
}
_NAMED_ROAD_BONUS = 0.1
_MARKET_BONUS = 1.0
_MARKET_QUARTER_M = 300.0  # a market's surroundings

# (hotspot kind, candidates per km², side in metres, height in metres, yard in metres): where
# large buildings stand instead of houses, drawn at random and kept when clear of the others
# by the yard and of the roads and the area's edge by _BLOCK_ROAD_CLEARANCE_M.
_BLOCKS = (
    ("industrial", 400.0, (30.0, 120.0), (8.0, 12.0), 8.0),
    ("port", 160.0, (30.0, 120.0), (8.0, 12.0), 15.0),
    ("urban", 6.0, (40.0, 80.0), (15.0, 45.0), 60.0),
)
_BLOCK_ROAD_CLEARANCE_M = 6.0

_FACADE_OFFSET_M = 0.2  # a household camera stands this far in front of its wall
_GAP_SETBACK_M = (4.0, 12.0)  # ... or, where no house faces the road, this far from it


def demo_buildings(
    outline: shapely.Polygon,
    wards: gpd.GeoDataFrame,
    roads: gpd.GeoDataFrame,
    hotspots: gpd.GeoDataFrame,
    *,
    key_routes: tuple[str, ...],
    rng: np.random.Generator,
) -> gpd.GeoDataFrame:
    """The demo's building footprints: shop-houses along roads and alleys, and large blocks.

    Parameters
    ----------
    outline : shapely.Polygon
        The district, in the working CRS (metres).
    wards, roads, hotspots : geopandas.GeoDataFrame
        The demo's wards (``ward_code``), clipped roads (``road_name``) and hotspots
        (``hotspot_kind``), in the same CRS.
    key_routes : tuple of str
        The names of the key routes.
    rng : numpy.random.Generator
        Draws every building.

    Returns
    -------
    geopandas.GeoDataFrame
        ``height_m`` and a Polygon per building, coordinates rounded to 0.01 m, in the roads'
        CRS: the houses, then the blocks.
    """
    segments = _segments(roads.geometry.to_numpy())
    kinds = hotspots["hotspot_kind"].to_numpy()
    zones = hotspots.geometry.to_numpy()[np.isin(kinds, [kind for kind, *_ in _BLOCKS])]
    footprints, heights_m = _houses(
        outline,
        wards,
        roads,
        segments=segments,
        markets=hotspots.geometry.to_numpy()[kinds == "market"],
        no_houses=shapely.union_all(zones),
        key_routes=key_routes,
        rng=rng,
    )
    footprints, heights_m = [footprints], [heights_m]
    for kind, per_km2, side_m, height_m, yard_m in _BLOCKS:
        for zone in hotspots.geometry.to_numpy()[kinds == kind]:
            blocks = _blocks(zone, segments, per_km2=per_km2, side_m=side_m, yard_m=yard_m, rng=rng)
            footprints.append(blocks)
            heights_m.append(np.round(rng.uniform(*height_m, len(blocks)), 1))
    return gpd.GeoDataFrame(
        {"height_m": np.concatenate(heights_m)},
        geometry=np.concatenate(footprints),
        crs=roads.crs,
    )


def facade_sites(
    lines: np.ndarray,
    line: np.ndarray,
    distance_m: np.ndarray,
    buildings: gpd.GeoDataFrame,
    rng: np.random.Generator,
    *,
    clear_of_roads_m: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Where household cameras along roads stand: on the façade of the first building back from
    the road on a random side, or, where none stands within reach, set back 4–12 m in the open.

    Parameters
    ----------
    lines : numpy.ndarray
        The roads: LineStrings in a metric CRS, each at least 2 m long.
    line : numpy.ndarray
        For each site, the index of its road in ``lines``.
    distance_m : numpy.ndarray
        For each site, where along its road, in metres from the road's start.
    buildings : geopandas.GeoDataFrame
        Building footprints, in the lines' CRS.
    rng : numpy.random.Generator
        Draws the side and the setback (where no building stands).
    clear_of_roads_m : float
        A site nearer than this to any of the ``lines``, in metres, is not clear.

    Returns
    -------
    xy : numpy.ndarray
        ``(n, 2)`` site coordinates in metres, rounded to 0.01 m: 0.2 m in front of the wall
        the site looks out from, or in the open.
    facing_deg : numpy.ndarray
        Compass bearing from each site square on to its road, in [0, 360).
    on_facade : numpy.ndarray
        True where the site is on a building's façade.
    clear : numpy.ndarray
        True where the site is clear of the roads and outside every building.
    """
    behind = _points_along(lines, line, distance_m - 1.0)
    ahead = _points_along(lines, line, distance_m + 1.0)
    on_road = _points_along(lines, line, distance_m)
    tangent = (ahead - behind) / np.linalg.norm(ahead - behind, axis=1, keepdims=True)
    left = np.column_stack([-tangent[:, 1], tangent[:, 0]])
    away = rng.choice([-1.0, 1.0], size=len(line))[:, np.newaxis] * left
    setback_m = rng.uniform(*_GAP_SETBACK_M, len(line))
    reach_m = _GAP_SETBACK_M[1] + _FACADE_OFFSET_M
    footprints = shapely.STRtree(buildings.geometry.to_numpy())
    wall_m = _first_hit_m(on_road, away, reach_m, footprints)
    on_facade = wall_m <= reach_m
    setback_m = np.where(on_facade, wall_m - _FACADE_OFFSET_M, setback_m)
    xy = np.round(on_road + setback_m[:, np.newaxis] * away, 2)
    facing_deg = np.degrees(np.arctan2(-away[:, 0], -away[:, 1])) % 360.0
    sites = shapely.points(xy)
    clear = ~_near(sites, _segments(lines), clear_of_roads_m)
    in_a_building, _ = footprints.query(sites, predicate="intersects")
    clear[in_a_building] = False
    return xy, facing_deg, on_facade, clear


def _points_along(lines: np.ndarray, line: np.ndarray, distance_m: np.ndarray) -> np.ndarray:
    """``(n, 2)`` points ``distance_m`` (clipped to the line) along ``lines[line]``: the numbers
    of :func:`shapely.line_interpolate_point`, without walking each line once per point."""
    xy, owner = shapely.get_coordinates(lines, return_index=True)
    step_m = np.linalg.norm(np.diff(xy, axis=0), axis=1)
    step_m[owner[1:] != owner[:-1]] = 0.0  # no step from one line's end to the next's start
    reached_m = np.concatenate([[0.0], np.cumsum(step_m)])
    first = np.searchsorted(owner, np.arange(len(lines)))
    last = np.append(first[1:], len(owner)) - 1
    start_m = reached_m[first[line]]
    target_m = start_m + np.clip(distance_m, 0.0, reached_m[last[line]] - start_m)
    vertex = np.clip(
        np.searchsorted(reached_m, target_m, side="right") - 1, first[line], last[line] - 1
    )
    share = np.divide(
        target_m - reached_m[vertex],
        step_m[vertex],
        out=np.zeros(len(line)),
        where=step_m[vertex] > 0,
    )
    return xy[vertex] + share[:, np.newaxis] * (xy[vertex + 1] - xy[vertex])


def _first_hit_m(
    start: np.ndarray, direction: np.ndarray, reach_m: float, polygons: shapely.STRtree
) -> np.ndarray:
    """How far each ray from ``start`` along unit ``direction`` runs before it meets one of the
    ``polygons`` (infinity where it meets none within ``reach_m``)."""
    rays = shapely.linestrings(np.stack([start, start + reach_m * direction], axis=1))
    ray, polygon = polygons.query(rays, predicate="intersects")
    # The pieces of a ray inside a polygon lie on the ray: the end nearest its start is where
    # the ray first meets the polygon.
    xy, piece = shapely.get_coordinates(
        shapely.intersection(rays[ray], polygons.geometries[polygon]), return_index=True
    )
    hit_m = np.full(len(start), np.inf)
    np.minimum.at(hit_m, ray[piece], np.linalg.norm(xy - start[ray[piece]], axis=1))
    return hit_m


@dataclass(frozen=True)
class _Frontages:
    """Straight lines that rows of houses face, one per row of these arrays.

    ``origin``, unit ``tangent`` and unit ``normal`` (pointing at the houses) are ``(n, 2)``
    arrays in metres; ``length_m`` is each line's length, ``setback_m`` how far back from it the
    house fronts stand at most, and ``bonus`` what its rows take off the neighbourhood field.
    """

    origin: np.ndarray
    tangent: np.ndarray
    normal: np.ndarray
    length_m: np.ndarray
    setback_m: np.ndarray
    bonus: np.ndarray

    def at(self, line: np.ndarray, along_m: np.ndarray, out_m: np.ndarray) -> np.ndarray:
        """Points ``along_m`` along lines ``line`` and ``out_m`` towards their houses: an array
        of the three arguments' broadcast shape, plus a last axis of ``(x, y)``."""
        return (
            self.origin[line]
            + along_m[..., np.newaxis] * self.tangent[line]
            + out_m[..., np.newaxis] * self.normal[line]
        )


@dataclass(frozen=True)
class _Rows:
    """Houses laid out along frontages: their ``corners`` (``(n, 4, 2)``, metres), the ``row``
    each belongs to (neighbours in a row share a party wall), their ``height_m``, and the alley
    ``mouths`` between rows as (frontage, metres along it) pairs."""

    corners: np.ndarray
    row: np.ndarray
    height_m: np.ndarray
    mouths: tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class _Neighbourhoods:
    """Where the district is built up: see the module's docstring."""

    lattice: np.ndarray
    corner: np.ndarray
    wards: gpd.GeoDataFrame
    markets: np.ndarray

    @classmethod
    def draw(
        cls, wards: gpd.GeoDataFrame, markets: np.ndarray, *, rng: np.random.Generator
    ) -> _Neighbourhoods:
        """Draw the field's lattice over the wards' bounding box."""
        xmin, ymin, xmax, ymax = wards.total_bounds
        shape = (
            int((ymax - ymin) // _NEIGHBOURHOOD_M) + 2,
            int((xmax - xmin) // _NEIGHBOURHOOD_M) + 2,
        )
        return cls(rng.random(shape), np.array([xmin, ymin]), wards, markets)

    def built(self, xy: np.ndarray, bonus: np.ndarray) -> np.ndarray:
        """Which of the rows at ``xy`` (``(n, 2)``, metres), with their ``bonus``, stand: in
        each ward, its share of them, those where the field less the bonuses is lowest."""
        grid = (xy - self.corner) / _NEIGHBOURHOOD_M
        cell = np.clip(np.floor(grid).astype(int), 0, np.array(self.lattice.shape[::-1]) - 2)
        fx, fy = ((3 - 2 * (grid - cell)) * (grid - cell) ** 2).T  # smoothstep
        x, y = cell.T
        score = (
            self.lattice[y, x] * (1 - fx) * (1 - fy)
            + self.lattice[y, x + 1] * fx * (1 - fy)
            + self.lattice[y + 1, x] * (1 - fx) * fy
            + self.lattice[y + 1, x + 1] * fx * fy
            - bonus
        )
        near_market, _ = shapely.STRtree(self.markets).query(
            shapely.points(xy), predicate="dwithin", distance=_MARKET_QUARTER_M
        )
        score[np.unique(near_market)] -= _MARKET_BONUS
        built = np.zeros(len(xy), dtype=bool)
        for code, ward in zip(self.wards["ward_code"], self.wards.geometry, strict=True):
            inside = shapely.contains_xy(ward, *xy.T)
            if inside.any():
                share = _BUILT_UP_SHARE.get(code, 0.0)
                built[inside] = score[inside] < np.quantile(score[inside], share)
        return built


def _houses(
    outline: shapely.Polygon,
    wards: gpd.GeoDataFrame,
    roads: gpd.GeoDataFrame,
    *,
    segments: shapely.STRtree,
    markets: np.ndarray,
    no_houses: shapely.Geometry,
    key_routes: tuple[str, ...],
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Rows of shop-houses along the roads' straight pieces and along alleys off them.

    Parameters
    ----------
    outline : shapely.Polygon
        The district, in metres.
    wards, roads : geopandas.GeoDataFrame
        The demo's wards and clipped roads.
    segments : shapely.STRtree
        The roads' segments.
    markets : numpy.ndarray
        The market polygons.
    no_houses : shapely.Geometry
        Where no house stands (the areas of large blocks).
    key_routes : tuple of str
        The names of the key routes.
    rng : numpy.random.Generator
        Draws every house.

    Returns
    -------
    footprints : numpy.ndarray
        Polygons, coordinates rounded to 0.01 m.
    height_m : numpy.ndarray
        Each house's height in metres.
    """
    street = _street_frontages(roads, key_routes=key_routes)
    neighbourhoods = _Neighbourhoods.draw(wards, markets, rng=rng)
    street_rows = _rows(street, neighbourhoods, alley_share=_ALLEY_SHARE, rng=rng)
    alleys, corridors = _alleys(street, *street_rows.mouths, rng=rng)
    alley_rows = _rows(alleys, None, alley_share=0.0, rng=rng)  # an alley is built up
    # The alleys' corridors come first, in one group: they are never dropped, and no house
    # stays on one.
    corners = np.concatenate([corridors, street_rows.corners, alley_rows.corners])
    row = np.concatenate(
        [
            np.full(len(corridors), -1),
            street_rows.row,
            alley_rows.row + street_rows.row.max(initial=-1) + 1,
        ]
    )
    height_m = np.concatenate([street_rows.height_m, alley_rows.height_m])
    footprints = shapely.polygons(np.round(corners, 2))
    fits = ~_near(footprints, segments, _CLEAR_OF_ROADS_M)
    shapely.prepare([outline, no_houses])
    fits &= shapely.contains_properly(outline, footprints)
    fits &= ~shapely.intersects(no_houses, footprints)
    fits[row == -1] = True
    keep = _keep_apart(footprints, fits, group=row)[len(corridors) :]
    return footprints[len(corridors) :][keep], height_m[keep]


def _street_frontages(roads: gpd.GeoDataFrame, *, key_routes: tuple[str, ...]) -> _Frontages:
    """Both sides of every straight piece of every road: frontage ``2k`` on the left of piece
    ``k``, ``2k + 1`` on its right, with the setback of the road's kind."""
    names = roads["road_name"].to_numpy()
    is_local = roads["road_name"].str.startswith(_LOCAL_STREET_PREFIX).to_numpy()
    setback_m = np.select(
        [np.isin(names, _WIDE_ROUTES), np.isin(names, key_routes), ~is_local],
        [_WIDE_ROUTE_SETBACK_M, _KEY_ROUTE_SETBACK_M, _NAMED_ROAD_SETBACK_M],
        _STREET_SETBACK_M,
    )
    # Segmentized roads carry collinear vertices; without them each piece is straight and whole.
    xy, road = shapely.get_coordinates(
        shapely.simplify(roads.geometry.to_numpy(), 0.01), return_index=True
    )
    piece = np.flatnonzero(road[1:] == road[:-1])  # piece k runs from vertex k to vertex k + 1
    road = road[piece]
    length_m = np.linalg.norm(xy[piece + 1] - xy[piece], axis=1)
    tangent = (xy[piece + 1] - xy[piece]) / length_m[:, np.newaxis]
    left = np.column_stack([-tangent[:, 1], tangent[:, 0]])
    sides = np.tile([[1.0], [-1.0]], (len(piece), 1))
    return _Frontages(
        origin=np.repeat(xy[piece], 2, axis=0),
        tangent=np.repeat(tangent, 2, axis=0),
        normal=np.repeat(left, 2, axis=0) * sides,
        length_m=np.repeat(length_m, 2),
        setback_m=np.repeat(setback_m[road], 2),
        bonus=np.repeat(np.where(is_local[road], 0.0, _NAMED_ROAD_BONUS), 2),
    )


def _rows(
    lines: _Frontages,
    neighbourhoods: _Neighbourhoods | None,
    *,
    alley_share: float,
    rng: np.random.Generator,
) -> _Rows:
    """Rows of houses along each of ``lines``: where built up, or all with no ``neighbourhoods``.

    Each line is filled from its start with houses 4–5 m wide; after each house a row ends with
    probability ``1 / _HOUSES_PER_ROW``, followed by a small gap or, with probability
    ``alley_share``, an alley mouth. Each row has one depth and setback; each house its storeys.
    """
    count = np.ceil(lines.length_m / _HOUSE_WIDTH_M[0]).astype(int)
    line = np.repeat(np.arange(len(count)), count)
    first = np.cumsum(count) - count
    n = len(line)
    width_m = rng.uniform(*_HOUSE_WIDTH_M, n)
    ends_row = rng.random(n) < 1.0 / _HOUSES_PER_ROW
    ends_row[first + count - 1] = True
    is_mouth = ends_row & (rng.random(n) < alley_share)
    gap_m = np.where(is_mouth, rng.uniform(*_ALLEY_MOUTH_M, n), rng.uniform(*_ROW_GAP_M, n))
    pitch_m = width_m + np.where(ends_row, gap_m, 0.0)
    start_m = np.cumsum(pitch_m) - pitch_m
    start_m += rng.uniform(*_ROW_GAP_M, len(count))[line] - start_m[first][line]
    # A house's end is its neighbour's start, to the bit: party walls are shared exactly.
    end_m = np.where(ends_row, start_m + width_m, np.roll(start_m, -1))
    starts_row = np.roll(ends_row, 1)
    row = np.cumsum(starts_row) - 1
    row_first = np.flatnonzero(starts_row)
    row_last = np.append(row_first[1:] - 1, n - 1)
    row_line = line[row_first]
    setback_m = lines.setback_m[row_line] - rng.uniform(0.0, _SETBACK_JITTER_M, len(row_first))
    depth_m = rng.uniform(*_HOUSE_DEPTH_M, len(row_first))
    centre_m = (start_m[row_first] + end_m[row_last]) / 2
    built = (
        np.ones(len(row_first), dtype=bool)
        if neighbourhoods is None
        else neighbourhoods.built(lines.at(row_line, centre_m, setback_m), lines.bonus[row_line])
    )
    height_m = _STOREY_M * rng.choice(_STOREYS, size=n, p=_STOREY_SHARES)
    keep = built[row] & (end_m <= lines.length_m[line])
    mouth = keep & is_mouth & (end_m + gap_m <= lines.length_m[line])
    along_m = np.stack([start_m, end_m, end_m, start_m], axis=1)
    front_m, back_m = setback_m[row], setback_m[row] + depth_m[row]
    out_m = np.stack([front_m, front_m, back_m, back_m], axis=1)
    return _Rows(
        corners=lines.at(line[keep, np.newaxis], along_m[keep], out_m[keep]),
        row=row[keep],
        height_m=height_m[keep],
        mouths=(line[mouth], end_m[mouth] + gap_m[mouth] / 2),
    )


def _alleys(
    street: _Frontages, line: np.ndarray, along_m: np.ndarray, *, rng: np.random.Generator
) -> tuple[_Frontages, np.ndarray]:
    """The alleys running straight back from the mouths ``along_m`` along ``street[line]``.

    Returns
    -------
    alleys : _Frontages
        Both sides of each alley, from behind the street's deepest rows on.
    corridors : numpy.ndarray
        ``(n, 4, 2)`` corners of a strip along each alley, from the street's house fronts to
        the alley's end, that no house may touch.
    """
    behind_m = street.setback_m[line] + _HOUSE_DEPTH_M[1] + _ROW_GAP_M[0]
    length_m = rng.uniform(*_ALLEY_LENGTH_M, len(line))
    start = street.at(line, along_m, behind_m)
    sides = np.tile([[1.0], [-1.0]], (len(line), 1))
    alleys = _Frontages(
        origin=np.repeat(start, 2, axis=0),
        tangent=np.repeat(street.normal[line], 2, axis=0),
        normal=np.repeat(-street.tangent[line], 2, axis=0) * sides,
        length_m=np.repeat(length_m, 2),
        setback_m=np.full(2 * len(line), _ALLEY_SETBACK_M),
        bonus=np.repeat(street.bonus[line], 2),
    )
    half_m = _ALLEY_CLEAR_HALF_WIDTH_M
    along = along_m[:, np.newaxis] + np.array([-half_m, half_m, half_m, -half_m])
    front_m = street.setback_m[line] - _SETBACK_JITTER_M
    out = np.stack([front_m, front_m, behind_m + length_m, behind_m + length_m], axis=1)
    return alleys, street.at(line[:, np.newaxis], along, out)


def _blocks(
    zone: shapely.Geometry,
    segments: shapely.STRtree,
    *,
    per_km2: float,
    side_m: tuple[float, float],
    yard_m: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Rectangular blocks (sides ``side_m``) in ``zone``, a yard apart, clear of the roads.

    Candidates are drawn at random, ``per_km2`` of the zone's bounding box; those inside the
    zone and clear of the roads' ``segments`` are kept in the order drawn while a yard clear of
    those already kept. Returns the kept rectangles, coordinates rounded to 0.01 m.
    """
    xmin, ymin, xmax, ymax = zone.bounds
    count = round((xmax - xmin) * (ymax - ymin) / 1e6 * per_km2)
    centre = rng.uniform([xmin, ymin], [xmax, ymax], (count, 2))
    half = rng.uniform(*side_m, (count, 2)) / 2
    low, high = np.round(centre - half, 2), np.round(centre + half, 2)
    rectangles = shapely.box(low[:, 0], low[:, 1], high[:, 0], high[:, 1])
    fits = shapely.contains_properly(zone.buffer(-_BLOCK_ROAD_CLEARANCE_M), rectangles)
    fits &= ~_near(rectangles, segments, _BLOCK_ROAD_CLEARANCE_M)
    keep = _keep_apart(rectangles, fits, group=np.arange(count), clearance_m=yard_m)
    return rectangles[keep]


def _segments(lines: np.ndarray) -> shapely.STRtree:
    """A tree of the ``lines``' segments: a long line's envelope would bring everything near."""
    xy, line = shapely.get_coordinates(lines, return_index=True)
    joined = np.flatnonzero(line[1:] == line[:-1])
    return shapely.STRtree(shapely.linestrings(np.stack([xy[joined], xy[joined + 1]], axis=1)))


def _near(geometries: np.ndarray, segments: shapely.STRtree, distance_m: float) -> np.ndarray:
    """Whether each of the ``geometries`` comes within ``distance_m`` of one of the
    ``segments``."""
    near, _ = segments.query(geometries, predicate="dwithin", distance=distance_m)
    is_near = np.zeros(len(geometries), dtype=bool)
    is_near[near] = True
    return is_near


def _keep_apart(
    polygons: np.ndarray,
    fits: np.ndarray,
    *,
    group: np.ndarray,
    clearance_m: float = 0.0,
) -> np.ndarray:
    """Which of the ``polygons`` that ``fits`` to keep, first come first kept: each is dropped
    when within ``clearance_m`` of (or touching) one kept before it, unless in the same
    ``group`` (the houses of one row, which share party walls)."""
    index = np.flatnonzero(fits)
    candidates = polygons[index]
    tree = shapely.STRtree(candidates)
    if clearance_m > 0:
        first, second = tree.query(candidates, predicate="dwithin", distance=clearance_m)
    else:
        first, second = tree.query(candidates)  # their envelopes meet
    pair = (first < second) & (group[index][first] != group[index][second])
    first, second = first[pair], second[pair]
    clash = shapely.dwithin(candidates[first], candidates[second], clearance_m)
    first, second = first[clash], second[clash]
    order = np.lexsort((second, first))
    first, second = first[order], second[order]
    kept = np.ones(len(index), dtype=bool)
    bounds = np.flatnonzero(np.diff(first, prepend=-1, append=len(index) + 1))
    for start, stop in itertools.pairwise(bounds):
        if kept[first[start]]:
            kept[second[start:stop]] = False
    keep = np.zeros(len(polygons), dtype=bool)
    keep[index[kept]] = True
    return keep
