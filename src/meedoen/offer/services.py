"""State changes of the offer side: activities (with optimistic locking) and provisions granted against a resident's
individual budget. Every change runs in one transaction; a bad input raises ValidationError (a dict of Dutch messages
per field) before anything is written; a stale version raises ConcurrentEditError.

Read helpers used by other apps live here too: `places_taken(activities)` (referrals that hold a place) and
`with_places_taken(queryset)` (the same as an annotation, to filter on free places).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from meedoen.accounts.models import Role
from meedoen.policy.services import active_profile
from meedoen.residents.models import DossierEvent, Resident
from meedoen.residents.services import ConcurrentEditError, add_event

from . import budget as rules
from .models import Activity, ProvisionGrant

__all__ = ["ConcurrentEditError", "places_taken", "with_places_taken", "create_activity", "update_activity",
           "provision_rules", "resident_budget", "request_grant", "decide_grant", "record_spending", "cancel_grant",
           "team_budget_overview", "euro"]

# A referral holds a place on the activity from acceptance until it ends (DESIGN §4.7).
TAKES_PLACE_STATUSES = ("accepted", "intake_planned", "placed")

# Provisions have no kind of their own on the timeline: they are written as notes, recognisable by this prefix.
EVENT_KIND = DossierEvent.Kind.NOTE
EVENT_PREFIX = "Voorziening"


def euro(amount) -> str:
    return "€ " + number_format(Decimal(amount), 2, use_l10n=True, force_grouping=True)


# -- places on activities ---------------------------------------------------------------------------------------------


def places_taken(activities) -> dict[int, int]:
    """{activity_id: number of referrals holding a place} for Activity objects or ids; one query."""
    ids = [getattr(a, "pk", a) for a in activities]
    if not ids:
        return {}
    from meedoen.referrals.models import Referral

    taken = dict.fromkeys(ids, 0)
    rows = (Referral.objects.filter(activity_id__in=ids, status__in=TAKES_PLACE_STATUSES)
            .values("activity_id").annotate(n=Count("id")).values_list("activity_id", "n"))
    taken.update(rows)
    return taken


def with_places_taken(queryset):
    """Annotate `taken` (referrals holding a place) so a list can filter on free places in the query."""
    from meedoen.referrals.models import Referral

    counts = (Referral.objects.filter(activity_id=OuterRef("pk"), status__in=TAKES_PLACE_STATUSES).order_by()
              .values("activity_id").annotate(n=Count("id")).values("n"))
    return queryset.annotate(taken=Coalesce(Subquery(counts), Value(0)))


def free_places_filter():
    return Q(capacity__gt=F("taken"))


# -- activities -------------------------------------------------------------------------------------------------------


@transaction.atomic
def create_activity(*, municipality, actor=None, **fields) -> Activity:
    activity = Activity(municipality=municipality, **fields)
    activity.full_clean(validate_constraints=False)
    if Activity.objects.filter(municipality=municipality, code=activity.code).exists():
        raise ValidationError({"code": _("Er is al een activiteit met deze code.")})
    activity.save()
    return activity


@transaction.atomic
def update_activity(activity, changes: dict, *, expected_version: int, actor=None):
    """Apply `changes` only if nobody saved the activity since `expected_version` was read. Returns (activity, names
    of the changed fields)."""
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if locked.version != expected_version:
        raise ConcurrentEditError
    changed = [name for name, value in changes.items() if getattr(locked, name) != value]
    if not changed:
        return locked, []
    if "code" in changed and Activity.objects.filter(municipality_id=locked.municipality_id,
                                                     code=changes["code"]).exclude(pk=locked.pk).exists():
        raise ValidationError({"code": _("Er is al een activiteit met deze code.")})
    for name in changed:
        setattr(locked, name, changes[name])
    locked.full_clean(validate_constraints=False)
    locked.version += 1
    locked.save()
    return locked, changed


# -- provisions and the individual budget -----------------------------------------------------------------------------


def provision_rules(profile) -> rules.ProvisionRules:
    return rules.rules_from_profile_extra(profile.extra)


def _budget_state(resident_id, year, budget_amount, *, exclude_pk=None) -> rules.BudgetState:
    grants = ProvisionGrant.objects.filter(resident_id=resident_id, budget_year=year,
                                           status__in=(ProvisionGrant.Status.APPROVED,
                                                       ProvisionGrant.Status.REQUESTED))
    if exclude_pk is not None:
        grants = grants.exclude(pk=exclude_pk)
    approved, pending = [], []
    for status, amount, spent in grants.values_list("status", "amount", "spent_amount"):
        if status == ProvisionGrant.Status.APPROVED:
            approved.append((amount, spent))
        else:
            pending.append(amount)
    return rules.budget_state(budget_amount, approved, pending)


def resident_budget(resident, year=None, profile=None) -> rules.BudgetState:
    year = year or timezone.localdate().year
    profile = profile or active_profile(resident.municipality)
    return _budget_state(resident.pk, year, provision_rules(profile).budget_per_year)


def _problem_message(problem: rules.Problem) -> str:
    p = problem.params
    if problem.code == rules.NOT_POSITIVE:
        return _("Vul een bedrag in dat groter is dan € 0.")
    if problem.code == rules.ABOVE_CAP:
        return _("Voor deze soort voorziening is het maximum %(cap)s per aanvraag (regel van het beleidsprofiel).") % {
            "cap": euro(p["cap"])}
    if problem.code == rules.ABOVE_BUDGET:
        return _("Dit is meer dan er dit jaar nog over is in het budget van de inwoner: nog %(available)s van "
                 "%(budget)s. Aanvragen die nog op een besluit wachten, tellen mee.") % {
            "available": euro(p["available"]), "budget": euro(p["budget"])}
    if problem.code == rules.LADDER_UNKNOWN:
        return _("Voor deze voorziening moet de inwoner minstens op trede %(minimum)s van de participatieladder staan. "
                 "Meet eerst de participatieladder.") % {"minimum": p["minimum"]}
    if problem.code == rules.LADDER_TOO_LOW:
        return _("Voor deze voorziening moet de inwoner minstens op trede %(minimum)s van de participatieladder staan "
                 "(nu trede %(step)s).") % {"minimum": p["minimum"], "step": p["step"]}
    return problem.code


def _raise_problems(problems):
    errors = defaultdict(list)
    for problem in problems:
        errors[problem.field].append(_problem_message(problem))
    raise ValidationError(dict(errors))


def _lock_resident(resident):
    """Serialise budget decisions for one resident (two requests at once must not both fit the same budget)."""
    return Resident.objects.select_for_update().only("pk", "ladder_step", "municipality_id").get(pk=resident.pk)


def _rule_text(rules_, amount):
    if rules.needs_second_approval(rules_, amount):
        return (f"provisions.second_approval_above={rules_.second_approval_above}: boven de grens, "
                f"tweede akkoord nodig")
    return f"provisions.second_approval_above={rules_.second_approval_above}: binnen het mandaat"


def _check_actor(actor, resident):
    from meedoen.residents.access import can_edit

    if actor.role not in (Role.CASEWORKER, Role.TEAM_LEAD) or not can_edit(actor, resident):
        raise ValidationError({"__all__": _("Alleen een klantmanager of teamleider van het team van de inwoner kan "
                                            "dit doen.")})


@transaction.atomic
def request_grant(resident, *, provision_type, amount, reason, actor, profile=None, today=None) -> ProvisionGrant:
    """Ask for a provision for a resident. Within the caseworker's mandate (at or below the profile's threshold) it is
    approved at once by the requester; above it, it waits for a second person."""
    today = today or timezone.localdate()
    profile = profile or active_profile(resident.municipality, today)
    _check_actor(actor, resident)
    locked = _lock_resident(resident)
    errors = {}
    if provision_type is None or provision_type.municipality_id != locked.municipality_id:
        errors["provision_type"] = _("Kies een voorziening van deze gemeente.")
    elif not provision_type.active:
        errors["provision_type"] = _("Deze voorziening wordt niet meer aangeboden.")
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Schrijf op welke belemmering deze voorziening wegneemt.")
    if amount is None:
        errors["amount"] = _("Vul een bedrag in.")
    if errors:
        raise ValidationError(errors)
    amount = rules.money(amount)
    rules_ = provision_rules(profile)
    state = _budget_state(locked.pk, today.year, rules_.budget_per_year)
    problems = rules.check_request(rules_, kind=provision_type.kind, amount=amount, state=state,
                                   ladder_step=locked.ladder_step)
    if problems:
        _raise_problems(problems)
    second = rules.needs_second_approval(rules_, amount)
    now = timezone.now()
    grant = ProvisionGrant(
        resident=resident, provision_type=provision_type, amount=amount, budget_year=today.year, reason=reason,
        requested_by=actor, requested_at=now, needs_second_approval=second, policy_profile=profile,
        rule=_rule_text(rules_, amount)[:200],
    )
    if second:
        grant.status = ProvisionGrant.Status.REQUESTED
        summary = _("%(prefix)s aangevraagd: %(name)s (%(amount)s). Boven %(limit)s: wacht op akkoord van een "
                    "tweede persoon.")
    else:
        grant.status = ProvisionGrant.Status.APPROVED
        grant.approved_by, grant.decided_at = actor, now
        summary = _("%(prefix)s toegekend: %(name)s (%(amount)s), binnen het mandaat tot %(limit)s.")
    grant.full_clean(exclude=["resident", "provision_type", "requested_by", "approved_by", "policy_profile"])
    grant.save()
    add_event(resident, EVENT_KIND, summary % {"prefix": EVENT_PREFIX, "name": provision_type.name,
                                               "amount": euro(amount), "limit": euro(rules_.second_approval_above)},
              actor, profile)
    return grant


def _locked_grant(grant, expected_version):
    locked = ProvisionGrant.objects.select_for_update(of=("self",)).select_related("provision_type").get(pk=grant.pk)
    if locked.version != expected_version:
        raise ConcurrentEditError
    return locked


@transaction.atomic
def decide_grant(grant, *, approve: bool, actor, expected_version: int, note="", today=None) -> ProvisionGrant:
    """Approve or reject a request that waits for a decision. Above the threshold the requester cannot decide their
    own request; at approval the budget, the cap and the ladder rule are checked again as they are now."""
    today = today or timezone.localdate()
    resident = _lock_resident(grant.resident)
    locked = _locked_grant(grant, expected_version)
    _check_actor(actor, resident)
    if locked.status != ProvisionGrant.Status.REQUESTED:
        raise ValidationError({"__all__": _("Over deze aanvraag is al besloten.")})
    if not rules.may_decide(needs_second=locked.needs_second_approval, requested_by=locked.requested_by_id,
                            decider=actor.pk):
        raise ValidationError({"__all__": _("U hebt deze aanvraag zelf gedaan. Boven het bedrag van het mandaat "
                                            "besluit een tweede persoon: de teamleider of een collega uit het team.")})
    note = (note or "").strip()
    profile = active_profile(grant.resident.municipality, today)
    if approve:
        rules_ = provision_rules(profile)
        state = _budget_state(resident.pk, locked.budget_year, rules_.budget_per_year, exclude_pk=locked.pk)
        problems = rules.check_approval(rules_, kind=locked.provision_type.kind, amount=locked.amount,
                                        state_without_this=state, ladder_step=resident.ladder_step)
        if problems:
            _raise_problems(problems)
        locked.status = ProvisionGrant.Status.APPROVED
        locked.approved_by = actor
        summary = _("%(prefix)s toegekend na tweede akkoord: %(name)s (%(amount)s).")
    else:
        if not note:
            raise ValidationError({"note": _("Schrijf op waarom de aanvraag wordt afgewezen.")})
        locked.status = ProvisionGrant.Status.REJECTED
        locked.approved_by = actor  # approved_by holds whoever decided, also for a rejection
        summary = _("%(prefix)s afgewezen: %(name)s (%(amount)s).")
    locked.decided_at = timezone.now()
    locked.decision_note = note
    locked.policy_profile = profile
    locked.version += 1
    locked.save(update_fields=["status", "approved_by", "decided_at", "decision_note", "policy_profile", "version"])
    text = summary % {"prefix": EVENT_PREFIX, "name": locked.provision_type.name, "amount": euro(locked.amount)}
    add_event(grant.resident, EVENT_KIND, f"{text} {note}".strip(), actor, profile)
    return locked


@transaction.atomic
def record_spending(grant, *, spent, actor, expected_version: int) -> ProvisionGrant:
    """Record what was actually spent on an approved grant (the invoice); it replaces the approved amount in the
    budget, so an underspend returns to the resident's budget."""
    resident = _lock_resident(grant.resident)
    locked = _locked_grant(grant, expected_version)
    _check_actor(actor, resident)
    if locked.status != ProvisionGrant.Status.APPROVED:
        raise ValidationError({"__all__": _("Uitgaven kunt u alleen vastleggen bij een toegekende voorziening.")})
    if spent is None:
        raise ValidationError({"spent": _("Vul het bedrag in dat is uitgegeven.")})
    spent = rules.money(spent)
    problem = rules.check_spending(approved_amount=locked.amount, spent=spent)
    if problem == "negative":
        raise ValidationError({"spent": _("Het bedrag kan niet negatief zijn.")})
    if problem == "above_approved":
        raise ValidationError({"spent": _("Dit is meer dan het toegekende bedrag (%(amount)s). Vraag voor het "
                                          "verschil een nieuwe voorziening aan.") % {"amount": euro(locked.amount)}})
    locked.spent_amount = spent
    locked.version += 1
    locked.save(update_fields=["spent_amount", "version"])
    add_event(grant.resident, EVENT_KIND, _("%(prefix)s: uitgegeven %(spent)s van %(amount)s voor %(name)s.") % {
        "prefix": EVENT_PREFIX, "spent": euro(spent), "amount": euro(locked.amount),
        "name": locked.provision_type.name}, actor)
    return locked


@transaction.atomic
def cancel_grant(grant, *, actor, expected_version: int, note="") -> ProvisionGrant:
    """Withdraw a request, or an approved grant on which nothing was spent yet; its amount returns to the budget."""
    resident = _lock_resident(grant.resident)
    locked = _locked_grant(grant, expected_version)
    _check_actor(actor, resident)
    if locked.status not in (ProvisionGrant.Status.REQUESTED, ProvisionGrant.Status.APPROVED) or \
            locked.spent_amount:
        raise ValidationError({"__all__": _("Deze voorziening kan niet meer worden ingetrokken.")})
    locked.status = ProvisionGrant.Status.CANCELLED
    locked.decision_note = (note or "").strip() or locked.decision_note
    locked.version += 1
    locked.save(update_fields=["status", "decision_note", "version"])
    add_event(grant.resident, EVENT_KIND, _("%(prefix)s ingetrokken: %(name)s (%(amount)s).") % {
        "prefix": EVENT_PREFIX, "name": locked.provision_type.name, "amount": euro(locked.amount)}, actor)
    return locked


# -- the team lead's overview -----------------------------------------------------------------------------------------


@dataclass
class ResidentBudgetRow:
    resident: Resident
    used: Decimal
    spent: Decimal
    pending: Decimal
    budget: Decimal

    @property
    def remaining(self):
        return max(Decimal(0), self.budget - self.used)

    @property
    def percent_used(self):
        return min(100, round(100 * self.used / self.budget)) if self.budget else 0

    @property
    def over_budget(self):
        return self.used > self.budget


@dataclass
class CaseworkerBudgetRow:
    caseworker: object
    residents: int = 0
    used: Decimal = Decimal(0)
    spent: Decimal = Decimal(0)
    pending: Decimal = Decimal(0)
    available: Decimal = Decimal(0)  # the sum of the individual budgets of those residents


def team_budget_overview(residents_qs, year, profile):
    """Spending against the individual budget for the residents in `residents_qs` (already filtered by access),
    per resident and per current caseworker, for one budget year. Three queries, whatever the number of rows."""
    budget_amount = provision_rules(profile).budget_per_year
    money_field = DecimalField(max_digits=12, decimal_places=2)
    zero = Value(Decimal(0), output_field=money_field)
    approved = Q(status=ProvisionGrant.Status.APPROVED)
    totals = (ProvisionGrant.objects.filter(resident__in=residents_qs, budget_year=year)
              .values("resident_id")
              .annotate(used=Coalesce(Sum(Coalesce("spent_amount", "amount"), filter=approved), zero),
                        spent=Coalesce(Sum("spent_amount", filter=approved), zero),
                        pending=Coalesce(Sum("amount", filter=Q(status=ProvisionGrant.Status.REQUESTED)), zero))
              .order_by())
    per_resident = {row["resident_id"]: row for row in totals}
    residents = (Resident.objects.filter(pk__in=list(per_resident)).select_related("current_caseworker")
                 .order_by("last_name", "first_name"))
    rows, by_caseworker = [], {}
    for resident in residents:
        data = per_resident[resident.pk]
        row = ResidentBudgetRow(resident, data["used"], data["spent"], data["pending"], budget_amount)
        rows.append(row)
        key = resident.current_caseworker_id
        agg = by_caseworker.setdefault(key, CaseworkerBudgetRow(resident.current_caseworker))
        agg.residents += 1
        agg.used += row.used
        agg.spent += row.spent
        agg.pending += row.pending
        agg.available += budget_amount
    caseworker_rows = sorted(by_caseworker.values(),
                             key=lambda r: (r.caseworker is None, str(r.caseworker or "").lower()))
    totals_row = CaseworkerBudgetRow(None, residents=len(rows), used=sum((r.used for r in rows), Decimal(0)),
                                     spent=sum((r.spent for r in rows), Decimal(0)),
                                     pending=sum((r.pending for r in rows), Decimal(0)),
                                     available=budget_amount * len(rows))
    return {"budget": budget_amount, "residents": rows, "caseworkers": caseworker_rows, "total": totals_row}


def pending_approvals(residents_qs):
    return (ProvisionGrant.objects.filter(resident__in=residents_qs, status=ProvisionGrant.Status.REQUESTED)
            .select_related("resident", "provision_type", "requested_by").order_by("requested_at"))
