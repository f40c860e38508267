"""Making letters, and new versions of their templates. Each change in one transaction.

`issue_letter` is what the outreach ladder, the plan and the end of guidance call. It is idempotent per
(resident, step_key): a step of a ladder never sends a second letter, even when two workers run the step at once.
"""
import datetime as dt
import secrets

import segno
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.template import engines
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from meedoen.residents.models import DossierEvent
from meedoen.residents.services import add_event

from . import pdf
from .defaults import load_default_templates  # noqa: F401 (for the seeder and scripts)
from .models import Letter, LetterKind, LetterTemplate, LetterTone

DOCUMENT_TEMPLATE = "letters/_letter_document.html"
DEFAULT_DEPARTMENT = "Werk en Inkomen"


class NoLetterTemplate(LetterTemplate.DoesNotExist):
    pass


# --- checks -------------------------------------------------------------------------------------------------------

ADDRESS_FIELDS = ("street", "house_number", "postcode", "city")


def has_postal_address(resident):
    return all((getattr(resident, name) or "").strip() for name in ADDRESS_FIELDS)


def check_postal_address(resident):
    if not has_postal_address(resident):
        raise ValidationError(
            _("Er staat geen volledig adres in het dossier. Vul eerst het adres aan."), code="no_address"
        )


# --- template choice ----------------------------------------------------------------------------------------------

def choose_template(kind, profile):
    """The active template for `kind`: the profile's own, else the default for its tone, else the neutral default."""
    tone = profile.letter_tone if profile is not None else LetterTone.NEUTRAL
    key = profile.key if profile is not None else None
    slots = Q(profile_key="", tone__in={tone, LetterTone.NEUTRAL})
    if key:
        slots |= Q(profile_key=key, tone="")
    candidates = list(LetterTemplate.objects.active().filter(slots, kind=kind))
    if not candidates and not LetterTemplate.objects.filter(kind=kind).exists():
        # A database that never ran the data migration (e.g. flushed by a test): load the shipped texts once.
        load_default_templates()
        candidates = list(LetterTemplate.objects.active().filter(slots, kind=kind))

    def rank(template):
        if template.profile_key:
            return 0
        return 1 if template.tone == tone else 2

    if not candidates:
        raise NoLetterTemplate(f"No active letter template for kind '{kind}' and tone '{tone}'.")
    return min(candidates, key=rank)


# --- rendering ----------------------------------------------------------------------------------------------------

def dutch_date(value, with_weekday=True):
    with translation.override("nl"):
        return formats.date_format(value, "l j F Y" if with_weekday else "j F Y")


def dutch_time(value):
    return f"{value:%H.%M} uur"


def format_postcode(postcode):
    compact = (postcode or "").replace(" ", "").upper()
    return f"{compact[:4]} {compact[4:]}" if len(compact) == 6 else postcode


def resident_context(resident):
    """Plain values only: stored templates are edited in the admin and must never reach the BSN."""
    street_line = f"{resident.street} {resident.house_number}".strip()
    city_line = f"{format_postcode(resident.postcode)}  {resident.city.upper()}".strip()
    return {
        "full_name": resident.full_name,
        "first_name": resident.first_name,
        "name_prefix": resident.name_prefix,
        "last_name": resident.last_name,
        "street": resident.street,
        "house_number": resident.house_number,
        "postcode": format_postcode(resident.postcode),
        "city": resident.city,
        "address_lines": [resident.full_name, street_line, city_line],
    }


def caseworker_context(user):
    if user is None:
        return None
    return {
        "name": user.get_full_name() or user.get_username(),
        "job_title": getattr(user, "job_title", "") or _("klantmanager"),
        "email": user.email,
    }


def _with_text_values(context):
    """Add Dutch `*_text` forms of dates and times: appointment_at → appointment_date_text + appointment_time_text,
    expires_on → expires_on_text, appointment_time (a time) → appointment_time_text."""
    out = dict(context)
    for key, value in context.items():
        if isinstance(value, dt.datetime):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            base = key.removesuffix("_at")
            out.setdefault(f"{base}_date_text", dutch_date(local))
            out.setdefault(f"{base}_time_text", dutch_time(local))
        elif isinstance(value, dt.date):
            out.setdefault(f"{key}_text", dutch_date(value))
        elif isinstance(value, dt.time):
            out.setdefault(f"{key}_text", dutch_time(value))
    venue = context.get("venue")
    if venue is not None and not isinstance(venue, str):
        out.setdefault("venue_name", getattr(venue, "name", ""))
        out.setdefault("venue_address", getattr(venue, "address", ""))
    return out


def qr_data_uri(url):
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2, dark="#000")


def build_context(resident, profile, *, registered, reference, today, extra=None):
    extra = dict(extra or {})
    profile_extra = (profile.extra or {}) if profile is not None else {}
    tone = profile.letter_tone if profile is not None else LetterTone.NEUTRAL
    context = {
        "resident": resident_context(resident),
        "municipality": {"name": resident.municipality.name},
        "resident_term": profile.resident_term if profile is not None else "cliënt",
        "caseworker": caseworker_context(resident.current_caseworker),
        "department": profile_extra.get("letter_department", DEFAULT_DEPARTMENT),
        "contact_phone": profile_extra.get("letter_contact_phone", ""),
        "return_address": profile_extra.get("letter_return_address", ""),
        "profile": {"key": getattr(profile, "key", ""), "name": getattr(profile, "name", ""), "tone": tone},
        "today": today,
        "today_text": dutch_date(today, with_weekday=False),
        "reference": reference,
        "registered": registered,
        # Obligating letters speak of obligations for obligatory appointments; the caller says which those are.
        "obligatory": tone == LetterTone.OBLIGATING,
    }
    context.update(extra)
    context = _with_text_values(context)
    if context.get("booking_url"):
        context["booking_qr"] = qr_data_uri(str(context["booking_url"]))
    return context


def render_template_text(template, context):
    """(subject, body_html) of a stored template's text."""
    engine = engines["django"]
    with translation.override("nl"):
        subject = engine.from_string("{% autoescape off %}" + template.subject + "{% endautoescape %}").render(context)
        body = engine.from_string(template.body).render(context)
    return " ".join(subject.split()), body.strip()


def render_document(context, subject, body_html):
    with translation.override("nl"):
        return render_to_string(
            DOCUMENT_TEMPLATE, {**context, "subject": subject, "body_html": mark_safe(body_html)}  # noqa: S308
        )


def new_reference(today):
    return f"BR-{today:%Y%m%d}-{secrets.token_hex(3).upper()}"


# --- issuing ------------------------------------------------------------------------------------------------------

def issue_letter(resident, kind, *, step_key, actor=None, policy_profile=None, context=None, registered=False,
                 campaign_ref=""):
    """Make, render and store a letter for `resident`, or return the letter already made for this `step_key`.

    Raises ValidationError when the dossier has no complete postal address (nothing is saved then). A letter of kind
    registered_letter is always registered. `context` adds the caller's values (see docs/letters.md): appointment_at,
    venue_name, venue_address, booking_url, expires_on, consequences, obligatory, missed_appointment_at,
    measure_text, plan_goals, plan_activities, review_on, end_reason.
    """
    kind = LetterKind(kind)
    if not step_key:
        raise ValueError("issue_letter needs a step_key: it is what keeps a step from sending a second letter.")
    existing = Letter.objects.without_content().filter(resident=resident, step_key=step_key).first()
    if existing is not None:
        return existing
    check_postal_address(resident)

    if policy_profile is None:
        from meedoen.policy.services import active_profile

        policy_profile = active_profile(resident.municipality)
    registered = bool(registered or kind == LetterKind.REGISTERED_LETTER)
    template = choose_template(kind, policy_profile)
    today = timezone.localdate()
    reference = new_reference(today)
    values = build_context(resident, policy_profile, registered=registered, reference=reference, today=today,
                           extra=context)
    subject, body_html = render_template_text(template, values)
    document_html = render_document(values, subject, body_html)
    pdf_bytes, pages = pdf.render(pdf.letter_html_document(document_html, title=f"Brief {reference}"))

    try:
        with transaction.atomic():
            letter = Letter.objects.create(
                resident=resident, kind=kind, reference=reference, template=template,
                template_version=template.version, subject=subject[:300], body_html=body_html,
                document_html=document_html, pdf=pdf_bytes, page_count=pages, registered=registered,
                step_key=step_key, campaign_ref=campaign_ref, policy_profile=policy_profile, created_by=actor,
            )
            summary = f"{kind.label}{' (aangetekend)' if registered and kind != LetterKind.REGISTERED_LETTER else ''}"
            add_event(resident, DossierEvent.Kind.LETTER, f"Brief: {summary} – {subject}", actor, policy_profile)
    except IntegrityError:
        # Another worker made the letter for this step in the meantime: that one counts.
        existing = Letter.objects.without_content().filter(resident=resident, step_key=step_key).first()
        if existing is None:
            raise
        return existing
    return letter


# --- template versions ----------------------------------------------------------------------------------------------

@transaction.atomic
def revise_template(template, *, subject, body, actor=None):
    """Save an edit of a template as a new version; letters made earlier keep pointing to their version.

    Returns the new active version (or the active one unchanged when nothing changed).
    """
    slot = LetterTemplate.objects.select_for_update().filter(
        kind=template.kind, tone=template.tone, profile_key=template.profile_key
    )
    list(slot)  # take the lock on the whole slot
    active = slot.filter(is_active=True).first()
    if active is not None and (active.subject, active.body) == (subject, body):
        return active
    last = slot.aggregate(v=Max("version"))["v"] or 0
    slot.filter(is_active=True).update(is_active=False)
    new = LetterTemplate(
        kind=template.kind, tone=template.tone, profile_key=template.profile_key, version=last + 1, is_active=True,
        subject=subject, body=body, based_on=active or template, created_by=actor,
    )
    new.full_clean()
    new.save()
    return new
