"""Behavioural parameters of the policy simulator: every one an explicit, documented assumption with uncertainty.

The policy (who is invited, the no-show ladder, contact norms, measures, money) comes from the policy profile and
the live rules. How people *respond* to that policy does not: it is assumed here. Each parameter has

- a central value (for the parameters marked `calibrated`, the value fitted to the Rotterdam figures of DESIGN §5 by
  `meedoen.simulation.calibration`, stored in `data/calibrated.json`; otherwise an assumption),
- an uncertainty range `low`..`high` and a distribution over it, drawn once per run,
- its source: "DESIGN §x" where the research gives a figure, "calibrated" where it was fitted, or "assumption"
  where nothing published pins it down (then the range is deliberately wide).

No Django imports: the simulator, the bench and worker processes (Dask, Ray) import this module alone.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CALIBRATED_FILE = Path(__file__).parent / "data" / "calibrated.json"
CATEGORIES = ("volunteering", "informal_care", "language", "movement", "own_barriers", "other")
CATEGORY_LABELS = {
    "volunteering": "Vrijwilligerswerk",
    "informal_care": "Mantelzorg",
    "language": "Taal",
    "movement": "Bewegen",
    "own_barriers": "Werken aan eigen belemmeringen",
    "other": "Overig",
}


@dataclass(frozen=True)
class Assumption:
    name: str
    central: float
    low: float
    high: float
    distribution: str  # "triangular" (low, central, high) or "relative" (central × a triangular factor low..high)
    source: str  # "calibrated", "DESIGN §…", or "assumption"
    description: str

    def draw(self, rng: np.random.Generator, central: float | None = None) -> float:
        c = self.central if central is None else central
        if self.distribution == "relative":
            return c * rng.triangular(self.low, 1.0, self.high)
        low, high = min(self.low, c), max(self.high, c)
        if high == low:
            return c
        return float(rng.triangular(low, c, high))


# The calibrated parameters' bands are relative (×0.85..×1.15): the fit gives a point; the band stands for the
# rounding of the published figures and for the unknown transfer of Rotterdam's behaviour to another population.
_REL = (0.85, 1.15)

ASSUMPTIONS: tuple[Assumption, ...] = (
    # -- outreach ---------------------------------------------------------------------------------------------------
    Assumption("outreach_rate", 0.03, *_REL, "relative", "calibrated",
               "Share of the not-yet-approached activation group that gets a first invitation in a month (capacity "
               "of the Taskforce, neighbourhood by neighbourhood). Fitted to 'three quarters approached' (§5)."),
    Assumption("respond_invitation", 0.85, 0.95, 1.05, "relative", "calibrated",
               "Chance to come to (or book) a conversation after an invitation or second invitation. Fitted to 360 "
               "no show-acties in 2016 (§5)."),
    Assumption("respond_registered_letter", 0.5, 0.3, 0.7, "triangular", "assumption",
               "Chance to come after a registered letter with a convocation. Not published."),
    Assumption("respond_action_letter", 0.7, 0.95, 1.05, "relative", "calibrated",
               "Chance to come after the no show-actie letter that announces a measure. Fitted to 95 measures per "
               "360 no show-acties (§5), given blame_share."),
    Assumption("blame_share", 0.9, 0.75, 1.0, "triangular", "assumption",
               "Share of measure proposals in which the resident is to blame (art. 18 lid 9): the others end without "
               "a measure."),
    Assumption("home_visit_met", 0.6, 0.4, 0.8, "triangular", "assumption",
               "Chance that a home visit reaches the resident (Amsterdam's ladder)."),
    Assumption("tone_effect_inviting", 1.0, 0.85, 1.15, "triangular", "assumption",
               "Response multiplier of an inviting letter tone against an obligating one. No published effect: "
               "centred on 1 with a wide band."),
    # -- after the first conversation -------------------------------------------------------------------------------
    Assumption("exempt", 0.08, *_REL, "relative", "calibrated",
               "Base chance of an exemption on social or medical grounds at the first conversation (multiplied by "
               "the resident's health and care burden). Fitted to ~1,500 exemptions (§5)."),
    Assumption("exemption_continues", 0.85, 0.7, 0.95, "triangular", "assumption",
               "Chance that a temporary exemption continues at its yearly review (art. 9 lid 2; reviewed within "
               "12 months)."),
    Assumption("accept", 0.7, *_REL, "relative", "calibrated",
               "Chance to start an activity at the first conversation under a mandatory tegenprestatie with "
               "sanction (a refusal is then summoned again under the ladder). Fitted to 'of those approached, three "
               "quarters did a tegenprestatie' (§5)."),
    Assumption("accept_follow_up", 0.15, 0.1, 0.25, "triangular", "assumption",
               "Chance to (re)start an activity at a follow-up contact after having stopped or declined."),
    Assumption("accept_not_enforced", 0.8, 0.6, 1.0, "triangular", "assumption",
               "Acceptance multiplier when the tegenprestatie is asked but not enforced (Utrecht, Tilburg)."),
    Assumption("accept_voluntary", 0.75, 0.5, 0.95, "triangular", "assumption",
               "Acceptance multiplier when the tegenprestatie is voluntary (Amsterdam, Bremen)."),
    Assumption("accept_none", 0.5, 0.3, 0.8, "triangular", "assumption",
               "Acceptance multiplier when no tegenprestatie is asked (Stockholm: work first)."),
    Assumption("via_partner", 0.35, 0.2, 0.5, "triangular", "assumption",
               "Share of starts arranged through a referral to a welfare partner (§5: partners guide ~3,000 a "
               "year; how many of those came through the Taskforce is not published)."),
    Assumption("partner_places", 0.6, 0.5, 0.67, "triangular", "DESIGN §4.7",
               "Chance that the partner places the resident; otherwise returned with advice (one third to one half "
               "of cases, §4.7)."),
    Assumption("dropout", 0.01, *_REL, "relative", "calibrated",
               "Monthly chance that an active resident stops, at a contact norm of 182 days. Fitted to 12,000 doing a "
               "tegenprestatie (§5); the result is low, in line with 80-90 % of former participants still active a "
               "year later (§4.7)."),
    Assumption("follow_up_elasticity", 0.3, 0.0, 0.6, "triangular", "assumption",
               "Dropout scales with (contact norm / 182 days) to this power: attention is the success factor "
               "(§4.1). 0 means follow-up frequency does not matter."),
    # -- leaving bijstand -------------------------------------------------------------------------------------------
    Assumption("work_furthest", 0.0004, *_REL, "relative", "calibrated",
               "Monthly chance of paid work in the furthest segment (the activation group). Fitted to 275 in three "
               "years (§5)."),
    Assumption("work_closer", 0.015, 0.01, 0.025, "triangular", "assumption",
               "Monthly chance of paid work in the other segments."),
    Assumption("work_active_effect", 1.0, 0.8, 1.2, "triangular", "DESIGN §5",
               "Work multiplier while doing an activity: Rotterdam found no effect on job chances (§5)."),
    Assumption("work_contact_elasticity", 0.1, 0.0, 0.3, "triangular", "DESIGN §3",
               "Work multiplier (182 days / contact norm) to this power: extra attention gave more (part-time) work "
               "in the Amsterdam experiment (§3); size assumed."),
    Assumption("work_premium_effect", 2.0, 1.5, 2.5, "triangular", "DESIGN §3",
               "Work multiplier when the profile pays an earnings premium: 'the earnings premium doubled job "
               "finding' (§3)."),
    Assumption("leave_other", 0.004, 0.002, 0.006, "triangular", "assumption",
               "Monthly chance of leaving bijstand for other reasons (moving, partner's income, death)."),
    # -- caseworker time --------------------------------------------------------------------------------------------
    Assumption("ladder_step_minutes", 15, 10, 25, "triangular", "assumption",
               "Caseworker minutes per no-show ladder letter (preparing, checking, registering)."),
    Assumption("overhead", 0.5, 0.3, 0.8, "triangular", "assumption",
               "Caseworker time besides appointments (notes, plans, consultation) as a share of appointment time."),
    Assumption("productive_hours_per_month", 100, 90, 115, "triangular", "assumption",
               "Hours a full-time caseworker spends on residents in a month (after leave, training, meetings)."),
)
# Category weights: the resident's chance to pick each kind of activity, before the resident's own situation is
# taken into account (choice, DESIGN §4.4). Fitted to the §5 split 4,000 / 1,400 / 1,200 / 500 / 3,000 / ~1,000.
CATEGORY_WEIGHT_NAMES = tuple(f"category_{code}" for code in CATEGORIES)
ASSUMPTIONS += tuple(
    Assumption(name, 1.0, *_REL, "relative", "calibrated",
               f"Weight of the activity category '{code}' in the resident's choice; multiplied by "
               f"CATEGORY_FIT for residents whose situation fits it. Fitted to the §5 split.")
    for name, code in zip(CATEGORY_WEIGHT_NAMES, CATEGORIES)
)
BY_NAME = {a.name: a for a in ASSUMPTIONS}
CALIBRATED = tuple(a.name for a in ASSUMPTIONS if a.source == "calibrated")

# How strongly a fitting situation pulls a resident to a category (low language → language, informal care duties →
# mantelzorg, health → movement, debts / severe mental health / addiction / crisis → own barriers). Assumption.
CATEGORY_FIT = 3.0
# How much a severe health limitation, a crisis or heavy care duties raise the chance of an exemption. Assumption.
EXEMPTION_FIT = 4.0


def calibrated_values(path: Path = CALIBRATED_FILE) -> dict[str, float]:
    """The fitted central values; the defaults above when no calibration has been stored."""
    if path.exists():
        data = json.loads(path.read_text())
        return {k: float(v) for k, v in data.get("parameters", {}).items() if k in BY_NAME}
    return {}


def central_values(overrides: dict | None = None) -> dict[str, float]:
    values = {a.name: float(a.central) for a in ASSUMPTIONS}
    values.update(calibrated_values())
    values.update(overrides or {})
    return values


def draw_parameters(rng: np.random.Generator, centrals: dict[str, float], uncertain: bool = True) -> dict[str, float]:
    """One run's parameters: every assumption drawn from its range around its central value (in a fixed order, so a
    run's seed fixes all of them), or the central values when `uncertain` is False."""
    drawn = {}
    for a in ASSUMPTIONS:
        value = a.draw(rng, centrals[a.name])
        drawn[a.name] = value if uncertain else centrals[a.name]
    return drawn


def as_table() -> list[dict]:
    """The assumptions as rows for the docs and the screen."""
    values = central_values()
    return [{"name": a.name, "central": values[a.name], "low": a.low, "high": a.high, "distribution": a.distribution,
             "source": a.source, "description": a.description} for a in ASSUMPTIONS]
