"""Array helpers the engine needs at city scale, where numpy's own are slow.

numpy 2.3 made :func:`numpy.unique` (without ``return_index``, ``return_inverse`` or
``return_counts``) find the distinct values with a hash table before sorting them. On millions of
integers that is one to two orders of magnitude slower than sorting (numpy issue #31969), and the
placement problem of a whole city takes ``unique`` of ten million numbers. Its signed integer
division is about ten times slower than its unsigned one (:func:`split_pairs`).
"""

from __future__ import annotations

import itertools

import numpy as np


def sorted_unique(values) -> np.ndarray:
    """The distinct values of a 1-D array of integers or numbers that are not NaN, sorted:
    what :func:`numpy.unique` gives, by sorting.

    >>> sorted_unique(np.array([3, 1, 3, 2, 1])).tolist()
    [1, 2, 3]
    """
    ordered = np.sort(np.asarray(values).ravel())
    if ordered.size == 0:
        return ordered
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]]


def unique_codes(codes, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of a 1-D array of integers in ``[0, size)``, sorted, and the position
    of each value among them: what ``numpy.unique(codes, return_inverse=True)`` gives, in time
    linear in ``size`` and the number of codes rather than by sorting.

    >>> used, position = unique_codes(np.array([4, 1, 4, 2]), 6)
    >>> used.tolist(), position.tolist()
    ([1, 2, 4], [2, 0, 2, 1])
    """
    codes = np.asarray(codes)
    present = np.zeros(size, dtype=bool)
    present[codes] = True
    return np.flatnonzero(present), (np.cumsum(present) - 1)[codes]


def split_pairs(pairs, base: int) -> tuple[np.ndarray, np.ndarray]:
    """``pairs // base`` and ``pairs % base`` of pairs coded as ``first * base + second`` (none
    negative), as int64, by unsigned division.

    >>> [part.tolist() for part in split_pairs(np.array([7, 12]), 5)]
    [[1, 2], [2, 2]]
    """
    coded = np.asarray(pairs, dtype=np.int64).view(np.uint64)
    first, second = np.divmod(coded, np.uint64(base))
    return first.view(np.int64), second.view(np.int64)


def ranges(first: np.ndarray, count: np.ndarray) -> np.ndarray:
    """``first[i], first[i] + 1, …, first[i] + count[i] - 1`` for every i, concatenated.

    >>> ranges(np.array([5, 0]), np.array([2, 3])).tolist()
    [5, 6, 0, 1, 2]
    """
    return np.arange(count.sum()) - np.repeat(np.cumsum(count) - count - first, count)


def whole_runs(rows: np.ndarray, key: np.ndarray, size: int) -> list[np.ndarray]:
    """``rows`` cut into runs of about ``size``, never between two rows of the same ``key``
    (one per row, not decreasing), so that each key's rows are in one run.

    >>> [run.tolist() for run in whole_runs(np.arange(6), np.array([0, 0, 0, 1, 2, 2]), 2)]
    [[0, 1, 2, 3], [4, 5]]
    """
    edges = np.r_[0, np.searchsorted(key, key[size::size], side="left"), rows.size]
    return [rows[a:b] for a, b in itertools.pairwise(edges) if b > a]
