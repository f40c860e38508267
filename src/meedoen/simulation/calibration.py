"""Calibration: fit the behavioural parameters to the Rotterdam figures of DESIGN §5, and report the fit.

Procedure (simulated method of moments by damped fixed-point iteration):

1. Population: the Rotterdam-like synthetic population of the demo generator (40,000 residents; its activation group,
   the profile's furthest segment by the live knip, is about 21,000, as in §5). Profile: the `rotterdam` preset.
2. Period: the Taskforce started in 2014 and the figures are for the end of 2017, so 48 months (month 0 = January
   2014). Stocks are read at month 47; "work in three years" counts months 12-47; "2016" is months 24-35.
3. Every figure is scaled to an activation group of 21,000 (`scale = 21,000 / simulated group size`).
4. Each calibrated parameter is paired with the figure it moves most (outreach_rate ↔ approached, accept ↔ share of
   the approached ever active, dropout ↔ active, exempt ↔ exemptions, work_furthest ↔ work in three years,
   respond_invitation ↔ no show-acties, respond_action_letter ↔ measures per no show-actie, category weights ↔ the
   category split), and updated in turn with `new = old × (target / simulated)^0.8` (or the inverse where the figure falls as the parameter rises; for a chance to
   respond, the chance *not* to respond is scaled). The category weights are scaled by target share / simulated
   share. Runs use the central values (no parameter uncertainty) and common random numbers, so iterations differ only
   by the parameters. The iteration stops when every paired figure is within 1 % or after `max_iter` rounds.
5. The fit is reported as target, fitted value and relative error; `TOLERANCE` states what counts as reproduced.

The result is written to `data/calibrated.json` (parameters, targets, fit, procedure) and read by
`assumptions.central_values()`. Run it again with `manage.py simulate --calibrate`.
"""
from __future__ import annotations

import datetime as dt
import json

import numpy as np

from . import assumptions as A
from .model import run_vectorised
from .policy import resolve

SOURCE = ("DESIGN §5: Rotterdam, end of 2017 (Taskforce started 2014): 21,000 in the activation group, three quarters "
          "approached; 12,000 doing a tegenprestatie: 4,000 volunteering, 1,400 mantelzorg, 1,200 language, 500 "
          "movement, 3,000 own barriers, ~1,000 other; ~1,500 exemptions; 275 paid work in three years; 2016: 360 no "
          "show-acties, 95 measures; of those approached, three quarters did a tegenprestatie.")
GROUP = 21_000
MONTHS = 48
END = MONTHS - 1
YEAR_2016 = (24, 36)
THREE_YEARS = (12, 48)
# What counts as reproduced: every figure within 15 % of the published one. The published figures are rounded
# ("three quarters", "~1,000"), the categories add up to 11,100 against a total of 12,000 (so each modelled category,
# a share of 12,000, sits about 8 % above its published figure), and the small counts (95 measures, 275 to work) carry
# sampling noise of several percent at the size of one municipality.
TOLERANCE = 0.15

# (key, Dutch label, published figure) — the §5 table.
PUBLISHED = (
    ("group", "Activeringsgroep", 21_000),
    ("approached", "Benaderd (driekwart)", 15_750),
    ("active", "Doet een tegenprestatie", 12_000),
    ("active_volunteering", "– vrijwilligerswerk", 4_000),
    ("active_informal_care", "– mantelzorg", 1_400),
    ("active_language", "– taal", 1_200),
    ("active_movement", "– bewegen", 500),
    ("active_own_barriers", "– werken aan eigen belemmeringen", 3_000),
    ("active_other", "– overig", 1_000),
    ("exempt", "Ontheffingen (sociaal of medisch)", 1_500),
    ("to_work_3y", "Betaald werk in drie jaar", 275),
    ("no_show_actions_2016", "No show-acties in 2016", 360),
    ("measures_2016", "Maatregelen in 2016", 95),
    ("ever_active_share", "Van de benaderden deed een tegenprestatie (aandeel)", 0.75),
)
PUBLISHED_BY_KEY = {key: value for key, _label, value in PUBLISHED}
CATEGORY_TARGETS = np.array([PUBLISHED_BY_KEY[f"active_{c}"] for c in A.CATEGORIES], dtype=float)


def table_from_series(series: dict, run_axis: bool = False) -> dict[str, float]:
    """The §5 figures from one run's series (or the mean over runs of [runs, months] series), scaled to 21,000."""
    def get(name):
        values = np.asarray(series[name], dtype=float)
        return values.mean(axis=0) if run_axis else values

    size = get("group_size")[END]
    scale = GROUP / size
    figures = {"group": GROUP, "approached": get("approached")[END] * scale, "active": get("active")[END] * scale}
    for code in A.CATEGORIES:
        figures[f"active_{code}"] = get(f"active_{code}")[END] * scale
    figures["exempt"] = get("exempt")[END] * scale
    figures["to_work_3y"] = get("to_work")[slice(*THREE_YEARS)].sum() * scale
    figures["no_show_actions_2016"] = get("no_show_actions")[slice(*YEAR_2016)].sum() * scale
    figures["measures_2016"] = get("measures")[slice(*YEAR_2016)].sum() * scale
    approached = get("approached")[END]
    figures["ever_active_share"] = get("ever_active")[END] / approached if approached else 0.0
    figures["caseworkers_needed"] = get("caseworkers_needed")[slice(END - 11, END + 1)].mean() * scale
    figures["placements_2017"] = get("placements")[slice(36, 48)].sum() * scale
    return figures


def fit_report(figures: dict, tolerance: float = TOLERANCE) -> list[dict]:
    rows = []
    for key, label, published in PUBLISHED:
        value = figures[key]
        error = (value - published) / published
        rows.append({"key": key, "label": label, "published": published, "simulated": value,
                     "relative_error": error, "within_tolerance": bool(abs(error) <= tolerance)})
    return rows


def simulate_figures(population, profile="rotterdam", *, runs: int = 4, seed: int = 2014,
                     centrals: dict | None = None, uncertain: bool = False) -> dict[str, float]:
    policy = resolve(profile)
    outputs = [run_vectorised(population, policy, MONTHS, seed=seed, run=r, uncertain=uncertain, centrals=centrals)
               for r in range(runs)]
    series = {name: np.stack([o[name] for o in outputs]) for name in outputs[0] if name != "params"}
    return table_from_series(series, run_axis=True)


def calibrate(population, *, profile="rotterdam", runs: int = 4, seed: int = 2014, max_iter: int = 25,
              log=print) -> dict:
    centrals = A.central_values()
    for name in A.CALIBRATED:  # start from the documented defaults, not from an earlier fit
        centrals[name] = A.BY_NAME[name].central
    history = []
    for iteration in range(1, max_iter + 1):
        f = simulate_figures(population, profile, runs=runs, seed=seed, centrals=centrals)
        ratios = {
            "outreach_rate": PUBLISHED_BY_KEY["approached"] / max(f["approached"], 1e-9),
            "accept": PUBLISHED_BY_KEY["ever_active_share"] / max(f["ever_active_share"], 1e-9),
            "dropout": max(f["active"], 1e-9) / PUBLISHED_BY_KEY["active"],
            "exempt": PUBLISHED_BY_KEY["exempt"] / max(f["exempt"], 1e-9),
            "work_furthest": PUBLISHED_BY_KEY["to_work_3y"] / max(f["to_work_3y"], 1e-9),
        }
        worst = max(abs(r - 1) for r in ratios.values())
        actions = max(f["no_show_actions_2016"], 1e-9)
        ratio_actions = PUBLISHED_BY_KEY["no_show_actions_2016"] / actions
        measure_share = f["measures_2016"] / actions
        target_share = PUBLISHED_BY_KEY["measures_2016"] / PUBLISHED_BY_KEY["no_show_actions_2016"]
        ratio_measures = target_share / max(measure_share, 1e-9)
        category = np.array([f[f"active_{c}"] for c in A.CATEGORIES])
        category_ratio = (CATEGORY_TARGETS / CATEGORY_TARGETS.sum()) / np.maximum(category / category.sum(), 1e-9)
        worst = max(worst, abs(ratio_actions - 1), abs(ratio_measures - 1), float(np.abs(category_ratio - 1).max()))
        history.append({"iteration": iteration, "worst_relative_gap": worst})
        log(f"  ronde {iteration}: grootste afwijking {worst:.1%}")
        if worst < 0.01:
            break
        for name, ratio in ratios.items():
            centrals[name] *= ratio ** 0.8
        # Responding: scale the chance of *not* responding.
        centrals["respond_invitation"] = 1 - (1 - centrals["respond_invitation"]) * ratio_actions ** 0.8
        centrals["respond_action_letter"] = 1 - (1 - centrals["respond_action_letter"]) * ratio_measures ** 0.8
        for name, ratio in zip(A.CATEGORY_WEIGHT_NAMES, category_ratio):
            centrals[name] *= ratio ** 0.8
        for name in ("respond_invitation", "respond_action_letter", "accept", "outreach_rate", "exempt"):
            centrals[name] = float(np.clip(centrals[name], 1e-6, 0.999))
    fitted = {name: float(centrals[name]) for name in A.CALIBRATED}
    check = simulate_figures(population, profile, runs=max(runs, 8), seed=seed + 1, centrals=centrals)
    return {"parameters": fitted, "report": fit_report(check), "figures": check, "history": history,
            "iterations": len(history)}


def save(result: dict, population_label: str, runs: int, seed: int, path=A.CALIBRATED_FILE) -> None:
    data = {
        "created": dt.date.today().isoformat(),
        "source": SOURCE,
        "procedure": "meedoen.simulation.calibration (simulated method of moments, damped fixed point); see "
                     "docs/simulation.md",
        "population": population_label, "profile": "rotterdam", "months": MONTHS, "runs": runs, "seed": seed,
        "tolerance": TOLERANCE,
        "parameters": result["parameters"],
        "fit": [{**row, "simulated": round(row["simulated"], 3), "relative_error": round(row["relative_error"], 4)}
                for row in result["report"]],
        "untargeted": {"caseworkers_needed": round(result["figures"]["caseworkers_needed"], 1),
                       "placements_2017": round(result["figures"]["placements_2017"], 1)},
        "iterations": result["iterations"],
    }
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def stored() -> dict | None:
    if A.CALIBRATED_FILE.exists():
        return json.loads(A.CALIBRATED_FILE.read_text())
    return None
