"""Vectorised forms of the live rules, for whole populations at once (numpy arrays, one element per resident).

Each function here has a live counterpart, a pure function the web layer, the API and the tasks call for one
resident. `tests/test_vectorised.py` proves element by element, on random (hypothesis) inputs, that the two agree:

| here                          | live rule                                                        |
|-------------------------------|------------------------------------------------------------------|
| `estimated_months`            | `assessment.rules.score` (de knip: months to work)               |
| `segment_index`               | `assessment.rules.segment_for`                                   |
| `contact_norm_days`           | `guidance.rules.contact_norm_days`                               |
| `next_contact_day`            | `guidance.rules.next_contact` (follow-up)                        |
| `LadderArrays.next_position`  | `outreach.rules.next_step` (no-show ladder)                      |
| `MeasureArrays.decide`        | `obligations.rules.decide_measure` (the verordening's percentage)|
| `ReferralArrays.next_status`  | `referrals.rules.next_status`                                    |
| `monthly_benefit_cents`       | `money.rules.calculate` (norm, kostendelersnorm, offset, measure)|

Small lookup tables are built *by calling the live rule* for every possible input (a handful of segments, steps or
categories); the per-resident work is then a numpy gather. No Django imports.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from meedoen.assessment import rules as assessment_rules
from meedoen.guidance import rules as guidance_rules
from meedoen.obligations import rules as obligation_rules
from meedoen.outreach import rules as outreach_rules
from meedoen.referrals import rules as referral_rules

# -- the assessment (de knip) -----------------------------------------------------------------------------------------

CATEGORICAL_FACTORS = [f for f, _label in assessment_rules.FACTORS if f not in assessment_rules.BANDED_FACTORS]
BANDED_FACTORS = [f for f, _label in assessment_rules.FACTORS if f in assessment_rules.BANDED_FACTORS]
# The codes of each categorical factor, in the order of the default weights table: arrays hold their index.
FACTOR_CODES = {f: tuple(assessment_rules.DEFAULT_WEIGHTS[f]) for f in CATEGORICAL_FACTORS}


def encode(factor: str, values) -> np.ndarray:
    """Codes ('none', 'A1', …) as int8 indexes into FACTOR_CODES[factor]."""
    index = {code: i for i, code in enumerate(FACTOR_CODES[factor])}
    return np.fromiter((index[v] for v in values), dtype=np.int8, count=len(values))


def estimated_months(columns: dict[str, np.ndarray], weights: dict | None = None) -> np.ndarray:
    """assessment.rules.score(...).estimated_months for every resident: base + one contribution per factor, capped.

    `columns` holds int arrays: age, benefit_years, work_experience_years, and the FACTOR_CODES index of every
    categorical factor."""
    weights = weights or assessment_rules.DEFAULT_WEIGHTS
    total = np.full(len(columns["age"]), int(weights["base_months"]), dtype=np.int32)
    for factor in BANDED_FACTORS:
        bands = weights[factor]
        below = np.array([b["below"] for b in bands])
        months = np.array([int(b["months"]) for b in bands], dtype=np.int32)
        # _band: the first band whose `below` exceeds the value, else the last band.
        idx = np.minimum(np.searchsorted(below, np.asarray(columns[factor]), side="right"), len(bands) - 1)
        total += months[idx]
    for factor in CATEGORICAL_FACTORS:
        table = weights[factor]
        lookup = np.array([int(table[code]) for code in FACTOR_CODES[factor]], dtype=np.int32)
        total += lookup[np.asarray(columns[factor], dtype=np.intp)]
    return np.clip(total, 0, int(weights.get("max_months", 120)))


def segment_index(months: np.ndarray, age: np.ndarray, segmentation: dict) -> np.ndarray:
    """assessment.rules.segment_for(...).segment as an index into segmentation['groups'] (young-age rule included)."""
    groups = segmentation["groups"]
    bounds = np.array([g["max_months"] for g in groups[:-1]])
    idx = np.searchsorted(bounds, np.asarray(months), side="right").astype(np.int8)
    young = segmentation.get("young_age_limit", 27)
    last = len(groups) - 1
    return np.where((idx == last) & (np.asarray(age) < young), last - 1, idx).astype(np.int8)


# -- follow-up --------------------------------------------------------------------------------------------------------

def contact_norm_table(contact_norms: dict, segment_codes: list[str]) -> np.ndarray:
    """[segment index, intensive?] -> norm in days (0 where the profile has none), from the live rule."""
    table = np.zeros((len(segment_codes), 2), dtype=np.int32)
    for s, code in enumerate(segment_codes):
        for k, intensity in enumerate(("light", "intensive")):
            table[s, k] = guidance_rules.contact_norm_days(contact_norms, code, intensity) or 0
    return table


def contact_norm_days(segment: np.ndarray, intensive: np.ndarray, table: np.ndarray) -> np.ndarray:
    """guidance.rules.contact_norm_days per resident (0 = the profile has no norm for that segment)."""
    return table[np.asarray(segment, dtype=np.intp), np.asarray(intensive, dtype=np.intp)]


NO_DATE = -1  # day numbers are days since an epoch; NO_DATE stands for None


def next_contact_day(*, last_contact: np.ndarray, started: np.ndarray, norm_days: np.ndarray,
                     plan_review: np.ndarray | None = None, placed: np.ndarray | None = None) -> np.ndarray:
    """guidance.rules.next_contact(...).due_on as day numbers: the earliest of last contact + norm (or the first
    conversation at once, or a first assessment within 28 days without a norm), the plan's review date still ahead,
    and a placement not followed by a contact + PLACEMENT_SILENCE_DAYS."""
    last = np.asarray(last_contact)
    has_last = last != NO_DATE
    norm = np.asarray(norm_days)
    due = np.where(~has_last, np.asarray(started),
                   np.where(norm > 0, last + norm, last + guidance_rules.FIRST_ASSESSMENT_DAYS))
    if plan_review is not None:
        review = np.asarray(plan_review)
        use = (review != NO_DATE) & (~has_last | (review > last))
        due = np.where(use, np.minimum(due, review), due)
    if placed is not None:
        placed = np.asarray(placed)
        use = (placed != NO_DATE) & (~has_last | (placed > last))
        due = np.where(use, np.minimum(due, placed + guidance_rules.PLACEMENT_SILENCE_DAYS), due)
    return due


# -- the no-show ladder -----------------------------------------------------------------------------------------------

STEP_KINDS = ("invitation",) + tuple(k for k in outreach_rules.STEP_LABELS if k != "invitation")
KIND_INDEX = {kind: i for i, kind in enumerate(STEP_KINDS)}


@dataclass(frozen=True)
class LadderArrays:
    """A profile's no-show ladder as arrays. Position p (0..len) = p steps taken; kinds[p - 1] is step p's kind."""

    length: int
    start: int
    kinds: np.ndarray  # int8 KIND_INDEX per position 1..length, at index position-1

    @classmethod
    def from_ladder(cls, ladder: list[dict]) -> "LadderArrays":
        kinds = []
        for position in range(1, len(ladder) + 1):
            # The live rule names the step that follows a no-show at position - 1.
            step = outreach_rules.next_step(ladder, position - 1, outreach_rules.NO_SHOW)
            kinds.append(KIND_INDEX[step.kind])
        return cls(len(ladder), outreach_rules.start_position(ladder), np.array(kinds, dtype=np.int8))

    def next_position(self, position: np.ndarray, escalating: np.ndarray) -> np.ndarray:
        """outreach.rules.next_step(...).position, or -1 where it returns None (no escalation, or past the end)."""
        position = np.asarray(position)
        nxt = position + 1
        return np.where(np.asarray(escalating) & (nxt <= self.length), nxt, -1).astype(np.int8)

    def kind_at(self, position: np.ndarray) -> np.ndarray:
        """KIND_INDEX of the step at `position` (≥ 1); 'invitation' for position 0 (the campaign's own invitation)."""
        position = np.asarray(position, dtype=np.intp)
        if self.length == 0:
            return np.zeros(position.shape, dtype=np.int8)
        return np.where(position >= 1, self.kinds[np.clip(position - 1, 0, self.length - 1)],
                        KIND_INDEX["invitation"]).astype(np.int8)


# -- measures (the verordening) ---------------------------------------------------------------------------------------

BLAME_CODES = (obligation_rules.BLAME_FULL, obligation_rules.BLAME_REDUCED, obligation_rules.BLAME_NONE)


@dataclass(frozen=True)
class MeasureArrays:
    """One category of a profile's maatregelenverordening as arrays: percentage (in hundredths of a percent) and
    months per (blame, repeat step), filled in by the live decide_measure."""

    hundredths: np.ndarray  # [blame, step] int32
    months: np.ndarray  # [blame, step] int16
    steps: int

    @classmethod
    def from_settings(cls, settings: dict, category: str, regime: str = obligation_rules.ORDINANCE):
        found = obligation_rules.find_category(regime, settings, category)
        if found is None:
            raise ValueError(f"unknown measure category {category!r}")
        steps = len(found.steps)
        hundredths = np.zeros((len(BLAME_CODES), steps), dtype=np.int32)
        months = np.zeros((len(BLAME_CODES), steps), dtype=np.int16)
        for b, blame in enumerate(BLAME_CODES):
            for r in range(steps):
                decision = obligation_rules.decide_measure(regime=regime, settings=settings, category=category,
                                                           blame=blame, repeat_count=r)
                hundredths[b, r] = int(decision.percentage * 100)
                months[b, r] = decision.months
        return cls(hundredths, months, steps)

    def decide(self, blame: np.ndarray, repeat_count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(percentage in hundredths, months) of decide_measure for each resident; a repeat beyond the last step
        takes the last step again."""
        b = np.asarray(blame, dtype=np.intp)
        r = np.minimum(np.asarray(repeat_count, dtype=np.intp), self.steps - 1)
        return self.hundredths[b, r], self.months[b, r]


# -- referrals to partners --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReferralArrays:
    """referrals.rules.next_status as a table [status, action] -> status index, -1 where not allowed."""

    table: np.ndarray
    actor: str

    @classmethod
    def for_actor(cls, actor: str) -> "ReferralArrays":
        table = np.full((len(referral_rules.STATUSES), len(referral_rules.ACTIONS)), -1, dtype=np.int8)
        for s, status in enumerate(referral_rules.STATUSES):
            for a, action in enumerate(referral_rules.ACTIONS):
                try:
                    table[s, a] = referral_rules.STATUSES.index(referral_rules.next_status(status, action, actor))
                except referral_rules.TransitionNotAllowed:
                    pass
        return cls(table, actor)

    def next_status(self, status: np.ndarray, action: np.ndarray) -> np.ndarray:
        return self.table[np.asarray(status, dtype=np.intp), np.asarray(action, dtype=np.intp)]


STATUS_INDEX = {s: i for i, s in enumerate(referral_rules.STATUSES)}
ACTION_INDEX = {a: i for i, a in enumerate(referral_rules.ACTIONS)}


# -- money: the monthly benefit ---------------------------------------------------------------------------------------

NORM_CATEGORIES = ("single_21", "couple_21", "single_aow", "couple_aow", "single_18")
COUPLE = np.array([False, True, False, True, False])
AOW_BASE = np.array([False, False, True, True, False])


def norm_cents_table(norms: dict) -> np.ndarray:
    return np.array([int(Decimal(norms[c]) * 100) for c in NORM_CATEGORIES], dtype=np.int64)


def _round_half_up_div(numerator: np.ndarray, denominator) -> np.ndarray:
    """round-half-up(numerator / denominator) for non-negative integers, exactly (as Decimal's ROUND_HALF_UP)."""
    return (2 * numerator + denominator) // (2 * denominator)


def monthly_benefit_cents(category: np.ndarray, sharers: np.ndarray, income_cents: np.ndarray,
                          measure_hundredths: np.ndarray, norms: dict) -> dict[str, np.ndarray]:
    """money.rules.calculate for a whole month in one situation, per resident, in cents: the norm (art. 20-22),
    the kostendelersnorm (art. 22a) with `sharers` housemates of 27 or older, income that counts in full (art. 31:
    no disregard), off the norm (never below zero), and a measure of `measure_hundredths` / 100 percent of the norm
    for the whole month (art. 18 lid 2), never more than what is left. Returns norm, offset, measure and benefit."""
    table = norm_cents_table(norms)
    category = np.asarray(category, dtype=np.intp)
    sharers = np.asarray(sharers, dtype=np.int64)
    full = table[category].copy()
    couple = COUPLE[category]
    applies = (sharers > 0) & (category != NORM_CATEGORIES.index("single_18"))
    a = 1 + couple.astype(np.int64) + sharers
    base = np.where(AOW_BASE[category], table[NORM_CATEGORIES.index("couple_aow")],
                    table[NORM_CATEGORIES.index("couple_21")])
    safe_a = np.where(applies, a, 1)
    per_person = _round_half_up_div(base * (40 + 30 * safe_a), 100 * safe_a)
    full = np.where(applies, np.where(couple, 2 * per_person, per_person), full)
    offset = np.minimum(np.asarray(income_cents, dtype=np.int64), full)
    entitled = full - offset
    measure = _round_half_up_div(full * np.asarray(measure_hundredths, dtype=np.int64), 10_000)
    measure = np.minimum(measure, entitled)
    return {"norm": full, "offset": offset, "measure": measure, "benefit": entitled - measure}


def day_number(day: dt.date, epoch: dt.date = dt.date(2000, 1, 1)) -> int:
    return (day - epoch).days
