"""A policy profile turned into the simulator's inputs, through the live rules. No Django imports.

A profile is taken as plain data: the `PolicyProfile` model (see `profile_data`) or a preset JSON file
(policy/presets/*.json, for the bench and worker processes without a database). Nothing here asks which
municipality a profile belongs to; everything follows from its settings.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np

from meedoen.assessment.rules import DEFAULT_WEIGHTS
from meedoen.guidance.rules import SUMMONS_STANCES
from meedoen.obligations import rules as obligation_rules
from meedoen.outreach import rules as outreach_rules

from . import vectorised as vec

PRESET_DIR = Path(__file__).resolve().parent.parent / "policy" / "presets"
NORMS_FILE = Path(__file__).resolve().parent.parent / "money" / "norms" / "2026-01-01.json"
PROFILE_FIELDS = ("segmentation", "contact_norms", "caseload_norms", "no_show_ladder", "reciprocity", "stance",
                  "letter_tone", "assessment_weights", "extra")


def preset_keys() -> list[str]:
    return sorted(p.stem for p in PRESET_DIR.glob("*.json"))


def preset_data(key: str) -> dict:
    path = PRESET_DIR / f"{key}.json"
    if not path.exists():
        raise ValueError(f"unknown preset {key!r}")
    return json.loads(path.read_text())


def profile_data(profile) -> dict:
    """The settings of a PolicyProfile model instance as the plain dict the simulator takes."""
    data = {name: getattr(profile, name) for name in PROFILE_FIELDS}
    data.update(key=profile.key, name=profile.name, version=profile.version)
    return data


def load_norms() -> dict:
    return json.loads(NORMS_FILE.read_text())["norms"]


@dataclass(frozen=True)
class SimPolicy:
    key: str
    name: str
    segment_codes: tuple[str, ...]
    segmentation: dict
    weights: dict
    norm_table: np.ndarray  # [segment, intensive] days
    ladder: vec.LadderArrays
    measures: vec.MeasureArrays | None
    reciprocity_mode: str
    reciprocity_enforceable: bool
    summons_on_refusal: bool
    inviting_tone: bool
    earnings_premium: bool
    minutes: dict  # intake / follow_up / home_visit
    norms: dict
    repeat_window_months: int

    @classmethod
    def from_profile(cls, data: dict) -> "SimPolicy":
        groups = data["segmentation"]["groups"]
        extra = data.get("extra") or {}
        ladder_steps = list(data.get("no_show_ladder") or [])
        reciprocity = data.get("reciprocity") or {}
        # Obligations as the live rule states them for someone with a signed plan of 20 hours and no exemption.
        obligations = obligation_rules.obligations_on(
            dt.date(2026, 1, 1), reciprocity=reciprocity,
            plan=obligation_rules.PlanFacts(capacity_hours_per_week=Decimal(20)))
        tegenprestatie = next(o for o in obligations if o.code == obligation_rules.RECIPROCITY)
        measure_settings = extra.get("measures") or {}
        measures = None
        if measure_settings.get("categories") and any(s.get("kind") == "measure_proposal" for s in ladder_steps):
            category = measure_settings.get("ladder_category") or measure_settings["categories"][0]["code"]
            measures = vec.MeasureArrays.from_settings(measure_settings, category)
        kinds = outreach_rules.appointment_kinds(extra, stance=data["stance"], ladder=ladder_steps,
                                                 reciprocity=reciprocity)
        minutes = {"intake": 45, "follow_up": 30, "home_visit": 60}
        for kind in kinds:
            if kind.code in minutes:
                minutes[kind.code] = kind.minutes
        mode = str(reciprocity.get("mode") or "none")
        if tegenprestatie.status == obligation_rules.NOT_ASKED:
            mode = "none"
        return cls(
            key=data.get("key", ""), name=data.get("name", data.get("key", "")),
            segment_codes=tuple(g["code"] for g in groups), segmentation=data["segmentation"],
            weights=data.get("assessment_weights") or DEFAULT_WEIGHTS,
            norm_table=vec.contact_norm_table(data["contact_norms"], [g["code"] for g in groups]),
            ladder=vec.LadderArrays.from_ladder(ladder_steps), measures=measures,
            reciprocity_mode=mode, reciprocity_enforceable=tegenprestatie.enforceable,
            summons_on_refusal=data["stance"] in SUMMONS_STANCES and tegenprestatie.enforceable,
            inviting_tone=data.get("letter_tone") == "inviting",
            earnings_premium=bool(extra.get("earnings_premium") or (extra.get("money") or {}).get("premiums")),
            minutes=minutes, norms=load_norms(),
            repeat_window_months=int(measure_settings.get("repeat_window_months",
                                                          obligation_rules.REPEAT_WINDOW_MONTHS)),
        )

    def accept_multiplier(self, params: dict) -> float:
        if self.reciprocity_mode == "mandatory" and self.reciprocity_enforceable:
            return 1.0
        return {"mandatory": params["accept_not_enforced"], "not_enforced": params["accept_not_enforced"],
                "voluntary": params["accept_voluntary"]}.get(self.reciprocity_mode, params["accept_none"])


def resolve(profile) -> SimPolicy:
    """A SimPolicy from a preset key, a settings dict or a PolicyProfile instance."""
    if isinstance(profile, SimPolicy):
        return profile
    if isinstance(profile, str):
        return SimPolicy.from_profile(preset_data(profile))
    if isinstance(profile, dict):
        return SimPolicy.from_profile(profile)
    return SimPolicy.from_profile(profile_data(profile))
