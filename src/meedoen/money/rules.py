"""The monthly benefit calculation under the Participatiewet: pure functions over plain data, no Django.

One call, `calculate(inputs)`, turns a month's facts into a list of lines (norm, income, exemptions, disregard,
offset, measure, holiday allowance, premium, amount to pay), each with its amount, the rule id and the legal
source. The web layer, the services, the demo and the bench all call this same function; the services store the
inputs with the result, so a decided month can be replayed exactly (see services.py).

Money is Decimal, never float. Rounding is half up to whole cents at these points, and nowhere else:
  - a 4-weekly wage converted to a month (× 13 / 12), per payslip;
  - a norm for part of a month (pro rata per day), per part; the kostendelersnorm per person;
  - a disregard, a measure, the holiday-allowance reservation and a premium, each once per line.

Decisions this module implements (docs/money.md explains them for a municipality):
  - A month is computed per day where the household changes within it: a housemate turning 27, moving in or out,
    the resident or partner turning 21 or reaching the AOW age, the first day of the benefit. Each part of the
    month gets its own norm pro rata (days / days in the month). Why: art. 45 Pw makes the right to bijstand a
    monthly amount, but the norm follows the situation of each day; a per-day split is exact in both directions and
    needs no rule of thumb (the alternative, "the situation on the first day", under- or overpays up to a month).
  - Age conditions of a disregard (27, AOW age) are judged on the last day of the month: the month in which the
    resident turns 27 already counts as 27 (earnings of a month cannot be split per day on a payslip).
  - Only one disregard on earnings from work applies per person per month: the highest one the person is eligible
    for (art. 31 lid 2 n, r and y are alternatives, not cumulative). A time-limited disregard runs for consecutive
    calendar months from the first month it was applied ("aaneengesloten periode"); lid 2 r applies only in months
    in which lid 2 n does not (r follows n).
  - Employer holiday pay is set off against the holiday allowance reserved in the bijstand (it is the same
    allowance); only what exceeds the reserve counts as income in that month.
  - A premium is earned only in a month in which the resident is entitled to bijstand (income below the norm).
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Iterable, Mapping

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)

# -- income kinds -----------------------------------------------------------------------------------------------------
WAGE_MONTHLY = "wage_monthly"
WAGE_4WEEKLY = "wage_4weekly"
HOLIDAY_PAY = "holiday_pay"
YEAR_END_BONUS = "year_end_bonus"
OTHER = "other"
VOLUNTEER = "volunteer_allowance"
EIN_EURO_JOB = "ein_euro_job"
INCOME_KINDS = (WAGE_MONTHLY, WAGE_4WEEKLY, HOLIDAY_PAY, YEAR_END_BONUS, OTHER, VOLUNTEER, EIN_EURO_JOB)
# Earnings from work (arbeid): the base of the disregards and the premiums.
WORK_KINDS = (WAGE_MONTHLY, WAGE_4WEEKLY, YEAR_END_BONUS)

RESIDENT = "resident"
PARTNER = "partner"
PERSONS = (RESIDENT, PARTNER)

SAME_MONTH = "same_month"
NEXT_MONTH = "next_month"
OFFSET_METHODS = (SAME_MONTH, NEXT_MONTH)

# -- norm categories: key in the norm table -> (rule id, citation) ----------------------------------------------------
NORM_CATEGORIES = {
    "single_21": ("pw.21.a", "Participatiewet art. 21 onder a"),
    "couple_21": ("pw.21.b", "Participatiewet art. 21 onder b"),
    "single_aow": ("pw.22.a", "Participatiewet art. 22 onder a"),
    "couple_aow": ("pw.22.bc", "Participatiewet art. 22 onder b en c"),
    "single_18": ("pw.20.a", "Participatiewet art. 20 lid 1 en 2 onder a"),
    "couple_18_both": ("pw.20.1b", "Participatiewet art. 20 lid 1 onder b"),
    "couple_18_both_children": ("pw.20.2b", "Participatiewet art. 20 lid 2 onder b"),
    "couple_18_one": ("pw.20.1c", "Participatiewet art. 20 lid 1 onder c"),
    "couple_18_one_children": ("pw.20.2c", "Participatiewet art. 20 lid 2 onder c"),
}
COST_SHARING = ("pw.22a", "Participatiewet art. 22a (kostendelersnorm) en art. 19a (kostendeler: 27 jaar of ouder)")
CITATIONS = {
    "net_income": "Participatiewet art. 31 lid 3 (netto inkomen) en art. 32 (inkomen per maand)",
    "four_weekly": "Participatiewet art. 32: inkomen per maand; 4-wekelijks loon × 13 / 12",
    "holiday_pay": "Participatiewet art. 19 lid 3 en art. 31: vakantiegeld verrekend met de gereserveerde "
                   "vakantietoeslag",
    "holiday_reserve": "Participatiewet art. 19 lid 3 en art. 45: vakantietoeslag, maandelijks gereserveerd",
    "holiday_payout": "Participatiewet art. 45: vakantietoeslag, eenmaal per jaar uitbetaald",
    "offset": "Participatiewet art. 31 en 32: inkomen gaat af van de norm",
    "measure": "Participatiewet art. 18 lid 2 en de afstemmingsverordening van de gemeente",
    "ein_euro_job": "Beleidsprofiel: vergoeding per gewerkt uur (Ein-Euro-Job) wordt niet verrekend",
}
RULE_IDS = {"net_income": "pw.31.3", "four_weekly": "pw.32", "holiday_pay": "pw.19.3", "holiday_reserve": "pw.19.3",
            "holiday_payout": "pw.45", "offset": "pw.31", "measure": "pw.18.2", "ein_euro_job": "policy.ein_euro_job"}

# Line codes, in the order they are listed.
LINE_NORM = "norm"
LINE_INCOME = "income"
LINE_EXEMPT = "exempt"
LINE_HOLIDAY_PAY = "holiday_pay"
LINE_DISREGARD = "disregard"
LINE_OFFSET = "offset"
LINE_MEASURE = "measure"
LINE_BENEFIT = "benefit"
LINE_HOLIDAY_RESERVE = "holiday_reserve"
LINE_HOLIDAY_PAYOUT = "holiday_payout"
LINE_TO_PAY = "to_pay"
LINE_PREMIUM_ACCRUED = "premium_accrued"
LINE_PREMIUM_PAID = "premium_paid"
LINE_TOTAL = "total"


class RuleError(ValueError):
    """Input the rules cannot compute with. `code` names the problem, `params` its details; the service layer turns
    it into a Dutch message (explain.error_message)."""

    def __init__(self, code: str, **params):
        super().__init__(f"{code}: {params}" if params else code)
        self.code = code
        self.params = params


# -- small helpers ----------------------------------------------------------------------------------------------------


def cents(value) -> Decimal:
    """Round half up to whole cents."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def money(value) -> Decimal:
    """A euro amount from Decimal, int or a decimal string; never from a float."""
    if isinstance(value, float) or isinstance(value, bool):
        raise TypeError("money amounts are never floats")
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    if not number.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def days_in_month(month: dt.date) -> int:
    return calendar.monthrange(month.year, month.month)[1]


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=days_in_month(month))


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from the month of `start` to the month of `end` (0 for the same month)."""
    return (end.year - start.year) * 12 + end.month - start.month


def anniversary(birth: dt.date, years: int, months: int = 0) -> dt.date:
    """The day someone reaches `years` and `months` of age. A birthday that does not exist that year (29 February)
    falls on the first day of the next month, as in Resident.age_on."""
    index = birth.year * 12 + birth.month - 1 + years * 12 + months
    year, month = index // 12, index % 12 + 1
    if birth.day <= calendar.monthrange(year, month)[1]:
        return dt.date(year, month, birth.day)
    return add_months(dt.date(year, month, 1), 1)


def age_on(birth: dt.date, day: dt.date) -> int:
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years


def _plain(value):
    """JSON-ready: Decimal and date as strings, tuples as lists."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


# -- data: norm tables and income rules -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NormTable:
    """The norms for one half year (indexed every 1 January and 1 July, art. 38). Loaded from money/norms/*.json."""

    effective_from: dt.date
    valid_until: dt.date
    norms: Mapping[str, Decimal]
    aow_years: int = 67
    aow_months: int = 0
    source: str = ""

    @property
    def key(self) -> str:
        return self.effective_from.isoformat()

    def covers(self, month: dt.date) -> bool:
        return self.effective_from <= month <= self.valid_until

    def aow_date(self, birth: dt.date) -> dt.date:
        return anniversary(birth, self.aow_years, self.aow_months)


def validate_norm_table(data) -> list[str]:
    """Problems (Dutch) with a norm table file's contents; empty when it can be loaded."""
    if not isinstance(data, Mapping):
        return ["Een normentabel is een object met effective_from, valid_until, norms en aow_age."]
    errors = []
    start = end = None
    try:
        start = dt.date.fromisoformat(str(data.get("effective_from")))
    except ValueError:
        errors.append("effective_from is geen datum (JJJJ-MM-DD).")
    try:
        end = dt.date.fromisoformat(str(data.get("valid_until")))
    except ValueError:
        errors.append("valid_until is geen datum (JJJJ-MM-DD).")
    if start and (start.day != 1 or start.month not in (1, 7)):
        errors.append("Een normentabel begint op 1 januari of 1 juli (art. 38: halfjaarlijkse indexering).")
    if start and end:
        expected = month_end(add_months(start, 5))
        if end != expected:
            errors.append(f"Een normentabel geldt een half jaar: van {start.isoformat()} tot en met "
                          f"{expected.isoformat()}.")
    norms = data.get("norms")
    if not isinstance(norms, Mapping):
        errors.append("norms ontbreekt.")
    else:
        missing = [key for key in NORM_CATEGORIES if key not in norms]
        if missing:
            errors.append("Deze normen ontbreken: " + ", ".join(missing) + ".")
        unknown = [key for key in norms if key not in NORM_CATEGORIES]
        if unknown:
            errors.append("Onbekende normen: " + ", ".join(unknown) + ".")
        for key, value in norms.items():
            try:
                amount = money(value)
            except (TypeError, ValueError):
                errors.append(f"De norm {key} is geen bedrag als tekst, bijv. \"1401.50\".")
                continue
            if amount <= 0:
                errors.append(f"De norm {key} moet groter zijn dan nul.")
    aow = data.get("aow_age")
    if not (isinstance(aow, Mapping) and isinstance(aow.get("years"), int) and isinstance(aow.get("months", 0), int)
            and 60 <= aow["years"] <= 75 and 0 <= aow.get("months", 0) < 12):
        errors.append("aow_age moet {\"years\": 67, \"months\": 0} zijn (jaren en maanden).")
    return errors


def parse_norm_table(data) -> NormTable:
    errors = validate_norm_table(data)
    if errors:
        raise ValueError("; ".join(errors))
    return NormTable(
        effective_from=dt.date.fromisoformat(data["effective_from"]),
        valid_until=dt.date.fromisoformat(data["valid_until"]),
        norms={key: money(value) for key, value in data["norms"].items()},
        aow_years=data["aow_age"]["years"], aow_months=data["aow_age"].get("months", 0),
        source=data.get("source", ""),
    )


def norm_table_to_data(table: NormTable) -> dict:
    return {"effective_from": table.effective_from.isoformat(), "valid_until": table.valid_until.isoformat(),
            "norms": _plain(table.norms), "aow_age": {"years": table.aow_years, "months": table.aow_months},
            "source": table.source}


def find_norm_table(tables: Iterable[NormTable], month: dt.date) -> NormTable:
    """The table covering `month`; a month without one is an error, never the nearest table."""
    for table in tables:
        if table.covers(month):
            return table
    raise RuleError("no_norm_table", month=month)


RULE_KINDS = ("work_disregard", "premium_limit", "volunteer_limit")
REQUIREMENTS = ("serves_work", "below_aow_age", "aow_age", "single_parent_child_under_12", "medically_limited_hours")


@dataclass(frozen=True)
class IncomeRule:
    """One effective-dated version of an income rule (a disregard or a limit), from money/norms/income_rules.json."""

    id: str
    kind: str
    effective_from: dt.date
    effective_until: dt.date | None = None
    rate: Decimal | None = None
    cap: Decimal | None = None
    max_months: int | None = None
    min_age: int | None = None
    requires: tuple[str, ...] = ()
    follows: str | None = None
    month_max: Decimal | None = None
    year_max: Decimal | None = None
    citation: str = ""

    def in_force(self, month: dt.date) -> bool:
        return self.effective_from <= month and (self.effective_until is None or month <= self.effective_until)


def validate_income_rules(data) -> list[str]:
    rules = data.get("rules") if isinstance(data, Mapping) else None
    if not isinstance(rules, list):
        return ["Een regelbestand is een object met een lijst 'rules'."]
    errors = []
    for index, rule in enumerate(rules, 1):
        where = f"Regel {index} ({rule.get('id', '?') if isinstance(rule, Mapping) else '?'})"
        if not isinstance(rule, Mapping) or not rule.get("id") or rule.get("kind") not in RULE_KINDS:
            errors.append(f"{where}: id en kind ({', '.join(RULE_KINDS)}) zijn verplicht.")
            continue
        try:
            start = dt.date.fromisoformat(str(rule.get("effective_from")))
            until = rule.get("effective_until")
            if until is not None and dt.date.fromisoformat(str(until)) < start:
                errors.append(f"{where}: effective_until ligt voor effective_from.")
        except ValueError:
            errors.append(f"{where}: effective_from en effective_until zijn datums (JJJJ-MM-DD).")
        for key in ("rate", "cap", "month_max", "year_max"):
            if rule.get(key) is not None:
                try:
                    value = money(rule[key]) if key != "rate" else Decimal(str(rule[key]))
                except (TypeError, ValueError, InvalidOperation):
                    errors.append(f"{where}: {key} is geen getal als tekst.")
                    continue
                if value < 0 or (key == "rate" and value > 1):
                    errors.append(f"{where}: {key} ligt buiten het toegestane bereik.")
        if rule["kind"] == "work_disregard" and rule.get("rate") is None:
            errors.append(f"{where}: een vrijlating heeft een percentage (rate).")
        unknown = [r for r in rule.get("requires", []) if r not in REQUIREMENTS]
        if unknown:
            errors.append(f"{where}: onbekende voorwaarden: {', '.join(unknown)}.")
    return errors


def parse_income_rules(data) -> tuple[IncomeRule, ...]:
    errors = validate_income_rules(data)
    if errors:
        raise ValueError("; ".join(errors))
    return tuple(income_rule_from_data(rule) for rule in data["rules"])


def income_rule_from_data(rule: Mapping) -> IncomeRule:
    def amount(key):
        return money(rule[key]) if rule.get(key) is not None else None

    until = rule.get("effective_until")
    return IncomeRule(
        id=rule["id"], kind=rule["kind"], effective_from=dt.date.fromisoformat(rule["effective_from"]),
        effective_until=dt.date.fromisoformat(until) if until else None,
        rate=Decimal(str(rule["rate"])) if rule.get("rate") is not None else None,
        cap=amount("cap"), max_months=rule.get("max_months"), min_age=rule.get("min_age"),
        requires=tuple(rule.get("requires", ())), follows=rule.get("follows"),
        month_max=amount("month_max"), year_max=amount("year_max"), citation=rule.get("citation", ""),
    )


def income_rule_to_data(rule: IncomeRule) -> dict:
    return {"id": rule.id, "kind": rule.kind, "effective_from": rule.effective_from.isoformat(),
            "effective_until": rule.effective_until.isoformat() if rule.effective_until else None,
            "rate": _plain(rule.rate), "cap": _plain(rule.cap), "max_months": rule.max_months,
            "min_age": rule.min_age, "requires": list(rule.requires), "follows": rule.follows,
            "month_max": _plain(rule.month_max), "year_max": _plain(rule.year_max), "citation": rule.citation}


# -- the facts of a month ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Housemate:
    """Someone else living in the home. Counts for the kostendelersnorm from the day of their 27th birthday (art.
    19a), unless an exception applies (`counts` False: commercial rent, student finance, ...)."""

    date_of_birth: dt.date
    moved_in_on: dt.date | None = None      # lives there from this day (None: before the month)
    moved_out_on: dt.date | None = None     # no longer lives there from this day
    counts: bool = True
    label: str = ""

    def present_on(self, day: dt.date) -> bool:
        return ((self.moved_in_on is None or self.moved_in_on <= day)
                and (self.moved_out_on is None or day < self.moved_out_on))

    def cost_sharer_on(self, day: dt.date) -> bool:
        return self.counts and self.present_on(day) and day >= anniversary(self.date_of_birth, 27)


@dataclass(frozen=True)
class Household:
    resident_birth: dt.date
    benefit_start: dt.date
    has_partner: bool = False
    partner_birth: dt.date | None = None
    children: bool = False                       # dependent children (the 18-20 norms with children)
    single_parent: bool = False
    youngest_child_birth: dt.date | None = None
    medically_limited: bool = False              # medisch urenbeperkt (art. 6b): the resident
    housemates: tuple[Housemate, ...] = ()
    shared_household_stated: bool = False        # the dossier says 'woont met andere volwassenen'


@dataclass(frozen=True)
class IncomeItem:
    kind: str
    amount: Decimal                              # net (art. 31 lid 3), as on the payslip or the statement
    person: str = RESIDENT
    hours: Decimal | None = None
    serves_work: bool = True                     # the caseworker judges the work helps towards (more) work
    employer: str = ""
    report_id: int | None = None


@dataclass(frozen=True)
class Reduction:
    """A decided measure (maatregel): a percentage of the norm during its period."""

    measure_id: int | None
    percentage: Decimal
    label: str
    rule: str
    starts_on: dt.date
    ends_on: dt.date


@dataclass(frozen=True)
class Premium:
    """A premium as policy data (art. 31 lid 2 j): a share of the month's earnings from work, up to a maximum a month,
    paid every month or in the listed months.

    With `fixed_per_month` it is instead a fixed amount for the resident in a month in which they take part
    (MonthInputs.participating), as in the loss-aversion experiment design (€150 a month kept or gained): the rate
    and the earnings play no part, the yearly maximum still does."""

    id: str
    label: str
    rate: Decimal
    max_per_month: Decimal
    paid_in_months: tuple[int, ...] = ()
    citation: str = ""
    fixed_per_month: Decimal | None = None


@dataclass(frozen=True)
class MoneyPolicy:
    offset_method: str = SAME_MONTH
    holiday_allowance_rate: Decimal = Decimal("0.05")
    holiday_payout_month: int = 6
    premiums: tuple[Premium, ...] = ()
    ein_euro_job_per_hour: Decimal = Decimal("1.40")
    label: str = ""


@dataclass(frozen=True)
class History:
    """What earlier months carry into this one. `year` is the calendar year the yearly totals belong to."""

    year: int | None = None
    holiday_reserve: Decimal = ZERO
    premium_unpaid: Mapping[str, Decimal] = field(default_factory=dict)
    premium_year: Mapping[str, Decimal] = field(default_factory=dict)       # by person
    volunteer_year: Mapping[str, Decimal] = field(default_factory=dict)     # by person
    disregard_started: Mapping[str, dt.date] = field(default_factory=dict)  # "person:rule id" -> first month

    def for_year(self, year: int) -> "History":
        if self.year == year:
            return self
        return replace(self, year=year, premium_year={}, volunteer_year={})


@dataclass(frozen=True)
class MonthInputs:
    month: dt.date
    household: Household
    income: tuple[IncomeItem, ...]
    reductions: tuple[Reduction, ...]
    policy: MoneyPolicy
    history: History
    norm_table: NormTable
    rules: tuple[IncomeRule, ...]
    participating: bool = False  # the resident takes part this month (a placement in force): fixed premiums


@dataclass(frozen=True)
class Line:
    code: str
    amount: Decimal
    sign: int            # +1 adds to what is paid, -1 subtracts, 0 information or a (sub)total
    rule: str = ""
    citation: str = ""
    params: Mapping = field(default_factory=dict)

    def as_data(self) -> dict:
        return {"code": self.code, "amount": str(self.amount), "sign": self.sign, "rule": self.rule,
                "citation": self.citation, "params": _plain(self.params)}


@dataclass(frozen=True)
class MonthResult:
    month: dt.date
    lines: tuple[Line, ...]
    norm: Decimal
    income: Decimal              # all income counted for the month (before disregards, exemptions left out)
    exempt: Decimal              # not offset (volunteer allowance, Ein-Euro-Job)
    disregard: Decimal
    offset: Decimal              # what income took off the norm
    measure: Decimal
    benefit: Decimal             # bijstand of the month
    holiday_reserved: Decimal
    holiday_paid: Decimal
    premium_accrued: Decimal
    premium_paid: Decimal
    amount_to_pay: Decimal       # the benefit payment: bijstand - reservation + holiday allowance paid out
    total_paid: Decimal          # amount to pay + premium paid
    warnings: tuple[str, ...]
    history_after: History

    def totals(self) -> dict:
        return {name: str(getattr(self, name)) for name in (
            "norm", "income", "exempt", "disregard", "offset", "measure", "benefit", "holiday_reserved",
            "holiday_paid", "premium_accrued", "premium_paid", "amount_to_pay", "total_paid")}


# -- the norm of the month --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NormPart:
    start: dt.date
    end: dt.date
    category: str          # a NORM_CATEGORIES key, or "cost_sharing:<key>"
    full: Decimal          # the norm for a whole month in this situation
    sharers: int           # A of art. 22a (0 when the kostendelersnorm does not apply)
    base: Decimal | None   # B of art. 22a


def _norm_on(day: dt.date, hh: Household, table: NormTable) -> tuple[str, Decimal, int, Decimal | None]:
    """(category, norm for a whole month, A, B) in the situation of `day`."""
    norms = table.norms
    r_age = age_on(hh.resident_birth, day)
    if r_age < 18:
        raise RuleError("under_18", day=day)
    r_aow = day >= table.aow_date(hh.resident_birth)
    youth_partner = False
    if hh.has_partner:
        if hh.partner_birth is None:
            raise RuleError("partner_birth_missing")
        p_age = age_on(hh.partner_birth, day)
        if p_age < 18:
            raise RuleError("partner_under_18", day=day)
        p_aow = day >= table.aow_date(hh.partner_birth)
        if r_aow or p_aow:
            category = "couple_aow"                        # art. 22 onder b en c: one or both at AOW age
        elif r_age >= 21 and p_age >= 21:
            category = "couple_21"
        elif r_age < 21 and p_age < 21:
            category = "couple_18_both_children" if hh.children else "couple_18_both"
        else:
            category = "couple_18_one_children" if hh.children else "couple_18_one"
            youth_partner = True
    else:
        category = "single_aow" if r_aow else ("single_21" if r_age >= 21 else "single_18")
    full = norms[category]
    # Art. 22a: the kostendelersnorm for a claimant of 21 or older who shares the home with one or more people of 27
    # or older (art. 19a). A = the claimant + the partner + those housemates; B = the couple norm of the age group.
    sharers = sum(1 for h in hh.housemates if h.cost_sharer_on(day))
    if sharers and category not in ("single_18", "couple_18_both", "couple_18_both_children"):
        a = 1 + (1 if hh.has_partner else 0) + sharers
        base = norms["couple_aow"] if category in ("single_aow", "couple_aow") else norms["couple_21"]
        per_person = cents(Decimal(40 + 30 * a) * base / Decimal(100 * a))
        if not hh.has_partner:
            full = per_person
        elif youth_partner:
            # Art. 22a lid 3: the partner of 18-20 keeps the youth norm of a single person (plus, with children, the
            # supplement of art. 20 lid 2 onder c); the partner of 21 or older gets the kostendelersnorm.
            full = per_person + norms["single_18"] + (
                norms["couple_18_one_children"] - norms["couple_18_one"] if hh.children else ZERO)
        else:
            full = per_person * 2                          # art. 22a: for a couple, the sum of both norms
        return f"cost_sharing:{category}", full, a, base
    return category, full, 0, None


def _change_days(month: dt.date, hh: Household, table: NormTable) -> list[dt.date]:
    """Days in the month on which the situation for the norm may change."""
    first, last = month, month_end(month)
    days = {first}
    candidates = [hh.benefit_start, anniversary(hh.resident_birth, 18), anniversary(hh.resident_birth, 21),
                  table.aow_date(hh.resident_birth)]
    if hh.has_partner and hh.partner_birth:
        candidates += [anniversary(hh.partner_birth, 21), table.aow_date(hh.partner_birth)]
    for housemate in hh.housemates:
        candidates += [anniversary(housemate.date_of_birth, 27), housemate.moved_in_on, housemate.moved_out_on]
    days.update(day for day in candidates if day is not None and first < day <= last)
    return sorted(days)


def norm_parts(month: dt.date, hh: Household, table: NormTable) -> list[NormPart]:
    """The month split where the situation changes; days before the benefit started are left out."""
    last = month_end(month)
    starts = [day for day in _change_days(month, hh, table) if day >= hh.benefit_start]
    parts: list[NormPart] = []
    for index, start in enumerate(starts):
        end = (starts[index + 1] - dt.timedelta(days=1)) if index + 1 < len(starts) else last
        category, full, a, base = _norm_on(start, hh, table)
        if parts and parts[-1].category == category and parts[-1].full == full:
            parts[-1] = replace(parts[-1], end=end)  # the situation changed in a way that does not matter here
        else:
            parts.append(NormPart(start, end, category, full, a, base))
    return parts


def _part_days(part: NormPart) -> int:
    return (part.end - part.start).days + 1


def _overlap_days(part: NormPart, start: dt.date, end: dt.date) -> int:
    low, high = max(part.start, start), min(part.end, end)
    return max(0, (high - low).days + 1)


# -- the calculation --------------------------------------------------------------------------------------------------


def _person_birth(hh: Household, person: str) -> dt.date:
    if person == PARTNER:
        if not hh.has_partner or hh.partner_birth is None:
            raise RuleError("partner_income_without_partner")
        return hh.partner_birth
    return hh.resident_birth


def _disregard(rule: IncomeRule, person: str, month: dt.date, hh: Household, table: NormTable, history: History,
               base_all: Decimal, base_serving: Decimal) -> tuple[Decimal, dict] | None:
    """(amount, params) of `rule` for `person` this month, or None when the person is not eligible."""
    if rule.kind != "work_disregard" or not rule.in_force(month):
        return None
    birth = _person_birth(hh, person)
    last = month_end(month)
    at_aow = last >= table.aow_date(birth)
    base = base_all
    for requirement in rule.requires:
        if requirement == "serves_work":
            base = base_serving                      # only earnings from work that helps towards (more) work
        elif requirement == "below_aow_age" and at_aow:
            return None
        elif requirement == "aow_age" and not at_aow:
            return None
        elif requirement == "single_parent_child_under_12" and not (
                person == RESIDENT and hh.single_parent and hh.youngest_child_birth is not None
                and age_on(hh.youngest_child_birth, month) < 12):
            return None
        elif requirement == "medically_limited_hours" and not (person == RESIDENT and hh.medically_limited):
            return None
    # Art. 31 lid 5: judged on the last day of the month (the month of the 27th birthday counts).
    if rule.min_age is not None and age_on(birth, last) < rule.min_age:
        return None
    params = {"rate": rule.rate, "cap": rule.cap, "base": base}
    if rule.max_months:
        started = history.disregard_started.get(f"{person}:{rule.id}")
        if started is not None:
            used = months_between(started, month)
            if used >= rule.max_months or used < 0:
                return None
            params.update(month_number=used + 1, max_months=rule.max_months, started=started)
        else:
            params.update(month_number=1, max_months=rule.max_months, started=month)
        params["until"] = add_months(params["started"], rule.max_months - 1)
    if base <= 0:
        return None
    amount = cents(rule.rate * base)
    if rule.cap is not None:
        amount = min(amount, rule.cap)
    return min(amount, base), params


def _limit(rules: Iterable[IncomeRule], kind: str, month: dt.date) -> IncomeRule | None:
    for rule in rules:
        if rule.kind == kind and rule.in_force(month):
            return rule
    return None


def calculate(inputs: MonthInputs) -> MonthResult:
    """The month's benefit, line by line. Raises RuleError for input it cannot compute with."""
    month, hh, table, policy = inputs.month, inputs.household, inputs.norm_table, inputs.policy
    if month.day != 1:
        raise ValueError("a month is given as its first day")
    if not table.covers(month):
        raise RuleError("no_norm_table", month=month)
    if month_end(month) < hh.benefit_start:
        raise RuleError("month_before_benefit", month=month, benefit_start=hh.benefit_start)
    history = inputs.history.for_year(month.year)
    month_days = days_in_month(month)
    lines: list[Line] = []
    warnings: list[str] = []

    # 1. The norm (art. 20-22a), per part of the month where the household changes.
    parts = norm_parts(month, hh, table)
    norm = ZERO
    for part in parts:
        days = _part_days(part)
        amount = part.full if days == month_days else cents(part.full * days / month_days)
        norm += amount
        if part.category.startswith("cost_sharing:"):
            rule, citation = COST_SHARING
            rule_of_group, group_citation = NORM_CATEGORIES[part.category.split(":", 1)[1]]
            citation = f"{citation}; {group_citation}"
        else:
            rule, citation = NORM_CATEGORIES[part.category]
        lines.append(Line(LINE_NORM, amount, +1, rule, citation, {
            "category": part.category, "from": part.start, "to": part.end, "days": days, "month_days": month_days,
            "full": part.full, "sharers": part.sharers, "base": part.base, "table": table.key}))
    if hh.shared_household_stated and not hh.housemates:
        warnings.append("shared_household_without_housemates")

    # 2. Income (net, art. 31 lid 3), per report; exemptions and employer holiday pay apart.
    counted = ZERO
    exempt_total = ZERO
    work = {person: [ZERO, ZERO] for person in PERSONS}   # [all earnings from work, those that serve work]
    volunteer_used = dict(history.volunteer_year)
    reserve = history.holiday_reserve
    volunteer_limit = _limit(inputs.rules, "volunteer_limit", month)
    for item in inputs.income:
        if item.amount < 0:
            raise RuleError("negative_income", kind=item.kind)
        if item.kind not in INCOME_KINDS or item.person not in PERSONS:
            raise RuleError("unknown_income_kind", kind=item.kind)
        _person_birth(hh, item.person)
        params = {"kind": item.kind, "person": item.person, "employer": item.employer, "reported": item.amount,
                  "report": item.report_id}
        if item.kind in WORK_KINDS:
            if item.kind == WAGE_4WEEKLY:
                # Art. 32: income per month; 13 four-week periods make 12 months.
                amount = cents(item.amount * 13 / 12)
                params["factor"] = "13/12"
                lines.append(Line(LINE_INCOME, amount, 0, RULE_IDS["four_weekly"], CITATIONS["four_weekly"],
                                  params))
            else:
                amount = item.amount
                lines.append(Line(LINE_INCOME, amount, 0, RULE_IDS["net_income"], CITATIONS["net_income"], params))
            counted += amount
            work[item.person][0] += amount
            if item.serves_work:
                work[item.person][1] += amount
        elif item.kind == HOLIDAY_PAY:
            used = min(item.amount, reserve)
            reserve -= used
            excess = item.amount - used
            params.update(reserve_before=reserve + used, from_reserve=used, excess=excess)
            lines.append(Line(LINE_HOLIDAY_PAY, item.amount, 0, RULE_IDS["holiday_pay"], CITATIONS["holiday_pay"],
                              params))
            counted += excess
        elif item.kind == VOLUNTEER:
            month_left = volunteer_limit.month_max if volunteer_limit and volunteer_limit.month_max is not None \
                else ZERO
            if volunteer_limit and volunteer_limit.year_max is not None:
                year_left = max(ZERO, volunteer_limit.year_max - volunteer_used.get(item.person, ZERO))
                month_left = min(month_left, year_left)
            exempt = min(item.amount, month_left)
            volunteer_used[item.person] = volunteer_used.get(item.person, ZERO) + exempt
            params.update(exempt=exempt, excess=item.amount - exempt,
                          month_max=volunteer_limit.month_max if volunteer_limit else None,
                          year_max=volunteer_limit.year_max if volunteer_limit else None)
            lines.append(Line(LINE_EXEMPT, exempt, 0, volunteer_limit.id if volunteer_limit else "",
                              volunteer_limit.citation if volunteer_limit else "", params))
            exempt_total += exempt
            if item.amount > exempt:
                lines.append(Line(LINE_INCOME, item.amount - exempt, 0, RULE_IDS["net_income"],
                                  CITATIONS["net_income"], {**params, "kind": "volunteer_excess"}))
                counted += item.amount - exempt
        elif item.kind == EIN_EURO_JOB:
            if item.hours is None:
                raise RuleError("hours_missing", kind=item.kind)
            allowed = cents(item.hours * policy.ein_euro_job_per_hour)
            exempt = min(item.amount, allowed)
            params.update(hours=item.hours, per_hour=policy.ein_euro_job_per_hour, exempt=exempt,
                          excess=item.amount - exempt)
            lines.append(Line(LINE_EXEMPT, exempt, 0, RULE_IDS["ein_euro_job"], CITATIONS["ein_euro_job"], params))
            exempt_total += exempt
            if item.amount > exempt:
                lines.append(Line(LINE_INCOME, item.amount - exempt, 0, RULE_IDS["net_income"],
                                  CITATIONS["net_income"], {**params, "kind": "ein_euro_job_excess"}))
                counted += item.amount - exempt
        else:  # OTHER: counts in full, no disregard
            lines.append(Line(LINE_INCOME, item.amount, 0, RULE_IDS["net_income"], CITATIONS["net_income"], params))
            counted += item.amount

    # 3. One disregard on earnings from work per person: the highest the person is eligible for.
    disregard_total = ZERO
    started = dict(history.disregard_started)
    for person in PERSONS:
        base_all, base_serving = work[person]
        if base_all <= 0:
            continue
        options = []
        for rule in inputs.rules:
            found = _disregard(rule, person, month, hh, table, history, base_all, base_serving)
            if found is not None:
                options.append((rule, *found))
        eligible_ids = {rule.id for rule, _a, _p in options}
        options = [option for option in options if not (option[0].follows and option[0].follows in eligible_ids)]
        if not options:
            continue
        rule, amount, params = max(options, key=lambda option: option[1])  # first of equals (file order)
        if amount <= 0:
            continue
        if rule.max_months and f"{person}:{rule.id}" not in started:
            started[f"{person}:{rule.id}"] = month
        disregard_total += amount
        lines.append(Line(LINE_DISREGARD, amount, 0, rule.id, rule.citation, {"person": person, **params}))

    # 4. The offset: countable income off the norm, never below zero (art. 31, 32).
    countable = max(ZERO, counted - disregard_total)
    offset = min(countable, norm)
    lines.append(Line(LINE_OFFSET, offset, -1, RULE_IDS["offset"], CITATIONS["offset"],
                      {"counted": counted, "disregard": disregard_total, "countable": countable,
                       "exceeds_norm": countable >= norm and norm > 0}))
    entitled = norm - offset
    if countable >= norm and norm > 0:
        warnings.append("income_exceeds_norm")

    # 5. Measures (art. 18 lid 2): a percentage of the norm for the days of the measure in this month.
    measure_total = ZERO
    for reduction in inputs.reductions:
        if not Decimal(0) <= reduction.percentage <= HUNDRED:
            raise RuleError("bad_percentage", percentage=reduction.percentage)
        weighted = sum((part.full * _overlap_days(part, reduction.starts_on, reduction.ends_on) for part in parts),
                       Decimal(0))
        days = sum(_overlap_days(part, reduction.starts_on, reduction.ends_on) for part in parts)
        if days == 0:
            continue
        amount = cents(reduction.percentage / HUNDRED * weighted / month_days)
        amount = min(amount, entitled - measure_total)
        measure_total += amount
        lines.append(Line(LINE_MEASURE, amount, -1, reduction.rule or RULE_IDS["measure"], CITATIONS["measure"], {
            "measure": reduction.measure_id, "percentage": reduction.percentage, "label": reduction.label,
            "from": max(reduction.starts_on, month), "to": min(reduction.ends_on, month_end(month)), "days": days}))
    benefit = entitled - measure_total
    lines.append(Line(LINE_BENEFIT, benefit, 0, "", "", {}))

    # 6. Holiday allowance (art. 19 lid 3, art. 45): reserved every month, paid out in the payout month.
    reservation = cents(policy.holiday_allowance_rate * benefit)
    lines.append(Line(LINE_HOLIDAY_RESERVE, reservation, -1, RULE_IDS["holiday_reserve"],
                      CITATIONS["holiday_reserve"], {"rate": policy.holiday_allowance_rate}))
    payout = ZERO
    if month.month == policy.holiday_payout_month:
        payout = reserve
        reserve = ZERO
        lines.append(Line(LINE_HOLIDAY_PAYOUT, payout, +1, RULE_IDS["holiday_payout"], CITATIONS["holiday_payout"],
                          {}))
    reserve += reservation
    amount_to_pay = benefit - reservation + payout
    lines.append(Line(LINE_TO_PAY, amount_to_pay, 0, "", "", {}))

    # 7. Premiums (policy data, art. 31 lid 2 j): not offset; earned only in a month with a right to bijstand.
    premium_limit = _limit(inputs.rules, "premium_limit", month)
    premium_year = dict(history.premium_year)
    unpaid = dict(history.premium_unpaid)
    accrued_total = paid_total = ZERO
    for premium in policy.premiums:
        citation = premium.citation or (premium_limit.citation if premium_limit else "")
        accrued = ZERO
        for person in PERSONS:
            base = work[person][0]
            if premium.fixed_per_month is not None:
                if person != RESIDENT or not inputs.participating or entitled <= 0:
                    continue
                amount = premium.fixed_per_month
            elif base <= 0 or entitled <= 0:
                continue
            else:
                amount = min(cents(premium.rate * base), premium.max_per_month)
            if premium_limit is not None and premium_limit.year_max is not None:
                amount = min(amount, max(ZERO, premium_limit.year_max - premium_year.get(person, ZERO)))
            if amount <= 0:
                continue
            premium_year[person] = premium_year.get(person, ZERO) + amount
            accrued += amount
            lines.append(Line(LINE_PREMIUM_ACCRUED, amount, 0, f"policy.premium.{premium.id}", citation, {
                                  "premium": premium.id, "label": premium.label, "person": person,
                                  "rate": premium.rate, "max_per_month": premium.max_per_month, "base": base,
                                  "year_max": premium_limit.year_max if premium_limit else None,
                                  "paid_in_months": list(premium.paid_in_months),
                                  "fixed_per_month": premium.fixed_per_month}))
        accrued_total += accrued
        pending = unpaid.get(premium.id, ZERO) + accrued
        if not premium.paid_in_months or month.month in premium.paid_in_months:
            if pending > 0:
                lines.append(Line(LINE_PREMIUM_PAID, pending, +1, f"policy.premium.{premium.id}", citation,
                                  {"premium": premium.id, "label": premium.label}))
            paid_total += pending
            unpaid[premium.id] = ZERO
        else:
            unpaid[premium.id] = pending
    total_paid = amount_to_pay + paid_total
    if paid_total:
        lines.append(Line(LINE_TOTAL, total_paid, 0, "", "", {}))

    after = History(year=month.year, holiday_reserve=reserve, premium_unpaid=unpaid, premium_year=premium_year,
                    volunteer_year=volunteer_used, disregard_started=started)
    return MonthResult(
        month=month, lines=tuple(lines), norm=norm, income=counted, exempt=exempt_total, disregard=disregard_total,
        offset=offset, measure=measure_total, benefit=benefit, holiday_reserved=reservation, holiday_paid=payout,
        premium_accrued=accrued_total, premium_paid=paid_total, amount_to_pay=amount_to_pay, total_paid=total_paid,
        warnings=tuple(warnings), history_after=after)


def calculate_months(first: MonthInputs, later: Iterable[MonthInputs]) -> list[MonthResult]:
    """Several consecutive months, each starting from the history the month before left (used by tests and the
    simulator). The `history` of the later inputs is ignored."""
    results = [calculate(first)]
    for inputs in later:
        results.append(calculate(replace(inputs, history=results[-1].history_after)))
    return results


# -- inputs and history as JSON (stored with every calculation, so a decided month can be replayed) --------------------


def history_to_data(history: History) -> dict:
    return {"year": history.year, "holiday_reserve": str(history.holiday_reserve),
            "premium_unpaid": _plain(history.premium_unpaid), "premium_year": _plain(history.premium_year),
            "volunteer_year": _plain(history.volunteer_year),
            "disregard_started": _plain(history.disregard_started)}


def history_from_data(data: Mapping | None) -> History:
    if not data:
        return History()
    return History(
        year=data.get("year"), holiday_reserve=money(data.get("holiday_reserve", "0")),
        premium_unpaid={k: money(v) for k, v in data.get("premium_unpaid", {}).items()},
        premium_year={k: money(v) for k, v in data.get("premium_year", {}).items()},
        volunteer_year={k: money(v) for k, v in data.get("volunteer_year", {}).items()},
        disregard_started={k: dt.date.fromisoformat(v) for k, v in data.get("disregard_started", {}).items()})


def _date(value):
    return dt.date.fromisoformat(value) if value else None


def inputs_to_data(inputs: MonthInputs) -> dict:
    hh, policy = inputs.household, inputs.policy
    return {
        "month": inputs.month.isoformat(),
        "household": {
            "resident_birth": hh.resident_birth.isoformat(), "benefit_start": hh.benefit_start.isoformat(),
            "has_partner": hh.has_partner, "partner_birth": _plain(hh.partner_birth), "children": hh.children,
            "single_parent": hh.single_parent, "youngest_child_birth": _plain(hh.youngest_child_birth),
            "medically_limited": hh.medically_limited, "shared_household_stated": hh.shared_household_stated,
            "housemates": [{"date_of_birth": h.date_of_birth.isoformat(), "moved_in_on": _plain(h.moved_in_on),
                            "moved_out_on": _plain(h.moved_out_on), "counts": h.counts, "label": h.label}
                           for h in hh.housemates],
        },
        "income": [{"kind": i.kind, "amount": str(i.amount), "person": i.person, "hours": _plain(i.hours),
                    "serves_work": i.serves_work, "employer": i.employer, "report_id": i.report_id}
                   for i in inputs.income],
        "reductions": [{"measure_id": r.measure_id, "percentage": str(r.percentage), "label": r.label,
                        "rule": r.rule, "starts_on": r.starts_on.isoformat(), "ends_on": r.ends_on.isoformat()}
                       for r in inputs.reductions],
        "policy": {"offset_method": policy.offset_method,
                   "holiday_allowance_rate": str(policy.holiday_allowance_rate),
                   "holiday_payout_month": policy.holiday_payout_month,
                   "ein_euro_job_per_hour": str(policy.ein_euro_job_per_hour), "label": policy.label,
                   "premiums": [{"id": p.id, "label": p.label, "rate": str(p.rate),
                                 "max_per_month": str(p.max_per_month), "paid_in_months": list(p.paid_in_months),
                                 "citation": p.citation, "fixed_per_month": _plain(p.fixed_per_month)}
                                for p in policy.premiums]},
        "participating": inputs.participating,
        "history": history_to_data(inputs.history),
        "norm_table": norm_table_to_data(inputs.norm_table),
        "rules": [income_rule_to_data(rule) for rule in inputs.rules],
    }


def inputs_from_data(data: Mapping) -> MonthInputs:
    hh, policy = data["household"], data["policy"]
    return MonthInputs(
        month=dt.date.fromisoformat(data["month"]),
        household=Household(
            resident_birth=dt.date.fromisoformat(hh["resident_birth"]),
            benefit_start=dt.date.fromisoformat(hh["benefit_start"]), has_partner=hh["has_partner"],
            partner_birth=_date(hh.get("partner_birth")), children=hh["children"],
            single_parent=hh["single_parent"], youngest_child_birth=_date(hh.get("youngest_child_birth")),
            medically_limited=hh["medically_limited"],
            shared_household_stated=hh.get("shared_household_stated", False),
            housemates=tuple(Housemate(date_of_birth=dt.date.fromisoformat(h["date_of_birth"]),
                                       moved_in_on=_date(h.get("moved_in_on")),
                                       moved_out_on=_date(h.get("moved_out_on")), counts=h["counts"],
                                       label=h.get("label", "")) for h in hh["housemates"])),
        income=tuple(IncomeItem(kind=i["kind"], amount=money(i["amount"]), person=i["person"],
                                hours=Decimal(i["hours"]) if i.get("hours") is not None else None,
                                serves_work=i["serves_work"], employer=i.get("employer", ""),
                                report_id=i.get("report_id")) for i in data["income"]),
        reductions=tuple(Reduction(measure_id=r.get("measure_id"), percentage=Decimal(r["percentage"]),
                                   label=r.get("label", ""), rule=r.get("rule", ""),
                                   starts_on=dt.date.fromisoformat(r["starts_on"]),
                                   ends_on=dt.date.fromisoformat(r["ends_on"])) for r in data["reductions"]),
        policy=MoneyPolicy(
            offset_method=policy["offset_method"], holiday_allowance_rate=Decimal(policy["holiday_allowance_rate"]),
            holiday_payout_month=policy["holiday_payout_month"],
            ein_euro_job_per_hour=Decimal(policy["ein_euro_job_per_hour"]), label=policy.get("label", ""),
            premiums=tuple(Premium(id=p["id"], label=p["label"], rate=Decimal(p["rate"]),
                                   max_per_month=money(p["max_per_month"]),
                                   paid_in_months=tuple(p["paid_in_months"]), citation=p.get("citation", ""),
                                   fixed_per_month=money(p["fixed_per_month"]) if p.get("fixed_per_month") else None)
                           for p in policy["premiums"])),
        history=history_from_data(data["history"]),
        norm_table=parse_norm_table(data["norm_table"]),
        rules=tuple(income_rule_from_data(rule) for rule in data["rules"]),
        participating=bool(data.get("participating", False)),
    )
