"""Pure follow-up rules (DESIGN §4.1): every resident in guidance always has a next-contact date.

No Django imports: the web layer, the nightly task and the simulator use the same functions.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class NextContact:
    due_on: dt.date
    rule: str


def contact_norm_days(contact_norms: dict, segment: str, intensity: str) -> int | None:
    """The profile's contact interval in days for a segment and intensity (None when the profile has none)."""
    per_segment = contact_norms.get(segment) if segment else None
    if not per_segment:
        return None
    return per_segment.get(intensity) or per_segment.get("light")


def next_contact(*, last_contact_on: dt.date | None, started_on: dt.date, norm_days: int | None,
                 plan_review_on: dt.date | None = None) -> NextContact:
    """The earliest of: last contact + the profile's norm, and the plan's review date.

    Without any contact yet, the first conversation is due at once (from the start of guidance).
    Without a norm (no segment yet), a first assessment is due: 28 days after the last contact or start.
    """
    base = last_contact_on or started_on
    if last_contact_on is None:
        candidates = [(started_on, "nog geen contact geweest: eerste gesprek nodig")]
    elif norm_days is None:
        candidates = [(base + dt.timedelta(days=28), "nog geen segment: binnen 4 weken een inschatting")]
    else:
        candidates = [(base + dt.timedelta(days=norm_days), f"laatste contact + contactnorm {norm_days} dagen")]
    if plan_review_on is not None:
        candidates.append((plan_review_on, "evaluatiedatum van het plan van aanpak"))
    due, rule = min(candidates, key=lambda c: c[0])
    return NextContact(due, rule)
