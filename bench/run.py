#!/usr/bin/env python
"""`make bench`: seed a full-size demo municipality into its own SQLite file and time the staff pages.

Pages are compared with a baseline measured in the same run: /over/ renders the same base layout for the same
logged-in caseworker without any data, so the ratio shows what the data costs, independent of the machine.
Targets: median ≤ 5× and p95 ≤ 8× the baseline. The script prints PASS/FAIL per page but always exits 0;
the figures are also written to .bench/results.json. See bench/README.md.

Other domains add their pages and batch measurements as bench sections: modules in bench/ listed in SECTIONS.
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import math
import os
import platform
import statistics
import sys
import time
import traceback
import warnings
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / ".bench"
DB_PATH = BENCH_DIR / "bench.sqlite3"
RESULTS_PATH = BENCH_DIR / "results.json"
TARGET_MEDIAN = 5.0
TARGET_P95 = 8.0
CASEWORKER = "klantmanager"
# The DATABASE_URL this run was started with (setup_django points DATABASE_URL at the bench file): a section may use
# it, e.g. to find a PostgreSQL server.
ORIGINAL_DATABASE_URL = os.environ.get("DATABASE_URL", "")

# Bench sections: modules in bench/, run in this order. Each may define any of
#   add_arguments(parser)  its command-line options;
#   prepare(ctx) -> [(name, url), ...]  data it needs (after seeding) and pages to time with the others;
#   run(ctx) -> [row, ...]  batch measurements after the pages; a row is a dict with name, data, value, unit,
#                           baseline, ratio (and optionally baseline_name, target, pass, error, extra), see print_batch.
# ctx is a SimpleNamespace with args, caseworker, client (logged in as the caseworker) and data (sizes for the report).
SECTIONS = ["guidance_loop", "offer", "money", "simulation", "audit", "load"]


def load_sections():
    return [importlib.import_module(name) for name in SECTIONS]


def parse_args(argv=None, sections=()):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=40_000, help="number of residents to seed (default 40000)")
    parser.add_argument("--preset", default="rotterdam", help="policy profile preset (default rotterdam)")
    parser.add_argument("--seed", type=int, default=42, help="seed for the demo data (default 42)")
    parser.add_argument("--repeats", type=int, default=50, help="timed requests per page (default 50)")
    parser.add_argument("--warmups", type=int, default=5, help="untimed requests per page first (default 5)")
    parser.add_argument("--extra-events", type=int, default=2000,
                        help="timeline events added to the measured dossier (default 2000)")
    parser.add_argument("--reuse-db", action="store_true",
                        help="keep .bench/bench.sqlite3 if it already holds the same preset and size (skip seeding)")
    for section in sections:
        if hasattr(section, "add_arguments"):
            section.add_arguments(parser)
    return parser.parse_args(argv)


def setup_django():
    """A separate SQLite file, the dev settings with DEBUG off: measured like a deployment, not a debug server."""
    os.environ["DATABASE_URL"] = f"sqlite:///{DB_PATH}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "meedoen.conf.dev"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers.base")
    sys.path.insert(0, str(ROOT / "src"))
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False
    if "*" not in settings.ALLOWED_HOSTS and "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def remove_db():
    for suffix in ("", "-wal", "-shm", "-journal"):
        path = Path(f"{DB_PATH}{suffix}")
        if path.exists():
            path.unlink()


def percentile(values, fraction):
    """Nearest-rank percentile (p95 of 50 values is the 48th smallest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def prepare_data(args):
    from django.core.management import call_command

    from meedoen.organisation.models import Municipality
    from meedoen.residents.models import Resident

    timings = {}
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    timings["migrate_seconds"] = round(time.perf_counter() - started, 2)

    existing = Municipality.objects.filter(policy_key=args.preset).first()
    if args.reuse_db and existing and Resident.objects.filter(municipality=existing).count() == args.residents:
        print(f"Reusing the existing bench database ({args.residents:,} residents).")
        timings["seed_seconds"] = None
        return timings
    if existing or Municipality.objects.exists():
        raise SystemExit("De benchdatabase bevat al andere gegevens; draai zonder --reuse-db.")

    print(f"Seeding demo data: {args.residents:,} residents, preset {args.preset}, seed {args.seed}"
          .replace("_", "."))
    started = time.perf_counter()
    call_command("seed_demo", preset=args.preset, residents=args.residents, seed=args.seed, stdout=sys.stdout)
    timings["seed_seconds"] = round(time.perf_counter() - started, 2)
    return timings


def dossier_with_longest_history(caseworker, extra_events):
    """The resident in the caseworker's caseload with the most timeline events, grown by `extra_events` notes."""
    from django.db.models import Count
    from django.utils import timezone

    from meedoen.residents.models import DossierEvent, Resident

    resident = (
        Resident.objects.filter(current_caseworker=caseworker)
        .annotate(n_events=Count("events"))
        .order_by("-n_events", "id")
        .first()
    )
    if resident is None:
        raise SystemExit(f"'{CASEWORKER}' has no caseload; did seed_demo succeed?")
    already = DossierEvent.objects.filter(resident=resident, summary__startswith="[bench]").count()
    missing = max(0, extra_events - already)
    if missing:
        now = timezone.now()
        DossierEvent.objects.bulk_create(
            DossierEvent(
                resident=resident, kind=DossierEvent.Kind.NOTE, actor=caseworker,
                occurred_at=now - dt.timedelta(days=3 * i + 1, hours=i % 7),
                summary=f"[bench] Contactmoment {i + 1}: telefonisch gesproken over de voortgang van het plan.",
            )
            for i in range(missing)
        )
    return resident, DossierEvent.objects.filter(resident=resident).count()


def measure(pages, client, repeats, warmups):
    """Warm up each page, then time `repeats` rounds with the pages interleaved, so drift hits all alike."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    results = {}
    for name, url in pages:
        row = {"page": name, "url": url, "status": None, "error": None, "times_ms": []}
        results[name] = row
        try:
            for _ in range(warmups):
                response = client.get(url)
            row["status"] = response.status_code
            row["bytes"] = len(response.content)
            if response.status_code != 200:
                row["error"] = f"HTTP {response.status_code}"
                continue
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            row["queries"] = len(queries.captured_queries)
        except Exception as error:  # the page may not exist yet: report it, measure the others
            row["error"] = f"{type(error).__name__}: {error}".splitlines()[0][:200]
            if os.environ.get("BENCH_TRACEBACK"):
                traceback.print_exc()

    live = [(name, url) for name, url in pages if results[name]["error"] is None]
    for _ in range(repeats):
        for name, url in live:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                results[name]["error"] = f"HTTP {response.status_code} during timing"
            results[name]["times_ms"].append(elapsed)
    return results


def summarise(results):
    """Median, p95 and the ratios to the baseline page's median and p95 (both from this run)."""
    rows = []
    for name, row in results.items():
        out = {k: row.get(k) for k in ("page", "url", "status", "bytes", "queries", "error")}
        times = row["times_ms"]
        if times and not row["error"]:
            out.update(n=len(times), median_ms=round(statistics.median(times), 2),
                       p95_ms=round(percentile(times, 0.95), 2), min_ms=round(min(times), 2),
                       max_ms=round(max(times), 2))
        rows.append(out)
    base = rows[0]  # the baseline comes first
    for out in rows[1:]:
        if "median_ms" in out and "median_ms" in base:
            out["ratio_median"] = round(out["median_ms"] / base["median_ms"], 2)
            out["ratio_p95"] = round(out["p95_ms"] / base["p95_ms"], 2)
            out["pass"] = out["ratio_median"] <= TARGET_MEDIAN and out["ratio_p95"] <= TARGET_P95
        else:
            out["pass"] = False
    return rows


def print_table(rows, public_url_names):
    header = f"{'page':<10} {'url':<28} {'median ms':>10} {'p95 ms':>8} {'× med.':>7} {'× p95':>7} " \
             f"{'queries':>7} {'kB':>6}  result"
    print(header)
    print("-" * len(header))
    for row in rows:
        url = public_url_names.get(row["page"], row["url"])
        if row.get("error"):
            verdict = "" if row["page"] == "baseline" else "  FAIL"
            print(f"{row['page']:<10} {url:<28} not measured: {row['error']}{verdict}")
            continue

        def fmt(key, spec):
            return format(row[key], spec) if row.get(key) is not None else "—"

        verdict = "—" if row["page"] == "baseline" else ("PASS" if row.get("pass") else "FAIL")
        ratio_median = fmt("ratio_median", ".2f") if row["page"] != "baseline" else "1.00"
        ratio_p95 = fmt("ratio_p95", ".2f") if row["page"] != "baseline" else "1.00"
        size = f"{row['bytes'] / 1024:.0f}" if row.get("bytes") is not None else "—"
        print(f"{row['page']:<10} {url:<28} {fmt('median_ms', '.1f'):>10} {fmt('p95_ms', '.1f'):>8} "
              f"{ratio_median:>7} {ratio_p95:>7} {fmt('queries', 'd'):>7} {size:>6}  {verdict}")
    print(f"Targets: median ≤ {TARGET_MEDIAN:g}× and p95 ≤ {TARGET_P95:g}× the baseline (/over/, same user).")


def print_batch(rows):
    """The sections' batch measurements: value and baseline in the same unit, the ratio, and PASS/FAIL where a row
    has a target."""
    if not rows:
        return
    header = f"{'measurement':<32} {'data':<44} {'value':>15} {'baseline':>15} {'×':>6}  result"
    print(header)
    print("-" * len(header))
    for row in rows:
        if row.get("error"):
            print(f"{row['name']:<32} {row.get('data') or '':<44} not measured: {row['error']}")
            continue
        unit = row.get("unit", "")
        value = f"{row['value']:.3g} {unit}"
        baseline = f"{row['baseline']:.3g} {unit}" if row.get("baseline") is not None else "—"
        ratio = f"{row['ratio']:.2f}" if row.get("ratio") is not None else "—"
        verdict = ("PASS" if row.get("pass") else "FAIL") if row.get("target") is not None else ""
        print(f"{row['name']:<32} {row.get('data') or '':<44} {value:>15} {baseline:>15} {ratio:>6}  {verdict}")
    for note in dict.fromkeys(row["baseline_name"] for row in rows if row.get("baseline_name")):
        print(f"  baseline: {note}")


def main(argv=None):
    sections = load_sections()
    args = parse_args(argv, sections)
    BENCH_DIR.mkdir(exist_ok=True)
    if not args.reuse_db:
        remove_db()
    setup_django()

    import django
    from django.db import connection
    from django.test import Client

    from meedoen.accounts.models import User
    from meedoen.assessment.models import Assessment
    from meedoen.residents.models import CaseworkerAssignment, DossierEvent, Resident

    timings = prepare_data(args)
    caseworker = User.objects.get(username=CASEWORKER)
    client = Client()
    client.force_login(caseworker)
    ctx = SimpleNamespace(args=args, caseworker=caseworker, client=client, data={}, root=ROOT, bench_dir=BENCH_DIR,
                          original_database_url=ORIGINAL_DATABASE_URL)
    section_pages = [page for section in sections if hasattr(section, "prepare") for page in section.prepare(ctx)]
    resident, dossier_events = dossier_with_longest_history(caseworker, args.extra_events)
    caseload = Resident.objects.filter(current_caseworker=caseworker).count()

    pages = [
        ("baseline", "/over/"),
        ("caseload", "/clienten/caseload/"),
        ("dossier", f"/clienten/{resident.public_id}/"),
        *section_pages,
    ]
    print(f"\nMeasuring: {args.warmups} warm-up rounds, then {args.repeats} rounds through the pages "
          f"(logged in as '{CASEWORKER}', caseload {caseload}, dossier with {dossier_events} timeline events).\n")
    results = measure(pages, client, args.repeats, args.warmups)
    rows = summarise(results)
    print_table(rows, {"dossier": "/clienten/<uuid>/"})
    batch = []
    for section in sections:
        if hasattr(section, "run"):
            print()
            batch += section.run(ctx)
    if batch:
        print()
        print_batch(batch)

    data = {
        "residents": Resident.objects.count(),
        "dossier_events": DossierEvent.objects.count(),
        "assessments": Assessment.objects.count(),
        "caseworker_assignments": CaseworkerAssignment.objects.count(),
        "caseworkers": User.objects.filter(role="caseworker", is_active=True).count(),
        "caseload_of_measured_caseworker": caseload,
        "events_in_measured_dossier": dossier_events,
        **ctx.data,
    }
    engine = connection.vendor
    if engine == "sqlite":
        import sqlite3

        engine = f"sqlite {sqlite3.sqlite_version}"
    report = {
        "timestamp": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "preset": args.preset,
        "seed": args.seed,
        "requested_residents": args.residents,
        "data": data,
        **timings,
        "repeats": args.repeats,
        "warmups": args.warmups,
        "targets": {"median_ratio_max": TARGET_MEDIAN, "p95_ratio_max": TARGET_P95},
        "pages": rows,
        "batch": batch,
        "python": platform.python_version(),
        "django": django.get_version(),
        "db_engine": engine,
        "database": str(DB_PATH.relative_to(ROOT)),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
    }
    RESULTS_PATH.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    seeded = f"{timings['seed_seconds']:.1f} s" if timings.get("seed_seconds") is not None else "reused"
    print(f"\nSeed {data['residents']:,} residents: {seeded}; migrate {timings['migrate_seconds']:.1f} s.")
    print(f"Results: {RESULTS_PATH.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
