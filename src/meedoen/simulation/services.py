"""What the command line, the analyst's screen and the API share: finding the profiles, building the population,
running the comparison and summarising it."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meedoen.policy.models import PolicyProfile

from . import assumptions as A
from . import population as pop
from .model import SERIES, SimulationResult, compare
from .policy import SimPolicy, preset_data, preset_keys, profile_data

# Bounds for a simulation run inside a web request (screen and API): the work is residents × months × runs × profiles
# resident-months; about a second on one core. Larger runs belong on the command line (`manage.py simulate`).
WEB_MAX_RESIDENTS = 20_000
WEB_MAX_MONTHS = 120
WEB_MAX_RUNS = 20
WEB_MAX_PROFILES = 4
WEB_MAX_WORK = 10_000_000

SUMMARY = (
    ("group_size", _("Activeringsgroep"), "final"),
    ("approached", _("Benaderd (ooit uitgenodigd)"), "final"),
    ("reached", _("Bereikt (gesprek gehad)"), "final"),
    ("active", _("Actief in een activiteit"), "final"),
    ("active_volunteering", _("– vrijwilligerswerk"), "final"),
    ("active_informal_care", _("– mantelzorg"), "final"),
    ("active_language", _("– taal"), "final"),
    ("active_movement", _("– bewegen"), "final"),
    ("active_own_barriers", _("– werken aan eigen belemmeringen"), "final"),
    ("active_other", _("– overig"), "final"),
    ("exempt", _("Ontheffing"), "final"),
    ("closed", _("Benadering afgesloten"), "final"),
    ("to_work", _("Naar betaald werk (hele periode)"), "total"),
    ("no_show_actions", _("No show-acties (hele periode)"), "total"),
    ("measures", _("Maatregelen (hele periode)"), "total"),
    ("placements", _("Plaatsingen bij partners (hele periode)"), "total"),
    ("caseworker_hours", _("Uren klantmanagers per maand (laatste 12 maanden)"), "last_year"),
    ("caseworkers_needed", _("Klantmanagers nodig, fte (laatste 12 maanden)"), "last_year"),
    ("measure_eur_all", _("Ingehouden door maatregelen, € (hele periode)"), "total"),
)


def available_profiles() -> list[tuple[str, str]]:
    """(key, name) of every profile that can be simulated: the approved profiles in the database, and the built-in
    presets (as files) for keys the database does not have."""
    today = timezone.localdate()
    keys = set(PolicyProfile.objects.approved().filter(effective_from__lte=today).values_list("key", flat=True))
    result = {}
    for key in sorted(keys):
        profile = PolicyProfile.objects.active_for(key, today)
        result[key] = profile.name
    for key in preset_keys():
        result.setdefault(key, preset_data(key)["name"])
    return sorted(result.items())


def profile_settings(key: str) -> dict:
    """The settings of profile `key` as the live system uses them today: the approved version in force, else the
    built-in preset file."""
    profile = PolicyProfile.objects.active_for(key, timezone.localdate())
    if profile is not None:
        return profile_data(profile)
    return preset_data(key)


def build_population(*, residents: int | None = None, municipality=None, seed: int = 0) -> pop.Population:
    if municipality is not None:
        return pop.from_database(municipality, scale_to=residents, seed=seed)
    return pop.synthetic(residents or 10_000, seed=seed)


@dataclass
class Comparison:
    results: list[SimulationResult]
    population: pop.Population


def run(profile_keys: list[str], population: pop.Population, *, months: int, runs: int, seed: int,
        uncertain: bool = True, workers: int = 1) -> Comparison:
    policies = [SimPolicy.from_profile({"key": key, **profile_settings(key)}) for key in profile_keys]
    results = compare(population, policies, months=months, runs=runs, seed=seed, uncertain=uncertain, workers=workers)
    return Comparison(results, population)


def _value(result: SimulationResult, name: str, how: str) -> dict:
    if how == "final":
        return result.final(name)
    if how == "total":
        return result.total(name)
    last = result.series[name][:, -12:].mean(axis=1)
    values = np.percentile(last, (5, 50, 95))
    return {"p5": float(values[0]), "p50": float(values[1]), "p95": float(values[2])}


def summary(comparison: Comparison) -> list[dict]:
    """One row per output, with p5 / p50 / p95 per profile (at the end of the period, summed over it, or the mean of
    the last 12 months)."""
    rows = []
    for name, label, how in SUMMARY:
        rows.append({"name": name, "label": str(label), "how": how,
                     "values": [_value(result, name, how) for result in comparison.results]})
    return rows


def as_data(comparison: Comparison, names=SERIES) -> dict:
    return {
        "population": {"source": comparison.population.source, "residents": len(comparison.population)},
        "profiles": [result.as_data(names) for result in comparison.results],
        "summary": summary(comparison),
        "assumptions": A.as_table(),
    }


def web_problems(*, residents: int, months: int, runs: int, profiles: int) -> list[str]:
    """Why a simulation is too big for a web request (Dutch, B1); empty when it fits."""
    problems = []
    work = residents * months * runs * profiles
    if work > WEB_MAX_WORK:
        problems.append(str(_(
            "Deze simulatie is te groot voor het scherm: %(work)s inwonermaanden (inwoners × maanden × runs × "
            "profielen), hoogstens %(max)s. Kies minder inwoners, maanden of runs, of gebruik de opdrachtregel "
            "(manage.py simulate).") % {"work": f"{work:,}".replace(",", "."),
                                         "max": f"{WEB_MAX_WORK:,}".replace(",", ".")}))
    return problems
