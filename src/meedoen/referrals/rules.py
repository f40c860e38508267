"""Pure rules of the referral loop (DESIGN §4.7). No Django imports: services, screens, the API and the demo use the
same functions, and they are property-tested.

- The state machine: which action may move a referral from which status, and who (the caseworker or the provider)
  may take it.
- Dates: guidance ends a number of months after the placement, reports back are due every few months during
  guidance, and a yearly check follows the end of the placement.
- Cohorts: monthly groups of about 15 candidates with three group meetings in three weeks.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

# -- statuses and actors ----------------------------------------------------------------------------------------------

SENT, ACCEPTED, INTAKE_PLANNED, PLACED = "sent", "accepted", "intake_planned", "placed"
RETURNED, DECLINED, COMPLETED, WITHDRAWN = "returned", "declined", "completed", "withdrawn"
STATUSES = (SENT, ACCEPTED, INTAKE_PLANNED, PLACED, RETURNED, DECLINED, COMPLETED, WITHDRAWN)
OPEN_STATUSES = frozenset({SENT, ACCEPTED, INTAKE_PLANNED, PLACED})
CLOSED_STATUSES = frozenset(STATUSES) - OPEN_STATUSES

CASEWORKER = "caseworker"  # klantmanager or teamleider of the resident
PROVIDER = "provider"  # staff of the provider the referral was sent to
ACTORS = (CASEWORKER, PROVIDER)


@dataclass(frozen=True)
class Transition:
    sources: frozenset
    target: str
    actors: frozenset


def _t(sources, target, *actors):
    return Transition(frozenset(sources), target, frozenset(actors))


BEFORE_PLACEMENT = (SENT, ACCEPTED, INTAKE_PLANNED)

# What each action does. "report" keeps the status (a report during guidance is not a status change).
TRANSITIONS = {
    "accept": _t([SENT], ACCEPTED, PROVIDER),
    "decline": _t([SENT, ACCEPTED], DECLINED, PROVIDER),
    "plan_intake": _t(BEFORE_PLACEMENT, INTAKE_PLANNED, PROVIDER),
    "add_to_cohort": _t(BEFORE_PLACEMENT, INTAKE_PLANNED, PROVIDER),
    "place": _t(BEFORE_PLACEMENT, PLACED, PROVIDER),
    "return": _t([*BEFORE_PLACEMENT, PLACED], RETURNED, PROVIDER),
    "report": _t([PLACED], PLACED, PROVIDER),
    "complete": _t([PLACED], COMPLETED, PROVIDER, CASEWORKER),
    "withdraw": _t(BEFORE_PLACEMENT, WITHDRAWN, CASEWORKER),
}
ACTIONS = tuple(TRANSITIONS)


class TransitionNotAllowed(Exception):
    def __init__(self, status, action, actor):
        super().__init__(f"{actor} may not {action} a referral with status {status}")
        self.status, self.action, self.actor = status, action, actor


def allowed_actions(status: str, actor: str) -> tuple[str, ...]:
    """The actions `actor` may take on a referral in `status`, in a fixed order."""
    return tuple(name for name, t in TRANSITIONS.items() if status in t.sources and actor in t.actors)


def next_status(status: str, action: str, actor: str) -> str:
    """The status after `actor` takes `action`; raises TransitionNotAllowed when that is not allowed."""
    transition = TRANSITIONS.get(action)
    if transition is None or status not in transition.sources or actor not in transition.actors:
        raise TransitionNotAllowed(status, action, actor)
    return transition.target


def is_open(status: str) -> bool:
    return status in OPEN_STATUSES


# -- dates ------------------------------------------------------------------------------------------------------------

DEFAULT_GUIDANCE_MONTHS = 6
DEFAULT_REPORT_EVERY_MONTHS = 6
YEARLY_CHECK_MONTHS = 12


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the last day of the month when that month is shorter (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class PlacementDates:
    guidance_until: dt.date
    next_report_due_on: dt.date


def placement_dates(placed_on: dt.date, guidance_months: int | None = None,
                    report_every_months: int | None = None) -> PlacementDates:
    """Guidance runs `guidance_months` (contract; default 6) from the placement; the first report back is due after
    `report_every_months` (contract; default 6), and never later than the end of guidance: the research asks for a
    report at least at six months."""
    months = guidance_months or DEFAULT_GUIDANCE_MONTHS
    every = report_every_months or DEFAULT_REPORT_EVERY_MONTHS
    until = add_months(placed_on, months)
    return PlacementDates(until, min(add_months(placed_on, every), until))


def next_report_due(reported_on: dt.date, guidance_until: dt.date | None,
                    report_every_months: int | None = None) -> dt.date | None:
    """After a report: the next one `report_every_months` later, at the latest at the end of guidance; none once
    guidance has ended."""
    every = report_every_months or DEFAULT_REPORT_EVERY_MONTHS
    due = add_months(reported_on, every)
    if guidance_until is None:
        return due
    if reported_on >= guidance_until:
        return None
    return min(due, guidance_until)


def yearly_check_due(ended_on: dt.date) -> dt.date:
    """The check whether a former participant is still active, one year after the placement ended."""
    return add_months(ended_on, YEARLY_CHECK_MONTHS)


# -- cohorts ----------------------------------------------------------------------------------------------------------

DEFAULT_COHORT_SIZE = 15
DEFAULT_MEETINGS = 3
DEFAULT_MEETING_INTERVAL_DAYS = 7


def cohort_meetings(starts_on: dt.date, count: int = DEFAULT_MEETINGS,
                    every_days: int = DEFAULT_MEETING_INTERVAL_DAYS) -> list[dt.date]:
    """Group meetings: the first on the start date, then one every `every_days` (three meetings in three weeks)."""
    return [starts_on + dt.timedelta(days=every_days * i) for i in range(count)]


def cohort_has_room(members: int, size: int) -> bool:
    return members < size


def free_places(capacity: int, taken: int) -> int:
    return max(0, capacity - taken)


# -- help services ----------------------------------------------------------------------------------------------------

# A "can't" found in a conversation leads to a warm referral to a help service (DESIGN §4.5, issue 4.6): the reason
# given, or the barrier recorded in the dossier, decides which kind of provider.
HELP_KIND_FOR_REASON = {
    "debts": "debt_counselling",
    "health": "mental_health",
    "language": "language_school",
}
HELP_KIND_FOR_BARRIER = (
    # (dossier field, values that are "no problem", provider kind)
    ("debts", ("none",), "debt_counselling"),
    ("mental_health", ("none",), "mental_health"),
    ("addiction", ("none",), "addiction_care"),
)


def help_kinds(barriers: dict, cant_reason: str = "") -> list[str]:
    """The help-service kinds that fit: first the one for the reason given in the conversation, then those for the
    barriers recorded in the dossier, without repeats."""
    kinds = []
    if cant_reason in HELP_KIND_FOR_REASON:
        kinds.append(HELP_KIND_FOR_REASON[cant_reason])
    for field, fine, kind in HELP_KIND_FOR_BARRIER:
        if barriers.get(field) not in (None, "", *fine) and kind not in kinds:
            kinds.append(kind)
    return kinds


def consent_defaults(provider_kind: str) -> dict:
    """Which consent boxes to offer ticked for a help service: a debt counsellor needs the debts, a mental-health or
    addiction service the health situation. The caseworker still asks the resident and records the consent."""
    return {"consent_share_debts": provider_kind == "debt_counselling",
            "consent_share_health": provider_kind in ("mental_health", "addiction_care")}

