"""Retention rules as pure functions over plain data (no Django): when a record becomes due, and what holds it.

A dossier becomes due `term` months after the *latest* of its end events (end of guidance, end of the last month a
benefit was calculated). It is deleted only when it is due and nothing holds it. Holds (codes in HOLDS):

- `guidance_active`  guidance is running (or was reopened after an ending);
- `benefit_active`   a benefit month is calculated for this month or later;
- `objection_open`   a bezwaar or klacht is in progress (Awb 6:7, 9:11): the file is evidence;
- `recovery_open`    a terugvordering or nabetaling is within its limitation term (Awb 4:104), or an income signal
                     is with enforcement;
- `manual`           a functioneel beheerder placed a legal hold, with a reason.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

HOLDS = ("guidance_active", "benefit_active", "objection_open", "recovery_open", "manual")


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus whole months; the 31st becomes the last day of a shorter month (never rolls into the next)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def due_on(term_months: int, end_events) -> dt.date | None:
    """The day a record becomes due: `term_months` after the latest end event. None when no end event happened yet
    (the record is still in use, so it is never due)."""
    if term_months < 0:
        raise ValueError("a retention term cannot be negative")
    dates = [d for d in end_events if d is not None]
    if not dates:
        return None
    return add_months(max(dates), term_months)


def older_than(today: dt.date, term_months: int) -> dt.date:
    """The cut-off for records counted from their own date (audit lines, deletion records): anything logged *before*
    this day is past its term."""
    return add_months(today, -term_months)


@dataclass(frozen=True)
class DossierFacts:
    """What the rules need to know about one dossier; the service fills it from the database."""
    guidance_ended_on: dt.date | None = None
    last_benefit_month: dt.date | None = None  # first day of the last calculated month
    guidance_active: bool = False
    open_objection: bool = False
    recovery_open: bool = False
    manual_hold_reason: str = ""

    def end_events(self):
        return [self.guidance_ended_on, month_end(self.last_benefit_month) if self.last_benefit_month else None]


@dataclass(frozen=True)
class Decision:
    due_on: dt.date | None
    holds: tuple[str, ...] = field(default_factory=tuple)

    def is_due(self, today: dt.date) -> bool:
        return self.due_on is not None and self.due_on <= today and not self.holds

    @property
    def held(self) -> bool:
        return bool(self.holds)


def holds(facts: DossierFacts, today: dt.date) -> tuple[str, ...]:
    found = []
    if facts.guidance_active or facts.guidance_ended_on is None:
        found.append("guidance_active")
    if facts.last_benefit_month is not None and facts.last_benefit_month >= today.replace(day=1):
        found.append("benefit_active")
    if facts.open_objection:
        found.append("objection_open")
    if facts.recovery_open:
        found.append("recovery_open")
    if facts.manual_hold_reason.strip():
        found.append("manual")
    return tuple(found)


def decide(facts: DossierFacts, term_months: int, today: dt.date) -> Decision:
    return Decision(due_on(term_months, facts.end_events()), holds(facts, today))


def recovery_open(correction_dates, today: dt.date, hold_months: int, *, with_enforcement: bool = False) -> bool:
    """A terugvordering or nabetaling holds the dossier until its limitation term has run (Awb 4:104 lid 1: five
    years after the payment term; Meedoen does not record repayment, so the term counts from the correction).
    An income signal that is still with enforcement holds it too."""
    if with_enforcement:
        return True
    return any(add_months(day, hold_months) > today for day in correction_dates if day is not None)
