"""`make load` (or `make bench BENCH_ARGS=--load`): the app under load at national scale (issue 12, finding 8).

On PostgreSQL only (it says so and skips otherwise). Everything runs on this machine and talks to 127.0.0.1 only.

1. Its own database `meedoen_load` on the server (DATABASE_URL's if that is PostgreSQL, else BENCH_PG_URL, else
   127.0.0.1:5432), in a child process: `seed_demo --preset rotterdam` with a 10,000-resident template (full demo
   dossiers: caseloads, timelines, plans, referrals, portal data), then copies of those residents with their timelines
   up to 450,000 residents (server-side SQL, new ids, public ids and 11-proof BSNs starting with 0). The copies have no
   caseworker, so every caseworker keeps the demo's caseload (~350); they make the tables national size. seed_demo
   itself does about 100 residents a second here (10,000 in ~100 s on 2 busy cores: 450,000 would take well over an
   hour), hence the copies; docs/load.md has the measured times.
2. Logins without the login form (no axes lockout): sessions made with force_login in that database for the
   caseworkers with a caseload, 50 residents (portal accounts made for the bench), the partner staff; an API token
   (tokens.issue, by the superuser) for 5 caseworkers. They go to the locust scenario in a plan file (.bench/, 0600,
   deleted afterwards).
3. gunicorn (meedoen.wsgi, settings meedoen.conf.dev with DEBUG off, persistent database connections) bound to
   127.0.0.1 on a free port, 4 sync workers.
4. locust, headless, bench/locustfile.py: a warm-up (one walker per gunicorn worker, 20 s, not counted), then one
   user walking every page in turn, one request at a time (unloaded, 90 s), then 50 users
   (half caseworkers, 30 % residents, 10 % partners, 10 % API clients; 2–5 s think time) for 180 s after a 5 s ramp-up.
   Timings of the ramp-up are left out.

Per page: p95 unloaded, p95 under load, their ratio, the ratio to the baseline page /over/ under the same load, and
errors (anything but 200 without a redirect; must be 0). Printed, and written to `.bench/results.json` under "load".
The database is dropped afterwards unless --reuse-db (then a database that already holds the residents is reused and
only the logins are made again). A first run takes about 9 minutes on 2 cores, a --reuse-db run about 6.

Run alone: `.venv/bin/python bench/load.py [--reuse-db] [--load-users 50] [--load-seconds 180]` (= `make load`).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / ".bench"
RESULTS_PATH = BENCH_DIR / "results.json"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from guidance_loop import PG_DEFAULT_SERVER, PG_SCHEMES, _libpq, _with_database  # noqa: E402

DATABASE = "meedoen_load"
RESIDENTS = 450_000
TEMPLATE = 10_000
USERS = 50
SECONDS = 180
UNLOADED_SECONDS = 90
WARMUP_SECONDS = 20  # every gunicorn worker loads its code and templates on its first requests
SPAWN_RATE = 10
WORKERS = 4
THINK = "2,5"
PORTAL_USERS = 50
API_USERS = 5
DOSSIERS_PER_CASEWORKER = 50
NEEDS_PG = "needs PostgreSQL (DATABASE_URL=postgres://…, or a server at 127.0.0.1:5432 / BENCH_PG_URL)"
BASELINE_PAGE = "baseline /over/"
PAGE_ORDER = [
    BASELINE_PAGE, "worklist", "caseload", "dossier", "timeline",
    "portal overview", "portal plan", "portal benefit", "portal letters", "portal appointments", "portal obligations",
    "partner referrals", "partner referral", "partner groups", "partner checks",
    "api residents", "api resident",
]
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"


def add_arguments(parser):
    group = parser.add_argument_group("load scenario (bench/load.py; make load)")
    group.add_argument("--load", action="store_true", help="run the locust load scenario on PostgreSQL")
    group.add_argument("--load-residents", type=int, default=RESIDENTS, help=f"default {RESIDENTS:,}")
    group.add_argument("--load-template", type=int, default=TEMPLATE,
                       help=f"residents made by seed_demo before copying (default {TEMPLATE:,})")
    group.add_argument("--load-users", type=int, default=USERS, help=f"concurrent users under load (default {USERS})")
    group.add_argument("--load-seconds", type=int, default=SECONDS, help=f"loaded run (default {SECONDS} s)")
    group.add_argument("--load-unloaded-seconds", type=int, default=UNLOADED_SECONDS,
                       help=f"single-user run (default {UNLOADED_SECONDS} s)")
    group.add_argument("--load-workers", type=int, default=WORKERS, help=f"gunicorn workers (default {WORKERS})")
    group.add_argument("--load-think", default=THINK, help=f"think time between requests, s (default {THINK})")


def _server(ctx):
    original = getattr(ctx, "original_database_url", "") or ""
    if urlsplit(original).scheme in PG_SCHEMES:
        return original
    return os.environ.get("BENCH_PG_URL", PG_DEFAULT_SERVER)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)] if ordered else None


# -- the parent: database, gunicorn, locust ----------------------------------------------------------------------------


def run(ctx):
    """The bench section: only with --load (it takes minutes and needs PostgreSQL)."""
    if not ctx.args.load:
        print("Load scenario: not requested (make load, or make bench BENCH_ARGS=--load).")
        return []
    report = run_load(ctx)
    ctx.data["load"] = report
    if report.get("error"):
        return [{"name": "load: 50 users", "data": "PostgreSQL", "error": report["error"]}]
    rows = []
    for page in report["pages"]:
        if page.get("p95_loaded_ms") is None or page.get("p95_unloaded_ms") is None:
            continue
        rows.append({"name": f"load: {page['page']}", "data": f"p95, {report['users']} users vs 1",
                     "unit": "ms", "value": page["p95_loaded_ms"], "baseline": page["p95_unloaded_ms"],
                     "ratio": page["ratio_loaded_unloaded"],
                     "baseline_name": "the same page with one user (unloaded), same run",
                     "extra": {"ratio_to_baseline_page": page["ratio_to_baseline_loaded"],
                               "errors": page["errors"]}})
    return rows


def run_load(ctx) -> dict:
    args = ctx.args
    try:
        import psycopg
    except ImportError:
        return {"error": "psycopg is not installed"}
    server = _server(ctx)
    target = _with_database(server, DATABASE)
    where = f"{urlsplit(target).hostname or 'localhost'}:{urlsplit(target).port or 5432}"
    if urlsplit(target).hostname not in (None, "", "127.0.0.1", "localhost", "::1"):
        return {"error": f"the load scenario only talks to this machine, not {where}"}
    try:
        reuse = _prepare_database(psycopg, server, target, args)
    except Exception as error:
        reason = f"{NEEDS_PG}: no PostgreSQL at {where} ({type(error).__name__}: {str(error).strip().splitlines()[0]})"
        return {"error": reason[:300]}
    BENCH_DIR.mkdir(exist_ok=True)
    plan_path = BENCH_DIR / "load-plan.json"
    started = time.perf_counter()
    report = {"database": DATABASE, "server": where, "users": args.load_users, "think_seconds": args.load_think,
              "seconds_loaded": args.load_seconds, "seconds_unloaded": args.load_unloaded_seconds,
              "gunicorn_workers": args.load_workers, "cpu_count": os.cpu_count()}
    gunicorn = None
    try:
        print(f"Load scenario: database {DATABASE} on {where} "
              f"({'reused' if reuse else f'seed {args.load_template:,} + copies up to {args.load_residents:,}'}) ...",
              flush=True)
        command = [sys.executable, str(Path(__file__).resolve()), "setup", "--url", target, "--plan", str(plan_path),
                   "--residents", str(args.load_residents), "--template", str(args.load_template),
                   "--preset", getattr(args, "preset", "rotterdam"), "--seed", str(getattr(args, "seed", 42))]
        subprocess.run(command, cwd=ROOT, env={**os.environ, "DATABASE_URL": target}, check=True, timeout=7200)
        plan = json.loads(plan_path.read_text())
        report["data"] = plan["data"]
        port = _free_port()
        gunicorn = _start_gunicorn(target, port, args.load_workers)
        host = f"http://127.0.0.1:{port}"
        print(f"  gunicorn on {host}, {args.load_workers} workers", flush=True)
        print(f"  warm-up: {args.load_workers} users walking every page, {WARMUP_SECONDS} s (not counted) ...",
              flush=True)
        _locust(host, plan_path, ["WalkerUser"], args.load_workers, args.load_workers, WARMUP_SECONDS, args.load_think)
        print(f"  unloaded: 1 user walking every page, {args.load_unloaded_seconds} s ...", flush=True)
        unloaded = _locust(host, plan_path, ["WalkerUser"], 1, 1, args.load_unloaded_seconds, args.load_think)
        print(f"  loaded: {args.load_users} users, think time {args.load_think} s, {args.load_seconds} s ...",
              flush=True)
        report["load_average_before"] = [round(x, 2) for x in os.getloadavg()]
        loaded = _locust(host, plan_path, ["CaseworkerUser", "ResidentUser", "PartnerUser", "ApiUser"],
                         args.load_users, SPAWN_RATE, args.load_seconds, args.load_think)
        report["load_average_after"] = [round(x, 2) for x in os.getloadavg()]  # the machine is shared: say how busy
    except subprocess.CalledProcessError as error:
        return {**report, "error": f"the load setup failed (exit {error.returncode})"}
    except Exception as error:
        return {**report, "error": f"{type(error).__name__}: {str(error).splitlines()[0][:200]}"}
    finally:
        if gunicorn is not None:
            _stop(gunicorn)
        plan_path.unlink(missing_ok=True)
        if not args.reuse_db:
            with psycopg.connect(_libpq(_with_database(server, "postgres")), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    report.update(_summarise(unloaded, loaded))
    report["total_seconds"] = round(time.perf_counter() - started, 1)
    print_table(report)
    return report


def _prepare_database(psycopg, server, target, args) -> bool:
    """True when the existing database already holds the residents (--reuse-db); else it is made anew."""
    with psycopg.connect(_libpq(_with_database(server, "postgres")), autocommit=True, connect_timeout=5) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
        if exists and args.reuse_db:
            try:
                with psycopg.connect(_libpq(target), connect_timeout=5) as db:
                    if db.execute("SELECT count(*) FROM residents_resident").fetchone()[0] == args.load_residents:
                        return True
            except psycopg.Error:
                pass
        if exists:
            conn.execute(f'DROP DATABASE "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')
    return False


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _app_env(target):
    return {**os.environ, "DATABASE_URL": target, "DJANGO_SETTINGS_MODULE": "meedoen.conf.dev", "DEBUG": "false",
            "LOG_LEVEL": "WARNING", "DB_CONN_MAX_AGE": "60", "ALLOWED_HOSTS": "127.0.0.1",
            "PYTHONWARNINGS": "ignore:No directory at"}  # WhiteNoise: no collectstatic for the bench


def _start_gunicorn(target, port, workers):
    command = [sys.executable, "-m", "gunicorn", "--pythonpath", str(ROOT / "src"), "meedoen.wsgi:application",
               "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "sync",
               "--timeout", "120", "--graceful-timeout", "10", "--log-level", "warning", "--no-control-socket"]
    process = subprocess.Popen(command, cwd=ROOT, env=_app_env(target), start_new_session=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped (exit {process.returncode})")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/account/inloggen/", timeout=5):
                return process
        except OSError:
            time.sleep(1)
    _stop(process)
    raise RuntimeError("gunicorn did not answer within 90 s")


def _stop(process):
    """Stop the gunicorn this run started (its own process group), and wait for it."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _locust(host, plan_path, classes, users, spawn_rate, seconds, think):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False, dir=BENCH_DIR) as handle:
        samples_path = Path(handle.name)
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", host,
               "-u", str(users), "-r", str(spawn_rate), "-t", f"{seconds}s", "--stop-timeout", "10",
               "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0", *classes]
    env = {**os.environ, "LOAD_PLAN": str(plan_path), "LOAD_SAMPLES": str(samples_path), "LOAD_THINK": think,
           "LOAD_USERS": str(users)}
    try:
        done = subprocess.run(command, cwd=ROOT, env=env, timeout=seconds + 120, capture_output=True, text=True)
        if done.returncode != 0:
            print(done.stderr[-3000:], file=sys.stderr)
            raise RuntimeError(f"locust stopped with exit {done.returncode}")
        return json.loads(samples_path.read_text())
    finally:
        samples_path.unlink(missing_ok=True)


def _summarise(unloaded, loaded):
    def by_page(run, skip_ramp):
        since = (run.get("spawned_at") or 0) if skip_ramp else 0
        pages = {}
        for name, ms, ok, at, error in run["samples"]:
            if at < since:
                continue
            page = pages.setdefault(name, {"times": [], "errors": 0, "messages": {}})
            page["times"].append(ms)
            if not ok:
                page["errors"] += 1
                page["messages"][error] = page["messages"].get(error, 0) + 1
        return pages

    quiet, busy = by_page(unloaded, False), by_page(loaded, True)
    base_loaded = percentile(busy.get(BASELINE_PAGE, {}).get("times", []), 0.95)
    base_unloaded = percentile(quiet.get(BASELINE_PAGE, {}).get("times", []), 0.95)
    rows = []
    for name in PAGE_ORDER + sorted((set(quiet) | set(busy)) - set(PAGE_ORDER)):
        q, b = quiet.get(name, {"times": [], "errors": 0}), busy.get(name, {"times": [], "errors": 0})
        if not q["times"] and not b["times"]:
            continue
        p95_q, p95_b = percentile(q["times"], 0.95), percentile(b["times"], 0.95)
        row = {"page": name, "n_unloaded": len(q["times"]), "n_loaded": len(b["times"]),
               "p50_unloaded_ms": percentile(q["times"], 0.5), "p95_unloaded_ms": p95_q,
               "p50_loaded_ms": percentile(b["times"], 0.5), "p95_loaded_ms": p95_b,
               "ratio_loaded_unloaded": round(p95_b / p95_q, 2) if p95_q and p95_b else None,
               "ratio_to_baseline_unloaded": round(p95_q / base_unloaded, 2) if p95_q and base_unloaded else None,
               "ratio_to_baseline_loaded": round(p95_b / base_loaded, 2) if p95_b and base_loaded else None,
               "errors": q["errors"] + b["errors"]}
        messages = {**q.get("messages", {}), **b.get("messages", {})}
        if messages:
            row["error_messages"] = messages
        rows.append(row)
    duration = max((s[3] for s in loaded["samples"]), default=0) - (loaded.get("spawned_at") or 0)
    requests_loaded = sum(r["n_loaded"] for r in rows)
    return {"pages": rows, "errors": sum(r["errors"] for r in rows),
            "requests_unloaded": sum(r["n_unloaded"] for r in rows), "requests_loaded": requests_loaded,
            "throughput_loaded_rps": round(requests_loaded / duration, 1) if duration > 0 else None}


def print_table(report):
    header = (f"{'page':<20} {'p95 1 user':>10} {'p95 ' + str(report['users']) + ' users':>12} {'× load':>7} "
              f"{'× /over/':>9} {'n (1/' + str(report['users']) + ')':>12} {'errors':>6}")
    print()
    print(header)
    print("-" * len(header))

    def fmt(value, spec):
        return format(value, spec) if value is not None else "—"

    for row in report["pages"]:
        print(f"{row['page']:<20} {fmt(row['p95_unloaded_ms'], '.1f'):>10} {fmt(row['p95_loaded_ms'], '.1f'):>12} "
              f"{fmt(row['ratio_loaded_unloaded'], '.2f'):>7} {fmt(row['ratio_to_baseline_loaded'], '.2f'):>9} "
              f"{str(row['n_unloaded']) + '/' + str(row['n_loaded']):>12} {row['errors']:>6}")
    data = report.get("data", {})
    print(f"Milliseconds. × load: p95 with {report['users']} users ÷ p95 with one; × /over/: p95 ÷ the baseline page's "
          f"p95 under the same load. {report['requests_loaded']:,} requests under load "
          f"({report['throughput_loaded_rps']} per s), errors: {report['errors']}.")
    print(f"Data: {data.get('residents', 0):,} residents ({data.get('template', 0):,} full demo dossiers), "
          f"{data.get('dossier_events', 0):,} timeline events, {data.get('audit_entries', 0):,} audit lines "
          f"before the run; gunicorn {report['gunicorn_workers']} workers on {report['cpu_count']} cores; load average "
          f"{report['load_average_before'][0]} before, {report['load_average_after'][0]} at the end of the loaded run.")


# -- the child: seed, copy, logins -------------------------------------------------------------------------------------


def setup(argv=None):
    parser = argparse.ArgumentParser(description="Load scenario: database and logins (child of bench/load.py)")
    parser.add_argument("--url", required=True)
    parser.add_argument("--plan", required=True)
    parser.add_argument("--residents", type=int, default=RESIDENTS)
    parser.add_argument("--template", type=int, default=TEMPLATE)
    parser.add_argument("--preset", default="rotterdam")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    for key, value in _app_env(args.url).items():
        os.environ[key] = value
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    from meedoen.organisation.models import Municipality
    from meedoen.residents.models import Resident

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    data = {"migrate_seconds": round(time.perf_counter() - started, 1)}
    if Resident.objects.count() != args.residents:
        if Municipality.objects.exists():
            raise SystemExit("The load database holds other data; run without --reuse-db.")
        template = min(args.template, args.residents)
        started = time.perf_counter()
        call_command("seed_demo", preset=args.preset, residents=template, seed=args.seed,
                     stdout=open(os.devnull, "w"))
        data["seed_seconds"] = round(time.perf_counter() - started, 1)
        print(f"  seed_demo {template:,} residents: {data['seed_seconds']} s", flush=True)
        started = time.perf_counter()
        copied = copy_residents(Municipality.objects.get(), args.residents)
        data["copy_seconds"] = round(time.perf_counter() - started, 1)
        print(f"  copied {copied:,} residents with their timelines: {data['copy_seconds']} s", flush=True)
    started = time.perf_counter()
    plan = make_plan(Municipality.objects.get(), random.Random(args.seed))
    data["logins_seconds"] = round(time.perf_counter() - started, 1)
    plan["data"] = {**data, **_sizes(args.template)}
    path = Path(args.plan)
    path.touch(mode=0o600)
    path.write_text(json.dumps(plan))
    return 0


def _sizes(template):
    from meedoen.audit.models import AuditEntry
    from meedoen.residents.models import DossierEvent, Resident

    return {"residents": Resident.objects.count(), "template": template,
            "residents_with_caseworker": Resident.objects.filter(current_caseworker__isnull=False).count(),
            "dossier_events": DossierEvent.objects.count(), "audit_entries": AuditEntry.objects.count()}


def copy_residents(municipality, target):
    """Copy the municipality's residents (new ids, public ids and BSNs; no caseworker) with their timelines until
    it has `target`. Server-side SQL, PostgreSQL only. The BSNs pass the 11-proof and start with 0 (the demo's never
    do), the same scheme as bench/guidance_loop.py."""
    from django.db import connection, transaction

    from meedoen.residents.models import DossierEvent, Resident

    template = Resident.objects.filter(municipality=municipality).count()
    needed = target - template
    if needed <= 0:
        return 0
    qn = connection.ops.quote_name
    residents = qn(Resident._meta.db_table)
    events = qn(DossierEvent._meta.db_table)
    overrides = {"public_id": "gen_random_uuid()", "bsn": "m.bsn", "current_caseworker_id": "NULL"}
    columns = [f.column for f in Resident._meta.concrete_fields if not f.primary_key]
    event_columns = [f.column for f in DossierEvent._meta.concrete_fields if not f.primary_key]
    weights = " + ".join(f"substr(p, {i + 1}, 1)::int * {9 - i}" for i in range(8))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"""
            CREATE TEMP TABLE load_bsn ON COMMIT DROP AS
            SELECT row_number() OVER (ORDER BY n) AS rn, p || mod(s, 11)::text AS bsn
            FROM (SELECT n, p, {weights} AS s
                  FROM (SELECT n, lpad(n::text, 8, '0') AS p FROM generate_series(1, %s) AS n) AS digits) AS sums
            WHERE mod(s, 11) < 10""", [needed * 12 // 10 + 100])
        cursor.execute(f"""
            CREATE TEMP TABLE load_map ON COMMIT DROP AS
            SELECT t.id AS template_id, b.bsn
            FROM (SELECT id, row_number() OVER (ORDER BY id) AS rt FROM {residents} WHERE municipality_id = %s) AS t
            CROSS JOIN generate_series(0, %s) AS k
            JOIN load_bsn AS b ON b.rn = k * %s + t.rt
            WHERE k * %s + t.rt <= %s""", [municipality.pk, needed // template + 1, template, template, needed])
        select = ", ".join(overrides.get(c, f"r.{qn(c)}") for c in columns)
        cursor.execute(f"""
            INSERT INTO {residents} ({", ".join(qn(c) for c in columns)})
            SELECT {select} FROM load_map AS m JOIN {residents} AS r ON r.id = m.template_id""")
        copied = cursor.rowcount
        cursor.execute(f"""
            CREATE TEMP TABLE load_copy ON COMMIT DROP AS
            SELECT c.id AS copy_id, m.template_id FROM load_map AS m
            JOIN {residents} AS c ON c.municipality_id = %s AND c.bsn = m.bsn""", [municipality.pk])
        select = ", ".join("lc.copy_id" if c == "resident_id" else f"e.{qn(c)}" for c in event_columns)
        cursor.execute(f"""
            INSERT INTO {events} ({", ".join(qn(c) for c in event_columns)})
            SELECT {select} FROM load_copy AS lc JOIN {events} AS e ON e.resident_id = lc.template_id""")
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {residents}")
        cursor.execute(f"ANALYZE {events}")
    return copied


def _session(user):
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def make_plan(municipality, rng):
    """Sessions and a token for the scenario's users, and what each may open (its own dossiers, referrals)."""
    from django.conf import settings
    from django.db.models import Count
    from django.utils import timezone

    from meedoen.accounts import tokens
    from meedoen.accounts.models import ApiToken, Role, User
    from meedoen.referrals import queries
    from meedoen.residents import access
    from meedoen.residents.models import Resident

    caseworkers = list(User.objects.filter(municipality=municipality, role=Role.CASEWORKER, is_active=True)
                       .annotate(n=Count("caseload")).filter(n__gt=0).order_by("username"))
    plan = {"session_cookie": settings.SESSION_COOKIE_NAME,
            "caseworkers": [], "residents": [], "partners": [], "api": []}
    for user in caseworkers:
        own = list(Resident.objects.filter(current_caseworker=user).order_by("pk").values_list("public_id", flat=True))
        plan["caseworkers"].append({"username": user.username, "session": _session(user),
                                    "dossiers": [str(p) for p in rng.sample(own, min(DOSSIERS_PER_CASEWORKER,
                                                                                       len(own)))]})
    # Portal accounts for residents of the demo's dossiers (copies have no caseworker); made once, reused.
    have_account = User.objects.filter(resident__isnull=False).values_list("resident_id", flat=True)
    wanted = PORTAL_USERS - User.objects.filter(username__startswith="bench-inwoner-").count()
    if wanted > 0:
        candidates = (Resident.objects.filter(municipality=municipality, current_caseworker__isnull=False)
                      .exclude(pk__in=have_account).filter(action_plans__isnull=False).distinct()
                      .order_by("pk")[:wanted])
        User.objects.bulk_create([User(username=f"bench-inwoner-{r.pk}", role=Role.RESIDENT, municipality=municipality,
                                       resident=r, first_name=r.first_name, last_name=r.last_name, password="!")
                                  for r in candidates])
    for user in User.objects.filter(username__startswith="bench-inwoner-").order_by("pk")[:PORTAL_USERS]:
        plan["residents"].append({"session": _session(user)})
    for user in User.objects.filter(role=Role.PROVIDER_STAFF, provider__isnull=False, is_active=True).order_by("pk"):
        referrals = list(queries.provider_referrals(user).order_by("pk").values_list("pk", flat=True)[:100])
        plan["partners"].append({"session": _session(user), "referrals": referrals})
    issuer = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    ApiToken.objects.filter(name="bench load", revoked_at__isnull=True).update(revoked_at=timezone.now())
    for user in caseworkers[:API_USERS]:
        _token, key = tokens.issue(user=user, name="bench load", days=1, issued_by=issuer)
        visible = list(access.visible_residents(user).order_by("pk").values_list("public_id", flat=True)[:200])
        plan["api"].append({"token": key, "residents": [str(p) for p in visible]})
    return plan


# -- alone: make load --------------------------------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description="Meedoen under load on PostgreSQL (make load)")
    add_arguments(parser)
    parser.add_argument("--reuse-db", action="store_true", help="keep the load database and reuse it next time")
    args = parser.parse_args(argv)
    args.load = True
    ctx = SimpleNamespace(args=args, data={}, original_database_url=os.environ.get("DATABASE_URL", ""))
    report = run_load(ctx)
    if report.get("error"):
        print(f"Load scenario: not measured: {report['error']}")
    BENCH_DIR.mkdir(exist_ok=True)
    try:
        results = json.loads(RESULTS_PATH.read_text())
    except (OSError, ValueError):
        results = {}
    results["load"] = {"timestamp": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                       "python": platform.python_version(), "platform": platform.platform(), **report}
    RESULTS_PATH.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"Results: {RESULTS_PATH.relative_to(ROOT)} (under \"load\")")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "setup":
        sys.exit(setup(sys.argv[2:]))
    sys.exit(main())
