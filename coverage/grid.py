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
    query = np.ascontiguousarray(np.asarray(query, dtype=float).reshape(-1, 4).T)
    items = np.ascontiguousarray(np.asarray(items, dtype=float).reshape(-1, 4).T)
    if query.shape[1] == 0 or items.shape[1] == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    cell = cell_m or _default_cell_m(query, items)
    origin = (min(query[0].min(), items[0].min()), min(query[1].min(), items[1].min()))
    top_y = max(query[3].max(), items[3].max())
    rows = int((top_y - origin[1]) * (1.0 / cell)) + 1  # the same arithmetic as _cells

    columns = int((max(query[2].max(), items[2].max()) - origin[0]) * (1.0 / cell)) + 1
    item_low, item_row, item_key = _cells(items, origin, cell, rows)
    order = np.argsort(item_key, kind="stable")
    item_key, item_row = item_key[order], item_row[order]
    query_low, query_row, query_key = _cells(query, origin, cell, rows)
    first, count = _runs(item_key, query_key, rows * columns)

    pair_query = np.repeat(query_row, count)
    pair_key = np.repeat(query_key, count)
    pair_item = item_row[
        np.repeat(first - (np.cumsum(count) - count), count) + np.arange(pair_query.size)
    ]

    # Boxes meet when the larger of their lower corners lies below both upper corners; the pair
    # is kept once, in the cell of that corner (cell numbers never decrease with coordinates).
    corner_column = np.maximum(item_low[0][pair_item], query_low[0][pair_query])
    corner_row = np.maximum(item_low[1][pair_item], query_low[1][pair_query])
    once = corner_column * rows + corner_row == pair_key
    pair_query, pair_item = pair_query[once], pair_item[once]
    meets = (
        np.maximum(items[0][pair_item], query[0][pair_query])
        <= np.minimum(items[2][pair_item], query[2][pair_query])
    ) & (
        np.maximum(items[1][pair_item], query[1][pair_query])
        <= np.minimum(items[3][pair_item], query[3][pair_query])
    )
    return pair_query[meets], pair_item[meets]


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


def _runs(sorted_keys: np.ndarray, keys: np.ndarray, n_cells: int):
    """(first position, count) of each of ``keys`` in ``sorted_keys``."""
    if n_cells <= max(DENSE_CELLS_MAX, 4 * sorted_keys.size):
        counts = np.bincount(sorted_keys, minlength=n_cells)
        starts = np.cumsum(counts) - counts
        return starts[keys], counts[keys]
    first = np.searchsorted(sorted_keys, keys, side="left")
    return first, np.searchsorted(sorted_keys, keys, side="right") - first


def _default_cell_m(query: np.ndarray, items: np.ndarray) -> float:
    """The larger of the median box sides (boxes as rows minx, miny, maxx, maxy)."""
    # The median of at most ~4,000 evenly spaced boxes: robust to a few huge ones, and cheap.
    sides = [
        np.median(np.maximum(b[2] - b[0], b[3] - b[1])[:: max(1, b.shape[1] // 4096)])
        for b in (query, items)
    ]
    return max(max(sides), 1.0)


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
