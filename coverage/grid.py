"""Pairs of intersecting boxes, found on a uniform grid with numpy alone.

The route engine needs, for thousands to hundreds of thousands of cameras, every road segment
whose bounding box meets the camera's. Building shapely geometries and an STRtree for millions
of two-point segments costs more than the whole exact computation, so this module hashes boxes
into square cells, joins the cells with a sort and a binary search, and reports each pair once
(from the cell holding the lower-left corner of the two boxes' overlap).
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from coverage.arrays import ranges


def intersecting_boxes(
    query: np.ndarray, items: np.ndarray, *, cell_m: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Every (query, item) pair whose closed boxes intersect, each pair once.

    Parameters
    ----------
    query, items : ndarray, shape (n, 4)
        Boxes as ``minx, miny, maxx, maxy`` in metres of one projected CRS.
    cell_m : float, optional, keyword-only
        Grid cell side in metres; by default the larger of the median box sides.

    Returns
    -------
    (ndarray of int, ndarray of int)
        Row numbers into ``query`` and ``items``, in an order that depends only on the input.

    Examples
    --------
    >>> q = np.array([[0.0, 0.0, 10.0, 10.0], [100.0, 100.0, 101.0, 101.0]])
    >>> i = np.array([[5.0, 5.0, 50.0, 6.0], [20.0, 20.0, 30.0, 30.0], [10.0, 0.0, 12.0, 1.0]])
    >>> sorted(zip(*(a.tolist() for a in intersecting_boxes(q, i))))
    [(0, 0), (0, 2)]
    """
    query, items = _columns(query), _columns(items)
    if query.shape[1] == 0 or items.shape[1] == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return BoxIndex(items.T, cell_m=cell_m or _default_cell_m(query, items)).query(query.T)


class BoxIndex:
    """Boxes hashed into square cells once, for many :meth:`query` calls (building walls are
    joined with every camera's view pieces, revision after revision).

    Parameters
    ----------
    items : ndarray, shape (n, 4)
        Boxes as ``minx, miny, maxx, maxy`` in metres.
    cell_m : float, optional, keyword-only
        Grid cell side in metres; by default the median side of the boxes (at least 1 m).
    """

    def __init__(self, items: np.ndarray, *, cell_m: float | None = None):
        items = _columns(items)
        self.items = items
        if items.shape[1] == 0:
            return
        self.cell = cell_m or _default_cell_m(items, items)
        self.extent = (items[0].min(), items[1].min(), items[2].max(), items[3].max())
        self.origin = self.extent[:2]
        self.rows = int((self.extent[3] - self.origin[1]) * (1.0 / self.cell)) + 1
        columns = int((self.extent[2] - self.origin[0]) * (1.0 / self.cell)) + 1
        self.n_cells = self.rows * columns
        self.item_low, item_row, item_key = _cells(items, self.origin, self.cell, self.rows)
        order = np.argsort(item_key, kind="stable")
        self.item_key, self.item_row = item_key[order], item_row[order]
        self.dense = self.n_cells <= max(DENSE_CELLS_MAX, 4 * self.item_key.size)
        if self.dense:  # cell runs looked up in a table rather than searched for
            counts = np.bincount(self.item_key, minlength=self.n_cells)
            self.starts, self.counts = np.cumsum(counts) - counts, counts

    def query(self, boxes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every (box, item) pair whose closed boxes intersect, each pair once: row numbers into
        ``boxes`` and into the items."""
        boxes = _columns(boxes)
        items = self.items
        empty = np.zeros(0, np.int64), np.zeros(0, np.int64)
        if boxes.shape[1] == 0 or items.shape[1] == 0:
            return empty
        # A box equal to the one before it meets the same items, in the same order: each run
        # of equal boxes (a site's views, turned several ways) is joined once.
        again = np.r_[False, np.all(boxes[:, 1:] == boxes[:, :-1], axis=0)]
        if again.any():
            first = np.flatnonzero(~again)
            box, item = self.query(boxes[:, first].T)
            found = np.bincount(box, minlength=first.size)  # the items each run's box meets
            start = np.cumsum(found) - found
            run = np.cumsum(~again) - 1
            pairs = found[run]
            return np.repeat(np.arange(again.size), pairs), item[ranges(start[run], pairs)]
        # Only the part of a box over the items' extent can meet an item: clipped to it, every
        # box's cells are cells of the index.
        x0, y0, x1, y1 = self.extent
        inside = np.flatnonzero(
            (boxes[0] <= x1) & (boxes[2] >= x0) & (boxes[1] <= y1) & (boxes[3] >= y0)
        )
        clipped = np.stack(
            [
                np.maximum(boxes[0][inside], x0),
                np.maximum(boxes[1][inside], y0),
                np.minimum(boxes[2][inside], x1),
                np.minimum(boxes[3][inside], y1),
            ]
        )
        query_low, query_row, query_key = _cells(clipped, self.origin, self.cell, self.rows)
        if self.dense:
            first, count = self.starts[query_key], self.counts[query_key]
        else:
            first = np.searchsorted(self.item_key, query_key, side="left")
            count = np.searchsorted(self.item_key, query_key, side="right") - first

        pair_query = np.repeat(query_row, count)
        pair_key = np.repeat(query_key, count)
        pair_item = self.item_row[
            np.repeat(first - (np.cumsum(count) - count), count) + np.arange(pair_query.size)
        ]

        # Boxes meet when the larger of their lower corners lies below both upper corners; the
        # pair is kept once, in the cell of that corner (cell numbers never decrease with
        # coordinates).
        corner_column = np.maximum(self.item_low[0][pair_item], query_low[0][pair_query])
        corner_row = np.maximum(self.item_low[1][pair_item], query_low[1][pair_query])
        once = corner_column * self.rows + corner_row == pair_key
        pair_query, pair_item = pair_query[once], pair_item[once]
        meets = (
            np.maximum(items[0][pair_item], clipped[0][pair_query])
            <= np.minimum(items[2][pair_item], clipped[2][pair_query])
        ) & (
            np.maximum(items[1][pair_item], clipped[1][pair_query])
            <= np.minimum(items[3][pair_item], clipped[3][pair_query])
        )
        return inside[pair_query[meets]], pair_item[meets]


def _columns(boxes) -> np.ndarray:
    """Boxes (n, 4) as four contiguous rows."""
    return np.ascontiguousarray(np.asarray(boxes, dtype=float).reshape(-1, 4).T)


class StraightEdges:
    """What road segments and building walls share: parallel arrays ``x0, y0, x1, y1`` of
    straight edges (metres), their count and their boxes for :func:`intersecting_boxes`."""

    x0: np.ndarray
    y0: np.ndarray
    x1: np.ndarray
    y1: np.ndarray

    def __len__(self) -> int:
        return self.x0.size

    @cached_property
    def boxes(self) -> np.ndarray:
        """Bounding box of each edge, shape (n, 4): minx, miny, maxx, maxy."""
        x0, y0, x1, y1 = self.x0, self.y0, self.x1, self.y1
        return np.column_stack(
            [np.minimum(x0, x1), np.minimum(y0, y1), np.maximum(x0, x1), np.maximum(y0, y1)]
        )


DENSE_CELLS_MAX = 1 << 22
"""Up to this many grid cells, cell runs are looked up in a table rather than searched for."""


def default_cell_m(query: np.ndarray, items: np.ndarray, *, repeats: int = 1) -> float:
    """The grid cell side :func:`intersecting_boxes` takes by default, in metres: the larger of
    the median box sides of ``query`` and ``items`` (boxes (n, 4)), at least 1 m.

    With ``repeats``, each query box stands for that many consecutive equal boxes (the views
    of one site, turned to several bearings): the cell is the one those boxes would get, so a
    join of the sites gives each site the pairs, in the order, each of its views would get.
    """
    return _default_cell_m(_columns(query), _columns(items), repeats=repeats)


def _default_cell_m(query: np.ndarray, items: np.ndarray, *, repeats: int = 1) -> float:
    """:func:`default_cell_m` of boxes as rows minx, miny, maxx, maxy."""
    # The median of at most ~4,000 evenly spaced boxes: robust to a few huge ones, and cheap.
    sides = [
        _median_side(query[:, _evenly_spaced(query.shape[1] * repeats) // repeats]),
        _median_side(items[:, _evenly_spaced(items.shape[1])]),
    ]
    return max(max(sides), 1.0)


def _evenly_spaced(count: int) -> np.ndarray:
    """Every ``count // 4096``-th of ``count`` rows (all of them when fewer than 8,192)."""
    return np.arange(0, count, max(1, count // 4096))


def _median_side(boxes: np.ndarray) -> float:
    """The median of the boxes' longer sides (boxes as rows minx, miny, maxx, maxy)."""
    return np.median(np.maximum(boxes[2] - boxes[0], boxes[3] - boxes[1]))


def _cells(boxes: np.ndarray, origin, cell: float, rows: int):
    """((column, row) of each box's lower-left cell, box number, cell key) per cell touched.

    Coordinates are never below ``origin``, so truncation is the floor.
    """
    scale = 1.0 / cell
    low_column = ((boxes[0] - origin[0]) * scale).astype(np.int64)
    low_row = ((boxes[1] - origin[1]) * scale).astype(np.int64)
    columns = ((boxes[2] - origin[0]) * scale).astype(np.int64) - low_column + 1
    rows_spanned = ((boxes[3] - origin[1]) * scale).astype(np.int64) - low_row + 1
    count = columns * rows_spanned
    if np.all(count == 1):
        return (low_column, low_row), np.arange(count.size), low_column * rows + low_row
    owner = np.repeat(np.arange(count.size), count)
    k = np.arange(owner.size) - np.repeat(np.cumsum(count) - count, count)
    column = low_column[owner] + k // rows_spanned[owner]
    row = low_row[owner] + k % rows_spanned[owner]
    return (low_column, low_row), owner, column * rows + row
