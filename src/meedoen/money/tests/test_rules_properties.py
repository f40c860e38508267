"""Properties of the monthly calculation that must hold for every input (hypothesis):

- the amount to pay is never negative, and never above the norm plus the premiums paid (plus the holiday allowance
  saved earlier and paid out in June);
- the signed lines add up to what is paid;
- the benefit never rises when income rises (only a premium may: that is what it is for);
- a disregard never exceeds its rate, its cap, the earnings or its duration in consecutive months;
- premiums and the volunteer allowance never exceed their monthly and yearly maximums.

Months from 2025 to 2029 use the 2026 norms for every half year (fictional tables, test only): the point is the
rules, and the income rules change on 1 January 2027.
"""
import datetime as dt
from collections import defaultdict
from dataclasses import replace
from decimal import Decimal

from hypothesis import HealthCheck, assume, given, settings, strategies as st

from meedoen.money import rules as r

from .builders import RULES, fictional_table

TABLES = [fictional_table(dt.date(year, month, 1)) for year in range(2024, 2031) for month in (1, 7)]
MONTHS = [dt.date(year, month, 1) for year in range(2025, 2030) for month in range(1, 13)]
RULES_BY_ID = {rule.id: rule for rule in RULES}

amounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("4000"), places=2)
small_amounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("600"), places=2)
births = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2006, 12, 31))
any_day = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31))


@st.composite
def housemates(draw):
    moved_in = draw(st.one_of(st.none(), any_day))
    moved_out = draw(st.one_of(st.none(), any_day))
    return r.Housemate(date_of_birth=draw(st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2012, 1, 1))),
                       moved_in_on=moved_in, moved_out_on=moved_out, counts=draw(st.booleans()))


@st.composite
def households(draw):
    has_partner = draw(st.booleans())
    children = draw(st.booleans())
    return r.Household(
        resident_birth=draw(births), benefit_start=draw(st.dates(min_value=dt.date(2015, 1, 1),
                                                                 max_value=dt.date(2025, 1, 1))),
        has_partner=has_partner, partner_birth=draw(births) if has_partner else None, children=children,
        single_parent=children and not has_partner,
        youngest_child_birth=draw(st.dates(min_value=dt.date(2008, 1, 1), max_value=dt.date(2024, 12, 31)))
        if children else None,
        medically_limited=draw(st.booleans()), housemates=tuple(draw(st.lists(housemates(), max_size=3))))


@st.composite
def income_items(draw, has_partner):
    kind = draw(st.sampled_from(r.INCOME_KINDS))
    person = draw(st.sampled_from(r.PERSONS)) if has_partner else r.RESIDENT
    hours = draw(st.decimals(min_value=Decimal("0"), max_value=Decimal("40"), places=1)) \
        if kind == r.EIN_EURO_JOB else None
    return r.IncomeItem(kind=kind, amount=draw(amounts if kind in r.WORK_KINDS else small_amounts), person=person,
                        hours=hours, serves_work=draw(st.booleans()))


premiums = st.builds(
    r.Premium, id=st.sampled_from(["p1", "p2"]), label=st.just("Premie"),
    rate=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("0.5"), places=2),
    max_per_month=st.decimals(min_value=Decimal("1"), max_value=Decimal("300"), places=2),
    paid_in_months=st.lists(st.integers(1, 12), max_size=3, unique=True).map(tuple),
    # sometimes a fixed amount for taking part (a loss-aversion experiment arm) instead of a share of earnings
    fixed_per_month=st.one_of(st.none(), st.decimals(min_value=Decimal("1"), max_value=Decimal("300"), places=2)))
policies = st.builds(
    r.MoneyPolicy, holiday_allowance_rate=st.sampled_from([Decimal("0.05"), Decimal("0.048"), Decimal("0")]),
    premiums=st.lists(premiums, max_size=2, unique_by=lambda p: p.id).map(tuple))


@st.composite
def reductions(draw):
    start = draw(any_day)
    return r.Reduction(measure_id=1, percentage=draw(st.sampled_from([Decimal(p) for p in (0, 5, 20, 30, 40, 100)])),
                       label="", rule="", starts_on=start,
                       ends_on=start + dt.timedelta(days=draw(st.integers(0, 92))))


@st.composite
def histories(draw, month):
    started = {}
    for key in draw(st.lists(st.sampled_from(["resident:pw.31.2n", "resident:pw.31.2r", "resident:pw.34a",
                                              "partner:pw.31.2n"]), max_size=3, unique=True)):
        started[key] = r.add_months(month, -draw(st.integers(0, 40)))
    return r.History(
        year=month.year, holiday_reserve=draw(small_amounts),
        premium_unpaid={"p1": draw(small_amounts)},
        premium_year={"resident": draw(st.decimals(min_value=0, max_value=Decimal("3398"), places=2))},
        volunteer_year={"resident": draw(st.decimals(min_value=0, max_value=Decimal("2200"), places=2))},
        disregard_started=started)


@st.composite
def month_inputs(draw):
    month = draw(st.sampled_from(MONTHS))
    hh = draw(households())
    assume(hh.benefit_start <= r.month_end(month))
    return r.MonthInputs(
        month=month, household=hh, income=tuple(draw(st.lists(income_items(hh.has_partner), max_size=4))),
        reductions=tuple(draw(st.lists(reductions(), max_size=2))), policy=draw(policies),
        history=draw(histories(month)), norm_table=r.find_norm_table(TABLES, month), rules=RULES,
        participating=draw(st.booleans()))


def compute(inputs):
    """The calculation, or None for input the rules refuse on purpose (e.g. someone under 18)."""
    try:
        return r.calculate(inputs)
    except r.RuleError as error:
        assert error.code in {"under_18", "partner_under_18"}, error.code
        return None


COMMON = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                         HealthCheck.filter_too_much])


@COMMON
@given(month_inputs())
def test_the_amount_to_pay_is_never_negative_nor_above_the_norm_plus_premiums(inputs):
    result = compute(inputs)
    assume(result is not None)
    assert result.benefit >= 0 and result.amount_to_pay >= 0 and result.total_paid >= 0
    assert result.benefit <= result.norm
    assert result.amount_to_pay <= result.norm + result.holiday_paid
    assert result.total_paid <= result.norm + result.premium_paid + result.holiday_paid
    assert sum(line.sign * line.amount for line in result.lines) == result.total_paid
    assert all(line.amount >= 0 for line in result.lines)


@COMMON
@given(month_inputs(), st.data())
def test_more_income_never_raises_the_benefit(inputs, data):
    assume(inputs.income)
    base = compute(inputs)
    assume(base is not None)
    index = data.draw(st.integers(0, len(inputs.income) - 1))
    extra = data.draw(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("2000"), places=2))
    items = list(inputs.income)
    items[index] = replace(items[index], amount=items[index].amount + extra)
    more = r.calculate(replace(inputs, income=tuple(items)))
    assert more.benefit <= base.benefit
    assert more.amount_to_pay <= base.amount_to_pay
    # Only a premium may make the total grow with income, and never by more than the premium grows.
    assert more.total_paid - base.total_paid <= max(Decimal(0), more.premium_paid - base.premium_paid)


@COMMON
@given(month_inputs(), st.decimals(min_value=Decimal("0"), max_value=Decimal("5000"), places=2),
       st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500"), places=2))
def test_more_earnings_from_one_wage_never_raise_the_benefit_cent_by_cent(inputs, wage, step):
    items = (r.IncomeItem(kind=r.WAGE_MONTHLY, amount=wage),)
    low = compute(replace(inputs, income=items))
    assume(low is not None)
    high = r.calculate(replace(inputs, income=(r.IncomeItem(kind=r.WAGE_MONTHLY, amount=wage + step),)))
    assert high.amount_to_pay <= low.amount_to_pay


@COMMON
@given(month_inputs())
def test_a_disregard_never_exceeds_its_rate_cap_earnings_or_duration(inputs):
    result = compute(inputs)
    assume(result is not None)
    for line in (line for line in result.lines if line.code == "disregard"):
        rule = RULES_BY_ID[line.rule]
        base = line.params["base"]
        assert 0 < line.amount <= base
        assert line.amount <= r.cents(rule.rate * base)
        if rule.cap is not None:
            assert line.amount <= rule.cap
        if rule.max_months:
            assert 1 <= line.params["month_number"] <= rule.max_months
        assert rule.in_force(inputs.month)
    per_person = defaultdict(int)
    for line in (line for line in result.lines if line.code == "disregard"):
        per_person[line.params["person"]] += 1
    assert all(count == 1 for count in per_person.values())          # never two disregards for one person


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(households(), st.integers(0, 47), st.lists(st.lists(st.tuples(st.sampled_from(r.WORK_KINDS + (r.VOLUNTEER,)),
                                                                     amounts, st.booleans()), max_size=2),
                                                  min_size=12, max_size=40), policies)
def test_over_many_months_disregards_keep_their_duration_and_premiums_their_yearly_maximum(hh, start, plan, policy):
    first = MONTHS[min(start, len(MONTHS) - 1)]
    hh = replace(hh, benefit_start=min(hh.benefit_start, first))
    months = [r.add_months(first, i) for i in range(len(plan))]
    months = [m for m in months if m <= MONTHS[-1]]
    assume(len(months) >= 6)
    all_inputs = [r.MonthInputs(month=m, household=hh, income=tuple(
        r.IncomeItem(kind=kind, amount=amount, serves_work=serves) for kind, amount, serves in plan[i]),
        reductions=(), policy=policy, history=r.History(), norm_table=r.find_norm_table(TABLES, m), rules=RULES)
        for i, m in enumerate(months)]
    try:
        results = r.calculate_months(all_inputs[0], all_inputs[1:])
    except r.RuleError as error:
        assert error.code == "under_18"
        return
    applied = defaultdict(list)
    premium_per_year = defaultdict(Decimal)
    volunteer_per_year = defaultdict(Decimal)
    for result in results:
        for line in result.lines:
            if line.code == "disregard":
                applied[line.rule].append(result.month)
            elif line.code == "premium_accrued":
                premium_per_year[result.month.year] += line.amount
                assert line.amount <= line.params["max_per_month"]
            elif line.code == "exempt" and line.params["kind"] == r.VOLUNTEER:
                volunteer_per_year[result.month.year] += line.amount
                assert line.amount <= Decimal("220.00")
    for rule_id, months_applied in applied.items():
        rule = RULES_BY_ID[rule_id]
        if rule.max_months:
            # Consecutive calendar months from the first: everything within max_months of it.
            assert r.months_between(months_applied[0], months_applied[-1]) < rule.max_months
    assert all(total <= Decimal("3398.00") for total in premium_per_year.values())
    assert all(total <= Decimal("2200.00") for total in volunteer_per_year.values())


@COMMON
@given(month_inputs())
def test_a_month_is_the_same_after_the_json_round_trip(inputs):
    result = compute(inputs)
    assume(result is not None)
    replayed = r.inputs_from_data(r.inputs_to_data(inputs))
    assert r.calculate(replayed) == result


@COMMON
@given(households(), st.sampled_from(MONTHS))
def test_the_norm_of_a_month_lies_between_its_lowest_and_highest_part(hh, month):
    assume(hh.benefit_start <= month)
    table = r.find_norm_table(TABLES, month)
    try:
        parts = r.norm_parts(month, hh, table)
    except r.RuleError:
        return
    result = r.calculate(r.MonthInputs(month=month, household=hh, income=(), reductions=(), policy=r.MoneyPolicy(),
                                       history=r.History(), norm_table=table, rules=RULES))
    assert min(p.full for p in parts) - Decimal("0.01") * len(parts) <= result.norm
    assert result.norm <= max(p.full for p in parts) + Decimal("0.01") * len(parts)
    if len(parts) == 1:
        assert result.norm == parts[0].full
    assert sum((p.end - p.start).days + 1 for p in parts) == r.days_in_month(month)
