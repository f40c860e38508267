"""Property and example tests for the pure assessment rules (de knip)."""
import copy

from hypothesis import given
from hypothesis import strategies as st

from meedoen.assessment import rules

CHOICE_FACTORS = {name: list(table) for name, table in rules.DEFAULT_WEIGHTS.items()
                  if isinstance(table, dict) and name not in ("_note",)}

TWO_GROUPS = {"groups": [{"code": "kansrijk", "label": "Kansrijk", "max_months": 24},
                         {"code": "kansarm", "label": "Kansarm", "max_months": None}], "young_age_limit": 27}
THREE_GROUPS = {"groups": [{"code": "snel", "label": "Snel", "max_months": 6},
                           {"code": "met_hulp", "label": "Met hulp", "max_months": 24},
                           {"code": "weinig", "label": "Weinig perspectief", "max_months": None}], "young_age_limit": 27}

inputs_strategy = st.builds(
    rules.AssessmentInputs,
    age=st.integers(18, 67),
    benefit_years=st.integers(0, 40),
    work_experience_years=st.integers(0, 50),
    **{name: st.sampled_from(values) for name, values in CHOICE_FACTORS.items()},
)


@given(inputs_strategy)
def test_estimate_is_base_plus_contributions_within_bounds(inputs):
    result = rules.score(inputs)
    raw = result.base_months + sum(c.months for c in result.contributions)
    assert result.estimated_months == max(0, min(rules.DEFAULT_WEIGHTS["max_months"], raw))
    assert [c.factor for c in result.contributions] == [f for f, _ in rules.FACTORS]


@given(inputs_strategy, st.sampled_from([TWO_GROUPS, THREE_GROUPS]))
def test_under_27_never_in_furthest_group(inputs, segmentation):
    result = rules.score(inputs)
    segment = rules.segment_for(result.estimated_months, inputs.age, segmentation)
    furthest = segmentation["groups"][-1]["code"]
    if inputs.age < 27:
        assert segment.segment != furthest
    codes = [g["code"] for g in segmentation["groups"]]
    assert segment.segment in codes


@given(st.integers(0, 120), st.integers(27, 67))
def test_segments_follow_thresholds_for_adults(months, age):
    segment = rules.segment_for(months, age, TWO_GROUPS)
    assert segment.segment == ("kansrijk" if months < 24 else "kansarm")
    assert not segment.young_person_rule_applied


@given(inputs_strategy)
def test_worse_health_never_shortens_the_estimate(inputs):
    better = rules.score(rules.AssessmentInputs(**{**inputs.__dict__, "mental_health": "none"}))
    worse = rules.score(rules.AssessmentInputs(**{**inputs.__dict__, "mental_health": "severe"}))
    assert worse.estimated_months >= better.estimated_months


def test_young_person_rule_is_explained():
    segment = rules.segment_for(60, 24, TWO_GROUPS)
    assert segment.segment == "kansrijk"
    assert segment.young_person_rule_applied
    assert "jonger dan 27" in segment.rule


def test_weights_may_not_use_gender_or_nationality():
    weights = copy.deepcopy(rules.DEFAULT_WEIGHTS)
    weights["gender"] = {"f": 3, "m": 0}
    weights["nationality"] = {"nl": 0}
    errors = rules.validate_weights(weights)
    assert any("gender" in e and "nationality" in e for e in errors)
    assert rules.validate_weights(rules.DEFAULT_WEIGHTS) == []


def test_inputs_have_no_protected_characteristics():
    fields = set(rules.AssessmentInputs.__dataclass_fields__)
    assert not fields & rules.FORBIDDEN_INPUTS


def test_weights_are_configuration():
    inputs = rules.AssessmentInputs(40, 3, 5, "vmbo", "B1", "none", "none", "none", "none", "none", "stable", "none")
    custom = copy.deepcopy(rules.DEFAULT_WEIGHTS)
    custom["base_months"] = 30
    assert rules.score(inputs, custom).estimated_months == rules.score(inputs).estimated_months + 27
