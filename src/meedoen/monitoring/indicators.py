"""Indicators computed from the records (issue 6, DESIGN §4.10 and §5).

`collect()` reads the records for one municipality and a filter in a fixed number of queries (it never loops over
residents with a query per resident), returning plain data. `compute()` turns that into indicators with the pure
functions in `monitoring.rules`. Every definition is documented in docs/monitoring.md; where a figure cannot be derived
from the records it is returned as not available with a reason, never as a made-up number.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.apps import apps
from django.db.models import Avg, Count, Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meedoen.accounts.models import Role, User
from meedoen.assessment.models import LadderMeasurement
from meedoen.guidance.models import ActionPlan, Conversation, GuidanceEnding, PlanStep, Reorientation, Route
from meedoen.obligations.models import Exemption, Measure
from meedoen.organisation.models import Neighbourhood, Team
from meedoen.outreach.models import Appointment, LadderStep, Outreach
from meedoen.policy.models import PolicyProfile
from meedoen.policy.services import active_profile
from meedoen.referrals.models import Referral
from meedoen.residents.models import CaseworkerAssignment, Resident

from . import rules

CATEGORY_LABELS = {
    "volunteering": gettext_lazy("Vrijwilligerswerk"),
    "informal_care": gettext_lazy("Mantelzorg"),
    "language": gettext_lazy("Taal"),
    "movement": gettext_lazy("Bewegen"),
    "own_barriers": gettext_lazy("Werken aan eigen belemmeringen"),
    "other": gettext_lazy("Overig"),
}
CONTACT_LABELS = {
    "0-3": gettext_lazy("Minder dan 3 maanden"),
    "3-6": gettext_lazy("3 tot 6 maanden"),
    "6-12": gettext_lazy("6 tot 12 maanden"),
    "12+": gettext_lazy("Meer dan 12 maanden"),
    "never": gettext_lazy("Nog nooit contact"),
}
# How far back ladder measurements are read to find the step at the start of a period (the ladder is measured at
# least twice a year, DESIGN §7; two years leaves room for a missed measurement).
LADDER_LOOKBACK_DAYS = 730


@dataclass(frozen=True)
class Filters:
    municipality: object
    start: dt.date
    end: dt.date
    neighbourhood: object | None = None
    segment: str = ""
    team: object | None = None

    def describe(self) -> dict:
        """Plain description for audit entries and export headers (no personal data)."""
        return {
            "municipality": self.municipality.pk,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "neighbourhood": getattr(self.neighbourhood, "pk", None),
            "segment": self.segment,
            "team": getattr(self.team, "pk", None),
        }


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last twelve months up to today."""
    today = today or timezone.localdate()
    return today - dt.timedelta(days=364), today


def responsible_at(assignments, end: dt.date, current: tuple) -> tuple:
    """(caseworker id, team id) responsible for a resident at the end of a period: those of the latest caseworker
    assignment (by start date, then id) that started on or before `end`. The history keeps every change of caseworker
    with the team at the time, so a past period counts for the team of that time. A resident without any assignment
    record falls back to `current` (current caseworker and team); one whose assignments all start after `end` had
    nobody yet. `assignments`: (started_on, id, caseworker id, team id) tuples of one resident."""
    if not assignments:
        return current
    started = [a for a in assignments if a[0] <= end]
    if not started:
        return None, None
    latest = max(started)
    return latest[2], latest[3]


def _with_team_at(team, end: dt.date) -> Q:
    """The team filter: residents for whom responsible_at gives `team`, as one condition the database evaluates once
    per query (the team's assignments that no later assignment up to `end` follows), or without any assignment
    record and with a current caseworker in the team."""
    later = CaseworkerAssignment.objects.filter(resident=OuterRef("resident"), started_on__lte=end).filter(
        Q(started_on__gt=OuterRef("started_on")) | Q(started_on=OuterRef("started_on"), pk__gt=OuterRef("pk")))
    latest_with_team = CaseworkerAssignment.objects.filter(team=team, started_on__lte=end).exclude(Exists(later))
    no_history = ~Exists(CaseworkerAssignment.objects.filter(resident=OuterRef("pk")))
    return Q(pk__in=latest_with_team.values("resident_id")) | (Q(current_caseworker__team=team) & no_history)


def population(filters: Filters):
    """Residents on bijstand in the municipality during the period, narrowed by the filters.

    Included: benefit started on or before the period end, and guidance not ended before the period started
    (a resident whose guidance ended is kept when an ending falls on or after the period start). The team filter
    takes the team that had the resident at the period's end (responsible_at, _with_team_at)."""
    qs = Resident.objects.filter(municipality=filters.municipality, benefit_start_date__lte=filters.end)
    ended_in_or_after = GuidanceEnding.objects.filter(resident=OuterRef("pk"), ended_on__gte=filters.start)
    qs = qs.exclude(Q(guidance_status="ended") & ~Exists(ended_in_or_after))
    if filters.neighbourhood is not None:
        qs = qs.filter(neighbourhood=filters.neighbourhood)
    if filters.segment:
        qs = qs.filter(segment=filters.segment)
    if filters.team is not None:
        qs = qs.filter(_with_team_at(filters.team, filters.end))
    return qs


def _local_date(value):
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


class ResidentRow(NamedTuple):
    id: int
    neighbourhood_id: int
    segment: str
    team_id: int | None
    caseworker_id: int | None
    last_contact_on: dt.date | None
    next_contact_on: dt.date | None


@dataclass
class Records:
    """The plain data the indicators are computed from. Sets hold resident ids."""

    filters: Filters
    residents: dict[int, ResidentRow]
    activation_segment: str | None
    invited_ever: set[int]
    invited_in_period: set[int]
    conversations_in_period: int
    conversation_counts: dict[int, int]  # conversations in the period per resident
    conversation_residents_in_period: set[int]
    conversation_residents_ever: set[int]
    last_conversation: dict[int, dt.date]
    plans_signed_in_period: int
    plan_residents_in_period: set[int]  # residents with a signed plan in force during the period
    intervals: list[rules.Interval]
    partner_residents_in_period: set[int]
    reintegration_in_period: set[int]
    work_in_period: set[int]
    exemptions_at_end: dict[int, set[str]]
    exemptions_granted_in_period: int
    appointment_status: Counter
    no_show_residents: Counter
    ladder_steps: Counter
    measures: list[tuple]
    ladder: list[tuple[int, dt.date, int]]
    assignments: dict[int, list[dt.date]]
    caseworkers_per_team: dict[int | None, int]
    teams: dict[int, str]
    neighbourhoods: dict[int, str]
    satisfaction: dict = field(default_factory=dict)


def collect(filters: Filters) -> Records:
    """Read everything the indicators need: a fixed number of queries, independent of the number of residents."""
    start, end = filters.start, filters.end
    pop = population(filters)
    pop_ids = pop.values("pk")

    history = defaultdict(list)  # every assignment, also those after the period (a resident with history has no
    for resident_id, *assignment in CaseworkerAssignment.objects.filter(  # fallback to the current caseworker)
        resident__in=pop_ids
    ).values_list("resident_id", "started_on", "id", "caseworker_id", "team_id").order_by():
        history[resident_id].append(tuple(assignment))
    residents = {}
    for rid, wijk, segment, team_now, caseworker_now, last_contact_on, next_contact_on in pop.values_list(
        "id", "neighbourhood_id", "segment", "current_caseworker__team_id", "current_caseworker_id", "last_contact_on",
        "next_contact_on"
    ).order_by():
        caseworker_id, team_id = responsible_at(history.get(rid), end, (caseworker_now, team_now))
        residents[rid] = ResidentRow(rid, wijk, segment, team_id, caseworker_id, last_contact_on, next_contact_on)

    try:
        profile = active_profile(filters.municipality, end)
    except PolicyProfile.DoesNotExist:  # a period before the first profile: the segments of the profile in force now
        profile = PolicyProfile.objects.active_for(filters.municipality.policy_key, timezone.localdate())
    activation_segment = profile.groups[-1].code if profile is not None and profile.groups else None

    invited_ever, invited_in_period = set(), set()
    for resident_id, first_invited_at in Outreach.objects.filter(
        resident__in=pop_ids, first_invited_at__isnull=False
    ).values_list("resident_id", "first_invited_at").order_by():
        day = _local_date(first_invited_at)
        if day <= end:
            invited_ever.add(resident_id)
            if day >= start:
                invited_in_period.add(resident_id)

    conv_counts = Counter()
    last_conversation = {}
    for resident_id, n_period, last in (
        Conversation.objects.filter(resident__in=pop_ids, held_on__lte=end).values("resident_id")
        .annotate(n=Count("id", filter=Q(held_on__gte=start)), last=Max("held_on"))
        .values_list("resident_id", "n", "last").order_by()
    ):
        conv_counts[resident_id] = n_period
        last_conversation[resident_id] = last

    endings = defaultdict(list)
    work_in_period = set()
    for resident_id, ended_on, reason in GuidanceEnding.objects.filter(
        resident__in=pop_ids, ended_on__lte=end
    ).values_list("resident_id", "ended_on", "reason").order_by():
        endings[resident_id].append(ended_on)
        if reason == GuidanceEnding.Reason.WORK and ended_on >= start:
            work_in_period.add(resident_id)

    def clip(resident_id, begin, finish):
        """An activity stops at the first end of guidance after it began."""
        for ended_on in sorted(endings.get(resident_id, ())):
            if ended_on >= begin and (finish is None or ended_on < finish):
                return ended_on
        return finish

    plans_signed_in_period = 0
    plan_residents = set()
    for signed_on, resident_id in ActionPlan.objects.filter(
        resident__in=pop_ids, signed_on__isnull=False, signed_on__lte=end,
        status__in=[ActionPlan.Status.SIGNED, ActionPlan.Status.SUPERSEDED],
    ).filter(Q(superseded_on__isnull=True) | Q(superseded_on__gte=start)).values_list(
        "signed_on", "resident_id"
    ).order_by():
        plans_signed_in_period += signed_on >= start
        plan_residents.add(resident_id)  # a signed plan in force at some time in the period

    intervals = []
    reintegration = set()
    for resident_id, kind, signed_on, superseded_on in PlanStep.objects.filter(
        plan__resident__in=pop_ids, plan__signed_on__isnull=False, plan__signed_on__lte=end,
        plan__status__in=[ActionPlan.Status.SIGNED, ActionPlan.Status.SUPERSEDED],
    ).filter(Q(plan__superseded_on__isnull=True) | Q(plan__superseded_on__gte=start)).values_list(
        "plan__resident_id", "kind", "plan__signed_on", "plan__superseded_on"
    ).order_by():
        category = rules.category_of(kind)
        finish = clip(resident_id, signed_on, superseded_on - dt.timedelta(days=1) if superseded_on else None)
        if category is None:
            if signed_on >= start:
                reintegration.add(resident_id)
            continue
        intervals.append(rules.Interval(resident_id, category, signed_on, finish))

    partner_residents = set()
    for resident_id, category, referred_at, placed_on, ended_on, returned_on in Referral.objects.filter(
        resident__in=pop_ids, referred_at__lte=_end_of_day(end)
    ).values_list("resident_id", "activity__category", "referred_at", "placed_on", "ended_on",
                  "returned_on").order_by():
        referred_on = _local_date(referred_at)
        kind = category or "other"
        if kind in rules.WORK_KINDS and referred_on >= start:
            reintegration.add(resident_id)
        if placed_on is None or placed_on > end:
            continue
        stop = min([d for d in (ended_on, returned_on) if d is not None], default=None)
        if stop is None or stop >= start:
            partner_residents.add(resident_id)
        cat = rules.category_of(kind)
        if cat is not None:
            intervals.append(rules.Interval(resident_id, cat, placed_on, clip(resident_id, placed_on, stop)))

    reintegration.update(Reorientation.objects.filter(
        resident__in=pop_ids, to_route=Route.WORK, on_date__gte=start, on_date__lte=end
    ).values_list("resident_id", flat=True).order_by())

    exemptions_at_end = defaultdict(set)
    exemptions_granted = 0
    for resident_id, kind, starts_on, ends_on, ended_on in Exemption.objects.filter(
        resident__in=pop_ids, starts_on__lte=end
    ).values_list("resident_id", "kind", "starts_on", "ends_on", "ended_on").order_by():
        if starts_on >= start:
            exemptions_granted += 1
        if (ends_on is None or ends_on >= end) and (ended_on is None or ended_on > end):
            exemptions_at_end[resident_id].add(kind)

    appointment_status = Counter()
    no_show_residents = Counter()
    for resident_id, status in Appointment.objects.filter(
        resident__in=pop_ids, slot__starts_at__gte=_start_of_day(start), slot__starts_at__lte=_end_of_day(end)
    ).values_list("resident_id", "status").order_by():
        appointment_status[status] += 1
        if status == Appointment.Status.NO_SHOW:
            no_show_residents[resident_id] += 1

    ladder_steps = Counter(dict(
        LadderStep.objects.filter(
            outreach__resident__in=pop_ids, executed_at__gte=_start_of_day(start), executed_at__lte=_end_of_day(end)
        ).values("kind").annotate(n=Count("id")).values_list("kind", "n").order_by()
    ))

    measures = list(Measure.objects.filter(
        resident__in=pop_ids, proposed_on__lte=end
    ).filter(Q(proposed_on__gte=start) | Q(decided_on__gte=start)).values_list(
        "resident_id", "source", "status", "outcome", "percentage", "proposed_on", "decided_on"
    ).order_by())

    ladder = list(LadderMeasurement.objects.filter(
        resident__in=pop_ids, measured_on__lte=end, measured_on__gte=start - dt.timedelta(days=LADDER_LOOKBACK_DAYS)
    ).values_list("resident_id", "measured_on", "step").order_by())

    assignments = defaultdict(list)
    for resident_id, rows in history.items():
        dates = [started_on for started_on, *_rest in rows if started_on <= end]
        if dates:
            assignments[resident_id] = dates

    caseworkers_per_team = dict(
        User.objects.filter(municipality=filters.municipality, role=Role.CASEWORKER, is_active=True)
        .values("team_id").annotate(n=Count("id")).values_list("team_id", "n").order_by()
    )
    teams = dict(Team.objects.filter(municipality=filters.municipality).values_list("id", "name"))
    neighbourhoods = dict(Neighbourhood.objects.filter(municipality=filters.municipality).values_list("id", "name"))

    return Records(
        filters=filters, residents=residents, activation_segment=activation_segment,
        invited_ever=invited_ever, invited_in_period=invited_in_period,
        conversations_in_period=sum(conv_counts.values()), conversation_counts=dict(conv_counts),
        conversation_residents_in_period={r for r, n in conv_counts.items() if n},
        conversation_residents_ever=set(last_conversation), last_conversation=last_conversation,
        plans_signed_in_period=plans_signed_in_period, plan_residents_in_period=plan_residents,
        intervals=intervals, partner_residents_in_period=partner_residents,
        reintegration_in_period=reintegration, work_in_period=work_in_period,
        exemptions_at_end=dict(exemptions_at_end), exemptions_granted_in_period=exemptions_granted,
        appointment_status=appointment_status, no_show_residents=no_show_residents, ladder_steps=ladder_steps,
        measures=measures, ladder=ladder, assignments=dict(assignments),
        caseworkers_per_team=caseworkers_per_team, teams=teams, neighbourhoods=neighbourhoods,
        satisfaction=satisfaction(filters, pop_ids),
    )


def _start_of_day(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _end_of_day(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


# --------------------------------------------------------------------------- satisfaction (hook)
GRADE_FIELD = "caseworker_grade"
_GRADE_DATE_FIELDS = ("filled_at", "answered_at", "submitted_at", "answered_on", "created_at")


def grade_model():
    """The model holding the residents' caseworker grade (1–10), if one exists.

    Today that is experiments.QuestionnaireResponse (answers per measurement wave, `filled_at`). The lookup is by
    shape, not by name, so a later questionnaire model works too: any model with a `caseworker_grade` field, a
    `resident` foreign key and one of the date fields in _GRADE_DATE_FIELDS. Without one, the grade is 'not
    available' with a reason."""
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields()}
        if GRADE_FIELD in names and "resident" in names and any(n in names for n in _GRADE_DATE_FIELDS):
            return model
    return None


def satisfaction(filters: Filters, pop_ids) -> dict:
    model = grade_model()
    if model is None:
        return {"available": False,
                "reason": _("Er zijn nog geen vragenlijsten met een rapportcijfer voor de klantmanager vastgelegd.")}
    names = {f.name for f in model._meta.get_fields()}
    date_field = next(n for n in _GRADE_DATE_FIELDS if n in names)
    is_datetime = model._meta.get_field(date_field).get_internal_type() == "DateTimeField"
    low = _start_of_day(filters.start) if is_datetime else filters.start
    high = _end_of_day(filters.end) if is_datetime else filters.end
    result = model.objects.filter(
        resident__in=pop_ids, **{f"{GRADE_FIELD}__isnull": False, f"{date_field}__gte": low, f"{date_field}__lte": high}
    ).aggregate(avg=Avg(GRADE_FIELD), n=Count("id"))
    if not result["n"]:
        return {"available": False, "reason": _("In deze periode heeft niemand een rapportcijfer gegeven.")}
    return {"available": True, "average": float(result["avg"]), "answers": result["n"]}


# --------------------------------------------------------------------------- computation
@dataclass
class Indicator:
    key: str
    label: str
    value: float | int | None
    kind: str = "count"  # count | share | grade | number
    note: str = ""
    available: bool = True
    reason: str = ""

    @property
    def display(self) -> str:
        from meedoen.charts import format_number

        if not self.available or self.value is None:
            return _("niet beschikbaar")
        if self.kind == "share":
            return format_number(self.value * 100, 1) + "%"
        if self.kind in ("grade", "number"):
            return format_number(self.value, 1)
        return format_number(self.value, 0)


@dataclass
class Result:
    filters: Filters
    records: Records
    indicators: list[Indicator]
    active: dict[int, set[str]]
    active_by_category: dict[str, int]
    funnel: list[tuple[str, int]]
    ladder: dict
    contact: dict[str, int]
    by_month: list
    workload: list[dict]
    by_neighbourhood: list[dict]
    caseload_distribution: list[tuple[str, int]] = field(default_factory=list)

    def get(self, key) -> Indicator:
        return next(i for i in self.indicators if i.key == key)


def compute(filters: Filters, records: Records | None = None) -> Result:
    r = records or collect(filters)
    start, end = filters.start, filters.end
    population_ids = set(r.residents)
    n = len(population_ids)
    activation = {rid for rid, row in r.residents.items() if row.segment == r.activation_segment}
    approached = r.invited_ever | r.conversation_residents_ever
    reached = r.conversation_residents_in_period
    active = rules.active_categories(r.intervals, start, end)
    active_ids = set(active)
    by_category = rules.count_by_primary_category(active)
    without_care = rules.active_without(active, "informal_care")

    decided = [m for m in r.measures if m[6] is not None and start <= m[6] <= end]
    reducing = [m for m in decided if m[2] in Measure.IN_FORCE_STATUSES and m[3] in Measure.REDUCING_OUTCOMES
                and m[4] is not None and m[4] > 0]
    proposed = [m for m in r.measures if start <= m[5] <= end]
    attended = r.appointment_status.get(Appointment.Status.ATTENDED, 0)
    no_shows = r.appointment_status.get(Appointment.Status.NO_SHOW, 0)

    ladder = rules.ladder_movement(r.ladder, start, end)

    last_contact = {}
    for rid, row in r.residents.items():
        candidates = [d for d in (row.last_contact_on, r.last_conversation.get(rid)) if d is not None and d <= end]
        last_contact[rid] = max(candidates) if candidates else None
    contact = Counter(rules.contact_bucket(day, end) for day in last_contact.values())
    contact = {code: contact.get(code, 0) for code in CONTACT_LABELS}
    contact_days = sorted((end - d).days for d in last_contact.values() if d is not None)
    median_days = contact_days[len(contact_days) // 2] if contact_days else None

    caseworker_counts = [len(dates) for rid, dates in r.assignments.items() if rid in population_ids]
    changes = sum(1 for dates in r.assignments.values() for i, d in enumerate(sorted(dates)) if i and d >= start)

    sat = r.satisfaction
    social_medical = sum(1 for kinds in r.exemptions_at_end.values() if Exemption.Kind.SOCIAL_MEDICAL in kinds)

    ind = [
        Indicator("residents", _("Inwoners in de bijstand"), n),
        Indicator("activation_group", _("Activeringsgroep"), len(activation),
                  note=_("Inwoners in het verste segment van het beleidsprofiel.")),
        Indicator("approached", _("Benaderd (ooit uitgenodigd of gesproken)"), len(approached & population_ids)),
        Indicator("approached_share_activation", _("Deel van de activeringsgroep dat is benaderd"),
                  rules.share(len(approached & activation), len(activation)), "share"),
        Indicator("reached", _("Bereikt in de periode (minstens één gesprek)"), len(reached)),
        Indicator("conversations", _("Gesprekken in de periode"), r.conversations_in_period),
        Indicator("plans", _("Plannen van aanpak ondertekend in de periode"), r.plans_signed_in_period),
        Indicator("active", _("Actief (tegenprestatie of activiteit)"), len(active_ids)),
    ]
    for category in rules.CATEGORIES:
        ind.append(Indicator(f"active_{category}", _("Actief: %(category)s") % {"category": CATEGORY_LABELS[category]},
                             by_category[category], note=_("Eén hoofdsoort per persoon.")))
    ind += [
        Indicator("active_share", _("Deel actief"), rules.share(len(active_ids), n), "share"),
        Indicator("active_share_without_care", _("Deel actief zonder mantelzorg"), rules.share(without_care, n),
                  "share", note=_("Alleen mantelzorg telt hier niet mee.")),
        Indicator("exemptions", _("Met ontheffing aan het eind van de periode"), len(r.exemptions_at_end)),
        Indicator("exemptions_social_medical", _("Ontheffing om sociale of medische redenen"), social_medical),
        Indicator("exemptions_granted", _("Ontheffingen verleend in de periode"), r.exemptions_granted_in_period),
        Indicator("appointments_attended", _("Afspraken: gekomen"), attended),
        Indicator("no_shows", _("Afspraken: niet gekomen (no-show)"), no_shows),
        Indicator("no_show_rate", _("Deel no-show van de afspraken"), rules.share(no_shows, attended + no_shows),
                  "share"),
        Indicator("ladder_steps", _("Stappen op de no-showladder"), sum(r.ladder_steps.values())),
        Indicator("no_show_actions", _("No show-acties (brief die een maatregel aankondigt)"),
                  r.ladder_steps.get("no_show_action_letter", 0)),
        Indicator("measures_proposed", _("Maatregelen voorgesteld"), len(proposed)),
        Indicator("measures_decided", _("Maatregelen opgelegd (uitkering verlaagd)"), len(reducing)),
        Indicator("measures_from_no_show", _("Opgelegde maatregelen na no-show"),
                  sum(1 for m in reducing if m[1] == Measure.Source.NO_SHOW_LADDER)),
        Indicator("flow_reintegration", _("Naar re-integratie (route of traject naar werk)"),
                  len(r.reintegration_in_period)),
        Indicator("flow_work", _("Naar betaald werk (begeleiding beëindigd: werk gevonden)"), len(r.work_in_period)),
        Indicator("partner_guided", _("Begeleid door partners"), len(r.partner_residents_in_period)),
        Indicator("ladder_up", _("Participatieladder: omhoog"), ladder["up"]),
        Indicator("ladder_same", _("Participatieladder: gelijk"), ladder["same"]),
        Indicator("ladder_down", _("Participatieladder: omlaag"), ladder["down"]),
        Indicator("contact_median_days", _("Dagen sinds laatste contact (mediaan)"), median_days, "number"),
        Indicator("contact_over_6_months", _("Langer dan 6 maanden geen contact"),
                  contact["6-12"] + contact["12+"] + contact["never"]),
        Indicator("caseworkers_per_resident", _("Klantmanagers per inwoner (gemiddeld, tot nu toe)"),
                  (sum(caseworker_counts) / len(caseworker_counts)) if caseworker_counts else None, "number"),
        Indicator("caseworker_changes", _("Wisselingen van klantmanager in de periode"), changes),
    ]
    if sat.get("available"):
        ind.append(Indicator("satisfaction", _("Rapportcijfer voor de klantmanager"), sat["average"], "grade",
                             note=_("%(n)s antwoorden") % {"n": sat["answers"]}))
    else:
        ind.append(Indicator("satisfaction", _("Rapportcijfer voor de klantmanager"), None, "grade",
                             available=False, reason=sat["reason"]))

    invited = r.invited_in_period | reached  # somebody spoken to was approached, even without a letter
    funnel_steps = rules.funnel_counts([invited, reached, r.plan_residents_in_period, active_ids])
    funnel = list(zip([_("Benaderd in de periode"), _("Gesprek gehad"), _("Plan van aanpak"), _("Actief")],
                      funnel_steps))

    workload = _workload(r, last_contact, end)
    by_neighbourhood = _by_neighbourhood(r, reached, active_ids)
    by_month = rules.active_by_month(r.intervals, start, end)
    caseloads = rules.caseload_distribution(row.caseworker_id for row in r.residents.values())
    return Result(filters, r, ind, active, by_category, funnel, ladder, contact, by_month, workload, by_neighbourhood,
                  caseloads)


def _workload(r: Records, last_contact, end) -> list[dict]:
    """Caseload per caseworker team: a team's workload, never a ranking of people (DESIGN §4.9)."""
    today = timezone.localdate()
    rows = defaultdict(lambda: {"residents": 0, "overdue": 0, "no_contact_6m": 0})
    for rid, row in r.residents.items():
        entry = rows[row.team_id]
        entry["residents"] += 1
        if row.next_contact_on is not None and row.next_contact_on < today:
            entry["overdue"] += 1
        day = last_contact.get(rid)
        if day is None or (end - day).days > 182:
            entry["no_contact_6m"] += 1
    result = []
    for team_id, entry in rows.items():
        caseworkers = r.caseworkers_per_team.get(team_id, 0) if team_id is not None else 0
        result.append({
            "team": r.teams.get(team_id, _("Zonder team of klantmanager")) if team_id else _("Zonder klantmanager"),
            "residents": entry["residents"],
            "caseworkers": caseworkers,
            "caseload": entry["residents"] / caseworkers if caseworkers else None,
            "overdue": entry["overdue"],
            "no_contact_6m": entry["no_contact_6m"],
        })
    result.sort(key=lambda e: str(e["team"]))  # alphabetical: a workload overview, not a league table
    return result


def _by_neighbourhood(r: Records, reached, active_ids) -> list[dict]:
    rows = defaultdict(lambda: {"residents": 0, "reached": 0, "active": 0})
    for rid, row in r.residents.items():
        entry = rows[row.neighbourhood_id]
        entry["residents"] += 1
        entry["reached"] += rid in reached
        entry["active"] += rid in active_ids
    result = []
    for nid, entry in rows.items():
        result.append({"neighbourhood": r.neighbourhoods.get(nid, "?"), **entry,
                       "active_share": rules.share(entry["active"], entry["residents"])})
    result.sort(key=lambda e: e["neighbourhood"])
    return result


# --------------------------------------------------------------------------- Rotterdam table (DESIGN §5)
PUBLISHED_SOURCE = gettext_lazy(
    "Gepubliceerd, Rotterdam eind 2017 (veldonderzoek naar de Rotterdamse aanpak, zoals samengevat in DESIGN.md §5)."
)
# Published figures, Rotterdam, end of 2017, exactly as in DESIGN.md §5. Shares are fractions. Each entry says
# what the published figure covers when that differs from the computed period.
ROTTERDAM_2017 = {
    "residents": (40_000, ""),
    "activation_group": (21_000, ""),
    "approached_share_activation": (0.75, gettext_lazy("driekwart van de doelgroep")),
    "active": (12_000, ""),
    "active_volunteering": (4_000, ""),
    "active_informal_care": (1_400, ""),
    "active_language": (1_200, ""),
    "active_movement": (500, ""),
    "active_own_barriers": (3_000, ""),
    "active_other": (1_000, gettext_lazy("ongeveer")),
    "exemptions_social_medical": (1_500, gettext_lazy("ongeveer")),
    "flow_work": (275, gettext_lazy("in drie jaar")),
    "no_show_actions": (360, gettext_lazy("in 2016")),
    "measures_from_no_show": (95, gettext_lazy("in 2016, gemiddeld één maand korting")),
    "partner_guided": (3_000, gettext_lazy("ongeveer, per jaar")),
    "approached_active_share": (0.75, gettext_lazy("van de benaderden deed driekwart een tegenprestatie")),
}


@dataclass(frozen=True)
class TableRow:
    key: str
    label: str
    computed: float | int | None
    published: float | int | None
    kind: str = "count"
    published_note: str = ""

    def _fmt(self, value):
        from meedoen.charts import format_number

        if value is None:
            return _("niet beschikbaar")
        return format_number(value * 100, 0) + "%" if self.kind == "share" else format_number(value, 0)

    @property
    def computed_display(self):
        return self._fmt(self.computed)

    @property
    def published_display(self):
        return self._fmt(self.published)


def rotterdam_table(municipality, period: tuple[dt.date, dt.date], result: Result | None = None) -> list[TableRow]:
    """The DESIGN §5 table: figures computed from the records for `period` next to the published Rotterdam 2017
    figures. Rows are (key, label, computed, published); usable by the simulation and the README."""
    if result is None:
        result = compute(Filters(municipality=municipality, start=period[0], end=period[1]))
    r = result.records
    approached = (r.invited_ever | r.conversation_residents_ever) & set(r.residents)
    approached_active = rules.share(len(approached & set(result.active)), len(approached))
    values = {i.key: i for i in result.indicators}
    rows = []
    for key, (published, note) in ROTTERDAM_2017.items():
        if key == "approached_active_share":
            rows.append(TableRow(key, _("Van de benaderden doet een tegenprestatie"), approached_active, published,
                                 "share", str(note)))
            continue
        indicator = values[key]
        label = indicator.label
        if key == "active":
            label = _("Doet een tegenprestatie of activiteit")
        rows.append(TableRow(key, str(label), indicator.value, published, indicator.kind, str(note)))
    return rows
