"""The referral loop's pure rules, property-tested: the state machine per actor, the dates a placement sets, cohorts
and the help-service routing."""
import datetime as dt
from collections import deque

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meedoen.referrals import rules

statuses = st.sampled_from(rules.STATUSES)
actions = st.sampled_from(rules.ACTIONS)
actors = st.sampled_from(rules.ACTORS)
dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31))


def test_the_model_and_the_rules_know_the_same_statuses():
    from meedoen.referrals.models import Referral

    assert set(rules.STATUSES) == set(Referral.Status.values)
    assert set(rules.OPEN_STATUSES) == set(Referral.OPEN_STATUSES)


@given(statuses, actions, actors)
def test_next_status_is_allowed_exactly_when_listed(status, action, actor):
    if action in rules.allowed_actions(status, actor):
        assert rules.next_status(status, action, actor) in rules.STATUSES
    else:
        with pytest.raises(rules.TransitionNotAllowed):
            rules.next_status(status, action, actor)


@given(st.sampled_from(sorted(rules.CLOSED_STATUSES)), actions, actors)
def test_closed_referrals_never_change(status, action, actor):
    assert rules.allowed_actions(status, actor) == ()
    with pytest.raises(rules.TransitionNotAllowed):
        rules.next_status(status, action, actor)


@given(statuses)
def test_only_the_provider_takes_the_providers_steps(status):
    caseworker = set(rules.allowed_actions(status, rules.CASEWORKER))
    provider = set(rules.allowed_actions(status, rules.PROVIDER))
    assert not caseworker & {"accept", "decline", "plan_intake", "add_to_cohort", "place", "return", "report"}
    assert "withdraw" not in provider


@given(st.lists(st.tuples(actions, actors), max_size=30))
def test_any_sequence_of_steps_follows_the_machine(steps):
    """Whatever anyone tries, a referral only ever moves along allowed edges, a placement only comes from 'place',
    and once closed it stays closed."""
    status, placed, closed_at = rules.SENT, False, None
    for i, (action, actor) in enumerate(steps):
        try:
            new = rules.next_status(status, action, actor)
        except rules.TransitionNotAllowed:
            assert action not in rules.allowed_actions(status, actor)
            continue
        assert closed_at is None, "a closed referral changed"
        if new == rules.PLACED and status != rules.PLACED:
            assert action == "place"
            placed = True
        if new in (rules.COMPLETED,):
            assert placed
        if new in rules.CLOSED_STATUSES:
            closed_at = i
        status = new
    assert status in rules.STATUSES


def test_every_open_status_can_still_be_closed():
    for start in rules.OPEN_STATUSES:
        seen, queue = {start}, deque([start])
        while queue:
            status = queue.popleft()
            for actor in rules.ACTORS:
                for action in rules.allowed_actions(status, actor):
                    target = rules.next_status(status, action, actor)
                    if target not in seen:
                        seen.add(target)
                        queue.append(target)
        assert seen & rules.CLOSED_STATUSES, start


def test_every_status_is_reachable_from_sent():
    seen, queue = {rules.SENT}, deque([rules.SENT])
    while queue:
        status = queue.popleft()
        for actor in rules.ACTORS:
            for action in rules.allowed_actions(status, actor):
                target = rules.next_status(status, action, actor)
                if target not in seen:
                    seen.add(target)
                    queue.append(target)
    assert seen == set(rules.STATUSES)


# -- dates ------------------------------------------------------------------------------------------------------------


@given(dates, st.integers(min_value=0, max_value=60))
def test_add_months_lands_in_the_right_month_and_never_overflows(day, months):
    result = rules.add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day <= day.day
    assert result.day == day.day or result.month != (result + dt.timedelta(days=1)).month  # clamped to month end


@given(dates, st.integers(min_value=1, max_value=24), st.integers(min_value=1, max_value=12))
def test_placement_dates_have_a_report_within_guidance(placed_on, months, every):
    dates_ = rules.placement_dates(placed_on, months, every)
    assert dates_.guidance_until == rules.add_months(placed_on, months)
    assert placed_on < dates_.next_report_due_on <= dates_.guidance_until
    assert dates_.next_report_due_on <= rules.add_months(placed_on, every)


def test_placement_dates_default_to_six_months():
    dates_ = rules.placement_dates(dt.date(2026, 1, 31))
    assert dates_ == rules.PlacementDates(dt.date(2026, 7, 31), dt.date(2026, 7, 31))


@given(dates, dates, st.integers(min_value=1, max_value=12))
def test_the_next_report_is_never_after_guidance_and_none_once_it_ended(reported_on, until, every):
    due = rules.next_report_due(reported_on, until, every)
    if reported_on >= until:
        assert due is None
    else:
        assert reported_on < due <= until


@given(dates)
def test_the_yearly_check_is_a_year_after_the_end(ended_on):
    due = rules.yearly_check_due(ended_on)
    assert 365 <= (due - ended_on).days <= 366


# -- cohorts and help services ----------------------------------------------------------------------------------------


@given(dates)
def test_three_meetings_in_three_weeks(starts_on):
    meetings = rules.cohort_meetings(starts_on)
    assert len(meetings) == 3 and meetings[0] == starts_on
    assert meetings == sorted(meetings) and (meetings[-1] - starts_on).days < 21


@given(st.integers(min_value=0, max_value=100), st.integers(min_value=1, max_value=50))
def test_a_cohort_has_room_only_below_its_size(members, size):
    assert rules.cohort_has_room(members, size) == (members < size)


@given(st.integers(min_value=0, max_value=100), st.integers(min_value=0, max_value=200))
def test_free_places_are_never_negative(capacity, taken):
    assert rules.free_places(capacity, taken) == max(0, capacity - taken)


def test_a_cant_becomes_the_matching_help_service():
    assert rules.help_kinds({}, "debts") == ["debt_counselling"]
    assert rules.help_kinds({"debts": "problematic", "addiction": "active"}, "") == ["debt_counselling",
                                                                                    "addiction_care"]
    assert rules.help_kinds({"mental_health": "severe", "debts": "none"}, "debts") == ["debt_counselling",
                                                                                        "mental_health"]
    assert rules.help_kinds({"debts": "none", "mental_health": "none", "addiction": "none"}, "crisis") == []
    assert rules.consent_defaults("debt_counselling") == {"consent_share_debts": True,
                                                          "consent_share_health": False}
