"""`make bench` section for the money part (issue 5): the monthly calculation for the whole country, 450,000 residents
(DESIGN §6), with the real rules (meedoen.money.rules.calculate) and the shipped norm table. Registered in SECTIONS in
bench/run.py.

The inputs are generated in memory, 10,000 residents at a time (seeded): the population mix of bijstand (singles,
couples, single parents, shared households with housemates of whom some turn 27 in the month, 18-20 and AOW age),
about 8 % with part-time earnings (a quarter of them paid every 4 weeks), a few volunteer allowances, measures and
employer holiday pay, an earnings premium as in Amsterdam's profile, and a history with the holiday allowance saved.
Rows (seconds per 10,000 residents):

- monthly calculation: `calculate()` for every resident, against a baseline measured in the same run on the same
  inputs: the same loop doing only the norm lookup (the norm table for the month and the norm of the household,
  `find_norm_table` + `norm_parts`), i.e. the work any benefit system must do per resident per month.
- calculation + storage JSON: the same plus turning the lines, the inputs and the state into the JSON a stored
  MonthlyCalculation holds (on the first 50,000 residents), against the same baseline.

Run alone: `.venv/bin/python bench/money.py --money-residents 100000`.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import random
import sys
import time
import traceback
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESIDENTS = 450_000
CHUNK = 10_000
STORAGE_SAMPLE = 50_000
MONTH = dt.date(2026, 3, 1)
BASELINE = "the same loop doing only the norm lookup (norm table of the month + norm of the household)"


def add_arguments(parser):
    group = parser.add_argument_group("money (bench/money.py)")
    group.add_argument("--money-residents", type=int, default=RESIDENTS,
                       help=f"residents in the monthly calculation (default {RESIDENTS:,}; 0 skips it)")
    group.add_argument("--money-seed", type=int, default=5, help="seed for the generated inputs (default 5)")


def _money_modules():
    if str(ROOT / "src") not in sys.path:
        sys.path.insert(0, str(ROOT / "src"))
    from meedoen.money import rules
    from meedoen.money.policy import money_policy

    return rules, money_policy


def load_law():
    rules, _policy = _money_modules()
    norms_dir = ROOT / "src" / "meedoen" / "money" / "norms"
    tables = [rules.parse_norm_table(json.loads(path.read_text())) for path in sorted(norms_dir.glob("*.json"))
              if path.name != "income_rules.json"]
    income_rules = rules.parse_income_rules(json.loads((norms_dir / "income_rules.json").read_text()))
    return tables, income_rules


def generate(rng, count, tables, income_rules, policy):
    """`count` residents' inputs for MONTH. Pure data, no database."""
    rules, _policy = _money_modules()
    table = rules.find_norm_table(tables, MONTH)
    in_force = tuple(rule for rule in income_rules if rule.in_force(MONTH))
    inputs = []
    for _ in range(count):
        roll = rng.random()
        age = rng.choices([19, rng.randint(21, 26), rng.randint(27, 49), rng.randint(50, 66), rng.randint(67, 80)],
                          weights=[3, 8, 35, 47, 7])[0]
        birth = dt.date(MONTH.year - age - 1, rng.randint(1, 12), rng.randint(1, 28))
        has_partner = roll < 0.15
        children = rng.random() < (0.5 if has_partner else 0.18)
        housemates = ()
        if not has_partner and rng.random() < 0.10:
            housemates = tuple(rules.Housemate(
                date_of_birth=dt.date(rng.randint(1950, 2005), rng.randint(1, 12), rng.randint(1, 28)))
                for _ in range(rng.choice((1, 1, 2))))
            if rng.random() < 0.05:   # a housemate turning 27 this month
                housemates += (rules.Housemate(date_of_birth=dt.date(MONTH.year - 27, MONTH.month,
                                                                     rng.randint(2, 28))),)
        household = rules.Household(
            resident_birth=birth, benefit_start=dt.date(rng.randint(2010, 2025), rng.randint(1, 12), 1),
            has_partner=has_partner,
            partner_birth=dt.date(birth.year + rng.randint(-5, 5), rng.randint(1, 12), rng.randint(1, 28))
            if has_partner else None,
            children=children, single_parent=children and not has_partner,
            youngest_child_birth=dt.date(rng.randint(2010, 2025), rng.randint(1, 12), 1) if children else None,
            medically_limited=rng.random() < 0.03, housemates=housemates)
        if has_partner and household.partner_birth > dt.date(MONTH.year - 18, 1, 1):
            household = dataclasses.replace(household, partner_birth=dt.date(MONTH.year - 30, 1, 1))
        income = ()
        if rng.random() < 0.08:       # about 8 % have part-time earnings in a month (DESIGN §9)
            kind = rules.WAGE_4WEEKLY if rng.random() < 0.25 else rules.WAGE_MONTHLY
            income = (rules.IncomeItem(kind=kind, amount=Decimal(rng.randint(10000, 130000)) / 100,
                                       serves_work=rng.random() < 0.9),)
            if rng.random() < 0.05:
                income += (rules.IncomeItem(kind=rules.HOLIDAY_PAY, amount=Decimal(rng.randint(5000, 60000)) / 100),)
        elif rng.random() < 0.02:
            income = (rules.IncomeItem(kind=rules.VOLUNTEER, amount=Decimal(rng.randint(2000, 30000)) / 100),)
        reductions = ()
        if rng.random() < 0.01:
            reductions = (rules.Reduction(measure_id=None, percentage=Decimal(rng.choice((5, 30, 100))), label="",
                                          rule="pw.18.2", starts_on=MONTH, ends_on=rules.month_end(MONTH)),)
        history = rules.History(year=MONTH.year, holiday_reserve=Decimal(rng.randint(0, 20000)) / 100,
                                disregard_started={"resident:pw.31.2n": rules.add_months(MONTH, -rng.randint(0, 9))}
                                if income and rng.random() < 0.5 else {})
        inputs.append(rules.MonthInputs(month=MONTH, household=household, income=income, reductions=reductions,
                                        policy=policy, history=history, norm_table=table, rules=in_force))
    return inputs


def measure(total, seed, storage_sample=STORAGE_SAMPLE):
    rules, money_policy = _money_modules()
    tables, income_rules = load_law()
    policy = money_policy({"earnings_premium": {"rate": "0.30", "max_per_month_eur": "219.00",
                                                "paid_in_months": [6, 11]}}, "bench")
    rng = random.Random(seed)
    timings = {"baseline": 0.0, "calculate": 0.0, "storage": 0.0, "generate": 0.0}
    done = stored = 0
    paid = Decimal(0)
    refused = 0
    while done < total:
        count = min(CHUNK, total - done)
        started = time.perf_counter()
        chunk = generate(rng, count, tables, income_rules, policy)
        timings["generate"] += time.perf_counter() - started

        started = time.perf_counter()
        for inputs in chunk:          # baseline: the norm lookup only
            table = rules.find_norm_table(tables, inputs.month)
            try:
                rules.norm_parts(inputs.month, inputs.household, table)
            except rules.RuleError:
                pass
        baseline = time.perf_counter() - started
        timings["baseline"] += baseline

        started = time.perf_counter()
        results = []
        for inputs in chunk:
            try:
                results.append(rules.calculate(inputs))
            except rules.RuleError:
                refused += 1
        timings["calculate"] += time.perf_counter() - started
        paid += sum((r.total_paid for r in results), Decimal(0))

        if stored < storage_sample:
            started = time.perf_counter()
            for inputs, result in zip(chunk, results):
                json.dumps([line.as_data() for line in result.lines])
                json.dumps(rules.inputs_to_data(inputs))
                json.dumps(rules.history_to_data(result.history_after))
            timings["storage"] += time.perf_counter() - started
            stored += count
        done += count
    per_10k = CHUNK / total
    return {
        "residents": total, "refused": refused, "total_paid": paid,
        "calculate": timings["calculate"] * per_10k, "baseline": timings["baseline"] * per_10k,
        "storage": timings["calculate"] * per_10k + timings["storage"] * CHUNK / max(stored, 1),
        "storage_baseline": timings["baseline"] * per_10k, "stored": stored,
        "generate": timings["generate"] * per_10k, "seconds": sum(timings.values()),
    }


def _rows(result):
    data = f"{result['residents']:,} residents, {MONTH:%B %Y}"
    rows = [{
        "name": "money: monthly calculation", "data": data, "value": round(result["calculate"], 4),
        "unit": "s/10k res.", "baseline": round(result["baseline"], 4),
        "ratio": round(result["calculate"] / result["baseline"], 2), "baseline_name": BASELINE,
        "extra": {"total_seconds": round(result["seconds"], 1), "input_generation_s_per_10k": round(
            result["generate"], 4), "refused_inputs": result["refused"], "total_paid": str(result["total_paid"]),
            "whole_run_seconds_calculate": round(result["calculate"] * result["residents"] / CHUNK, 1)},
    }]
    if result["stored"]:
        rows.append({
            "name": "money: calculation + JSON", "data": f"first {result['stored']:,} of them",
            "value": round(result["storage"], 4), "unit": "s/10k res.",
            "baseline": round(result["storage_baseline"], 4),
            "ratio": round(result["storage"] / result["storage_baseline"], 2), "baseline_name": BASELINE})
    return rows


def run(ctx):
    args = getattr(ctx, "args", ctx)
    if not args.money_residents:
        return []
    print(f"Money: monthly calculation for {args.money_residents:,} residents (in memory, seed {args.money_seed}) ...")
    try:
        rows = _rows(measure(args.money_residents, args.money_seed))
    except Exception as error:  # report it, keep the other sections' measurements
        if os.environ.get("BENCH_TRACEBACK"):
            traceback.print_exc()
        return [{"name": "money: monthly calculation", "error": f"{type(error).__name__}: {error}"[:200]}]
    if hasattr(ctx, "data"):
        ctx.data["money_residents"] = args.money_residents
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description="Money bench: the monthly calculation in memory.")
    add_arguments(parser)
    args = parser.parse_args(argv)
    for row in run(args):
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
