"""The pure rules: arm parameters, eligibility, stratified randomisation and effect estimates."""
import math
import random
from collections import Counter
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meedoen.experiments import rules

AMSTERDAM_ARMS = [("extra_aandacht", 1), ("regulier", 1), ("zelfregie", 1)]


# -- parameters -------------------------------------------------------------------------------------------------------

def test_valid_parameters_parse_into_typed_values():
    params = rules.parse_parameters({
        "contact_days": 28, "intensity": "intensive", "fixed_caseworker": True,
        "premium": {"rate": "0.50", "max_per_month": "200", "months": 12},
        "framing": {"kind": "kept", "amount": "150"},
    })
    assert params.contact_days == 28 and params.intensity == "intensive"
    assert params.premium == rules.ArmPremium(Decimal("0.50"), Decimal("200.00"), 12)
    assert params.framing == rules.Framing("kept", Decimal("150.00"))
    assert params.changes_anything
    assert not rules.parse_parameters({}).changes_anything


@pytest.mark.parametrize("data, fragment", [
    ({"contact_days": 0}, "Contacttermijn"),
    ({"contact_days": 28.0}, "Contacttermijn"),
    ({"intensity": "max"}, "Intensiteit"),
    ({"premium": {"rate": 0.5, "max_per_month": "200", "months": 12}}, "percentage is een getal als tekst"),
    ({"premium": {"rate": "0.8", "max_per_month": "200", "months": 12}}, "tussen 0 en 0.5"),
    ({"premium": {"rate": "0.5", "max_per_month": "200", "months": 0}}, "aantal maanden"),
    ({"framing": {"kind": "lost", "amount": "150"}}, "Framing"),
    ({"contact_norms": {"kansarm": {"often": 3}}}, "Contactnormen"),
    ({"colour": "blue"}, "Onbekende instelling"),
])
def test_invalid_parameters_are_refused_with_a_dutch_reason(data, fragment):
    errors = rules.validate_parameters(data)
    assert any(fragment in e for e in errors), errors
    with pytest.raises(ValueError):
        rules.parse_parameters(data)


def test_contact_days_replace_every_norm_and_contact_norms_replace_listed_ones():
    profile = {"kansrijk": {"intensive": 91, "light": 182}, "kansarm": {"intensive": 91, "light": 182}}
    assert rules.contact_norms_for(profile, rules.parse_parameters({"contact_days": 28})) == {
        "kansrijk": {"intensive": 28, "light": 28}, "kansarm": {"intensive": 28, "light": 28}}
    changed = rules.contact_norms_for(profile, rules.parse_parameters({"contact_norms": {"kansarm": {"light": 60}}}))
    assert changed["kansarm"] == {"intensive": 91, "light": 60} and changed["kansrijk"] == profile["kansrijk"]
    assert profile["kansarm"]["light"] == 182  # the profile itself is not changed


def test_premium_is_in_force_from_the_month_of_assignment_for_its_months():
    params = rules.parse_parameters({"premium": {"rate": "0.5", "max_per_month": "200", "months": 3}})
    assert not rules.premium_in_force(params, (2026, 11), (2026, 10))
    assert all(rules.premium_in_force(params, (2026, 11), m) for m in [(2026, 11), (2026, 12), (2027, 1)])
    assert not rules.premium_in_force(params, (2026, 11), (2027, 2))


# -- eligibility and strata -------------------------------------------------------------------------------------------

def test_eligibility_rules_as_data_filter_people():
    people = [{"pk": 1, "segment": "kansarm", "age": 30}, {"pk": 2, "segment": "kansrijk", "age": 40},
              {"pk": 3, "segment": "kansarm", "age": 22}, {"pk": 4, "segment": "kansarm", "age": None}]
    criteria = [{"field": "segment", "op": "eq", "value": "kansarm"}, {"field": "age", "op": "gte", "value": 27}]
    assert [p["pk"] for p in rules.eligible(people, criteria)] == [1]
    assert len(rules.eligible(people, [])) == 4


def test_invalid_eligibility_rules_are_named():
    errors = rules.validate_eligibility([{"field": "shoe_size", "op": "eq", "value": 1},
                                         {"field": "age", "op": "around", "value": 1},
                                         {"field": "segment", "op": "in", "value": "kansarm"}, "x"])
    assert len(errors) == 4
    assert rules.validate_strata(["segment", "segment"]) and rules.validate_strata(["bsn"])
    assert not rules.validate_strata(["segment", "age_band"])


def test_stratum_label_is_stable_and_readable():
    assert rules.stratum_of({"segment": "kansarm", "intensity": ""}, ["segment", "intensity"]) == \
        "segment=kansarm|intensity=-"
    assert rules.stratum_of({"segment": "kansarm"}, []) == "alle"


# -- randomisation ----------------------------------------------------------------------------------------------------

units_strategy = st.lists(
    st.tuples(st.integers(min_value=1, max_value=10_000), st.sampled_from(["a", "b", "c"])),
    min_size=1, max_size=150, unique_by=lambda u: u[0])
arms_strategy = st.lists(st.tuples(st.sampled_from(["p", "q", "r", "s"]), st.integers(min_value=1, max_value=3)),
                         min_size=2, max_size=4, unique_by=lambda a: a[0])


@settings(max_examples=80, deadline=None)
@given(units=units_strategy, arms=arms_strategy, seed=st.integers(min_value=0, max_value=2 ** 31))
def test_same_seed_and_inputs_give_the_same_assignment_whatever_the_input_order(units, arms, seed):
    first = rules.randomise(units, arms, seed)
    shuffled = list(units)
    random.Random(seed).shuffle(shuffled)
    assert rules.randomise(shuffled, list(reversed(arms)), seed) == first
    assert sorted(a.key for a in first) == sorted(u[0] for u in units)


@settings(max_examples=80, deadline=None)
@given(units=units_strategy, arms=arms_strategy, seed=st.integers(min_value=0, max_value=2 ** 31))
def test_each_stratum_is_balanced_to_within_one_block(units, arms, seed):
    allocations = rules.randomise(units, arms, seed)
    block = rules.block_for(sorted(arms))
    per_block = Counter(block)
    for stratum in {u[1] for u in units}:
        in_stratum = [a for a in allocations if a.stratum == stratum]
        counts = Counter(a.arm for a in in_stratum)
        n = len(in_stratum)
        for code, _w in arms:
            expected = n * per_block[code] / len(block)
            # a complete block holds each arm exactly per its weight; only the last, incomplete block differs
            assert abs(counts[code] - expected) <= per_block[code]
        complete = n - n % len(block)
        first_blocks = Counter(a.arm for a in in_stratum if a.position < complete)
        assert all(first_blocks[c] == per_block[c] * complete // len(block) for c in per_block)


@settings(max_examples=40, deadline=None)
@given(units=units_strategy, arms=arms_strategy, seed=st.integers(min_value=0, max_value=2 ** 31),
       cut=st.integers(min_value=0, max_value=150))
def test_a_second_run_continues_the_stratum_sequences(units, arms, seed, cut):
    """Randomising residents in two runs gives the same arms as in one run when the later ones sort last."""
    ordered = sorted(units, key=lambda u: (u[1], u[0]))
    whole = {a.key: a.arm for a in rules.randomise(ordered, arms, seed)}
    first_run = [u for u in ordered if sum(1 for v in ordered if v[1] == u[1] and v[0] < u[0]) < cut]
    later = [u for u in ordered if u not in first_run]
    first = rules.randomise(first_run, arms, seed)
    already = Counter(a.stratum for a in first)
    second = rules.randomise(later, arms, seed, already)
    assert {a.key: a.arm for a in first + second} == whole


def test_proportions_follow_the_weights_in_a_large_sample():
    units = [(i, "alle") for i in range(3000)]
    counts = Counter(a.arm for a in rules.randomise(units, [("premie", 1), ("regulier", 2)], 7))
    assert counts == {"premie": 1000, "regulier": 2000}


def test_a_different_seed_gives_a_different_assignment():
    units = [(i, "alle") for i in range(60)]
    first = [a.arm for a in rules.randomise(units, AMSTERDAM_ARMS, 1)]
    assert first != [a.arm for a in rules.randomise(units, AMSTERDAM_ARMS, 2)]


def test_arm_weights_must_be_positive():
    with pytest.raises(ValueError):
        rules.block_for([("a", 0), ("b", 1)])


# -- questionnaire ----------------------------------------------------------------------------------------------------

def test_questionnaire_answers_are_checked_per_field():
    good = {"wellbeing": 7, "health": 3, "caseworker_grade": "8", "participation_hours": "4.5", "paid_hours": 0}
    assert rules.validate_response(good) == {}
    errors = rules.validate_response({**good, "wellbeing": 11, "health": "", "caseworker_grade": "7.5",
                                      "participation_hours": "2.25", "paid_hours": "veel"})
    assert set(errors) == {"wellbeing", "health", "caseworker_grade", "participation_hours", "paid_hours"}
    assert "1 tot en met 10" in errors["wellbeing"] and "heel getal" in errors["caseworker_grade"]


# -- effect estimates -------------------------------------------------------------------------------------------------

def synthetic(n, effect, seed, *, arms=("extra", "regulier"), control="regulier"):
    """A trial with a known planted effect: the outcome at T1 is 0.6 × the T0 value + noise, plus `effect` in every
    arm but the control; two strata with different baselines."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        stratum = "kansarm" if i % 2 else "kansrijk"
        arm = arms[(i // 2) % len(arms)]  # balanced within each stratum
        t0 = rng.normal(6.0 if stratum == "kansarm" else 7.0, 1.5)
        y = 2.0 + 0.6 * t0 + (effect if arm != control else 0.0) + (0.5 if stratum == "kansrijk" else 0) \
            + rng.normal(0, 1.0)
        rows.append({"arm": arm, "stratum": stratum, "wellbeing": y, "wellbeing_t0": t0})
    return rows


def test_both_estimates_cover_a_planted_effect():
    rows = synthetic(400, 0.8, seed=20261202)
    effects = rules.estimate(rows, outcomes=["wellbeing"], control="regulier",
                             covariates={"wellbeing": ["wellbeing_t0", "stratum"]})
    by_method = {e.method: e for e in effects}
    assert set(by_method) == {"difference", "regression"}
    for effect in effects:
        assert effect.covers(0.8), effect
        assert effect.ci_low > 0  # a real effect of this size is found
        assert effect.n_arm == 200 and effect.n_control == 200
    # adjusting for the T0 value explains variance: a narrower interval
    assert (by_method["regression"].ci_high - by_method["regression"].ci_low) < \
        (by_method["difference"].ci_high - by_method["difference"].ci_low)


def test_no_planted_effect_gives_an_interval_around_zero():
    rows = synthetic(400, 0.0, seed=5)
    for effect in rules.estimate(rows, outcomes=["wellbeing"], control="regulier", covariates=["wellbeing_t0"]):
        assert effect.covers(0.0)


def test_interval_coverage_is_close_to_95_percent_over_many_trials():
    """200 synthetic trials: the share of 95 % intervals covering the planted effect lies in a tolerant band (the
    binomial 99.9 % range around 95 % for 200 trials is about 89–99 %)."""
    covered = Counter()
    for rep in range(200):
        rows = synthetic(120, 0.5, seed=1000 + rep)
        for e in rules.estimate(rows, outcomes=["wellbeing"], control="regulier",
                                covariates={"wellbeing": ["wellbeing_t0", "stratum"]}):
            covered[e.method] += e.covers(0.5)
    assert 0.89 <= covered["difference"] / 200 <= 0.99, covered
    assert 0.89 <= covered["regression"] / 200 <= 0.99, covered


def test_welch_matches_scipy():
    from scipy import stats

    rng = np.random.default_rng(3)
    a, c = rng.normal(1, 2, 50), rng.normal(0, 1, 80)
    diff, low, high, p = rules.welch(a, c)
    assert math.isclose(p, stats.ttest_ind(a, c, equal_var=False).pvalue, rel_tol=1e-9)
    assert math.isclose(diff, a.mean() - c.mean()) and low < diff < high


def test_several_arms_and_missing_values():
    rows = synthetic(300, 1.0, seed=11, arms=("extra", "regulier", "zelfregie"))
    rows[0]["wellbeing"] = None
    rows[1]["wellbeing_t0"] = None
    effects = rules.estimate(rows, outcomes=["wellbeing"], control="regulier", covariates=["wellbeing_t0"])
    assert {(e.arm, e.method) for e in effects} == {(a, m) for a in ("extra", "zelfregie")
                                                   for m in ("difference", "regression")}
    assert all(e.covers(1.0) for e in effects)
    by = {(e.arm, e.method): e for e in effects}
    assert rows[0]["arm"] == rows[1]["arm"] == "extra"
    assert by[("extra", "difference")].n_arm == 99  # row 0 has no outcome: left out of both
    assert by[("extra", "regression")].n_arm == 98  # row 1 has no T0 value: left out of the regression only
    assert by[("zelfregie", "difference")].n_arm == by[("zelfregie", "regression")].n_arm == 100


def test_too_little_data_gives_no_numbers_instead_of_an_error():
    rows = [{"arm": "extra", "wellbeing": 5}, {"arm": "regulier", "wellbeing": 6}]
    effects = rules.estimate(rows, outcomes=["wellbeing"], control="regulier")
    assert all(math.isnan(e.ci_low) for e in effects)


# -- i18n -------------------------------------------------------------------------------------------------------------

def test_messages_are_translated_from_constant_msgids_and_filled_in_afterwards():
    from django.utils import translation

    from meedoen.tests.i18n import english_catalogue, f_strings_in

    assert f_strings_in(rules.validate_parameters, rules.validate_eligibility, rules.validate_strata,
                        rules.validate_response) == []
    criteria = [{"field": "shoe_size", "op": "eq", "value": 1}]
    fields = "segment, intensity, age, months_on_benefit, ladder_step, guidance_status, neighbourhood"
    with translation.override("nl"):
        assert rules.validate_eligibility(criteria) == [
            f"Voorwaarde 1: onbekend veld 'shoe_size' (kies uit {fields})."]
        assert rules.validate_response({})["wellbeing"] == "Vul dit in: Welzijn (1–10)."
        assert rules.validate_parameters({"contact_days": 0}) == [
            "Contacttermijn: een aantal dagen van 1 tot en met 366."]
    with english_catalogue({
        "Voorwaarde {number}: onbekend veld '{field}' (kies uit {choices}).":
            "Rule {number}: unknown field '{field}' (choose from {choices}).",
        "Vul dit in: {label}.": "Please fill in: {label}.",
        "Welzijn (1–10)": "Wellbeing (1–10)",
        "Contacttermijn: een aantal dagen van 1 tot en met {max}.": "Contact period: 1 to {max} days.",
    }):
        assert rules.validate_eligibility(criteria) == [f"Rule 1: unknown field 'shoe_size' (choose from {fields})."]
        assert rules.validate_response({})["wellbeing"] == "Please fill in: Wellbeing (1–10)."
        assert rules.validate_parameters({"contact_days": 0}) == ["Contact period: 1 to 366 days."]
