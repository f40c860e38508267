"""The budget rules (offer/budget.py): pure, property-tested, and every preset's provisions block is valid."""
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from meedoen.offer import budget
from meedoen.policy.presets import preset_files

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000"), places=2)
rules_strategy = st.builds(
    budget.ProvisionRules,
    budget_per_year=st.decimals(min_value=Decimal("0"), max_value=Decimal("5000"), places=2),
    second_approval_above=st.decimals(min_value=Decimal("0"), max_value=Decimal("2000"), places=2),
    caps=st.dictionaries(st.sampled_from(budget.PROVISION_KINDS),
                         st.decimals(min_value=Decimal("0"), max_value=Decimal("3000"), places=2), max_size=3),
    min_ladder_step=st.dictionaries(st.sampled_from(budget.PROVISION_KINDS), st.integers(1, 6), max_size=2),
)


def simulate(rules, requests, ladder_step):
    """Request and approve in order, as the service does; returns the approved (kind, amount) pairs."""
    approved = []
    for kind, amount in requests:
        state = budget.budget_state(rules.budget_per_year, [(a, None) for _k, a in approved], [])
        if not budget.check_request(rules, kind=kind, amount=amount, state=state, ladder_step=ladder_step):
            approved.append((kind, amount))
    return approved


@settings(max_examples=200, deadline=None)
@given(rules_strategy, st.lists(st.tuples(st.sampled_from(budget.PROVISION_KINDS), amounts), max_size=12),
       st.one_of(st.none(), st.integers(1, 6)))
def test_approved_grants_never_exceed_the_yearly_budget_caps_or_ladder_rules(rules, requests, ladder_step):
    approved = simulate(rules, requests, ladder_step)
    assert sum((a for _k, a in approved), Decimal(0)) <= rules.budget_per_year
    for kind, amount in approved:
        cap = rules.cap_for(kind)
        assert cap is None or amount <= cap
        minimum = rules.ladder_step_for(kind)
        assert minimum is None or (ladder_step is not None and ladder_step >= minimum)


@settings(max_examples=200, deadline=None)
@given(rules_strategy, st.sampled_from(budget.PROVISION_KINDS), amounts,
       st.lists(st.tuples(amounts, st.one_of(st.none(), amounts)), max_size=5), st.lists(amounts, max_size=5),
       st.one_of(st.none(), st.integers(1, 6)))
def test_a_request_passes_exactly_when_no_rule_stops_it(rules, kind, amount, approved, pending, ladder_step):
    approved = [(a, min(s, a) if s is not None else None) for a, s in approved]
    state = budget.budget_state(rules.budget_per_year, approved, pending)
    problems = {p.code for p in budget.check_request(rules, kind=kind, amount=amount, state=state,
                                                     ladder_step=ladder_step)}
    cap = rules.cap_for(kind)
    minimum = rules.ladder_step_for(kind)
    assert (budget.ABOVE_CAP in problems) == (cap is not None and amount > cap)
    assert (budget.ABOVE_BUDGET in problems) == (amount > state.available)
    assert (budget.LADDER_UNKNOWN in problems) == (minimum is not None and ladder_step is None)
    assert (budget.LADDER_TOO_LOW in problems) == (minimum is not None and ladder_step is not None
                                                   and ladder_step < minimum)
    assert state.available >= 0 and state.remaining >= state.available


@given(rules_strategy, amounts)
def test_second_approval_is_needed_exactly_above_the_threshold(rules, amount):
    assert budget.needs_second_approval(rules, amount) == (amount > rules.second_approval_above)
    assert not budget.needs_second_approval(rules, rules.second_approval_above)


@given(st.booleans(), st.integers(1, 50), st.integers(1, 50))
def test_the_requester_never_decides_their_own_request_above_the_threshold(needs_second, requester, decider):
    allowed = budget.may_decide(needs_second=needs_second, requested_by=requester, decider=decider)
    assert allowed == (not needs_second or requester != decider)


@given(amounts, st.decimals(min_value=Decimal("-100"), max_value=Decimal("6000"), places=2))
def test_spending_lies_between_zero_and_the_approved_amount(approved, spent):
    problem = budget.check_spending(approved_amount=approved, spent=spent)
    assert (problem is None) == (0 <= spent <= approved)


def test_spending_replaces_the_approved_amount_in_the_budget():
    state = budget.budget_state(Decimal("2000"), [(Decimal("500"), Decimal("350")), (Decimal("200"), None)],
                                [Decimal("100")])
    assert state.used == Decimal("550")
    assert state.remaining == Decimal("1450")
    assert state.available == Decimal("1350")


def test_a_zero_or_negative_amount_is_refused_before_anything_else():
    rules = budget.rules_from_settings(None)
    state = budget.budget_state(rules.budget_per_year, [], [])
    for amount in (Decimal("0"), Decimal("-5")):
        assert [p.code for p in budget.check_request(rules, kind="training", amount=amount, state=state,
                                                     ladder_step=None)] == [budget.NOT_POSITIVE]


def test_defaults_apply_when_the_profile_has_no_provisions_block():
    rules = budget.rules_from_profile_extra({})
    assert rules.budget_per_year == Decimal("2000.00")
    assert rules.second_approval_above == Decimal("500.00")
    assert rules.cap_for("training") == Decimal("500.00")
    assert rules.ladder_step_for("training") is None


def test_a_partial_block_keeps_the_defaults_for_what_it_does_not_say():
    rules = budget.rules_from_settings({"individual_budget_per_year": 1500, "min_ladder_step": {"training": 4}})
    assert rules.budget_per_year == Decimal("1500.00")
    assert rules.second_approval_above == Decimal("500.00")
    assert rules.ladder_step_for("training") == 4


@pytest.mark.parametrize("block,fragment", [
    ({"individual_budget_per_year": -1}, "negatief"),
    ({"second_approval_above": 500.5}, "bedrag"),
    ({"caps": {"yachts": "10"}}, "onbekende soort"),
    ({"min_ladder_step": {"training": 7}}, "tussen 1 en 6"),
    ({"caps": "500"}, "object"),
])
def test_a_wrong_provisions_block_is_reported_and_never_silently_defaulted(block, fragment):
    errors = budget.validate_provisions(block)
    assert errors and fragment in " ".join(errors)
    with pytest.raises(ValueError):
        budget.rules_from_settings(block)


def test_money_is_never_a_float():
    with pytest.raises(TypeError):
        budget.money(1.5)


@pytest.mark.parametrize("path", preset_files(), ids=lambda p: p.stem)
def test_every_preset_states_its_provision_rules_as_an_assumption(path):
    extra = json.loads(path.read_text())["extra"]
    assert budget.validate_provisions(extra["provisions"]) == []
    rules = budget.rules_from_profile_extra(extra)
    assert rules.budget_per_year > 0 and rules.second_approval_above > 0
    assert any("Voorzieningen" in line for line in extra["assumptions"])


def test_provisions_messages_are_translated_from_constant_msgids_and_filled_in_afterwards():
    from django.utils import translation

    from meedoen.tests.i18n import english_catalogue, f_strings_in

    assert f_strings_in(budget.validate_provisions) == []
    block = {"caps": {"yachts": "10", "training": "-5"}}
    with translation.override("nl"):
        assert budget.validate_provisions(block) == [
            "Voorzieningen: onbekende soort 'yachts' bij de maxima.",
            "Voorzieningen: het maximum voor 'training' mag niet negatief zijn."]
    with english_catalogue({
        "Voorzieningen: onbekende soort '{kind}' bij de maxima.": "Provisions: unknown kind '{kind}' in the caps.",
        "Voorzieningen: {label} mag niet negatief zijn.": "Provisions: {label} must not be negative.",
        "het maximum voor '{kind}'": "the cap for '{kind}'",
    }):
        assert budget.validate_provisions(block) == ["Provisions: unknown kind 'yachts' in the caps.",
                                                     "Provisions: the cap for 'training' must not be negative."]
