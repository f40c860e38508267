"""The assessment ("de knip") as pure functions: factors -> estimated months to work -> segment.

No Django imports: the web layer, the API, the seeder and the simulator all call these same functions.
Gender, nationality and ethnicity are never inputs (DESIGN §7, the AMS lesson); the inputs are exactly
the fields of `AssessmentInputs`.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

DEFAULT_WEIGHTS = json.loads((Path(__file__).parent / "default_weights.json").read_text())

# Factor order as shown to the caseworker, with Dutch labels.
FACTORS = [
    ("age", "Leeftijd"),
    ("benefit_years", "Duur van de uitkering"),
    ("work_experience_years", "Werkervaring"),
    ("education", "Opleiding"),
    ("language", "Nederlandse taal"),
    ("physical_health", "Lichamelijke gezondheid"),
    ("mental_health", "Psychische gezondheid"),
    ("debts", "Schulden"),
    ("addiction", "Verslaving"),
    ("isolation", "Sociaal isolement"),
    ("social_circumstances", "Sociale omstandigheden"),
    ("care_duties", "Zorgtaken"),
]
BANDED_FACTORS = {"age", "benefit_years", "work_experience_years"}
FORBIDDEN_INPUTS = {"gender", "sex", "nationality", "ethnicity", "country_of_birth", "religion"}


@dataclass(frozen=True)
class AssessmentInputs:
    age: int
    benefit_years: int
    work_experience_years: int
    education: str
    language: str
    physical_health: str
    mental_health: str
    debts: str
    addiction: str
    isolation: str
    social_circumstances: str
    care_duties: str


@dataclass(frozen=True)
class Contribution:
    factor: str
    label: str
    value: str
    months: int


@dataclass(frozen=True)
class ScoreResult:
    estimated_months: int
    base_months: int
    contributions: tuple[Contribution, ...]
    rule_version: str

    def contributions_as_list(self):
        return [asdict(c) for c in self.contributions]


@dataclass(frozen=True)
class SegmentResult:
    segment: str
    rule: str
    young_person_rule_applied: bool


def _band(bands, value):
    for band in bands:
        if value < band["below"]:
            return band["months"]
    return bands[-1]["months"]


def score(inputs: AssessmentInputs, weights: dict | None = None) -> ScoreResult:
    """Estimate months to paid work as base + one contribution per factor, capped at max_months."""
    weights = weights or DEFAULT_WEIGHTS
    contributions = []
    values = asdict(inputs)
    for factor, label in FACTORS:
        value = values[factor]
        if factor in BANDED_FACTORS:
            months = _band(weights[factor], value)
        else:
            table = weights[factor]
            if value not in table:
                raise ValueError(f"Unknown value {value!r} for factor {factor!r}")
            months = table[value]
        contributions.append(Contribution(factor, label, str(value), int(months)))
    base = int(weights["base_months"])
    total = base + sum(c.months for c in contributions)
    total = max(0, min(int(weights.get("max_months", 120)), total))
    return ScoreResult(total, base, tuple(contributions), weights.get("rule_version", "custom"))


def segment_for(estimated_months: int, age: int, segmentation: dict) -> SegmentResult:
    """Map months to the profile's segment. Residents under the young-age limit never land in the furthest group."""
    groups = segmentation["groups"]
    young_limit = segmentation.get("young_age_limit", 27)
    index = len(groups) - 1
    for i, group in enumerate(groups):
        bound = group.get("max_months")
        if bound is not None and estimated_months < bound:
            index = i
            break
    chosen = groups[index]
    rule = (
        f"{estimated_months} mnd < {chosen['max_months']} → {chosen['code']}"
        if chosen.get("max_months") is not None
        else f"{estimated_months} mnd ≥ {groups[index - 1]['max_months']} → {chosen['code']}"
    )
    young_applied = False
    if index == len(groups) - 1 and age < young_limit:
        index -= 1
        young_applied = True
        rule += f"; jonger dan {young_limit} → nooit verste groep → {groups[index]['code']}"
    return SegmentResult(groups[index]["code"], rule, young_applied)


def validate_weights(weights: dict) -> list[str]:
    """Problems with a weights table; also refuses any forbidden input such as gender or nationality."""
    errors = []
    forbidden = FORBIDDEN_INPUTS & set(weights)
    if forbidden:
        errors.append(f"Verboden invoer in gewichten: {', '.join(sorted(forbidden))}.")
    for factor, _label in FACTORS:
        if factor not in weights:
            errors.append(f"Gewicht ontbreekt voor factor '{factor}'.")
    return errors
