"""The pure retention rules, property-tested."""
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from meedoen.retention import rules

dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2060, 12, 31))
optional_dates = st.none() | dates
terms = st.integers(min_value=0, max_value=600)
facts = st.builds(
    rules.DossierFacts, guidance_ended_on=optional_dates,
    last_benefit_month=st.none() | dates.map(lambda d: d.replace(day=1)),
    guidance_active=st.booleans(), open_objection=st.booleans(), recovery_open=st.booleans(),
    manual_hold_reason=st.sampled_from(["", "  ", "Rechtszaak loopt"]),
)


def test_add_months_keeps_the_day_or_takes_the_last_day_of_a_shorter_month():
    assert rules.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert rules.add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert rules.add_months(dt.date(2026, 11, 23), 60) == dt.date(2031, 11, 23)
    assert rules.add_months(dt.date(2026, 3, 31), -1) == dt.date(2026, 2, 28)


def test_a_dossier_without_an_ending_is_never_due():
    assert rules.due_on(60, [None, None]) is None
    decision = rules.decide(rules.DossierFacts(), 60, dt.date(2090, 1, 1))
    assert not decision.is_due(dt.date(2090, 1, 1)) and "guidance_active" in decision.holds


def test_due_date_counts_from_the_later_of_guidance_end_and_the_end_of_the_last_benefit_month():
    f = rules.DossierFacts(guidance_ended_on=dt.date(2020, 3, 10), last_benefit_month=dt.date(2020, 6, 1))
    assert rules.decide(f, 60, dt.date(2026, 1, 1)).due_on == dt.date(2025, 6, 30)


@settings(max_examples=300)
@given(terms, st.lists(optional_dates, min_size=1, max_size=4))
def test_due_date_is_never_before_any_end_event(term, events):
    due = rules.due_on(term, events)
    known = [d for d in events if d]
    if not known:
        assert due is None
    else:
        assert all(due >= d for d in known)


@settings(max_examples=300)
@given(terms, st.lists(dates, min_size=1, max_size=3), dates)
def test_adding_a_later_event_never_makes_a_dossier_due_earlier(term, events, extra):
    assert rules.due_on(term, events + [extra]) >= rules.due_on(term, events)


@settings(max_examples=300)
@given(st.lists(dates, min_size=1, max_size=3), terms, terms)
def test_a_longer_term_never_makes_a_dossier_due_earlier(events, a, b):
    short, long = sorted((a, b))
    assert rules.due_on(long, events) >= rules.due_on(short, events)


@settings(max_examples=500)
@given(facts, terms, dates)
def test_a_held_dossier_is_never_due(f, term, today):
    decision = rules.decide(f, term, today)
    if f.open_objection or f.recovery_open or f.guidance_active or f.manual_hold_reason.strip():
        assert decision.held and not decision.is_due(today)
    if decision.is_due(today):
        assert not decision.holds and decision.due_on <= today


@settings(max_examples=300)
@given(facts, terms, dates, st.integers(min_value=0, max_value=5000))
def test_once_due_a_dossier_stays_due_later_unless_something_holds_it(f, term, today, days):
    later = today + dt.timedelta(days=days)
    if rules.decide(f, term, today).is_due(today):
        assert rules.decide(f, term, later).is_due(later)


def test_a_benefit_calculated_for_this_month_holds_the_dossier():
    f = rules.DossierFacts(guidance_ended_on=dt.date(2010, 1, 1), last_benefit_month=dt.date(2026, 11, 1))
    assert "benefit_active" in rules.holds(f, dt.date(2026, 11, 23))
    assert "benefit_active" not in rules.holds(f, dt.date(2026, 12, 1))


def test_a_recovery_holds_until_its_limitation_term_has_run():
    made = dt.date(2022, 5, 1)
    assert rules.recovery_open([made], dt.date(2027, 4, 30), 60)
    assert not rules.recovery_open([made], dt.date(2027, 5, 1), 60)
    assert rules.recovery_open([], dt.date(2040, 1, 1), 60, with_enforcement=True)
