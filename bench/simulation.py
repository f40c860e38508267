"""`make bench` section for the policy simulator (issue 6): throughput of the vectorised model for the whole country,
450,000 residents (DESIGN §6), against a straightforward per-resident Python loop of the same model measured in the
same run on a smaller population, and the peak memory. Registered in SECTIONS in bench/run.py.

- vectorised model: `meedoen.simulation.model.run_vectorised`, Rotterdam profile, a synthetic population of
  450,000 residents (the demo generator's mix), 120 months, one run; in resident-months per second.
- baseline: `meedoen.simulation.model.run_loop` — the same model resident by resident in plain Python, calling the
  live scalar rules (next_step, decide_measure, next_contact, next_status) — on 45,000 residents (a tenth of the
  vectorised population) for the same 120 months. On the same seed both give identical series; the bench checks
  that on 3,000 residents × 24 months before timing.
  Target: the vectorised model at least 50× the loop's resident-months per second. The pair is timed three times,
  interleaved, and the faster of each is kept. Times are the process's CPU time (time.process_time), so other work on
  a shared machine does not skew the ratio; the wall-clock times and their ratio are reported as well.
  Why 45,000 and not a toy population: the loop's speed per resident-month depends on the population's size. On a
  few thousand residents its Python objects stay in the processor's cache and it runs about a fifth faster than on
  30,000 or more, where its speed levels off (docs/simulation.md has the measurements). A tenth of the population
  measures the loop at the speed it would have on the real one. The loop on 3,000 residents is still timed each
  round and reported (`loop_3000_*`), with its ratio.
- peak memory: the simulator's traced peak (tracemalloc, numpy arrays included) during 12 months at 450,000 residents,
  and the process's maximum resident set size (resource.getrusage).
- 100 runs: the time that 450,000 × 120 months × 100 runs takes at the measured throughput on one core, and on
  all cores of this machine (runs are independent; `manage.py simulate --workers N`, or Dask / Ray: docs/simulation.md).
  With --simulation-runs N (N > 1) those runs are actually made, in --simulation-workers processes.

Within `make bench` the section measures in a fresh Python process (this file with --result-json): the other
sections leave the bench process with gigabytes of heap, which slowed the vectorised model and made the reported
maximum resident set size the bench's instead of the simulator's.

Run alone: `.venv/bin/python bench/simulation.py` (needs no database).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import traceback
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESIDENTS = 450_000
MONTHS = 120
LOOP_RESIDENTS = 45_000
SMALL_LOOP_RESIDENTS = 3_000  # the identity check, and the loop's speed on a population that fits in the cache
CHECK_MONTHS = 24
TARGET_RATIO = 50.0
PROFILE = "rotterdam"
BASELINE = "the same model as a per-resident Python loop (live scalar rules), 45,000 residents, 120 months"


def add_arguments(parser):
    group = parser.add_argument_group("simulation (bench/simulation.py)")
    group.add_argument("--simulation-residents", type=int, default=RESIDENTS,
                       help=f"residents in the vectorised run (default {RESIDENTS:,}; 0 skips the section)")
    group.add_argument("--simulation-months", type=int, default=MONTHS, help=f"months (default {MONTHS})")
    group.add_argument("--simulation-loop-residents", type=int, default=LOOP_RESIDENTS,
                       help=f"residents in the per-resident loop (default {LOOP_RESIDENTS:,})")
    group.add_argument("--simulation-runs", type=int, default=1,
                       help="also make this many full runs at 450,000 residents (default 1: only project the time)")
    group.add_argument("--simulation-workers", type=int, default=os.cpu_count() or 1,
                       help="processes for --simulation-runs (default: all cores)")
    group.add_argument("--simulation-seed", type=int, default=2026)


def _setup():
    if str(ROOT / "src") not in sys.path:
        sys.path.insert(0, str(ROOT / "src"))
    import django
    from django.apps import apps

    if not apps.ready:  # standalone: the simulator needs no database, only the apps (the demo generator's mix)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meedoen.conf.test")
        os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")
        django.setup()


def measure(args):
    _setup()
    import numpy as np

    from meedoen.simulation import model, policy
    from meedoen.simulation import population as pop

    sim = policy.resolve(PROFILE)
    data = policy.preset_data(PROFILE)
    months, seed = args.simulation_months, args.simulation_seed
    big = pop.synthetic(args.simulation_residents, seed=seed)
    loop_population = pop.synthetic(args.simulation_loop_residents, seed=seed + 1)
    tiny = pop.synthetic(SMALL_LOOP_RESIDENTS, seed=seed + 1)

    # The loop and the vectorised model are the same model: identical series on the same seed.
    check_months = min(months, CHECK_MONTHS)
    a = model.run_vectorised(tiny, sim, check_months, seed=seed)
    b = model.run_loop(tiny, sim, data, check_months, seed=seed)
    identical = all(np.array_equal(a[name], b[name]) for name in model.SERIES)

    # CPU time of this process (time.process_time): other work on a shared machine does not count against either
    # side. Wall-clock times are reported too.
    best_vec = best_loop = wall_vec = wall_loop = best_tiny = float("inf")
    for _round in range(3):
        started, cpu = time.perf_counter(), time.process_time()
        out = model.run_vectorised(big, sim, months, seed=seed)
        best_vec = min(best_vec, time.process_time() - cpu)
        wall_vec = min(wall_vec, time.perf_counter() - started)
        started, cpu = time.perf_counter(), time.process_time()
        model.run_loop(loop_population, sim, data, months, seed=seed)
        best_loop = min(best_loop, time.process_time() - cpu)
        wall_loop = min(wall_loop, time.perf_counter() - started)
        cpu = time.process_time()
        model.run_loop(tiny, sim, data, months, seed=seed)
        best_tiny = min(best_tiny, time.process_time() - cpu)
    vec_rate = len(big) * months / best_vec
    loop_rate = len(loop_population) * months / best_loop
    tiny_rate = len(tiny) * months / best_tiny

    tracemalloc.start()
    model.run_vectorised(big, sim, 12, seed=seed)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    full = {"runs": 1, "seconds": None}
    if args.simulation_runs > 1:
        started = time.perf_counter()
        model.simulate(big, sim, months=months, runs=args.simulation_runs, seed=seed,
                       workers=args.simulation_workers)
        full = {"runs": args.simulation_runs, "workers": args.simulation_workers,
                "seconds": round(time.perf_counter() - started, 1)}
    work_100 = len(big) * months * 100
    return {
        "residents": len(big), "months": months, "loop_residents": len(loop_population), "identical": identical,
        "loop_3000_rate": tiny_rate, "loop_3000_ratio": vec_rate / tiny_rate,
        "vectorised_seconds": best_vec, "loop_seconds": best_loop, "vectorised_rate": vec_rate,
        "vectorised_wall_seconds": wall_vec, "loop_wall_seconds": wall_loop,
        "wall_ratio": (len(big) * months / wall_vec) / (len(loop_population) * months / wall_loop),
        "loop_rate": loop_rate, "ratio": vec_rate / loop_rate, "peak_mb": peak / 2**20, "maxrss_mb": maxrss,
        "projected_100_runs_one_core_s": work_100 / vec_rate,
        "projected_100_runs_all_cores_s": work_100 / vec_rate / (os.cpu_count() or 1),
        "activation_group": int(out["group_size"][-1]), "full_runs": full,
    }


def measure_in_fresh_process(args):
    """measure(args) in a new Python process: this file with --result-json, which prints the result as JSON."""
    command = [sys.executable, str(Path(__file__).resolve()), "--result-json",
               "--simulation-residents", str(args.simulation_residents),
               "--simulation-months", str(args.simulation_months),
               "--simulation-loop-residents", str(args.simulation_loop_residents),
               "--simulation-runs", str(args.simulation_runs),
               "--simulation-workers", str(args.simulation_workers),
               "--simulation-seed", str(args.simulation_seed)]
    env = {**os.environ, "DATABASE_URL": "sqlite://:memory:"}  # the simulator reads no database
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"bench/simulation.py exited with {done.returncode}: {done.stderr.strip()[-300:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _rows(r):
    data = f"{r['residents']:,} residents × {r['months']} months, {PROFILE}"
    return [
        {"name": "simulation: vectorised model", "data": data, "value": round(r["vectorised_rate"] / 1e6, 3),
         "unit": "M res-mo/s", "baseline": round(r["loop_rate"] / 1e6, 4), "ratio": round(r["ratio"], 1),
         "target": TARGET_RATIO, "pass": r["ratio"] >= TARGET_RATIO and r["identical"], "baseline_name": BASELINE,
         "extra": {"vectorised_cpu_seconds": round(r["vectorised_seconds"], 2),
                  "loop_cpu_seconds": round(r["loop_seconds"], 2),
                  "vectorised_wall_seconds": round(r["vectorised_wall_seconds"], 2),
                  "loop_wall_seconds": round(r["loop_wall_seconds"], 2), "wall_clock_ratio": round(r["wall_ratio"], 1),
                   "loop_residents": r["loop_residents"], "loop_and_vectorised_identical": r["identical"],
                   "loop_3000_m_res_mo_per_s": round(r["loop_3000_rate"] / 1e6, 4),
                   "loop_3000_ratio": round(r["loop_3000_ratio"], 1),
                   "activation_group": r["activation_group"],
                   "projected_100_runs_one_core_s": round(r["projected_100_runs_one_core_s"]),
                   "projected_100_runs_all_cores_s": round(r["projected_100_runs_all_cores_s"]),
                   "full_runs": r["full_runs"]}},
        {"name": "simulation: peak memory", "data": f"{r['residents']:,} residents (tracemalloc, 12 months)",
         "value": round(r["peak_mb"], 1), "unit": "MB", "baseline": None, "ratio": None,
         "extra": {"process_max_rss_mb": round(r["maxrss_mb"], 1)}},
    ]


def run(ctx):
    args = getattr(ctx, "args", ctx)
    if not args.simulation_residents:
        return []
    print(f"Simulation: {args.simulation_residents:,} residents × {args.simulation_months} months (vectorised) "
          f"against {args.simulation_loop_residents:,} residents in a per-resident loop ...")
    try:
        result = measure_in_fresh_process(args) if hasattr(ctx, "data") else measure(args)
    except Exception as error:  # report it, keep the other sections' measurements
        if os.environ.get("BENCH_TRACEBACK"):
            traceback.print_exc()
        return [{"name": "simulation: vectorised model", "error": f"{type(error).__name__}: {error}"[:200]}]
    if hasattr(ctx, "data"):
        ctx.data["simulation_residents"] = result["residents"]
    rows = _rows(result)
    print(f"  vectorised {result['vectorised_rate']:,.0f} resident-months/s, loop {result['loop_rate']:,.0f}: "
          f"{result['ratio']:.1f}× (target ≥ {TARGET_RATIO:g}×; CPU time; wall clock {result['wall_ratio']:.1f}×; "
          f"against the loop on {SMALL_LOOP_RESIDENTS:,} residents {result['loop_3000_ratio']:.1f}×); "
          f"identical series: {result['identical']}; "
          f"peak {result['peak_mb']:.0f} MB (process max RSS {result['maxrss_mb']:.0f} MB); 100 runs ≈ "
          f"{result['projected_100_runs_one_core_s'] / 60:.0f} min on one core, "
          f"{result['projected_100_runs_all_cores_s'] / 60:.0f} min on {os.cpu_count()} cores")
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description="Simulation bench: vectorised model against a per-resident loop.")
    add_arguments(parser)
    parser.add_argument("--result-json", action="store_true",
                        help="measure and print only the result as one line of JSON (used by make bench)")
    args = parser.parse_args(argv)
    if args.result_json:
        print(json.dumps(measure(args)))
        return
    for row in run(args):
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
