"""Pure post-processing for the monitoring indicators: shares, categories, funnel, ladder movement, small-cell
suppression, coarsening. No Django imports: these run on plain data and are unit- and property-tested."""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

# The tegenprestatie categories of DESIGN §5 (Rotterdam), in the order they are reported.
CATEGORIES = ("volunteering", "informal_care", "language", "movement", "own_barriers", "other")

# Offer categories (offer.ActivityCategory) and plan step kinds (guidance.PlanStep.Kind) mapped onto those six.
# Work categories are not a tegenprestatie: they count as flow to re-integration / work (None here).
WORK_KINDS = frozenset({"work_brigade", "one_euro_job", "municipal_job", "ips", "paid_job", "work"})
_CATEGORY_OF = {
    "volunteering": "volunteering",
    "informal_care": "informal_care",
    "language": "language",
    "movement": "movement",
    "own_barriers": "own_barriers",
}

SMALL_CELL = 5  # every displayed or exported count from 1 to 4 is shown as "<5" (suppress, suppress_group)
HIDDEN = "x"  # a count hidden only so that a small one cannot be worked out from a total (secondary suppression)


def category_of(kind: str) -> str | None:
    """The reporting category of an offer category or plan step kind; None for work (not a tegenprestatie)."""
    if kind in WORK_KINDS:
        return None
    return _CATEGORY_OF.get(kind, "other")


def primary_category(categories: Iterable[str]) -> str | None:
    """One main category per person, so the categories add up to the total (the first in CATEGORIES order wins)."""
    present = set(categories)
    for category in CATEGORIES:
        if category in present:
            return category
    return None


def share(part: int | None, whole: int | None) -> float | None:
    """part / whole as a fraction, or None when undefined (no denominator)."""
    if part is None or not whole:
        return None
    return part / whole


@dataclass(frozen=True)
class Interval:
    """A person doing something in a category from `start` to `end` (inclusive; None = still going)."""

    resident_id: int
    category: str
    start: dt.date
    end: dt.date | None


def overlaps(interval: Interval, start: dt.date, end: dt.date) -> bool:
    return interval.start <= end and (interval.end is None or interval.end >= start)


def active_categories(intervals: Iterable[Interval], start: dt.date, end: dt.date) -> dict[int, set[str]]:
    """Per resident, the categories with activity overlapping [start, end]."""
    result: dict[int, set[str]] = defaultdict(set)
    for interval in intervals:
        if overlaps(interval, start, end):
            result[interval.resident_id].add(interval.category)
    return dict(result)


def count_by_primary_category(active: Mapping[int, set[str]]) -> dict[str, int]:
    counts = Counter(primary_category(cats) for cats in active.values())
    return {category: counts.get(category, 0) for category in CATEGORIES}


def active_without(active: Mapping[int, set[str]], excluded: str) -> int:
    """How many residents are active in another category than `excluded` (share active without informal care)."""
    return sum(1 for cats in active.values() if cats - {excluded})


def months_between(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Calendar months touching [start, end], each as (first day, last day clipped to the period)."""
    months = []
    first = start.replace(day=1)
    while first <= end:
        nxt = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        months.append((max(first, start), min(nxt - dt.timedelta(days=1), end)))
        first = nxt
    return months


def active_by_month(intervals: Sequence[Interval], start: dt.date,
                    end: dt.date) -> list[tuple[dt.date, dict[str, int]]]:
    """Per month of the period: residents active per (primary) category. One pass over the intervals: each is added
    to the months it overlaps (found by month arithmetic, not by testing every month)."""
    months = months_between(start, end)
    per_month: list[dict[int, set[str]]] = [defaultdict(set) for _ in months]

    def index(day: dt.date) -> int:
        return (day.year - start.year) * 12 + day.month - start.month

    last_index = len(months) - 1
    for interval in intervals:
        if not overlaps(interval, start, end):
            continue
        first = max(0, index(interval.start))
        last = last_index if interval.end is None else min(last_index, index(interval.end))
        for i in range(first, last + 1):
            per_month[i][interval.resident_id].add(interval.category)
    return [(m_start, count_by_primary_category(active)) for (m_start, _m_end), active in zip(months, per_month)]


def funnel_counts(steps: Sequence[set[int]]) -> list[int]:
    """Nested funnel: step k counts the people who are in step k AND in every earlier step."""
    counts = []
    current: set[int] | None = None
    for members in steps:
        current = set(members) if current is None else current & members
        counts.append(len(current))
    return counts


def ladder_movement(measurements: Iterable[tuple[int, dt.date, int]], start: dt.date, end: dt.date) -> dict:
    """Participatieladder movement over a period.

    `measurements`: (resident_id, measured_on, step) for any date up to `end`. For each resident the "from" step is the
    last measurement on or before `start` (or, if none, the first in the period) and the "to" step the last
    measurement in the period that comes after the "from" measurement. Residents without such a pair are not counted.
    Returns {"matrix": {(from, to): n}, "up": n, "same": n, "down": n, "pairs": n}.
    """
    # One pass: per resident keep the last measurement on/before `start` ("before"), and the first and last
    # measurements inside the period. Two measurements on one day are ordered by step, so the result never depends
    # on the order of the rows.
    before: dict[int, tuple[dt.date, int]] = {}
    first_in: dict[int, tuple[dt.date, int]] = {}
    last_in: dict[int, tuple[dt.date, int]] = {}
    count_in: Counter = Counter()
    for resident_id, day, step in measurements:
        if day > end:
            continue
        if day <= start:
            if resident_id not in before or (day, step) > before[resident_id]:
                before[resident_id] = (day, step)
        else:
            count_in[resident_id] += 1
            if resident_id not in first_in or (day, step) < first_in[resident_id]:
                first_in[resident_id] = (day, step)
            if resident_id not in last_in or (day, step) > last_in[resident_id]:
                last_in[resident_id] = (day, step)
    matrix: Counter = Counter()
    for resident_id, (_day, step) in before.items():
        if resident_id in last_in:
            matrix[(step, last_in[resident_id][1])] += 1
    for resident_id, last in last_in.items():
        if resident_id not in before and count_in[resident_id] >= 2:
            matrix[(first_in[resident_id][1], last[1])] += 1
    up = sum(n for (a, b), n in matrix.items() if b > a)
    down = sum(n for (a, b), n in matrix.items() if b < a)
    same = sum(n for (a, b), n in matrix.items() if b == a)
    return {"matrix": dict(matrix), "up": up, "same": same, "down": down, "pairs": up + same + down}


CONTACT_BUCKETS = (
    ("0-3", 0, 91),
    ("3-6", 92, 182),
    ("6-12", 183, 365),
    ("12+", 366, None),
)


def contact_bucket(last_contact: dt.date | None, on: dt.date) -> str:
    """Bucket of the time since last contact, measured at `on`: 0-3, 3-6, 6-12, 12+ months, or "never"."""
    if last_contact is None:
        return "never"
    days = max((on - last_contact).days, 0)  # a contact recorded after `on` counts as recent
    for code, _low, high in CONTACT_BUCKETS:
        if high is None or days <= high:
            return code
    raise AssertionError("unreachable: the last bucket is open-ended")


CASELOAD_BANDS = (50, 100, 150, 200, 250, 300, 350)


def caseload_distribution(caseworker_ids: Iterable[int | None], bands: Sequence[int] = CASELOAD_BANDS
                          ) -> list[tuple[str, int]]:
    """How many caseworkers carry a caseload in each band, from the caseworker id of every resident in the selection
    (None: no caseworker, not counted). Bands are [0, b1), [b1, b2), ..., [b_last, ∞). A distribution, never a list
    of people (DESIGN §4.9)."""
    per_caseworker = Counter(cid for cid in caseworker_ids if cid is not None)
    edges = [0, *bands]
    labels = [f"{lo}–{hi - 1}" for lo, hi in zip(edges, edges[1:])] + [f"{edges[-1]}+"]
    counts = [0] * len(labels)
    for size in per_caseworker.values():
        index = next((i for i, hi in enumerate(bands) if size < hi), len(bands))
        counts[index] += 1
    return list(zip(labels, counts))


def suppress(count: int | None, threshold: int = SMALL_CELL) -> str | int | None:
    """Small-cell suppression, the one rule for every count monitoring shows or exports, whatever the filters:
    1..threshold-1 becomes "<threshold"; 0 and larger counts stay."""
    if count is None:
        return None
    if 0 < count < threshold:
        return f"<{threshold}"
    return count


def is_suppressed(count: int | None, threshold: int = SMALL_CELL) -> bool:
    return count is not None and 0 < count < threshold


def hidden_cells(counts: Sequence[int | None], threshold: int = SMALL_CELL) -> set[int]:
    """Which cells of one additive group to hide: cells that add up to a total that is shown too (the categories
    to "active", the wijken to "residents", the contact buckets to the population).

    Every small count (suppress) is hidden. Subtracting the shown cells from the total would give the hidden ones
    away, so while the hidden cells together hold fewer than `threshold` people, the smallest other non-zero cell is
    hidden as well (secondary suppression). Afterwards the hidden cells hold 0 or at least `threshold` people, and a
    single hidden small cell never stands alone. Zeros stay shown: hiding them adds no doubt."""
    hidden = {i for i, count in enumerate(counts) if is_suppressed(count, threshold)}
    if not hidden:
        return hidden
    others = sorted((count, i) for i, count in enumerate(counts) if i not in hidden and count)
    total = sum(counts[i] for i in hidden)
    for count, i in others:
        if total >= threshold and len(hidden) > 1:
            break
        hidden.add(i)
        total += count
    return hidden


def suppress_group(counts: Sequence[int | None], threshold: int = SMALL_CELL) -> list[int | str | None]:
    """The cells of one additive group as shown: "<threshold" for a small count, HIDDEN for a cell hidden only to
    protect a small one (hidden_cells), the count otherwise."""
    hidden = hidden_cells(counts, threshold)
    return [(suppress(count, threshold) if is_suppressed(count, threshold) else HIDDEN) if i in hidden else count
            for i, count in enumerate(counts)]


def is_shown(value) -> bool:
    """True for a displayed number; False for a suppression marker ("<5", HIDDEN) or a missing value."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def month_of(day: dt.date | dt.datetime | None) -> str:
    """Coarsen a date to its month (YYYY-MM) for research exports."""
    if day is None:
        return ""
    return f"{day.year:04d}-{day.month:02d}"


def age_band(date_of_birth: dt.date, on: dt.date) -> str:
    """Five-year age band (e.g. "45-49"), from which the exact birth date cannot be recovered."""
    years = on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    low = (years // 5) * 5
    return f"{low}-{low + 4}"
