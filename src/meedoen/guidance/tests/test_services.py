"""Services of the guidance loop: conversations and their routing, plans with versions and capacity, signing and
the next contact, ending and re-orientation, the nightly follow-up engine, the warm handover."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meedoen.guidance import followup, handover, services
from meedoen.guidance.models import ActionPlan, Conversation, GuidanceEnding, PlanStep, Reorientation, Task
from meedoen.guidance.tasks import refresh_follow_up
from meedoen.policy.services import active_profile
from meedoen.residents.models import DossierEvent, Resident
from meedoen.tests.factories import MunicipalityFactory, NeighbourhoodFactory, ResidentFactory

from .conftest import plan_fields, step

pytestmark = pytest.mark.django_db


def talk(resident, actor, today, **extra):
    fields = {"held_on": today, "where": "office", "discussed": "Kennismaking en wat de inwoner wil."}
    fields.update(extra)
    return services.record_conversation(resident, actor=actor, **fields)


# -- conversations ----------------------------------------------------------------------------------------------------


def test_conversation_moves_last_contact_and_next_contact(kansarm_resident, caseworker, today):
    talk(kansarm_resident, caseworker, today - dt.timedelta(days=3))
    kansarm_resident.refresh_from_db()
    assert kansarm_resident.last_contact_on == today - dt.timedelta(days=3)
    assert kansarm_resident.next_contact_on == today - dt.timedelta(days=3) + dt.timedelta(days=182)
    assert kansarm_resident.next_contact_rule == "laatste contact + contactnorm 182 dagen"
    assert DossierEvent.objects.filter(resident=kansarm_resident, kind="conversation").count() == 1


def test_cant_for_health_creates_an_exemption_check_with_profile_and_rule(kansarm_resident, caseworker, today):
    conversation = talk(kansarm_resident, caseworker, today, refusal="cant", cant_reason="health",
                        refused_what="Tegenprestatie van 20 uur", refusal_explanation="Rugklachten, arts zegt rust")
    task = conversation.task
    profile = active_profile(kansarm_resident.municipality)
    assert task.kind == Task.Kind.EXEMPTION_CHECK
    assert task.policy_profile == profile and conversation.policy_profile == profile
    assert "kan niet (health)" in task.rule and conversation.routing == "exemption_check"
    assert task.assigned_to == caseworker
    assert task.source_key == f"conversation:{conversation.pk}"


def test_cant_for_debts_routes_to_help(kansarm_resident, caseworker, today):
    conversation = talk(kansarm_resident, caseworker, today, refusal="cant", cant_reason="debts",
                        refused_what="Vrijwilligerswerk")
    assert conversation.task.kind == Task.Kind.HELP_REFERRAL


def test_wont_under_rotterdam_is_a_summons_under_the_no_show_ladder(kansarm_resident, caseworker, today):
    conversation = talk(kansarm_resident, caseworker, today, refusal="wont", refused_what="Tegenprestatie")
    assert conversation.task.kind == Task.Kind.SUMMONS
    assert "no-showladder" in conversation.task.title
    assert "mandatory" in conversation.routing_rule and "registered_letter" in conversation.routing_rule


def test_wont_under_amsterdam_is_a_motivating_conversation(presets, caseworker, today):
    amsterdam = MunicipalityFactory(name="Amsterdam-Test", code="9363", policy_key="amsterdam")
    resident = ResidentFactory(municipality=amsterdam, neighbourhood=NeighbourhoodFactory(municipality=amsterdam),
                               current_caseworker=caseworker)
    conversation = talk(resident, caseworker, today, refusal="wont", refused_what="Vrijwilligerswerk")
    assert conversation.task.kind == Task.Kind.MOTIVATION
    assert "motivating" in conversation.task.rule


def test_conversation_in_the_future_is_refused_and_nothing_is_saved(kansarm_resident, caseworker, today):
    with pytest.raises(ValidationError) as exc:
        talk(kansarm_resident, caseworker, today + dt.timedelta(days=1))
    assert "held_on" in exc.value.message_dict
    kansarm_resident.refresh_from_db()
    assert kansarm_resident.last_contact_on is None
    assert not Conversation.objects.exists() and not Task.objects.exists()
    assert not DossierEvent.objects.filter(kind="conversation").exists()


def test_cant_without_a_reason_is_refused(kansarm_resident, caseworker, today):
    with pytest.raises(ValidationError) as exc:
        talk(kansarm_resident, caseworker, today, refusal="cant", refused_what="Tegenprestatie")
    assert "cant_reason" in exc.value.message_dict
    assert not Conversation.objects.exists()


# -- plans ------------------------------------------------------------------------------------------------------------


def test_plan_with_more_hours_than_capacity_needs_a_reason_and_nothing_is_half_saved(kansarm_resident, caseworker,
                                                                                     today):
    events = DossierEvent.objects.count()
    too_much = plan_fields(today, steps=[step(hours="20")], capacity_hours_per_week=Decimal("10"))
    with pytest.raises(ValidationError) as exc:
        services.save_plan(kansarm_resident, actor=caseworker, **too_much)
    message = exc.value.message_dict["over_capacity_reason"][0]
    assert "20 uur per week" in message and "10 uur" in message
    assert not ActionPlan.objects.exists() and not PlanStep.objects.exists()
    assert DossierEvent.objects.count() == events

    plan = services.save_plan(kansarm_resident, actor=caseworker,
                              over_capacity_reason="Wil zelf graag meer; arts akkoord", **too_much)
    assert plan.over_capacity and plan.over_capacity_reason.startswith("Wil zelf")


def test_a_bad_step_saves_nothing(kansarm_resident, caseworker, today):
    fields = plan_fields(today, steps=[step(), step(kind="onbekend")])
    with pytest.raises(ValidationError):
        services.save_plan(kansarm_resident, actor=caseworker, **fields)
    assert not ActionPlan.objects.exists() and not PlanStep.objects.exists()


def test_review_date_must_be_after_today(kansarm_resident, caseworker, today):
    with pytest.raises(ValidationError) as exc:
        services.save_plan(kansarm_resident, actor=caseworker, **plan_fields(today, review_on=today))
    assert "review_on" in exc.value.message_dict


def test_signing_sets_the_next_contact_from_the_review_date(kansarm_resident, caseworker, today):
    talk(kansarm_resident, caseworker, today)
    plan = services.save_plan(kansarm_resident, actor=caseworker, **plan_fields(today))
    assert followup.plan_review_date(kansarm_resident) is None  # a draft does not count
    services.sign_plan(plan, method="paper", signed_on=today, actor=caseworker)
    kansarm_resident.refresh_from_db()
    assert kansarm_resident.next_contact_on == today + dt.timedelta(days=60)
    assert kansarm_resident.next_contact_rule == "evaluatiedatum van het plan van aanpak"
    plan.refresh_from_db()
    assert plan.status == "signed" and plan.signature_method == "paper" and plan.signature_recorded_by == caseworker


def test_revision_is_a_new_version_and_the_old_one_is_superseded_when_it_is_signed(kansarm_resident, caseworker,
                                                                                   today):
    v1 = services.save_plan(kansarm_resident, actor=caseworker, **plan_fields(today))
    services.sign_plan(v1, method="verbal", actor=caseworker)
    v2 = services.save_plan(kansarm_resident, actor=caseworker,
                            **plan_fields(today, review_on=today + dt.timedelta(days=30), steps=[step(hours="4")]))
    assert (v2.version, v2.previous_id, v2.status) == (2, v1.pk, "draft")
    v1.refresh_from_db()
    assert v1.status == "signed"  # the agreement in force stays until the revision is signed
    with pytest.raises(ValidationError):  # one draft at a time: change that draft instead
        services.save_plan(kansarm_resident, actor=caseworker, **plan_fields(today))
    services.save_plan(kansarm_resident, actor=caseworker, draft=v2, **plan_fields(today, steps=[step(hours="6")]))
    assert ActionPlan.objects.filter(resident=kansarm_resident).count() == 2
    services.sign_plan(v2, method="paper", actor=caseworker)
    v1.refresh_from_db()
    assert v1.status == "superseded" and v1.superseded_on == today
    assert list(PlanStep.objects.filter(plan=v1).values_list("hours_per_week", flat=True)) == [Decimal(8), Decimal(2)]
    assert followup.plan_review_date(kansarm_resident) == today + dt.timedelta(days=60)


def test_signing_twice_or_in_the_future_is_refused(kansarm_resident, caseworker, today):
    plan = services.save_plan(kansarm_resident, actor=caseworker, **plan_fields(today))
    with pytest.raises(ValidationError) as exc:
        services.sign_plan(plan, method="paper", signed_on=today + dt.timedelta(days=1), actor=caseworker)
    assert "signed_on" in exc.value.message_dict
    services.sign_plan(plan, method="paper", actor=caseworker)
    with pytest.raises(ValidationError):
        services.sign_plan(plan, method="paper", actor=caseworker)


def test_portal_signature_request_keeps_the_draft(kansarm_resident, caseworker, today):
    plan = services.save_plan(kansarm_resident, actor=caseworker, **plan_fields(today))
    services.request_portal_signature(plan, actor=caseworker)
    plan.refresh_from_db()
    assert plan.status == "draft" and plan.portal_signature_requested_on == today
    services.sign_plan(plan, method="portal", actor=None)  # later, by the resident in the portal
    plan.refresh_from_db()
    assert plan.status == "signed" and plan.signature_method == "portal"


# -- end and re-orientation -------------------------------------------------------------------------------------------


def test_ending_needs_a_review_and_closes_follow_up(kansarm_resident, caseworker, today):
    talk(kansarm_resident, caseworker, today, refusal="wont", refused_what="Tegenprestatie")
    with pytest.raises(ValidationError) as exc:
        services.end_guidance(kansarm_resident, actor=caseworker, reason="work", explanation="Baan bij de HEMA",
                              review="")
    assert "review" in exc.value.message_dict
    assert Resident.objects.get(pk=kansarm_resident.pk).guidance_status == "active"

    ending = services.end_guidance(kansarm_resident, actor=caseworker, reason="work", explanation="Baan bij de HEMA",
                                   review="Stap voor stap gegroeid; vrijwilligerswerk gaf ritme.")
    kansarm_resident.refresh_from_db()
    assert kansarm_resident.guidance_status == "ended" and kansarm_resident.next_contact_on is None
    assert not Task.objects.filter(resident=kansarm_resident, status="open").exists()
    assert ending.policy_profile == active_profile(kansarm_resident.municipality)
    with pytest.raises(ValidationError):
        services.save_plan(kansarm_resident, actor=caseworker, **plan_fields(today))
    followup.register_contact(kansarm_resident, today)  # e.g. an appointment that was already planned
    assert kansarm_resident.next_contact_on is None


def test_reorientation_reopens_and_carries_the_plan_into_a_new_version(kansarm_resident, caseworker, today):
    v1 = services.save_plan(kansarm_resident, actor=caseworker, **plan_fields(today))
    services.sign_plan(v1, method="paper", actor=caseworker)
    ending = services.end_guidance(kansarm_resident, actor=caseworker, reason="other_benefit",
                                   explanation="Tijdelijk WW", review="Goed contact.")
    reorientation = services.reorient(kansarm_resident, actor=caseworker, to_route="work",
                                      reason="WW stopt; wil nu naar betaald werk")
    kansarm_resident.refresh_from_db()
    assert kansarm_resident.guidance_status == "active" and kansarm_resident.next_contact_on is not None
    assert reorientation.reopened and reorientation.ending == ending
    assert (reorientation.from_route, reorientation.to_route) == ("participation", "work")
    v2 = reorientation.plan
    assert (v2.version, v2.status, v2.route, v2.previous_id) == (2, "draft", "work", v1.pk)
    assert v2.steps.count() == 2 and "WW stopt" in v2.goals
    assert GuidanceEnding.objects.filter(resident=kansarm_resident).count() == 1  # history kept
    assert DossierEvent.objects.filter(resident=kansarm_resident, kind="reorientation").exists()


def test_reorientation_without_a_plan_and_without_reason(kansarm_resident, caseworker):
    with pytest.raises(ValidationError) as exc:
        services.reorient(kansarm_resident, actor=caseworker, to_route="work", reason=" ")
    assert "reason" in exc.value.message_dict
    r = services.reorient(kansarm_resident, actor=caseworker, to_route="language", reason="Eerst Nederlands leren")
    assert r.plan is None and not r.reopened and Reorientation.objects.count() == 1


# -- tasks ------------------------------------------------------------------------------------------------------------


def test_create_task_is_idempotent_and_complete_task_records_who(kansarm_resident, caseworker, today):
    task, created = services.create_task(kansarm_resident, kind="home_visit", title="Huisbezoek", due_on=today,
                                         source_key="noshow:1:3")
    again, created_again = services.create_task(kansarm_resident, kind="home_visit", title="Huisbezoek", due_on=today,
                                                source_key="noshow:1:3")
    assert created and not created_again and again.pk == task.pk
    done = services.complete_task(task, actor=caseworker, note="Niemand thuis, kaartje achtergelaten")
    assert done.status == "done" and done.completed_by == caseworker
    with pytest.raises(ValidationError):
        services.complete_task(task, actor=caseworker)


# -- the nightly follow-up engine -------------------------------------------------------------------------------------


def _population(municipality, neighbourhood, caseworker, n, today):
    residents = []
    for i in range(n):
        r = ResidentFactory(municipality=municipality, neighbourhood=neighbourhood, current_caseworker=caseworker,
                            segment=["kansarm", "kansrijk", ""][i % 3], intensity=["light", "intensive"][i % 2],
                            last_contact_on=None if i % 4 == 0 else today - dt.timedelta(days=i * 7))
        residents.append(r)
    return residents


def test_refresh_all_matches_the_single_resident_rule(municipality, neighbourhood, caseworker, today):
    residents = _population(municipality, neighbourhood, caseworker, 12, today)
    plan = services.save_plan(residents[1], actor=caseworker,
                              **plan_fields(today, review_on=today + dt.timedelta(days=9)))
    services.sign_plan(plan, method="paper", actor=caseworker)
    ended = residents[2]
    Resident.objects.filter(pk=ended.pk).update(guidance_status="ended", next_contact_on=today)
    Resident.objects.filter(municipality=municipality).update(next_contact_on=None, next_contact_rule="")
    changed = followup.refresh_all(municipality)
    assert changed == 12  # everyone: the active ones get a date, the ended one its 'no follow-up' rule
    for r in Resident.objects.filter(municipality=municipality):
        expected = followup.compute_next_contact(r)
        assert (r.next_contact_on, r.next_contact_rule) == (expected.due_on, expected.rule), r.pk
    assert Resident.objects.get(pk=residents[1].pk).next_contact_on == today + dt.timedelta(days=9)
    assert followup.refresh_all(municipality) == 0  # nothing changed since


def test_refresh_all_uses_a_fixed_number_of_queries(municipality, neighbourhood, caseworker, today):
    counts = []
    for n in (5, 40):
        _population(municipality, neighbourhood, caseworker, n, today)
        Resident.objects.update(next_contact_on=None, next_contact_rule="")
        followup.refresh_all(municipality)  # warm caches (profile)
        Resident.objects.update(next_contact_on=None, next_contact_rule="")
        with CaptureQueriesContext(connection) as ctx:
            followup.refresh_all(municipality)
        counts.append(len(ctx.captured_queries))
    assert counts[0] >= 3
    # Writes are grouped by (date, rule): a few more distinct dates may add an UPDATE each, never one per resident.
    assert counts[1] < 45 + 5


def test_nightly_task_runs_the_engine(municipality, neighbourhood, caseworker, today):
    _population(municipality, neighbourhood, caseworker, 4, today)
    result = refresh_follow_up.enqueue(municipality_id=municipality.pk)
    assert result.return_value == {str(municipality.pk): 4}


# -- warm handover ----------------------------------------------------------------------------------------------------


def test_handover_summary_says_who_wants_what_agreed_and_pending(kansarm_resident, caseworker, today):
    talk(kansarm_resident, caseworker, today - dt.timedelta(days=2), wishes="Wil koken voor de buurt",
         talents="Goed met kinderen", refusal="cant", cant_reason="debts", refused_what="Cursus")
    plan = services.save_plan(kansarm_resident, actor=caseworker, **plan_fields(today))
    services.sign_plan(plan, method="paper", actor=caseworker)
    kansarm_resident.refresh_from_db()
    summary = handover.summary(kansarm_resident)
    assert summary["who"]["name"] == "Fatima Jansen"
    assert summary["wants"]["wishes"] == "Wil koken voor de buurt"
    assert summary["agreed"]["version"] == 1 and summary["agreed"]["total_hours"] == "10"
    assert summary["pending"]["open_tasks"][0]["title"] == "Schuldhulp regelen"
    assert summary["pending"]["next_contact_on"] == today + dt.timedelta(days=60)
    text = handover.summary_text(kansarm_resident, summary)
    assert "Wil koken voor de buurt" in text and "Schuldhulp regelen" in text and "versie 1" in text


# -- letters ----------------------------------------------------------------------------------------------------------


def test_signing_and_ending_make_their_letters_once(kansarm_resident, caseworker, today):
    from meedoen.letters.models import Letter

    plan = services.save_plan(kansarm_resident, actor=caseworker, **plan_fields(today))
    signed = services.sign_plan(plan, method="paper", actor=caseworker)
    letter = Letter.objects.get(resident=kansarm_resident, kind="plan_confirmation")
    assert signed.letter.pk == letter.pk and letter.step_key == f"plan:{plan.pk}:signed"
    assert "Vrijwilligerswerk bij de buurtkeuken" in letter.body_html
    ending = services.end_guidance(kansarm_resident, actor=caseworker, reason="moved", explanation="Naar Utrecht",
                                   review="Korte begeleiding.")
    assert ending.letter.kind == "end_of_guidance"


def test_a_letter_that_cannot_be_made_does_not_undo_the_signature(kansarm_resident, caseworker, today):
    from meedoen.letters.models import Letter

    Resident.objects.filter(pk=kansarm_resident.pk).update(street="", postcode="")
    kansarm_resident.refresh_from_db()
    plan = services.save_plan(kansarm_resident, actor=caseworker, **plan_fields(today))
    signed = services.sign_plan(plan, method="verbal", actor=caseworker)
    assert signed.letter is None and signed.letter_problem
    plan.refresh_from_db()
    assert plan.status == "signed" and not Letter.objects.exists()
