"""Where new cameras should go: weighted maximum coverage of the unseen key-route metres.

The unseen stretches of the key routes (after the existing active cameras) are cut at every end
of what any candidate would see into *pieces*; pieces seen by exactly the same candidates are
merged. Each candidate covers a set of pieces, each piece has a length in metres and a weight
(metres × route priority × hotspot weight). Choosing K candidates to cover the most weight, with
at most one pick per site and picks at least ``spacing_m`` apart, is a weighted maximum coverage
problem:

- :func:`greedy` picks by largest weighted gain with lazy evaluation (CELF), ties to the lower
  candidate number, so the same input gives the same picks;
- :func:`upper_bound` solves the linear relaxation with HiGHS: no choice of K candidates can
  cover more, so ``greedy / bound`` certifies how close the greedy picks are to the best;
- :func:`exact` solves the integer programme with HiGHS (instances up to a few thousand
  candidates).

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

from coverage.candidates import view_cameras
from coverage.checks import metric_crs
from coverage.errors import InputError
from coverage.grid import intersecting_boxes
from coverage.occlusion import Walls
from coverage.routes import RouteCoverage, seen_intervals
from coverage.tiers import Tier

SPACING_M = 30.0
"""Default least distance between two recommended cameras, in metres."""
_HASH_SEED = 20_251_130
PRICING_BATCH = 500
"""Candidates the bound's column generation starts with, and adds at most per round."""
PRICING_TOLERANCE = 1e-7
"""Reduced costs above this negative are taken as zero (HiGHS's own dual tolerance)."""


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
    views = view_cameras(candidates, segments.crs, tier=tier)
    cam, seg, lo, hi = seen_intervals(segments, views, walls=walls)
    gap_seg, gap_lo, gap_hi = routes.unseen
    gap_from, gap_to = 2.0 * gap_seg + gap_lo, 2.0 * gap_seg + gap_hi
    view_from, view_to = 2.0 * seg + lo, 2.0 * seg + hi
    cuts = np.unique(np.concatenate([gap_from, gap_to, view_from, view_to]))
    # A piece lies between consecutive cuts of one segment, and inside an unseen stretch.
    piece_seg = np.floor(cuts[:-1] / 2.0).astype(np.int64)
    middle = (cuts[:-1] + cuts[1:]) / 2.0
    gap = np.searchsorted(gap_from, middle, side="right") - 1
    unseen = (
        (piece_seg == np.floor(cuts[1:] / 2.0)) & (gap >= 0) & (middle < gap_to[np.maximum(gap, 0)])
    )
    first = np.searchsorted(cuts, view_from)
    count = np.searchsorted(cuts, view_to) - first
    owner, piece = np.repeat(cam, count), _ranges(first, count)
    keep = unseen[piece]
    pair = np.unique(owner[keep] * cuts.size + piece[keep])
    owner, piece = pair // cuts.size, pair % cuts.size
    piece_m = (cuts[1:] - cuts[:-1]) * segments.length_m[piece_seg]
    piece_weight = piece_m * weight[piece_seg]
    owner, piece, merged_m, merged_weight = _merge_alike(
        owner, piece, piece_m, piece_weight, len(views)
    )
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
    owner = np.repeat(np.arange(len(problem)), np.diff(problem.start))
    gains = np.bincount(owner, weights=problem.piece_weight[problem.pieces], minlength=len(problem))
    heap = [(-gain, c) for c, gain in enumerate(gains.tolist()) if gain > 0]
    heapq.heapify(heap)
    fresh = np.zeros(len(problem), dtype=np.int64)  # the round each gain was computed in
    blocked = np.zeros(problem.site_xy.shape[0], dtype=bool)
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
        blocked |= _within(problem.site_xy, problem.site_xy[problem.site[c]], spacing_m)
        blocked[problem.site[c]] = True
    return Placement(
        np.array(picks, dtype=np.int64),
        np.array(gain_m),
        np.array(gain_weight),
        problem.covered_before_m,
        problem.length_m,
    )


def upper_bound(problem: CoverageProblem, k: int, *, spacing_m: float = SPACING_M) -> float:
    """The most weight any ``k`` candidates could cover: the linear relaxation's optimum.

    Solved by column generation: the relaxation over the candidates that cover the most on
    their own, then, while some left-out candidate has a negative reduced cost (it could raise
    the optimum), the most promising of those are added and it is solved again. When none has,
    the restricted optimum is the optimum over all candidates.
    """
    n = len(problem)
    if n == 0 or problem.piece_m.size == 0 or k <= 0:
        return 0.0
    model = coverage_model(problem, k, spacing_m=spacing_m)
    owner = np.repeat(np.arange(n), np.diff(problem.start))
    alone = np.bincount(owner, weights=problem.piece_weight[problem.pieces], minlength=n)
    batch = max(PRICING_BATCH, 5 * k)
    columns = np.sort(np.lexsort((np.arange(n), -alone))[:batch])
    while True:
        solver = _run(model.highs_lp(columns))
        reduced = model.reduced_costs(np.asarray(solver.getSolution().row_dual))
        reduced[columns] = 0.0
        entering = np.flatnonzero(reduced < -PRICING_TOLERANCE)
        if entering.size == 0:
            return -float(solver.getInfo().objective_function_value)
        best = entering[np.lexsort((entering, reduced[entering]))][:batch]
        columns = np.union1d(columns, best)


def exact(
    problem: CoverageProblem, k: int, *, spacing_m: float = SPACING_M, time_limit_s: float = 60.0
) -> tuple[Placement, float]:
    """The best ``k`` picks (integer programme, HiGHS), and the proven bound on the optimum.

    The bound equals the picks' weight when HiGHS proved optimality within ``time_limit_s``.
    """
    n = len(problem)
    chosen = np.zeros(0, dtype=np.int64)
    bound = 0.0
    if n and problem.piece_m.size and k > 0:
        model = coverage_model(problem, k, spacing_m=spacing_m)
        solver = _run(model.highs_lp(integer=True), time_limit_s=time_limit_s)
        chosen = np.flatnonzero(np.asarray(solver.getSolution().col_value[:n]) > 0.5)
        bound = -float(solver.getInfo().mip_dual_bound)
    order = sorted(chosen.tolist(), key=lambda c: (-problem.value([c]), c))
    covered = np.zeros(problem.piece_m.size, dtype=bool)
    gain_m, gain_weight = [], []
    for c in order:
        new = problem.covers(c)[~covered[problem.covers(c)]]
        covered[new] = True
        gain_m.append(float(problem.piece_m[new].sum()))
        gain_weight.append(float(problem.piece_weight[new].sum()))
    placement = Placement(
        np.array(order, dtype=np.int64),
        np.array(gain_m),
        np.array(gain_weight),
        problem.covered_before_m,
        problem.length_m,
    )
    return placement, max(bound, placement.weight)


def _ranges(first: np.ndarray, count: np.ndarray) -> np.ndarray:
    """``first[i], first[i] + 1, …, first[i] + count[i] - 1`` for every i, concatenated."""
    return np.arange(count.sum()) - np.repeat(np.cumsum(count) - count - first, count)


def _merge_alike(owner, piece, piece_m, piece_weight, n_candidates):
    """Merge pieces covered by exactly the same candidates; drop pieces nobody covers.

    Pieces are grouped by a 128-bit hash of their set of candidates (two sums of fixed random
    64-bit keys, and the count): two different sets share one with a chance below 1e-30.

    Returns the (candidate, piece) pairs renumbered and sorted by candidate, and the merged
    pieces' metres and weights.
    """
    if piece.size == 0:
        return piece, piece, np.zeros(0), np.zeros(0)
    keys = np.random.default_rng(_HASH_SEED).integers(
        0, np.iinfo(np.uint64).max, size=(2, n_candidates), dtype=np.uint64, endpoint=True
    )
    used, of_pair = np.unique(piece, return_inverse=True)
    hashes = np.zeros((3, used.size), dtype=np.uint64)
    for row in range(2):
        np.add.at(hashes[row], of_pair, keys[row, owner])
    np.add.at(hashes[2], of_pair, np.uint64(1))
    order = np.lexsort(hashes)
    new = np.r_[True, np.any(hashes[:, order[1:]] != hashes[:, order[:-1]], axis=0)]
    label = np.empty(used.size, dtype=np.int64)
    label[order] = np.cumsum(new) - 1
    groups = int(new.sum())
    merged_m = np.bincount(label, weights=piece_m[used], minlength=groups)
    merged_weight = np.bincount(label, weights=piece_weight[used], minlength=groups)
    pair = np.unique(owner * groups + label[of_pair])
    return pair // groups, pair % groups, merged_m, merged_weight


def _within(xy: np.ndarray, point: np.ndarray, spacing_m: float) -> np.ndarray:
    """Which rows of ``xy`` lie less than ``spacing_m`` from ``point`` (NaN rows: none)."""
    with np.errstate(invalid="ignore"):
        return np.hypot(xy[:, 0] - point[0], xy[:, 1] - point[1]) < spacing_m


@dataclass(frozen=True, eq=False)
class CoverageModel:
    """The coverage programme's columns as a sparse matrix (compressed by column).

    Columns: ``x_c`` per candidate (1 = installed), then ``y_p`` per piece that two or more
    candidates cover (1 = seen), all in [0, 1]. A piece only one candidate covers is seen exactly
    when that candidate is installed, so its weight goes to the candidate's column instead.
    The objective is to minimise ``cost`` (the weight seen, negated). Rows, all ``<= upper``:
    ``y_p - sum(x_c covering p) <= 0`` per shared piece; ``sum(x) <= k``;
    ``sum(x at a site) <= 1`` per site; ``sum(x at site i) + sum(x at site j) <= 1`` per pair of
    sites closer than ``spacing_m``.
    """

    n_candidates: int
    cost: np.ndarray
    start: np.ndarray
    index: np.ndarray
    value: np.ndarray
    upper: np.ndarray

    def highs_lp(self, columns: np.ndarray | None = None, *, integer: bool = False):
        """The model as a ``highspy.HighsLp``, of every column or only the candidates
        ``columns`` (and every piece column)."""
        import highspy

        n = self.n_candidates
        if columns is None:
            columns = np.arange(n)
        kept = np.r_[columns, np.arange(n, self.cost.size)]
        count = np.diff(self.start)[kept]
        entries = _ranges(self.start[kept], count)
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = kept.size, self.upper.size
        lp.col_cost_ = self.cost[kept]
        lp.col_lower_ = np.zeros(kept.size)
        lp.col_upper_ = np.ones(kept.size)
        lp.row_lower_ = np.full(self.upper.size, -highspy.kHighsInf)
        lp.row_upper_ = self.upper
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.r_[0, np.cumsum(count)]
        lp.a_matrix_.index_ = self.index[entries]
        lp.a_matrix_.value_ = self.value[entries]
        lp.sense_ = highspy.ObjSense.kMinimize
        if integer:
            kinds = highspy.HighsVarType
            lp.integrality_ = [kinds.kInteger] * columns.size + [kinds.kContinuous] * (
                kept.size - columns.size
            )
        return lp

    def reduced_costs(self, row_dual: np.ndarray) -> np.ndarray:
        """Each candidate column's reduced cost ``cost - column · row_dual``."""
        n = self.n_candidates
        owner = np.repeat(np.arange(n), np.diff(self.start[: n + 1]))
        entries = slice(0, self.start[n])
        priced = np.bincount(
            owner, weights=self.value[entries] * row_dual[self.index[entries]], minlength=n
        )
        return self.cost[:n] - priced


def coverage_model(problem: CoverageProblem, k: int, *, spacing_m: float) -> CoverageModel:
    """The coverage programme of ``problem`` for ``k`` picks (see :class:`CoverageModel`)."""
    n = len(problem)
    owner = np.repeat(np.arange(n), np.diff(problem.start))
    covering = np.bincount(problem.pieces, minlength=problem.piece_m.size)
    alone = covering[problem.pieces] == 1
    own_weight = np.bincount(
        owner[alone], weights=problem.piece_weight[problem.pieces[alone]], minlength=n
    )
    shared = np.flatnonzero(covering > 1)
    m = shared.size
    row_of = np.cumsum(covering > 1) - 1  # a shared piece's row (and y column) number
    owner, piece = owner[~alone], row_of[problem.pieces[~alone]]
    rows = [np.r_[piece, np.arange(m)], np.full(n, m)]
    cols = [np.r_[owner, n + np.arange(m)], np.arange(n)]
    values = [np.r_[-np.ones(owner.size), np.ones(m)], np.ones(n)]
    upper = [np.zeros(m), [float(k)]]
    next_row = m + 1
    sites, site_of = np.unique(problem.site, return_inverse=True)
    rows.append(next_row + site_of)
    cols.append(np.arange(n))
    values.append(np.ones(n))
    upper.append(np.ones(sites.size))
    next_row += sites.size
    a, b = problem.close_sites(spacing_m)
    if a.size:
        by_site = np.argsort(problem.site, kind="stable")
        views = np.bincount(problem.site, minlength=problem.site_xy.shape[0])
        first = np.cumsum(views) - views
        for side in (a, b):
            rows.append(next_row + np.repeat(np.arange(side.size), views[side]))
            cols.append(by_site[_ranges(first[side], views[side])])
            values.append(np.ones(views[side].sum()))
        upper.append(np.ones(a.size))
        next_row += a.size
    row, col, value = (np.concatenate(x) for x in (rows, cols, values))
    order = np.lexsort((row, col))
    return CoverageModel(
        n_candidates=n,
        cost=-np.r_[own_weight, problem.piece_weight[shared]],
        start=np.r_[0, np.cumsum(np.bincount(col, minlength=n + m))],
        index=row[order],
        value=value[order],
        upper=np.concatenate([np.asarray(u, dtype=float) for u in upper]),
    )


def _run(lp, *, time_limit_s: float = 60.0):
    """Solve ``lp`` with HiGHS, quietly; returns the solver."""
    from highspy.highs import _Highs  # the plain solver: highspy.Highs() prints a banner

    solver = _Highs()
    solver.setOptionValue("output_flag", False)
    solver.setOptionValue("time_limit", float(time_limit_s))
    solver.passModel(lp)
    solver.run()
    return solver
