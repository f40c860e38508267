"""The simulated population as a struct of numpy arrays: from the live database or synthetic.

Both sources give the same fields: the inputs of the assessment (so the profile's own weights and segmentation decide
the segment, through the live rule), intensity, and the household for the norm. Ages are in months so that the
AOW age (67) ends bijstand in the right month.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

import numpy as np

from . import vectorised as vec

AOW_AGE_MONTHS = 67 * 12
HOUSEHOLD_TYPES = ("single", "single_parent", "couple", "couple_with_children", "shared_household")


@dataclass
class Population:
    age_months: np.ndarray  # int16, at the start of the simulation
    benefit_years: np.ndarray  # int16
    work_experience_years: np.ndarray  # int16
    education: np.ndarray  # int8 codes (vectorised.FACTOR_CODES) from here on
    language: np.ndarray
    physical_health: np.ndarray
    mental_health: np.ndarray
    debts: np.ndarray
    addiction: np.ndarray
    isolation: np.ndarray
    social_circumstances: np.ndarray
    care_duties: np.ndarray
    intensive: np.ndarray  # bool
    household: np.ndarray  # int8 index into HOUSEHOLD_TYPES
    source: str = ""

    def __len__(self):
        return len(self.age_months)

    @property
    def age_years(self) -> np.ndarray:
        return (self.age_months // 12).astype(np.int16)

    def assessment_columns(self) -> dict[str, np.ndarray]:
        columns = {f: getattr(self, f) for f in vec.CATEGORICAL_FACTORS}
        columns.update(age=self.age_years, benefit_years=self.benefit_years,
                       work_experience_years=self.work_experience_years)
        return columns

    def take(self, index: np.ndarray, source: str | None = None) -> "Population":
        values = {f.name: getattr(self, f.name)[index] for f in fields(self) if f.name != "source"}
        return Population(**values, source=source or self.source)

    def norm_category(self) -> np.ndarray:
        """Index into vectorised.NORM_CATEGORIES: the norm of the household at the start (art. 20-22)."""
        couple = np.isin(self.household, [HOUSEHOLD_TYPES.index("couple"),
                                          HOUSEHOLD_TYPES.index("couple_with_children")])
        aow = self.age_months >= AOW_AGE_MONTHS
        young = self.age_years < 21
        cats = vec.NORM_CATEGORIES
        return np.select([aow & couple, aow, couple, young],
                         [cats.index("couple_aow"), cats.index("single_aow"), cats.index("couple_21"),
                          cats.index("single_18")], cats.index("single_21")).astype(np.int8)

    def sharers(self) -> np.ndarray:
        """Housemates of 27 or older for the kostendelersnorm: one for a shared household (assumption: the dossier
        records the household type, not the number of housemates)."""
        return (self.household == HOUSEHOLD_TYPES.index("shared_household")).astype(np.int8)


def _choice(rng, weighted, size):
    values = weighted.values
    weights = np.diff([0, *weighted.cumulative]).astype(float)
    return rng.choice(len(values), size=size, p=weights / weights.sum()), values


def _codes(factor, values, picks):
    index = {code: i for i, code in enumerate(vec.FACTOR_CODES[factor])}
    lookup = np.array([index[v] for v in values], dtype=np.int8)
    return lookup[picks]


def synthetic(n: int, seed: int = 0) -> Population:
    """`n` residents drawn from the same distributions as the demo generator (`meedoen.demo.generator`: the long-term
    activation group and the group closer to work, DESIGN §5), vectorised. Needs Django set up (the generator module
    imports models), no database."""
    from meedoen.demo import generator as gen

    rng = np.random.default_rng(seed)
    long_term = rng.random(n) < gen.LONG_TERM.share
    out = {name: np.zeros(n, dtype=np.int8) for name in vec.CATEGORICAL_FACTORS}
    age = np.zeros(n, dtype=np.int16)
    years = np.zeros(n)
    for group, mask in ((gen.LONG_TERM, long_term), (gen.CLOSER_TO_WORK, ~long_term)):
        m = int(mask.sum())
        picks, bands = _choice(rng, group.ages, m)
        lows = np.array([b[0] for b in bands])[picks]
        highs = np.array([b[1] for b in bands])[picks]
        a = rng.integers(lows, highs)
        age[mask] = a
        y = np.zeros(m)
        for lower, (shape, scale) in sorted(group.benefit_years.items()):
            sel = a >= lower
            y[sel] = rng.gamma(shape, scale, size=int(sel.sum()))
        new = rng.random(m) < group.new_entrants
        y[new] = rng.uniform(0.05, 1.0, size=int(new.sum()))
        years[mask] = np.minimum(y, a - 18 + 0.5)
        for factor, attr in (("education", "education"), ("language", "language"), ("physical_health", "physical"),
                             ("mental_health", "mental"), ("debts", "debts"), ("addiction", "addiction"),
                             ("isolation", "isolation"), ("social_circumstances", "social")):
            picks, values = _choice(rng, getattr(group, attr), m)
            out[factor][mask] = _codes(factor, values, picks)
    before = np.maximum(0, (age - 18 - years).astype(int) - rng.integers(0, 5, size=n))
    experience = np.where(rng.random(n) < 0.15, 0, (before * rng.uniform(0.15, 0.85, size=n)).astype(int))
    band = np.where(age < 27, 0, np.where(age >= 50, 2, 1))
    household = np.zeros(n, dtype=np.int8)
    for b, key in enumerate(("young", "middle", "older")):
        sel = band == b
        picks, values = _choice(rng, gen.HOUSEHOLD[key], int(sel.sum()))
        household[sel] = np.array([HOUSEHOLD_TYPES.index(v) for v in values], dtype=np.int8)[picks]
    with_children = np.isin(household, [1, 3])
    max_child = np.minimum(17, age - 18)
    household[with_children & (max_child < 0)] = 0
    with_children &= max_child >= 0
    youngest = rng.integers(0, np.maximum(max_child, 0) + 1)
    young_children = with_children & (youngest < 12)
    informal = rng.random(n) < np.where(age >= 50, 0.16, 0.10)
    care = np.where(young_children & informal, "both",
                    np.where(young_children, "young_children", np.where(informal, "informal_care", "none")))
    out["care_duties"] = vec.encode("care_duties", care.tolist())
    return Population(
        age_months=(age.astype(np.int32) * 12 + rng.integers(0, 12, size=n)).astype(np.int16),
        benefit_years=np.floor(years).astype(np.int16), work_experience_years=experience.astype(np.int16),
        intensive=rng.random(n) < gen.INTENSIVE_CASEWORKER_SHARE, household=household,
        source=f"synthetisch ({n} inwoners, seed {seed})", **out)


def from_database(municipality, *, on: dt.date | None = None, scale_to: int | None = None,
                  seed: int = 0) -> Population:
    """The residents in guidance of a municipality, read in one query (no personal data leaves this function: only
    the assessment inputs, intensity and household type). With `scale_to`, resampled with replacement to that size
    (a small demo municipality stands for a large one)."""
    from django.utils import timezone

    from meedoen.residents.models import Resident

    on = on or timezone.localdate()
    names = ["date_of_birth", "benefit_start_date", "work_experience_years", "education_level",
             "dutch_language_level", "physical_health", "mental_health", "debts", "addiction", "isolation",
             "social_circumstances", "care_duties", "intensity", "household_type"]
    rows = list(Resident.objects.filter(municipality=municipality, guidance_status="active")
                .order_by("pk").values_list(*names))
    if not rows:
        raise ValueError("Deze gemeente heeft geen inwoners in begeleiding.")
    cols = dict(zip(names, zip(*rows)))
    births = cols["date_of_birth"]
    age_months = np.array([(on.year - b.year) * 12 + on.month - b.month - (on.day < b.day) for b in births],
                          dtype=np.int16)
    population = Population(
        age_months=age_months,
        benefit_years=np.array([max(0, (on - s).days // 365) for s in cols["benefit_start_date"]], dtype=np.int16),
        work_experience_years=np.array(cols["work_experience_years"], dtype=np.int16),
        education=vec.encode("education", cols["education_level"]),
        language=vec.encode("language", cols["dutch_language_level"]),
        physical_health=vec.encode("physical_health", cols["physical_health"]),
        mental_health=vec.encode("mental_health", cols["mental_health"]),
        debts=vec.encode("debts", cols["debts"]), addiction=vec.encode("addiction", cols["addiction"]),
        isolation=vec.encode("isolation", cols["isolation"]),
        social_circumstances=vec.encode("social_circumstances", cols["social_circumstances"]),
        care_duties=vec.encode("care_duties", cols["care_duties"]),
        intensive=np.array([i == "intensive" for i in cols["intensity"]]),
        household=np.array([HOUSEHOLD_TYPES.index(h) for h in cols["household_type"]], dtype=np.int8),
        source=f"{municipality.name} ({len(rows)} inwoners)",
    )
    if scale_to:
        index = np.random.default_rng(seed).integers(0, len(population), size=scale_to)
        population = population.take(index, f"{population.source}, herschaald naar {scale_to}")
    return population
