"""k-anonymity of the research export (monitoring.anonymity): every class in the output has at least k rows, and a
row is never changed other than by the documented generalisation of its quasi-identifiers."""
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from meedoen.monitoring import anonymity

WIJKEN = ["Feijenoord", "Charlois", "Delfshaven", "Noord", "Kralingen", "Hoogvliet", "Pernis"]
HOUSEHOLDS = ["single", "single_parent", "couple", "couple_with_children", "shared_household"]

records = st.lists(
    st.builds(anonymity.Record, age=st.integers(18, 67), wijk=st.sampled_from(WIJKEN),
              household=st.sampled_from(HOUSEHOLDS),
              benefit_start=st.one_of(st.none(), st.dates(dt.date(1995, 1, 1), dt.date(2026, 11, 1)))),
    max_size=120,
).map(lambda rows: [anonymity.Record(r.age, r.wijk, r.household, r.benefit_start, payload=i)
                    for i, r in enumerate(rows)])


@settings(max_examples=150)
@given(records, st.integers(2, 8), st.sampled_from([0.0, 0.05, 0.2]))
def test_every_class_in_the_output_has_at_least_k_rows(rows, k, max_suppressed):
    outcome = anonymity.k_anonymise(rows, k, max_suppressed=max_suppressed)
    classes = {}
    for values, _payload in outcome.rows:
        key = tuple(values[q] for q in anonymity.QUASI_IDENTIFIERS)
        classes[key] = classes.get(key, 0) + 1
    assert all(size >= k for size in classes.values())
    assert outcome.suppressed == len(rows) - len(outcome.rows)
    assert outcome.classes == len(classes)
    assert outcome.smallest_class == (min(classes.values()) if classes else None)
    if len(rows) >= k:  # "everything generalised" is always possible, so the cap on suppression holds
        assert outcome.suppressed <= int(max_suppressed * len(rows))


@settings(max_examples=150)
@given(records, st.integers(2, 8))
def test_no_row_is_changed_other_than_by_the_documented_generalisation(rows, k):
    outcome = anonymity.k_anonymise(rows, k)
    apply = anonymity.generaliser(rows, k)
    payloads = [payload for _values, payload in outcome.rows]
    assert len(payloads) == len(set(payloads))  # no row duplicated or invented
    for values, payload in outcome.rows:
        original = rows[payload]
        assert values == apply(original, outcome.levels)
    assert set(outcome.levels) == set(anonymity.QUASI_IDENTIFIERS)


def test_level_zero_is_always_applied_and_small_wijken_become_other():
    rows = [anonymity.Record(44, "Feijenoord", "single", dt.date(2019, 3, 12), payload=i) for i in range(6)]
    rows.append(anonymity.Record(61, "Pernis", "couple", dt.date(2001, 7, 1), payload=6))
    outcome = anonymity.k_anonymise(rows, 5, max_suppressed=0.2)  # one of seven rows may be left out
    assert outcome.levels == {"age": 0, "wijk": 0, "household": 0, "benefit_start": 0}
    assert [values for values, _p in outcome.rows] == [
        {"age": "40-49", "wijk": "Feijenoord", "household": "single", "benefit_start": "2019"}] * 6
    assert outcome.suppressed == 1 and outcome.unique_before == 1  # Pernis: its only row is left out
    strict = anonymity.k_anonymise(rows, 5, max_suppressed=0.0)  # nothing may be left out: coarsen until one class
    assert strict.suppressed == 0 and strict.classes == 1
    assert anonymity.generalise_wijk("Pernis", 0, {"Pernis": 1}, 5) == anonymity.OTHER_WIJK


def test_more_coarsening_is_chosen_when_suppression_would_be_too_high():
    rows = [anonymity.Record(20 + i, "Feijenoord", "single", dt.date(2000 + i % 20, 1, 1), payload=i)
            for i in range(40)]
    outcome = anonymity.k_anonymise(rows, 5, max_suppressed=0.05)
    assert outcome.suppressed <= 2
    assert outcome.levels["age"] + outcome.levels["benefit_start"] > 0


def test_fewer_rows_than_k_are_all_left_out():
    rows = [anonymity.Record(30, "Noord", "single", None, payload=i) for i in range(3)]
    outcome = anonymity.k_anonymise(rows, 5)
    assert outcome.rows == [] and outcome.suppressed == 3


@settings(max_examples=60)
@given(records, st.integers(2, 6))
def test_no_less_coarsened_combination_would_have_been_acceptable(rows, k):
    import itertools
    from collections import Counter

    outcome = anonymity.k_anonymise(rows, k, max_suppressed=0.1)
    if outcome.suppressed > int(0.1 * len(rows)):
        return  # fewer than k rows: nothing is acceptable
    apply = anonymity.generaliser(rows, k)
    chosen = sum(outcome.levels.values())
    for combo in itertools.product(range(3), repeat=4):
        if sum(combo) >= chosen:
            continue
        levels = dict(zip(anonymity.QUASI_IDENTIFIERS, combo))
        sizes = Counter(tuple(apply(r, levels).values()) for r in rows)
        assert sum(n for n in sizes.values() if n < k) > int(0.1 * len(rows))
