"""Pure outreach rules: the no-show ladder, reminders, appointment kinds and campaign statistics.

No Django imports: the web layer, the nightly task and the simulator call the same functions over plain data.
Every decision carries the Dutch text of the rule that produced it, so the step can record it (DESIGN §4.3).
"""
from __future__ import annotations

import datetime as dt
import statistics as stats
from dataclasses import dataclass, field

# --------------------------------------------------------------------------------------------------------------------
# The no-show ladder
# --------------------------------------------------------------------------------------------------------------------

# Events that move a resident one step up the profile's ladder: not coming to an appointment, not reacting to an
# invitation or letter before its deadline, or not being met at a home visit.
NO_SHOW = "no_show"
NO_RESPONSE = "no_response"
NOT_MET = "not_met"
ESCALATING_EVENTS = (NO_SHOW, NO_RESPONSE, NOT_MET)
# Events that never escalate: the resident came, or cancelled in time (staff then book a new slot: a convocation).
ATTENDED = "attended"
CANCELLED_IN_TIME = "cancelled_in_time"
EVENTS = ESCALATING_EVENTS + (ATTENDED, CANCELLED_IN_TIME)

EVENT_LABELS = {
    "start": "start van de campagne",
    NO_SHOW: "niet gekomen op de afspraak",
    NO_RESPONSE: "geen reactie voor de uiterste datum",
    NOT_MET: "niet getroffen bij het huisbezoek",
    ATTENDED: "gekomen",
    CANCELLED_IN_TIME: "op tijd afgemeld",
}

STEP_LABELS = {
    "invitation": "uitnodiging",
    "second_invitation": "tweede uitnodiging",
    "registered_letter": "aangetekende brief met oproep",
    "no_show_action_letter": "no show-actie: brief die een maatregel aankondigt",
    "home_visit": "huisbezoek",
    "measure_proposal": "voorstel voor een maatregel",
    "close_outreach": "benadering afsluiten",
    "pay_not_earned": "niet gewerkte uren worden niet betaald",
}
# Step kinds that send a new personal booking link.
INVITING_STEPS = ("invitation", "second_invitation")
# Step kinds that send a letter with an appointment booked by staff (a convocation), when a slot is free.
CONVOKING_STEPS = ("registered_letter", "no_show_action_letter")


@dataclass(frozen=True)
class LadderStep:
    """One step of a profile's no-show ladder, numbered from 1."""

    position: int
    kind: str
    params: dict = field(default_factory=dict, compare=False, hash=False)
    rule: str = ""
    is_last: bool = False


def start_position(ladder: list[dict]) -> int:
    """The ladder position of a campaign's first invitation.

    When the ladder starts with an invitation (Rotterdam, Amsterdam), the campaign's invitation *is* step 1 (it may
    mention consequences). Otherwise (Utrecht, Leeuwarden, Bremen, Stockholm) it comes before the ladder: step 0.
    """
    return 1 if ladder and ladder[0].get("kind") == "invitation" else 0


def step_rule(ladder: list[dict], position: int) -> str:
    """The Dutch text of the rule for ladder step `position` (1-based), recorded with the step."""
    if position == 0:
        return "Uitnodiging van de campagne (vóór de no-showladder van het beleidsprofiel)"
    kind = ladder[position - 1].get("kind", "")
    label = STEP_LABELS.get(kind, kind)
    extra = []
    params = ladder[position - 1]
    if params.get("mentions_consequences"):
        extra.append("noemt de gevolgen van wegblijven")
    if params.get("measure_months"):
        extra.append(f"maatregel van gemiddeld {params['measure_months']} maand")
    if params.get("respect_lasting_no"):
        extra.append("een blijvend nee wordt gerespecteerd"
                     + (", behalve bij gevaar" if params.get("except_when_danger") else ""))
    if params.get("by"):
        extra.append(f"door: {params['by']}")
    if params.get("applies_to"):
        extra.append(f"geldt voor: {params['applies_to']}")
    suffix = f" ({'; '.join(extra)})" if extra else ""
    return f"No-showladder stap {position} van {len(ladder)}: {label}{suffix}"


def next_step(ladder: list[dict], position: int, event: str) -> LadderStep | None:
    """The ladder step that follows `event` when `position` steps of `ladder` have been taken.

    Only not coming, not responding and not being met escalate, and always by exactly one step; attending or
    cancelling in time never does. After the last step (or with an empty ladder, like Utrecht's) nothing happens:
    the result is None and staff decide.
    """
    if event not in EVENTS:
        raise ValueError(f"Unknown outreach event {event!r}")
    if position < 0:
        raise ValueError("A ladder position is never negative")
    if event not in ESCALATING_EVENTS:
        return None
    n = position + 1
    if n > len(ladder):
        return None
    params = dict(ladder[n - 1])
    return LadderStep(position=n, kind=params.get("kind", ""), params=params, rule=step_rule(ladder, n),
                      is_last=n == len(ladder))


@dataclass(frozen=True)
class CloseDecision:
    close: bool
    reason: str


def close_decision(params: dict, *, danger: bool) -> CloseDecision:
    """Closing the outreach (Amsterdam: a lasting no is respected, unless there is danger)."""
    if danger and params.get("except_when_danger", True):
        return CloseDecision(False, "Niet afgesloten: er zijn zorgen over de veiligheid; overleg over vervolg nodig")
    if params.get("respect_lasting_no"):
        return CloseDecision(True, "Afgesloten: een blijvend nee wordt gerespecteerd (geen contact na de stappen "
                                   "van de no-showladder)")
    return CloseDecision(True, "Afgesloten na de laatste stap van de no-showladder")


# --------------------------------------------------------------------------------------------------------------------
# Reminders
# --------------------------------------------------------------------------------------------------------------------

INVITATION_REMINDER_AFTER_DAYS = 3
APPOINTMENT_REMINDER_DAYS_BEFORE = 2


def invitation_reminder_due(*, sent_on: dt.date, expires_on: dt.date, today: dt.date, booked: bool, paused: bool,
                            already_sent: bool, after_days: int = INVITATION_REMINDER_AFTER_DAYS) -> bool:
    """A reminder for an invitation that is still unbooked, from `after_days` days after it was sent.

    Never after booking, never twice, never while the person's reminders are paused, never once the invitation
    has expired.
    """
    if booked or paused or already_sent:
        return False
    return sent_on + dt.timedelta(days=after_days) <= today <= expires_on


def appointment_reminder_due(*, starts_on: dt.date, booked_on: dt.date, today: dt.date, planned: bool, paused: bool,
                             already_sent: bool, days_before: int = APPOINTMENT_REMINDER_DAYS_BEFORE) -> bool:
    """A reminder `days_before` days before an appointment (sent late, the day before, if the night run was missed).

    Not on or after the day itself, not for an appointment booked inside the reminder window (the booking
    confirmation is fresh), never twice, never while paused, never for an appointment that is no longer planned.
    """
    if not planned or paused or already_sent:
        return False
    window_opens = starts_on - dt.timedelta(days=days_before)
    if booked_on >= window_opens:
        return False
    return window_opens <= today < starts_on


# --------------------------------------------------------------------------------------------------------------------
# Appointment kinds (DESIGN §8): each says whether attendance is obligatory and whether absence can lead to a measure
# --------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AppointmentKind:
    code: str
    label: str
    obligatory: bool
    measure_possible: bool
    where: str = "venue"  # venue | home
    minutes: int = 30
    rule: str = ""

    @property
    def is_home_visit(self):
        return self.where == "home"


DEFAULT_KINDS = (
    ("intake", "Kennismakingsgesprek", "venue", 45),
    ("wijkcontactdag", "Wijkcontactdag", "venue", 30),
    ("follow_up", "Vervolggesprek", "venue", 30),
    ("home_visit", "Huisbezoek", "home", 60),
)
MEASURE_STEPS = ("measure_proposal", "no_show_action_letter")


def default_obligations(*, stance: str, ladder: list[dict], reciprocity: dict) -> tuple[bool, bool, str]:
    """Obligatory / measure possible for a profile that lists no appointment kinds, from its stance and ladder."""
    obligatory = stance in ("mandatory", "pressure")
    measure = obligatory and (bool(reciprocity.get("sanction"))
                              or any(step.get("kind") in MEASURE_STEPS for step in ladder))
    rule = (f"standaard uit het beleidsprofiel: houding '{stance}'"
            + (", de no-showladder kent een maatregel" if measure else ""))
    return obligatory, measure, rule


def appointment_kinds(extra: dict, *, stance: str, ladder: list[dict], reciprocity: dict) -> list[AppointmentKind]:
    """The profile's appointment kinds: `extra["appointment_kinds"]` when present, else sensible defaults.

    A measure is only possible for obligatory attendance.
    """
    configured = (extra or {}).get("appointment_kinds")
    if isinstance(configured, list) and configured:
        kinds = []
        for item in configured:
            if not isinstance(item, dict) or not item.get("code"):
                continue
            obligatory = bool(item.get("obligatory", False))
            kinds.append(AppointmentKind(
                code=str(item["code"]), label=str(item.get("label") or item["code"]), obligatory=obligatory,
                measure_possible=obligatory and bool(item.get("measure_possible", False)),
                where="home" if item.get("where") == "home" else "venue", minutes=int(item.get("minutes") or 30),
                rule="afspraaksoort uit het beleidsprofiel (extra.appointment_kinds)",
            ))
        if kinds:
            return kinds
    obligatory, measure, rule = default_obligations(stance=stance, ladder=ladder, reciprocity=reciprocity)
    yearly_required = bool((extra or {}).get("yearly_talk_required"))
    result = []
    for code, label, where, minutes in DEFAULT_KINDS:
        kind_obligatory = obligatory or (yearly_required and code == "wijkcontactdag")
        result.append(AppointmentKind(code, label, kind_obligatory, measure and kind_obligatory, where, minutes, rule))
    return result


def find_kind(kinds: list[AppointmentKind], code: str) -> AppointmentKind | None:
    return next((k for k in kinds if k.code == code), None)


# --------------------------------------------------------------------------------------------------------------------
# Slots
# --------------------------------------------------------------------------------------------------------------------


def overlaps(a_start, a_end, b_start, b_end) -> bool:
    """Two half-open periods [start, end) overlap (back-to-back slots do not)."""
    return a_start < b_end and b_start < a_end


# --------------------------------------------------------------------------------------------------------------------
# Campaign statistics
# --------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutreachFacts:
    """What statistics need to know about one resident's outreach, as plain data."""

    invited_on: dt.date | None
    self_booked: bool
    appointments: tuple[tuple[str, str], ...] = ()  # (how: invitation|convocation, status)
    first_conversation_on: dt.date | None = None


@dataclass(frozen=True)
class CampaignStatistics:
    invited: int
    self_booked: int
    self_booked_share: float | None
    invitation_outcomes: int
    invitation_no_shows: int
    no_show_rate_invitation: float | None
    convocation_outcomes: int
    convocation_no_shows: int
    no_show_rate_convocation: float | None
    reached: int
    median_days_to_first_conversation: float | None
    mean_days_to_first_conversation: float | None


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def campaign_statistics(rows: list[OutreachFacts]) -> CampaignStatistics:
    """Share who booked themselves; no-show rate after an invitation vs after a convocation (among appointments
    whose attendance is known: attended or no-show); days from the first invitation to the first conversation."""
    invited = [r for r in rows if r.invited_on is not None]
    self_booked = sum(1 for r in invited if r.self_booked)
    outcome = {"attended", "no_show"}
    inv = [status for r in rows for how, status in r.appointments if how == "invitation" and status in outcome]
    conv = [status for r in rows for how, status in r.appointments if how == "convocation" and status in outcome]
    days = [(r.first_conversation_on - r.invited_on).days for r in invited
            if r.first_conversation_on is not None and r.first_conversation_on >= r.invited_on]
    return CampaignStatistics(
        invited=len(invited),
        self_booked=self_booked,
        self_booked_share=_rate(self_booked, len(invited)),
        invitation_outcomes=len(inv),
        invitation_no_shows=inv.count("no_show"),
        no_show_rate_invitation=_rate(inv.count("no_show"), len(inv)),
        convocation_outcomes=len(conv),
        convocation_no_shows=conv.count("no_show"),
        no_show_rate_convocation=_rate(conv.count("no_show"), len(conv)),
        reached=len(days),
        median_days_to_first_conversation=float(stats.median(days)) if days else None,
        mean_days_to_first_conversation=round(stats.fmean(days), 1) if days else None,
    )
