"""Demo data for income and the monthly calculation:

    seed_money(municipality, rng, today) -> counts

About 8 % of people on bijstand have part-time earnings in a month (DESIGN §9, Divosa). The demo gives that share of
the residents earnings over the months the loaded norm tables cover up to today (the norms are data: a month without
a norm table is never calculated), some paid every 4 weeks, some with holiday pay in May or a volunteer allowance,
couples with the partner's birth date, shared households with housemates (one turning 27 in the period). Every month
up to the last is decided with the real rules (money/rules.py), the last one is a draft; one resident of the demo
login 'klantmanager' has an estimate that a later payslip corrects, which recalculates the decided month and records
the difference (services.correct_income_report, the same code the screen uses). Deterministic for a given `rng`.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from meedoen.accounts.models import Role, User
from meedoen.residents.choices import HouseholdType
from meedoen.residents.models import Resident

from . import measures, rules, services
from .models import Household, Housemate, IncomeReport, MonthlyCalculation, NormTable

EARNINGS_SHARE = 0.08
MONTHS = 6
OWN_EARNERS = 5          # residents of the demo login with earnings
EMPLOYERS = ["Albert Heijn", "Jumbo", "Schoonmaakbedrijf Helder", "Thuiszorg De Zorgster", "PostNL", "Gemeente",
             "Uitzendbureau Randstad", "Bakkerij De Korenbloem", "Kringloopwinkel", "Horeca De Haven",
             "Tuincentrum Groen", "Magazijn Logistiek BV"]
HOUSEMATES = ["zoon", "dochter", "broer", "zus", "moeder", "vader", "vriend", "neef"]
BATCH = 2000


def _demo_months(tables, today):
    """The last MONTHS months that have norms, up to this month, from the first month with norms."""
    if not tables:
        return []
    first = tables[0].effective_from
    last = min(rules.first_of_month(today), rules.first_of_month(tables[-1].valid_until))
    months = []
    month = first
    while month <= last:
        if any(t.covers(month) for t in tables):
            months.append(month)
        month = rules.add_months(month, 1)
    return months[-MONTHS:] if len(months) > MONTHS else months


def _money(rng, low, high):
    return Decimal(rng.randint(low * 100, high * 100)) / 100


@transaction.atomic
def seed_money(municipality, rng, today):
    ctx = services.Context.load()
    months = _demo_months(ctx.tables, today)
    if not months:
        return {"inkomstenopgaven": 0, "maandberekeningen": 0}
    first = months[0]
    klantmanager = User.objects.filter(municipality=municipality, role=Role.CASEWORKER, username__in=(
        "klantmanager", f"klantmanager-{municipality.policy_key}")).order_by("pk").first()
    candidates = list(Resident.objects.filter(municipality=municipality, benefit_start_date__lt=first,
                                              date_of_birth__lte=dt.date(first.year - 18, 1, 1))
                      .order_by("pk"))
    chosen = [r for r in candidates if rng.random() < EARNINGS_SHARE]
    own = [r for r in candidates if klantmanager and r.current_caseworker_id == klantmanager.pk]
    chosen_ids = {r.pk for r in chosen}
    for resident in own[:OWN_EARNERS * 3]:
        if sum(1 for r in chosen if r.current_caseworker_id == getattr(klantmanager, "pk", None)) >= OWN_EARNERS:
            break
        if resident.pk not in chosen_ids:
            chosen.append(resident)
            chosen_ids.add(resident.pk)
    chosen.sort(key=lambda r: r.pk)
    profile, policy = ctx.profile_for(municipality, months[-1])
    offers_ein_euro_job = "ein_euro_job" in (profile.extra or {})

    households, housemates, reports = [], [], []
    facts = {}
    for resident in chosen:
        household = None
        if resident.household_type in services.COUPLE_TYPES:
            partner_birth = resident.date_of_birth + dt.timedelta(days=rng.randint(-2500, 2500))
            household = Household(resident=resident, partner_date_of_birth=min(
                partner_birth, dt.date(first.year - 19, partner_birth.month, min(partner_birth.day, 28))))
        elif resident.physical_health == "severe" or (resident.mental_health == "severe" and rng.random() < 0.5):
            household = Household(resident=resident, medically_limited_hours=True)
        if household is not None:
            households.append(household)
        mates = []
        if resident.household_type == HouseholdType.SHARED_HOUSEHOLD:
            for i in range(rng.choice((1, 1, 2))):
                if i == 0 and rng.random() < 0.3:   # a housemate who turns 27 during the demo months
                    turns = rng.choice(months)
                    birth = dt.date(turns.year - 27, turns.month, rng.randint(2, 28))
                else:
                    birth = dt.date(rng.randint(1950, first.year - 28), rng.randint(1, 12), rng.randint(1, 28))
                mates.append(Housemate(resident=resident, description=rng.choice(HOUSEMATES), date_of_birth=birth,
                                       created_by=klantmanager))
            housemates.extend(mates)
        facts[resident.pk] = services.household_facts(resident, household=household, housemates=mates)

        # Earnings: a job that started in one of the first months, paid monthly or every 4 weeks.
        start = rng.randint(0, min(2, len(months) - 1))
        kind = rng.choices([IncomeReport.Kind.WAGE_MONTHLY, IncomeReport.Kind.WAGE_4WEEKLY, IncomeReport.Kind.OTHER,
                            IncomeReport.Kind.VOLUNTEER], weights=[62, 25, 5, 8])[0]
        if offers_ein_euro_job and rng.random() < 0.3:
            kind = IncomeReport.Kind.EIN_EURO_JOB
        base = _money(rng, 180, 1100)
        employer = rng.choice(EMPLOYERS)
        serves_work = rng.random() < 0.9
        for month in months[start:]:
            amount = (base * Decimal(rng.uniform(0.85, 1.15))).quantize(Decimal("0.01"))
            hours = None
            if kind == IncomeReport.Kind.VOLUNTEER:
                amount = min(amount, _money(rng, 50, 260))
                employer_name = "Vrijwilligerscentrale"
            elif kind == IncomeReport.Kind.EIN_EURO_JOB:
                hours = Decimal(rng.choice((60, 70, 80, 90)))
                amount = (hours * policy.ein_euro_job_per_hour).quantize(Decimal("0.01"))
                employer_name = "Lokales Beschäftigungszentrum"
            else:
                employer_name = employer
            reports.append(IncomeReport(resident=resident, month=month, kind=kind, net_amount=amount, hours=hours,
                                        employer=employer_name, source=IncomeReport.Source.PAYSLIP,
                                        serves_work=serves_work, entered_by=klantmanager))
            if month.month == 5 and kind in (IncomeReport.Kind.WAGE_MONTHLY, IncomeReport.Kind.WAGE_4WEEKLY) \
                    and rng.random() < 0.3:
                reports.append(IncomeReport(
                    resident=resident, month=month, kind=IncomeReport.Kind.HOLIDAY_PAY,
                    net_amount=(base * Decimal("0.7")).quantize(Decimal("0.01")), employer=employer,
                    source=IncomeReport.Source.PAYSLIP, entered_by=klantmanager))

    # The story of the demo login: an estimate for the last decided month, corrected below by the payslip.
    story = next((r for r in chosen if klantmanager and r.current_caseworker_id == klantmanager.pk
                  and r.household_type not in services.COUPLE_TYPES), None)
    estimate = None
    # The estimate's month must be offset in a decided month (every month but the last is decided).
    estimate_month = months[-2] if policy.offset_method == rules.SAME_MONTH else (
        months[-3] if len(months) >= 3 else None)
    if story is not None and len(months) >= 2 and estimate_month is not None:
        estimate = IncomeReport(resident=story, month=estimate_month, kind=IncomeReport.Kind.WAGE_MONTHLY,
                                net_amount=Decimal("650.00"), employer="Thuiszorg De Zorgster",
                                source=IncomeReport.Source.ESTIMATE, serves_work=True, entered_by=klantmanager,
                                note="Schatting: de loonstrook komt later")
        reports = [r for r in reports if not (r.resident_id == story.pk and r.month == estimate_month
                                              and r.kind in (IncomeReport.Kind.WAGE_MONTHLY,
                                                             IncomeReport.Kind.WAGE_4WEEKLY))]
        reports.append(estimate)

    Household.objects.bulk_create(households, batch_size=BATCH)
    Housemate.objects.bulk_create(housemates, batch_size=BATCH)
    IncomeReport.objects.bulk_create(reports, batch_size=BATCH)

    # Decide every month up to the last one with the real rules; the last month stays a draft.
    by_resident = {}
    for report in reports:
        by_resident.setdefault(report.resident_id, {}).setdefault(report.month, []).append(report)
    reductions = measures.reductions_between([r.pk for r in chosen], first, rules.month_end(months[-1]))
    table_rows = {row.effective_from: row for row in NormTable.objects.all()}
    calculations = []
    for resident in chosen:
        history = rules.History()
        chain_start = services.chain_start(resident, ctx)
        span = [m for m in months if m >= chain_start]
        if chain_start < first:  # months before the demo period with norms: decided without income
            span = [rules.add_months(chain_start, i) for i in range(rules.months_between(chain_start, first))] + span
        for index, month in enumerate(span):
            table = ctx.table_for(month)
            month_profile, month_policy = ctx.profile_for(municipality, month)
            income_month = services.income_month_for(month, month_policy)
            items = tuple(services.income_item(r) for r in by_resident.get(resident.pk, {}).get(income_month, []))
            inputs = rules.MonthInputs(
                month=month, household=facts[resident.pk], income=items,
                reductions=tuple(x for x in reductions.get(resident.pk, ())
                                 if x.starts_on <= rules.month_end(month) and x.ends_on >= month),
                policy=month_policy, history=history, norm_table=table,
                rules=tuple(rule for rule in ctx.income_rules if rule.in_force(month)))
            try:
                result = rules.calculate(inputs)
            except rules.RuleError:
                break   # e.g. a partner under 18 in the synthetic data: leave the rest of this resident undecided
            history = result.history_after
            computed = services.Computed(month, inputs, result, month_profile)
            last = index == len(span) - 1
            calculations.append(services._calculation(
                resident, computed, version=1, fp=services.fingerprint([computed]),
                status=MonthlyCalculation.Status.DRAFT if last else MonthlyCalculation.Status.DECIDED,
                actor=None if last else klantmanager, table_row=table_rows[table.effective_from]))
    MonthlyCalculation.objects.bulk_create(calculations, batch_size=500)

    corrections = 0
    if estimate is not None:
        offset_in = rules.add_months(estimate_month, 1) if policy.offset_method == rules.NEXT_MONTH \
            else estimate_month
        if MonthlyCalculation.objects.filter(resident=story, month=offset_in,
                                             status=MonthlyCalculation.Status.DECIDED).exists():
            services.correct_income_report(estimate, actor=klantmanager, expected_version=1,
                                           net_amount=Decimal("587.40"), source=IncomeReport.Source.PAYSLIP,
                                           note="Loonstrook ontvangen: minder uren gewerkt dan geschat")
            corrections = 1
    return {"inkomstenopgaven": len(reports), "maandberekeningen": len(calculations),
            "inwoners met inkomsten": len(chosen), "correcties": corrections}
