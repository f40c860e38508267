"""The pure rules of the guidance loop, property-tested: next contact, can't/won't routing, plan hours, worklist."""
import datetime as dt
import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meedoen.guidance import rules

TODAY = dt.date(2026, 11, 23)
dates = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2028, 12, 31))
optional_dates = st.none() | dates
norms = st.none() | st.integers(min_value=14, max_value=400)


# -- next contact -----------------------------------------------------------------------------------------------------


@given(last=optional_dates, started=dates, norm=norms, review=optional_dates)
def test_next_contact_is_never_later_than_the_norm_allows(last, started, norm, review):
    result = rules.next_contact(last_contact_on=last, started_on=started, norm_days=norm, plan_review_on=review)
    if last is None:
        assert result.due_on <= started
    elif norm is None:
        assert result.due_on <= last + dt.timedelta(days=rules.FIRST_ASSESSMENT_DAYS)
    else:
        assert result.due_on <= last + dt.timedelta(days=norm)
    assert result.rule


@given(last=dates, norm=st.integers(min_value=14, max_value=400), review=dates)
def test_a_future_review_date_pulls_the_next_contact_forward_and_a_passed_one_does_not(last, norm, review):
    result = rules.next_contact(last_contact_on=last, started_on=last, norm_days=norm, plan_review_on=review)
    by_norm = last + dt.timedelta(days=norm)
    if review > last:
        assert result.due_on == min(by_norm, review)
    else:  # the review date passed before (or on) the last contact: that contact was the moment to review
        assert result.due_on == by_norm


def test_next_contact_examples_from_the_profiles():
    last = dt.date(2026, 1, 10)
    rotterdam_light = rules.next_contact(last_contact_on=last, started_on=last, norm_days=182)
    assert rotterdam_light.due_on == dt.date(2026, 7, 11)
    assert rotterdam_light.rule == "laatste contact + contactnorm 182 dagen"
    stockholm = rules.next_contact(last_contact_on=last, started_on=last, norm_days=61)
    assert stockholm.due_on == dt.date(2026, 3, 12)
    with_review = rules.next_contact(last_contact_on=last, started_on=last, norm_days=182,
                                     plan_review_on=dt.date(2026, 4, 1))
    assert with_review == rules.NextContact(dt.date(2026, 4, 1), "evaluatiedatum van het plan van aanpak")
    first = rules.next_contact(last_contact_on=None, started_on=dt.date(2026, 2, 1), norm_days=182)
    assert first.due_on == dt.date(2026, 2, 1)


def test_contact_norm_per_segment_and_intensity():
    norms_ = {"kansrijk": {"intensive": 91, "light": 182}, "kansarm": {"light": 365}}
    assert rules.contact_norm_days(norms_, "kansrijk", "intensive") == 91
    assert rules.contact_norm_days(norms_, "kansarm", "intensive") == 365  # falls back to light
    assert rules.contact_norm_days(norms_, "", "light") is None
    assert rules.contact_norm_days(norms_, "onbekend", "light") is None


@given(last=optional_dates, benefit=dates, registered=optional_dates, review=optional_dates)
def test_next_contact_for_plain_values_matches_the_rule(last, benefit, registered, review):
    norms_ = {"kansarm": {"intensive": 91, "light": 182}}
    result = rules.next_contact_for(contact_norms=norms_, segment="kansarm", intensity="light", last_contact_on=last,
                                    benefit_start_date=benefit, registered_on=registered, plan_review_on=review)
    started = rules.guidance_start(benefit, registered) if last is None else max(last, registered or last)
    assert result == rules.next_contact(last_contact_on=last, started_on=started, norm_days=182,
                                        plan_review_on=review)


# -- can't versus won't -----------------------------------------------------------------------------------------------

STANCES = ["voluntary", "motivating", "pressure", "mandatory"]


@given(reason=st.sampled_from(sorted(rules.CANT_ROUTES)), stance=st.sampled_from(STANCES))
def test_cant_goes_to_exemption_or_help_whatever_the_stance(reason, stance):
    routing = rules.route_refusal("cant", reason, stance)
    assert routing.task_kind in {"exemption_check", "help_referral"}
    assert reason in routing.rule
    assert routing.due_in_days > 0


def test_health_and_care_duties_route_to_exemption_debts_and_language_to_help():
    assert rules.route_refusal("cant", "health", "mandatory").task_kind == "exemption_check"
    assert rules.route_refusal("cant", "care_duties", "voluntary").task_kind == "exemption_check"
    assert rules.route_refusal("cant", "debts", "mandatory").task_kind == "help_referral"
    assert rules.route_refusal("cant", "language", "mandatory").task_kind == "help_referral"
    crisis = rules.route_refusal("cant", "crisis", "mandatory")
    assert crisis.task_kind == "help_referral" and crisis.due_in_days <= 2


@given(stance=st.sampled_from(STANCES))
def test_wont_goes_to_a_summons_only_under_pressure_or_mandatory(stance):
    ladder = [{"kind": "invitation"}, {"kind": "registered_letter"}]
    routing = rules.route_refusal("wont", "", stance, ladder)
    if stance in ("pressure", "mandatory"):
        assert routing.task_kind == "summons"
        assert "no-showladder" in routing.title and "invitation → registered_letter" in routing.rule
    else:
        assert routing.task_kind == "motivation"
    assert stance in routing.rule


def test_no_refusal_no_routing_and_unknown_reason_is_an_error():
    assert rules.route_refusal("none", "", "mandatory") is None
    with pytest.raises(ValueError):
        rules.route_refusal("cant", "", "mandatory")


# -- plan hours -------------------------------------------------------------------------------------------------------

hours = st.decimals(min_value=0, max_value=40, places=1)


@given(steps=st.lists(hours, max_size=8), capacity=hours, reason=st.text(max_size=5))
def test_plan_hours_over_capacity_need_a_reason(steps, capacity, reason):
    check = rules.check_plan_hours(steps, capacity, reason)
    assert check.total == sum(steps, Decimal(0))
    assert check.needs_reason == (check.total > capacity)
    assert check.over_by == max(Decimal(0), check.total - capacity)
    assert check.ok == (check.total <= capacity or bool(reason.strip()))


def test_volunteering_naar_vermogen_example():
    # A volunteering place is officially 20 hours, on average 10, sometimes starting at 4.
    assert rules.check_plan_hours([Decimal(4)], Decimal(4)).ok
    assert not rules.check_plan_hours([Decimal(20)], Decimal(10)).ok
    assert rules.check_plan_hours([Decimal(20)], Decimal(10), "Wil graag meer; arts akkoord").ok


# -- worklist ---------------------------------------------------------------------------------------------------------

near = st.none() | st.dates(min_value=TODAY - dt.timedelta(days=800), max_value=TODAY + dt.timedelta(days=200))


@st.composite
def worklist_rows(draw, resident_id):
    signed = draw(st.booleans())
    return rules.WorklistRow(
        resident_id=resident_id,
        name=draw(st.sampled_from(["Anna", "Bram", "Cem", "Dewi", "Eva"])),
        next_contact_on=draw(near),
        last_contact_on=draw(near),
        first_conversation_on=draw(near),
        has_signed_plan=signed,
        has_draft_plan=draw(st.booleans()),
        plan_review_on=draw(near) if signed else None,
        last_ladder_on=draw(near),
        due_tasks=tuple(rules.DueTask("home_visit", "Huisbezoek", d) for d in draw(st.lists(
            st.dates(min_value=TODAY - dt.timedelta(days=60), max_value=TODAY + dt.timedelta(days=60)), max_size=3))),
        placed_on=draw(near),
        returned_on=draw(near),
        exemption_due_on=draw(near),
    )


@st.composite
def populations(draw):
    n = draw(st.integers(min_value=0, max_value=25))
    return [draw(worklist_rows(i)) for i in range(n)]


@settings(max_examples=150)
@given(rows=populations())
def test_worklist_is_ordered_by_urgency_and_lists_everyone_with_a_signal_once(rows):
    items = rules.classify(rows, TODAY)
    ids = [i.row.resident_id for i in items]
    assert len(ids) == len(set(ids))
    assert set(ids) == {r.resident_id for r in rows if rules.signals_for(r, TODAY)}
    keys = [i.sort_key() for i in items]
    assert keys == sorted(keys)
    ranks = [i.top.rank for i in items]
    assert ranks == sorted(ranks)
    for item in items:
        codes = [s.code for s in item.signals]
        assert [s.rank for s in item.signals] == sorted(s.rank for s in item.signals)
        assert len(codes) == len(set(codes))
        overdue = item.row.next_contact_on is not None and item.row.next_contact_on < TODAY
        assert ("overdue_contact" in codes) == overdue


@settings(max_examples=75)
@given(rows=populations(), seed=st.integers())
def test_worklist_order_does_not_depend_on_the_input_order(rows, seed):
    shuffled = list(rows)
    random.Random(seed).shuffle(shuffled)
    assert [i.row.resident_id for i in rules.classify(rows, TODAY)] == \
        [i.row.resident_id for i in rules.classify(shuffled, TODAY)]


@settings(max_examples=75)
@given(rows=populations())
def test_overdue_residents_always_come_before_everyone_else(rows):
    items = rules.classify(rows, TODAY)
    seen_other = False
    for item in items:
        if item.top.code == "overdue_contact":
            assert not seen_other
        else:
            seen_other = True


def test_each_signal_with_an_example():
    day = dt.timedelta(days=1)
    base = dict(next_contact_on=TODAY + 30 * day, last_contact_on=TODAY - 10 * day, last_ladder_on=TODAY - 10 * day)
    cases = {
        "overdue_contact": dict(next_contact_on=TODAY - day),
        "no_contact_since_placement": dict(placed_on=TODAY - 60 * day, last_contact_on=TODAY - 90 * day,
                                           next_contact_on=TODAY + 30 * day),
        "returned_by_partner": dict(returned_on=TODAY - 2 * day),
        "task_due": dict(due_tasks=(rules.DueTask("home_visit", "Huisbezoek", TODAY),)),
        "plan_review_due": dict(first_conversation_on=TODAY - 100 * day, has_signed_plan=True,
                                plan_review_on=TODAY + 7 * day),
        "exemption_review_due": dict(exemption_due_on=TODAY + 20 * day),
        "no_plan": dict(first_conversation_on=TODAY - 5 * day),
        "ladder_due": dict(last_ladder_on=TODAY - 200 * day),
        "not_seen_for_a_year": dict(last_contact_on=TODAY - 400 * day),
    }
    for code, fields in cases.items():
        row = rules.WorklistRow(resident_id=1, **{**base, **fields})
        assert [s.code for s in rules.signals_for(row, TODAY)] == [code], code
    quiet = rules.WorklistRow(resident_id=2, **base)
    assert rules.classify([quiet], TODAY) == []
    # A placement less than six weeks ago, and a task due tomorrow, are not yet signals.
    assert rules.signals_for(rules.WorklistRow(resident_id=3, **{**base, "placed_on": TODAY - 10 * day}), TODAY) == ()
    tomorrow = (rules.DueTask("contact", "Bellen", TODAY + day),)
    assert rules.signals_for(rules.WorklistRow(resident_id=4, **{**base, "due_tasks": tomorrow}), TODAY) == ()


def test_the_signal_order_is_the_documented_one():
    assert rules.SIGNAL_CODES == (
        "overdue_contact", "no_contact_since_placement", "returned_by_partner", "task_due", "plan_review_due",
        "exemption_review_due", "no_plan", "ladder_due", "not_seen_for_a_year",
    )


def test_count_signals_counts_a_resident_under_each_of_its_signals():
    row = rules.WorklistRow(resident_id=1, next_contact_on=TODAY - dt.timedelta(days=3), last_contact_on=None)
    counts = rules.count_signals(rules.classify([row], TODAY))
    assert counts["overdue_contact"] == 1 and counts["ladder_due"] == 1 and counts["not_seen_for_a_year"] == 1
    assert counts["no_plan"] == 0
