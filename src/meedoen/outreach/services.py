"""Outreach state changes, each inside transaction.atomic(): campaigns, slots, invitations and bookings,
convocations, attendance, the no-show ladder's steps, reminders and the nightly run.

The pure decisions (which ladder step, whether a reminder is due, appointment kinds, statistics) live in rules.py;
this module applies them to the database, issues letters through meedoen.letters and tasks through
meedoen.guidance, and leaves a line on the dossier timeline for everything that happened to a resident.
"""
from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _, ngettext

from meedoen.accounts.models import Role, User
from meedoen.guidance import followup
from meedoen.guidance.models import Task
from meedoen.guidance.services import complete_task, create_task
from meedoen.policy.services import active_profile
from meedoen.residents.access import visible_residents
from meedoen.residents.models import DossierEvent
from meedoen.residents.services import add_event

from . import rules
from .channels import Message, get_channel
from .models import (
    Appointment, BookingLink, Campaign, ContactPreference, Invitation, LadderStep, Outreach, SentMessage, Slot,
    hash_token,
)

log = logging.getLogger(__name__)

STAFF_ROLES = (Role.CASEWORKER, Role.TEAM_LEAD)
MAX_CAMPAIGN_RESIDENTS = 500
MAX_SLOTS_PER_SERIES = 40
CONVOCATION_NOTICE_DAYS = 5  # a registered letter needs a few days; the convocation is at least this far ahead
RESPONSE_DAYS = 14  # the "no show-actie" letter gives the resident this long to respond (zienswijze)
HOME_VISIT_DUE_DAYS = 7
MEASURE_PROPOSAL_DUE_DAYS = 14
TOKEN_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i: typed from a paper letter
TOKEN_LENGTH = 20  # 31^20 ≈ 2^99
LINK_PLACEHOLDER = "[persoonlijke link]"


# --------------------------------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------------------------------


def kinds_for(profile) -> list[rules.AppointmentKind]:
    return rules.appointment_kinds(profile.extra or {}, stance=profile.stance, ladder=profile.no_show_ladder or [],
                                   reciprocity=profile.reciprocity or {})


def kind_for(profile, code) -> rules.AppointmentKind:
    kind = rules.find_kind(kinds_for(profile), code)
    if kind is None:  # a kind removed from a later profile version: treat it as not obligatory
        return rules.AppointmentKind(code, code, False, False, rule="afspraaksoort staat niet (meer) in het profiel")
    return kind


def new_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def normalise_token(raw: str) -> str:
    return "".join(ch for ch in (raw or "").lower() if ch.isalnum())


def booking_url(token: str) -> str:
    base = getattr(settings, "MEEDOEN_PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    return base + reverse("outreach:book", args=[token])


def _dutch_date(value, fmt="l j F Y"):
    with translation.override("nl"):
        return formats.date_format(value, fmt)


def _end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def _today():
    return timezone.localdate()


def _lock_outreach(pk) -> Outreach:
    return Outreach.objects.select_for_update(of=("self",)).select_related("campaign", "resident").get(pk=pk)


def _first_error(error: ValidationError) -> str:
    return error.messages[0] if error.messages else str(error)


def _enqueue_event(outreach_id):
    from .tasks import handle_outreach_event  # tasks import services

    handle_outreach_event.enqueue(outreach_id)


# --------------------------------------------------------------------------------------------------------------------
# Who sees what (always a queryset filter)
# --------------------------------------------------------------------------------------------------------------------


def visible_campaigns(user):
    """Staff see the campaigns of their team (a team lead: the whole team's), or their own without a team."""
    if not user.is_authenticated or user.municipality_id is None or user.role not in STAFF_ROLES:
        return Campaign.objects.none()
    qs = Campaign.objects.filter(municipality_id=user.municipality_id)
    if user.team_id:
        return qs.filter(Q(team_id=user.team_id) | Q(created_by=user))
    return qs.filter(created_by=user)


def visible_outreaches(user):
    return Outreach.objects.filter(resident__in=visible_residents(user), campaign__in=visible_campaigns(user))


def staff_choices(user):
    """Who can hold an appointment for this user's campaigns: active caseworkers and team leads of the team."""
    qs = User.objects.filter(municipality_id=user.municipality_id, role__in=STAFF_ROLES, is_active=True)
    if user.team_id:
        return qs.filter(team_id=user.team_id).order_by("first_name", "last_name")
    return qs.filter(pk=user.pk)


def _require_staff(user):
    if user is None or user.role not in STAFF_ROLES or user.municipality_id is None:
        raise PermissionDenied(_("Alleen klantmanagers en teamleiders werken met uitnodigingen."))


# --------------------------------------------------------------------------------------------------------------------
# Contact preferences (consent per channel, pause on reminders)
# --------------------------------------------------------------------------------------------------------------------


def preference_for(resident) -> ContactPreference:
    try:
        return resident.contact_preference
    except ContactPreference.DoesNotExist:
        return ContactPreference(resident=resident)


@transaction.atomic
def set_contact_preference(resident, *, actor, email_consent, sms_consent, reminders_paused, pause_reason=""):
    if email_consent and not resident.email:
        raise ValidationError({"email_consent": _("Er staat geen e-mailadres in het dossier.")})
    if sms_consent and not resident.phone:
        raise ValidationError({"sms_consent": _("Er staat geen telefoonnummer in het dossier.")})
    if reminders_paused and not pause_reason.strip():
        raise ValidationError({"pause_reason": _("Geef een reden voor de pauze.")})
    pref, _created = ContactPreference.objects.update_or_create(
        resident=resident,
        defaults={"email_consent": email_consent, "sms_consent": sms_consent, "reminders_paused": reminders_paused,
                  "pause_reason": pause_reason.strip() if reminders_paused else "", "updated_by": actor},
    )
    return pref


def digital_channels(resident, pref=None) -> list[tuple[str, str]]:
    """(channel, address) for each channel the resident agreed to and has an address for."""
    pref = pref or preference_for(resident)
    result = []
    if pref.email_consent and resident.email:
        result.append((SentMessage.Channel.EMAIL, resident.email))
    if pref.sms_consent and resident.phone:
        result.append((SentMessage.Channel.SMS, resident.phone))
    return result


def _send_digital(outreach, *, purpose, key, subject, body, url=None) -> list[str]:
    """Queue an e-mail/SMS per consented channel (once per key); hand it to the channel after commit.

    The stored text never contains the booking link: the token lives only in the message handed to the channel.
    """
    resident = outreach.resident
    used = []
    for channel, address in digital_channels(resident):
        message_key = f"{key}:{channel}"
        used.append(channel)
        if SentMessage.objects.filter(key=message_key).exists():
            continue
        text = body if channel == SentMessage.Channel.EMAIL else _sms_text(body)
        stored = text.replace(url, LINK_PLACEHOLDER) if url else text
        row = SentMessage.objects.create(
            resident=resident, campaign=outreach.campaign, outreach=outreach, channel=channel, purpose=purpose,
            key=message_key, to_address=address, subject=subject if channel == "email" else "", body=stored,
        )
        message = Message(channel=channel, to=address, subject=subject, body=text, key=message_key)
        transaction.on_commit(lambda row_id=row.pk, message=message: _deliver(row_id, message), robust=True)
    return used


def _sms_text(body):
    return " ".join(body.split())[:480]


def _deliver(row_id, message: Message):
    delivery = get_channel(message.channel).send(message)
    SentMessage.objects.filter(pk=row_id).update(
        delivery_id=delivery.delivery_id, status=delivery.status, error=delivery.error[:300],
        status_changed_at=timezone.now(),
    )


def update_delivery_status(delivery_id: str, status: str, error: str = "") -> int:
    """A provider reports a later status (e.g. a bounce). Returns the number of messages updated."""
    if status not in SentMessage.Status.values:
        raise ValueError(f"Unknown delivery status {status!r}")
    return SentMessage.objects.filter(delivery_id=delivery_id).update(
        status=status, error=error[:300], status_changed_at=timezone.now()
    )


# --------------------------------------------------------------------------------------------------------------------
# Campaigns and slots
# --------------------------------------------------------------------------------------------------------------------


def eligible_residents(user, *, neighbourhood=None, segment="", last_contact_before=None):
    """Residents this user may invite, by wijk, segment and last contact (never contacted counts as before).
    Residents already in an open outreach are left out: nobody gets two invitations at once."""
    qs = visible_residents(user).filter(guidance_status="active")
    if neighbourhood is not None:
        qs = qs.filter(neighbourhood=neighbourhood)
    if segment:
        qs = qs.filter(segment=segment)
    if last_contact_before:
        qs = qs.filter(Q(last_contact_on__lt=last_contact_before) | Q(last_contact_on__isnull=True))
    busy = Outreach.objects.filter(status__in=Outreach.OPEN_STATUSES + (Outreach.Status.NEW,)).values("resident_id")
    return qs.exclude(pk__in=busy)


@transaction.atomic
def create_campaign(actor, *, name, appointment_kind, resident_ids, neighbourhood=None, segment="",
                    last_contact_before=None, invitation_valid_days=14):
    _require_staff(actor)
    profile = active_profile(actor.municipality)
    errors = {}
    if rules.find_kind(kinds_for(profile), appointment_kind) is None:
        errors["appointment_kind"] = _("Kies een soort afspraak uit het beleidsprofiel.")
    if not 3 <= int(invitation_valid_days) <= 60:
        errors["invitation_valid_days"] = _("Een uitnodiging is 3 tot 60 dagen geldig.")
    ids = list(dict.fromkeys(resident_ids))
    if not ids:
        errors["residents"] = _("Kies minstens één persoon.")
    elif len(ids) > MAX_CAMPAIGN_RESIDENTS:
        errors["residents"] = _("Maximaal {maximum} personen per campagne. Maak de selectie kleiner.").format(
            maximum=MAX_CAMPAIGN_RESIDENTS)
    if errors:
        raise ValidationError(errors)
    residents = list(eligible_residents(actor, neighbourhood=neighbourhood, segment=segment,
                                        last_contact_before=last_contact_before)
                     .filter(public_id__in=ids).only("pk"))
    if len(residents) != len(ids):
        raise ValidationError({"residents": _("Een of meer gekozen personen kunt u niet (meer) uitnodigen. "
                                              "Bekijk de selectie opnieuw.")})
    campaign = Campaign.objects.create(
        municipality_id=actor.municipality_id, team_id=actor.team_id, name=name.strip(),
        appointment_kind=appointment_kind, neighbourhood=neighbourhood, segment=segment,
        last_contact_before=last_contact_before, invitation_valid_days=invitation_valid_days,
        policy_profile=profile, created_by=actor,
    )
    Outreach.objects.bulk_create(Outreach(campaign=campaign, resident=r) for r in residents)
    return campaign


@transaction.atomic
def add_slots(actor, campaign, *, caseworker, starts_at, minutes, capacity=1, venue=None, count=1):
    """A series of `count` back-to-back slots. Never in the past; a caseworker is never in two slots at once."""
    _require_staff(actor)
    now = timezone.now()
    errors = {}
    if starts_at <= now:
        errors["starts_at"] = _("Een tijdslot kan niet in het verleden liggen. Kies een later moment.")
    if not 5 <= minutes <= 480:
        errors["minutes"] = _("Een afspraak duurt 5 tot 480 minuten.")
    if not 1 <= count <= MAX_SLOTS_PER_SERIES:
        errors["count"] = _("Maak 1 tot {maximum} tijdsloten tegelijk.").format(maximum=MAX_SLOTS_PER_SERIES)
    if venue is None and capacity != 1:
        errors["capacity"] = _("Bij een huisbezoek is er één plaats per tijdslot.")
    if not 1 <= capacity <= 50:
        errors["capacity"] = _("Een tijdslot heeft 1 tot 50 plaatsen.")
    if venue is not None and venue.municipality_id != campaign.municipality_id:
        errors["venue"] = _("Deze locatie hoort niet bij uw gemeente.")
    if not staff_choices(actor).filter(pk=caseworker.pk).exists():
        errors["caseworker"] = _("Kies een medewerker uit uw team.")
    if errors:
        raise ValidationError(errors)
    # Lock the caseworker's row so two series for the same person cannot be checked and saved side by side.
    User.objects.select_for_update().filter(pk=caseworker.pk).first()
    length = dt.timedelta(minutes=minutes)
    periods = [(starts_at + i * length, starts_at + (i + 1) * length) for i in range(count)]
    clash = (Slot.objects.filter(caseworker=caseworker, starts_at__lt=periods[-1][1], ends_at__gt=periods[0][0])
             .select_related("venue").order_by("starts_at").first())
    if clash is not None:
        # Translators: {caseworker} is a staff member's name; {slot} is the existing time slot (date, time, place).
        raise ValidationError({"starts_at": _(
            "{caseworker} heeft op dat moment al een tijdslot ({slot}). Een medewerker kan niet op twee "
            "plaatsen tegelijk zijn."
        ).format(caseworker=caseworker, slot=clash)})
    slots = Slot.objects.bulk_create(
        Slot(municipality_id=campaign.municipality_id, campaign=campaign, appointment_kind=campaign.appointment_kind,
             venue=venue, caseworker=caseworker, starts_at=start, ends_at=end, capacity=capacity, created_by=actor)
        for start, end in periods
    )
    return slots


@transaction.atomic
def delete_slot(actor, slot):
    _require_staff(actor)
    locked = Slot.objects.select_for_update().get(pk=slot.pk)
    if locked.booked_count or locked.appointments.exists():
        raise ValidationError(_("Op dit tijdslot staan afspraken. Verzet die eerst."))
    locked.delete()


def free_slots(campaign, *, after=None, home_visits=False):
    after = after or timezone.now()
    qs = Slot.objects.filter(campaign=campaign, starts_at__gt=after, booked_count__lt=F("capacity"))
    return qs.filter(venue__isnull=home_visits)


@transaction.atomic
def send_campaign(campaign, actor):
    """Mark the campaign as sent and start sending invitations (a task: inline in development, a worker in
    production). Needs free slots at a venue: an invitation without a free time helps nobody."""
    _require_staff(actor)
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status != Campaign.Status.DRAFT:
        raise ValidationError(_("Deze campagne is al verstuurd."))
    if not free_slots(locked).exists():
        raise ValidationError(_("Maak eerst tijdsloten met vrije plaatsen op een locatie. Een uitnodiging zonder "
                                "vrije tijden helpt niemand."))
    locked.status = Campaign.Status.SENT
    locked.sent_at = timezone.now()
    locked.save(update_fields=["status", "sent_at"])
    from .tasks import send_campaign_invitations

    send_campaign_invitations.enqueue(locked.pk, actor.pk)
    return locked


def send_invitations(campaign_id, actor_id=None) -> dict:
    """Start every outreach of a sent campaign that has not started; each resident in their own transaction."""
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    counts = {"sent": 0, "not_sent": 0}
    for pk in Outreach.objects.filter(campaign_id=campaign_id, status=Outreach.Status.NEW).values_list("pk", flat=True):
        outreach = start_outreach(pk, actor=actor)
        counts["sent" if outreach.status != Outreach.Status.NEW else "not_sent"] += 1
    return counts


# --------------------------------------------------------------------------------------------------------------------
# Invitations: the campaign's first step, and the ladder's (second) invitations
# --------------------------------------------------------------------------------------------------------------------


def start_outreach(outreach_id, *, actor=None) -> Outreach:
    """Send the campaign's invitation to one resident (recorded as ladder step 0 or 1, see rules.start_position).

    A resident without an address and without a digital channel cannot be invited: nothing is saved, the outreach
    stays new with a note for staff, and the nightly run tries again once the address is known.
    """
    try:
        with transaction.atomic():
            outreach = _lock_outreach(outreach_id)
            if outreach.status != Outreach.Status.NEW:
                return outreach
            profile = active_profile(outreach.campaign.municipality)
            ladder = profile.no_show_ladder or []
            position = rules.start_position(ladder)
            step = _record_step(outreach, position=position, kind="invitation", event="start", profile=profile,
                                rule=rules.step_rule(ladder, position))
            _invite(outreach, step, profile, actor, params=ladder[position - 1] if position else {})
            outreach.position = position
            outreach.save()
            step.save()
            return outreach
    except ValidationError as error:
        Outreach.objects.filter(pk=outreach_id).update(staff_note=_not_sent_note(error))
        return Outreach.objects.get(pk=outreach_id)


def _not_sent_note(error) -> str:
    # Translators: a note for staff; {reason} is the error that stopped the invitation (a whole sentence).
    return _("Niet verstuurd: {reason}").format(reason=_first_error(error))[:200]


def _record_step(outreach, *, position, kind, event, profile, rule) -> LadderStep:
    return LadderStep.objects.create(
        outreach=outreach, position=position, kind=kind, event=event, step_key=outreach.step_key(position),
        policy_profile=profile, rule=rule[:300],
    )


def new_booking_link(invitation, purpose) -> str:
    """A new personal booking link for an open invitation (the letter's, a reminder's, or the portal's); returns the
    token, of which only a hash is stored. It expires with the invitation."""
    while True:
        token = new_token()
        try:
            with transaction.atomic():
                BookingLink.objects.create(invitation=invitation, token_hash=hash_token(token), purpose=purpose)
            return token
        except IntegrityError:  # astronomically unlikely; draw again
            continue


def _appointment_context(appointment) -> dict:
    """Letter context for an appointment, in the letters app's terms (it formats `appointment_at` in Dutch)."""
    from meedoen.letters.services import caseworker_context

    slot = appointment.slot
    venue = slot.venue
    return {
        "appointment_at": timezone.localtime(slot.starts_at),
        "venue_name": venue.name if venue else "",
        "venue_address": venue.address if venue else "",
        "home_visit": venue is None,
        "caseworker": caseworker_context(slot.caseworker),
    }


def _appointment_texts(appointment) -> dict:
    """Date, time and place in Dutch for e-mail and SMS."""
    starts = timezone.localtime(appointment.slot.starts_at)
    venue = appointment.slot.venue
    if venue is None:
        where = _("bij u thuis")
    elif venue.address:
        # Translators: where an appointment is, e.g. "bij Wijkcentrum De Pijp, Hoofdstraat 1".
        where = _("bij {venue}, {address}").format(venue=venue.name, address=venue.address)
    else:
        where = _("bij {venue}").format(venue=venue.name)
    # Translators: a clock time, e.g. "10.30 uur".
    return {"date": _dutch_date(starts.date()), "time": _("{time} uur").format(time=starts.strftime("%H.%M")),
            "where": where}


def _base_context(outreach, profile, kind: rules.AppointmentKind, params=None) -> dict:
    params = params or {}
    context = {
        "campaign_name": outreach.campaign.name,
        "appointment_kind": kind.label,
        "appointment_kind_code": kind.code,
        "obligatory": kind.obligatory,
        "measure_possible": kind.measure_possible,
        "mentions_consequences": bool(params.get("mentions_consequences")) and kind.measure_possible,
    }
    if kind.obligatory and not kind.measure_possible:
        # Obligatory without a sanction (e.g. Utrecht's yearly talk): no letter may threaten a measure.
        context["consequences"] = _("Dan nemen wij opnieuw contact met u op.")
    return context


def _invite(outreach, step, profile, actor, *, params):
    """A new invitation with a personal booking link, by letter and by e-mail/SMS where the resident agreed."""
    from meedoen.letters.services import issue_letter

    now = timezone.now()
    campaign, resident = outreach.campaign, outreach.resident
    expires_on = timezone.localdate(now) + dt.timedelta(days=campaign.invitation_valid_days)
    invitation = Invitation.objects.create(outreach=outreach, position=step.position, step_key=step.step_key,
                                           sent_at=now, expires_at=_end_of_day(expires_on))
    token = new_booking_link(invitation, "invitation")
    url = booking_url(token)
    kind = kind_for(profile, campaign.appointment_kind)
    second = step.kind == "second_invitation" or outreach.invitations.exclude(pk=invitation.pk).exists()
    context = _base_context(outreach, profile, kind, params) | {
        "booking_url": url, "expires_on": expires_on, "second_invitation": second,
    }
    channels = []
    letter_error = None
    try:
        with transaction.atomic():
            letter = issue_letter(resident, "invitation", step_key=step.step_key, actor=actor,
                                  policy_profile=profile, context=context, campaign_ref=campaign.ref)
        channels.append("letter")
        step.letter_id = letter.pk
    except ValidationError as error:
        letter_error = error
    subject = _("Maak een afspraak met de gemeente")
    body = _invitation_body(first_name=resident.first_name, municipality=campaign.municipality.name,
                            kind=kind.label.lower(), url=url, expires_on=expires_on, obligatory=kind.obligatory)
    channels += _send_digital(outreach, purpose="invitation", key=step.step_key, subject=subject, body=body, url=url)
    if not channels:
        raise letter_error or ValidationError(_("Geen adres en geen toestemming voor e-mail of sms."))
    invitation.channels = channels
    invitation.save(update_fields=["channels"])
    outreach.status = Outreach.Status.INVITED
    outreach.respond_by = expires_on
    outreach.first_invited_at = outreach.first_invited_at or now
    outreach.staff_note = ""
    step.outcome = (f"{'Tweede u' if second else 'U'}itnodiging met persoonlijke link, geldig tot en met "
                    f"{expires_on:%d-%m-%Y}, per {', '.join(_channel_label(c) for c in channels)}")
    add_event(resident, DossierEvent.Kind.INVITATION, f"{campaign.name}: {step.outcome}", actor, profile)
    return invitation


def _invitation_body(*, first_name, municipality, kind, url, expires_on, obligatory) -> str:
    """The invitation by e-mail/SMS: one message for the translator, the obligatory sentence filled in."""
    # Translators: {first_name} is the resident's first name, {municipality} the municipality's name, {kind} the kind
    # of appointment in lower case (e.g. "kennismakingsgesprek"), {url} the personal booking link, {expires_on} a
    # date (e.g. "12 juni 2026"). {obligatory} is empty or the sentence "Het is verplicht om te komen." with a space
    # before it.
    return _(
        "Beste {first_name},\n\n"
        "De gemeente {municipality} nodigt u uit voor een {kind}. "
        "Kies zelf een dag en tijd via uw persoonlijke link: {url}\n"
        "De link werkt tot en met {expires_on}.{obligatory}\n\n"
        "Lukt het niet? Neem dan contact met ons op."
    ).format(first_name=first_name, municipality=municipality, kind=kind, url=url,
             expires_on=_dutch_date(expires_on, "j F Y"),
             obligatory=" " + _("Het is verplicht om te komen.") if obligatory else "")


def _channel_label(channel):
    return {"letter": "brief", "email": "e-mail", "sms": "sms"}.get(channel, channel)


# --------------------------------------------------------------------------------------------------------------------
# Booking: by the resident through the link, or by staff (a convocation)
# --------------------------------------------------------------------------------------------------------------------


@dataclass
class TokenLookup:
    invitation: Invitation | None
    state: str  # valid | expired | used | unknown


def lookup_token(token) -> TokenLookup:
    link = (BookingLink.objects.select_related("invitation__outreach__resident", "invitation__outreach__campaign")
            .filter(token_hash=hash_token(normalise_token(token))).first())
    if link is None:
        return TokenLookup(None, "unknown")
    invitation = link.invitation
    if invitation.status == Invitation.Status.BOOKED:
        return TokenLookup(invitation, "used")
    if invitation.status != Invitation.Status.OPEN or invitation.expires_at <= timezone.now():
        return TokenLookup(invitation, "expired")
    if not invitation.outreach.is_open:
        return TokenLookup(invitation, "expired")
    return TokenLookup(invitation, "valid")


def bookable_slots(invitation, *, limit=40):
    """Free times of the invitation's campaign at a venue, the resident's own wijk first, then by time. Two
    caseworkers at the same venue and time are one choice for the resident (booking takes whichever place is free)."""
    resident = invitation.outreach.resident
    seen, slots = set(), []
    for slot in free_slots(invitation.outreach.campaign).select_related("venue").order_by("starts_at", "pk")[:400]:
        if (slot.venue_id, slot.starts_at) not in seen:
            seen.add((slot.venue_id, slot.starts_at))
            slots.append(slot)
    slots.sort(key=lambda s: (s.venue.neighbourhood_id != resident.neighbourhood_id, s.starts_at))
    return slots[:limit]


def book_by_token(token, slot_id) -> Appointment:
    with transaction.atomic():
        found = lookup_token(token)
        if found.invitation is None:
            raise ValidationError(_("Deze link klopt niet. Controleer de link in uw brief."), code="unknown")
        invitation = Invitation.objects.select_for_update().get(pk=found.invitation.pk)
        if invitation.status == Invitation.Status.BOOKED:
            raise ValidationError(_("Met deze link is al een afspraak gemaakt."), code="used")
        if found.state != "valid":
            raise ValidationError(_("Deze link is verlopen. Neem contact op met de gemeente voor een nieuwe afspraak."),
                                  code="expired")
        outreach = _lock_outreach(invitation.outreach_id)
        slot = Slot.objects.filter(pk=slot_id, campaign_id=outreach.campaign_id, venue__isnull=False).first()
        if slot is None:
            raise ValidationError(_("Kies een tijdstip uit de lijst."), code="invalid_slot")
        profile = active_profile(outreach.campaign.municipality)
        # The chosen time, then the same time at the same venue with another caseworker.
        siblings = Slot.objects.filter(campaign_id=outreach.campaign_id, venue_id=slot.venue_id,
                                       starts_at=slot.starts_at).exclude(pk=slot.pk).order_by("pk")
        candidates = [slot, *siblings]
        for i, candidate in enumerate(candidates):
            try:
                with transaction.atomic():
                    appointment = _book(outreach, candidate, how=Appointment.How.INVITATION, profile=profile,
                                        invitation=invitation)
                break
            except ValidationError as error:
                if error.code != "full" or i == len(candidates) - 1:
                    raise
        invitation.status = Invitation.Status.BOOKED
        invitation.booked_at = timezone.now()
        invitation.save(update_fields=["status", "booked_at"])
        outreach.invitations.filter(status=Invitation.Status.OPEN).exclude(pk=invitation.pk).update(
            status=Invitation.Status.WITHDRAWN
        )
        _confirm_digitally(outreach, appointment, purpose="confirmation",
                           key=f"outreach:{outreach.pk}:appointment{appointment.pk}:confirmation")
        return appointment


def _book(outreach, slot, *, how, profile, actor=None, invitation=None) -> Appointment:
    """Take one place in `slot` for the outreach's resident. A conditional UPDATE takes the place, so two people
    can never both get the last one; the check constraint on the slot is the last line of defence."""
    now = timezone.now()
    if slot.starts_at <= now:
        raise ValidationError(_("Dit tijdstip ligt in het verleden. Kies een ander tijdstip."), code="past")
    if outreach.appointments.filter(status=Appointment.Status.PLANNED).exists():
        raise ValidationError(_("Er staat al een afspraak gepland. Verzet of annuleer die eerst."), code="double")
    clash = Appointment.objects.filter(resident_id=outreach.resident_id, status=Appointment.Status.PLANNED,
                                       slot__starts_at__lt=slot.ends_at, slot__ends_at__gt=slot.starts_at)
    if clash.exists():
        raise ValidationError(_("Deze persoon heeft op dat moment al een andere afspraak."), code="double")
    taken = Slot.objects.filter(pk=slot.pk, booked_count__lt=F("capacity"), starts_at__gt=now).update(
        booked_count=F("booked_count") + 1
    )
    if not taken:
        raise ValidationError(_("Dit tijdstip is vol. Kies een ander tijdstip."), code="full")
    kind = kind_for(profile, slot.appointment_kind)
    appointment = Appointment.objects.create(
        outreach=outreach, resident_id=outreach.resident_id, slot=slot, invitation=invitation, how=how,
        position=outreach.position, appointment_kind=slot.appointment_kind, obligatory=kind.obligatory,
        measure_possible=kind.measure_possible, policy_profile=profile, booked_by=actor,
    )
    outreach.status = Outreach.Status.PLANNED
    outreach.respond_by = None
    outreach.staff_note = ""
    outreach.save()
    label = "oproep" if how == Appointment.How.CONVOCATION else "zelf geboekt"
    add_event(outreach.resident, DossierEvent.Kind.APPOINTMENT,
              f"Afspraak {timezone.localtime(slot.starts_at):%d-%m-%Y %H:%M}, {slot.venue or 'huisbezoek'} ({label})",
              actor, profile)
    return appointment


def _confirm_digitally(outreach, appointment, *, purpose, key):
    texts = _appointment_texts(appointment)
    # Translators: {first_name} is the resident's first name, {date} e.g. "maandag 1 juni 2026", {time} e.g.
    # "10.30 uur", {where} e.g. "bij Wijkcentrum De Pijp, Hoofdstraat 1" or "bij u thuis".
    body = _(
        "Beste {first_name},\n\nU heeft een afspraak met de gemeente op {date} om {time} {where}.\n\n"
        "Past het niet? Neem dan op tijd contact met ons op."
    ).format(first_name=outreach.resident.first_name, **texts)
    return _send_digital(outreach, purpose=purpose, key=key, subject=_("Uw afspraak met de gemeente"), body=body)


@transaction.atomic
def convoke(outreach, slot, actor) -> Appointment:
    """Staff book a slot for the resident (after an expired invitation, a cancellation or a no-show) and send a
    convocation letter (an announcement letter for a home visit)."""
    from meedoen.letters.services import issue_letter

    _require_staff(actor)
    outreach = _lock_outreach(outreach.pk)
    if outreach.status in (Outreach.Status.COMPLETED, Outreach.Status.CLOSED, Outreach.Status.HANDED_OVER,
                           Outreach.Status.NEW):
        raise ValidationError(_("Voor deze benadering kunt u geen oproep meer maken."))
    if slot.municipality_id != outreach.campaign.municipality_id:
        raise ValidationError(_("Kies een tijdslot van uw eigen gemeente."))
    profile = active_profile(outreach.campaign.municipality)
    outreach.invitations.filter(status=Invitation.Status.OPEN).update(status=Invitation.Status.WITHDRAWN)
    appointment = _book(outreach, slot, how=Appointment.How.CONVOCATION, profile=profile, actor=actor)
    key = f"outreach:{outreach.pk}:convocation{appointment.pk}"
    kind = kind_for(profile, slot.appointment_kind)
    context = _base_context(outreach, profile, kind) | _appointment_context(appointment)
    channels, letter_error = [], None
    try:
        with transaction.atomic():
            issue_letter(outreach.resident, "home_visit" if slot.is_home_visit else "convocation", step_key=key,
                         actor=actor, policy_profile=profile, context=context, campaign_ref=outreach.campaign.ref)
        channels.append("letter")
    except ValidationError as error:
        letter_error = error
    channels += _confirm_digitally(outreach, appointment, purpose="convocation", key=key)
    if not channels:
        raise letter_error
    return appointment


# --------------------------------------------------------------------------------------------------------------------
# Attendance, home visits, contact, closing
# --------------------------------------------------------------------------------------------------------------------


def record_attendance(appointment, status, actor) -> Appointment:
    """Attended → a contact (next-contact date moves); cancelled in time → the place is freed and staff make a new
    appointment; no-show → the profile's ladder takes the next step (a task, inline in development)."""
    _require_staff(actor)
    if status not in (Appointment.Status.ATTENDED, Appointment.Status.CANCELLED_IN_TIME, Appointment.Status.NO_SHOW):
        raise ValidationError(_("Kies: gekomen, op tijd afgemeld of niet gekomen."))
    with transaction.atomic():
        appointment = (Appointment.objects.select_for_update(of=("self",)).select_related("slot")
                       .get(pk=appointment.pk))
        if appointment.status != Appointment.Status.PLANNED:
            # Translators: {status} is the recorded attendance in lower case, e.g. "niet gekomen".
            raise ValidationError(_("De aanwezigheid is al vastgelegd: {status}.").format(
                status=appointment.get_status_display().lower()))
        now = timezone.now()
        if status != Appointment.Status.CANCELLED_IN_TIME and appointment.slot.starts_at > now:
            raise ValidationError(_("Deze afspraak is nog niet begonnen. Leg 'gekomen' of 'niet gekomen' vast na de "
                                    "afspraak."))
        outreach = _lock_outreach(appointment.outreach_id)
        appointment.status = status
        appointment.attendance_recorded_at = now
        appointment.attendance_recorded_by = actor
        appointment.save(update_fields=["status", "attendance_recorded_at", "attendance_recorded_by"])
        profile = active_profile(outreach.campaign.municipality)
        day = timezone.localtime(appointment.slot.starts_at).date()
        resident = outreach.resident
        if status == Appointment.Status.ATTENDED:
            followup.register_contact(resident, min(day, timezone.localdate(now)), profile)
            _complete(outreach, day)
            add_event(resident, DossierEvent.Kind.APPOINTMENT, f"Gekomen op de afspraak van {day:%d-%m-%Y}", actor,
                      profile)
        elif status == Appointment.Status.CANCELLED_IN_TIME:
            Slot.objects.filter(pk=appointment.slot_id, booked_count__gt=0).update(booked_count=F("booked_count") - 1)
            outreach.status = Outreach.Status.STAFF_ACTION
            outreach.staff_note = _("Op tijd afgemeld: maak een nieuwe afspraak (oproep)")
            outreach.save()
            add_event(resident, DossierEvent.Kind.APPOINTMENT, f"Op tijd afgemeld voor de afspraak van "
                                                               f"{day:%d-%m-%Y}", actor, profile)
        else:
            outreach.pending_event = rules.NO_SHOW
            outreach.save()
            add_event(resident, DossierEvent.Kind.NO_SHOW, f"Niet gekomen op de afspraak van {day:%d-%m-%Y}",
                      actor, profile)
            _enqueue_event(outreach.pk)
    return appointment


def _complete(outreach, day):
    outreach.status = Outreach.Status.COMPLETED
    outreach.first_conversation_on = outreach.first_conversation_on or day
    outreach.pending_event = ""
    outreach.respond_by = None
    outreach.staff_note = ""
    outreach.save()
    outreach.invitations.filter(status=Invitation.Status.OPEN).update(status=Invitation.Status.WITHDRAWN)


def _open_step_task(outreach, kind):
    step = outreach.steps.filter(position=outreach.position, kind=kind).first()
    if step is None or step.task_id is None:
        return None
    return Task.objects.filter(pk=step.task_id).first()


def record_home_visit(outreach, *, met, actor, danger=False, note=""):
    """The outcome of a ladder home visit: met → a contact; not met → the ladder's next step."""
    _require_staff(actor)
    with transaction.atomic():
        outreach = _lock_outreach(outreach.pk)
        last = outreach.steps.filter(position=outreach.position).first()
        if outreach.status != Outreach.Status.STAFF_ACTION or last is None or last.kind != "home_visit":
            raise ValidationError(_("Er staat geen huisbezoek open voor deze benadering."))
        profile = active_profile(outreach.campaign.municipality)
        if danger:
            outreach.danger = True
        task = _open_step_task(outreach, "home_visit")
        if task is not None and task.status == Task.Status.OPEN:
            complete_task(task, actor=actor, note="Gesproken" if met else "Niet getroffen")
        today = _today()
        summary = f"Huisbezoek: {'inwoner gesproken' if met else 'niet getroffen'}" + (f". {note}" if note else "")
        add_event(outreach.resident, DossierEvent.Kind.APPOINTMENT, summary[:300], actor, profile)
        if met:
            followup.register_contact(outreach.resident, today, profile)
            _complete(outreach, today)
        else:
            outreach.pending_event = rules.NOT_MET
            outreach.save()
            _enqueue_event(outreach.pk)
    return outreach


@transaction.atomic
def record_contact(outreach, actor, note=""):
    """The resident got in touch (after a letter with a response deadline, or by phone): a contact; outreach done."""
    _require_staff(actor)
    outreach = _lock_outreach(outreach.pk)
    if outreach.status in (Outreach.Status.COMPLETED, Outreach.Status.CLOSED, Outreach.Status.NEW):
        raise ValidationError(_("Deze benadering is niet open."))
    if outreach.appointments.filter(status=Appointment.Status.PLANNED).exists():
        raise ValidationError(_("Er staat nog een afspraak gepland. Leg daar de aanwezigheid vast."))
    profile = active_profile(outreach.campaign.municipality)
    today = _today()
    followup.register_contact(outreach.resident, today, profile)
    _complete(outreach, today)
    add_event(outreach.resident, DossierEvent.Kind.CONVERSATION,
              ("Contact na uitnodiging" + (f": {note}" if note else ""))[:300], actor, profile)
    return outreach


@transaction.atomic
def close_outreach(outreach, actor, reason):
    _require_staff(actor)
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError({"reason": _("Geef een reden om af te sluiten.")})
    outreach = _lock_outreach(outreach.pk)
    if outreach.status in (Outreach.Status.CLOSED, Outreach.Status.COMPLETED):
        raise ValidationError(_("Deze benadering is al afgerond."))
    if outreach.appointments.filter(status=Appointment.Status.PLANNED).exists():
        raise ValidationError(_("Er staat nog een afspraak gepland. Leg daar eerst de aanwezigheid vast."))
    _close(outreach, f"Afgesloten door {actor}: {reason}")
    add_event(outreach.resident, DossierEvent.Kind.NOTE, f"Benadering afgesloten: {reason}"[:300], actor)
    return outreach


def _close(outreach, reason, status=Outreach.Status.CLOSED):
    outreach.status = status
    outreach.closed_reason = reason[:300]
    outreach.closed_at = timezone.now()
    outreach.pending_event = ""
    outreach.respond_by = None
    outreach.save()
    outreach.invitations.filter(status=Invitation.Status.OPEN).update(status=Invitation.Status.WITHDRAWN)


@transaction.atomic
def set_danger(outreach, *, danger, actor):
    _require_staff(actor)
    Outreach.objects.filter(pk=outreach.pk).update(danger=danger)
    outreach.danger = danger
    add_event(outreach.resident, DossierEvent.Kind.NOTE,
              "Zorgen over veiligheid vastgelegd" if danger else "Zorgen over veiligheid weggehaald", actor)
    return outreach


# --------------------------------------------------------------------------------------------------------------------
# The no-show ladder
# --------------------------------------------------------------------------------------------------------------------


def advance_outreach(outreach_id, actor=None) -> LadderStep | None:
    """Handle the outreach's pending event with the profile's ladder: exactly one step, never twice.

    When a step cannot be taken (no address for a letter, no free slot for a convocation) nothing of it is saved,
    staff see why, and the event stays pending so the nightly run tries again.
    """
    with transaction.atomic():
        outreach = _lock_outreach(outreach_id)
        event = outreach.pending_event
        if not event:
            return None
        profile = active_profile(outreach.campaign.municipality)
        ladder = profile.no_show_ladder or []
        decision = rules.next_step(ladder, outreach.position, event)
        if decision is None:
            outreach.pending_event = ""
            outreach.status = Outreach.Status.NO_RESPONSE
            outreach.respond_by = None
            outreach.staff_note = (_("Geen volgende stap in de no-showladder: de medewerker beslist") if ladder else
                                   _("Het beleidsprofiel heeft geen no-showladder: er gebeurt niets automatisch"))
            outreach.save()
            return None
        try:
            with transaction.atomic():
                step = _take_step(outreach, decision, event, profile, actor)
        except ValidationError as error:
            outreach.refresh_from_db()
            outreach.status = Outreach.Status.STAFF_ACTION
            # Translators: a note for staff. {position} is the ladder step's number, {step} its name (e.g.
            # "huisbezoek"), {reason} the error that stopped it (a whole sentence).
            outreach.staff_note = _("Stap {position} ({step}) wacht: {reason}").format(
                position=decision.position, step=rules.STEP_LABELS.get(decision.kind), reason=_first_error(error)
            )[:200]
            outreach.save(update_fields=["status", "staff_note"])
            return None
        outreach.pending_event = ""
        outreach.save()
        return step


def _take_step(outreach, decision: rules.LadderStep, event, profile, actor) -> LadderStep:
    existing = outreach.steps.filter(position=decision.position).first()
    if existing is not None:  # already taken (a second run of the same event): never twice
        return existing
    step = _record_step(outreach, position=decision.position, kind=decision.kind, event=event, profile=profile,
                        rule=decision.rule)
    outreach.position = decision.position
    handler = STEP_HANDLERS.get(decision.kind, _step_record_only)
    handler(outreach, step, decision.params, profile, actor)
    step.save()
    outreach.save()
    return step


def _step_invitation(outreach, step, params, profile, actor):
    outreach.invitations.filter(status=Invitation.Status.OPEN).update(status=Invitation.Status.WITHDRAWN)
    _invite(outreach, step, profile, actor, params=params)


def _last_missed_day(outreach):
    """When the resident last did not come (a datetime: the letters app writes it as missed_appointment_date_text)."""
    missed = (outreach.appointments.filter(status=Appointment.Status.NO_SHOW).select_related("slot")
              .order_by("-slot__starts_at").first())
    return timezone.localtime(missed.slot.starts_at) if missed else None


def _find_convocation_slot(outreach, *, notice_days):
    """The first free venue slot at least `notice_days` ahead: the campaign's own first, then other slots of the same
    appointment kind in the municipality; the resident's own caseworker and wijk preferred."""
    earliest = timezone.now() + dt.timedelta(days=notice_days)
    campaign, resident = outreach.campaign, outreach.resident
    base = Slot.objects.filter(starts_at__gte=earliest, booked_count__lt=F("capacity"), venue__isnull=False)
    for qs in (base.filter(campaign=campaign),
               base.filter(municipality_id=campaign.municipality_id, appointment_kind=campaign.appointment_kind)):
        candidates = list(qs.select_related("venue", "caseworker").order_by("starts_at")[:100])
        if candidates:
            candidates.sort(key=lambda s: (s.caseworker_id != resident.current_caseworker_id,
                                           s.venue.neighbourhood_id != resident.neighbourhood_id, s.starts_at))
            return candidates
    return []


def _step_registered_letter(outreach, step, params, profile, actor):
    """A registered letter with a convocation: staff's slot booked automatically, the date in the letter."""
    from meedoen.letters.services import issue_letter

    missed = _last_missed_day(outreach)
    appointment = None
    for slot in _find_convocation_slot(outreach, notice_days=int(params.get("notice_days", CONVOCATION_NOTICE_DAYS))):
        try:
            with transaction.atomic():
                appointment = _book(outreach, slot, how=Appointment.How.CONVOCATION, profile=profile)
            break
        except ValidationError as error:
            if error.code != "full":
                raise
    if appointment is None:
        raise ValidationError(_("Er is geen vrij tijdslot voor de oproep. Maak nieuwe tijdsloten aan."))
    kind = kind_for(profile, outreach.campaign.appointment_kind)
    context = _base_context(outreach, profile, kind, params) | _appointment_context(appointment)
    if missed is not None:
        context["missed_appointment_at"] = missed
    letter = issue_letter(outreach.resident, "registered_letter", step_key=step.step_key, actor=actor,
                          policy_profile=profile, context=context, registered=True,
                          campaign_ref=outreach.campaign.ref)
    _confirm_digitally(outreach, appointment, purpose="convocation", key=step.step_key)
    step.letter_id = letter.pk
    step.appointment = appointment
    texts = _appointment_texts(appointment)
    step.outcome = f"Aangetekende brief met oproep voor {texts['date']} om {texts['time']} {texts['where']}"
    # The letter itself is on the timeline already (issue_letter); this is the appointment it convokes to.
    add_event(outreach.resident, DossierEvent.Kind.APPOINTMENT, step.outcome, actor, profile)


def _step_no_show_action(outreach, step, params, profile, actor):
    """The "no show-actie": a letter announcing a measure, with a deadline to respond (zienswijze)."""
    from meedoen.letters.services import issue_letter

    days = int(params.get("response_days", RESPONSE_DAYS))
    respond_by = _today() + dt.timedelta(days=days)
    missed = _last_missed_day(outreach)
    kind = kind_for(profile, outreach.campaign.appointment_kind)
    measure_months = next((s.get("measure_months") for s in profile.no_show_ladder or []
                           if s.get("kind") == "measure_proposal" and s.get("measure_months")), None)
    context = _base_context(outreach, profile, kind, params) | {"response_days": days, "respond_by": respond_by}
    if missed is not None:
        context["missed_appointment_at"] = missed
    if measure_months:
        # Translators: part of a sentence in a letter to the resident ("... een maatregel op te leggen: <this>.").
        context["measure_text"] = ngettext("wij verlagen uw uitkering gedurende {count} maand",
                                           "wij verlagen uw uitkering gedurende {count} maanden",
                                           int(measure_months)).format(count=measure_months)
    letter = issue_letter(outreach.resident, "no_show_action", step_key=step.step_key, actor=actor,
                          policy_profile=profile, context=context, registered=bool(params.get("registered")),
                          campaign_ref=outreach.campaign.ref)
    step.letter_id = letter.pk
    step.outcome = f"No show-actie: brief die een maatregel aankondigt; reageren uiterlijk {respond_by:%d-%m-%Y}"
    outreach.status = Outreach.Status.WAITING
    outreach.respond_by = respond_by
    outreach.staff_note = _("Wacht op reactie op de no show-actie; leg contact vast als de inwoner reageert")
    # The letter itself is on the timeline already (issue_letter); this records the deadline it sets.
    add_event(outreach.resident, DossierEvent.Kind.NOTE, step.outcome, actor, profile)


def _step_home_visit(outreach, step, params, profile, actor):
    resident = outreach.resident
    assignee = resident.current_caseworker
    if params.get("by") == "wijkteam":
        assignee = (User.objects.filter(role=Role.NEIGHBOURHOOD_WORKER, neighbourhood_id=resident.neighbourhood_id,
                                        is_active=True).order_by("pk").first() or assignee)
    due = _today() + dt.timedelta(days=HOME_VISIT_DUE_DAYS)
    task, _created = create_task(
        resident, kind=Task.Kind.HOME_VISIT, title=f"Huisbezoek na geen reactie op '{outreach.campaign.name}'",
        due_on=due, source_key=step.step_key, assigned_to=assignee, policy_profile=profile, rule=step.rule,
        actor=actor,
    )
    step.task_id = task.pk
    step.outcome = f"Taak huisbezoek voor {assignee or 'het team'}, uiterlijk {due:%d-%m-%Y}"
    outreach.status = Outreach.Status.STAFF_ACTION
    outreach.respond_by = due
    outreach.staff_note = _("Huisbezoek afleggen en de uitkomst vastleggen")


def _step_measure_proposal(outreach, step, params, profile, actor):
    months = params.get("measure_months")
    title = "Voorstel maatregel na herhaald niet verschijnen"
    if months:
        title += f" (gemiddeld {months} maand verlaging)"
    if params.get("with_offer"):
        title += ", met een aanbod"
    due = _today() + dt.timedelta(days=MEASURE_PROPOSAL_DUE_DAYS)
    task, _created = create_task(outreach.resident, kind=Task.Kind.MEASURE_PROPOSAL, title=title, due_on=due,
                                 source_key=step.step_key, policy_profile=profile, rule=step.rule, actor=actor)
    step.task_id = task.pk
    step.outcome = f"{title}: taak voor de klantmanager, uiterlijk {due:%d-%m-%Y}"
    _close(outreach, "Doorgezet: voorstel voor een maatregel (het besluit volgt in het maatregelproces)",
           Outreach.Status.HANDED_OVER)


def _step_close(outreach, step, params, profile, actor):
    decision = rules.close_decision(params, danger=outreach.danger)
    step.outcome = decision.reason
    if decision.close:
        _close(outreach, decision.reason)
        add_event(outreach.resident, DossierEvent.Kind.NOTE, decision.reason, actor, profile)
        return
    task, _created = create_task(
        outreach.resident, kind=Task.Kind.CONTACT, title="Zorgen over veiligheid: benadering niet afgesloten, "
        "bespreek het vervolg (bijv. met het wijkteam)", due_on=_today() + dt.timedelta(days=3),
        source_key=step.step_key, policy_profile=profile, rule=step.rule, actor=actor,
    )
    step.task_id = task.pk
    outreach.status = Outreach.Status.STAFF_ACTION
    outreach.staff_note = _("Zorgen over veiligheid: niet afgesloten; bespreek het vervolg")


def _step_record_only(outreach, step, params, profile, actor):
    """Steps without an action here (e.g. Bremen's pay_not_earned, which concerns worked hours of an Ein-Euro-Job)."""
    step.outcome = f"Vastgelegd: {rules.STEP_LABELS.get(step.kind, step.kind)}; geen brief of taak bij deze afspraak"
    outreach.status = Outreach.Status.NO_RESPONSE
    outreach.respond_by = None
    outreach.staff_note = _("Geen automatische vervolgstap: de medewerker beslist")


STEP_HANDLERS = {
    "invitation": _step_invitation,
    "second_invitation": _step_invitation,
    "registered_letter": _step_registered_letter,
    "no_show_action_letter": _step_no_show_action,
    "home_visit": _step_home_visit,
    "measure_proposal": _step_measure_proposal,
    "close_outreach": _step_close,
    "pay_not_earned": _step_record_only,
}


# --------------------------------------------------------------------------------------------------------------------
# Reminders and the nightly run
# --------------------------------------------------------------------------------------------------------------------


def _paused(resident):
    return preference_for(resident).reminders_paused


def send_invitation_reminder(invitation_id) -> bool:
    """3 days after an unbooked invitation: by e-mail/SMS where agreed, otherwise a reminder letter; a fresh link
    (the first letter's link keeps working)."""
    from meedoen.letters.services import issue_letter

    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation_id)
        outreach = _lock_outreach(invitation.outreach_id)
        booked = outreach.appointments.filter(status=Appointment.Status.PLANNED).exists()
        today = _today()
        if not rules.invitation_reminder_due(
                sent_on=timezone.localdate(invitation.sent_at), expires_on=timezone.localdate(invitation.expires_at),
                today=today, booked=booked or invitation.status != Invitation.Status.OPEN,
                paused=_paused(outreach.resident), already_sent=invitation.reminder_sent_at is not None):
            return False
        profile = active_profile(outreach.campaign.municipality)
        token = new_booking_link(invitation, "reminder")
        url = booking_url(token)
        expires_on = timezone.localdate(invitation.expires_at)
        key = f"{invitation.step_key}:reminder"
        # Translators: {first_name} is the resident's first name, {url} the personal booking link, {expires_on} a
        # date (e.g. "12 juni 2026").
        body = _(
            "Beste {first_name},\n\nWij hebben u uitgenodigd voor een gesprek, maar zien nog "
            "geen afspraak. Kies een dag en tijd via {url} (kan tot en met {expires_on})."
            "\n\nLukt het niet? Neem dan contact met ons op."
        ).format(first_name=outreach.resident.first_name, url=url, expires_on=_dutch_date(expires_on, "j F Y"))
        channels = _send_digital(outreach, purpose="reminder", key=key, subject=_("Herinnering: maak uw afspraak"),
                                 body=body, url=url)
        if not channels:
            kind = kind_for(profile, outreach.campaign.appointment_kind)
            context = _base_context(outreach, profile, kind) | {"booking_url": url, "expires_on": expires_on}
            try:
                with transaction.atomic():
                    issue_letter(outreach.resident, "reminder", step_key=key, policy_profile=profile,
                                 context=context, campaign_ref=outreach.campaign.ref)
                channels = ["letter"]
            except ValidationError:
                channels = []
        invitation.reminder_sent_at = timezone.now()
        invitation.save(update_fields=["reminder_sent_at"])
        if channels:
            add_event(outreach.resident, DossierEvent.Kind.INVITATION,
                      f"Herinnering aan de uitnodiging per {', '.join(_channel_label(c) for c in channels)}",
                      None, profile)
        return bool(channels)


def send_appointment_reminder(appointment_id) -> bool:
    """2 days before an appointment, by e-mail/SMS where agreed (a letter would not arrive in time)."""
    with transaction.atomic():
        appointment = (Appointment.objects.select_for_update(of=("self",))
                       .select_related("slot__venue", "slot__caseworker").get(pk=appointment_id))
        outreach = _lock_outreach(appointment.outreach_id)
        if not rules.appointment_reminder_due(
                starts_on=timezone.localdate(appointment.slot.starts_at),
                booked_on=timezone.localdate(appointment.booked_at), today=_today(),
                planned=appointment.status == Appointment.Status.PLANNED, paused=_paused(outreach.resident),
                already_sent=appointment.reminder_sent_at is not None):
            return False
        channels = _confirm_digitally(outreach, appointment, purpose="appointment_reminder",
                                      key=f"outreach:{outreach.pk}:appointment{appointment.pk}:reminder")
        appointment.reminder_sent_at = timezone.now()
        appointment.save(update_fields=["reminder_sent_at"])
        return bool(channels)


def _each(ids, fn, counts, name):
    for pk in ids:
        try:
            if fn(pk):
                counts[name] += 1
        except Exception:  # one resident's problem never stops the night run; it is logged and retried
            log.exception("outreach: %s failed for %s", name, pk)
            counts["errors"] += 1


def _expire(invitation_id) -> bool:
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation_id)
        if invitation.status != Invitation.Status.OPEN or invitation.expires_at > timezone.now():
            return False
        invitation.status = Invitation.Status.EXPIRED
        invitation.save(update_fields=["status"])
        outreach = _lock_outreach(invitation.outreach_id)
        still_open = outreach.invitations.filter(status=Invitation.Status.OPEN).exists()
        if outreach.status == Outreach.Status.INVITED and not still_open and not outreach.pending_event:
            outreach.pending_event = rules.NO_RESPONSE
            outreach.save(update_fields=["pending_event"])
        return True


def _deadline_passed(outreach_id) -> bool:
    with transaction.atomic():
        outreach = _lock_outreach(outreach_id)
        if outreach.status != Outreach.Status.WAITING or outreach.pending_event or outreach.respond_by is None \
                or outreach.respond_by >= _today():
            return False
        outreach.pending_event = rules.NO_RESPONSE
        outreach.save(update_fields=["pending_event"])
        return True


def _advance(outreach_id) -> bool:
    return advance_outreach(outreach_id) is not None


def process_outreach() -> dict:
    """The nightly (and hourly, idempotent) run: start sent campaigns' new outreaches, expire invitations, notice
    passed deadlines, take the ladder steps that are due, send reminders. Returns counts."""
    now = timezone.now()
    today = timezone.localdate(now)
    counts = {"started": 0, "expired": 0, "deadlines": 0, "steps": 0, "invitation_reminders": 0,
              "appointment_reminders": 0, "errors": 0}
    new = Outreach.objects.filter(status=Outreach.Status.NEW, campaign__status=Campaign.Status.SENT)
    _each(list(new.values_list("pk", flat=True)),
          lambda pk: start_outreach(pk).status != Outreach.Status.NEW, counts, "started")
    expired = Invitation.objects.filter(status=Invitation.Status.OPEN, expires_at__lte=now)
    _each(list(expired.values_list("pk", flat=True)), _expire, counts, "expired")
    waiting = Outreach.objects.filter(status=Outreach.Status.WAITING, respond_by__lt=today, pending_event="")
    _each(list(waiting.values_list("pk", flat=True)), _deadline_passed, counts, "deadlines")
    pending = Outreach.objects.exclude(pending_event="")
    _each(list(pending.values_list("pk", flat=True)), _advance, counts, "steps")
    reminder_cutoff = _end_of_day(today - dt.timedelta(days=rules.INVITATION_REMINDER_AFTER_DAYS))
    invitations = Invitation.objects.filter(status=Invitation.Status.OPEN, reminder_sent_at__isnull=True,
                                            sent_at__lte=reminder_cutoff, expires_at__gt=now)
    _each(list(invitations.values_list("pk", flat=True)), send_invitation_reminder, counts, "invitation_reminders")
    window_end = _end_of_day(today + dt.timedelta(days=rules.APPOINTMENT_REMINDER_DAYS_BEFORE))
    appointments = Appointment.objects.filter(status=Appointment.Status.PLANNED, reminder_sent_at__isnull=True,
                                              slot__starts_at__gt=now, slot__starts_at__lte=window_end)
    _each(list(appointments.values_list("pk", flat=True)), send_appointment_reminder, counts,
          "appointment_reminders")
    return counts


# --------------------------------------------------------------------------------------------------------------------
# What staff see: statistics, alerts, a resident's outreach
# --------------------------------------------------------------------------------------------------------------------


def campaign_statistics(campaign) -> rules.CampaignStatistics:
    appointments = {}
    for outreach_id, how, status in Appointment.objects.filter(outreach__campaign=campaign).values_list(
            "outreach_id", "how", "status"):
        appointments.setdefault(outreach_id, []).append((how, status))
    rows = []
    for pk, invited_at, first_on in Outreach.objects.filter(campaign=campaign).values_list(
            "pk", "first_invited_at", "first_conversation_on"):
        mine = tuple(appointments.get(pk, ()))
        rows.append(rules.OutreachFacts(
            invited_on=timezone.localdate(invited_at) if invited_at else None,
            self_booked=any(how == Appointment.How.INVITATION for how, _status in mine),
            appointments=mine, first_conversation_on=first_on,
        ))
    return rules.campaign_statistics(rows)


@dataclass(frozen=True)
class Alert:
    level: str  # error | warning
    text: str


def campaign_alerts(campaign) -> list[Alert]:
    """Staff are alerted when a venue has no free places left while invitations are open, and when a resident found
    no free slot on the booking page."""
    now = timezone.now()
    alerts = []
    open_invitations = Invitation.objects.filter(outreach__campaign=campaign, status=Invitation.Status.OPEN,
                                                 expires_at__gt=now).count()
    venues = (Slot.objects.filter(campaign=campaign, starts_at__gt=now, venue__isnull=False)
              .values("venue__name").annotate(capacity=Sum("capacity"), booked=Sum("booked_count"), n=Count("id"))
              .order_by("venue__name"))
    total_free = 0
    for row in venues:
        free = row["capacity"] - row["booked"]
        total_free += free
        if free == 0:
            # Translators: {venue} is the name of a location.
            alerts.append(Alert("error", _("{venue}: geen vrije plaatsen meer. Maak nieuwe tijdsloten.").format(
                venue=row["venue__name"])))
    if campaign.status == Campaign.Status.SENT and open_invitations:
        if total_free == 0:
            alerts.append(Alert("error", ngettext(
                "Er is {count} open uitnodiging maar geen vrije plaatsen. Maak nieuwe tijdsloten.",
                "Er zijn {count} open uitnodigingen maar geen vrije plaatsen. Maak nieuwe tijdsloten.",
                open_invitations).format(count=open_invitations)))
        elif total_free < open_invitations:
            # Translators: {free} free places (always fewer than {count}, the number of open invitations).
            alerts.append(Alert("warning", ngettext(
                "Nog {free} vrije plaats voor {count} open uitnodigingen.",
                "Nog {free} vrije plaatsen voor {count} open uitnodigingen.",
                total_free).format(free=total_free, count=open_invitations)))
    if campaign.no_free_slot_seen_at:
        seen = timezone.localtime(campaign.no_free_slot_seen_at)
        # Translators: {date} e.g. "01-06-2026", {time} e.g. "10:30".
        alerts.append(Alert("error", _("Op {date} om {time} wilde iemand een afspraak maken maar vond geen "
                                       "vrij tijdstip.").format(date=seen.strftime("%d-%m-%Y"),
                                                                 time=seen.strftime("%H:%M"))))
    stuck = campaign.outreaches.filter(status=Outreach.Status.STAFF_ACTION).count()
    if stuck:
        alerts.append(Alert("warning", ngettext(
            "Bij {count} persoon is een actie van een medewerker nodig.",
            "Bij {count} personen is een actie van een medewerker nodig.",
            stuck).format(count=stuck)))
    not_sent = campaign.outreaches.filter(status=Outreach.Status.NEW).exclude(staff_note="").count()
    if not_sent:
        alerts.append(Alert("warning", ngettext(
            "{count} uitnodiging kon niet worden verstuurd (geen adres en geen e-mail of sms).",
            "{count} uitnodigingen konden niet worden verstuurd (geen adres en geen e-mail of sms).",
            not_sent).format(count=not_sent)))
    return alerts


def note_no_free_slot(campaign):
    Campaign.objects.filter(pk=campaign.pk).update(no_free_slot_seen_at=timezone.now())


def resident_outreach(resident):
    """A resident's outreaches with their invitations, appointments and steps (for the dossier)."""
    return list(
        Outreach.objects.filter(resident=resident).select_related("campaign")
        .prefetch_related("invitations", "appointments__slot__venue", "appointments__slot__caseworker",
                          "steps__policy_profile")
        .order_by("-created_at")
    )
