"""Where new cameras should go: weighted maximum coverage of the unseen key-route metres.

The unseen stretches of the key routes (after the existing active cameras) are cut at every end
of what any candidate would see into *pieces*; pieces seen by exactly the same candidates are
merged. Each candidate covers a set of pieces, each piece has a length in metres and a weight
(metres × route priority × hotspot weight). Choosing K candidates to cover the most weight, with
at most one pick per site and picks at least ``spacing_m`` apart, is a weighted maximum coverage
problem:

- :func:`greedy` picks by largest weighted gain with lazy evaluation (CELF), ties to the lower
  candidate number, so the same input gives the same picks;
- :mod:`coverage.programme` writes it as a linear programme for HiGHS: its relaxation's optimum
  bounds what any K candidates could cover (so ``greedy / bound`` certifies how close the
  greedy picks are to the best), and the integer programme gives the best picks exactly on
  small instances.

Covered metres are exact (the same intervals as :func:`coverage.routes.route_coverage`, with the
same building walls and at the same detail tier), so the metres after placement equal what the
engine reports for existing + recommended cameras.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from coverage.arrays import ranges, sorted_unique, split_pairs, whole_runs
from coverage.candidates import view_specs
from coverage.checks import metric_crs
from coverage.errors import InputError
from coverage.grid import intersecting_boxes
from coverage.occlusion import Walls
from coverage.routes import RouteCoverage, views_intervals
from coverage.tiers import Tier

SPACING_M = 30.0
"""Default least distance between two recommended cameras, in metres."""
_HASH_SEED = 20_251_130
_PAIRED_INTERVALS = 100_000
"""About how many intervals :func:`coverage_problem` cuts into pieces at once."""


@dataclass(frozen=True, eq=False)
class CoverageProblem:
    """Candidates, the unseen pieces they would see, and the constraints between them.

    Attributes
    ----------
    candidates : pandas.DataFrame
        The candidate views (:func:`coverage.candidates.candidate_views`), numbered by row.
    piece_m, piece_weight : ndarray of float
        Per piece: unseen metres, and weight (metres × route priority × hotspot weight).
    start, pieces : ndarray of int
        Candidate ``c`` covers ``pieces[start[c]:start[c + 1]]`` (sorted).
    covered_before_m, length_m : float
        Key-route metres seen by the existing cameras, and all key-route metres.
    """

    candidates: pd.DataFrame
    piece_m: np.ndarray
    piece_weight: np.ndarray
    start: np.ndarray
    pieces: np.ndarray
    covered_before_m: float
    length_m: float

    def __len__(self) -> int:
        return len(self.candidates)

    def covers(self, candidate: int) -> np.ndarray:
        """The pieces candidate ``candidate`` covers."""
        return self.pieces[self.start[candidate] : self.start[candidate + 1]]

    @cached_property
    def owner(self) -> np.ndarray:
        """The candidate of each entry of :attr:`pieces`."""
        return np.repeat(np.arange(len(self)), np.diff(self.start))

    @cached_property
    def weight_alone(self) -> np.ndarray:
        """The weight each candidate covers on its own."""
        return self.alone(self.piece_weight)

    def alone(self, piece_weight: np.ndarray) -> np.ndarray:
        """What each candidate covers on its own when the pieces weigh ``piece_weight``."""
        return np.bincount(self.owner, weights=piece_weight[self.pieces], minlength=len(self))

    @cached_property
    def covering(self) -> np.ndarray:
        """How many candidates cover each piece."""
        return np.bincount(self.pieces, minlength=self.piece_m.size)

    @cached_property
    def sole(self) -> np.ndarray:
        """Which entries of :attr:`pieces` are of a piece no other candidate covers."""
        return self.covering[self.pieces] == 1

    @cached_property
    def site(self) -> np.ndarray:
        """Each candidate's site number."""
        return self.candidates["site"].to_numpy(dtype=np.int64)

    @cached_property
    def site_xy(self) -> np.ndarray:
        """Each site's coordinates (n_sites, 2), by site number."""
        xy = np.full((int(self.site.max(initial=-1)) + 1, 2), np.nan)
        xy[self.site] = self.candidates[["x_m", "y_m"]].to_numpy(dtype=float)
        return xy

    def value(self, picks, *, weighted: bool = True) -> float:
        """The weight (or metres) the candidates ``picks`` cover together."""
        chosen = np.unique(np.concatenate([self.covers(c) for c in picks] or [np.zeros(0, int)]))
        return float((self.piece_weight if weighted else self.piece_m)[chosen].sum())

    def close_sites(self, spacing_m: float) -> tuple[np.ndarray, np.ndarray]:
        """Pairs of distinct sites (i < j) less than ``spacing_m`` apart."""
        xy = self.site_xy
        used = np.flatnonzero(np.isfinite(xy[:, 0]))
        if spacing_m <= 0 or used.size < 2:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        half = spacing_m / 2.0
        boxes = np.c_[xy[used] - half, xy[used] + half]
        a, b = intersecting_boxes(boxes, boxes, cell_m=spacing_m)
        a, b = used[a], used[b]
        keep = (a < b) & (np.hypot(*(xy[a] - xy[b]).T) < spacing_m)
        return a[keep], b[keep]


@dataclass(frozen=True)
class Placement:
    """Picks of a placement method, best first, with the running totals.

    Attributes
    ----------
    picks : ndarray of int
        Candidate numbers, in the order picked.
    gain_m, gain_weight : ndarray of float
        What each pick newly covers, in metres and in weight, given the picks before it.
    covered_before_m, length_m : float
        As in :class:`CoverageProblem`.
    """

    picks: np.ndarray
    gain_m: np.ndarray
    gain_weight: np.ndarray
    covered_before_m: float
    length_m: float

    @property
    def covered_after_m(self) -> float:
        """Key-route metres seen by the existing and the picked cameras."""
        return self.covered_before_m + float(self.gain_m.sum())

    @property
    def weight(self) -> float:
        """The objective: weight newly covered by all picks."""
        return float(self.gain_weight.sum())

    def curve(self) -> pd.DataFrame:
        """Coverage against the number of new cameras: ``k``, ``covered_m``, ``share``."""
        covered = self.covered_before_m + np.r_[0.0, np.cumsum(self.gain_m)]
        share = covered / self.length_m if self.length_m > 0 else np.zeros(covered.size)
        return pd.DataFrame({"k": np.arange(covered.size), "covered_m": covered, "share": share})


def coverage_problem(
    routes: RouteCoverage,
    candidates: pd.DataFrame,
    *,
    segment_weight: np.ndarray | None = None,
    walls: Walls | None = None,
    tier: Tier | None = None,
) -> CoverageProblem:
    """The pieces each candidate would newly see, from the existing cameras' route coverage.

    A candidate's pieces are exactly what :func:`coverage.routes.route_coverage` with ``walls``
    gives that camera at ``tier``, less what the existing cameras see.

    Parameters
    ----------
    routes : RouteCoverage
        The key routes' coverage by the existing cameras, computed with the same ``walls`` and
        at the same ``tier`` (``route_coverage(segments, at_tier(existing, tier), walls=walls)``).
    candidates : pandas.DataFrame
        Candidate views (:func:`coverage.candidates.candidate_views`) with ``site``, ``x_m``,
        ``y_m``, ``bearing_deg``, ``fov_deg``, ``range_m`` in the routes' CRS, and optionally
        ``horizontal_px`` and ``mount_height_m``.
    segment_weight : ndarray, optional, keyword-only
        A weight per segment of ``routes.segments`` (default 1): a piece weighs its metres
        times its segment's weight.
    walls : Walls, optional, keyword-only
        Building walls in the routes' CRS (:func:`coverage.occlusion.building_walls`) that
        block the candidates' views.
    tier : Tier, optional, keyword-only
        The detail tier: each candidate sees to its reach at that tier
        (:func:`coverage.tiers.at_tier`).
    """
    segments = routes.segments
    if walls is not None:
        metric_crs(segments=segments.crs, buildings=walls.crs)
    weight = np.ones(len(segments)) if segment_weight is None else np.asarray(segment_weight)
    if weight.shape != (len(segments),) or not np.all(np.isfinite(weight) & (weight >= 0)):
        raise InputError("segment_weight needs one finite weight >= 0 per road segment")
    views = view_specs(candidates, tier=tier)
    xy = candidates[["x_m", "y_m"]].to_numpy(dtype=float).reshape(-1, 2)
    cam, seg, lo, hi = views_intervals(segments, xy, views, walls=walls)
    gap_seg, gap_lo, gap_hi = routes.unseen
    gap_from, gap_to = 2.0 * gap_seg + gap_lo, 2.0 * gap_seg + gap_hi
    view_from, view_to = 2.0 * seg + lo, 2.0 * seg + hi
    cuts = sorted_unique(np.concatenate([gap_from, gap_to, view_from, view_to]))
    # A piece lies between consecutive cuts of one segment, and inside an unseen stretch.
    piece_seg = np.floor(cuts[:-1] / 2.0).astype(np.int64)
    middle = (cuts[:-1] + cuts[1:]) / 2.0
    gap = np.searchsorted(gap_from, middle, side="right") - 1  # -1: before every stretch
    ends = np.r_[gap_to, -np.inf]  # gap -1 reads the -inf: no piece there is unseen
    unseen = (piece_seg == np.floor(cuts[1:] / 2.0)) & (middle < ends[gap])
    first = np.searchsorted(cuts, view_from)
    count = np.searchsorted(cuts, view_to) - first
    piece_m = (cuts[1:] - cuts[:-1]) * segments.length_m[piece_seg]
    piece_weight = piece_m * weight[piece_seg]
    # Candidate by candidate, a few at a time: each (candidate, piece) pair once, in order.
    by_candidate = np.argsort(cam, kind="stable")
    parts = []
    for rows in whole_runs(by_candidate, cam[by_candidate], _PAIRED_INTERVALS):
        piece = ranges(first[rows], count[rows])
        pair = np.repeat(cam[rows] * cuts.size, count[rows])  # (candidate, piece) as one number
        pair += piece
        parts.append(split_pairs(sorted_unique(pair[unseen[piece]]), cuts.size))
    owner, piece, merged_m, merged_weight = _merge_alike(parts, piece_m, piece_weight, len(views))
    start = np.r_[0, np.cumsum(np.bincount(owner, minlength=len(views)))]
    return CoverageProblem(
        candidates=candidates.reset_index(drop=True),
        piece_m=merged_m,
        piece_weight=merged_weight,
        start=start,
        pieces=piece,
        covered_before_m=routes.total_covered_m,
        length_m=routes.length_m,
    )


def greedy(
    problem: CoverageProblem,
    k: int,
    *,
    spacing_m: float = SPACING_M,
    target_share: float | None = None,
) -> Placement:
    """Pick up to ``k`` candidates by largest weighted gain (lazy greedy, CELF).

    A pick rules out its own site and every site less than ``spacing_m`` away. Picking stops
    at ``k``, when nothing left gains anything, or (with ``target_share``) once the key routes'
    covered share reaches it.
    """
    covered = np.zeros(problem.piece_m.size, dtype=bool)
    heap = [(-gain, c) for c, gain in enumerate(problem.weight_alone.tolist()) if gain > 0]
    heapq.heapify(heap)
    fresh = np.zeros(len(problem), dtype=np.int64)  # the round each gain was computed in
    blocked = np.zeros(problem.site_xy.shape[0], dtype=bool)
    nearby = _Nearby(problem.site_xy, spacing_m)
    picks, gain_m, gain_weight = [], [], []
    covered_m = problem.covered_before_m
    while heap and len(picks) < k:
        if target_share is not None and covered_m >= target_share * problem.length_m:
            break
        negative, c = heapq.heappop(heap)
        if blocked[problem.site[c]]:
            continue
        if fresh[c] != len(picks):
            new = problem.covers(c)[~covered[problem.covers(c)]]
            gain = float(problem.piece_weight[new].sum())
            if gain > 0:
                fresh[c] = len(picks)
                heapq.heappush(heap, (-gain, c))
            continue
        new = problem.covers(c)[~covered[problem.covers(c)]]
        covered[new] = True
        picks.append(c)
        gain_weight.append(-negative)
        gain_m.append(float(problem.piece_m[new].sum()))
        covered_m += gain_m[-1]
        site = problem.site[c]
        strip = nearby.strip(site)
        blocked[strip] |= _within(problem.site_xy[strip], problem.site_xy[site], spacing_m)
        blocked[site] = True
    return Placement(
        np.array(picks, dtype=np.int64),
        np.array(gain_m),
        np.array(gain_weight),
        problem.covered_before_m,
        problem.length_m,
    )


def _merge_alike(parts, piece_m, piece_weight, n_candidates):
    """Merge pieces covered by exactly the same candidates; drop pieces nobody covers.

    ``parts`` are the (candidate, piece) pairs, each part's sorted and of candidates after the
    last part's. Pieces are grouped by a 128-bit hash of their set of candidates (two sums of
    fixed random 64-bit keys, and the count): two different sets share one with a chance below
    1e-30.

    Returns the (candidate, piece) pairs renumbered and sorted by candidate, and the merged
    pieces' metres and weights.
    """
    if not any(owner.size for owner, _ in parts):
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), np.zeros(0)
    keys = np.random.default_rng(_HASH_SEED).integers(
        0, np.iinfo(np.uint64).max, size=(2, n_candidates), dtype=np.uint64, endpoint=True
    )
    present = np.zeros(piece_m.size, dtype=bool)
    for _, piece in parts:
        present[piece] = True
    used, position = np.flatnonzero(present), np.cumsum(present) - 1
    hashes = np.zeros((3, used.size), dtype=np.uint64)
    for owner, piece in parts:
        for row in range(2):
            np.add.at(hashes[row], position[piece], keys[row, owner])
        np.add.at(hashes[2], position[piece], np.uint64(1))
    order = np.lexsort(hashes)
    new = np.r_[True, np.any(hashes[:, order[1:]] != hashes[:, order[:-1]], axis=0)]
    label = np.empty(used.size, dtype=np.int64)
    label[order] = np.cumsum(new) - 1
    groups = int(new.sum())
    merged_m = np.bincount(label, weights=piece_m[used], minlength=groups)
    merged_weight = np.bincount(label, weights=piece_weight[used], minlength=groups)
    # Renumbered, a candidate's pairs may repeat: each is kept once, written where it goes.
    owners = np.empty(sum(owner.size for owner, _ in parts), dtype=np.int64)
    pieces, filled = np.empty_like(owners), 0
    for owner, piece in parts:
        pair = sorted_unique(owner * groups + label[position[piece]])
        there = slice(filled, filled + pair.size)
        owners[there], pieces[there] = split_pairs(pair, groups)
        filled += pair.size
    return owners[:filled], pieces[:filled], merged_m, merged_weight


class _Nearby:
    """Sites sorted by x, to find the few a pick rules out without measuring all of them."""

    MARGIN_M = 1.0
    """Looked for beyond ``spacing_m``: far more than any rounding of the coordinates."""

    def __init__(self, xy: np.ndarray, spacing_m: float):
        self.xy = xy
        self.reach = max(spacing_m, 0.0) + self.MARGIN_M
        self.by_x = np.argsort(xy[:, 0])  # sites without a candidate (NaN) come last
        self.x = xy[self.by_x, 0]

    def strip(self, site: int) -> np.ndarray:
        """The sites whose x lies within ``spacing_m`` (and the margin) of site ``site``'s."""
        x = self.xy[site, 0]
        left = np.searchsorted(self.x, x - self.reach, side="left")
        right = np.searchsorted(self.x, x + self.reach, side="right")
        return self.by_x[left:right]


def _within(xy: np.ndarray, point: np.ndarray, spacing_m: float) -> np.ndarray:
    """Which rows of ``xy`` lie less than ``spacing_m`` from ``point`` (NaN rows: none)."""
    with np.errstate(invalid="ignore"):
        return np.hypot(xy[:, 0] - point[0], xy[:, 1] - point[1]) < spacing_m
