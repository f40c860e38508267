"""`make bench` section for the audit trail at national scale (issue 12, finding 8): a year of audit lines in the
table partitioned by month (migration audit 0002) against the same rows in an unpartitioned copy with the same
columns and indexes (the table as migration audit 0001 made it), both in one PostgreSQL database, in the same run.

- bulk insert: a year of lines (default 6,000,000: 450,000 residents × about 1.1 reads a month × 12 months), written
  month by month with server-side `INSERT … SELECT generate_series` (so the client does not dominate), the two tables
  alternating per month; rows per second against the unpartitioned copy.
- single insert: the middleware's write, one `INSERT … RETURNING id` per transaction, after the year is in; ms per line
  (median of 2,000, interleaved in blocks).
- one resident's trail: the audit screen's query for one resident (meedoen.audit.views: filter on resident_id, order
  by -occurred_at, -id, paginated 50: the count and the first page), p50 and p95 over 300 residents drawn at random,
  each queried on both tables in alternating order. The SQL is the ORM's own, captured from the view's queryset.
- retention, one month: dropping the oldest month's partition (meedoen.audit.partitions.drop_partition, what the
  retention run does) against `DELETE` of the same month's rows from the unpartitioned copy plus the `VACUUM` that
  actually removes them and their index entries (a DELETE alone only marks rows; autovacuum does the rest later).

Needs PostgreSQL: with `--pg` (or `--audit-pg`), or when DATABASE_URL points at PostgreSQL. The section makes its own
database `meedoen_bench_audit` on that server (never the one in DATABASE_URL) in a child process and drops it
afterwards (kept with --reuse-db). On SQLite it reports 'not measured: needs PostgreSQL'.

Run alone: `.venv/bin/python bench/audit.py [--audit-rows 6000000]` (PostgreSQL at 127.0.0.1:5432 or BENCH_PG_URL);
the rows and sizes then go to `.bench/results.json` under "audit".
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from guidance_loop import PG_DEFAULT_SERVER, PG_SCHEMES, _libpq, _with_database  # noqa: E402

ROWS = 6_000_000
RESIDENTS = 450_000
MONTHS = 12
QUERIES = 300
SINGLE_INSERTS = 2_000
STAFF = 1_300  # caseworkers in the country at 1:350 (DESIGN §5)
DATABASE = "meedoen_bench_audit"
PLAIN = "bench_audit_unpartitioned"
NEEDS_PG = "needs PostgreSQL (make bench BENCH_ARGS=--pg, or DATABASE_URL=postgres://…)"
BASELINE = "the same rows in an unpartitioned copy (same columns and indexes, PK id), same run"


def add_arguments(parser):
    group = parser.add_argument_group("audit trail (bench/audit.py)")
    group.add_argument("--audit-pg", action="store_true",
                       help="measure the audit trail on PostgreSQL (also with --pg or a PostgreSQL DATABASE_URL)")
    group.add_argument("--audit-rows", type=int, default=ROWS,
                       help=f"audit lines in the year (default {ROWS:,}; 0 skips the section)")
    group.add_argument("--audit-residents", type=int, default=RESIDENTS, help=f"default {RESIDENTS:,}")
    group.add_argument("--audit-queries", type=int, default=QUERIES,
                       help=f"residents whose trail is queried (default {QUERIES})")


def _server(ctx):
    original = getattr(ctx, "original_database_url", "") or ""
    if urlsplit(original).scheme in PG_SCHEMES:
        return original
    if getattr(ctx.args, "pg", False) or ctx.args.audit_pg or os.environ.get("BENCH_PG"):
        return os.environ.get("BENCH_PG_URL", PG_DEFAULT_SERVER)
    return None


def _data(rows, residents):
    return f"{rows / 1e6:.2g}M lines, {MONTHS} months, {residents // 1000}k residents"


def run(ctx):
    args = ctx.args
    if args.audit_rows <= 0:
        return []
    names = ["audit: bulk insert (rows/s)", "audit: single insert", "audit: resident trail p50",
             "audit: resident trail p95", "audit: retention, one month"]
    server = _server(ctx)
    if server is None:
        print(f"Audit trail: not measured: {NEEDS_PG}.")
        return [{"name": names[0], "data": "PostgreSQL", "error": NEEDS_PG}]
    import psycopg

    target = _with_database(server, DATABASE)
    where = f"{urlsplit(target).hostname or 'localhost'}:{urlsplit(target).port or 5432}"
    try:
        with psycopg.connect(_libpq(_with_database(server, "postgres")), autocommit=True, connect_timeout=5) as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
                conn.execute(f'DROP DATABASE "{DATABASE}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
    except Exception as error:
        reason = f"needs PostgreSQL: none at {where} ({type(error).__name__}: {str(error).strip().splitlines()[0]})"
        print(f"Audit trail: not measured: {reason}.")
        return [{"name": names[0], "data": "PostgreSQL", "error": reason[:200]}]
    print(f"Audit trail: database {DATABASE} on {where}, {args.audit_rows:,} lines over {MONTHS} months, "
          f"both tables (child process) ...", flush=True)
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    command = [sys.executable, str(Path(__file__).resolve()), "worker", "--url", target, "--out", str(out),
               "--rows", str(args.audit_rows), "--residents", str(args.audit_residents),
               "--queries", str(args.audit_queries)]
    started = time.perf_counter()
    try:
        completed = subprocess.run(command, cwd=ROOT, env={**os.environ, "DATABASE_URL": target}, check=False,
                                   timeout=3600)
        result = json.loads(out.read_text()) if completed.returncode == 0 else None
    except subprocess.TimeoutExpired:
        result = None
    finally:
        out.unlink(missing_ok=True)
        if not args.reuse_db:
            with psycopg.connect(_libpq(_with_database(server, "postgres")), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    if not result:
        return [{"name": names[0], "data": "PostgreSQL", "error": "the audit child process failed"}]
    ctx.data["audit"] = {**result["data"], "total_seconds": round(time.perf_counter() - started, 1)}
    return result["rows"]


# -- the child process ------------------------------------------------------------------------------------------------


def _timed(cursor, sql, params=()):
    started = time.perf_counter()
    cursor.execute(sql, params)
    return time.perf_counter() - started


def _month_starts(months):
    from meedoen.audit import partitions
    from django.utils import timezone

    last = partitions.add_months(partitions.month_of(timezone.now()), -1)  # a full year that ended last month
    return [partitions.add_months(last, i - months + 1) for i in range(months)]


INSERT_YEAR = """
    INSERT INTO {table} (occurred_at, actor_id, actor_username, actor_role, action, resident_id, object_type,
                         object_id, screen, path, ip_address, detail)
    SELECT %(start)s::timestamptz + (g - %(lo)s) * %(step)s * interval '1 microsecond',
           u.id, u.username, 'caseworker', 'view', r.id, 'residents.Resident', r.id::text, 'residents:dossier',
           '/clienten/' || md5(r.id::text)::uuid || '/', '10.20.0.1'::inet,
           '{{"by": "middleware", "method": "GET", "status": 200}}'::jsonb
    FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) AS g
    CROSS JOIN LATERAL (SELECT 1 + (g * 2654435761) %% %(residents)s AS id) AS r
    JOIN bench_staff AS u ON u.n = g %% %(staff)s"""

INSERT_ONE = """
    INSERT INTO {table} (occurred_at, actor_id, actor_username, actor_role, action, resident_id, object_type,
                         object_id, screen, path, ip_address, detail)
    VALUES (now(), %s, %s, 'caseworker', 'view', %s, 'residents.Resident', %s, 'residents:dossier', %s,
            '10.20.0.1'::inet, '{{"by": "middleware", "method": "GET", "status": 200}}'::jsonb)
    RETURNING id"""


def _plain_copy(cursor):
    """The table as migration audit 0001 made it: same columns, PK (id) from its own sequence, the same indexes and
    the foreign key to the user."""
    cursor.execute(f"CREATE TABLE {PLAIN} (LIKE audit_auditentry)")
    cursor.execute(f"ALTER TABLE {PLAIN} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY")
    cursor.execute(f"ALTER TABLE {PLAIN} ADD PRIMARY KEY (id)")
    cursor.execute(f"ALTER TABLE {PLAIN} ADD FOREIGN KEY (actor_id) REFERENCES accounts_user (id) "
                   "DEFERRABLE INITIALLY DEFERRED")
    cursor.execute("SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = 'audit_auditentry'::regclass "
                   "AND NOT indisprimary")
    for (definition,) in cursor.fetchall():
        name = definition.split(" INDEX ", 1)[1].split(" ", 1)[0]
        columns = definition.split(" USING btree ", 1)[1]
        cursor.execute(f"CREATE INDEX bench_{name[:50]} ON {PLAIN} USING btree {columns}")


def worker(argv=None):
    parser = argparse.ArgumentParser(description="Audit trail partitioned vs unpartitioned (child of bench/run.py)")
    parser.add_argument("--url", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--residents", type=int, default=RESIDENTS)
    parser.add_argument("--queries", type=int, default=QUERIES)
    args = parser.parse_args(argv)
    os.environ["DATABASE_URL"] = args.url
    os.environ["DJANGO_SETTINGS_MODULE"] = "meedoen.conf.dev"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from meedoen.accounts.models import Role, User
    from meedoen.audit import partitions

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    data = {"migrate_seconds": round(time.perf_counter() - started, 1), "rows": args.rows,
            "residents": args.residents, "months": MONTHS,
            "server_version": connection.cursor().connection.info.server_version}
    months = _month_starts(MONTHS)
    partitions.ensure_partitions(months_ahead=MONTHS + 1, today=months[0])
    User.objects.bulk_create([User(username=f"km{n:04d}", role=Role.CASEWORKER, password="!") for n in range(STAFF)])
    per_month = args.rows // MONTHS
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_staff AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, username "
                       "FROM accounts_user WHERE username ~ '^km[0-9]{4}$'")
        cursor.execute("CREATE UNIQUE INDEX ON bench_staff (n)")
        _plain_copy(cursor)
        times = {"partitioned": 0.0, "plain": 0.0}
        for i, month in enumerate(months):
            start = dt.datetime.combine(month, dt.time.min, tzinfo=dt.timezone.utc)
            seconds = (partitions.Partition(month).ends_at - start).total_seconds()
            params = {"start": start, "lo": i * per_month + 1, "hi": (i + 1) * per_month,
                      "step": int(seconds * 1e6 / per_month), "residents": args.residents, "staff": STAFF}
            order = [("partitioned", "audit_auditentry"), ("plain", PLAIN)]
            for label, table in (order if i % 2 == 0 else order[::-1]):
                times[label] += _timed(cursor, INSERT_YEAR.format(table=table), params)
            print(f"  month {month:%Y-%m}: {per_month:,} lines into each table "
                  f"({times['partitioned']:.0f} s partitioned, {times['plain']:.0f} s unpartitioned so far)", flush=True)
        total = per_month * MONTHS
        cursor.execute("ANALYZE audit_auditentry")
        cursor.execute(f"ANALYZE {PLAIN}")
        cursor.execute("SELECT (SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits "
                       "WHERE inhparent = 'audit_auditentry'::regclass), pg_total_relation_size(%s)", [PLAIN])
        size_partitioned, size_plain = cursor.fetchone()
        cursor.execute(f"SELECT count(*) FROM {partitions.DEFAULT_PARTITION}")
        data.update(rows=total, partitions=len(partitions.partitions()), default_partition_rows=cursor.fetchone()[0],
                    size_partitioned_mb=round(size_partitioned / 2**20), size_unpartitioned_mb=round(size_plain / 2**20),
                    insert_seconds_partitioned=round(times["partitioned"], 1),
                    insert_seconds_unpartitioned=round(times["plain"], 1))
    rows = [{
        "name": "audit: bulk insert (rows/s)", "data": _data(total, args.residents), "unit": "rows/s",
        "value": round(total / times["partitioned"]), "baseline": round(total / times["plain"]),
        "ratio": round(times["plain"] / times["partitioned"], 2), "baseline_name": BASELINE,
        "extra": {"note": "ratio = partitioned throughput ÷ unpartitioned (above 1: partitioned faster)"},
    }]
    rows.append(_single_inserts(connection, args))
    rows += _trail_queries(connection, args)
    rows.append(_retention_month(connection, args, months[0]))
    for row in rows:
        print(f"  {row['name']}: {row['value']} {row['unit']} against {row['baseline']} {row['unit']} "
              f"(× {row['ratio']})", flush=True)
    Path(args.out).write_text(json.dumps({"rows": rows, "data": data}))
    return 0


def _single_inserts(connection, args):
    rng = random.Random(12)
    samples = {"partitioned": [], "plain": []}
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, username FROM bench_staff ORDER BY n")
        staff = cursor.fetchall()
        for block in range(SINGLE_INSERTS // 100):
            order = [("partitioned", "audit_auditentry"), ("plain", PLAIN)]
            for label, table in (order if block % 2 == 0 else order[::-1]):
                sql = INSERT_ONE.format(table=table)
                for _ in range(100):
                    actor_id, username = rng.choice(staff)
                    resident = rng.randint(1, args.residents)
                    samples[label].append(_timed(cursor, sql, [actor_id, username, resident, str(resident),
                                                               f"/clienten/{resident}/"]) * 1000)
    value, baseline = statistics.median(samples["partitioned"]), statistics.median(samples["plain"])
    return {"name": "audit: single insert", "data": f"{SINGLE_INSERTS:,} INSERT … RETURNING id, autocommit",
            "unit": "ms", "value": round(value, 3), "baseline": round(baseline, 3), "ratio": round(value / baseline, 2),
            "baseline_name": BASELINE}


def _percentile(values, fraction):
    import math

    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _trail_sql():
    """The audit screen's two queries for one resident, as the ORM writes them (see meedoen.audit.views)."""
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from meedoen.audit.models import AuditEntry

    marker = 987654321
    qs = AuditEntry.objects.select_related("actor").order_by("-occurred_at", "-id").filter(resident_id=marker)
    paginator = Paginator(qs, 50)
    with CaptureQueriesContext(connection) as captured:
        paginator.count  # noqa: B018 (the page's count query)
        list(qs[:paginator.per_page])  # the first page (Paginator skips it when the count is 0, as it is here)
    return [q["sql"].replace(str(marker), "{resident}") for q in captured.captured_queries]


def _trail_queries(connection, args):
    statements = _trail_sql()
    rng = random.Random(7)
    residents = rng.sample(range(1, args.residents + 1), args.queries)
    samples = {"partitioned": [], "plain": []}
    found = []
    with connection.cursor() as cursor:
        for i, resident in enumerate(residents[:20] + residents):  # the first 20 once more as a warm-up
            order = [("partitioned", "audit_auditentry"), ("plain", PLAIN)]
            for label, table in (order if i % 2 == 0 else order[::-1]):
                started = time.perf_counter()
                for sql in statements:
                    cursor.execute(sql.replace('"audit_auditentry"', f'"{table}"').format(resident=resident))
                    result = cursor.fetchall()
                elapsed = (time.perf_counter() - started) * 1000
                if i >= 20:
                    samples[label].append(elapsed)
                    if label == "partitioned":
                        found.append(len(result))
    data = f"{len(residents)} residents, {statistics.mean(found):.0f} lines avg, count+page 1"
    rows = []
    for name, fraction in (("audit: resident trail p50", 0.5), ("audit: resident trail p95", 0.95)):
        value, baseline = _percentile(samples["partitioned"], fraction), _percentile(samples["plain"], fraction)
        rows.append({"name": name, "data": data, "unit": "ms", "value": round(value, 2),
                     "baseline": round(baseline, 2), "ratio": round(value / baseline, 2), "baseline_name": BASELINE})
    return rows


def _retention_month(connection, args, month):
    from django.db import transaction

    from meedoen.audit import partitions

    partition = partitions.Partition(month)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {partition.name}")
        rows = cursor.fetchone()[0]
        with transaction.atomic():
            started = time.perf_counter()
            partitions.drop_partition(partition)
        dropped = time.perf_counter() - started
        with transaction.atomic():
            deleted = _timed(cursor, f"DELETE FROM {PLAIN} WHERE occurred_at >= %s AND occurred_at < %s",
                             [partition.starts_at, partition.ends_at])
        # A DELETE only marks the rows; VACUUM removes them and their index entries (autovacuum would do it later).
        vacuumed = _timed(cursor, f"VACUUM {PLAIN}")
    return {"name": "audit: retention, one month", "data": f"{rows:,} lines: drop vs DELETE+VACUUM",
            "unit": "s", "value": round(dropped, 3), "baseline": round(deleted + vacuumed, 3),
            "ratio": round(dropped / (deleted + vacuumed), 4), "baseline_name": BASELINE,
            "extra": {"delete_seconds": round(deleted, 3), "vacuum_seconds": round(vacuumed, 3)}}


def main(argv=None):
    parser = argparse.ArgumentParser(description="Audit trail at national scale on PostgreSQL (bench section)")
    add_arguments(parser)
    parser.add_argument("--reuse-db", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args(argv)
    args.audit_pg = True
    from run import print_batch

    ctx = SimpleNamespace(args=args, data={}, original_database_url=os.environ.get("DATABASE_URL", ""))
    rows = run(ctx)
    print()
    print_batch(rows)
    data = ctx.data.get("audit", {})
    if data:
        print(f"Sizes: partitioned {data['size_partitioned_mb']:,} MB in {data['partitions']} monthly partitions "
              f"(DEFAULT holds {data['default_partition_rows']}), unpartitioned {data['size_unpartitioned_mb']:,} MB; "
              f"{data['total_seconds']:.0f} s in all.")
    results_path = ROOT / ".bench" / "results.json"
    results_path.parent.mkdir(exist_ok=True)
    try:
        results = json.loads(results_path.read_text())
    except (OSError, ValueError):
        results = {}
    results["audit"] = {"timestamp": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                        "cpu_count": os.cpu_count(), "data": data, "rows": rows}
    results_path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"Results: .bench/results.json (under \"audit\")")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "worker":
        sys.exit(worker(sys.argv[2:]))
    sys.exit(main())
