"""Read side of the portal. Every function takes the resident's own dossier (from access.resident_view) and reads
other apps' data through their models and services, filtered on that resident in the queryset. Nothing here writes.

The money page reads exactly what the caseworker's tab reads (money.services.month_state / months_overview and the
explanations of money.explain), so a resident never sees a different calculation than the caseworker.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from meedoen.formtools import FIRST_MONTH
from meedoen.guidance.models import ActionPlan, PlanStep
from meedoen.letters.models import Letter
from meedoen.money import explain
from meedoen.money import rules as money_rules
from meedoen.money import services as money
from meedoen.money.models import PaymentCorrection
from meedoen.obligations import rules as obligation_rules
from meedoen.obligations import services as obligation_services
from meedoen.obligations.models import Exemption, Hearing, Measure, ObligationCode, Objection
from meedoen.outreach import services as outreach_services
from meedoen.outreach.models import Appointment, Invitation, Outreach
from meedoen.policy.services import active_profile
from meedoen.referrals.models import Referral

LETTERS_SHOWN = 100
APPOINTMENTS_SHOWN = 50
MONTHS_SHOWN = 12
CORRECTIONS_SHOWN = 24


# -- caseworker and contact -------------------------------------------------------------------------------------------


def contact(resident):
    """The resident's contact person and how to reach the municipality (from the policy profile's letter data)."""
    caseworker = resident.current_caseworker
    extra = active_profile(resident.municipality).extra or {}
    return {
        "caseworker": caseworker,
        "caseworker_name": (caseworker.get_full_name() or caseworker.get_username()) if caseworker else "",
        "job_title": (caseworker.job_title or _("klantmanager")) if caseworker else "",
        "email": caseworker.email if caseworker else "",
        "phone": extra.get("letter_contact_phone", ""),
        "department": extra.get("letter_department", ""),
        "municipality": resident.municipality.name,
    }


# -- plan van aanpak --------------------------------------------------------------------------------------------------


def plans(resident):
    """All versions of the plan, newest first, with their steps (two queries)."""
    return list(ActionPlan.objects.filter(resident=resident)
                .prefetch_related(Prefetch("steps", queryset=PlanStep.objects.order_by("position", "id")))
                .order_by("-version"))


def plan_parts(all_plans):
    signed = next((p for p in all_plans if p.status == ActionPlan.Status.SIGNED), None)
    draft = next((p for p in all_plans if p.status == ActionPlan.Status.DRAFT), None)
    history = [p for p in all_plans if p.status == ActionPlan.Status.SUPERSEDED]
    return signed, draft, history


def can_sign_in_portal(plan):
    """The caseworker puts a draft ready for the portal ("later in het portaal ondertekenen"); only then is it the
    agreed text the resident is asked to sign (a draft is edited in place until then)."""
    return (plan is not None and plan.status == ActionPlan.Status.DRAFT
            and plan.portal_signature_requested_on is not None)


def plan_fingerprint(plan) -> str:
    """What the resident read: a draft can still change in place, so signing checks the text is the same."""
    payload = [plan.pk, plan.version, plan.goals, str(plan.capacity_hours_per_week), plan.review_on.isoformat(),
               plan.route, [[s.kind, s.description, str(s.hours_per_week), s.responsible, s.responsible_name]
                            for s in plan.steps.all()]]
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def open_referrals(resident):
    return list(Referral.objects.filter(resident=resident, status__in=Referral.OPEN_STATUSES)
                .select_related("provider", "activity").order_by("-referred_at", "-id"))


# -- appointments and invitations -------------------------------------------------------------------------------------


def appointments(resident):
    """Planned appointments first (soonest first), then earlier ones (latest first); each with its kind's label."""
    rows = list(Appointment.objects.filter(resident=resident)
                .select_related("slot__venue", "slot__caseworker", "policy_profile")
                .order_by("-slot__starts_at", "-id")[:APPOINTMENTS_SHOWN])
    now = timezone.now()
    for row in rows:
        row.kind_label = outreach_services.kind_for(row.policy_profile, row.appointment_kind).label
        row.upcoming = row.status == Appointment.Status.PLANNED and row.slot.ends_at >= now
    upcoming = sorted((r for r in rows if r.upcoming), key=lambda r: (r.slot.starts_at, r.pk))
    earlier = [r for r in rows if not r.upcoming]
    return upcoming, earlier


def next_appointment(resident):
    row = (Appointment.objects.filter(resident=resident, status=Appointment.Status.PLANNED,
                                      slot__ends_at__gte=timezone.now())
           .select_related("slot__venue", "slot__caseworker", "policy_profile")
           .order_by("slot__starts_at", "id").first())
    if row is not None:
        row.kind_label = outreach_services.kind_for(row.policy_profile, row.appointment_kind).label
    return row


def open_invitations(resident):
    """Invitations the resident can still book with (the same checks as the booking link: open, not expired, the
    outreach still open)."""
    rows = list(Invitation.objects.filter(outreach__resident=resident, status=Invitation.Status.OPEN,
                                          expires_at__gt=timezone.now(),
                                          outreach__status__in=Outreach.OPEN_STATUSES)
                .select_related("outreach__campaign__policy_profile").order_by("expires_at", "id"))
    for row in rows:
        campaign = row.outreach.campaign
        row.kind = outreach_services.kind_for(campaign.policy_profile, campaign.appointment_kind)
    return rows


# -- letters ----------------------------------------------------------------------------------------------------------


def letters(resident):
    return list(Letter.objects.without_content().filter(resident=resident)
                .order_by("-created_at", "-id")[:LETTERS_SHOWN])


# -- money ------------------------------------------------------------------------------------------------------------

# Why a line is there, in plain words (B1). The legal source itself is the line's stored citation.
RULE_WORDS = {
    "norm": N_("De wet zegt hoeveel bijstand iemand krijgt. Dat hangt af van uw leeftijd en met wie u woont."),
    "income": N_("Geld dat u verdient of krijgt, telt mee. Wij tellen het bedrag dat u netto krijgt."),
    "exempt": N_("Sommige vergoedingen tellen niet mee voor de bijstand, tot een maximum."),
    "holiday_pay": N_("Vakantiegeld van uw werkgever gaat eerst af van de vakantietoeslag die u bij ons spaart."),
    "disregard": N_("Als u werkt, mag u een deel van uw loon houden. Dat heet vrijlating."),
    "offset": N_("Wat er van uw inkomen overblijft, gaat van de bijstand af. Dat heet verrekenen."),
    "measure": N_("Er is een maatregel besloten. Dan krijgt u een tijd minder bijstand."),
    "benefit": N_("Zoveel bijstand heeft u deze maand."),
    "holiday_reserve": N_("Een deel van de bijstand sparen wij voor u. U krijgt het één keer per jaar."),
    "holiday_payout": N_("Eén keer per jaar krijgt u de gespaarde vakantietoeslag uitbetaald."),
    "to_pay": N_("Dit bedrag betalen wij u als bijstand."),
    "premium_accrued": N_("Een premie is een beloning voor werken. Hij gaat niet van uw bijstand af."),
    "premium_paid": N_("De premie die u heeft gespaard, betalen wij nu uit."),
    "total": N_("Dit krijgt u deze maand in totaal van ons."),
}


def rule_words(code):
    text = RULE_WORDS.get(code)
    return _(text) if text else ""


def default_month(ctx):
    """This month when its norms are loaded; otherwise the last month with norms before it (as the caseworker's tab)."""
    today = money_rules.first_of_month(timezone.localdate())
    if not ctx.tables or any(table.covers(today) for table in ctx.tables):
        return today
    earlier = [table for table in ctx.tables if table.effective_from <= today]
    return money_rules.first_of_month(earlier[-1].valid_until) if earlier else today


def money_page(resident, month: dt.date | None):
    """The months with their amounts, and one month line by line, read through the money services."""
    ctx = money.Context.load()
    latest = default_month(ctx)
    month = latest if month is None or month > latest else money_rules.first_of_month(month)
    state = money.month_state(resident, month, ctx)
    lines = explain.describe_lines(state.lines)
    for line in lines:
        line["why"] = rule_words(line["code"])
    corrections = list(PaymentCorrection.objects.filter(resident=resident)
                       .select_related("previous", "recalculated")
                       .order_by("-month", "-created_at", "-id")[:CORRECTIONS_SHOWN])
    return {
        "month": month,
        "latest_month": latest,
        "state": state,
        "lines": lines,
        "months": money.months_overview(resident, latest, count=MONTHS_SHOWN, ctx=ctx),
        "corrections": corrections,
        "month_corrections": [c for c in corrections if c.month == month],
        "previous_month": money_rules.add_months(month, -1) if month > FIRST_MONTH else None,
        "next_month": money_rules.add_months(month, 1) if month < latest else None,
    }


# -- obligations ------------------------------------------------------------------------------------------------------

OBLIGATION_WORDS = {
    (obligation_rules.WORK, obligation_rules.APPLIES): N_("U zoekt werk en neemt werk aan dat u kunt doen."),
    (obligation_rules.REINTEGRATION, obligation_rules.APPLIES): N_(
        "U doet mee aan de afspraken in uw plan van aanpak, zoals een cursus of vrijwilligerswerk."),
    (obligation_rules.RECIPROCITY, obligation_rules.APPLIES): N_(
        "U doet iets nuttigs voor anderen of voor de buurt, naar wat u kunt."),
    (obligation_rules.RECIPROCITY, obligation_rules.VOLUNTARY): N_(
        "De gemeente vraagt u iets nuttigs te doen voor anderen of voor de buurt. U kiest zelf of u dat doet."),
    (obligation_rules.RECIPROCITY, obligation_rules.NOT_ASKED): N_("De gemeente vraagt dit niet van u."),
    (obligation_rules.LANGUAGE, obligation_rules.APPLIES): N_(
        "U leert Nederlands, tot het niveau dat de wet vraagt (taaleis)."),
}
OBLIGATION_LABELS = {
    obligation_rules.WORK: N_("Werk zoeken"),
    obligation_rules.REINTEGRATION: N_("Meedoen aan uw plan van aanpak"),
    obligation_rules.LANGUAGE: N_("Nederlands leren"),
}


def _obligation_row(obligation, day):
    if obligation.code == obligation_rules.RECIPROCITY:
        label = (_("Maatschappelijke participatie") if day >= obligation_rules.RECIPROCITY_RENAMED_ON
                 else _("Tegenprestatie"))
    else:
        label = _(OBLIGATION_LABELS.get(obligation.code, obligation.label))
    if obligation.status == obligation_rules.EXEMPTED:
        text = _("Dit hoeft u nu niet te doen: u heeft een ontheffing.")
    else:
        words = OBLIGATION_WORDS.get((obligation.code, obligation.status))
        text = _(words) if words else ""
    if obligation.status in (obligation_rules.EXEMPTED, obligation_rules.NOT_ASKED):
        consequence = ""
    elif obligation.enforceable:
        consequence = _("Doet u dit niet, zonder goede reden? Dan kan de gemeente uw bijstand een tijd verlagen "
                        "(een maatregel). Eerst vraagt de gemeente altijd uw kant van het verhaal.")
    else:
        consequence = _("Hiervoor krijgt u geen maatregel.")
    return {"code": obligation.code, "label": label, "text": text, "consequence": consequence,
            "status": obligation.status, "hours": obligation.hours_per_week, "article": obligation.article}


def obligations_page(resident, today):
    exemptions = list(Exemption.objects.filter(resident=resident).order_by("-starts_on", "-id"))
    signed = (ActionPlan.objects.signed().filter(resident=resident)
              .only("capacity_hours_per_week", "route", "version").first())
    profile = active_profile(resident.municipality, today)
    obligations = obligation_services.obligations_for(resident, today, profile=profile, exemptions=exemptions,
                                                      plan=signed)
    codes = dict(ObligationCode.choices)
    for exemption in exemptions:
        exemption.in_force = exemption.status == Exemption.Status.ACTIVE and exemption.starts_on <= today and (
            exemption.ends_on is None or exemption.ends_on >= today)
        exemption.covers_labels = [_(OBLIGATION_LABELS[c]) if c in OBLIGATION_LABELS else
                                   str(codes.get(c, c)) for c in exemption.covers]
    measures = list(Measure.objects.filter(resident=resident)
                    .exclude(status=Measure.Status.WITHDRAWN, decided_on__isnull=True)
                    .prefetch_related(Prefetch("hearings", queryset=Hearing.objects.order_by("-created_at", "-id")))
                    .order_by("-proposed_on", "-id"))
    for measure in measures:
        hearing = next(iter(measure.hearings.all()), None)
        measure.respond_by = hearing.respond_by if hearing is not None else None
        measure.can_object = (measure.objection_deadline is not None and measure.objection_deadline >= today
                              and measure.status in Measure.IN_FORCE_STATUSES)
    objections = list(Objection.objects.filter(resident=resident).order_by("-received_on", "-id"))
    return {
        "obligations": [_obligation_row(o, today) for o in obligations],
        "exemptions": exemptions,
        "measures": measures,
        "objections": objections,
    }
