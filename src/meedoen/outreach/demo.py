"""Demo outreach for the demo municipality: one campaign in one wijk at its Huis van de Wijk.

`seed_outreach(municipality, rng, today)` is called by seed_demo. It is fast on purpose: the campaign's history is
written as rows (what the services would have written on those days); only the steps due *today* run through the
real services (`advance_outreach`), so the letters and tasks made today are the real thing and every step carries
the profile version and rule. Historical invitation letters are not rendered (a PDF costs ~0.1 s each).

Scenarios, whatever the profile's ladder: residents who came, who booked and are expected, whose attendance still
has to be recorded, who cancelled in time (staff must convoke), with an open invitation (a second batch, one with a
working demo link), and one resident for each depth of the no-show ladder, whose next step is taken today.
"""
from __future__ import annotations

import datetime as dt
import logging
import random

from django.db import transaction
from django.utils import timezone

from meedoen.accounts.models import Role, User
from meedoen.guidance import followup
from meedoen.organisation.models import Neighbourhood, Team, Venue
from meedoen.policy.models import PolicyProfile
from meedoen.residents.models import DossierEvent, Resident

from . import rules, services
from .models import (
    Appointment, BookingLink, Campaign, ContactPreference, Invitation, LadderStep, Outreach, SentMessage, Slot,
    hash_token,
)

log = logging.getLogger(__name__)
HOP = 15  # days between two ladder steps in the demo history (an invitation is valid 14 days)
VALID_DAYS = 14


class _Seeder:
    def __init__(self, municipality, rng: random.Random, today: dt.date):
        self.m, self.rng, self.today = municipality, rng, today
        self.tz = timezone.get_default_timezone()
        self.profile = (PolicyProfile.objects.active_for(municipality.policy_key, today)
                        or PolicyProfile.objects.approved().filter(key=municipality.policy_key)
                        .order_by("-effective_from", "-version").first())
        self.ladder = self.profile.no_show_ladder or []
        self.start = rules.start_position(self.ladder)
        kinds = [k for k in services.kinds_for(self.profile) if not k.is_home_visit]
        self.kind = kinds[0]
        self.events = []
        self.booking_url = ""

    def weekday(self, day_offset):
        """The nearest working day: earlier for a past day, later for a future one (no slots at weekends)."""
        day = self.today + dt.timedelta(days=day_offset)
        step = -1 if day_offset < 0 else 1
        while day.weekday() >= 5:
            day += dt.timedelta(days=step)
        return (day - self.today).days

    def at(self, day_offset, hour=10, minute=0):
        day = self.today + dt.timedelta(days=day_offset)
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)), self.tz)

    # -- where and who -------------------------------------------------------------------------------------------------

    def _team_and_wijk(self):
        demo_caseworker = User.objects.filter(municipality=self.m, username="klantmanager").first()
        teams = Team.objects.filter(municipality=self.m, kind=Team.Kind.ACTIVATION).order_by("pk")
        team = demo_caseworker.team if demo_caseworker and demo_caseworker.team_id else teams.first()
        if team is None:
            return None, None, None
        venues = {v.neighbourhood_id: v for v in Venue.objects.filter(municipality=self.m,
                                                                     kind=Venue.Kind.COMMUNITY_CENTRE)}
        for wijk in Neighbourhood.objects.filter(teams=team).order_by("pk"):
            if wijk.pk in venues:
                return team, wijk, venues[wijk.pk]
        return team, None, None

    def run(self, size):
        team, wijk, venue = self._team_and_wijk()
        if venue is None:
            return None
        staff = list(User.objects.filter(team=team, role=Role.CASEWORKER, is_active=True).order_by("pk")[:3])
        lead = User.objects.filter(team=team, role=Role.TEAM_LEAD).order_by("pk").first() or staff[0]
        residents = list(Resident.objects.filter(neighbourhood=wijk, current_caseworker__team=team,
                                                 guidance_status="active").order_by("pk")
                         .select_related("current_caseworker"))
        if not residents or not staff:
            return None
        self.venue, self.staff, self.lead = venue, staff, lead
        depths = list(range(1, max(1, len(self.ladder) - self.start) + 1))
        rest = max(10, size - len(depths))
        # Most telling first, so a small wijk still shows every kind of scenario.
        plan = ([f"ladder{k}" for k in depths] + ["open", "planned", "attended", "due", "cancelled"] * 2
                + ["attended"] * round(0.3 * rest) + ["planned"] * round(0.2 * rest))
        plan += ["open"] * max(0, len(depths) + rest - len(plan))
        chosen = self.rng.sample(residents, min(len(residents), len(plan)))
        first_invite = -1 - HOP * max(depths) - 1
        with transaction.atomic():
            self.campaign = Campaign.objects.create(
                municipality=self.m, team=team, name=f"{wijk.name} – uitnodiging {self.kind.label.lower()}",
                appointment_kind=self.kind.code, neighbourhood=wijk, invitation_valid_days=VALID_DAYS,
                status=Campaign.Status.SENT, policy_profile=self.profile, created_by=lead,
                created_at=self.at(first_invite - 3, 9), sent_at=self.at(first_invite, 9),
            )
            self._slots()
            self._consent(chosen)
            due_today = []
            for scenario, resident in zip(plan, chosen):
                outreach = getattr(self, f"_{scenario.rstrip('0123456789')}")(resident, scenario)
                if outreach is not None and outreach.pending_event:
                    due_today.append(outreach.pk)
            DossierEvent.objects.bulk_create(self.events)
        for pk in due_today:  # the night of today: the real ladder steps (letters, tasks, convocations)
            services.advance_outreach(pk)
        log.info("Demo booking link: %s", self.booking_url)
        return {
            "uitnodigingscampagnes": 1,
            "benaderingen": len(chosen),
            "afspraken (uitnodigingen)": Appointment.objects.filter(outreach__campaign=self.campaign).count(),
        }

    # -- building blocks --------------------------------------------------------------------------------------------

    def _slots(self):
        """Past slots (for history) and future ones (to book and to convoke), two caseworkers side by side."""
        self.slots = {}
        rows = []
        deepest = max(1, len(self.ladder) - self.start)
        days = sorted({self.weekday(d) for d in {-1 - HOP * k for k in range(deepest)} | {-14, -13, 3, 6, 10, 13}})
        length = dt.timedelta(minutes=self.kind.minutes or 30)
        for day in days:
            for worker in self.staff[:2]:  # two caseworkers side by side, four back-to-back slots each
                for n in range(4):
                    start = self.at(day, 9) + n * length
                    rows.append(Slot(municipality=self.m, campaign=self.campaign, appointment_kind=self.kind.code,
                                     venue=self.venue, caseworker=worker, starts_at=start, ends_at=start + length,
                                     capacity=2, created_by=self.lead, created_at=self.campaign.created_at))
        Slot.objects.bulk_create(rows)
        for slot in Slot.objects.filter(campaign=self.campaign).order_by("starts_at"):
            self.slots.setdefault(timezone.localtime(slot.starts_at).date(), []).append(slot)

    def _slot_on(self, day_offset):
        day = self.today + dt.timedelta(days=self.weekday(day_offset))
        for slot in self.slots.get(day, []):
            if slot.booked_count < slot.capacity:
                slot.booked_count += 1
                Slot.objects.filter(pk=slot.pk).update(booked_count=slot.booked_count)
                return slot
        return None

    def _consent(self, residents):
        prefs = []
        for r in residents:
            if r.email and self.rng.random() < 0.5:
                prefs.append(ContactPreference(resident=r, email_consent=True, sms_consent=bool(r.phone)
                                               and self.rng.random() < 0.5, updated_by=self.lead))
        ContactPreference.objects.bulk_create(prefs)
        self.consented = {p.resident_id: p for p in prefs}

    def _outreach(self, resident, **fields):
        return Outreach.objects.create(campaign=self.campaign, resident=resident, created_at=self.campaign.created_at,
                                       **fields)

    def _step(self, outreach, position, kind, event, when, outcome, **extra):
        rule = rules.step_rule(self.ladder, position)
        step = LadderStep.objects.create(outreach=outreach, position=position, kind=kind, event=event,
                                         step_key=outreach.step_key(position), policy_profile=self.profile,
                                         rule=rule[:300], outcome=outcome[:300], executed_at=when, **extra)
        return step

    def _invite(self, outreach, position, day, *, kind="invitation", status=Invitation.Status.EXPIRED,
                reminder=True):
        sent = self.at(day, 9)
        expires = timezone.make_aware(dt.datetime.combine(self.today + dt.timedelta(days=day + VALID_DAYS),
                                                          dt.time(23, 59, 59)), self.tz)
        channels = ["letter"] + [c for c, ok in (("email", getattr(self.consented.get(outreach.resident_id),
                                                                   "email_consent", False)),
                                                 ("sms", getattr(self.consented.get(outreach.resident_id),
                                                                 "sms_consent", False))) if ok]
        invitation = Invitation.objects.create(
            outreach=outreach, position=position, step_key=outreach.step_key(position), status=status, sent_at=sent,
            expires_at=expires, channels=channels,
            reminder_sent_at=self.at(day + 3, 2) if reminder and day + 3 < 0 else None,
        )
        token = services.new_token()
        BookingLink.objects.create(invitation=invitation, token_hash=hash_token(token), created_at=sent)
        self._messages(outreach, "invitation", invitation.step_key, sent, channels)
        self._step(outreach, position, kind, "start" if position == self.start else rules.NO_RESPONSE, sent,
                   f"Uitnodiging met persoonlijke link, geldig tot en met {expires:%d-%m-%Y}, per "
                   f"{', '.join(services._channel_label(c) for c in channels)}")
        self.events.append(DossierEvent(resident_id=outreach.resident_id, kind=DossierEvent.Kind.INVITATION,
                                        summary=f"{self.campaign.name}: uitnodiging", occurred_at=sent,
                                        policy_profile=self.profile))
        return invitation, token

    def _messages(self, outreach, purpose, key, when, channels):
        rows = []
        for channel in channels:
            if channel == "letter":
                continue
            resident = outreach.resident
            to = resident.email if channel == "email" else resident.phone
            failed = self.rng.random() < 0.08
            rows.append(SentMessage(
                resident=resident, campaign=self.campaign, outreach=outreach, channel=channel, purpose=purpose,
                key=f"{key}:{channel}", to_address=to, subject="Maak een afspraak met de gemeente",
                body=f"Beste {resident.first_name}, maak een afspraak via {services.LINK_PLACEHOLDER}.",
                status=SentMessage.Status.FAILED if failed else SentMessage.Status.DELIVERED,
                error="Adres onbekend bij de ontvanger" if failed else "", delivery_id=f"demo-{key}:{channel}",
                created_at=when, status_changed_at=when,
            ))
        SentMessage.objects.bulk_create(rows)

    def _appointment(self, outreach, slot, how, status, booked_day, invitation=None, position=0):
        appointment = Appointment.objects.create(
            outreach=outreach, resident_id=outreach.resident_id, slot=slot, invitation=invitation, how=how,
            position=position, status=status, appointment_kind=self.kind.code, obligatory=self.kind.obligatory,
            measure_possible=self.kind.measure_possible, policy_profile=self.profile,
            booked_at=self.at(booked_day, 20), booked_by=None if how == Appointment.How.INVITATION else self.lead,
            attendance_recorded_at=None if status == Appointment.Status.PLANNED else slot.ends_at,
            attendance_recorded_by=None if status == Appointment.Status.PLANNED else slot.caseworker,
        )
        if status != Appointment.Status.PLANNED:
            kind = DossierEvent.Kind.NO_SHOW if status == Appointment.Status.NO_SHOW else DossierEvent.Kind.APPOINTMENT
            self.events.append(DossierEvent(resident_id=outreach.resident_id, kind=kind, occurred_at=slot.ends_at,
                                            summary=f"{appointment.get_status_display()}: afspraak van "
                                                    f"{timezone.localtime(slot.starts_at):%d-%m-%Y}",
                                            policy_profile=self.profile))
        return appointment

    # -- scenarios ----------------------------------------------------------------------------------------------------

    def _attended(self, resident, _name):
        outreach = self._outreach(resident, position=self.start, first_invited_at=self.at(-20, 9))
        invitation, _token = self._invite(outreach, self.start, -20, status=Invitation.Status.BOOKED, reminder=False)
        slot = self._slot_on(-14) or self._slot_on(-13)
        if slot is None:
            return None
        self._appointment(outreach, slot, Appointment.How.INVITATION, Appointment.Status.ATTENDED, -18, invitation,
                          self.start)
        day = timezone.localtime(slot.starts_at).date()
        Outreach.objects.filter(pk=outreach.pk).update(status=Outreach.Status.COMPLETED, first_conversation_on=day)
        followup.register_contact(resident, day, self.profile)
        return outreach

    def _booked(self, resident, slot_day, status, booked_day):
        invited = -4 if slot_day > 0 else -16
        outreach = self._outreach(resident, position=self.start, first_invited_at=self.at(invited, 9))
        invitation, _token = self._invite(outreach, self.start, invited, status=Invitation.Status.BOOKED,
                                          reminder=False)
        slot = self._slot_on(slot_day)
        if slot is None:
            return None
        self._appointment(outreach, slot, Appointment.How.INVITATION, status, booked_day, invitation, self.start)
        Outreach.objects.filter(pk=outreach.pk).update(status=Outreach.Status.PLANNED, respond_by=None)
        return outreach

    def _planned(self, resident, _name):
        return self._booked(resident, self.rng.choice([3, 6]), Appointment.Status.PLANNED, -2)

    def _due(self, resident, _name):
        return self._booked(resident, -1, Appointment.Status.PLANNED, -10)  # attendance still to be recorded

    def _cancelled(self, resident, _name):
        outreach = self._booked(resident, -13, Appointment.Status.CANCELLED_IN_TIME, -15)
        if outreach is not None:
            Slot.objects.filter(appointments__outreach=outreach).update(booked_count=0)
            Outreach.objects.filter(pk=outreach.pk).update(
                status=Outreach.Status.STAFF_ACTION, staff_note="Op tijd afgemeld: maak een nieuwe afspraak (oproep)")
        return outreach

    def _open(self, resident, _name):
        outreach = self._outreach(resident, status=Outreach.Status.INVITED, position=self.start,
                                  first_invited_at=self.at(-4, 9), respond_by=self.today + dt.timedelta(days=10))
        _invitation, token = self._invite(outreach, self.start, -4, status=Invitation.Status.OPEN)
        if not self.booking_url:
            self.booking_url = services.booking_url(token)
        return outreach

    def _ladder(self, resident, name):
        """A resident who did not react `depth` times: the history as rows, the last event yesterday, and the next
        step (the one due today) left pending for the real ladder."""
        depth = int(name.removeprefix("ladder"))
        first = -1 - HOP * depth
        outreach = self._outreach(resident, position=self.start, first_invited_at=self.at(first, 9))
        self._invite(outreach, self.start, first)
        position, await_kind = self.start, "invitation"
        for hop in range(1, depth):
            day = first + HOP * hop
            event = rules.NO_SHOW if await_kind == "registered_letter" else rules.NO_RESPONSE
            step = rules.next_step(self.ladder, position, event)
            if step is None or step.kind in ("close_outreach", "measure_proposal", "pay_not_earned"):
                break
            position = self._history_step(outreach, step, event, day)
            await_kind = step.kind
        event = {"registered_letter": rules.NO_SHOW, "home_visit": rules.NOT_MET}.get(await_kind, rules.NO_RESPONSE)
        Outreach.objects.filter(pk=outreach.pk).update(position=position, pending_event=event,
                                                       status=Outreach.Status.WAITING)
        outreach.pending_event = event
        return outreach

    def _history_step(self, outreach, step, event, day):
        when = self.at(day, 13)  # after the morning's slots
        if step.kind in rules.INVITING_STEPS:
            self._invite(outreach, step.position, day, kind=step.kind)
        elif step.kind == "registered_letter":
            slot = self._slot_on(day + HOP)
            appointment = (self._appointment(outreach, slot, Appointment.How.CONVOCATION, Appointment.Status.NO_SHOW,
                                             day, position=step.position) if slot else None)
            self._step(outreach, step.position, step.kind, event, when, "Aangetekende brief met oproep",
                       appointment=appointment)
        elif step.kind == "no_show_action_letter":
            self._step(outreach, step.position, step.kind, event, when,
                       f"No show-actie: brief die een maatregel aankondigt; reageren uiterlijk "
                       f"{self.today + dt.timedelta(days=day + services.RESPONSE_DAYS):%d-%m-%Y}")
        elif step.kind == "home_visit":
            self._step(outreach, step.position, step.kind, event, when, "Huisbezoek: niet getroffen")
        else:
            self._step(outreach, step.position, step.kind, event, when, rules.STEP_LABELS.get(step.kind, step.kind))
        return step.position


def seed_outreach(municipality, rng: random.Random, today: dt.date, *, size=40):
    """One demo campaign in one wijk of `municipality` (see the module docstring), for seed_demo's DEMO_EXTENSIONS.

    Returns counts for the seed summary (empty when the municipality has no team with a Huis van de Wijk)."""
    return _Seeder(municipality, rng, today).run(size) or {}


def demo_booking_url(municipality=None):
    """A working personal link for an open demo invitation (a new token each call: tokens are stored hashed and can
    never be read back). None when there is no open invitation."""
    invitations = Invitation.objects.filter(status=Invitation.Status.OPEN, expires_at__gt=timezone.now())
    if municipality is not None:
        invitations = invitations.filter(outreach__campaign__municipality=municipality)
    invitation = invitations.order_by("pk").first()
    if invitation is None:
        return None
    token = services.new_token()
    BookingLink.objects.create(invitation=invitation, token_hash=hash_token(token), purpose="demo")
    return services.booking_url(token)
