"""Intervals of a straight segment's parameter where simple conditions hold, vectorised.

A segment P(t) = C + A + t D, t in [0, 1], relative to a point C (a camera), meets a disc around C
on one interval of t, and a half-plane on one interval too; an empty interval is lo > hi. The
route engine (:mod:`coverage.routes`) and the occlusion engine (:mod:`coverage.occlusion`) build
what a camera sees of a segment from these pieces.
"""

from __future__ import annotations

import numpy as np

EDGE_TOLERANCE_M = 1e-9
"""Points within this distance outside a sector's straight edge still count as seen."""


def disc_interval(ax, ay, dx, dy, radius) -> tuple[np.ndarray, np.ndarray]:
    """Parameters t where |A + t D| <= radius (empty as lo > hi).

    >>> [float(t) for t in disc_interval(-10.0, 5.0, 20.0, 0.0, 5.0)]
    [0.5, 0.5]
    """
    a = dx * dx + dy * dy
    b = ax * dx + ay * dy
    c = ax * ax + ay * ay - radius * radius
    discriminant = b * b - a * c
    root = np.sqrt(np.maximum(discriminant, 0.0))
    hit = discriminant >= 0.0
    lo = np.where(hit, (-b - root) / a, np.inf)
    hi = np.where(hit, (-b + root) / a, -np.inf)
    return lo[()], hi[()]


def halfplane_interval(
    offset, slope, *, tolerance: float = EDGE_TOLERANCE_M
) -> tuple[np.ndarray, np.ndarray]:
    """Parameters t where ``offset + t * slope <= tolerance`` (empty as lo > hi).

    >>> [float(t) for t in halfplane_interval(-1.0, 2.0, tolerance=0.0)]
    [-inf, 0.5]
    """
    offset, slope = np.asarray(offset, dtype=float), np.asarray(slope, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        bound = (tolerance - offset) / slope
    flat_ok = offset <= tolerance
    lo = np.where(slope < 0, bound, np.where((slope > 0) | flat_ok, -np.inf, np.inf))
    hi = np.where(slope > 0, bound, np.where((slope < 0) | flat_ok, np.inf, -np.inf))
    return lo[()], hi[()]


def intervals_less(lo, hi, owner, cut_lo, cut_hi) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What is left of intervals ``[lo[i], hi[i]]`` once the cuts of each are taken away.

    Parameters
    ----------
    lo, hi : ndarray of float
        The intervals.
    owner : ndarray of int
        For each cut, the interval it cuts (a row number into ``lo``).
    cut_lo, cut_hi : ndarray of float
        The cuts, within their interval (empty cuts, lo >= hi, are ignored); they may overlap.

    Returns
    -------
    (ndarray of int, ndarray of float, ndarray of float)
        Disjoint pieces ``[from, to]`` (from < to) of interval ``index``, sorted by interval,
        then position.

    Examples
    --------
    >>> index, start, end = intervals_less(np.array([0.0, 0.0]), np.array([1.0, 1.0]),
    ...     np.array([0, 0]), np.array([0.2, 0.3]), np.array([0.4, 0.5]))
    >>> index.tolist(), start.tolist(), end.tolist()
    ([0, 0, 1], [0.0, 0.5, 0.0], [0.2, 1.0, 1.0])
    """
    lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
    owner = np.asarray(owner, dtype=np.int64)
    cut_lo, cut_hi = np.asarray(cut_lo, dtype=float), np.asarray(cut_hi, dtype=float)
    real = cut_hi > cut_lo
    owner, cut_lo, cut_hi = owner[real], cut_lo[real], cut_hi[real]
    order = np.lexsort((cut_lo, owner))
    owner, cut_lo, cut_hi = owner[order], cut_lo[order], cut_hi[order]
    # Cuts merge into runs: a cut opens a new run where it starts after every earlier cut of
    # its interval has ended. The running end is kept on one axis: interval, then position.
    if owner.size:
        low = cut_lo.min()
        axis = owner * 2.0 * (cut_hi.max() - low + 1.0) - low
        reach = np.maximum.accumulate(axis + cut_hi)
        opens = np.r_[True, (owner[1:] != owner[:-1]) | (axis[1:] + cut_lo[1:] > reach[:-1])]
        run = np.flatnonzero(opens)
    else:
        run = np.zeros(0, np.int64)
    run_owner, run_lo = owner[run], cut_lo[run]
    run_hi = np.maximum.reduceat(cut_hi, run) if run.size else np.zeros(0)
    first = np.r_[True, run_owner[1:] != run_owner[:-1]] if run.size else np.zeros(0, bool)
    last = np.r_[run_owner[1:] != run_owner[:-1], True] if run.size else np.zeros(0, bool)
    untouched = np.setdiff1d(np.arange(lo.size), run_owner)
    index = np.concatenate([run_owner, run_owner[last], untouched])
    start = np.concatenate(
        [np.where(first, lo[run_owner], np.r_[0.0, run_hi[:-1]]), run_hi[last], lo[untouched]]
    )
    end = np.concatenate([run_lo, hi[run_owner[last]], hi[untouched]])
    keep = end > start
    order = np.lexsort((start[keep], index[keep]))
    return index[keep][order], start[keep][order], end[keep][order]
