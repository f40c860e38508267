"""Pure monitoring rules: categories, shares, funnel, ladder movement, suppression and coarsening."""
import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from meedoen.monitoring import rules

DAYS = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2027, 12, 31))


def test_offer_and_plan_kinds_map_onto_the_six_reporting_categories():
    assert rules.category_of("volunteering") == "volunteering"
    assert rules.category_of("informal_care") == "informal_care"
    assert rules.category_of("social") == "other" and rules.category_of("meeting") == "other"
    assert rules.category_of("paid_job") is None and rules.category_of("work") is None


@given(st.sets(st.sampled_from(rules.CATEGORIES)))
def test_primary_category_is_one_of_the_persons_categories_in_report_order(categories):
    primary = rules.primary_category(categories)
    if not categories:
        assert primary is None
    else:
        assert primary in categories
        assert all(rules.CATEGORIES.index(primary) <= rules.CATEGORIES.index(c) for c in categories)


@given(st.dictionaries(st.integers(1, 50), st.sets(st.sampled_from(rules.CATEGORIES), min_size=1)))
def test_primary_categories_add_up_to_everyone_active(active):
    counts = rules.count_by_primary_category(active)
    assert sum(counts.values()) == len(active)
    assert rules.active_without(active, "informal_care") == sum(1 for c in active.values() if c != {"informal_care"})


@given(st.integers(0, 1000), st.integers(0, 1000))
def test_share_is_a_fraction_or_undefined(part, whole):
    result = rules.share(min(part, whole), whole)
    if whole == 0:
        assert result is None
    else:
        assert 0 <= result <= 1


@given(st.lists(st.sets(st.integers(0, 30)), min_size=1, max_size=5))
def test_funnel_never_widens(steps):
    counts = rules.funnel_counts(steps)
    assert counts[0] == len(steps[0])
    assert all(b <= a for a, b in zip(counts, counts[1:]))


def _reference_ladder(measurements, start, end):
    """Straightforward version of the documented definition, to check the one-pass implementation against."""
    from collections import Counter, defaultdict

    rows = defaultdict(list)
    for rid, day, step in measurements:
        if day <= end:
            rows[rid].append((day, step))
    matrix = Counter()
    for items in rows.values():
        items.sort()
        before = [r for r in items if r[0] <= start]
        within = [r for r in items if start < r[0] <= end]
        if before and within:
            matrix[(before[-1][1], within[-1][1])] += 1
        elif not before and len(within) >= 2:
            matrix[(within[0][1], within[-1][1])] += 1
    return dict(matrix)


@given(st.lists(st.tuples(st.integers(1, 8), DAYS, st.integers(1, 6)), max_size=40), DAYS, DAYS)
def test_ladder_movement_follows_the_definition(measurements, a, b):
    start, end = min(a, b), max(a, b)
    result = rules.ladder_movement(measurements, start, end)
    assert result["matrix"] == _reference_ladder(measurements, start, end)
    assert result["up"] + result["same"] + result["down"] == result["pairs"] == sum(result["matrix"].values())
    assert rules.ladder_movement(list(reversed(measurements)), start, end) == result


def test_ladder_movement_counts_up_same_and_down():
    d = dt.date
    data = [(1, d(2025, 12, 1), 2), (1, d(2026, 6, 1), 3),   # up
            (2, d(2026, 2, 1), 4), (2, d(2026, 8, 1), 4),    # same, both in the period
            (3, d(2025, 1, 1), 5), (3, d(2026, 3, 1), 1),    # down
            (4, d(2026, 3, 1), 3)]                           # one measurement only: not counted
    result = rules.ladder_movement(data, d(2026, 1, 1), d(2026, 12, 31))
    assert (result["up"], result["same"], result["down"]) == (1, 1, 1)


@given(st.lists(st.tuples(st.integers(1, 5), st.sampled_from(rules.CATEGORIES), DAYS,
                          st.one_of(st.none(), DAYS))), DAYS, DAYS)
def test_active_by_month_counts_only_overlapping_activity(raw, a, b):
    start, end = min(a, b), max(a, b)
    intervals = [rules.Interval(r, c, s, e if e is None or e >= s else s) for r, c, s, e in raw]
    months = rules.active_by_month(intervals, start, end)
    assert months[0][0] == start and months[-1][0] <= end
    whole = rules.active_categories(intervals, start, end)
    for _first, counts in months:
        assert sum(counts.values()) <= len(whole)


def test_months_between_clips_to_the_period():
    months = rules.months_between(dt.date(2026, 1, 15), dt.date(2026, 3, 10))
    assert months == [(dt.date(2026, 1, 15), dt.date(2026, 1, 31)), (dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
                      (dt.date(2026, 3, 1), dt.date(2026, 3, 10))]


@given(st.integers(0, 10_000))
def test_suppression_hides_only_counts_from_one_to_four(n):
    shown = rules.suppress(n)
    if 1 <= n <= 4:
        assert shown == "<5" and rules.is_suppressed(n)
    else:
        assert shown == n and not rules.is_suppressed(n)


@given(st.one_of(st.none(), DAYS), DAYS)
def test_contact_buckets(last, on):
    bucket = rules.contact_bucket(last, on)
    if last is None:
        assert bucket == "never"
    else:
        days = max((on - last).days, 0)
        expected = "0-3" if days <= 91 else "3-6" if days <= 182 else "6-12" if days <= 365 else "12+"
        assert bucket == expected


@given(st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2008, 12, 31)), DAYS)
def test_age_band_and_month_hide_the_exact_date(born, on):
    band = rules.age_band(born, on)
    low, high = map(int, band.split("-"))
    assert high - low == 4 and low % 5 == 0
    assert low <= (on.year - born.year) <= high + 1
    assert rules.month_of(born) == f"{born.year:04d}-{born.month:02d}"
    assert len(rules.month_of(born)) == 7  # year and month only, never the day


@given(st.lists(st.tuples(st.integers(1, 5), st.sampled_from(rules.CATEGORIES), DAYS,
                          st.one_of(st.none(), DAYS)), max_size=30), DAYS, DAYS)
def test_active_by_month_equals_checking_every_month(raw, a, b):
    start, end = min(a, b), max(a, b)
    intervals = [rules.Interval(r, c, s, e if e is None or e >= s else s) for r, c, s, e in raw]
    expected = [(m_start, rules.count_by_primary_category(rules.active_categories(intervals, m_start, m_end)))
                for m_start, m_end in rules.months_between(start, end)]
    assert rules.active_by_month(intervals, start, end) == expected


def test_caseload_distribution_counts_caseworkers_per_band_without_names():
    ids = [1] * 49 + [2] * 50 + [3] * 349 + [4] * 350 + [None] * 7
    assert rules.caseload_distribution(ids) == [
        ("0–49", 1), ("50–99", 1), ("100–149", 0), ("150–199", 0), ("200–249", 0), ("250–299", 0),
        ("300–349", 1), ("350+", 1)]


@given(st.lists(st.one_of(st.none(), st.integers(min_value=1, max_value=30)), max_size=400))
def test_caseload_distribution_counts_every_caseworker_once(ids):
    distribution = rules.caseload_distribution(ids)
    assert sum(count for _label, count in distribution) == len({i for i in ids if i is not None})
    assert [label for label, _count in distribution][-1] == f"{rules.CASELOAD_BANDS[-1]}+"


COUNT_GROUPS = st.lists(st.integers(0, 40), min_size=1, max_size=12)


@given(COUNT_GROUPS)
def test_suppress_group_hides_every_small_count_and_never_leaves_a_small_remainder(counts):
    """Subtracting the shown cells from the group's total never gives a number from 1 to 4 (differencing)."""
    shown = rules.suppress_group(counts)
    hidden = [c for c, s in zip(counts, shown) if not rules.is_shown(s)]
    for count, cell in zip(counts, shown):
        if rules.is_suppressed(count):
            assert cell == "<5"
        elif cell == rules.HIDDEN:
            assert count >= rules.SMALL_CELL  # a secondarily hidden cell is never a small one
        else:
            assert cell == count
    remainder = sum(counts) - sum(c for c, s in zip(counts, shown) if rules.is_shown(s))
    assert remainder == sum(hidden)
    all_nonzero_hidden = all(not rules.is_shown(s) for c, s in zip(counts, shown) if c)
    assert remainder == 0 or remainder >= rules.SMALL_CELL or all_nonzero_hidden
    assert len(hidden) != 1 or not rules.is_suppressed(hidden[0]) or all_nonzero_hidden


def test_suppress_group_hides_the_smallest_other_cell_next_to_a_lone_small_one():
    assert rules.suppress_group([3, 40, 12, 0]) == ["<5", 40, "x", 0]
    assert rules.suppress_group([3, 4, 40]) == ["<5", "<5", 40]  # together 7: neither can be worked out
    assert rules.suppress_group([0, 40, 12]) == [0, 40, 12]
