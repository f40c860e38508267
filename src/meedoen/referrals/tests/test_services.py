"""The referral loop's services: refusals with nothing half-saved, the dates a placement sets, what reaches the
caseworker (next-contact date, tasks), optimistic locking, cohorts and the yearly check."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from meedoen.guidance import followup
from meedoen.guidance import rules as guidance_rules
from meedoen.guidance.models import Task
from meedoen.referrals import rules, services
from meedoen.referrals.models import ActivityCheck, Cohort, ProviderReport, Referral, ReferralEvent, Suggestion
from meedoen.residents.models import DossierEvent, Resident

from .conftest import backdate
from .factories import ActivityFactory, ProviderFactory

pytestmark = pytest.mark.django_db


def counts():
    return (Referral.objects.count(), ReferralEvent.objects.count(), DossierEvent.objects.count(),
            Task.objects.count(), ProviderReport.objects.count(), ActivityCheck.objects.count())


def assert_refused(call, field, before):
    with pytest.raises(ValidationError) as exc:
        call()
    assert field in exc.value.message_dict, exc.value.message_dict
    assert counts() == before
    return exc.value.message_dict[field][0]


# -- creating a referral ----------------------------------------------------------------------------------------------


def test_referral_is_refused_without_consent_and_nothing_is_saved(resident, provider, activity, make_referral):
    before = counts()
    message = assert_refused(lambda: make_referral(resident, provider, activity, consent_given=False),
                             "consent_given", before)
    assert "toestemming" in message


def test_referral_is_refused_without_a_handover_note(resident, provider, activity, make_referral):
    before = counts()
    message = assert_refused(lambda: make_referral(resident, provider, activity, handover_note="   "),
                             "handover_note", before)
    assert "warme overdracht" in message


def test_referral_to_an_inactive_provider_is_refused(resident, provider, activity, make_referral):
    provider.active = False
    provider.save()
    assert_refused(lambda: make_referral(resident, provider, activity), "provider", counts())


def test_referral_to_a_provider_of_another_municipality_is_refused(resident, make_referral):
    stranger = ProviderFactory(name="Elders")
    assert_refused(lambda: make_referral(resident, stranger), "provider", counts())


def test_activity_must_belong_to_the_provider(resident, provider, other_activity, make_referral):
    message = assert_refused(lambda: make_referral(resident, provider, other_activity), "activity", counts())
    assert "hoort niet bij" in message


def test_full_activity_is_refused_unless_the_caseworker_asks_for_the_waiting_list(
        resident, provider, make_referral, municipality, neighbourhood, provider_user):
    from meedoen.tests.factories import ResidentFactory

    full = ActivityFactory(provider=provider, capacity=1)
    someone = ResidentFactory(municipality=municipality, neighbourhood=neighbourhood)
    services.accept(make_referral(someone, provider, full), actor=provider_user, version=1)  # holds the place
    message = assert_refused(lambda: make_referral(resident, provider, full), "activity", counts())
    assert "vol" in message
    referral = make_referral(resident, provider, full, allow_full=True)
    assert referral.status == "sent"


def test_hours_outside_the_activity_range_are_refused(resident, provider, activity, make_referral):
    message = assert_refused(lambda: make_referral(resident, provider, activity, hours_per_week=Decimal("30")),
                             "hours_per_week", counts())
    assert "4 tot 16" in message


def test_the_same_open_referral_is_not_made_twice(resident, provider, activity, make_referral):
    make_referral(resident, provider, activity)
    assert_refused(lambda: make_referral(resident, provider, activity), "__all__", counts())


def test_provider_staff_cannot_make_a_referral(resident, provider, activity, make_referral, provider_user):
    with pytest.raises(PermissionDenied):
        make_referral(resident, provider, activity, actor=provider_user)
    assert Referral.objects.count() == 0


def test_a_referral_records_consent_an_event_and_a_timeline_line(referral, caseworker):
    assert referral.status == "sent" and referral.version == 1
    assert referral.consent_recorded_at is not None
    event = referral.events.get()
    assert event.status == "sent" and event.actor == caseworker and event.seen_by_caseworker_at is not None
    line = DossierEvent.objects.filter(resident=referral.resident, kind=DossierEvent.Kind.REFERRAL).get()
    assert "Warm doorverwezen naar Vrijwilligerswinkel Zuid" in line.summary


# -- the provider's steps ---------------------------------------------------------------------------------------------


def test_placement_sets_guidance_report_and_the_residents_next_contact(referral, provider_user):
    today = timezone.localdate()
    resident = Resident.objects.get(pk=referral.resident_id)
    Resident.objects.filter(pk=resident.pk).update(segment="kansarm", intensity="light")
    followup.register_contact(Resident.objects.get(pk=resident.pk), today - dt.timedelta(days=30))
    services.accept(referral, actor=provider_user, version=1)
    placed = services.place(referral, actor=provider_user, version=2, placed_on=today,
                            hours_per_week=Decimal("8"))
    assert placed.status == "placed" and placed.version == 3
    assert placed.placed_on == today
    assert placed.guidance_until == rules.add_months(today, 6)  # contract: six months of guidance
    assert placed.next_report_due_on == rules.add_months(today, 3)  # contract: a report every three months
    resident = Resident.objects.get(pk=referral.resident_id)
    assert resident.next_contact_on == today + dt.timedelta(days=guidance_rules.PLACEMENT_SILENCE_DAYS)
    assert "plaatsing bij partner" in resident.next_contact_rule
    # The nightly bulk run computes the same date (it knows about placements too).
    Resident.objects.filter(pk=resident.pk).update(next_contact_on=None, next_contact_rule="")
    followup.refresh_all(resident.municipality)
    assert Resident.objects.get(pk=resident.pk).next_contact_on == resident.next_contact_on


def test_contact_after_the_placement_moves_the_next_contact_back_to_the_norm(referral, provider_user):
    today = timezone.localdate()
    backdate(referral, 200)
    services.place(referral, actor=provider_user, version=1, placed_on=today - dt.timedelta(days=10))
    resident = Resident.objects.get(pk=referral.resident_id)
    followup.register_contact(resident, today)
    assert "plaatsing" not in resident.next_contact_rule


def test_placement_in_the_future_or_before_the_referral_is_refused(referral, provider_user):
    today = timezone.localdate()
    before = counts()
    assert_refused(lambda: services.place(referral, actor=provider_user, version=1,
                                          placed_on=today + dt.timedelta(days=1)), "placed_on", before)
    assert_refused(lambda: services.place(referral, actor=provider_user, version=1,
                                          placed_on=today - dt.timedelta(days=3)), "placed_on", before)
    assert Referral.objects.get(pk=referral.pk).status == "sent"


def test_intake_in_the_past_is_refused(referral, provider_user):
    before = counts()
    message = assert_refused(lambda: services.plan_intake(referral, actor=provider_user, version=1,
                                                          intake_at=timezone.now() - dt.timedelta(hours=1)),
                             "intake_at", before)
    assert "verleden" in message
    planned = services.plan_intake(referral, actor=provider_user, version=1,
                                   intake_at=timezone.now() + dt.timedelta(days=2))
    assert planned.status == "intake_planned" and planned.intake_at is not None


def test_return_needs_advice_and_gives_the_caseworker_a_task(referral, provider_user, caseworker):
    before = counts()
    assert_refused(lambda: services.return_with_advice(referral, actor=provider_user, version=1, advice=" "),
                   "advice", before)
    returned = services.return_with_advice(referral, actor=provider_user, version=1,
                                           advice="Eerst schuldhulp: er zijn grote schulden.")
    assert returned.status == "returned" and returned.returned_on == timezone.localdate()
    task = Task.objects.get(resident=referral.resident, source_key=f"referral:{referral.pk}:returned")
    assert task.title.startswith("Teruggemeld door partner Vrijwilligerswinkel Zuid: Eerst schuldhulp")
    assert task.assigned_to == caseworker and task.status == "open"


def test_decline_needs_a_reason_and_gives_the_caseworker_a_task(referral, provider_user):
    assert_refused(lambda: services.decline(referral, actor=provider_user, version=1, reason=""), "reason", counts())
    services.decline(referral, actor=provider_user, version=1, reason="Vol tot de zomer.")
    task = Task.objects.get(source_key=f"referral:{referral.pk}:declined")
    assert "Vol tot de zomer" in task.title


def test_report_moves_the_next_report_and_concerns_reach_the_caseworker(referral, provider_user):
    today = timezone.localdate()
    backdate(referral, 200)
    services.place(referral, actor=provider_user, version=1, placed_on=today - dt.timedelta(days=90))
    assert_refused(lambda: services.report(referral, actor=provider_user, version=2, progress="going_well",
                                           text=""), "text", counts())
    services.report(referral, actor=provider_user, version=2, progress="some_concerns", text="Komt vaak te laat.")
    fresh = Referral.objects.get(pk=referral.pk)
    assert fresh.next_report_due_on == min(rules.add_months(today, 3), fresh.guidance_until)
    assert Task.objects.filter(resident=referral.resident, title__contains="heeft zorgen").exists()


def test_complete_creates_the_yearly_check_and_answers_continue_it(referral, provider_user, caseworker):
    today = timezone.localdate()
    backdate(referral, 200)
    services.place(referral, actor=provider_user, version=1, placed_on=today - dt.timedelta(days=180))
    services.complete(referral, actor=provider_user, version=2, ended_on=today)
    check = ActivityCheck.objects.get(referral=referral)
    assert check.due_on == rules.add_months(today, 12)
    services.answer_check(check, actor=caseworker, still_active=True, note="Nog elke week in de keuken.")
    assert ActivityCheck.objects.filter(referral=referral, due_on=rules.add_months(check.due_on, 12)).exists()
    with pytest.raises(ValidationError):
        services.answer_check(check, actor=provider_user, still_active=False)


def test_a_former_participant_no_longer_active_becomes_a_task(referral, provider_user):
    today = timezone.localdate()
    backdate(referral, 200)
    services.place(referral, actor=provider_user, version=1, placed_on=today - dt.timedelta(days=180))
    services.complete(referral, actor=provider_user, version=2, ended_on=today)
    check = ActivityCheck.objects.get(referral=referral)
    with pytest.raises(ValidationError):
        services.answer_check(check, actor=provider_user, still_active=None)
    services.answer_check(check, actor=provider_user, still_active=False)
    assert Task.objects.filter(title__startswith="Niet meer actief bij").exists()
    assert ActivityCheck.objects.filter(referral=referral).count() == 1


def test_another_providers_staff_cannot_act_or_answer(referral, other_provider_user):
    with pytest.raises(PermissionDenied):
        services.accept(referral, actor=other_provider_user, version=1)
    assert Referral.objects.get(pk=referral.pk).status == "sent"


def test_the_caseworker_cannot_take_the_providers_steps(referral, caseworker):
    with pytest.raises(ValidationError):
        services.place(referral, actor=caseworker, version=1)


# -- optimistic locking -----------------------------------------------------------------------------------------------


def test_a_stale_version_changes_nothing(referral, provider_user):
    services.accept(referral, actor=provider_user, version=1)
    before = counts()
    with pytest.raises(services.StaleReferral) as exc:
        services.return_with_advice(referral, actor=provider_user, version=1, advice="Eerst hulp thuis.")
    assert exc.value.current_version == 2
    assert counts() == before
    assert Referral.objects.get(pk=referral.pk).status == "accepted"


def test_two_concurrent_changes_on_the_same_version_only_one_wins(referral, provider_user, caseworker):
    """Two people read version 1; the provider places, the caseworker withdraws. The second one is refused."""
    stale_copy = Referral.objects.get(pk=referral.pk)
    services.place(referral, actor=provider_user, version=1)
    with pytest.raises(services.StaleReferral):
        services.withdraw(stale_copy, actor=caseworker, version=stale_copy.version, reason="Verhuisd")
    assert Referral.objects.get(pk=referral.pk).status == "placed"


def test_the_write_itself_is_conditional_on_the_version(referral, provider_user, monkeypatch):
    """Even when the version check passed (no row locks on SQLite), the UPDATE only applies to the version read."""
    real_lock = services._lock

    def lock_then_someone_else_saves(*args, **kwargs):
        locked, role = real_lock(*args, **kwargs)
        Referral.objects.filter(pk=locked.pk).update(version=locked.version + 1)
        return locked, role

    monkeypatch.setattr(services, "_lock", lock_then_someone_else_saves)
    before = counts()
    with pytest.raises(services.StaleReferral):
        services.accept(referral, actor=provider_user, version=1)
    assert counts() == before


# -- cohorts ----------------------------------------------------------------------------------------------------------


def test_cohort_defaults_to_the_contract_size_and_three_meetings_in_three_weeks(provider, provider_user):
    start = timezone.localdate() + dt.timedelta(days=14)
    cohort = services.create_cohort(provider, actor=provider_user, name="Groep juli", starts_on=start)
    assert cohort.size == 15
    assert cohort.meetings == [start.isoformat(), (start + dt.timedelta(days=7)).isoformat(),
                               (start + dt.timedelta(days=14)).isoformat()]


def test_cohort_needs_a_name_and_a_future_start(provider, provider_user):
    with pytest.raises(ValidationError) as exc:
        services.create_cohort(provider, actor=provider_user, name="", starts_on=timezone.localdate()
                               - dt.timedelta(days=1))
    assert {"name", "starts_on"} <= set(exc.value.message_dict)
    assert Cohort.objects.count() == 0


def test_a_full_cohort_takes_nobody_more(provider, provider_user, resident, make_referral, municipality,
                                         neighbourhood):
    from meedoen.tests.factories import ResidentFactory

    cohort = services.create_cohort(provider, actor=provider_user, name="Klein", starts_on=timezone.localdate(),
                                    size=1)
    first = make_referral(ResidentFactory(municipality=municipality, neighbourhood=neighbourhood), provider)
    services.add_to_cohort(first, actor=provider_user, version=1, cohort=cohort)
    second = make_referral(resident, provider)
    before = counts()
    message = assert_refused(lambda: services.add_to_cohort(second, actor=provider_user, version=1, cohort=cohort),
                             "cohort", before)
    assert "vol (1 van 1)" in message


def test_a_cohort_of_another_provider_is_refused(referral, other_provider, other_provider_user, provider_user):
    theirs = services.create_cohort(other_provider, actor=other_provider_user, name="Hun groep",
                                    starts_on=timezone.localdate())
    assert_refused(lambda: services.add_to_cohort(referral, actor=provider_user, version=1, cohort=theirs),
                   "cohort", counts())
    with pytest.raises(PermissionDenied):
        services.create_cohort(other_provider, actor=provider_user, name="X", starts_on=timezone.localdate())


# -- suggestions ------------------------------------------------------------------------------------------------------


class Ranked:
    def __init__(self, activity_id, score, reasons=(), flags=()):
        self.activity_id, self.score, self.reasons, self.flags = activity_id, score, list(reasons), list(flags)


def test_what_was_offered_and_chosen_is_recorded(resident, caseworker, activity, other_activity):
    ranked = [Ranked(activity.pk, 0.9, ["Dicht bij huis"]), Ranked(other_activity.pk, 0.7, [], ["Al eerder gedaan"])]
    rows = services.record_suggestions(resident, actor=caseworker, suggestions=ranked,
                                       offered=[activity.pk, other_activity.pk], chosen=activity.pk)
    assert [(r.activity_id, r.rank, r.chosen) for r in rows] == [(activity.pk, 1, True), (other_activity.pk, 2, False)]
    stored = Suggestion.objects.get(activity=other_activity)
    assert stored.flags == ["Al eerder gedaan"] and stored.offered_by == caseworker and stored.chosen_at is None


def test_recording_nothing_offered_or_an_unknown_activity_is_refused(resident, caseworker, activity):
    ranked = [Ranked(activity.pk, 0.9)]
    with pytest.raises(ValidationError):
        services.record_suggestions(resident, actor=caseworker, suggestions=ranked, offered=[])
    with pytest.raises(ValidationError):
        services.record_suggestions(resident, actor=caseworker, suggestions=ranked, offered=[activity.pk + 999])
    assert Suggestion.objects.count() == 0


def test_a_placement_past_its_guidance_gets_its_yearly_check_at_night(referral, provider_user):
    from meedoen.referrals.tasks import open_yearly_checks

    today = timezone.localdate()
    backdate(referral, 400)
    services.place(referral, actor=provider_user, version=1, placed_on=today - dt.timedelta(days=380))
    until = Referral.objects.get(pk=referral.pk).guidance_until
    assert open_yearly_checks.enqueue().return_value == 1
    assert ActivityCheck.objects.get(referral=referral).due_on == rules.yearly_check_due(until)
    assert services.open_yearly_checks() == 0  # once
