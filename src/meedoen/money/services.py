"""State changes of the money part: income reports and their corrections, household facts, deciding months, and the
recalculation of a decided month into a recorded over- or underpayment.

Every change runs in one transaction. Bad input raises ValidationError with Dutch messages (per field where it
belongs) before anything is written; input the rules cannot compute with (e.g. a month without a norm table) rolls
the whole change back. A stale version raises ConcurrentEditError.

How months hang together: each month carries a small state into the next (the holiday allowance saved, premiums
saved, which disregard has started when). A decided month is frozen with its inputs and that state. Months after the
last decided month are computed on demand from it ("the chain"); deciding a month decides the undecided months before
it too, so there is never an undecided gap behind a decided month. A correction that touches a decided month
recalculates that month from its frozen inputs with the corrected income and records the difference
(PaymentCorrection). Every later decided month is then replayed from its own frozen inputs with the state the
recalculated month before it now carries (holiday allowance reserved, premiums saved, the start of a time-limited
disregard): a month whose amount changes gets its own PaymentCorrection, a month whose lines or carried state change
without a different amount gets a new version only, and an unchanged month is left alone. All in the one transaction
of the correction; a correction with a terugvordering or nabetaling makes one decision letter (beschikking) for all
its months (docs/money.md).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meedoen.policy.models import PolicyProfile
from meedoen.policy.services import active_profile
from meedoen.residents.choices import HouseholdType
from meedoen.residents.models import DossierEvent, Resident
from meedoen.residents.services import ConcurrentEditError, add_event

from . import explain, measures, norms, rules
from .correction_letter import correction_letter
from .models import Household, Housemate, IncomeReport, MonthlyCalculation, NormTable, PaymentCorrection
from .policy import money_policy

__all__ = ["ConcurrentEditError", "MonthState", "add_income_report", "correct_income_report", "decide_month",
           "month_state", "months_overview", "household_facts", "update_household", "add_housemate",
           "end_housemate", "remove_housemate", "save_drafts", "chain_start", "income_month_for"]

COUPLE_TYPES = {HouseholdType.COUPLE, HouseholdType.COUPLE_WITH_CHILDREN}
EVENT_PREFIX = "Inkomsten"


def _event(resident, summary, actor, profile=None):
    add_event(resident, DossierEvent.Kind.NOTE, f"{EVENT_PREFIX}: {summary}", actor, policy_profile=profile)


def _rule_error(error: rules.RuleError, field=None):
    message = explain.error_message(error)
    return ValidationError({field: message} if field else message)


# -- reading the facts ------------------------------------------------------------------------------------------------


@dataclass
class Context:
    """The law's data, read once per service call."""

    tables: list[rules.NormTable]
    income_rules: tuple[rules.IncomeRule, ...]
    profiles: dict

    @classmethod
    def load(cls):
        return cls(tables=norms.stored_tables(), income_rules=norms.stored_rules(), profiles={})

    def table_for(self, month):
        return rules.find_norm_table(self.tables, month)

    def profile_for(self, municipality, month):
        key = (municipality.pk, month)
        if key not in self.profiles:
            profile = (PolicyProfile.objects.active_for(municipality.policy_key, rules.month_end(month))
                       or active_profile(municipality))
            try:
                policy = money_policy(profile.extra, str(profile))
            except ValueError as exc:
                raise ValidationError(_("Het beleidsprofiel %(p)s heeft geen geldige regels voor inkomsten: "
                                        "%(e)s") % {"p": profile, "e": exc}) from exc
            self.profiles[key] = (profile, policy)
        return self.profiles[key]


def household_facts(resident, household=None, housemates=None) -> rules.Household:
    if household is None:
        household = Household.objects.filter(resident=resident).first()
    if housemates is None:
        housemates = list(Housemate.objects.filter(resident=resident))
    has_partner = resident.household_type in COUPLE_TYPES
    children = resident.children_count > 0 or resident.household_type in (HouseholdType.SINGLE_PARENT,
                                                                           HouseholdType.COUPLE_WITH_CHILDREN)
    return rules.Household(
        resident_birth=resident.date_of_birth, benefit_start=resident.benefit_start_date, has_partner=has_partner,
        partner_birth=household.partner_date_of_birth if household and has_partner else None, children=children,
        single_parent=not has_partner and children, youngest_child_birth=resident.youngest_child_date_of_birth,
        medically_limited=bool(household and household.medically_limited_hours),
        shared_household_stated=resident.household_type == HouseholdType.SHARED_HOUSEHOLD,
        housemates=tuple(rules.Housemate(
            date_of_birth=h.date_of_birth, moved_in_on=h.moved_in_on, moved_out_on=h.moved_out_on,
            counts=h.exception == Housemate.ExceptionKind.NONE, label=h.description) for h in housemates))


def income_item(report: IncomeReport) -> rules.IncomeItem:
    return rules.IncomeItem(kind=report.kind, amount=report.net_amount, person=report.person, hours=report.hours,
                            serves_work=report.serves_work, employer=report.employer, report_id=report.pk)


def income_month_for(month: dt.date, policy: rules.MoneyPolicy) -> dt.date:
    """The month whose income is offset in `month` (the municipality's method, Divosa)."""
    return rules.add_months(month, -1) if policy.offset_method == rules.NEXT_MONTH else month


def chain_start(resident, ctx: Context) -> dt.date:
    """The first month Meedoen calculates: the month the benefit started, or the first month with a norm table."""
    start = rules.first_of_month(resident.benefit_start_date)
    if not ctx.tables:
        raise rules.RuleError("no_norm_table", month=start)
    return max(start, ctx.tables[0].effective_from)


@dataclass
class Computed:
    month: dt.date
    inputs: rules.MonthInputs
    result: rules.MonthResult
    profile: PolicyProfile


def compute_chain(resident, upto: dt.date, ctx: Context | None = None) -> list[Computed]:
    """The undecided months from the one after the last decided month before `upto`, up to `upto`, computed in
    memory (nothing is written)."""
    ctx = ctx or Context.load()
    upto = rules.first_of_month(upto)
    if upto < rules.first_of_month(resident.benefit_start_date):
        raise rules.RuleError("month_before_benefit", month=upto, benefit_start=resident.benefit_start_date)
    ctx.table_for(upto)  # the month asked for first: its own missing norms is the clearest message
    last_decided = (MonthlyCalculation.objects.filter(resident=resident, status=MonthlyCalculation.Status.DECIDED,
                                                      month__lt=upto).order_by("-month").first())
    if last_decided is not None:
        start, history = rules.add_months(last_decided.month, 1), rules.history_from_data(last_decided.state_after)
    else:
        start, history = chain_start(resident, ctx), rules.History()
        if upto < start:
            raise rules.RuleError("no_norm_table", month=upto)
    months = [rules.add_months(start, i) for i in range(rules.months_between(start, upto) + 1)]
    reports = {}
    for report in IncomeReport.objects.filter(resident=resident, is_current=True,
                                              month__gte=rules.add_months(start, -1), month__lte=upto):
        reports.setdefault(report.month, []).append(report)
    reductions = measures.reductions_between([resident.pk], start, rules.month_end(upto)).get(resident.pk, [])
    facts = household_facts(resident)
    from meedoen.experiments import overrides as experiment_overrides  # an experiment's premium arm (issue 6)

    arm = experiment_overrides.overrides_for([resident.pk]).get(resident.pk)
    placements = _placement_periods(resident) if experiment_overrides.takes_part(arm) else ()
    chain = []
    for month in months:
        table = ctx.table_for(month)
        profile, policy = ctx.profile_for(resident.municipality, month)
        policy = experiment_overrides.money_policy_for(arm, policy, month)
        income = tuple(income_item(r) for r in sorted(reports.get(income_month_for(month, policy), []),
                                                      key=lambda r: (r.entered_at, r.pk)))
        last = rules.month_end(month)
        inputs = rules.MonthInputs(
            month=month, household=facts, income=income,
            reductions=tuple(x for x in reductions if x.starts_on <= last and x.ends_on >= month),
            policy=policy, history=history, norm_table=table,
            rules=tuple(rule for rule in ctx.income_rules if rule.in_force(month)),
            participating=any(placed <= last and (ended is None or ended >= month) for placed, ended in placements))
        result = rules.calculate(inputs)
        chain.append(Computed(month, inputs, result, profile))
        history = result.history_after
    return chain


def _placement_periods(resident) -> list[tuple[dt.date, dt.date | None]]:
    """(placed_on, ended_on) of the resident's placements with a partner: a month with one in force is a month in
    which the resident takes part (for a loss-aversion experiment's premium)."""
    from meedoen.referrals.models import Referral

    return list(Referral.objects.filter(resident=resident, placed_on__isnull=False)
                .values_list("placed_on", "ended_on").order_by())


def fingerprint(chain) -> str:
    payload = [[rules.inputs_to_data(c.inputs), [line.as_data() for line in c.result.lines]] for c in chain]
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


# -- what a month looks like ------------------------------------------------------------------------------------------


@dataclass
class MonthState:
    month: dt.date
    calculation: MonthlyCalculation | None      # the decided calculation, when decided
    result: rules.MonthResult | None            # computed now, when not decided
    undecided_before: list[dt.date]             # months that deciding this one decides too
    fingerprint: str = ""
    error: str = ""

    @property
    def decided(self):
        return self.calculation is not None

    @property
    def lines(self):
        if self.calculation is not None:
            return self.calculation.lines
        return [line.as_data() for line in self.result.lines] if self.result else []

    @property
    def amount_to_pay(self):
        if self.calculation is not None:
            return self.calculation.amount_to_pay
        return self.result.amount_to_pay if self.result else None

    @property
    def total_paid(self):
        if self.calculation is not None:
            return self.calculation.total_paid
        return self.result.total_paid if self.result else None

    @property
    def warnings(self):
        if self.calculation is not None:
            return self.calculation.warnings
        return list(self.result.warnings) if self.result else []


def month_state(resident, month: dt.date, ctx: Context | None = None) -> MonthState:
    """The month as the caseworker sees it: the decided calculation, or the calculation as it stands now."""
    month = rules.first_of_month(month)
    decided = MonthlyCalculation.objects.filter(resident=resident, month=month,
                                                status=MonthlyCalculation.Status.DECIDED).first()
    if decided is not None:
        return MonthState(month, decided, None, [])
    try:
        chain = compute_chain(resident, month, ctx)
    except rules.RuleError as error:
        return MonthState(month, None, None, [], error=explain.error_message(error))
    return MonthState(month, None, chain[-1].result, [c.month for c in chain[:-1]], fingerprint(chain))


def months_overview(resident, upto: dt.date, count=12, ctx: Context | None = None) -> list[dict]:
    """The last `count` months up to `upto`: status and amount (decided from storage, the rest computed)."""
    ctx = ctx or Context.load()
    try:
        start = chain_start(resident, ctx)
    except rules.RuleError:
        return []
    first = max(start, rules.add_months(upto, -(count - 1)))
    if upto < first:
        return []
    decided = {c.month: c for c in MonthlyCalculation.objects.filter(
        resident=resident, status=MonthlyCalculation.Status.DECIDED, month__gte=first, month__lte=upto)}
    rows = {}
    target, message = upto, ""
    while target >= first:
        try:
            chain = compute_chain(resident, target, ctx)
        except rules.RuleError as error:
            message = message or explain.error_message(error)
            failed = error.params.get("month")
            # Compute up to the month before the first one that cannot be computed (e.g. no norms yet).
            target = rules.add_months(min(target, failed) if failed else target, -1)
            continue
        for computed in chain:
            rows[computed.month] = {"month": computed.month, "decided": False,
                                    "amount": computed.result.total_paid, "error": ""}
        break
    for i in range(rules.months_between(first, upto) + 1):
        month = rules.add_months(first, i)
        rows.setdefault(month, {"month": month, "decided": False, "amount": None, "error": message})
    for month, calc in decided.items():
        rows[month] = {"month": month, "decided": True, "amount": calc.total_paid, "error": "",
                       "corrected": calc.version > 1}
    return [rows[m] for m in sorted(rows, reverse=True) if m >= first]


# -- storing calculations ---------------------------------------------------------------------------------------------


def _table_row(table: rules.NormTable) -> NormTable:
    return NormTable.objects.get(effective_from=table.effective_from)


def _calculation(resident, computed: Computed, *, status, version, fp, actor=None, replaces=None,
                 table_row=None) -> MonthlyCalculation:
    result = computed.result
    decided = status == MonthlyCalculation.Status.DECIDED
    return MonthlyCalculation(
        resident=resident, month=computed.month, version=version, status=status,
        lines=[line.as_data() for line in result.lines], inputs=rules.inputs_to_data(computed.inputs),
        state_after=rules.history_to_data(result.history_after), warnings=list(result.warnings),
        norm=result.norm, income=result.income, disregard=result.disregard, offset=result.offset,
        measure=result.measure, holiday_reserved=result.holiday_reserved, holiday_paid=result.holiday_paid,
        premium_paid=result.premium_paid, amount_to_pay=result.amount_to_pay, total_paid=result.total_paid,
        norm_table=table_row or _table_row(computed.inputs.norm_table), policy_profile=computed.profile,
        fingerprint=fp, decided_at=timezone.now() if decided else None, decided_by=actor if decided else None,
        replaces=replaces)


def _next_version(resident, month):
    last = (MonthlyCalculation.objects.filter(resident=resident, month=month).order_by("-version")
            .values_list("version", flat=True).first())
    return (last or 0) + 1


@transaction.atomic
def save_drafts(resident, upto: dt.date, ctx: Context | None = None) -> list[MonthlyCalculation]:
    """Store the undecided months up to `upto` as drafts (for overviews and batch runs); replaces older drafts."""
    chain = compute_chain(resident, upto, ctx)
    MonthlyCalculation.objects.filter(resident=resident, status=MonthlyCalculation.Status.DRAFT,
                                      month__gte=chain[0].month).delete()
    saved = []
    for computed in chain:
        calc = _calculation(resident, computed, status=MonthlyCalculation.Status.DRAFT,
                            version=_next_version(resident, computed.month), fp=fingerprint([computed]))
        calc.save()
        saved.append(calc)
    return saved


def _refresh_drafts(resident, ctx: Context):
    """Keep stored drafts in line with the facts; drafts that can no longer be computed are dropped."""
    drafts = MonthlyCalculation.objects.filter(resident=resident, status=MonthlyCalculation.Status.DRAFT)
    last = drafts.order_by("-month").values_list("month", flat=True).first()
    if last is None:
        return
    try:
        save_drafts(resident, last, ctx)
    except rules.RuleError:
        drafts.delete()


@transaction.atomic
def decide_month(resident, month: dt.date, *, actor, expected_fingerprint: str) -> list[MonthlyCalculation]:
    """Freeze `month` (and the undecided months before it) exactly as the caseworker saw it."""
    Resident.objects.select_for_update().filter(pk=resident.pk).first()
    month = rules.first_of_month(month)
    if MonthlyCalculation.objects.filter(resident=resident, month=month,
                                         status=MonthlyCalculation.Status.DECIDED).exists():
        raise ValidationError(_("Deze maand is al vastgesteld. Een wijziging kan alleen nog met een correctie."))
    ctx = Context.load()
    try:
        chain = compute_chain(resident, month, ctx)
    except rules.RuleError as error:
        raise _rule_error(error) from error
    if fingerprint(chain) != expected_fingerprint:
        raise ConcurrentEditError
    MonthlyCalculation.objects.filter(resident=resident, status=MonthlyCalculation.Status.DRAFT,
                                      month__gte=chain[0].month, month__lte=month).delete()
    decided = []
    for computed in chain:
        calc = _calculation(resident, computed, status=MonthlyCalculation.Status.DECIDED,
                            version=_next_version(resident, computed.month), fp=fingerprint([computed]), actor=actor)
        calc.save()
        decided.append(calc)
    names = ", ".join(explain.month_name(c.month) for c in decided)
    _event(resident, _("berekening vastgesteld voor %(months)s (te betalen in %(last)s: %(amount)s)") % {
        "months": names, "last": explain.month_name(month), "amount": explain.euro(decided[-1].total_paid)},
        actor, decided[-1].policy_profile)
    _refresh_drafts(resident, ctx)
    return decided


# -- income reports ---------------------------------------------------------------------------------------------------


@dataclass
class IncomeEffect:
    """What an income change did: the month it is offset in, and the correction when that month was decided;
    `later` are the corrections of later decided months that depend on it, `letter` the beschikking about them."""

    month: dt.date
    correction: PaymentCorrection | None = None
    result: rules.MonthResult | None = None
    later: list[PaymentCorrection] = field(default_factory=list)
    letter: object | None = None

    @property
    def corrections(self) -> list[PaymentCorrection]:
        return ([self.correction] if self.correction is not None else []) + list(self.later)


def _validate_report(resident, data, *, exclude_pk=None):
    errors = {}
    amount = data.get("net_amount")
    try:
        amount = Decimal(str(amount)) if amount is not None else None
    except InvalidOperation:
        amount = None
    if amount is None:
        errors["net_amount"] = _("Vul het netto bedrag in, bijvoorbeeld 812,50.")
    elif amount < 0:
        errors["net_amount"] = _("Het bedrag kan niet negatief zijn. Vul het netto bedrag in zoals het op de "
                                 "loonstrook staat. Was er te veel opgegeven? Corrigeer dan de eerdere opgave.")
    month = data.get("month")
    if month is None:
        errors["month"] = _("Vul de maand in.")
    else:
        month = rules.first_of_month(month)
        start = rules.first_of_month(resident.benefit_start_date)
        if month < start:
            errors["month"] = _("De bijstand begon op %(date)s. Inkomen uit %(month)s hoort niet bij deze "
                                "uitkering.") % {"date": explain.date_text(resident.benefit_start_date),
                                                 "month": explain.month_name(month)}
        elif month > rules.first_of_month(timezone.localdate()):
            errors["month"] = _("Deze maand is nog niet begonnen. U kunt inkomsten opgeven vanaf de maand zelf.")
    if data.get("person") == IncomeReport.Person.PARTNER and resident.household_type not in COUPLE_TYPES:
        errors["person"] = _("Volgens het dossier heeft de inwoner geen partner.")
    kind = data.get("kind")
    if kind == IncomeReport.Kind.EIN_EURO_JOB and data.get("hours") in (None, ""):
        errors["hours"] = _("Vul het aantal gewerkte uren in: de vergoeding per uur wordt niet verrekend.")
    if kind == IncomeReport.Kind.WAGE_4WEEKLY and month is not None and "month" not in errors:
        duplicate = IncomeReport.objects.filter(
            resident=resident, month=month, kind=kind, person=data.get("person", IncomeReport.Person.RESIDENT),
            employer__iexact=(data.get("employer") or "").strip(), is_current=True).exclude(pk=exclude_pk)
        if duplicate.exists():
            errors["kind"] = _("Er is al een 4-wekelijkse loonstrook van deze werkgever voor deze maand. Het "
                               "4-weken-loon telt één keer per maand (× 13/12). Corrigeer de eerdere opgave.")
    if errors:
        raise ValidationError(errors)
    return amount, month


def _apply_income_change(resident, income_month, actor, cause, ctx: Context) -> IncomeEffect:
    """Recompute the month the income is offset in; a decided month is recalculated with a recorded difference."""
    _profile, policy = ctx.profile_for(resident.municipality, income_month)
    month = rules.add_months(income_month, 1) if policy.offset_method == rules.NEXT_MONTH else income_month
    Resident.objects.select_for_update().filter(pk=resident.pk).first()   # one recalculation of a dossier at a time
    decided = MonthlyCalculation.objects.filter(resident=resident, month=month,
                                                status=MonthlyCalculation.Status.DECIDED).first()
    if decided is not None:
        correction = _recalculate_decided(decided, actor=actor, cause=cause, ctx=ctx)
        later = _recalculate_later(correction.recalculated, actor=actor, cause=cause)
        _refresh_drafts(resident, ctx)
        letter = correction_letter([correction, *later], actor=actor)
        return IncomeEffect(month, correction=correction, later=later, letter=letter)
    try:
        chain = compute_chain(resident, month, ctx)
    except rules.RuleError as error:
        raise _rule_error(error, "month") from error
    _refresh_drafts(resident, ctx)
    return IncomeEffect(month, result=chain[-1].result)


def _recalculate_decided(calc: MonthlyCalculation, *, actor, cause, ctx: Context) -> PaymentCorrection:
    """Replay a decided month from its frozen inputs with the income as it is now; record the difference."""
    frozen = rules.inputs_from_data(calc.inputs)
    income_month = income_month_for(calc.month, frozen.policy)
    reports = IncomeReport.objects.filter(resident_id=calc.resident_id, month=income_month, is_current=True)
    inputs = replace(frozen, income=tuple(income_item(r) for r in sorted(reports, key=lambda r: (r.entered_at, r.pk))))
    try:
        result = rules.calculate(inputs)
    except rules.RuleError as error:
        raise _rule_error(error) from error
    new = _replace_decided(calc, Computed(calc.month, inputs, result, calc.policy_profile), actor)
    correction = _record_difference(calc, new, actor=actor, cause=cause,
                                    reason=_("Inkomsten van %(month)s gewijzigd") % {
                                        "month": explain.month_name(income_month)})
    _event(calc.resident, explain.correction_summary(correction), actor, calc.policy_profile)
    return correction


def _replace_decided(calc: MonthlyCalculation, computed: Computed, actor) -> MonthlyCalculation:
    """A new decided version of `calc`'s month; `calc` stays readable as "replaced"."""
    calc.status = MonthlyCalculation.Status.REPLACED
    calc.save(update_fields=["status"])
    new = _calculation(calc.resident, computed, status=MonthlyCalculation.Status.DECIDED,
                       version=_next_version(calc.resident, calc.month), fp=fingerprint([computed]), actor=actor,
                       replaces=calc, table_row=calc.norm_table)
    new.save()
    return new


def _record_difference(previous, new, *, actor, cause, reason) -> PaymentCorrection:
    difference = new.total_paid - previous.total_paid
    kind = (PaymentCorrection.Kind.UNDERPAYMENT if difference > 0 else PaymentCorrection.Kind.OVERPAYMENT
            if difference < 0 else PaymentCorrection.Kind.NONE)
    return PaymentCorrection.objects.create(
        resident=previous.resident, month=previous.month, kind=kind, amount=abs(difference), previous=previous,
        recalculated=new, cause=cause, created_by=actor, reason=reason[:300])


def _recalculate_later(recalculated: MonthlyCalculation, *, actor, cause) -> list[PaymentCorrection]:
    """Replay the decided months after `recalculated` in order, each from its own frozen inputs (income, household,
    measures, policy, norms) with the state the month before it now carries. A month whose total paid changes gets a
    new version and a PaymentCorrection; a month whose lines or carried state change without a different amount gets
    a new version only (so the months after it, and a later correction of this month, continue from the right
    state); an unchanged month is left alone."""
    resident = recalculated.resident
    history = rules.history_from_data(recalculated.state_after)
    previous_month = recalculated.month
    reason = _("Herberekend na de correctie van %(month)s: dit bedrag hangt af van eerdere maanden "
               "(vakantietoeslag, premie of duur van de vrijlating)") % {
        "month": explain.month_name(recalculated.month)}
    corrections, quiet = [], []
    later = (MonthlyCalculation.objects.filter(resident=resident, status=MonthlyCalculation.Status.DECIDED,
                                               month__gt=recalculated.month)
             .select_related("norm_table", "policy_profile").order_by("month"))
    for calc in later:
        if calc.month != rules.add_months(previous_month, 1):
            break    # decided months have no gaps (deciding decides the months before); never skip over one
        previous_month = calc.month
        calc.resident = resident
        inputs = replace(rules.inputs_from_data(calc.inputs), history=history)
        same_start = rules.history_to_data(history) == calc.inputs.get("history")
        try:
            result = rules.calculate(inputs)
        except rules.RuleError as error:
            raise _rule_error(error) from error
        history = result.history_after
        lines = [line.as_data() for line in result.lines]
        if same_start and lines == calc.lines and rules.history_to_data(history) == calc.state_after:
            continue    # stored exactly as it would be decided now: a later correction replays it from its own inputs
        new = _replace_decided(calc, Computed(calc.month, inputs, result, calc.policy_profile), actor)
        if new.total_paid == calc.total_paid:
            quiet.append(calc.month)
            continue
        correction = _record_difference(calc, new, actor=actor, cause=cause, reason=reason)
        _event(resident, explain.correction_summary(correction), actor, calc.policy_profile)
        corrections.append(correction)
    if quiet:
        _event(resident, _("herberekend na de correctie van %(month)s, zonder verschil in bedrag: %(months)s") % {
            "month": explain.month_name(recalculated.month),
            "months": ", ".join(explain.month_name(m) for m in quiet)}, actor)
    return corrections


REPORT_FIELDS = ("month", "kind", "person", "net_amount", "hours", "employer", "source", "serves_work", "note")


@transaction.atomic
def add_income_report(resident, *, actor, **data) -> tuple[IncomeReport, IncomeEffect]:
    amount, month = _validate_report(resident, data)
    ctx = Context.load()
    report = IncomeReport(resident=resident, entered_by=actor, **{k: v for k, v in data.items() if k in REPORT_FIELDS})
    report.month, report.net_amount = month, rules.money(amount)
    report.employer = (report.employer or "").strip()
    report.full_clean(exclude=["corrects"])
    report.save()
    effect = _apply_income_change(resident, month, actor, report, ctx)
    _event(resident, _("%(kind)s %(month)s ingevoerd: %(amount)s") % {
        "kind": report.get_kind_display(), "month": explain.month_name(month), "amount": explain.euro(amount)}, actor)
    return report, effect


@transaction.atomic
def correct_income_report(report, *, actor, expected_version: int, **data) -> tuple[IncomeReport, IncomeEffect]:
    """A correction is a new report for the same month that replaces `report`; the old one stays visible."""
    locked = IncomeReport.objects.select_for_update().select_related("resident").get(pk=report.pk)
    if locked.version != expected_version or not locked.is_current:
        raise ConcurrentEditError
    resident = locked.resident
    data = {**{name: getattr(locked, name) for name in REPORT_FIELDS}, **data, "month": locked.month}
    amount, month = _validate_report(resident, data, exclude_pk=locked.pk)
    ctx = Context.load()
    locked.is_current = False
    locked.version += 1
    locked.save(update_fields=["is_current", "version"])
    new = IncomeReport(resident=resident, entered_by=actor, corrects=locked,
                       **{k: v for k, v in data.items() if k in REPORT_FIELDS})
    new.net_amount = rules.money(amount)
    new.full_clean(exclude=["corrects"])
    new.save()
    effect = _apply_income_change(resident, month, actor, new, ctx)
    _event(resident, _("%(kind)s %(month)s gecorrigeerd: %(old)s wordt %(new)s") % {
        "kind": new.get_kind_display(), "month": explain.month_name(month), "old": explain.euro(locked.net_amount),
        "new": explain.euro(new.net_amount)}, actor)
    return new, effect


# -- household facts --------------------------------------------------------------------------------------------------


def _after_household_change(resident):
    _refresh_drafts(resident, Context.load())


@transaction.atomic
def update_household(resident, *, actor, expected_version: int, partner_date_of_birth=None,
                     medically_limited_hours=False) -> Household:
    household, _created = Household.objects.select_for_update().get_or_create(resident=resident)
    if household.version != expected_version:
        raise ConcurrentEditError
    errors = {}
    if partner_date_of_birth and resident.household_type not in COUPLE_TYPES:
        errors["partner_date_of_birth"] = _("Volgens het dossier heeft de inwoner geen partner. Pas eerst het "
                                            "huishouden in het dossier aan.")
    if partner_date_of_birth and partner_date_of_birth > timezone.localdate():
        errors["partner_date_of_birth"] = _("Deze datum ligt in de toekomst.")
    if errors:
        raise ValidationError(errors)
    household.partner_date_of_birth = partner_date_of_birth
    household.medically_limited_hours = medically_limited_hours
    household.updated_by = actor
    household.version += 1
    household.save()
    _event(resident, _("gegevens voor de norm gewijzigd"), actor)
    _after_household_change(resident)
    return household


def _validate_housemate(date_of_birth, moved_in_on, moved_out_on):
    errors = {}
    today = timezone.localdate()
    if date_of_birth and date_of_birth > today:
        errors["date_of_birth"] = _("Deze datum ligt in de toekomst.")
    if moved_in_on and moved_out_on and moved_out_on <= moved_in_on:
        errors["moved_out_on"] = _("De verhuisdatum ligt na de datum waarop de huisgenoot er kwam wonen.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_housemate(resident, *, actor, description, date_of_birth, moved_in_on=None, moved_out_on=None,
                  exception=Housemate.ExceptionKind.NONE) -> Housemate:
    _validate_housemate(date_of_birth, moved_in_on, moved_out_on)
    housemate = Housemate(resident=resident, description=description.strip(), date_of_birth=date_of_birth,
                          moved_in_on=moved_in_on, moved_out_on=moved_out_on, exception=exception, created_by=actor)
    housemate.full_clean()
    housemate.save()
    _event(resident, _("huisgenoot toegevoegd (%(d)s)") % {"d": housemate.description}, actor)
    _after_household_change(resident)
    return housemate


@transaction.atomic
def end_housemate(housemate, *, actor, moved_out_on) -> Housemate:
    _validate_housemate(None, housemate.moved_in_on, moved_out_on)
    housemate.moved_out_on = moved_out_on
    housemate.save(update_fields=["moved_out_on"])
    _event(housemate.resident, _("huisgenoot verhuisd op %(date)s (%(d)s)") % {
        "date": explain.date_text(moved_out_on), "d": housemate.description}, actor)
    _after_household_change(housemate.resident)
    return housemate


@transaction.atomic
def remove_housemate(housemate, *, actor):
    """For a housemate entered by mistake. Decided months keep the housemates they were calculated with."""
    resident = housemate.resident
    description = housemate.description
    housemate.delete()
    _event(resident, _("huisgenoot verwijderd (%(d)s)") % {"d": description}, actor)
    _after_household_change(resident)
