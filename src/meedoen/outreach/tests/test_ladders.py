"""End to end, one test per preset ladder: invitation → no-show / no response → … → the ladder's last step, with the
clock moved forward and the nightly task run as cron would. Each letter (kind, registered, never twice) and each task
is checked, and every step records the profile version and the rule it used."""
import pytest

from meedoen.accounts.models import Role
from meedoen.guidance import followup
from meedoen.guidance.models import Task
from meedoen.outreach import services
from meedoen.outreach.models import Appointment, Invitation, LadderStep, Outreach, SentMessage
from meedoen.tests.factories import UserFactory

from .helpers import add_slots, at, letters_of, make_campaign, outreach_of, run_night, token_from_letter

pytestmark = pytest.mark.django_db


def use_profile(municipality, key):
    municipality.policy_key = key
    municipality.save()


def steps(outreach):
    return list(outreach.steps.order_by("position").values_list("position", "kind", "event"))


def assert_traceable(outreach, key):
    for step in LadderStep.objects.filter(outreach=outreach).select_related("policy_profile"):
        assert step.policy_profile.key == key and step.policy_profile.version == 1
        assert step.rule and step.step_key == f"outreach:{outreach.pk}:step{step.position}"


def test_rotterdam_invitation_registered_letter_no_show_action_measure(clock, caseworker, team_lead, resident, venue):
    campaign = make_campaign(caseworker, [resident])
    add_slots(caseworker, campaign, venue, day=7)
    add_slots(caseworker, campaign, venue, day=21)
    services.send_campaign(campaign, caseworker)
    outreach = outreach_of(campaign, resident)
    assert outreach.status == Outreach.Status.INVITED and outreach.position == 1
    assert letters_of(resident) == [("invitation", False)]
    assert "stap 1 van 4" in outreach.steps.get().rule and "gevolgen" in outreach.steps.get().rule

    clock.move_to(at(3, 2))  # 3 days later, still unbooked, no e-mail/SMS consent: a reminder letter
    assert run_night()["invitation_reminders"] == 1
    assert letters_of(resident) == [("invitation", False), ("reminder", False)]

    clock.move_to(at(15, 2))  # the invitation has expired: registered letter with a convocation
    counts = run_night()
    assert counts["expired"] == 1 and counts["steps"] == 1
    outreach.refresh_from_db()
    assert outreach.status == Outreach.Status.PLANNED and outreach.position == 2
    assert letters_of(resident)[-1] == ("registered_letter", True)
    convocation = outreach.appointments.get()
    assert convocation.how == Appointment.How.CONVOCATION and convocation.slot.starts_at == at(21, 10)
    assert convocation.obligatory and convocation.measure_possible
    assert outreach.invitations.get().status == Invitation.Status.EXPIRED

    clock.move_to(at(21, 12))
    services.record_attendance(convocation, Appointment.Status.NO_SHOW, caseworker)  # the per-event task runs inline
    outreach.refresh_from_db()
    assert outreach.position == 3 and outreach.status == Outreach.Status.WAITING
    assert letters_of(resident)[-1] == ("no_show_action", False)
    assert outreach.respond_by == at(35).date()

    clock.move_to(at(35, 2))  # deadline day itself: nothing yet
    assert run_night()["steps"] == 0
    clock.move_to(at(36, 2))  # no response: the measure proposal goes to the caseworker as a task
    assert run_night()["steps"] == 1
    outreach.refresh_from_db()
    assert outreach.status == Outreach.Status.HANDED_OVER and outreach.position == 4
    task = Task.objects.get(resident=resident)
    assert task.kind == Task.Kind.MEASURE_PROPOSAL and task.source_key == f"outreach:{outreach.pk}:step4"
    assert task.policy_profile.key == "rotterdam" and "stap 4 van 4" in task.rule and "1 maand" in task.title
    assert task.assigned_to == caseworker

    for days in (37, 60):  # later nights change nothing: no letter or task twice
        clock.move_to(at(days, 2))
        run_night()
    assert letters_of(resident) == [("invitation", False), ("reminder", False), ("registered_letter", True),
                                    ("no_show_action", False)]
    assert Task.objects.filter(resident=resident).count() == 1
    assert steps(outreach) == [(1, "invitation", "start"), (2, "registered_letter", "no_response"),
                               (3, "no_show_action_letter", "no_show"), (4, "measure_proposal", "no_response")]
    assert_traceable(outreach, "rotterdam")

    # Issue 5: the task becomes a measure proposal; the no show-actie gave the resident the chance to respond
    # (zienswijze), and a team lead decides (four eyes) by the profile's verordening: 30 % for one month.
    from meedoen.obligations import services as obligations

    measure = obligations.propose_measure(
        resident, actor=caseworker, source_task=task, breached_obligation="appointments", occurred_on=at(21).date(),
        facts="Niet gekomen op de oproep van 23 maart en niet gereageerd op de no show-actie.", blame="full",
        blame_note="Geen reactie, geen bekende omstandigheden.", category="licht")
    obligations.record_hearing(measure, actor=caseworker, expected_version=measure.version, kind="no_response",
                               invited_on=at(21).date(), respond_by=at(35).date())
    measure.refresh_from_db()
    decided = obligations.decide(measure, actor=team_lead, expected_version=measure.version,
                                 decision_grounds="U bent niet gekomen en heeft niet gereageerd.")
    assert decided.source == "no_show_ladder" and decided.reduces_norm
    assert (decided.percentage, decided.months) == (30, 1)
    stats = obligations.statistics(resident.municipality)
    assert (stats.no_show_actions, stats.proposals, stats.with_reduction) == (1, 1, 1)


def test_rotterdam_a_repeated_event_never_takes_a_step_twice(clock, caseworker, resident, venue):
    campaign = make_campaign(caseworker, [resident])
    add_slots(caseworker, campaign, venue, day=7)
    services.send_campaign(campaign, caseworker)
    token = token_from_letter(resident)
    appointment = services.book_by_token(token, campaign.slots.first().pk)
    clock.move_to(at(7, 12))
    add_slots(caseworker, campaign, venue, day=14)
    services.record_attendance(appointment, Appointment.Status.NO_SHOW, caseworker)
    outreach = outreach_of(campaign, resident)
    # The same event handled again (a retried task, the night run): nothing new.
    Outreach.objects.filter(pk=outreach.pk).update(pending_event="no_show", position=1)
    services.advance_outreach(outreach.pk)
    run_night()
    assert [k for k, _r in letters_of(resident)] == ["invitation", "registered_letter"]
    assert LadderStep.objects.filter(outreach=outreach).count() == 2


def test_amsterdam_invitation_second_invitation_home_visit_close(clock, municipality, caseworker, resident, venue):
    use_profile(municipality, "amsterdam")
    campaign = make_campaign(caseworker, [resident])
    add_slots(caseworker, campaign, venue, day=7)
    services.send_campaign(campaign, caseworker)
    outreach = outreach_of(campaign, resident)
    assert outreach.position == 1 and letters_of(resident) == [("invitation", False)]

    clock.move_to(at(1, 20))  # the resident books the next evening, through the link in the letter
    first = services.book_by_token(token_from_letter(resident), campaign.slots.first().pk)
    assert not first.obligatory and not first.measure_possible  # Amsterdam: inviting, no measure
    clock.move_to(at(4, 2))
    assert run_night()["invitation_reminders"] == 0  # never a reminder after booking

    clock.move_to(at(7, 12))
    services.record_attendance(first, Appointment.Status.NO_SHOW, caseworker)
    outreach.refresh_from_db()
    assert outreach.position == 2 and outreach.status == Outreach.Status.INVITED
    assert letters_of(resident) == [("invitation", False), ("invitation", False)]  # the second invitation

    clock.move_to(at(10, 2))
    run_night()  # unbooked 3 days: reminder
    clock.move_to(at(22, 2))
    run_night()  # second invitation expired: a home visit task
    outreach.refresh_from_db()
    assert outreach.position == 3 and outreach.status == Outreach.Status.STAFF_ACTION
    visit = Task.objects.get(resident=resident)
    assert visit.kind == Task.Kind.HOME_VISIT and visit.source_key == f"outreach:{outreach.pk}:step3"

    clock.move_to(at(24, 15))
    services.record_home_visit(outreach, met=False, actor=caseworker)
    outreach.refresh_from_db()
    assert outreach.status == Outreach.Status.CLOSED and outreach.position == 4
    assert "blijvend nee" in outreach.closed_reason
    visit.refresh_from_db()
    assert visit.status == Task.Status.DONE
    run_night()
    assert letters_of(resident) == [("invitation", False), ("invitation", False), ("reminder", False)]
    assert Task.objects.filter(resident=resident).count() == 1
    assert steps(outreach) == [(1, "invitation", "start"), (2, "second_invitation", "no_show"),
                               (3, "home_visit", "no_response"), (4, "close_outreach", "not_met")]
    assert_traceable(outreach, "amsterdam")


def test_amsterdam_does_not_close_when_there_is_danger(clock, municipality, caseworker, resident, venue):
    use_profile(municipality, "amsterdam")
    campaign = make_campaign(caseworker, [resident], valid_days=7)
    add_slots(caseworker, campaign, venue, day=5)
    services.send_campaign(campaign, caseworker)
    outreach = outreach_of(campaign, resident)
    clock.move_to(at(8, 2))
    run_night()  # expired: second invitation
    clock.move_to(at(16, 2))
    run_night()  # expired again: home visit
    outreach.refresh_from_db()
    assert outreach.position == 3
    services.record_home_visit(outreach, met=False, danger=True, actor=caseworker)
    outreach.refresh_from_db()
    assert outreach.status == Outreach.Status.STAFF_ACTION and outreach.closed_reason == ""
    step = outreach.steps.get(position=4)
    assert "veiligheid" in step.outcome and "behalve bij gevaar" in step.rule
    assert Task.objects.filter(resident=resident, kind=Task.Kind.CONTACT, source_key=step.step_key).exists()


def test_amsterdam_home_visit_that_meets_the_resident_is_a_contact(clock, municipality, caseworker, resident, venue):
    use_profile(municipality, "amsterdam")
    campaign = make_campaign(caseworker, [resident], valid_days=7)
    add_slots(caseworker, campaign, venue, day=5)
    services.send_campaign(campaign, caseworker)
    outreach = outreach_of(campaign, resident)
    for day in (8, 16):
        clock.move_to(at(day, 2))
        run_night()
    clock.move_to(at(17, 11))
    services.record_home_visit(outreach, met=True, actor=caseworker)
    outreach.refresh_from_db()
    resident.refresh_from_db()
    assert outreach.status == Outreach.Status.COMPLETED and outreach.first_conversation_on == at(17).date()
    assert resident.last_contact_on == at(17).date() and resident.next_contact_on > at(17).date()


def test_utrecht_has_no_ladder_nothing_happens_after_a_no_show(clock, municipality, caseworker, resident, venue):
    use_profile(municipality, "utrecht")
    campaign = make_campaign(caseworker, [resident], kind="wijkcontactdag")
    add_slots(caseworker, campaign, venue, day=7, capacity=3)
    services.send_campaign(campaign, caseworker)
    outreach = outreach_of(campaign, resident)
    assert outreach.position == 0 and "vóór de no-showladder" in outreach.steps.get().rule
    appointment = services.book_by_token(token_from_letter(resident), campaign.slots.first().pk)
    assert appointment.obligatory and not appointment.measure_possible  # yearly talk required, no sanction
    clock.move_to(at(7, 12))
    services.record_attendance(appointment, Appointment.Status.NO_SHOW, caseworker)
    for day in (8, 30, 90):
        clock.move_to(at(day, 2))
        run_night()
    outreach.refresh_from_db()
    assert outreach.status == Outreach.Status.NO_RESPONSE and outreach.pending_event == ""
    assert "geen no-showladder" in outreach.staff_note
    assert letters_of(resident) == [("invitation", False)]
    assert not Task.objects.filter(resident=resident).exists()
    assert outreach.steps.count() == 1


def test_utrecht_letter_says_attendance_is_required_without_a_measure(clock, municipality, caseworker, resident,
                                                                     venue):
    from meedoen.letters.models import Letter

    use_profile(municipality, "utrecht")
    campaign = make_campaign(caseworker, [resident], kind="wijkcontactdag")
    add_slots(caseworker, campaign, venue, day=7)
    services.send_campaign(campaign, caseworker)
    html = Letter.objects.get(resident=resident).document_html
    assert "verplicht" in html
    assert "maatregel" not in html.lower() and "verlagen" not in html.lower()


def test_leeuwarden_home_visit_by_the_wijkteam_is_the_whole_ladder(clock, municipality, neighbourhood, caseworker,
                                                                   resident, venue):
    use_profile(municipality, "leeuwarden")
    wijkteam = UserFactory(municipality=municipality, role=Role.NEIGHBOURHOOD_WORKER, team=None,
                           neighbourhood=neighbourhood)
    campaign = make_campaign(caseworker, [resident], valid_days=7)
    add_slots(caseworker, campaign, venue, day=5)
    services.send_campaign(campaign, caseworker)
    outreach = outreach_of(campaign, resident)
    clock.move_to(at(8, 2))
    run_night()
    outreach.refresh_from_db()
    visit = Task.objects.get(resident=resident)
    assert visit.kind == Task.Kind.HOME_VISIT and visit.assigned_to == wijkteam
    assert outreach.position == 1 and "door: wijkteam" in outreach.steps.get(position=1).rule
    services.record_home_visit(outreach, met=False, actor=caseworker)
    outreach.refresh_from_db()
    assert outreach.status == Outreach.Status.NO_RESPONSE  # the ladder has no further step: staff decide
    assert [k for k, _r in letters_of(resident)] == ["invitation"]  # no night ran before it expired: no reminder
    assert Task.objects.filter(resident=resident).count() == 1


def test_stockholm_no_show_leads_to_a_measure_proposal_with_an_offer(clock, municipality, caseworker, resident,
                                                                     venue):
    use_profile(municipality, "stockholm")
    campaign = make_campaign(caseworker, [resident])
    add_slots(caseworker, campaign, venue, day=3)
    services.send_campaign(campaign, caseworker)
    appointment = services.book_by_token(token_from_letter(resident), campaign.slots.first().pk)
    assert appointment.obligatory and appointment.measure_possible
    clock.move_to(at(3, 11))
    services.record_attendance(appointment, Appointment.Status.NO_SHOW, caseworker)
    outreach = outreach_of(campaign, resident)
    assert outreach.status == Outreach.Status.HANDED_OVER
    task = Task.objects.get(resident=resident)
    assert task.kind == Task.Kind.MEASURE_PROPOSAL and "aanbod" in task.title


def test_an_attended_appointment_is_a_contact_and_ends_the_outreach(clock, caseworker, resident, venue):
    campaign = make_campaign(caseworker, [resident])
    add_slots(caseworker, campaign, venue, day=4)
    services.send_campaign(campaign, caseworker)
    appointment = services.book_by_token(token_from_letter(resident), campaign.slots.first().pk)
    clock.move_to(at(4, 11))
    services.record_attendance(appointment, Appointment.Status.ATTENDED, caseworker)
    outreach = outreach_of(campaign, resident)
    resident.refresh_from_db()
    assert outreach.status == Outreach.Status.COMPLETED and outreach.first_conversation_on == at(4).date()
    assert resident.last_contact_on == at(4).date()
    assert resident.next_contact_on == followup.compute_next_contact(resident).due_on > at(4).date()
    run_night()
    assert letters_of(resident) == [("invitation", False)] and not Task.objects.exists()


def test_digital_channels_only_where_the_resident_agreed(clock, caseworker, resident, venue):
    resident.email, resident.phone = "fatima@example.nl", "0612345678"
    resident.save()
    services.set_contact_preference(resident, actor=caseworker, email_consent=True, sms_consent=False,
                                    reminders_paused=False)
    campaign = make_campaign(caseworker, [resident])
    add_slots(caseworker, campaign, venue, day=7)
    services.send_campaign(campaign, caseworker)
    messages = list(SentMessage.objects.values_list("channel", "purpose"))
    assert messages == [("email", "invitation")]
    assert "[persoonlijke link]" in SentMessage.objects.get().body
    assert "/afspraak/" not in SentMessage.objects.get().body  # the token is never stored
    assert outreach_of(campaign, resident).invitations.get().channels == ["letter", "email"]
