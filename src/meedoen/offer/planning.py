"""Capacity planning: allocate many residents over scarce places at once, maximising the total fit.

The problem, as plain arrays: residents × activities with a fit (an integer > 0 where the pair is feasible, 0 where
it is not), places per activity, and already-made choices that are kept and use up a place. Each resident gets at
most one place; no activity gets more residents than it has places. The fit is the same score as the suggestions
(`meedoen.offer.matching.score_block`), with two planner rules on top: a plan never asks more hours than the
resident's stated capacity, and free places are the allocation's business, not a hard filter.

Three ways to solve it, all over the same fit:

- `plan_allocation` — the planner. It keeps each resident's best `top_k` activities (plus a first-come allocation as
  a warm start), solves that sparse problem exactly as a min-cost flow (OR-Tools `SimpleMinCostFlow`), then prices
  out the rest (column generation): node potentials of the residual network show which left-out pairs could still
  improve the plan; those join and the flow is solved again. When none is left, the potentials prove the plan
  optimal over all pairs (`Allocation.certified`).
- `exact_optimum` — the same min-cost flow over *all* feasible pairs: the optimum, used in the property tests on
  small instances. It shares the flow code with the planner; the independent reference is the assignment LP solved
  by scipy's HiGHS (offer/tests/test_planning_highs.py, and `make bench`).
- `greedy_allocation` — first come, first served: residents in order each take their best activity with a place
  left. The baseline the planner must clearly beat.

`shortage_report` shows where places are short, per kind of activity and neighbourhood.
The adapter `plan_for_residents` builds the problem from the models for the planning screen; it proposes, it never
creates referrals.
"""
from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from . import matching

FIT_SCALE = 100  # fit 0–100 with two decimals → integers; +1 so every feasible pair beats leaving someone out
DEFAULT_TOP_K = 20
DEFAULT_ROUNDS = 12
BLOCK_ROWS = 16  # small blocks keep the temporaries in cache (measured: 3× faster than 256)


# -- the fit matrix ----------------------------------------------------------------------------------------------------


class DenseFit:
    """A fit matrix given as a dense integer array (tests, small problems)."""

    def __init__(self, matrix):
        self.matrix = np.asarray(matrix, dtype=np.int64)
        if self.matrix.ndim != 2 or (self.matrix < 0).any():
            raise ValueError("fit must be a 2-d array of integers >= 0")
        self.n_residents, self.n_activities = self.matrix.shape

    def rows(self, indices, columns: np.ndarray | None = None) -> np.ndarray:
        rows = self.matrix[np.asarray(indices, dtype=np.int64)]
        return rows if columns is None else rows[:, columns]

    def block(self, start: int, stop: int, columns: np.ndarray | None = None) -> np.ndarray:
        return self.rows(np.arange(start, stop), columns)


class ScoredFit:
    """The fit of residents × activities from the matching score, computed in blocks of residents on demand.

    Rows once scored are kept (as int32) while the whole matrix stays under `cache_limit` entries, so the
    planner's pricing rounds do not score the same pairs again.
    """

    def __init__(self, residents: Sequence[matching.ResidentProfile], catalogue: matching.Catalogue,
                 weights: matching.MatchingWeights = matching.DEFAULT_WEIGHTS, *, block_rows: int = BLOCK_ROWS,
                 cache_limit: int = 150_000_000):
        self.residents = list(residents)
        self.catalogue = catalogue
        self.weights = weights
        self.block_rows = block_rows
        self.n_residents, self.n_activities = len(self.residents), catalogue.size
        self._cache = None
        if 0 < self.n_residents * self.n_activities <= cache_limit:
            self._cache = np.zeros((self.n_residents, self.n_activities), dtype=np.int32)
            self._cached = np.zeros(self.n_residents, dtype=bool)

    def block(self, start: int, stop: int, columns: np.ndarray | None = None) -> np.ndarray:
        if self._cache is not None and self._cached[start:stop].all():
            rows = self._cache[start:stop]
            return rows if columns is None else rows[:, columns]
        return self.rows(np.arange(start, stop), columns)

    def rows(self, indices, columns: np.ndarray | None = None) -> np.ndarray:
        indices = np.asarray(indices, dtype=np.int64)
        if self._cache is None:
            return self._score(indices, columns)
        missing = indices[~self._cached[indices]]
        if missing.size:
            self._cache[missing] = self._score(missing, None)
            self._cached[missing] = True
        if columns is None:
            return self._cache[indices]
        return self._cache[indices[:, None], np.asarray(columns)[None, :]]

    def _score(self, indices, columns):
        catalogue = self.catalogue if columns is None else self.catalogue.subset(columns)
        if catalogue.size == 0 or indices.size == 0:
            return np.zeros((indices.size, catalogue.size), dtype=np.int64)
        block = matching.ResidentBlock([self.residents[i] for i in indices])
        scored = matching.score_block(block, catalogue, self.weights, require_free_places=False,
                                      allow_over_hours=False, explain=False)
        return to_fit(scored.score, scored.feasible)


def to_fit(score: np.ndarray, feasible: np.ndarray) -> np.ndarray:
    """Scores 0–100 → integer fit 1–10,001 where feasible, 0 where not."""
    return np.where(feasible, 1 + np.rint(score * FIT_SCALE).astype(np.int64), 0)


def score_of(fit: int) -> float:
    """Integer fit → score 0–100 (0 for "not feasible")."""
    return max(0, fit - 1) / FIT_SCALE


def _blocks(n: int, size: int):
    for start in range(0, n, size):
        yield start, min(n, start + size)


def _block_rows(fit) -> int:
    return getattr(fit, "block_rows", None) or max(1, min(4096, 2_000_000 // max(1, fit.n_activities)))


# -- result -----------------------------------------------------------------------------------------------------------


@dataclass
class Allocation:
    """Who goes where: `assignment[i]` is the activity position of resident i, or -1 (no place)."""

    assignment: np.ndarray
    fixed: np.ndarray  # per resident: the activity position of an already-made choice, or -1
    fit_of: np.ndarray  # per resident: the fit of the place given (0 without a place)
    seconds: float
    method: str
    pairs: int = 0  # arcs in the flow problem(s) solved
    rounds: int = 0
    best_option: np.ndarray | None = None  # per resident: the best feasible activity regardless of places, or -1
    certified: bool = False  # proven optimal over all feasible pairs (the planner's pricing, or the exact solve)

    @property
    def total_fit(self) -> int:
        """Sum of the fit of all placed residents, kept choices included."""
        return int(self.fit_of.sum())

    @property
    def allocated(self) -> int:
        return int((self.assignment >= 0).sum())

    @property
    def new_assignments(self) -> int:
        return int(((self.assignment >= 0) & (self.fixed < 0)).sum())


def _normalise(fit, capacity, fixed):
    capacity = np.asarray(capacity, dtype=np.int64)
    if capacity.shape != (fit.n_activities,) or (capacity < 0).any():
        raise ValueError("capacity must be one integer >= 0 per activity")
    if fixed is None:
        fixed = np.full(fit.n_residents, -1, dtype=np.int64)
    fixed = np.asarray(fixed, dtype=np.int64)
    if fixed.shape != (fit.n_residents,) or (fixed >= fit.n_activities).any():
        raise ValueError("fixed must give one activity position (or -1) per resident")
    fixed = np.where(fixed < 0, -1, fixed)
    used = np.bincount(fixed[fixed >= 0], minlength=fit.n_activities)
    # Already-made choices are kept even where they exceed the places (the screen shows that); new ones never do.
    left = np.maximum(capacity - used, 0)
    return capacity, fixed, left


class _Pass:
    """One pass over all residents in blocks: the best option per resident and the fit of kept choices."""

    def __init__(self, fit, fixed):
        self.fit, self.fixed = fit, fixed
        n = fit.n_residents
        self.best = np.full(n, -1, dtype=np.int64)
        self.fixed_fit = np.zeros(n, dtype=np.int64)
        self.size = _block_rows(fit)

    def __iter__(self):
        for start, stop in _blocks(self.fit.n_residents, self.size):
            block = self.fit.block(start, stop)
            self.note(np.arange(start, stop), block)
            yield start, stop, block

    def note(self, rows, block):
        if block.shape[1]:
            has = block.max(axis=1) > 0
            self.best[rows] = np.where(has, block.argmax(axis=1), -1)
            kept = np.flatnonzero(self.fixed[rows] >= 0)
            self.fixed_fit[rows[kept]] = block[kept, self.fixed[rows[kept]]]


def _fits_of(assignment, pair_rows, pair_cols, pair_fits, n_activities):
    """The fit of each resident's assignment, looked up in the pair lists."""
    out = np.zeros(assignment.size, dtype=np.int64)
    placed = np.flatnonzero(assignment >= 0)
    if placed.size:
        m = max(1, n_activities)
        key = pair_rows.astype(np.int64) * m + pair_cols
        order = np.argsort(key, kind="stable")
        found = order[np.searchsorted(key, placed * m + assignment[placed], sorter=order)]
        out[placed] = pair_fits[found]
    return out


def _result(sweep, assignment, fit_of, started, method, pairs, rounds):
    fixed = sweep.fixed
    return Allocation(
        assignment=np.where(fixed >= 0, fixed, assignment), fixed=fixed,
        fit_of=np.where(fixed >= 0, sweep.fixed_fit, fit_of), seconds=time.perf_counter() - started,
        method=method, pairs=pairs, rounds=rounds, best_option=sweep.best,
    )


# -- min-cost flow ----------------------------------------------------------------------------------------------------


def solve_pairs(n_residents: int, left: np.ndarray, rows: np.ndarray, cols: np.ndarray,
                fits: np.ndarray) -> np.ndarray:
    """Maximum-fit assignment over the given pairs, each resident at most once, activity a at most left[a] times.

    Min-cost flow: every resident supplies one unit, which goes to an activity (cost −fit) or straight to the sink
    (not placed, cost 0); activity → sink arcs carry the places left. Integral and exact (OR-Tools).
    """
    from ortools.graph.python import min_cost_flow

    assignment = np.full(n_residents, -1, dtype=np.int64)
    if rows.size == 0:
        return assignment
    n_activities = left.size
    sink = n_residents + n_activities
    flow = min_cost_flow.SimpleMinCostFlow()
    pair_arcs = flow.add_arcs_with_capacity_and_unit_cost(
        rows.astype(np.int32), (cols + n_residents).astype(np.int32), np.ones(rows.size, dtype=np.int64),
        -fits.astype(np.int64))
    flow.add_arcs_with_capacity_and_unit_cost(
        np.arange(n_residents, dtype=np.int32), np.full(n_residents, sink, dtype=np.int32),
        np.ones(n_residents, dtype=np.int64), np.zeros(n_residents, dtype=np.int64))
    flow.add_arcs_with_capacity_and_unit_cost(
        np.arange(n_residents, sink, dtype=np.int32), np.full(n_activities, sink, dtype=np.int32),
        left.astype(np.int64), np.zeros(n_activities, dtype=np.int64))
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[:n_residents] = 1
    supplies[sink] = -n_residents
    flow.set_nodes_supplies(np.arange(sink + 1, dtype=np.int32), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow did not solve: {status}")
    used = flow.flows(pair_arcs) > 0
    assignment[rows[used]] = cols[used]
    return assignment


def _unique_pairs(rows, cols, fits, m):
    key = rows.astype(np.int64) * max(1, m) + cols
    _, first = np.unique(key, return_index=True)
    return rows[first], cols[first], fits[first]


def _top_k(row_fits: np.ndarray, k: int):
    """Columns of the k largest positive entries per row (any order), as (rows, cols) of the block."""
    n, m = row_fits.shape
    if m == 0 or n == 0 or k <= 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    if k < m:
        cols = np.argpartition(-row_fits, k - 1, axis=1)[:, :k]
    else:
        cols = np.broadcast_to(np.arange(m), (n, m))
    rows = np.repeat(np.arange(n), cols.shape[1])
    cols = cols.reshape(-1)
    keep = row_fits[rows, cols] > 0
    return rows[keep], cols[keep]


# -- the planner ------------------------------------------------------------------------------------------------------


def plan_allocation(fit, capacity, fixed=None, *, top_k: int = DEFAULT_TOP_K,
                    max_rounds: int = DEFAULT_ROUNDS) -> Allocation:
    """Maximise the total fit: top-k candidates per resident, an exact min-cost flow over them, then pricing rounds
    that add the activities with places left for residents who would do better there."""
    started = time.perf_counter()
    capacity, fixed, left = _normalise(fit, capacity, fixed)
    n, m = fit.n_residents, fit.n_activities
    free_rows = np.flatnonzero(fixed < 0)
    open_cols = np.flatnonzero(left > 0)
    sweep = _Pass(fit, fixed)
    rows_parts, cols_parts, fit_parts = [], [], []
    # The first-come allocation rides along as a warm start: its pairs join the candidates, so the planner's
    # optimum over the candidates is never below it.
    greedy_left, greedy_assignment, greedy_fit = left.copy(), np.full(n, -1, dtype=np.int64), np.zeros(n, np.int64)
    for start, stop, block in sweep:
        rows = np.arange(start, stop)
        _greedy_step(block, rows, fixed, greedy_left, greedy_assignment, greedy_fit)
        sub = block[:, open_cols]  # only activities with places left can take anyone new
        sub[fixed[start:stop] >= 0] = 0
        r, c = _top_k(sub, top_k)
        taken = np.flatnonzero(greedy_assignment[start:stop] >= 0)
        rows_parts += [r + start, taken + start]
        cols_parts += [open_cols[c], greedy_assignment[start:stop][taken]]
        fit_parts += [sub[r, c], greedy_fit[start:stop][taken]]
    pair_rows = np.concatenate(rows_parts) if rows_parts else np.empty(0, np.int64)
    pair_cols = np.concatenate(cols_parts) if cols_parts else np.empty(0, np.int64)
    pair_fits = np.concatenate(fit_parts) if fit_parts else np.empty(0, np.int64)
    pair_rows, pair_cols, pair_fits = _unique_pairs(pair_rows, pair_cols, pair_fits, m)

    rounds, certified = 0, False
    open_index = np.full(m, -1, dtype=np.int64)
    open_index[open_cols] = np.arange(open_cols.size)
    while True:
        rounds += 1
        assignment = solve_pairs(n, left, pair_rows, pair_cols, pair_fits)
        if free_rows.size == 0 or open_cols.size == 0:
            certified = True
            break
        # Pricing (column generation): potentials of the residual network prove the flow optimal over all pairs
        # when no pair left out has a negative reduced cost; otherwise the most promising such pairs join.
        potential = residual_potentials(n, left, pair_rows, pair_cols, pair_fits, assignment)
        if potential is None:  # not settled within the iteration bound: keep the solution, without certificate
            break
        # The dual of the assignment LP: a utility per resident and a price per activity (both >= 0), with
        # utility + price >= fit for every candidate pair and equality where a resident is placed.
        sink = potential[n + m]
        utility = np.maximum(potential[:n] - sink, 0)
        price = np.maximum(sink - potential[n + open_cols], 0)[None, :]
        new_rows, new_cols, new_fits = [], [], []
        by_row = np.lexsort((pair_cols, pair_rows))
        sorted_rows, sorted_cols = pair_rows[by_row], open_index[pair_cols[by_row]]
        for start, stop in _blocks(n, sweep.size):
            block_rows = np.arange(start, stop)
            sub = fit.block(start, stop, open_cols)
            reduced = utility[start:stop][:, None] + price - sub
            reduced[(sub <= 0) | (fixed[start:stop] >= 0)[:, None]] = 0
            lo, hi = np.searchsorted(sorted_rows, (start, stop))
            reduced[sorted_rows[lo:hi] - start, sorted_cols[lo:hi]] = 0  # candidates already
            negative = reduced.min(axis=1, initial=0) < 0
            if not negative.any():
                continue
            r, c = _top_k(-reduced[negative], top_k)
            new_rows.append(block_rows[negative][r])
            new_cols.append(open_cols[c])
            new_fits.append(sub[negative][r, c])
        if not new_rows:
            certified = True
            break
        if rounds > max_rounds:
            break
        pair_rows = np.concatenate([pair_rows, *new_rows])
        pair_cols = np.concatenate([pair_cols, *new_cols])
        pair_fits = np.concatenate([pair_fits, *new_fits])
    fit_of = _fits_of(assignment, pair_rows, pair_cols, pair_fits, m)
    result = _result(sweep, assignment, fit_of, started, "planner", int(pair_rows.size), rounds)
    result.certified = certified
    return result


def residual_potentials(n: int, left: np.ndarray, rows: np.ndarray, cols: np.ndarray, fits: np.ndarray,
                        assignment: np.ndarray, max_iterations: int | None = None) -> np.ndarray | None:
    """Node potentials (shortest distances from a virtual root) in the residual network of an optimal flow.

    With these, every residual arc has a reduced cost >= 0, and utility[r] = max(0, potential[r] − potential[sink])
    and price[a] = max(0, potential[sink] − potential[a]) are an optimal dual solution of the candidate problem
    (complementary slackness holds). A pair outside the candidates with utility + price >= fit cannot improve the
    plan; if that holds for every pair, the plan is optimal over all pairs. Bellman–Ford, vectorised over arcs,
    ordered by head so one pass is a `minimum.reduceat`. Returns None if it does not settle in `max_iterations`.
    """
    m = left.size
    sink = n + m
    used = assignment[rows] == cols
    placed = assignment >= 0
    load = np.bincount(assignment[placed], minlength=m)
    residents = np.arange(n)
    activities = np.arange(n, sink)
    tails = np.concatenate([
        np.where(used, n + cols, rows),  # unused pair r→a (cost −fit); used pair a→r (cost +fit)
        np.where(placed, residents, sink),  # placed: r→sink still open; not placed: sink→r can be undone
        activities[load < left], np.full(int((load > 0).sum()), sink),
    ])
    heads = np.concatenate([
        np.where(used, rows, n + cols),
        np.where(placed, sink, residents),
        np.full(int((load < left).sum()), sink), activities[load > 0],
    ])
    costs = np.concatenate([
        np.where(used, fits, -fits).astype(np.int64), np.zeros(n, np.int64),
        np.zeros(int((load < left).sum()), np.int64), np.zeros(int((load > 0).sum()), np.int64),
    ])
    order = np.argsort(heads, kind="stable")
    tails, heads, costs = tails[order], heads[order], costs[order]
    targets, starts = np.unique(heads, return_index=True)
    distance = np.zeros(sink + 1, dtype=np.int64)
    for _ in range(max_iterations or sink + 1):
        best = np.minimum.reduceat(distance[tails] + costs, starts)
        improved = best < distance[targets]
        if not improved.any():
            return distance
        distance[targets[improved]] = best[improved]
    return None


def exact_optimum(fit, capacity, fixed=None) -> Allocation:
    """The optimum as one min-cost flow over every feasible pair (slow on large problems). It shares `solve_pairs`
    with the planner, so it is no independent check: that is the HiGHS LP in offer/tests/test_planning_highs.py and
    bench/offer.py."""
    started = time.perf_counter()
    capacity, fixed, left = _normalise(fit, capacity, fixed)
    n, m = fit.n_residents, fit.n_activities
    open_cols = np.flatnonzero(left > 0)
    sweep = _Pass(fit, fixed)
    rows_parts, cols_parts, fit_parts = [], [], []
    for start, stop, block in sweep:
        sub = block[:, open_cols]
        sub[fixed[start:stop] >= 0] = 0
        r, c = np.nonzero(sub)
        rows_parts.append((r + start).astype(np.int32))
        cols_parts.append(open_cols[c].astype(np.int32))
        fit_parts.append(sub[r, c].astype(np.int32))
    pair_rows = np.concatenate(rows_parts) if rows_parts else np.empty(0, np.int32)
    pair_cols = np.concatenate(cols_parts) if cols_parts else np.empty(0, np.int32)
    pair_fits = np.concatenate(fit_parts) if fit_parts else np.empty(0, np.int32)
    del rows_parts, cols_parts, fit_parts
    assignment = solve_pairs(n, left, pair_rows, pair_cols, pair_fits)
    fit_of = _fits_of(assignment, pair_rows, pair_cols.astype(np.int64), pair_fits, m)
    result = _result(sweep, assignment, fit_of, started, "exact", int(pair_rows.size), 1)
    result.certified = True
    return result


def greedy_allocation(fit, capacity, fixed=None, order: Sequence[int] | None = None) -> Allocation:
    """First come, first served: residents in `order` (default: as given) each take their best activity that
    still has a place. Ties go to the lower activity position."""
    started = time.perf_counter()
    capacity, fixed, remaining = _normalise(fit, capacity, fixed)
    remaining = remaining.copy()
    n, m = fit.n_residents, fit.n_activities
    assignment = np.full(n, -1, dtype=np.int64)
    fit_of = np.zeros(n, dtype=np.int64)
    order = np.arange(n) if order is None else np.asarray(order, dtype=np.int64)
    sweep = _Pass(fit, fixed)
    for start in range(0, n, sweep.size):
        rows = order[start:start + sweep.size]
        block = fit.rows(rows)
        sweep.note(rows, block)
        if not m:
            continue
        _greedy_step(block, rows, fixed, remaining, assignment, fit_of)
    return _result(sweep, assignment, fit_of, started, "greedy", 0, 1)


def _greedy_step(block, rows, fixed, remaining, assignment, fit_of):
    """Residents `rows` (in this order) each take their best activity with a place left."""
    for i, r in enumerate(rows):
        if fixed[r] >= 0:
            continue
        offer = np.where(remaining > 0, block[i], 0)
        a = int(np.argmax(offer))  # the first of equal best: the lower activity position
        if offer[a] > 0:
            assignment[r] = a
            fit_of[r] = offer[a]
            remaining[a] -= 1


# -- shortage ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShortageRow:
    category: str
    neighbourhood_id: int | None
    places: int  # places for this plan in the cell (after places taken outside it)
    first_choice: int  # residents whose best feasible option is in this cell
    allocated: int  # residents the plan puts here (kept choices included)
    unallocated: int  # residents without a place whose best option is in this cell

    @property
    def shortage(self) -> int:
        return max(0, self.first_choice - self.places)


def shortage_report(allocation: Allocation, capacity, activity_category: Sequence[str],
                    activity_neighbourhood: Sequence[int | None]) -> tuple[list[ShortageRow], int]:
    """Demand against places per (kind of activity, neighbourhood of the activity); returns the rows, largest
    shortage first, and the number of residents with no feasible option at all."""
    capacity = np.asarray(capacity, dtype=np.int64)
    cells: dict[tuple, list[int]] = {}

    def cell(a):
        key = (activity_category[a], activity_neighbourhood[a])
        return cells.setdefault(key, [0, 0, 0, 0])

    for a in range(capacity.size):
        cell(a)[0] += int(capacity[a])
    best = allocation.best_option if allocation.best_option is not None else np.full(allocation.assignment.size, -1)
    no_option = 0
    for r, b in enumerate(best):
        if b < 0:
            if allocation.assignment[r] < 0:
                no_option += 1
            continue
        counts = cell(int(b))
        counts[1] += 1
        if allocation.assignment[r] < 0:
            counts[3] += 1
    for a in allocation.assignment[allocation.assignment >= 0]:
        cell(int(a))[2] += 1
    rows = [ShortageRow(category, nbh, *counts) for (category, nbh), counts in cells.items()
            if counts[0] or counts[1] or counts[2]]
    rows.sort(key=lambda row: (-row.shortage, -row.unallocated, row.category, row.neighbourhood_id or 0))
    return rows, no_option


# -- adapter for the planning screen -----------------------------------------------------------------------------------


@dataclass
class PlanOutcome:
    """Everything the planning screen shows, with the residents and activities as ids."""

    resident_ids: list[int]
    activity_ids: list[int]
    allocation: Allocation
    greedy: Allocation
    capacity: np.ndarray
    shortage: list[ShortageRow]
    no_option: int
    fit_by_resident: dict[int, float] = field(default_factory=dict)  # resident id → fit (0–100) of the proposal
    over_capacity_activity_ids: list[int] = field(default_factory=list)  # kept choices beyond the places


def build_problem(profiles: Sequence[matching.ResidentProfile], options: Sequence[matching.ActivityOption], *,
                  today: date, weights: matching.MatchingWeights = matching.DEFAULT_WEIGHTS):
    """Plain problem from plain data: the fit source, the places per activity for this plan and the kept choices.

    Places for this plan = capacity − places taken, plus the places taken by the planned residents themselves
    (their kept choices use those places again, so they are not counted twice).
    """
    catalogue = matching.Catalogue(options, today=today)
    capacity = np.array([o.free_places for o in catalogue.options], dtype=np.int64)
    fixed = np.full(len(profiles), -1, dtype=np.int64)
    for i, profile in enumerate(profiles):
        if profile.chosen_activity_id is not None:
            position = catalogue.position.get(int(profile.chosen_activity_id))
            if position is not None:
                fixed[i] = position
                if profile.chosen_holds_place:
                    capacity[position] += 1
    capacity = np.minimum(capacity, np.array([o.capacity for o in catalogue.options], dtype=np.int64))
    # an activity that is closed takes nobody new
    capacity = np.where(catalogue.open, capacity, 0)
    return ScoredFit(profiles, catalogue, weights), capacity, fixed


def plan_for_residents(residents, municipality, *, today: date, top_k: int = DEFAULT_TOP_K) -> PlanOutcome:
    """Plan the residents of a queryset over the municipality's catalogue (read-only: proposes, never refers)."""
    weights = matching.weights_for(municipality, today)
    centres = matching.neighbourhood_centres(municipality)
    profiles = matching.resident_profiles(residents, today=today, weights=weights, centres=centres,
                                          municipality=municipality)
    options = matching.activity_options(municipality, today=today, centres=centres)
    fit, capacity, fixed = build_problem(profiles, options, today=today, weights=weights)
    allocation = plan_allocation(fit, capacity, fixed, top_k=top_k)
    greedy = greedy_allocation(fit, capacity, fixed)
    catalogue = fit.catalogue
    shortage, no_option = shortage_report(
        allocation, capacity, [o.category for o in catalogue.options], [o.neighbourhood_id for o in catalogue.options])
    fit_by_resident = {profiles[i].resident_id: score_of(int(allocation.fit_of[i]))
                       for i in np.flatnonzero(allocation.assignment >= 0)}
    used = np.bincount(allocation.assignment[allocation.assignment >= 0], minlength=catalogue.size)
    over = [int(catalogue.ids[a]) for a in np.flatnonzero(used > capacity)]
    return PlanOutcome(
        resident_ids=[p.resident_id for p in profiles], activity_ids=[int(x) for x in catalogue.ids],
        allocation=allocation, greedy=greedy, capacity=capacity, shortage=shortage, no_option=no_option,
        fit_by_resident=fit_by_resident, over_capacity_activity_ids=over,
    )
