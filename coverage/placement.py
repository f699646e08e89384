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

Covered metres are exact (the same intervals as :func:`coverage.routes.route_coverage`), so the
metres after placement equal what the engine reports for existing + recommended cameras.
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass
from functools import cached_property

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from coverage.errors import InputError
from coverage.grid import intersecting_boxes
from coverage.routes import RouteCoverage, seen_intervals

SPACING_M = 30.0
"""Default least distance between two recommended cameras, in metres."""


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
) -> CoverageProblem:
    """The pieces each candidate would newly see, from the existing cameras' route coverage.

    Parameters
    ----------
    routes : RouteCoverage
        The key routes' coverage by the existing cameras.
    candidates : pandas.DataFrame
        Candidate views with ``site``, ``x_m``, ``y_m``, ``bearing_deg``, ``fov_deg``,
        ``range_m`` in the routes' CRS.
    segment_weight : ndarray, optional, keyword-only
        A weight per segment of ``routes.segments`` (default 1): a piece weighs its metres
        times its segment's weight.
    """
    segments = routes.segments
    weight = np.ones(len(segments)) if segment_weight is None else np.asarray(segment_weight)
    if weight.shape != (len(segments),) or not np.all(np.isfinite(weight) & (weight >= 0)):
        raise InputError("segment_weight needs one finite weight >= 0 per road segment")
    views = gpd.GeoDataFrame(
        candidates[["bearing_deg", "fov_deg", "range_m"]].reset_index(drop=True),
        geometry=shapely.points(candidates[["x_m", "y_m"]].to_numpy(dtype=float)),
        crs=segments.crs,
    )
    cam, seg, lo, hi = seen_intervals(segments, views)
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
    pairs = np.unique(np.c_[owner[keep], piece[keep]], axis=0)
    owner, piece = pairs[:, 0], pairs[:, 1]
    piece_m = (cuts[1:] - cuts[:-1]) * segments.length_m[piece_seg]
    piece_weight = piece_m * weight[piece_seg]
    owner, piece, merged_m, merged_weight = _merge_alike(owner, piece, piece_m, piece_weight)
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
    """The most weight any ``k`` candidates could cover: the linear relaxation's optimum."""
    return _solve(problem, k, spacing_m, integer=False)[0]


def exact(
    problem: CoverageProblem, k: int, *, spacing_m: float = SPACING_M, time_limit_s: float = 60.0
) -> tuple[Placement, float]:
    """The best ``k`` picks (integer programme, HiGHS), and the proven bound on the optimum.

    The bound equals the picks' weight when HiGHS proved optimality within ``time_limit_s``.
    """
    weight, values, bound = _solve(problem, k, spacing_m, integer=True, time_limit_s=time_limit_s)
    chosen = np.flatnonzero(values > 0.5)
    order = sorted(chosen.tolist(), key=lambda c: -problem.value([c]))
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
    return placement, max(bound, weight)


def _ranges(first: np.ndarray, count: np.ndarray) -> np.ndarray:
    """``first[i], first[i] + 1, …, first[i] + count[i] - 1`` for every i, concatenated."""
    return np.arange(count.sum()) - np.repeat(np.cumsum(count) - count - first, count)


def _merge_alike(owner, piece, piece_m, piece_weight):
    """Merge pieces covered by exactly the same candidates; drop pieces nobody covers.

    Returns the (candidate, piece) pairs renumbered and sorted by candidate, and the merged
    pieces' metres and weights.
    """
    if piece.size == 0:
        return piece, piece, np.zeros(0), np.zeros(0)
    by_piece = np.lexsort((owner, piece))
    owner, piece = owner[by_piece], piece[by_piece]
    bounds = np.flatnonzero(np.r_[True, piece[1:] != piece[:-1], True])
    used = piece[bounds[:-1]]
    groups = {}
    label = np.empty(used.size, dtype=np.int64)
    for i, (a, b) in enumerate(itertools.pairwise(bounds.tolist())):
        label[i] = groups.setdefault(owner[a:b].tobytes(), len(groups))
    merged_m = np.bincount(label, weights=piece_m[used], minlength=len(groups))
    merged_weight = np.bincount(label, weights=piece_weight[used], minlength=len(groups))
    first_of_group = np.unique(label, return_index=True)[1]
    keep = np.isin(np.repeat(np.arange(used.size), np.diff(bounds)), first_of_group)
    pairs = np.c_[owner[keep], np.repeat(label, np.diff(bounds))[keep]]
    pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]
    return pairs[:, 0], pairs[:, 1], merged_m, merged_weight


def _within(xy: np.ndarray, point: np.ndarray, spacing_m: float) -> np.ndarray:
    """Which rows of ``xy`` lie less than ``spacing_m`` from ``point`` (NaN rows: none)."""
    with np.errstate(invalid="ignore"):
        return np.hypot(xy[:, 0] - point[0], xy[:, 1] - point[1]) < spacing_m


def _solve(problem, k, spacing_m, *, integer, time_limit_s=60.0):
    """Solve the coverage model with HiGHS: (objective, candidate values, dual bound)."""
    import highspy
    from highspy.highs import _Highs  # the plain solver: highspy.Highs() prints a banner

    n, m = len(problem), problem.piece_m.size
    if n == 0 or m == 0 or k <= 0:
        return 0.0, np.zeros(n), 0.0
    owner = np.repeat(np.arange(n), np.diff(problem.start))
    # Rows: y_p - sum(x_c covering p) <= 0 per piece; sum(x) <= k; sum(x at a site) <= 1;
    # sum(x at site i) + sum(x at site j) <= 1 for sites closer than spacing_m.
    rows = [np.r_[problem.pieces, np.arange(m)]]
    cols = [np.r_[owner, n + np.arange(m)]]
    values = [np.r_[-np.ones(owner.size), np.ones(m)]]
    upper = [np.zeros(m)]
    next_row = m
    rows.append(np.full(n, next_row))
    cols.append(np.arange(n))
    values.append(np.ones(n))
    upper.append([float(k)])
    next_row += 1
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
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n + m, next_row
    lp.col_cost_ = np.r_[np.zeros(n), problem.piece_weight]
    lp.col_lower_ = np.zeros(n + m)
    lp.col_upper_ = np.ones(n + m)
    lp.row_lower_ = np.full(next_row, -highspy.kHighsInf)
    lp.row_upper_ = np.concatenate([np.asarray(u, dtype=float) for u in upper])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.r_[0, np.cumsum(np.bincount(col, minlength=n + m))]
    lp.a_matrix_.index_ = row[order]
    lp.a_matrix_.value_ = value[order]
    lp.sense_ = highspy.ObjSense.kMaximize
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n + [
            highspy.HighsVarType.kContinuous
        ] * m
    solver = _Highs()
    solver.setOptionValue("output_flag", False)
    solver.setOptionValue("time_limit", float(time_limit_s))
    solver.passModel(lp)
    solver.run()
    info = solver.getInfo()
    objective = float(info.objective_function_value)
    chosen = np.asarray(solver.getSolution().col_value[:n])
    bound = float(info.mip_dual_bound) if integer else objective
    return objective, chosen, bound
