"""`make bench` section for suggestions and capacity planning (issue 4, parts 4 and 5). Registered in SECTIONS in
bench/run.py; also runs alone (`.venv/bin/python bench/offer.py --quick`, see the end of this file).

(a) Suggestions for one resident over a catalogue of 5,000 activities, through `suggest_for_resident` — the path
    the referrals screen uses, database included. The municipality's catalogue is topped up to 5,000 active
    activities (seeded, tagged "bench-"), then 50 residents are timed in turn (median and p95), interleaved with the
    baseline: loading the same 5,000 activities with a plain `values()` query.
(b) Capacity planning of 21,000 residents over 2,500 activities (a synthetic city with Rotterdam's proportions,
    DESIGN §5: the activation group of 21,000, places for about 12,000–14,000, seeded), in memory with the same
    scoring: the planner's total fit and time against a first-come greedy allocation, computed in this run.
(c) The planner against an optimum it does not compute itself: the assignment LP over every feasible pair, built
    here from the fit matrix, the places and the kept choices and solved by scipy's HiGHS (`highs_optimum`; the
    matrix is totally unimodular, so the LP optimum is integral — checked). Not the planner's own min-cost flow
    (`planning.exact_optimum` shares its solver code). The LP has a column per feasible pair (about 34 million at
    full size, far beyond make bench's time), so this runs on a smaller city from the same generator: 6,000
    residents over 700 activities (about 2.7 million pairs). Target: at least 99 % of the optimum, and exactly the
    optimum whenever the planner reports its plan certified.
    Each method starts from scratch (its own fit source), so every time includes scoring the pairs it looks at.
"""
from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import random
import statistics
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUGGEST_ACTIVITIES = 5_000
SUGGEST_RESIDENTS = 50
PLAN_RESIDENTS = 21_000
PLAN_ACTIVITIES = 2_500
EXACT_RESIDENTS = 6_000  # (c): the LP over all feasible pairs stays around a minute at this size
EXACT_ACTIVITIES = 700
TARGET_OPTIMUM = 0.99  # the planner's total fit is at least 99 % of the HiGHS optimum (100 % when certified)
TARGET_GREEDY = 1.02  # and clearly above first come, first served
BASELINE_VALUES = "loading the same activities with a plain values() query"
BENCH_CODE_PREFIX = "bench-"


def add_arguments(parser):
    group = parser.add_argument_group("suggestions and capacity planning (bench/offer.py)")
    group.add_argument("--suggest-activities", type=int, default=SUGGEST_ACTIVITIES,
                       help=f"catalogue size for the suggestions (default {SUGGEST_ACTIVITIES})")
    group.add_argument("--suggest-residents", type=int, default=SUGGEST_RESIDENTS,
                       help=f"residents timed for the suggestions (default {SUGGEST_RESIDENTS})")
    group.add_argument("--plan-residents", type=int, default=PLAN_RESIDENTS,
                       help=f"residents in the capacity plan (default {PLAN_RESIDENTS})")
    group.add_argument("--plan-activities", type=int, default=PLAN_ACTIVITIES,
                       help=f"activities in the capacity plan (default {PLAN_ACTIVITIES})")
    group.add_argument("--plan-exact-residents", type=int, default=EXACT_RESIDENTS,
                       help=f"residents in the city solved exactly by HiGHS (default {EXACT_RESIDENTS})")
    group.add_argument("--plan-exact-activities", type=int, default=EXACT_ACTIVITIES,
                       help=f"activities in the city solved exactly by HiGHS (default {EXACT_ACTIVITIES})")
    group.add_argument("--plan-seed", type=int, default=7, help="seed of the synthetic planning city (default 7)")


def _percentile(values, fraction):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _guarded(name, function):
    try:
        return function()
    except Exception as error:  # report it, keep the other measurements
        if os.environ.get("BENCH_TRACEBACK"):
            traceback.print_exc()
        return [{"name": name, "error": f"{type(error).__name__}: {error}".splitlines()[0][:200]}]


def run(ctx):
    """Both measurements; `ctx` is run.py's context (or anything with `.args` and `.caseworker`)."""
    args = getattr(ctx, "args", ctx)
    rows = []
    caseworker = getattr(ctx, "caseworker", None)
    if caseworker is not None:
        from meedoen.organisation.models import Municipality

        municipality = Municipality.objects.get(pk=caseworker.municipality_id)
        print(f"Suggestions: one resident over {args.suggest_activities:,} activities, "
              f"{args.suggest_residents} residents ...")
        rows += _guarded("suggestions", lambda: measure_suggestions(
            municipality, args.suggest_activities, args.suggest_residents))
    print(f"Capacity planning: {args.plan_residents:,} residents over {args.plan_activities:,} activities "
          f"(planner, first come first served) ...")
    rows += _guarded("capacity planning", lambda: measure_planning(
        args.plan_residents, args.plan_activities, args.plan_seed))
    print(f"Capacity planning against the HiGHS optimum: {args.plan_exact_residents:,} residents over "
          f"{args.plan_exact_activities:,} activities ...")
    rows += _guarded("planning vs HiGHS", lambda: measure_optimality(
        args.plan_exact_residents, args.plan_exact_activities, args.plan_seed))
    if hasattr(ctx, "data"):
        for row in rows:
            if row.get("extra", {}).get("report_key"):
                ctx.data[row["extra"]["report_key"]] = row["extra"].get("report_value")
    return rows


# -- (a) suggestions --------------------------------------------------------------------------------------------------

CATEGORY_MIX = [  # kind of activity, share of the catalogue (roughly the Rotterdam offer, DESIGN §5)
    ("volunteering", 30), ("social", 14), ("own_barriers", 12), ("informal_care", 6), ("language", 10),
    ("movement", 8), ("day_activity", 5), ("work_brigade", 3), ("one_euro_job", 2), ("municipal_job", 2),
    ("ips", 2), ("paid_job", 3), ("other", 3),
]
INTEREST_WORDS = [
    "koken", "tuin", "dieren", "techniek", "fietsen", "computer", "muziek", "sport", "wandelen", "naaien",
    "schilderen", "klussen", "ouderen", "kinderen", "taal", "lezen", "winkel", "kringloop", "koffie", "buurt",
    "groen", "zorg", "administratie", "logistiek", "schoonmaak", "bakken", "fotografie", "theater", "voetbal",
    "dansen", "hout", "repareren", "natuur", "vissen", "schaken", "film", "mode", "media", "horeca", "bouw",
]
TITLE_WORDS = {
    "volunteering": ["Vrijwilliger", "Gastvrouw of gastheer", "Helpende hand"],
    "social": ["Ontmoeting", "Buurtkamer", "Inloop"],
    "own_barriers": ["Grip op geld", "Gezond in de wijk", "Schuldhulpmaatje"],
    "informal_care": ["Mantelzorg", "Zorgen voor een naaste"],
    "language": ["Taalcafé", "Nederlands oefenen", "Taalles"],
    "movement": ["Bewegen", "Sport in de wijk", "Wandelgroep"],
    "day_activity": ["Dagbesteding"],
    "work_brigade": ["Werkbrigade"],
    "one_euro_job": ["Werkplek met vergoeding"],
    "municipal_job": ["Tijdelijke baan gemeente"],
    "ips": ["IPS-traject"],
    "paid_job": ["Baan"],
    "other": ["Activiteit"],
}
HOURS = {  # min and max hours per week by kind
    "volunteering": (4, 8, 20), "social": (0, 2, 8), "own_barriers": (0, 2, 6), "informal_care": (4, 8, 20),
    "language": (2, 4, 8), "movement": (0, 2, 6), "day_activity": (8, 12, 24), "work_brigade": (16, 24, 32),
    "one_euro_job": (15, 20, 30), "municipal_job": (20, 24, 36), "ips": (8, 16, 32), "paid_job": (12, 24, 36),
    "other": (0, 4, 12),
}
PLACES = {  # places per activity (min, max) by kind
    "volunteering": (1, 4), "social": (6, 15), "own_barriers": (5, 12), "informal_care": (2, 6),
    "language": (8, 15), "movement": (5, 12), "day_activity": (3, 8), "work_brigade": (4, 10),
    "one_euro_job": (1, 3), "municipal_job": (1, 3), "ips": (4, 8), "paid_job": (1, 2), "other": (2, 8),
}
LANGUAGE_MIN = {"volunteering": "A2", "social": "none", "own_barriers": "A1", "informal_care": "none",
                "language": "none", "movement": "none", "day_activity": "none", "work_brigade": "A2",
                "one_euro_job": "A2", "municipal_job": "B1", "ips": "A2", "paid_job": "B1", "other": "A1"}
LOAD_MIX = {"volunteering": (6, 3, 1), "social": (10, 0, 0), "own_barriers": (10, 0, 0), "informal_care": (4, 4, 2),
            "language": (10, 0, 0), "movement": (3, 5, 2), "day_activity": (6, 3, 1), "work_brigade": (1, 4, 5),
            "one_euro_job": (3, 5, 2), "municipal_job": (4, 4, 2), "ips": (5, 4, 1), "paid_job": (3, 4, 3),
            "other": (7, 2, 1)}


def _pick(rng, weighted):
    items, weights = zip(*weighted)
    return rng.choices(items, weights=weights)[0]


def synthetic_activity(rng, category, centre):
    """One activity's fields (the model's field names) near `centre` (lat, lon)."""
    low, typical, high = HOURS[category]
    min_hours = rng.choice([low, typical]) if low != typical else low
    max_hours = max(min_hours, high)
    days_count = rng.choice([1, 1, 2, 2, 3, 5])
    weekdays = ["mon", "tue", "wed", "thu", "fri"]
    days = sorted(rng.sample(weekdays, min(days_count, 5)))
    if rng.random() < 0.1:
        days = ["sat"] if rng.random() < 0.5 else ["sat", "sun"]
    load = _pick(rng, zip(("light", "medium", "heavy"), LOAD_MIX[category]))
    tags = rng.sample(INTEREST_WORDS, rng.choice([1, 2, 2, 3]))
    return {
        "title": f"{rng.choice(TITLE_WORDS[category])} {tags[0]}",
        "category": category,
        "tags": tags,
        "latitude": round(centre[0] + rng.gauss(0, 0.006), 5),
        "longitude": round(centre[1] + rng.gauss(0, 0.009), 5),
        "days": days,
        "min_hours_per_week": min_hours,
        "max_hours_per_week": max_hours,
        "capacity": rng.randint(*PLACES[category]),
        "min_language_level": LANGUAGE_MIN[category] if rng.random() < 0.8 else "none",
        "physical_load": load,
        "requires_indication": category == "day_activity",
        "indication_note": "Wmo-indicatie dagbesteding" if category == "day_activity" else "",
    }


def top_up_catalogue(municipality, target, seed=11):
    """Make the municipality's catalogue exactly `target` active activities (adds seeded "bench-" ones)."""
    from decimal import Decimal

    from meedoen.offer.models import Activity, Provider
    from meedoen.organisation.models import Neighbourhood

    active = Activity.objects.filter(municipality=municipality, active=True)
    have = active.count()
    if have > target:
        surplus = list(active.filter(code__startswith=BENCH_CODE_PREFIX).order_by("-id")
                       .values_list("id", flat=True)[: have - target])
        Activity.objects.filter(pk__in=surplus).update(active=False)
        have = active.count()
    if have >= target:
        return have
    rng = random.Random(seed)
    neighbourhoods = list(Neighbourhood.objects.filter(municipality=municipality).order_by("id"))
    centres = _neighbourhood_grid(len(neighbourhoods), rng)
    provider, _ = Provider.objects.get_or_create(
        municipality=municipality, name="Benchpartner (synthetisch)", defaults={"kind": "welfare"})
    start = Activity.objects.filter(municipality=municipality, code__startswith=BENCH_CODE_PREFIX).count()
    new = []
    for i in range(target - have):
        category = _pick(rng, CATEGORY_MIX)
        index = rng.randrange(len(neighbourhoods)) if neighbourhoods else None
        fields = synthetic_activity(rng, category, centres[index] if index is not None else (51.92, 4.48))
        fields["min_hours_per_week"] = Decimal(fields["min_hours_per_week"])
        fields["max_hours_per_week"] = Decimal(fields["max_hours_per_week"])
        fields["latitude"] = Decimal(str(fields["latitude"]))
        fields["longitude"] = Decimal(str(fields["longitude"]))
        new.append(Activity(
            municipality=municipality, provider=provider, code=f"{BENCH_CODE_PREFIX}{start + i + 1:05d}",
            description="Synthetische activiteit voor de benchmark.",
            neighbourhood=neighbourhoods[index] if index is not None else None, **fields))
    Activity.objects.bulk_create(new, batch_size=1000)
    return active.count()


def measure_suggestions(municipality, n_activities, n_residents, warmups=3):
    from meedoen.offer.matching import suggest_for_resident
    from meedoen.offer.models import Activity
    from meedoen.residents.models import Resident

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    total = top_up_catalogue(municipality, n_activities)
    rng = random.Random(5)
    ids = list(Resident.objects.filter(municipality=municipality, guidance_status="active")
               .order_by("id").values_list("id", flat=True))
    chosen = sorted(rng.sample(ids, min(n_residents, len(ids))))
    residents = list(Resident.objects.filter(pk__in=chosen).select_related("municipality").order_by("id"))

    def baseline():
        return list(Activity.objects.filter(municipality=municipality, active=True).values())

    for resident in residents[:warmups]:
        suggest_for_resident(resident)
        baseline()
    with CaptureQueriesContext(connection) as queries:
        sample = suggest_for_resident(residents[0])
    times, base_times, suggested = [], [], 0
    for resident in residents:
        started = time.perf_counter()
        suggestions = suggest_for_resident(resident)
        times.append((time.perf_counter() - started) * 1000)
        suggested += len(suggestions)
        started = time.perf_counter()
        baseline()
        base_times.append((time.perf_counter() - started) * 1000)
    median, p95 = statistics.median(times), _percentile(times, 0.95)
    base_median, base_p95 = statistics.median(base_times), _percentile(base_times, 0.95)
    data = f"{total:,} activities, {len(residents)} residents"
    extra = {"activities": total, "residents": len(residents), "queries": len(queries.captured_queries),
             "suggestions_per_resident": round(suggested / max(1, len(residents)), 2),
             "example_top_fit": sample[0].score if sample else None}
    return [
        {"name": "suggestions: one resident (median)", "data": data, "value": round(median, 2), "unit": "ms",
         "baseline": round(base_median, 2), "ratio": round(median / base_median, 2),
         "baseline_name": BASELINE_VALUES, "extra": extra},
        {"name": "suggestions: one resident (p95)", "data": data, "value": round(p95, 2), "unit": "ms",
         "baseline": round(base_p95, 2), "ratio": round(p95 / base_p95, 2), "baseline_name": BASELINE_VALUES,
         "extra": extra},
    ]


# -- (b) capacity planning --------------------------------------------------------------------------------------------

NEIGHBOURHOODS = 70  # Rotterdam has about 70 wijken/buurten groups; residents are spread unevenly over them


def _neighbourhood_grid(count, rng):
    """Centres of `count` neighbourhoods on a 16 × 12 km city around Rotterdam's centre."""
    return [(51.92 + rng.uniform(-0.055, 0.055), 4.48 + rng.uniform(-0.115, 0.115)) for _ in range(count)]


def synthetic_city(n_residents, n_activities, seed):
    """Plain profiles and options for a planning problem with Rotterdam's proportions (seeded)."""
    from meedoen.offer import matching

    rng = random.Random(seed)
    centres = _neighbourhood_grid(NEIGHBOURHOODS, rng)
    weights = [rng.uniform(0.3, 3.0) for _ in centres]  # some wijken have many more residents on bijstand
    options = []
    for i in range(n_activities):
        category = _pick(rng, CATEGORY_MIX)
        nbh = rng.choices(range(NEIGHBOURHOODS), weights=weights)[0]
        f = synthetic_activity(rng, category, centres[nbh])
        options.append(matching.ActivityOption(
            activity_id=i + 1, title=f["title"], category=category, tags=tuple(f["tags"]),
            keywords=matching.keywords(f["title"], *f["tags"]), neighbourhood_id=nbh,
            location=(f["latitude"], f["longitude"]), days=frozenset(f["days"]),
            min_hours=float(f["min_hours_per_week"]), max_hours=float(f["max_hours_per_week"]),
            capacity=f["capacity"], places_taken=0, min_language_level=f["min_language_level"],
            physical_load=f["physical_load"],
            required_indication=matching.indication_key(f["indication_note"]) if f["requires_indication"] else None,
        ))
    wmo = matching.indication_key("Wmo-indicatie dagbesteding")
    levels = list(zip(matching.LANGUAGE_LEVELS, (10, 10, 15, 25, 15, 25)))
    routes = list(zip(("participation", "work", "barriers", "language", "care"), (50, 15, 15, 15, 5)))
    profiles = []
    for i in range(n_residents):
        nbh = rng.choices(range(NEIGHBOURHOODS), weights=weights)[0]
        words = matching.keywords(" ".join(rng.sample(INTEREST_WORDS, rng.choice([0, 1, 2, 2, 3, 4]))))
        language = _pick(rng, levels)
        health = _pick(rng, [("none", 50), ("some", 35), ("severe", 15)])
        care = _pick(rng, [("none", 70), ("young_children", 18), ("informal_care", 9), ("both", 3)])
        plan_categories, capacity = frozenset(), None
        if rng.random() < 0.7:  # a plan van aanpak with a stated capacity
            plan_categories = matching.ROUTE_CATEGORIES[_pick(rng, routes)]
            capacity = float(rng.choice([4, 6, 8, 8, 10, 12, 16, 20, 24, 32]))
        tried = frozenset({_pick(rng, CATEGORY_MIX)}) if rng.random() < 0.3 else frozenset()
        profiles.append(matching.ResidentProfile(
            resident_id=i + 1, neighbourhood_id=nbh,
            location=(centres[nbh][0] + rng.gauss(0, 0.003), centres[nbh][1] + rng.gauss(0, 0.004)),
            keywords=words, plan_categories=plan_categories, wished_categories=matching.wished_categories(words),
            needs=matching.barrier_needs(language_level=language,
                                         debts=_pick(rng, [("none", 60), ("manageable", 25), ("problematic", 15)]),
                                         isolation=_pick(rng, [("none", 60), ("some", 30), ("severe", 10)]),
                                         care_duties=care),
            language_level=language, physical_health=health, care_duties=care, capacity_hours=capacity,
            indications=frozenset({wmo}) if rng.random() < 0.05 else frozenset(), tried_categories=tried,
        ))
    # About 10 % already chose an activity (a referral or a recorded choice): the plan keeps those.
    for i in rng.sample(range(n_residents), n_residents // 10):
        option = options[rng.randrange(n_activities)]
        p = profiles[i]
        profiles[i] = matching.ResidentProfile(**{**p.__dict__, "chosen_activity_id": option.activity_id,
                                                  "current_activity_ids": frozenset({option.activity_id})})
    return profiles, options


def _planning_problem(n_residents, n_activities, seed):
    """The synthetic city's problem, and a factory for a fresh copy (every method starts from scratch)."""
    from meedoen.offer import planning
    from meedoen.offer.matching import DEFAULT_WEIGHTS

    started = time.perf_counter()
    profiles, options = synthetic_city(n_residents, n_activities, seed)
    today = dt.date(2026, 6, 1)
    build_seconds = time.perf_counter() - started

    def problem():
        return planning.build_problem(profiles, options, today=today, weights=DEFAULT_WEIGHTS)

    fit, capacity, fixed = problem()
    places, kept = int(capacity.sum()), int((fixed >= 0).sum())
    print(f"  synthetic city: {n_residents:,} residents, {n_activities:,} activities, {places:,} places, "
          f"{kept:,} already chose ({build_seconds:.1f} s to generate)")
    common = {"residents": n_residents, "activities": n_activities, "places": places, "kept_choices": kept,
              "seed": seed}
    return problem, common


def measure_planning(n_residents, n_activities, seed):
    from meedoen.offer import planning

    problem, common = _planning_problem(n_residents, n_activities, seed)
    fit, capacity, fixed = problem()
    planner = planning.plan_allocation(fit, capacity, fixed)
    print(f"  planner: {planner.seconds:.1f} s, {planner.rounds} round(s), {planner.pairs:,} candidate pairs, "
          f"certified optimal: {'yes' if planner.certified else 'no'}")
    fit, capacity, fixed = problem()
    greedy = planning.greedy_allocation(fit, capacity, fixed)
    print(f"  first come, first served: {greedy.seconds:.1f} s")
    for allocation in (planner, greedy):
        _check_capacity(allocation, capacity)

    data = f"{n_residents:,} residents, {n_activities:,} activities"
    common = {**common, "planner_pairs": planner.pairs, "planner_rounds": planner.rounds,
              "planner_certified": planner.certified,
              "allocated": {"planner": planner.allocated, "greedy": greedy.allocated},
              "total_fit": {"planner": planner.total_fit, "greedy": greedy.total_fit},
              "seconds": {"planner": round(planner.seconds, 2), "greedy": round(greedy.seconds, 2)}}
    ratio_greedy = planner.total_fit / greedy.total_fit
    print(f"  total fit: planner {planner.total_fit:,}, first come {greedy.total_fit:,}; planner / first come = "
          f"{ratio_greedy:.4f}; placed: planner {planner.allocated:,}, first come {greedy.allocated:,}")
    return [
        {"name": "planning: fit vs first come", "data": data, "value": planner.total_fit, "unit": "fit",
         "baseline": greedy.total_fit, "ratio": round(ratio_greedy, 4),
         "baseline_name": "first come, first served: each resident in turn takes the best place left (same run)",
         "target": TARGET_GREEDY, "pass": ratio_greedy >= TARGET_GREEDY, "extra": common},
        {"name": "planning: planner time", "data": data, "value": round(planner.seconds, 2), "unit": "s",
         "baseline": round(greedy.seconds, 2), "ratio": round(planner.seconds / greedy.seconds, 3),
         "baseline_name": "first come, first served: each resident in turn takes the best place left (same run)",
         "extra": common},
    ]


def measure_optimality(n_residents, n_activities, seed):
    import numpy as np

    from meedoen.offer import planning

    problem, common = _planning_problem(n_residents, n_activities, seed)
    fit, capacity, fixed = problem()
    planner = planning.plan_allocation(fit, capacity, fixed)
    _check_capacity(planner, capacity)
    print(f"  planner: {planner.seconds:.1f} s, certified optimal: {'yes' if planner.certified else 'no'}")
    fit, capacity, fixed = problem()
    started = time.perf_counter()
    matrix = fit.rows(np.arange(fit.n_residents))  # scoring every pair is part of the exact method's time
    optimum = highs_optimum(matrix, capacity, fixed)
    seconds = time.perf_counter() - started
    print(f"  HiGHS LP over {optimum['pairs']:,} feasible pairs: {seconds:.1f} s, optimum {optimum['total_fit']:,} "
          f"(integral: {'yes' if optimum['integral'] else 'NO'})")

    ratio = planner.total_fit / optimum["total_fit"] if optimum["total_fit"] else 1.0
    # A certified plan is proven optimal over all pairs: it must equal the independent optimum exactly.
    certificate_holds = not planner.certified or planner.total_fit == optimum["total_fit"]
    print(f"  total fit: planner {planner.total_fit:,}, HiGHS {optimum['total_fit']:,}; planner / HiGHS = "
          f"{ratio:.5f}" + ("" if certificate_holds else "; CERTIFIED PLAN BELOW THE OPTIMUM"))
    data = f"{n_residents:,} residents, {n_activities:,} activities"
    extra = {**common, "feasible_pairs": optimum["pairs"], "planner_certified": planner.certified,
             "certificate_holds": certificate_holds, "lp_integral": optimum["integral"],
             "total_fit": {"planner": planner.total_fit, "highs": optimum["total_fit"]},
             "seconds": {"planner": round(planner.seconds, 2), "highs": round(seconds, 2)}}
    baseline_name = ("HiGHS optimum: the assignment LP over every feasible pair, built in bench/offer.py from the "
                     "fit matrix, places and kept choices (same run)")
    return [
        {"name": "planning: fit vs HiGHS optimum", "data": data, "value": planner.total_fit, "unit": "fit",
         "baseline": optimum["total_fit"], "ratio": round(ratio, 5), "baseline_name": baseline_name,
         "target": TARGET_OPTIMUM, "pass": ratio >= TARGET_OPTIMUM and certificate_holds and optimum["integral"],
         "extra": extra},
        {"name": "planning: time vs HiGHS", "data": data, "value": round(planner.seconds, 2), "unit": "s",
         "baseline": round(seconds, 2), "ratio": round(planner.seconds / seconds, 3), "baseline_name": baseline_name,
         "extra": extra},
    ]


def highs_optimum(fit, capacity, fixed):
    """The best total fit, as a linear programme solved by HiGHS — written from the problem's definition, sharing no
    code with the planner. Kept choices stay and use a place; every other resident gets at most one activity with
    fit > 0; no activity gets more new residents than its places left. One column per feasible pair, with a 1 in
    its resident's row and its activity's row: a totally unimodular matrix, so the optimum is integral."""
    import numpy as np
    from scipy import sparse
    from scipy.optimize import linprog

    fit, capacity, fixed = np.asarray(fit, dtype=np.int64), np.asarray(capacity), np.asarray(fixed)
    n, m = fit.shape
    kept = np.flatnonzero(fixed >= 0)
    kept_fit = int(fit[kept, fixed[kept]].sum())
    places = np.maximum(capacity - np.bincount(fixed[kept], minlength=m), 0)
    rows, cols = np.nonzero((fit > 0) & (fixed < 0)[:, None] & (places > 0)[None, :])
    weights = fit[rows, cols]
    if rows.size == 0:
        return {"total_fit": kept_fit, "pairs": 0, "integral": True}
    pairs = np.arange(rows.size)
    a_ub = sparse.csc_matrix((np.ones(2 * rows.size), (np.concatenate([rows, n + cols]),
                                                       np.concatenate([pairs, pairs]))), shape=(n + m, rows.size))
    b_ub = np.concatenate([np.ones(n), places]).astype(float)
    result = linprog(-weights.astype(float), A_ub=a_ub, b_ub=b_ub, bounds=(0, 1), method="highs")
    if result.status != 0:
        raise RuntimeError(f"HiGHS did not solve the LP: {result.message}")
    x = result.x
    integral = bool(np.allclose(x, np.round(x), atol=1e-6))
    total = kept_fit + int(round(-result.fun))
    if integral:  # then the solution is an allocation: feasible and worth exactly the LP optimum
        chosen = np.round(x).astype(np.int64)
        if ((np.bincount(rows, weights=chosen, minlength=n) > 1).any()
                or (np.bincount(cols, weights=chosen, minlength=m) > places).any()
                or kept_fit + int(weights @ chosen) != total):
            raise RuntimeError("HiGHS: the rounded LP solution is not a feasible allocation worth the optimum")
    return {"total_fit": total, "pairs": int(rows.size), "integral": integral}


def _check_capacity(allocation, capacity):
    import numpy as np

    new = allocation.assignment[(allocation.assignment >= 0) & (allocation.fixed < 0)]
    kept = allocation.fixed[allocation.fixed >= 0]
    used_new = np.bincount(new, minlength=capacity.size)
    used_kept = np.bincount(kept, minlength=capacity.size)
    if (used_new > np.maximum(capacity - used_kept, 0)).any():
        raise AssertionError(f"{allocation.method}: more residents than places")


# -- alone -------------------------------------------------------------------------------------------------------------


def main(argv=None):
    """Run this section alone on its own small database: `--quick` for a check in a minute."""
    parser = argparse.ArgumentParser(description="Suggestions and capacity planning bench")
    parser.add_argument("--quick", action="store_true",
                        help="small sizes: 1,000 activities, 10 residents; planning 2,000 × 300, exactly 1,500 × 200")
    parser.add_argument("--residents", type=int, default=1000, help="demo residents to seed (default 1000)")
    add_arguments(parser)
    args = parser.parse_args(argv)
    if args.quick:
        args.suggest_activities, args.suggest_residents = 1000, 10
        args.plan_residents, args.plan_activities = 2000, 300
        args.plan_exact_residents, args.plan_exact_activities = 1500, 200

    sys.path.insert(0, str(ROOT / "bench"))
    import run as bench_run

    bench_dir = ROOT / ".bench"
    bench_dir.mkdir(exist_ok=True)
    db_path = bench_dir / "offer.sqlite3"
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    bench_run.DB_PATH = db_path
    bench_run.setup_django()
    from django.core.management import call_command

    from meedoen.accounts.models import User

    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_demo", preset="rotterdam", residents=args.residents, seed=42, stdout=open(os.devnull, "w"))
    from types import SimpleNamespace

    ctx = SimpleNamespace(args=args, caseworker=User.objects.get(username=bench_run.CASEWORKER), data={})
    rows = run(ctx)
    print()
    bench_run.print_batch(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
