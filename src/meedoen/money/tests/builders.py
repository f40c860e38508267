"""Plain-data builders for the rules tests: the shipped norm table and income rules, and fictional tables for periods
whose figures are not known yet (clearly marked; used only to show how a change of period works)."""
import datetime as dt
import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from meedoen.money import rules as r

NORMS_DIR = Path(r.__file__).parent / "norms"


def shipped_table(name="2026-01-01.json") -> r.NormTable:
    return r.parse_norm_table(json.loads((NORMS_DIR / name).read_text()))


def shipped_rules() -> tuple[r.IncomeRule, ...]:
    return r.parse_income_rules(json.loads((NORMS_DIR / "income_rules.json").read_text()))


JAN_2026 = shipped_table()
RULES = shipped_rules()

# FICTIONAL, for tests only: a 1 July 2026 table with round figures, to show a month before and after a change.
JUL_2026_FICTIONAL = r.NormTable(
    effective_from=dt.date(2026, 7, 1), valid_until=dt.date(2026, 12, 31), source="TEST ONLY: fictional figures",
    norms={**JAN_2026.norms, "single_21": Decimal("1430.00"), "couple_21": Decimal("2040.00")})


def fictional_table(start: dt.date) -> r.NormTable:
    """TEST ONLY: the 2026 figures reused for another half year (to follow rules over many months)."""
    return replace(JAN_2026, effective_from=start, valid_until=r.month_end(r.add_months(start, 5)),
                   source="TEST ONLY: 2026 figures reused")


def household(**overrides) -> r.Household:
    fields = {"resident_birth": dt.date(1986, 2, 10), "benefit_start": dt.date(2020, 1, 1)}
    fields.update(overrides)
    return r.Household(**fields)


def wage(amount, kind=r.WAGE_MONTHLY, **kwargs) -> r.IncomeItem:
    return r.IncomeItem(kind=kind, amount=Decimal(str(amount)), **kwargs)


def inputs(month, *, hh=None, income=(), reductions=(), policy=None, history=None, table=None, rules=RULES):
    return r.MonthInputs(month=month, household=hh or household(), income=tuple(income),
                         reductions=tuple(reductions), policy=policy or r.MoneyPolicy(), history=history or r.History(),
                         norm_table=table or JAN_2026, rules=rules)


def line_amounts(result, code):
    return [line.amount for line in result.lines if line.code == code]


def D(value) -> Decimal:
    return Decimal(str(value))
