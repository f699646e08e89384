"""The coverage programme: where new cameras should go as a linear programme, solved by HiGHS.

:mod:`coverage.placement` states the problem (pieces, candidates, sites) and picks greedily;
here it is written as a programme (:func:`coverage_model`):

- :func:`upper_bound` solves its linear relaxation: no choice of K candidates can cover more, so
  ``greedy / bound`` certifies how close the greedy picks are to the best; :func:`upper_bounds`
  gives the bound by weight and by metres from one model, the two solved side by side;
- :func:`exact` solves the integer programme (instances up to a few thousand candidates).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np

from coverage.arrays import ranges, sorted_unique, unique_codes
from coverage.placement import SPACING_M, CoverageProblem, Placement

PRICING_BATCH = 500
"""Candidates the bound's column generation starts with, and adds at most per round."""
PRICING_TOLERANCE = 1e-7
"""Reduced costs above this negative are taken as zero (HiGHS's own dual tolerance)."""


def upper_bound(problem: CoverageProblem, k: int, *, spacing_m: float = SPACING_M) -> float:
    """The most weight any ``k`` candidates could cover: the linear relaxation's optimum.

    Solved by column generation: the relaxation over the candidates that cover the most on
    their own, then, while some left-out candidate has a negative reduced cost (it could raise
    the optimum), the most promising of those are added and it is solved again (from the last
    basis when fewer than a whole batch entered). When none has, the restricted optimum is the
    optimum over all candidates.
    """
    if _nothing_to_bound(problem, k):
        return 0.0
    model = coverage_model(problem, k, spacing_m=spacing_m)
    return _relaxed_optimum(model, problem.weight_alone, k)


def upper_bounds(
    problem: CoverageProblem, k: int, *, spacing_m: float = SPACING_M
) -> tuple[float, float]:
    """:func:`upper_bound` by the pieces' weight and by their metres.

    Both relaxations share one model (only the costs differ) and are solved side by side:
    HiGHS and numpy let go of the interpreter while they work.
    """
    if _nothing_to_bound(problem, k):
        return 0.0, 0.0
    by_weight = coverage_model(problem, k, spacing_m=spacing_m)
    by_metres = replace(by_weight, cost=piece_costs(problem, problem.piece_m))
    metres_alone = problem.alone(problem.piece_m)
    with ThreadPoolExecutor(max_workers=1) as aside:
        metres = aside.submit(_relaxed_optimum, by_metres, metres_alone, k)
        weight = _relaxed_optimum(by_weight, problem.weight_alone, k)
        return weight, metres.result()


def _nothing_to_bound(problem: CoverageProblem, k: int) -> bool:
    return len(problem) == 0 or problem.piece_m.size == 0 or k <= 0


def _relaxed_optimum(model: CoverageModel, alone: np.ndarray, k: int) -> float:
    """The optimum of ``model``'s relaxation by column generation, starting from the candidates
    that cover the most ``alone``."""
    n = model.n_candidates
    batch = max(PRICING_BATCH, 5 * k)
    columns = np.sort(np.lexsort((np.arange(n), -alone))[:batch])
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
        """Each candidate column's reduced cost ``cost - column · row_dual``.

        Every candidate column has entries (its rows of ``k`` and of its site), so each sum
        runs from its column's start to the next one's.
        """
        n = self.n_candidates
        entries = slice(0, self.start[n])
        priced = np.add.reduceat(
            self.value[entries] * row_dual[self.index[entries]], self.start[:n]
        )
        return self.cost[:n] - priced


def coverage_model(problem: CoverageProblem, k: int, *, spacing_m: float) -> CoverageModel:
    """The coverage programme of ``problem`` for ``k`` picks (see :class:`CoverageModel`).

    Each column's entries are laid out in row order as they are made: a candidate's shared
    pieces, the row of ``k``, its site's row, then the rows of its site's close pairs.
    """
    n, owner, alone = len(problem), problem.owner, problem.sole
    m = int(np.count_nonzero(problem.covering > 1))
    row_of = np.cumsum(problem.covering > 1) - 1  # a shared piece's row (and y column) number
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
        cost=piece_costs(problem, problem.piece_weight),
        start=start,
        index=index,
        value=value,
        upper=np.r_[np.zeros(m), float(k), np.ones(sites.size), np.ones(a.size)],
    )


def piece_costs(problem: CoverageProblem, piece_weight: np.ndarray) -> np.ndarray:
    """The costs of :func:`coverage_model`'s columns when the pieces weigh ``piece_weight``:
    each candidate's pieces no other covers, then each shared piece, negated."""
    alone = problem.sole
    own = np.bincount(
        problem.owner[alone], weights=piece_weight[problem.pieces[alone]], minlength=len(problem)
    )
    return -np.r_[own, piece_weight[problem.covering > 1]]


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
