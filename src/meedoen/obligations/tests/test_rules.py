"""The pure rules of obligations, exemptions and measures: table-driven cases and property tests."""
import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meedoen.obligations import rules
from meedoen.policy.presets import preset_files

D = dt.date
VNG = {
    "repeat_window_months": 12,
    "reduced_blame_factor": "0.5",
    "categories": [
        {"code": "1", "label": "Categorie 1", "steps": [{"percentage": "5", "months": 1},
                                                          {"percentage": "10", "months": 1}]},
        {"code": "2", "label": "Categorie 2", "steps": [{"percentage": "30", "months": 1},
                                                          {"percentage": "60", "months": 1},
                                                          {"percentage": "100", "months": 1}]},
        {"code": "3", "label": "Categorie 3", "steps": [{"percentage": "100", "months": 1},
                                                          {"percentage": "100", "months": 2},
                                                          {"percentage": "100", "months": 3}]},
    ],
}
ROTTERDAM_RECIPROCITY = {"mode": "mandatory", "max_hours_per_week": 20, "sanction": True}


# -- obligations ------------------------------------------------------------------------------------------------------

def by_code(obligations):
    return {o.code: o for o in obligations}


def test_the_tegenprestatie_is_called_maatschappelijke_participatie_from_2027():
    assert rules.reciprocity_label(D(2026, 12, 31)) == "tegenprestatie"
    assert rules.reciprocity_label(D(2027, 1, 1)) == "maatschappelijke participatie"
    before = by_code(rules.obligations_on(D(2026, 12, 31), reciprocity=ROTTERDAM_RECIPROCITY, plan=None))
    after = by_code(rules.obligations_on(D(2027, 1, 1), reciprocity=ROTTERDAM_RECIPROCITY, plan=None))
    assert before["reciprocity"].label == "Tegenprestatie"
    assert after["reciprocity"].label == "Maatschappelijke participatie"


def test_hours_naar_vermogen_follow_the_plan_capped_by_the_profile():
    plan = rules.PlanFacts(Decimal("24"))
    result = by_code(rules.obligations_on(D(2026, 3, 1), reciprocity=ROTTERDAM_RECIPROCITY, plan=plan))
    assert result["reciprocity"].hours_per_week == Decimal("20")
    assert result["reintegration"].hours_per_week == Decimal("24")
    small = by_code(rules.obligations_on(D(2026, 3, 1), reciprocity=ROTTERDAM_RECIPROCITY,
                                         plan=rules.PlanFacts(Decimal("4"))))
    assert small["reciprocity"].hours_per_week == Decimal("4")


@pytest.mark.parametrize("reciprocity, status, enforceable", [
    (ROTTERDAM_RECIPROCITY, rules.APPLIES, True),
    ({"mode": "voluntary", "max_hours_per_week": 20, "sanction": False}, rules.VOLUNTARY, False),
    ({"mode": "not_enforced", "max_hours_per_week": 20, "sanction": False}, rules.VOLUNTARY, False),
    ({"mode": "none", "max_hours_per_week": 0, "sanction": False}, rules.NOT_ASKED, False),
])
def test_the_tegenprestatie_follows_the_profile(reciprocity, status, enforceable):
    result = by_code(rules.obligations_on(D(2026, 3, 1), reciprocity=reciprocity, plan=None))
    assert (result["reciprocity"].status, result["reciprocity"].enforceable) == (status, enforceable)
    assert result["work"].status == rules.APPLIES and result["work"].enforceable


def test_an_exemption_in_force_lifts_only_the_obligations_it_covers():
    exemption = rules.ExemptionFacts(7, rules.SINGLE_PARENT, D(2026, 1, 1), D(2026, 12, 31),
                                     frozenset({"work", "reintegration"}))
    during = by_code(rules.obligations_on(D(2026, 6, 1), reciprocity=ROTTERDAM_RECIPROCITY, plan=None,
                                          exemptions=[exemption]))
    assert during["work"].status == rules.EXEMPTED and during["work"].exemption_id == 7
    assert during["reintegration"].status == rules.EXEMPTED
    assert during["reciprocity"].status == rules.APPLIES
    after = by_code(rules.obligations_on(D(2027, 1, 1), reciprocity=ROTTERDAM_RECIPROCITY, plan=None,
                                         exemptions=[exemption]))
    assert after["work"].status == rules.APPLIES


def test_the_language_requirement_applies_below_level_1f():
    assert "language" in by_code(rules.obligations_on(D(2026, 3, 1), reciprocity={}, plan=None, language_level="A1"))
    assert "language" not in by_code(rules.obligations_on(D(2026, 3, 1), reciprocity={}, plan=None,
                                                          language_level="B1"))


# -- exemptions -------------------------------------------------------------------------------------------------------

def exemption(**overrides):
    fields = dict(kind=rules.SOCIAL_MEDICAL, covers=["work", "reintegration", "reciprocity"],
                  grounds="Ernstige rugklachten", evidence_note="Advies bedrijfsarts 3 maart",
                  starts_on=D(2026, 3, 1), ends_on=D(2026, 8, 31), review_on=None, requested_on=None,
                  household_type="single", youngest_child_date_of_birth=None, today=D(2026, 3, 1))
    fields.update(overrides)
    return rules.validate_exemption(**fields)


def single_parent(**overrides):
    fields = dict(kind=rules.SINGLE_PARENT, covers=["work", "reintegration"], evidence_note="",
                  household_type="single_parent", youngest_child_date_of_birth=D(2024, 5, 1),
                  requested_on=D(2026, 2, 20), review_on=D(2026, 8, 31), ends_on=D(2029, 4, 30))
    fields.update(overrides)
    return exemption(**fields)


def test_a_valid_social_medical_exemption_has_no_problems():
    assert exemption() == {}


def test_medical_grounds_need_an_evidence_note_and_grounds():
    errors = exemption(evidence_note=" ", grounds="")
    assert set(errors) == {"evidence_note", "grounds"}


def test_a_temporary_exemption_needs_an_end_date_and_a_yearly_review():
    assert "ends_on" in exemption(ends_on=None)
    assert "review_on" in exemption(ends_on=D(2027, 12, 31))
    assert exemption(ends_on=D(2027, 12, 31), review_on=D(2027, 2, 1)) == {}


def test_single_parent_exemption_valid_case():
    assert single_parent() == {}


@pytest.mark.parametrize("overrides, field", [
    ({"requested_on": None}, "requested_on"),
    ({"household_type": "single"}, "kind"),
    ({"youngest_child_date_of_birth": None}, "kind"),
    ({"youngest_child_date_of_birth": D(2021, 1, 1)}, "starts_on"),  # the child is already 5
    ({"ends_on": D(2029, 5, 1)}, "ends_on"),  # on the child's 5th birthday
    ({"review_on": D(2026, 9, 2)}, "review_on"),  # more than 6 months
    ({"review_on": None}, "review_on"),
    ({"covers": ["work", "reciprocity"]}, "covers"),  # art. 9a does not cover the tegenprestatie
])
def test_single_parent_exemption_rules(overrides, field):
    assert field in single_parent(**overrides)


def test_single_parent_exemption_lasts_at_most_five_years():
    errors = single_parent(youngest_child_date_of_birth=D(2026, 2, 1), ends_on=D(2031, 3, 1))
    assert "ends_on" in errors


def test_full_incapacity_is_lasting_and_needs_evidence():
    assert exemption(kind=rules.FULL_INCAPACITY, ends_on=None) == {}
    assert "ends_on" in exemption(kind=rules.FULL_INCAPACITY)
    assert "evidence_note" in exemption(kind=rules.FULL_INCAPACITY, ends_on=None, evidence_note="")


def test_a_review_of_a_single_parent_exemption_sets_the_next_one_within_six_months():
    assert rules.next_review_problems("single_parent", reviewed_on=D(2026, 9, 1), next_review_on=D(2027, 3, 1),
                                      ends_on=D(2029, 4, 30)) == {}
    assert "next_review_on" in rules.next_review_problems("single_parent", reviewed_on=D(2026, 9, 1),
                                                          next_review_on=D(2027, 3, 2), ends_on=D(2029, 4, 30))
    assert "next_review_on" in rules.next_review_problems("single_parent", reviewed_on=D(2026, 9, 1),
                                                          next_review_on=None, ends_on=D(2029, 4, 30))


def test_the_worklist_date_is_the_review_or_the_end_whichever_first():
    assert rules.exemption_due_on(D(2026, 5, 1), D(2026, 8, 31)) == D(2026, 5, 1)
    assert rules.exemption_due_on(None, D(2026, 8, 31)) == D(2026, 8, 31)
    assert rules.exemption_due_on(None, None) is None


# -- measures ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("category, repeat, blame, percentage, months", [
    ("1", 0, "full", "5", 1),
    ("1", 1, "full", "10", 1),
    ("1", 5, "full", "10", 1),  # after the last step: the last step again
    ("2", 0, "full", "30", 1),
    ("2", 2, "full", "100", 1),
    ("3", 1, "full", "100", 2),
    ("2", 0, "reduced", "15", 1),
])
def test_the_verordening_decides_percentage_and_duration(category, repeat, blame, percentage, months):
    decision = rules.decide_measure(regime="ordinance", settings=VNG, category=category, blame=blame,
                                    repeat_count=repeat)
    assert (decision.outcome, decision.percentage, decision.months) == ("measure", Decimal(percentage), months)
    assert decision.rule


def test_no_blame_means_no_measure():
    decision = rules.decide_measure(regime="ordinance", settings=VNG, category="3", blame="none", repeat_count=2)
    assert (decision.outcome, decision.percentage, decision.months) == ("no_blame", Decimal(0), 0)
    assert "lid 9" in decision.rule


def test_urgent_reasons_adjust_the_measure_only_downwards():
    decision = rules.decide_measure(regime="ordinance", settings=VNG, category="2", blame="full", repeat_count=0,
                                    urgent_percentage=Decimal("10"))
    assert (decision.outcome, decision.percentage, decision.months) == ("adjusted", Decimal("10.00"), 1)
    waived = rules.decide_measure(regime="ordinance", settings=VNG, category="2", blame="full", repeat_count=0,
                                  urgent_percentage=Decimal("0"))
    assert (waived.outcome, waived.percentage, waived.months) == ("adjusted", Decimal(0), 0)
    with pytest.raises(ValueError, match="lichter"):
        rules.decide_measure(regime="ordinance", settings=VNG, category="2", blame="full", repeat_count=0,
                             urgent_percentage=Decimal("40"))


def test_the_uniform_work_obligations_regime_is_100_percent_for_1_to_3_months_and_spreadable():
    first = rules.decide_measure(regime="work_obligations", settings=VNG, category="", blame="full", repeat_count=0)
    assert (first.percentage, first.months) == (Decimal(100), 1)
    third = rules.decide_measure(regime="work_obligations", settings=VNG, category="", blame="full", repeat_count=4)
    assert (third.percentage, third.months) == (Decimal(100), 3)
    spread = rules.decide_measure(regime="work_obligations", settings=VNG, category="", blame="full",
                                  repeat_count=0, spread_over_months=3)
    assert (spread.percentage, spread.months, spread.base_percentage, spread.base_months) == (
        Decimal("33.33"), 3, Decimal(100), 1)
    with pytest.raises(ValueError):
        rules.decide_measure(regime="work_obligations", settings=VNG, category="", blame="full", repeat_count=0,
                             spread_over_months=4)


def test_the_language_requirement_regime_is_20_40_100_percent():
    steps = [rules.decide_measure(regime="language", settings=VNG, category="", blame="full", repeat_count=n)
             for n in range(3)]
    assert [s.percentage for s in steps] == [Decimal(20), Decimal(40), Decimal(100)]


def test_an_unknown_category_is_a_clear_error():
    with pytest.raises(ValueError, match="categorie"):
        rules.decide_measure(regime="ordinance", settings=VNG, category="9", blame="full", repeat_count=0)


def test_repeats_count_decisions_in_the_12_months_before_the_breach():
    earlier = [D(2025, 3, 1), D(2025, 3, 2), D(2026, 2, 1), D(2026, 3, 5)]
    assert rules.count_repeats(D(2026, 3, 2), earlier) == 2  # 2025-03-02 and 2026-02-01


def test_the_reduction_period_covers_whole_months_from_the_month_after_the_decision():
    assert rules.first_reduction_month(D(2026, 3, 17)) == D(2026, 4, 1)
    assert rules.reduction_period(D(2026, 4, 1), 1) == (D(2026, 4, 1), D(2026, 4, 30))
    assert rules.reduction_period(D(2026, 12, 1), 3) == (D(2026, 12, 1), D(2027, 2, 28))
    assert rules.reduction_period(D(2026, 4, 1), 0) is None


def test_every_preset_has_a_valid_measures_block():
    for path in preset_files():
        data = json.loads(path.read_text())
        block = data["extra"].get("measures")
        assert block is not None, path.name
        assert rules.validate_measure_settings(block) == [], path.name
        assert rules.find_category("ordinance", block, block["ladder_category"]) is not None, path.name


def test_a_verordening_whose_repeat_is_lighter_is_refused():
    bad = {"categories": [{"code": "1", "steps": [{"percentage": "30", "months": 1},
                                                  {"percentage": "10", "months": 1}]}]}
    assert any("lichter" in e for e in rules.validate_measure_settings(bad))
    assert rules.validate_measure_settings({"categories": [{"code": "1", "steps": [
        {"percentage": "130", "months": 1}]}]})


# Property tests over any valid verordening -----------------------------------------------------------------------

percentages = st.decimals(min_value=0, max_value=100, places=2)
steps_strategy = st.lists(st.tuples(percentages, st.integers(1, 12)), min_size=1, max_size=5).map(
    lambda raw: [{"percentage": str(p), "months": m} for p, m in zip(
        sorted(p for p, _m in raw), sorted(m for _p, m in raw), strict=True)]
)
settings_strategy = st.builds(
    lambda steps, factor: {"categories": [{"code": "c", "label": "c", "steps": steps, "spreadable": True}],
                           "reduced_blame_factor": str(factor)},
    steps_strategy, st.decimals(min_value=0, max_value=1, places=2),
)
blames = st.sampled_from(["full", "reduced", "none"])


@settings(max_examples=200, deadline=None)
@given(settings_strategy, blames, st.integers(0, 10), st.integers(0, 10))
def test_a_repeat_is_never_lighter(measures, blame, first, second):
    assert rules.validate_measure_settings(measures) == []
    low, high = sorted((first, second))
    a = rules.decide_measure(regime="ordinance", settings=measures, category="c", blame=blame, repeat_count=low)
    b = rules.decide_measure(regime="ordinance", settings=measures, category="c", blame=blame, repeat_count=high)
    assert b.percentage >= a.percentage and b.months >= a.months and b.burden >= a.burden


@settings(max_examples=200, deadline=None)
@given(settings_strategy, blames, st.integers(0, 10), st.one_of(st.none(), percentages),
       st.one_of(st.none(), st.integers(1, 3)))
def test_the_percentage_stays_within_0_and_100(measures, blame, repeat, urgent, spread):
    try:
        decision = rules.decide_measure(regime="ordinance", settings=measures, category="c", blame=blame,
                                        repeat_count=repeat, urgent_percentage=urgent, spread_over_months=spread)
    except ValueError:
        return  # refused input (heavier 'adjustment', impossible spreading) is an error, never a result
    assert Decimal(0) <= decision.percentage <= Decimal(100)
    assert decision.months >= 0
    if blame == "none":
        assert decision.outcome == "no_blame" and decision.percentage == 0 and decision.months == 0
    else:
        assert decision.outcome in ("measure", "adjusted")


@settings(max_examples=100, deadline=None)
@given(settings_strategy, st.integers(0, 10))
def test_reduced_blame_is_never_heavier_than_full_blame(measures, repeat):
    full = rules.decide_measure(regime="ordinance", settings=measures, category="c", blame="full",
                                repeat_count=repeat)
    reduced = rules.decide_measure(regime="ordinance", settings=measures, category="c", blame="reduced",
                                   repeat_count=repeat)
    assert reduced.burden <= full.burden


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["work_obligations", "language"]), st.integers(0, 10), blames)
def test_statutory_regimes_stay_within_the_law(regime, repeat, blame):
    decision = rules.decide_measure(regime=regime, settings={}, category="", blame=blame, repeat_count=repeat)
    if blame == "none":
        assert decision.percentage == 0
    elif regime == "work_obligations" and blame == "full":
        assert decision.percentage == 100 and 1 <= decision.months <= 3
    elif regime == "language" and blame == "full":
        assert decision.percentage in (Decimal(20), Decimal(40), Decimal(100))


# -- four eyes and hearing ---------------------------------------------------------------------------------------------

HEARD = rules.HearingFacts("hearing", D(2026, 3, 10), "De inwoner was ziek en had geen bericht gestuurd.", "")


def problems(**overrides):
    fields = dict(status="hearing", proposer_id=1, decider_id=2, decider_role="team_lead", hearings=[HEARD],
                  proposed_on=D(2026, 3, 1), today=D(2026, 3, 20))
    fields.update(overrides)
    return rules.decision_problems(**fields)


def test_a_heard_measure_can_be_decided_by_a_second_person():
    assert problems() == []


def test_the_proposer_can_never_decide():
    assert any("vier ogen" in p for p in problems(decider_id=1))


def test_no_decision_without_a_hearing_or_a_reason():
    assert any("gehoord" in p for p in problems(hearings=[]))
    assert any("gehoord" in p for p in problems(hearings=[rules.HearingFacts("hearing", None, "", "")]))
    assert any("gehoord" in p for p in problems(hearings=[rules.HearingFacts("not_needed", None, "", " ")]))
    assert problems(hearings=[rules.HearingFacts("not_needed", None, "", "Awb 4:12: gevolgen gering")]) == []


def test_no_response_counts_only_after_the_period_has_passed():
    waiting = rules.HearingFacts("no_response", None, "", "", respond_by=D(2026, 3, 20))
    assert any("gehoord" in p for p in problems(hearings=[waiting]))
    passed = rules.HearingFacts("no_response", None, "", "", respond_by=D(2026, 3, 19))
    assert problems(hearings=[passed]) == []


def test_a_caseworker_cannot_decide_and_a_decided_measure_not_twice():
    assert any("teamleider" in p for p in problems(decider_role="caseworker"))
    assert any("al besloten" in p for p in problems(status="decided"))


# -- objections, complaints, signals -----------------------------------------------------------------------------------

def test_an_objection_has_6_weeks_from_the_decision_and_is_decided_within_6_or_12_weeks():
    result = rules.objection_deadlines("objection", received_on=D(2026, 4, 10), decision_date=D(2026, 3, 2))
    assert result.filing_deadline == D(2026, 4, 13) and result.filed_in_time
    assert result.respond_by == D(2026, 5, 22)
    late = rules.objection_deadlines("objection", received_on=D(2026, 4, 14), decision_date=D(2026, 3, 2),
                                     with_committee=True)
    assert not late.filed_in_time and late.respond_by == D(2026, 7, 7)


def test_a_complaint_is_handled_within_6_weeks():
    result = rules.objection_deadlines("complaint", received_on=D(2026, 4, 10), decision_date=None)
    assert result.respond_by == D(2026, 5, 22) and "9:11" in result.rule


def test_an_objection_before_the_decision_is_refused():
    with pytest.raises(ValueError):
        rules.objection_deadlines("objection", received_on=D(2026, 3, 1), decision_date=D(2026, 3, 2))


def test_a_signal_goes_to_enforcement_only_after_the_residents_own_period():
    assert rules.handover_problems(status="recorded", correct_by=None, today=D(2026, 3, 1))
    assert rules.handover_problems(status="correction_requested", correct_by=D(2026, 3, 15), today=D(2026, 3, 15))
    assert rules.handover_problems(status="correction_requested", correct_by=D(2026, 3, 15),
                                   today=D(2026, 3, 16)) == []
    assert rules.handover_problems(status="corrected", correct_by=D(2026, 3, 15), today=D(2026, 3, 16))


def test_statistics_compare_no_show_actions_with_measures():
    measures = ([{"status": "decided", "outcome": "measure", "source": "no_show_ladder", "months": 1}] * 95
                + [{"status": "decided", "outcome": "no_blame", "source": "no_show_ladder", "months": 0}] * 20
                + [{"status": "proposed", "outcome": "", "source": "caseworker", "months": None}])
    stats = rules.measure_statistics(no_show_actions=360, measures=measures)
    assert (stats.with_reduction, stats.no_blame, stats.awaiting, stats.from_ladder) == (95, 20, 1, 115)
    assert stats.share_of_actions == Decimal(26) and stats.average_months == Decimal("1.0")


@given(mode=st.sampled_from(["mandatory", "not_enforced", "voluntary", "none"]), sanction=st.booleans(),
       relaxed=st.sampled_from(["", "Zelfregie"]))
def test_an_experiment_arm_can_only_relax_the_tegenprestatie_never_the_law(mode, sanction, relaxed):
    reciprocity = {"mode": mode, "max_hours_per_week": 20, "sanction": sanction}
    plain = by_code(rules.obligations_on(D(2026, 3, 1), reciprocity=reciprocity, plan=None))
    arm = by_code(rules.obligations_on(D(2026, 3, 1), reciprocity=reciprocity, plan=None, relaxed_by=relaxed))
    assert arm["reciprocity"].enforceable <= plain["reciprocity"].enforceable
    if relaxed and mode != "none":
        assert arm["reciprocity"].status == rules.VOLUNTARY and not arm["reciprocity"].enforceable
    for code in (rules.WORK, rules.REINTEGRATION):
        assert arm[code] == plain[code]


def test_exemption_messages_are_translated_from_constant_msgids_and_filled_in_afterwards():
    from django.utils import translation

    from meedoen.tests.i18n import english_catalogue, f_strings_in

    assert f_strings_in(rules.validate_exemption, rules.next_review_problems,
                        rules.single_parent_total_problem) == []
    with translation.override("nl"):
        assert single_parent(ends_on=D(2029, 5, 1))["ends_on"] == (
            "De ontheffing stopt uiterlijk de dag voor de 5e verjaardag van het jongste kind (30-04-2029).")
        assert exemption(grounds="")["grounds"] == "Schrijf op waarom de ontheffing nodig is."
    with english_catalogue({
        "De ontheffing stopt uiterlijk de dag voor de 5e verjaardag van het jongste kind ({date}).":
            "The exemption ends at the latest on the day before the youngest child turns 5 ({date}).",
        "Schrijf op waarom de ontheffing nodig is.": "Write down why the exemption is needed.",
    }):
        assert single_parent(ends_on=D(2029, 5, 1))["ends_on"] == (
            "The exemption ends at the latest on the day before the youngest child turns 5 (30-04-2029).")
        assert exemption(grounds="")["grounds"] == "Write down why the exemption is needed."
