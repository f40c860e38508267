"""Read side of the referral loop, permission first (filtered in the queryset, DESIGN §6 / STYLE):

- provider staff see only referrals to their own organisation, and of the resident only what the provider needs
  (PROVIDER_RESIDENT_FIELDS: never the BSN, the address, the assessment or anything else of the dossier; health and
  debts only when the resident consented). The BSN is not even loaded.
- the caseworker sees the referrals of residents he or she may see (residents.access.visible_residents).
"""
import datetime as dt
import functools
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, models
from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from meedoen.accounts.models import Role
from meedoen.offer.models import Provider
from meedoen.residents.models import Resident

from . import rules
from .models import ActivityCheck, Cohort, ProviderReport, Referral, ReferralEvent, Suggestion

# The resident's data a provider may see. Health and debts are only shown when the referral carries consent.
PROVIDER_RESIDENT_FIELDS = (
    "resident", "resident__neighbourhood", "resident__first_name", "resident__name_prefix", "resident__last_name", "resident__date_of_birth",
    "resident__phone", "resident__email", "resident__neighbourhood__name", "resident__physical_health",
    "resident__mental_health", "resident__debts", "resident__addiction",
)
REFERRAL_FIELDS = (
    "id", "version", "status", "provider", "activity", "cohort", "referred_by", "provider__name", "provider__kind", "activity__title",
    "activity__hours_text", "referred_at", "handover_note", "hours_per_week", "consent_recorded_at",
    "consent_share_health", "consent_share_debts", "consent_note", "cohort__name", "cohort__starts_on",
    "cohort__meetings", "intake_at", "placed_on", "returned_on", "return_advice", "ended_on",
    "guidance_until", "next_report_due_on", "referred_by__first_name", "referred_by__last_name",
    "referred_by__username", "referred_by__email",
)
PROVIDER_GROUPS = {
    "nieuw": (rules.SENT,),
    "lopend": (rules.ACCEPTED, rules.INTAKE_PLANNED, rules.PLACED),
    "afgerond": tuple(rules.CLOSED_STATUSES),
}


def is_provider_staff(user):
    return user.is_authenticated and user.role == Role.PROVIDER_STAFF and user.provider_id is not None


def provider_referrals(user):
    """The referrals a provider user may see: those to the own organisation, with only the allowed fields."""
    if not is_provider_staff(user):
        return Referral.objects.none()
    return (Referral.objects.filter(provider_id=user.provider_id)
            .select_related("resident__neighbourhood", "provider", "activity", "cohort", "referred_by")
            .only(*REFERRAL_FIELDS, *PROVIDER_RESIDENT_FIELDS))


def provider_view(referral, today=None):
    """What the provider sees of a referral and its resident, as plain values (also the API's shape)."""
    today = today or timezone.localdate()
    r = referral.resident
    born = r.date_of_birth
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    name = " ".join(part for part in (r.first_name, r.name_prefix, r.last_name) if part)
    health = debts = None
    if referral.consent_share_health:
        health = {"physical": r.get_physical_health_display(), "mental": r.get_mental_health_display(),
                  "addiction": r.get_addiction_display()}
    if referral.consent_share_debts:
        debts = r.get_debts_display()
    caseworker = referral.referred_by
    return {
        "id": referral.pk,
        "version": referral.version,
        "status": referral.status,
        "status_label": referral.get_status_display(),
        "referred_at": referral.referred_at,
        "resident": {"name": name, "age": age, "birth_year": born.year,
                     "neighbourhood": r.neighbourhood.name if r.neighbourhood_id else "",
                     "phone": r.phone, "email": r.email},
        "caseworker": {"name": caseworker.get_full_name() or caseworker.username, "email": caseworker.email},
        "activity": referral.activity.title if referral.activity_id else "",
        "hours_per_week": referral.hours_per_week,
        "handover_note": referral.handover_note,
        "consent": {"recorded_at": referral.consent_recorded_at, "share_health": referral.consent_share_health,
                    "share_debts": referral.consent_share_debts, "note": referral.consent_note},
        "health": health,
        "debts": debts,
        "intake_at": referral.intake_at,
        "cohort": {"id": referral.cohort_id, "name": referral.cohort.name, "starts_on": referral.cohort.starts_on,
                   "meetings": referral.cohort.meetings} if referral.cohort_id else None,
        "placed_on": referral.placed_on,
        "guidance_until": referral.guidance_until,
        "next_report_due_on": referral.next_report_due_on,
        "report_overdue": bool(referral.next_report_due_on and referral.next_report_due_on < today),
        "returned_on": referral.returned_on,
        "return_advice": referral.return_advice,
        "ended_on": referral.ended_on,
        "allowed_actions": list(rules.allowed_actions(referral.status, rules.PROVIDER)),
    }


def provider_counts(user):
    """How many referrals in each group of the portal's list, in one query."""
    counts = provider_referrals(user).order_by().aggregate(**{
        key: Count("pk", filter=Q(status__in=statuses)) for key, statuses in PROVIDER_GROUPS.items()})
    return counts


def provider_checks_due(user, today=None, within_days=31):
    today = today or timezone.localdate()
    if not is_provider_staff(user):
        return ActivityCheck.objects.none()
    return (ActivityCheck.objects.filter(referral__provider_id=user.provider_id, checked_on__isnull=True,
                                         due_on__lte=today + dt.timedelta(days=within_days))
            .select_related("referral__resident", "referral__activity")
            .only("id", "due_on", "referral", "referral__resident", "referral__activity", "referral__activity__title", "referral__placed_on",
                  "referral__ended_on", "referral__resident__first_name", "referral__resident__name_prefix",
                  "referral__resident__last_name"))


def provider_cohorts(user):
    if not is_provider_staff(user):
        return Cohort.objects.none()
    return Cohort.objects.filter(provider_id=user.provider_id).annotate(
        members=Count("referrals", filter=Q(referrals__status__in=rules.OPEN_STATUSES)))


def history(referral):
    """Events and reports of one referral, newest first."""
    events = list(ReferralEvent.objects.filter(referral=referral).select_related("actor"))
    reports = list(ProviderReport.objects.filter(referral=referral).select_related("author"))
    checks = list(ActivityCheck.objects.filter(referral=referral).select_related("checked_by"))
    return events, reports, checks


# -- caseworker side --------------------------------------------------------------------------------------------------


def resident_overview(resident, *, limit=20):
    """Suggestions offered and referrals with their history for the dossier, in four queries."""
    suggestions = list(Suggestion.objects.filter(resident=resident).select_related("activity__provider")
                       .order_by("-offered_at", "rank")[:limit])
    referrals = list(
        Referral.objects.filter(resident=resident).select_related("provider", "activity", "cohort", "referred_by")
        .prefetch_related(Prefetch("events", queryset=ReferralEvent.objects.select_related("actor")),
                          Prefetch("checks", queryset=ActivityCheck.objects.order_by("due_on")))[:limit]
    )
    return {"suggestions": suggestions, "referrals": referrals,
            "open": [r for r in referrals if rules.is_open(r.status)],
            "closed": [r for r in referrals if not rules.is_open(r.status)]}


@dataclass(frozen=True)
class NewsItem:
    """One unseen provider step for the worklist's "Nieuws van partners" box (flat, ready to render)."""

    pk: int
    occurred_at: dt.datetime
    action: str
    label: str
    note: str
    referral_id: int
    provider_name: str
    resident_name: str
    placed_on: dt.date | None
    next_contact_on: dt.date | None


@functools.lru_cache(maxsize=1)
def _unseen_sql():
    """Built once per process: the worklist page shows this box on every view (bench: worklist within 5x)."""
    e, r = ReferralEvent._meta.db_table, Referral._meta.db_table
    p, s = Provider._meta.db_table, Resident._meta.db_table
    return (
        f'SELECT e.id, e.occurred_at, e.action, e.status, e.note, e.referral_id, p.name, s.first_name, '
        f's.name_prefix, s.last_name, r.placed_on, s.next_contact_on '
        f'FROM {e} e JOIN {r} r ON r.id = e.referral_id JOIN {p} p ON p.id = r.provider_id '
        f'JOIN {s} s ON s.id = r.resident_id '
        f'WHERE s.current_caseworker_id = %s AND e.seen_by_caseworker_at IS NULL '
        f'ORDER BY e.occurred_at DESC, e.id DESC LIMIT %s'
    )


def unseen_events(caseworker, *, limit=10) -> list[NewsItem]:
    """Provider events on the caseworker's own residents that the caseworker has not looked at yet (one query)."""
    date_field, datetime_field = models.DateField(), models.DateTimeField()
    actions, statuses = dict(ReferralEvent.Action.choices), dict(Referral.Status.choices)
    items = []
    with connection.cursor() as cursor:
        cursor.execute(_unseen_sql(), [caseworker.pk, limit])
        for (pk, occurred_at, action, status, note, referral_id, provider_name, first, prefix, last, placed_on,
             next_contact_on) in cursor.fetchall():
            occurred_at = datetime_field.to_python(occurred_at)
            if settings.USE_TZ and timezone.is_naive(occurred_at):  # SQLite returns naive UTC text
                occurred_at = timezone.make_aware(occurred_at, dt.timezone.utc)
            items.append(NewsItem(
                pk=pk, occurred_at=occurred_at, action=action or "",
                label=str(actions.get(action) or statuses.get(status, status)), note=note or "",
                referral_id=referral_id, provider_name=provider_name,
                resident_name=" ".join(part for part in (first, prefix, last) if part),
                placed_on=date_field.to_python(placed_on), next_contact_on=date_field.to_python(next_contact_on),
            ))
    return items
