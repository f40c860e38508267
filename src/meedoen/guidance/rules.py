"""Pure rules of the guidance loop. No Django imports: the web layer, the nightly task and the simulator use the
same functions.

- Follow-up (DESIGN §4.1): every resident in guidance always has a next-contact date, from the last contact, the
  profile's contact norm and the plan's review date.
- Can't versus won't (DESIGN §4.5): a refusal is routed to exemption, help, motivation or — where the profile's
  stance says so — a summons with consequences under the no-show ladder.
- Plan hours naar vermogen (DESIGN §4.8): a plan asks no more hours than the resident can manage, unless a reason
  is written down.
- The worklist (DESIGN §4.1): who needs attention first, with a reason per line.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

# -- follow-up --------------------------------------------------------------------------------------------------------

FIRST_ASSESSMENT_DAYS = 28  # without a segment there is no contact norm yet: assess within four weeks


@dataclass(frozen=True)
class NextContact:
    due_on: dt.date | None
    rule: str


def contact_norm_days(contact_norms: dict, segment: str, intensity: str) -> int | None:
    """The profile's contact interval in days for a segment and intensity (None when the profile has none)."""
    per_segment = contact_norms.get(segment) if segment else None
    if not per_segment:
        return None
    return per_segment.get(intensity) or per_segment.get("light")


def next_contact(*, last_contact_on: dt.date | None, started_on: dt.date, norm_days: int | None,
                 plan_review_on: dt.date | None = None, placed_on: dt.date | None = None) -> NextContact:
    """The earliest of: last contact + the profile's norm, the plan's review date, and — after a placement with a
    partner that no contact has followed yet — the placement + PLACEMENT_SILENCE_DAYS (DESIGN §4.1: most residents
    heard nothing after being placed).

    Without any contact yet, the first conversation is due at once (from the start of guidance).
    Without a norm (no segment yet), a first assessment is due: 28 days after the last contact or start.
    A review date on or before the last contact has passed: that contact was the moment to review, so it no longer
    sets the next contact (the worklist still shows 'plan review due' until the plan is revised).
    """
    base = last_contact_on or started_on
    if last_contact_on is None:
        candidates = [(started_on, "nog geen contact geweest: eerste gesprek nodig")]
    elif norm_days is None:
        candidates = [(base + dt.timedelta(days=FIRST_ASSESSMENT_DAYS),
                       "nog geen segment: binnen 4 weken een inschatting")]
    else:
        candidates = [(base + dt.timedelta(days=norm_days), f"laatste contact + contactnorm {norm_days} dagen")]
    if plan_review_on is not None and (last_contact_on is None or plan_review_on > last_contact_on):
        candidates.append((plan_review_on, "evaluatiedatum van het plan van aanpak"))
    if placed_on is not None and (last_contact_on is None or placed_on > last_contact_on):
        candidates.append((placed_on + dt.timedelta(days=PLACEMENT_SILENCE_DAYS),
                           f"plaatsing bij partner op {placed_on:%d-%m-%Y} + {PLACEMENT_SILENCE_DAYS} dagen"))
    due, rule = min(candidates, key=lambda c: c[0])
    return NextContact(due, rule)


def guidance_start(benefit_start_date: dt.date, registered_on: dt.date | None) -> dt.date:
    """When follow-up started: the later of the start of the benefit and the registration in Meedoen."""
    return max(benefit_start_date, registered_on) if registered_on else benefit_start_date


def next_contact_for(*, contact_norms: dict, segment: str, intensity: str, last_contact_on: dt.date | None,
                     benefit_start_date: dt.date, registered_on: dt.date | None,
                     plan_review_on: dt.date | None, placed_on: dt.date | None = None) -> NextContact:
    """next_contact() for one resident from plain values: shared by the single refresh and the nightly bulk run."""
    norm = contact_norm_days(contact_norms, segment, intensity)
    started = last_contact_on if last_contact_on is not None else benefit_start_date
    started = max(started, registered_on) if registered_on else started
    return next_contact(last_contact_on=last_contact_on, started_on=started, norm_days=norm,
                        plan_review_on=plan_review_on, placed_on=placed_on)


# -- can't versus won't -----------------------------------------------------------------------------------------------

# Stances under which refusing without a reason leads to a summons with consequences (DESIGN §3: drang, dwang).
SUMMONS_STANCES = frozenset({"mandatory", "pressure"})


@dataclass(frozen=True)
class Routing:
    task_kind: str
    title: str
    due_in_days: int
    rule: str


CANT_ROUTES = {
    # reason: (task kind, title, days)
    "health": ("exemption_check", "Ontheffing op medische gronden beoordelen (art. 9 lid 2 Participatiewet)", 14),
    "care_duties": ("exemption_check", "Ontheffing vanwege zorgtaken beoordelen (art. 9 lid 2 / art. 9a)", 14),
    "language": ("help_referral", "Taalaanbod regelen", 14),
    "debts": ("help_referral", "Schuldhulp regelen", 7),
    "crisis": ("help_referral", "Hulp bij crisis regelen (wijkteam, opvang)", 2),
}


def route_refusal(refusal: str, cant_reason: str, stance: str,
                  no_show_ladder: Sequence[Mapping] = ()) -> Routing | None:
    """Where a refusal goes. Can't → exemption or help, by reason. Won't → a motivating conversation, or under a
    profile with drang or dwang a summons with consequences, to which the profile's no-show ladder applies."""
    if refusal == "cant":
        if cant_reason not in CANT_ROUTES:
            raise ValueError(f"unknown reason for can't: {cant_reason!r}")
        kind, title, days = CANT_ROUTES[cant_reason]
        return Routing(kind, title, days, f"kan niet ({cant_reason}) → {kind}")
    if refusal == "wont":
        if stance in SUMMONS_STANCES:
            steps = " → ".join(str(step.get("kind", "?")) for step in no_show_ladder) or "geen stappen"
            return Routing(
                "summons", "Oproep met gevolgen: bij niet komen geldt de no-showladder", 14,
                f"wil niet, houding '{stance}' → oproep met gevolgen (no-showladder: {steps})",
            )
        return Routing("motivation", "Motiverend gesprek voeren", 14, f"wil niet, houding '{stance}' → motiveren")
    return None


# -- plan hours naar vermogen -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HoursCheck:
    total: Decimal
    capacity: Decimal
    over_by: Decimal
    needs_reason: bool
    ok: bool


def check_plan_hours(step_hours: Iterable[Decimal | int], capacity: Decimal | int, reason: str = "") -> HoursCheck:
    """A plan may ask more hours a week than the resident's stated capacity only with a written reason."""
    total = sum((Decimal(h) for h in step_hours), start=Decimal(0))
    capacity = Decimal(capacity)
    over_by = max(Decimal(0), total - capacity)
    needs_reason = over_by > 0
    return HoursCheck(total, capacity, over_by, needs_reason, ok=not needs_reason or bool(reason.strip()))


# -- the worklist -----------------------------------------------------------------------------------------------------

LADDER_INTERVAL_DAYS = 182  # the Participatieladder is measured at least twice a year (DESIGN §7)
NOT_SEEN_DAYS = 365
PLAN_REVIEW_NOTICE_DAYS = 14
PLACEMENT_SILENCE_DAYS = 42  # after a placement, check in within six weeks (DESIGN §4.1: "no contact after placement")
EXEMPTION_NOTICE_DAYS = 28  # remind four weeks before an exemption (ontheffing) ends or must be reviewed (issue 5)


@dataclass(frozen=True, slots=True)
class DueTask:
    kind: str
    title: str
    due_on: dt.date


@dataclass(slots=True)
class WorklistRow:
    """Plain facts about one resident in guidance, gathered in a fixed number of queries. (Not frozen: a caseload of
    350 is built many times a day, and a frozen dataclass is several times slower to make.)"""

    resident_id: int
    name: str = ""
    next_contact_on: dt.date | None = None
    next_contact_rule: str = ""
    last_contact_on: dt.date | None = None
    first_conversation_on: dt.date | None = None
    has_signed_plan: bool = False
    has_draft_plan: bool = False
    plan_review_on: dt.date | None = None
    last_ladder_on: dt.date | None = None
    due_tasks: tuple[DueTask, ...] = ()
    # Filled in by the partner issue (placements and referrals); the signals below already use them when present.
    placed_on: dt.date | None = None
    returned_on: dt.date | None = None
    # Filled in by the obligations issue: the first review or end date of an exemption in force (obligations.Exemption).
    exemption_due_on: dt.date | None = None
    extra: Mapping = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class Signal:
    code: str
    rank: int
    on: dt.date | None  # the date that makes it urgent; None = never happened (most urgent within its rank)
    detail: Mapping = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class WorklistItem:
    row: WorklistRow
    signals: tuple[Signal, ...]

    @property
    def top(self) -> Signal:
        return self.signals[0]

    def sort_key(self):
        return (self.top.rank, self.top.on or dt.date.min, self.row.name, self.row.resident_id)


def _overdue_contact(row, today):
    if row.next_contact_on is not None and row.next_contact_on < today:
        return row.next_contact_on, {"days": (today - row.next_contact_on).days, "rule": row.next_contact_rule}
    return None


def _no_contact_since_placement(row, today):
    if row.placed_on is None or (row.last_contact_on is not None and row.last_contact_on >= row.placed_on):
        return None
    if (today - row.placed_on).days < PLACEMENT_SILENCE_DAYS:
        return None
    return row.placed_on, {"days": (today - row.placed_on).days}


def _returned_by_partner(row, today):
    if row.returned_on is None or (row.last_contact_on is not None and row.last_contact_on >= row.returned_on):
        return None
    return row.returned_on, {}


def _task_due(row, today):
    due = sorted((t for t in row.due_tasks if t.due_on <= today), key=lambda t: (t.due_on, t.title))
    if not due:
        return None
    return due[0].due_on, {"title": due[0].title, "kind": due[0].kind, "more": len(due) - 1}


def _plan_review_due(row, today):
    if row.has_signed_plan and row.plan_review_on is not None and \
            row.plan_review_on <= today + dt.timedelta(days=PLAN_REVIEW_NOTICE_DAYS):
        return row.plan_review_on, {"overdue": row.plan_review_on < today}
    return None


def _exemption_review_due(row, today):
    if row.exemption_due_on is not None and row.exemption_due_on <= today + dt.timedelta(days=EXEMPTION_NOTICE_DAYS):
        return row.exemption_due_on, {"overdue": row.exemption_due_on < today}
    return None


def _no_plan(row, today):
    if row.first_conversation_on is not None and not row.has_signed_plan:
        return row.first_conversation_on, {"draft": row.has_draft_plan}
    return None


def _ladder_due(row, today):
    if row.last_ladder_on is None:
        return None, {"never": True}
    if (today - row.last_ladder_on).days > LADDER_INTERVAL_DAYS:
        return row.last_ladder_on, {"never": False}
    return None


def _not_seen_for_a_year(row, today):
    if row.last_contact_on is None:
        return None, {"never": True}
    if (today - row.last_contact_on).days > NOT_SEEN_DAYS:
        return row.last_contact_on, {"never": False}
    return None


# The signals in order of urgency. Each detector returns (date, detail) or None. To add a signal, insert its
# detector at its place in this list: the rank is its position.
SIGNALS = (
    ("overdue_contact", _overdue_contact),
    ("no_contact_since_placement", _no_contact_since_placement),
    ("returned_by_partner", _returned_by_partner),
    ("task_due", _task_due),
    ("plan_review_due", _plan_review_due),
    ("exemption_review_due", _exemption_review_due),
    ("no_plan", _no_plan),
    ("ladder_due", _ladder_due),
    ("not_seen_for_a_year", _not_seen_for_a_year),
)
SIGNAL_CODES = tuple(code for code, _detector in SIGNALS)
_RANKED = tuple((rank, code, detector) for rank, (code, detector) in enumerate(SIGNALS))


def signals_for(row: WorklistRow, today: dt.date) -> tuple[Signal, ...]:
    found = []
    for rank, code, detector in _RANKED:
        hit = detector(row, today)
        if hit is not None:
            found.append(Signal(code, rank, hit[0], hit[1]))
    return tuple(found)


def classify(rows: Iterable[WorklistRow], today: dt.date) -> list[WorklistItem]:
    """The worklist: every resident with at least one signal, most urgent first.

    Order: by the resident's most urgent signal (its rank in SIGNALS), then by how long that signal has been
    waiting (oldest date first; 'never' before any date), then by name.
    """
    items = []
    for row in rows:
        signals = signals_for(row, today)
        if signals:
            items.append(WorklistItem(row, signals))
    items.sort(key=WorklistItem.sort_key)
    return items


def count_signals(items: Iterable[WorklistItem]) -> dict[str, int]:
    """How many residents have each signal (a resident with three signals counts under each of them)."""
    counts = dict.fromkeys(SIGNAL_CODES, 0)
    for item in items:
        for signal in item.signals:
            counts[signal.code] += 1
    return counts
