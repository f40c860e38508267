"""Outreach services: bad input with clear Dutch errors and nothing half-saved, selection, reminders and the pause,
delivery status, convocations after a cancellation, statistics, and the scheduled tasks."""
import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from meedoen.accounts.models import Role
from meedoen.letters.models import Letter
from meedoen.outreach import services
from meedoen.outreach.models import Appointment, Campaign, Invitation, LadderStep, Outreach, SentMessage, Slot
from meedoen.residents.services import assign_caseworker
from meedoen.tests.factories import NeighbourhoodFactory, ResidentFactory, UserFactory

from .helpers import add_slots, at, letters_of, make_campaign, outreach_of, run_night, token_from_letter

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(clock, caseworker, resident, venue):
    campaign = make_campaign(caseworker, [resident])
    add_slots(caseworker, campaign, venue, day=7, count=4)
    return campaign


def consent(resident, actor, *, email=True, sms=False, paused=False, reason=""):
    resident.email = resident.email or "fatima@example.nl"
    resident.phone = resident.phone or "0612345678"
    resident.save()
    services.set_contact_preference(resident, actor=actor, email_consent=email, sms_consent=sms,
                                    reminders_paused=paused, pause_reason=reason)


# --- slots: never in the past, a caseworker never in two places -------------------------------------------------------


def test_a_slot_in_the_past_is_refused_in_dutch(clock, caseworker, campaign, venue):
    with pytest.raises(ValidationError) as error:
        services.add_slots(caseworker, campaign, caseworker=caseworker, starts_at=at(-1, 10), minutes=30,
                           venue=venue)
    assert "verleden" in error.value.message_dict["starts_at"][0]
    assert Slot.objects.count() == 4


def test_a_caseworker_cannot_be_double_booked_and_nothing_of_the_series_is_saved(clock, caseworker, campaign, venue):
    with pytest.raises(ValidationError) as error:  # a series of 3 whose last slot overlaps the existing 10:00 slot
        services.add_slots(caseworker, campaign, caseworker=caseworker, starts_at=at(7, 9), minutes=25, count=3,
                           venue=venue)
    assert "al een tijdslot" in error.value.message_dict["starts_at"][0]
    assert Slot.objects.count() == 4
    # back to back is fine
    made = services.add_slots(caseworker, campaign, caseworker=caseworker, starts_at=at(7, 12), minutes=30,
                              venue=venue)
    assert len(made) == 1


def test_another_caseworker_may_have_a_slot_at_the_same_time(clock, caseworker, campaign, venue, municipality, team):
    colleague = UserFactory(municipality=municipality, team=team, role=Role.CASEWORKER)
    made = services.add_slots(caseworker, campaign, caseworker=colleague, starts_at=at(7, 10), minutes=30,
                              venue=venue)
    assert made[0].caseworker == colleague


def test_a_caseworker_outside_the_team_cannot_be_scheduled(clock, caseworker, campaign, venue, outside_caseworker):
    with pytest.raises(ValidationError) as error:
        services.add_slots(caseworker, campaign, caseworker=outside_caseworker, starts_at=at(8, 10), minutes=30,
                           venue=venue)
    assert "caseworker" in error.value.message_dict


def test_a_home_visit_slot_has_one_place(clock, caseworker, campaign):
    with pytest.raises(ValidationError) as error:
        services.add_slots(caseworker, campaign, caseworker=caseworker, starts_at=at(8, 10), minutes=60, capacity=3)
    assert "één plaats" in error.value.message_dict["capacity"][0]


def test_a_slot_with_bookings_cannot_be_deleted(clock, caseworker, campaign, resident):
    services.send_campaign(campaign, caseworker)
    slot = campaign.slots.first()
    services.book_by_token(token_from_letter(resident), slot.pk)
    with pytest.raises(ValidationError):
        services.delete_slot(caseworker, slot)
    services.delete_slot(caseworker, campaign.slots.last())
    assert campaign.slots.count() == 3


# --- campaigns --------------------------------------------------------------------------------------------------------


def test_a_campaign_without_free_slots_cannot_be_sent(clock, caseworker, resident):
    campaign = make_campaign(caseworker, [resident])
    with pytest.raises(ValidationError) as error:
        services.send_campaign(campaign, caseworker)
    assert "tijdsloten" in error.value.messages[0]
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT and not Letter.objects.exists()


def test_selection_by_wijk_segment_and_last_contact(clock, caseworker, resident, municipality, neighbourhood):
    other_wijk = NeighbourhoodFactory(municipality=municipality, name="Charlois")
    recent = ResidentFactory(municipality=municipality, neighbourhood=neighbourhood, segment="kansarm",
                             last_contact_on=dt.date(2026, 2, 20))
    long_ago = ResidentFactory(municipality=municipality, neighbourhood=neighbourhood, segment="kansarm",
                               last_contact_on=dt.date(2025, 1, 10))
    elsewhere = ResidentFactory(municipality=municipality, neighbourhood=other_wijk, segment="kansarm")
    for r in (recent, long_ago, elsewhere):
        assign_caseworker(r, caseworker, actor=caseworker)
    resident.segment = "kansrijk"
    resident.save()
    pick = services.eligible_residents(caseworker, neighbourhood=neighbourhood, segment="kansarm",
                                       last_contact_before=dt.date(2026, 1, 1))
    assert list(pick) == [long_ago]
    assert set(services.eligible_residents(caseworker)) == {resident, recent, long_ago, elsewhere}


def test_nobody_gets_two_open_invitations_and_invisible_residents_are_refused(clock, caseworker, resident,
                                                                            outside_caseworker, municipality):
    make_campaign(caseworker, [resident])
    assert resident not in services.eligible_residents(caseworker)
    with pytest.raises(ValidationError):
        make_campaign(caseworker, [resident], name="Nog een keer")
    stranger = ResidentFactory(municipality=municipality)
    assign_caseworker(stranger, outside_caseworker, actor=outside_caseworker)
    with pytest.raises(ValidationError) as error:
        make_campaign(caseworker, [stranger], name="Niet van ons")
    assert "residents" in error.value.message_dict
    assert Campaign.objects.count() == 1


def test_only_staff_make_campaigns(clock, municipality, resident):
    analyst = UserFactory(municipality=municipality, role=Role.ANALYST)
    with pytest.raises(PermissionDenied):
        make_campaign(analyst, [resident])


def test_a_resident_without_address_or_digital_channel_is_not_invited_and_nothing_is_saved(clock, caseworker,
                                                                                         campaign, resident):
    resident.street = ""
    resident.save()
    services.send_campaign(campaign, caseworker)
    outreach = outreach_of(campaign, resident)
    assert outreach.status == Outreach.Status.NEW and "adres" in outreach.staff_note
    assert not Invitation.objects.exists() and not LadderStep.objects.exists() and not Letter.objects.exists()
    # once the address is known, the night run sends it
    resident.street = "Dorpsstraat"
    resident.save()
    run_night()
    outreach.refresh_from_db()
    assert outreach.status == Outreach.Status.INVITED and letters_of(resident) == [("invitation", False)]


def test_without_address_but_with_email_consent_the_invitation_goes_by_email(clock, caseworker, campaign, resident):
    consent(resident, caseworker, email=True)
    resident.street = ""
    resident.save()
    services.send_campaign(campaign, caseworker)
    invitation = outreach_of(campaign, resident).invitations.get()
    assert invitation.channels == ["email"] and not Letter.objects.exists()


# --- channels and delivery status ------------------------------------------------------------------------------------


def test_email_and_sms_are_delivered_after_commit_and_failures_are_shown(clock, caseworker, campaign, resident,
                                                                       django_capture_on_commit_callbacks):
    consent(resident, caseworker, email=True, sms=True)
    resident.phone = "0001234567"  # the development SMS channel fails for this number
    resident.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.send_campaign(campaign, caseworker)
    statuses = dict(SentMessage.objects.values_list("channel", "status"))
    assert statuses == {"email": "delivered", "sms": "failed"}
    sms = SentMessage.objects.get(channel="sms")
    assert sms.error and sms.delivery_id.startswith("dev-")
    assert services.update_delivery_status(SentMessage.objects.get(channel="email").delivery_id, "failed",
                                           "bounce") == 1


def test_consent_needs_an_address_and_a_pause_needs_a_reason(clock, caseworker, resident):
    resident.email = ""
    resident.save()
    with pytest.raises(ValidationError) as error:
        services.set_contact_preference(resident, actor=caseworker, email_consent=True, sms_consent=False,
                                        reminders_paused=False)
    assert "email_consent" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.set_contact_preference(resident, actor=caseworker, email_consent=False, sms_consent=False,
                                        reminders_paused=True)
    assert "pause_reason" in error.value.message_dict


# --- reminders --------------------------------------------------------------------------------------------------------


def test_paused_reminders_are_not_sent(clock, caseworker, campaign, resident):
    consent(resident, caseworker, email=True, paused=True, reason="Opgenomen in het ziekenhuis")
    services.send_campaign(campaign, caseworker)
    clock.move_to(at(3, 2))
    assert run_night()["invitation_reminders"] == 0
    assert list(SentMessage.objects.values_list("purpose", flat=True)) == ["invitation"]
    assert letters_of(resident) == [("invitation", False)]


def test_digital_reminder_when_agreed_instead_of_a_letter(clock, caseworker, campaign, resident):
    consent(resident, caseworker, email=True)
    services.send_campaign(campaign, caseworker)
    clock.move_to(at(2, 2))
    assert run_night()["invitation_reminders"] == 0  # not before day 3
    clock.move_to(at(3, 2))
    assert run_night()["invitation_reminders"] == 1
    clock.move_to(at(4, 2))
    assert run_night()["invitation_reminders"] == 0  # never twice
    assert sorted(SentMessage.objects.values_list("purpose", flat=True)) == ["invitation", "reminder"]
    assert letters_of(resident) == [("invitation", False)]


def test_appointment_reminder_two_days_before_and_never_after_booking(clock, caseworker, resident, venue):
    consent(resident, caseworker, email=True)
    campaign = make_campaign(caseworker, [resident])
    add_slots(caseworker, campaign, venue, day=10, count=1)
    services.send_campaign(campaign, caseworker)
    services.book_by_token(token_from_letter(resident), campaign.slots.get().pk)
    purposes = lambda: sorted(SentMessage.objects.values_list("purpose", flat=True))  # noqa: E731
    assert purposes() == ["confirmation", "invitation"]
    clock.move_to(at(3, 2))
    run_night()
    assert "reminder" not in purposes()  # booked: no invitation reminder
    clock.move_to(at(7, 2))
    run_night()
    assert "appointment_reminder" not in purposes()
    clock.move_to(at(8, 2))
    assert run_night()["appointment_reminders"] == 1
    clock.move_to(at(9, 2))
    assert run_night()["appointment_reminders"] == 0
    assert purposes() == ["appointment_reminder", "confirmation", "invitation"]


# --- attendance and convocations -------------------------------------------------------------------------------------


def test_attendance_cannot_be_recorded_before_the_appointment_or_twice(clock, caseworker, campaign, resident):
    services.send_campaign(campaign, caseworker)
    appointment = services.book_by_token(token_from_letter(resident), campaign.slots.first().pk)
    with pytest.raises(ValidationError) as error:
        services.record_attendance(appointment, Appointment.Status.NO_SHOW, caseworker)
    assert "nog niet begonnen" in error.value.messages[0]
    clock.move_to(at(7, 11))
    services.record_attendance(appointment, Appointment.Status.ATTENDED, caseworker)
    with pytest.raises(ValidationError) as error:
        services.record_attendance(appointment, Appointment.Status.NO_SHOW, caseworker)
    assert "al vastgelegd" in error.value.messages[0]
    assert not LadderStep.objects.filter(position__gt=1).exists()


def test_cancelled_in_time_frees_the_place_and_staff_send_a_convocation(clock, caseworker, campaign, resident):
    services.send_campaign(campaign, caseworker)
    slot = campaign.slots.first()
    appointment = services.book_by_token(token_from_letter(resident), slot.pk)
    clock.move_to(at(5, 9))
    services.record_attendance(appointment, Appointment.Status.CANCELLED_IN_TIME, caseworker)
    slot.refresh_from_db()
    outreach = outreach_of(campaign, resident)
    assert slot.booked_count == 0 and outreach.status == Outreach.Status.STAFF_ACTION
    assert LadderStep.objects.filter(outreach=outreach).count() == 1  # no escalation
    convocation = services.convoke(outreach, campaign.slots.last(), caseworker)
    assert convocation.how == Appointment.How.CONVOCATION and convocation.booked_by == caseworker
    assert letters_of(resident)[-1] == ("convocation", False)
    with pytest.raises(ValidationError):  # one planned appointment at a time
        services.convoke(outreach, campaign.slots.order_by("starts_at")[1], caseworker)
    assert Appointment.objects.filter(status=Appointment.Status.PLANNED).count() == 1


def test_a_convocation_for_a_resident_without_address_or_channel_saves_nothing(clock, caseworker, campaign, resident):
    services.send_campaign(campaign, caseworker)
    outreach = outreach_of(campaign, resident)
    resident.street = ""
    resident.save()
    with pytest.raises(ValidationError) as error:
        services.convoke(outreach, campaign.slots.first(), caseworker)
    assert "adres" in error.value.messages[0]
    assert not Appointment.objects.exists()
    assert Slot.objects.filter(booked_count__gt=0).count() == 0
    assert outreach_of(campaign, resident).status == Outreach.Status.INVITED


def test_a_ladder_step_without_a_free_slot_waits_and_staff_see_why(clock, caseworker, resident, venue):
    campaign = make_campaign(caseworker, [resident])
    add_slots(caseworker, campaign, venue, day=3, count=1)
    services.send_campaign(campaign, caseworker)
    clock.move_to(at(15, 2))
    run_night()  # expired; Rotterdam's next step is a registered letter with a convocation, but no slot is free
    outreach = outreach_of(campaign, resident)
    assert outreach.status == Outreach.Status.STAFF_ACTION and "geen vrij tijdslot" in outreach.staff_note
    assert outreach.pending_event == "no_response" and outreach.position == 1
    assert [k for k, _r in letters_of(resident)] == ["invitation"]
    add_slots(caseworker, campaign, venue, day=25, count=2)
    run_night()  # the night run retries once slots exist
    outreach.refresh_from_db()
    assert outreach.position == 2 and outreach.status == Outreach.Status.PLANNED
    assert letters_of(resident)[-1] == ("registered_letter", True)


def test_contact_after_a_letter_ends_the_outreach_and_moves_the_next_contact(clock, caseworker, campaign, resident):
    services.send_campaign(campaign, caseworker)
    clock.move_to(at(5, 14))
    outreach = services.record_contact(outreach_of(campaign, resident), caseworker, "Belde zelf terug")
    resident.refresh_from_db()
    assert outreach.status == Outreach.Status.COMPLETED and resident.last_contact_on == at(5).date()
    assert outreach.invitations.get().status == Invitation.Status.WITHDRAWN


def test_closing_needs_a_reason(clock, caseworker, campaign, resident):
    services.send_campaign(campaign, caseworker)
    with pytest.raises(ValidationError) as error:
        services.close_outreach(outreach_of(campaign, resident), caseworker, "  ")
    assert "reason" in error.value.message_dict
    closed = services.close_outreach(outreach_of(campaign, resident), caseworker, "Verhuisd naar Breda")
    assert closed.status == Outreach.Status.CLOSED and "Breda" in closed.closed_reason


# --- statistics and the scheduled tasks -----------------------------------------------------------------------------


def test_campaign_statistics(clock, caseworker, resident, venue, neighbourhood, municipality):
    others = [ResidentFactory(municipality=municipality, neighbourhood=neighbourhood) for _ in range(3)]
    for r in others:
        assign_caseworker(r, caseworker, actor=caseworker)
    people = [resident] + others
    campaign = make_campaign(caseworker, people)
    add_slots(caseworker, campaign, venue, day=7, count=4)
    add_slots(caseworker, campaign, venue, day=28, count=4)
    services.send_campaign(campaign, caseworker)
    slots = list(campaign.slots.order_by("starts_at"))
    came = services.book_by_token(token_from_letter(people[0]), slots[0].pk)
    missed = services.book_by_token(token_from_letter(people[1]), slots[1].pk)
    clock.move_to(at(7, 12))
    services.record_attendance(came, Appointment.Status.ATTENDED, caseworker)
    services.record_attendance(missed, Appointment.Status.NO_SHOW, caseworker)  # → registered letter + convocation
    stats = services.campaign_statistics(campaign)
    assert stats.invited == 4 and stats.self_booked == 2 and stats.self_booked_share == 0.5
    assert stats.no_show_rate_invitation == 0.5 and stats.convocation_outcomes == 0
    assert stats.median_days_to_first_conversation == 7.0
    convocation = outreach_of(campaign, people[1]).appointments.get(status=Appointment.Status.PLANNED)
    clock.move_to(at(28, 12))
    services.record_attendance(convocation, Appointment.Status.ATTENDED, caseworker)
    stats = services.campaign_statistics(campaign)
    assert stats.no_show_rate_convocation == 0.0 and stats.median_days_to_first_conversation == 17.5


def test_run_scheduled_enqueues_the_nightly_and_hourly_tasks(clock, caseworker, campaign):
    out = StringIO()
    call_command("run_scheduled", "--nightly", "--hourly", stdout=out)
    text = out.getvalue()
    assert "nightly: meedoen.outreach.tasks.process_outreach → SUCCESSFUL" in text
    assert "hourly: meedoen.outreach.tasks.process_outreach → SUCCESSFUL" in text


def test_night_run_is_idempotent(clock, caseworker, campaign, resident, venue):
    add_slots(caseworker, campaign, venue, day=25, count=1)
    services.send_campaign(campaign, caseworker)
    clock.move_to(at(15, 2))
    first = run_night()
    second = run_night()
    assert first["steps"] == 1 and second["steps"] == 0 and second["expired"] == 0
    assert LadderStep.objects.count() == 2
