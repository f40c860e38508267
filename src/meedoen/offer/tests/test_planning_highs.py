"""The planner against an optimum it does not compute itself: the assignment LP solved by scipy's HiGHS, written
here straight from the fit matrix, the places and the kept choices (no code of offer.planning).

The constraint matrix of this transportation problem (one row per resident, one per activity, one column per
feasible pair) is totally unimodular, so the LP optimum is integral: it is the optimum of the allocation.
"""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from scipy.optimize import linprog

from meedoen.offer import planning

from .test_planning import instances


def highs_optimum(fit, capacity, fixed):
    """Total fit of the best allocation: kept choices stay (and use a place), everyone else gets at most one
    feasible activity, no activity more new residents than its places left."""
    fit, capacity, fixed = np.asarray(fit, dtype=np.int64), np.asarray(capacity), np.asarray(fixed)
    n, m = fit.shape
    kept = np.flatnonzero(fixed >= 0)
    kept_fit = int(fit[kept, fixed[kept]].sum())
    places = np.maximum(capacity - np.bincount(fixed[kept], minlength=m), 0)
    rows, cols = np.nonzero((fit > 0) & (fixed < 0)[:, None])
    if rows.size == 0:
        return kept_fit
    pairs = np.arange(rows.size)
    # one column per pair, with a 1 in its resident's row and in its activity's row
    a_ub = sparse.csc_matrix((np.ones(2 * rows.size), (np.concatenate([rows, n + cols]),
                                                       np.concatenate([pairs, pairs]))), shape=(n + m, rows.size))
    b_ub = np.concatenate([np.ones(n), places]).astype(float)
    result = linprog(-fit[rows, cols].astype(float), A_ub=a_ub, b_ub=b_ub, bounds=(0, 1), method="highs")
    assert result.status == 0, result.message
    assert np.allclose(result.x, np.round(result.x), atol=1e-7), "totally unimodular: the LP optimum is integral"
    return kept_fit + int(round(-result.fun))


def test_highs_optimum_of_a_hand_made_instance():
    # Two residents, one place at the best activity: the second-best resident there, the other elsewhere.
    fit = [[10, 9], [10, 1]]
    assert highs_optimum(fit, [1, 1], [-1, -1]) == 19
    assert highs_optimum(fit, [1, 0], [-1, -1]) == 10
    assert highs_optimum(fit, [1, 1], [1, -1]) == 9 + 10  # a kept choice stays, even if another would fit better
    assert highs_optimum(fit, [1, 1], [0, -1]) == 10 + 1


@settings(max_examples=150)
@given(instances(max_residents=30, max_activities=8), st.sampled_from([1, 2, 3, planning.DEFAULT_TOP_K]))
def test_a_certified_plan_has_the_total_fit_of_the_highs_optimum(instance, top_k):
    fit, capacity, fixed = instance
    planner = planning.plan_allocation(fit, capacity, fixed, top_k=top_k)
    optimum = highs_optimum(fit.matrix, capacity, fixed)
    assert planner.total_fit <= optimum
    if planner.certified:
        assert planner.total_fit == optimum


def test_on_a_seeded_random_instance_the_planner_is_certified_and_equals_highs():
    rng = np.random.default_rng(2026)
    n, m = 200, 25
    fit = np.where(rng.random((n, m)) < 0.4, rng.integers(1, 10_001, (n, m)), 0)
    capacity = rng.integers(0, 8, m)
    fixed = np.where(rng.random(n) < 0.1, rng.integers(0, m, n), -1)
    planner = planning.plan_allocation(planning.DenseFit(fit), capacity, fixed, top_k=3)
    assert planner.certified
    assert planner.total_fit == highs_optimum(fit, capacity, fixed)
