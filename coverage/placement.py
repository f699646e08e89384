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

from coverage.arrays import ranges, sorted_unique, unique_codes, whole_runs
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
    def owner(self) -> np.ndarray:
        """The candidate of each entry of :attr:`pieces`."""
        return np.repeat(np.arange(len(self)), np.diff(self.start))

    @cached_property
    def weight_alone(self) -> np.ndarray:
        """The weight each candidate covers on its own."""
        return np.bincount(self.owner, weights=self.piece_weight[self.pieces], minlength=len(self))

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
        parts.append(np.divmod(sorted_unique(pair[unseen[piece]]), cuts.size))
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


def upper_bound(problem: CoverageProblem, k: int, *, spacing_m: float = SPACING_M) -> float:
    """The most weight any ``k`` candidates could cover: the linear relaxation's optimum.

    Solved by column generation: the relaxation over the candidates that cover the most on
    their own, then, while some left-out candidate has a negative reduced cost (it could raise
    the optimum), the most promising of those are added and it is solved again (from the last
    basis when fewer than a whole batch entered). When none has, the restricted optimum is the
    optimum over all candidates.
    """
    n = len(problem)
    if n == 0 or problem.piece_m.size == 0 or k <= 0:
        return 0.0
    model = coverage_model(problem, k, spacing_m=spacing_m)
    batch = max(PRICING_BATCH, 5 * k)
    columns = np.sort(np.lexsort((np.arange(n), -problem.weight_alone))[:batch])
    restricted = _Restricted(model)
    restricted.add(columns)
    again = False
    while True:
        reduced = model.reduced_costs(restricted.solve(again=again))
        reduced[columns] = 0.0
        entering = np.flatnonzero(reduced < -PRICING_TOLERANCE)
        if entering.size == 0:
            return -restricted.objective
        best = entering[np.lexsort((entering, reduced[entering]))][:batch]
        columns = np.union1d(columns, best)
        restricted.add(best)
        again = best.size < batch


class _Restricted:
    """The relaxation of a :class:`CoverageModel` over some of its candidates, kept in one HiGHS
    solver as candidates are added (:func:`upper_bound`).

    It holds only the rows its candidates touch, and the piece columns of those rows. The other
    rows are met by any solution: a shared piece none of its candidates covers stays unseen,
    its row's dual is the piece's cost (its weight, negated), and any other row's dual is 0.
    """

    def __init__(self, model: CoverageModel):
        self.model = model
        self.row = np.full(model.upper.size, -1)  # each model row's row here, -1 when absent
        self.rows = 0
        self.solver = _solver()

    def add(self, columns: np.ndarray) -> None:
        """Add the candidates ``columns`` (none of them already in)."""
        import highspy

        model, n = self.model, self.model.n_candidates
        touched = model.index[ranges(model.start[columns], np.diff(model.start)[columns])]
        new = sorted_unique(touched)
        new = new[self.row[new] < 0]
        self.row[new] = self.rows + np.arange(new.size)
        self.rows += new.size
        empty, lower = np.zeros(0, np.int32), np.full(new.size, -highspy.kHighsInf)
        self.solver.addRows(new.size, lower, model.upper[new], 0, empty, empty, np.zeros(0))
        kept = np.r_[columns, n + new[new < model.cost.size - n]]  # and the new rows' pieces
        count = np.diff(model.start)[kept]
        entries = ranges(model.start[kept], count)
        starts = (np.cumsum(count) - count).astype(np.int32)
        rows = self.row[model.index[entries]].astype(np.int32)
        bounds = np.zeros(kept.size), np.ones(kept.size)
        cost, value = model.cost[kept], model.value[entries]
        self.solver.addCols(kept.size, cost, *bounds, entries.size, starts, rows, value)

    def solve(self, *, again: bool) -> np.ndarray:
        """Solve (from the last basis when ``again``); return the dual of every model row."""
        if not again:
            self.solver.clearSolver()
        self.solver.run()
        model, n = self.model, self.model.n_candidates
        dual = np.zeros(model.upper.size)
        dual[: model.cost.size - n] = model.cost[n:]
        present = np.flatnonzero(self.row >= 0)
        dual[present] = np.asarray(self.solver.getSolution().row_dual)[self.row[present]]
        return dual

    @property
    def objective(self) -> float:
        """The optimum of the last solve (the weight seen, negated)."""
        return float(self.solver.getInfo().objective_function_value)


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
        np.divmod(pair, groups, out=(owners[there], pieces[there]))
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

    def highs_lp(self, *, integer: bool = False):
        """The whole model as a ``highspy.HighsLp`` (with ``integer``, the candidates' columns
        integer)."""
        import highspy

        n = self.n_candidates
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = self.cost.size, self.upper.size
        lp.col_cost_ = self.cost
        lp.col_lower_ = np.zeros(self.cost.size)
        lp.col_upper_ = np.ones(self.cost.size)
        lp.row_lower_ = np.full(self.upper.size, -highspy.kHighsInf)
        lp.row_upper_ = self.upper
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = self.start
        lp.a_matrix_.index_ = self.index
        lp.a_matrix_.value_ = self.value
        lp.sense_ = highspy.ObjSense.kMinimize
        if integer:
            kinds = highspy.HighsVarType
            lp.integrality_ = [kinds.kInteger] * n + [kinds.kContinuous] * (self.cost.size - n)
        return lp

    def reduced_costs(self, row_dual: np.ndarray) -> np.ndarray:
        """Each candidate column's reduced cost ``cost - column · row_dual``."""
        n = self.n_candidates
        entries = slice(0, self.start[n])
        priced = np.bincount(
            self.candidate_of_entry,
            weights=self.value[entries] * row_dual[self.index[entries]],
            minlength=n,
        )
        return self.cost[:n] - priced

    @cached_property
    def candidate_of_entry(self) -> np.ndarray:
        """The candidate column of each of the candidates' entries (they come first)."""
        n = self.n_candidates
        return np.repeat(np.arange(n), np.diff(self.start[: n + 1]))


def coverage_model(problem: CoverageProblem, k: int, *, spacing_m: float) -> CoverageModel:
    """The coverage programme of ``problem`` for ``k`` picks (see :class:`CoverageModel`).

    Each column's entries are laid out in row order as they are made: a candidate's shared
    pieces, the row of ``k``, its site's row, then the rows of its site's close pairs.
    """
    n, owner = len(problem), problem.owner
    covering = np.bincount(problem.pieces, minlength=problem.piece_m.size)
    alone = covering[problem.pieces] == 1
    own_weight = np.bincount(
        owner[alone], weights=problem.piece_weight[problem.pieces[alone]], minlength=n
    )
    shared = np.flatnonzero(covering > 1)
    m = shared.size
    row_of = np.cumsum(covering > 1) - 1  # a shared piece's row (and y column) number
    sites, site_of = unique_codes(problem.site, problem.site_xy.shape[0])
    pairs_from = m + 1 + sites.size  # the first close pair's row
    a, b = problem.close_sites(spacing_m)
    # Each site's close pairs' rows, in row order: site s has pair_row[pair_start[s]:][:pairs[s]].
    pair_site = np.r_[a, b]
    by_site = np.argsort(pair_site * max(1, a.size) + np.r_[np.arange(a.size), np.arange(b.size)])
    pair_row = pairs_from + np.r_[np.arange(a.size), np.arange(b.size)][by_site]
    pairs = np.bincount(pair_site, minlength=problem.site_xy.shape[0])
    pair_start = np.cumsum(pairs) - pairs

    pieces = np.bincount(owner[~alone], minlength=n)  # a candidate's shared pieces
    count = np.r_[pieces + 2 + pairs[problem.site], np.ones(m, np.int64)]
    start = np.r_[0, np.cumsum(count)]
    index = np.empty(start[-1], dtype=np.int64)
    value = np.ones(start[-1])
    at = ranges(start[:n], pieces)
    index[at], value[at] = row_of[problem.pieces[~alone]], -1.0
    index[start[:n] + pieces] = m
    index[start[:n] + pieces + 1] = m + 1 + site_of
    near = pairs[problem.site]
    index[ranges(start[:n] + pieces + 2, near)] = pair_row[ranges(pair_start[problem.site], near)]
    index[start[n:-1]] = np.arange(m)
    return CoverageModel(
        n_candidates=n,
        cost=-np.r_[own_weight, problem.piece_weight[shared]],
        start=start,
        index=index,
        value=value,
        upper=np.r_[np.zeros(m), float(k), np.ones(sites.size), np.ones(a.size)],
    )


def _run(lp, *, time_limit_s: float = 60.0):
    """Solve ``lp`` with HiGHS, quietly; returns the solver."""
    solver = _solver(time_limit_s=time_limit_s)
    solver.passModel(lp)
    solver.run()
    return solver


def _solver(*, time_limit_s: float = 60.0):
    """A quiet HiGHS solver with a time limit."""
    from highspy.highs import _Highs  # the plain solver: highspy.Highs() prints a banner

    solver = _Highs()
    solver.setOptionValue("output_flag", False)
    solver.setOptionValue("time_limit", float(time_limit_s))
    return solver
