"""Services: exemptions, measures with due process (four eyes, hearing, optimistic locking, nothing half-saved),
objections, and signals of unreported income."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from meedoen.guidance.models import Task
from meedoen.guidance.services import create_task, save_plan, sign_plan
from meedoen.letters.models import Letter
from meedoen.obligations import services
from meedoen.obligations.models import Exemption, IncomeSignal, Measure, Objection
from meedoen.residents.models import Resident

D = dt.date


def propose(resident, actor, **overrides):
    fields = dict(breached_obligation="appointments", facts="Twee keer niet gekomen op de afspraak, zonder bericht.",
                  occurred_on=D(2026, 3, 2), blame="full", blame_note="Geen reden gegeven; wel bereikbaar.",
                  category="licht")
    fields.update(overrides)
    return services.propose_measure(resident, actor=actor, **fields)


def heard(measure, actor):
    services.record_hearing(measure, actor=actor, expected_version=measure.version, kind="hearing",
                            held_on=D(2026, 3, 10), outcome="Vergeten; geen bijzondere omstandigheden.")
    measure.refresh_from_db()
    return measure


def decide(measure, actor, **overrides):
    fields = dict(expected_version=measure.version, decision_grounds="U bent twee keer niet gekomen zonder reden.")
    fields.update(overrides)
    return services.decide(measure, actor=actor, **fields)


# -- obligations and exemptions ---------------------------------------------------------------------------------------

def test_obligations_follow_the_signed_plan_and_the_exemptions(resident, caseworker, today):
    plan = save_plan(resident, actor=caseworker, goals="Ritme opbouwen", capacity_hours_per_week=Decimal("12"),
                     review_on=today + dt.timedelta(days=60),
                     steps=[{"kind": "volunteering", "description": "Buurtkeuken", "hours_per_week": Decimal("8"),
                             "responsible": "resident", "responsible_name": ""}])
    sign_plan(plan, method="paper", actor=caseworker)
    obligations = {o.code: o for o in services.obligations_for(resident)}
    assert obligations["reciprocity"].hours_per_week == Decimal("12")
    assert obligations["reciprocity"].enforceable  # Rotterdam: mandatory with a sanction
    services.grant_exemption(resident, actor=caseworker, kind="social_medical", grounds="Herstel na operatie",
                             evidence_note="Brief van de chirurg", starts_on=today, ends_on=today + dt.timedelta(90))
    obligations = {o.code: o for o in services.obligations_for(resident)}
    assert obligations["reciprocity"].status == "exempted" and obligations["work"].status == "exempted"


def test_an_invalid_exemption_is_refused_and_nothing_is_saved(resident, caseworker, today):
    with pytest.raises(ValidationError) as error:
        services.grant_exemption(resident, actor=caseworker, kind="social_medical", grounds="Rugklachten",
                                 evidence_note="", starts_on=today, ends_on=None)
    assert {"evidence_note", "ends_on"} <= set(error.value.message_dict)
    assert not Exemption.objects.exists()


def test_a_single_parent_exemption_needs_a_child_under_5_in_the_dossier(resident, caseworker, today):
    fields = dict(kind="single_parent", grounds="Zorg voor dochter van 2", starts_on=today,
                  ends_on=today + dt.timedelta(days=700), review_on=today + dt.timedelta(days=150),
                  requested_on=today)
    with pytest.raises(ValidationError) as error:
        services.grant_exemption(resident, actor=caseworker, **fields)
    assert "kind" in error.value.message_dict
    Resident.objects.filter(pk=resident.pk).update(household_type="single_parent", children_count=1,
                                                   youngest_child_date_of_birth=D(2024, 1, 15))
    resident.refresh_from_db()
    exemption = services.grant_exemption(resident, actor=caseworker, **fields)
    assert exemption.covers == ["reintegration", "work"] and exemption.next_date == today + dt.timedelta(days=150)
    with pytest.raises(ValidationError):  # the next review more than 6 months ahead
        services.review_exemption(exemption, actor=caseworker, expected_version=exemption.version,
                                  note="Situatie ongewijzigd", next_review_on=today + dt.timedelta(days=200))
    services.review_exemption(exemption, actor=caseworker, expected_version=exemption.version,
                              note="Situatie ongewijzigd", next_review_on=today + dt.timedelta(days=180))
    exemption.refresh_from_db()
    assert exemption.version == 2 and exemption.last_reviewed_on == today


def test_ending_an_exemption_with_a_stale_version_is_refused(resident, caseworker, today):
    exemption = services.grant_exemption(resident, actor=caseworker, kind="urgent_reasons", grounds="Brand in huis",
                                         starts_on=today, ends_on=today + dt.timedelta(days=60))
    services.end_exemption(exemption, actor=caseworker, expected_version=1, reason="Weer thuis")
    with pytest.raises(ValidationError, match="intussen gewijzigd"):
        services.review_exemption(exemption, actor=caseworker, expected_version=1, note="x")


# -- measures: four eyes and hearing ----------------------------------------------------------------------------------

def test_a_measure_cannot_be_decided_without_a_hearing_or_a_reason(resident, caseworker, team_lead):
    measure = propose(resident, caseworker)
    with pytest.raises(ValidationError, match="niet gehoord"):
        decide(measure, team_lead)
    measure.refresh_from_db()
    assert measure.status == "proposed" and measure.decided_by is None and not Letter.objects.exists()


def test_a_recorded_reason_why_hearing_was_not_needed_allows_a_decision(resident, caseworker, team_lead):
    measure = propose(resident, caseworker)
    services.record_hearing(measure, actor=caseworker, expected_version=measure.version, kind="not_needed",
                            reason_not_needed="De inwoner heeft de feiten schriftelijk erkend (Awb 4:12).")
    measure.refresh_from_db()
    decided = decide(measure, team_lead)
    assert decided.status == "decided"


def test_the_proposer_can_never_decide_even_as_team_lead(resident, team_lead, second_team_lead):
    measure = heard(propose(resident, team_lead), team_lead)
    with pytest.raises(ValidationError, match="vier ogen"):
        decide(measure, team_lead)
    assert decide(measure, second_team_lead).decided_by == second_team_lead


def test_a_caseworker_cannot_decide(resident, caseworker, outside_caseworker):
    measure = heard(propose(resident, caseworker), caseworker)
    with pytest.raises(ValidationError, match="teamleider"):
        decide(measure, outside_caseworker)


def test_a_decision_applies_the_verordening_and_issues_the_beschikking(resident, caseworker, team_lead, today):
    measure = heard(propose(resident, caseworker), caseworker)
    decided = decide(measure, team_lead)
    # Rotterdam preset, category 'licht', first time: 30 % for one month, from the month after the decision.
    assert (decided.outcome, decided.percentage, decided.months) == ("measure", Decimal("30.00"), 1)
    assert (decided.starts_on, decided.ends_on) == (D(2026, 4, 1), D(2026, 4, 30))
    assert decided.objection_deadline == today + dt.timedelta(weeks=6)
    assert decided.reconsider_by == D(2026, 7, 1)
    assert decided.policy_profile.key == "rotterdam" and "stap 1" in decided.rule
    letter = decided.letter
    assert letter.kind == "measure_decision"
    text = letter.body_html
    assert "30 procent" in text and "bezwaar" in text and "6 weken" in text
    assert Task.objects.get(source_key=f"measure:{decided.pk}:reconsider").due_on == D(2026, 7, 1)
    assert list(Measure.objects.reducing_on(D(2026, 4, 15))) == [decided]
    assert not Measure.objects.reducing_on(D(2026, 5, 1)).exists()


def test_a_repeat_within_12_months_is_heavier(resident, caseworker, team_lead):
    first = decide(heard(propose(resident, caseworker, occurred_on=D(2026, 1, 5)), caseworker), team_lead)
    Measure.objects.filter(pk=first.pk).update(decided_on=D(2026, 2, 1))  # decided before the second breach
    second = decide(heard(propose(resident, caseworker), caseworker), team_lead)
    assert second.repeat_count == 1 and second.percentage == Decimal("100.00") > first.percentage


def test_no_blame_is_an_explicit_outcome_without_reduction(resident, caseworker, team_lead):
    measure = heard(propose(resident, caseworker, blame="none", blame_note="Was opgenomen in het ziekenhuis."),
                    caseworker)
    decided = decide(measure, team_lead)
    assert decided.outcome == "no_blame" and decided.percentage == 0 and decided.starts_on is None
    assert not decided.reduces_norm and "geen maatregel" in decided.letter.body_html
    assert not Task.objects.filter(source_key=f"measure:{decided.pk}:reconsider").exists()


def test_urgent_reasons_adjust_the_measure_and_must_be_written_down(resident, caseworker, team_lead):
    measure = heard(propose(resident, caseworker), caseworker)
    with pytest.raises(ValidationError) as error:
        decide(measure, team_lead, urgent_percentage=Decimal("10"))
    assert "urgent_reasons" in error.value.message_dict
    decided = decide(measure, team_lead, urgent_percentage=Decimal("10"), urgent_reasons="Huurachterstand dreigt")
    assert decided.outcome == "adjusted" and decided.percentage == Decimal("10.00")


def test_the_uniform_work_regime_can_be_spread_over_three_months(resident, caseworker, team_lead):
    measure = heard(propose(resident, caseworker, regime="work_obligations", breached_obligation="work",
                            category=""), caseworker)
    decided = decide(measure, team_lead, spread_over_months=3)
    assert (decided.percentage, decided.months, decided.spread_over_months) == (Decimal("33.33"), 1, 3)
    assert (decided.starts_on, decided.ends_on) == (D(2026, 4, 1), D(2026, 6, 30))


def test_concurrent_decisions_one_wins_the_other_is_refused(resident, caseworker, team_lead, second_team_lead):
    measure = heard(propose(resident, caseworker), caseworker)
    seen_version = measure.version
    decide(measure, team_lead, expected_version=seen_version)
    with pytest.raises(ValidationError, match="intussen gewijzigd"):
        decide(measure, second_team_lead, expected_version=seen_version)
    measure.refresh_from_db()
    assert measure.decided_by == team_lead and Letter.objects.filter(kind="measure_decision").count() == 1


def test_a_decision_that_cannot_make_its_letter_saves_nothing(resident, caseworker, team_lead):
    measure = heard(propose(resident, caseworker), caseworker)
    Resident.objects.filter(pk=resident.pk).update(street="")
    measure.resident.street = ""
    with pytest.raises(ValidationError, match="adres"):
        decide(measure, team_lead)
    measure.refresh_from_db()
    assert measure.status == "hearing" and measure.outcome == "" and measure.decided_by is None
    assert not Task.objects.filter(source_key__endswith=":reconsider").exists()


def test_reconsideration_can_stop_a_measure_early(resident, caseworker, team_lead):
    measure = heard(propose(resident, caseworker, regime="work_obligations", breached_obligation="work",
                            category=""), caseworker)
    decided = decide(measure, team_lead, spread_over_months=3)
    with pytest.raises(ValidationError):
        services.reconsider(decided, actor=caseworker, expected_version=decided.version, note="Werkt nu mee")
    services.reconsider(decided, actor=team_lead, expected_version=decided.version, note="Werkt nu mee",
                        stop_after_month=D(2026, 4, 1))
    decided.refresh_from_db()
    assert decided.status == "reconsidered" and decided.ends_on == D(2026, 4, 30) and decided.reduces_norm
    assert Task.objects.get(source_key=f"measure:{decided.pk}:reconsider").status == "done"


def test_a_proposal_from_the_ladder_task_completes_it_once(resident, caseworker, today):
    task, _created = create_task(resident, kind=Task.Kind.MEASURE_PROPOSAL, title="Voorstel maatregel",
                                 due_on=today, source_key="outreach:1:4")
    measure = propose(resident, caseworker, source_task=task)
    task.refresh_from_db()
    assert measure.source == "no_show_ladder" and task.status == "done"
    with pytest.raises(ValidationError):
        propose(resident, caseworker, source_task=task)
    assert Measure.objects.count() == 1


def test_bad_proposals_get_clear_dutch_errors(resident, caseworker, today):
    with pytest.raises(ValidationError) as error:
        propose(resident, caseworker, facts=" ", occurred_on=today + dt.timedelta(days=1), category="onbekend")
    assert {"facts", "occurred_on", "category"} <= set(error.value.message_dict)
    assert not Measure.objects.exists()


# -- objections -------------------------------------------------------------------------------------------------------

def test_an_upheld_objection_withdraws_the_measure(resident, caseworker, team_lead, today):
    decided = decide(heard(propose(resident, caseworker), caseworker), team_lead)
    objection = services.record_objection(resident, actor=caseworker, kind="objection", decision_kind="measure",
                                          measure=decided, subject="Ik was wel gekomen", received_on=today)
    assert objection.filing_deadline == today + dt.timedelta(weeks=6) and objection.filed_in_time
    assert objection.respond_by == today + dt.timedelta(weeks=6)
    assert Task.objects.get(source_key=f"objection:{objection.pk}").due_on == objection.respond_by
    services.handle_objection(objection, actor=team_lead, outcome="upheld", note="Aanwezigheid bleek wel geregistreerd")
    decided.refresh_from_db()
    assert decided.status == "withdrawn" and not Measure.objects.reducing_on(D(2026, 4, 15)).exists()


def test_a_complaint_is_due_within_6_weeks(resident, caseworker, today):
    complaint = services.record_objection(resident, actor=caseworker, kind="complaint", decision_kind="other",
                                          subject="Onvriendelijk behandeld aan de telefoon", received_on=today)
    assert complaint.respond_by == today + dt.timedelta(weeks=6) and complaint.filing_deadline is None
    assert Objection.objects.count() == 1


# -- signals of unreported income -------------------------------------------------------------------------------------

def test_a_signal_reaches_enforcement_only_after_the_residents_own_period(resident, caseworker, enforcement_officer,
                                                                          time_machine, today):
    signal = services.record_income_signal(resident, actor=caseworker, source="neighbourhood_team",
                                           source_detail="Wijkteam Feijenoord", received_on=today,
                                           description="Werkt zaterdags op de markt")
    with pytest.raises(ValidationError, match="eerst"):
        services.hand_over(signal, actor=caseworker, expected_version=signal.version)
    signal = services.request_correction(signal, actor=caseworker, expected_version=signal.version)
    assert signal.correct_by == today + dt.timedelta(days=14) and signal.letter.kind == "income_correction"
    with pytest.raises(ValidationError, match="de tijd"):
        services.hand_over(signal, actor=caseworker, expected_version=signal.version)
    time_machine.move_to(dt.datetime(2026, 3, 25, 9, 0), tick=True)
    signal = services.hand_over(signal, actor=caseworker, expected_version=signal.version)
    assert signal.status == "handed_over"
    with pytest.raises(ValidationError, match="handhaving"):
        services.record_enforcement_outcome(signal, actor=caseworker, expected_version=signal.version,
                                            outcome="recovery", note="x")
    services.record_enforcement_outcome(signal, actor=enforcement_officer, expected_version=signal.version,
                                        outcome="no_finding", note="Was vrijwilligerswerk met onkostenvergoeding")
    signal.refresh_from_db()
    assert signal.status == "closed" and signal.enforcement_outcome == "no_finding"


def test_guidance_staff_cannot_record_enforcement_outcomes(resident, caseworker, team_lead, today):
    signal = services.record_income_signal(resident, actor=caseworker, source="tip", received_on=today,
                                           description="Anonieme melding")
    IncomeSignal.objects.filter(pk=signal.pk).update(status="handed_over")
    for actor in (caseworker, team_lead):
        with pytest.raises(ValidationError, match="Alleen handhaving"):
            services.record_enforcement_outcome(signal, actor=actor, expected_version=None, outcome="fine", note="x")


def test_a_resident_who_corrects_themself_never_reaches_enforcement(resident, caseworker, today):
    signal = services.record_income_signal(resident, actor=caseworker, source="caseworker", received_on=today,
                                           description="Vertelde over klussen")
    signal = services.request_correction(signal, actor=caseworker, expected_version=signal.version)
    signal = services.mark_corrected(signal, actor=caseworker, expected_version=signal.version,
                                     note="Inkomstenopgave februari ingeleverd")
    with pytest.raises(ValidationError):
        services.hand_over(signal, actor=caseworker, expected_version=signal.version)
    assert Task.objects.get(pk=signal.task_id).status == "done"


def test_statistics_count_no_show_actions_against_measures(resident, caseworker, team_lead, municipality):
    decide(heard(propose(resident, caseworker), caseworker), team_lead)
    propose(resident, caseworker, occurred_on=D(2026, 3, 3))
    stats = services.statistics(municipality)
    assert (stats.proposals, stats.with_reduction, stats.awaiting, stats.no_show_actions) == (2, 1, 1, 0)


def test_no_measure_for_a_tegenprestatie_the_profile_does_not_enforce(resident, caseworker, municipality):
    municipality.policy_key = "amsterdam"  # tegenprestatie voluntary, no sanction threat (DESIGN §3)
    municipality.save()
    with pytest.raises(ValidationError) as error:
        propose(resident, caseworker, breached_obligation="reciprocity", category="2")
    assert "breached_obligation" in error.value.message_dict and not Measure.objects.exists()
    assert propose(resident, caseworker, breached_obligation="work", category="3").status == "proposed"
