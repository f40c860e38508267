"""`make bench` section for the guidance loop (issue 3): the worklist page, the nightly follow-up engine and a campaign
of letters, each against a baseline measured in the same run. Registered in SECTIONS in bench/run.py.

- worklist page: the caseworker's caseload is set to exactly 350 (residents are moved between teammates with the
  normal reassignment service when the demo gave another number), then /begeleiding/werklijst/ is timed with the
  other pages against /over/.
- nightly follow-up engine (meedoen.guidance.tasks.refresh_follow_up, the task cron starts): seconds per 10,000
  residents, (a) on an ordinary night, when nothing needs to change, against a plain read of the same residents and
  signed plans; (b) when every resident's date must be rewritten (e.g. after a change of the contact norms), against
  the same read plus one UPDATE statement that rewrites a field of every one of those residents.
- letters: a campaign of invitations to distinct residents through letters.services.issue_letter (template, QR code,
  WeasyPrint, stored with a timeline line), ms per letter against a one-line PDF with the same print stylesheet;
  then the print file of the whole campaign (letters.pdf.batch_pdf) against the same function joining as many
  one-line PDFs.
- PostgreSQL, 450,000 residents (the country, DESIGN §6): with --pg, or when DATABASE_URL points at PostgreSQL. The
  bench makes its own database on that server (meedoen_bench_450k) in a child process: seed_demo with a 10,000-resident
  template, then copies of those residents (new ids and BSNs, with their signed plans and placements) up to
  450,000, and times the follow-up engine as above. Without a reachable server the report says so: nothing is
  estimated.

Run alone: `.venv/bin/python bench/guidance_loop.py pg-worker --help` (the child process; normally started by run.py).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
WORKLIST_CASELOAD = 350
CAMPAIGN_LETTERS = 500
PG_RESIDENTS = 450_000
PG_TEMPLATE = 10_000
PG_DATABASE = "meedoen_bench_450k"
PG_DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
PG_SCHEMES = ("postgres", "postgresql", "pgsql", "postgis")
BASELINE_SCAN = "read of the same residents and signed plans (values_list, iterated)"
BASELINE_SCAN_WRITE = "that read + one UPDATE rewriting a field of the same residents"
BASELINE_PDF = "a one-line PDF with the same print stylesheet (WeasyPrint)"
BASELINE_BATCH = "batch_pdf of as many one-line PDFs (the same code, no letter content)"


def add_arguments(parser):
    group = parser.add_argument_group("guidance loop (bench/guidance_loop.py)")
    group.add_argument("--letters", type=int, default=CAMPAIGN_LETTERS,
                       help=f"letters in the campaign (default {CAMPAIGN_LETTERS}; 0 skips the letters)")
    group.add_argument("--followup-repeats", type=int, default=5,
                       help="timed runs of the follow-up engine per case (default 5)")
    group.add_argument("--pg", action="store_true",
                       help="also time the follow-up engine over 450,000 residents on PostgreSQL "
                            "(the server of DATABASE_URL, else BENCH_PG_URL or 127.0.0.1:5432)")
    group.add_argument("--pg-residents", type=int, default=PG_RESIDENTS, help=f"default {PG_RESIDENTS}")
    group.add_argument("--pg-template", type=int, default=PG_TEMPLATE,
                       help=f"residents seeded with seed_demo before copying (default {PG_TEMPLATE})")
    group.add_argument("--pg-repeats", type=int, default=3, help="timed runs per case on PostgreSQL (default 3)")


def _timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


# -- worklist ---------------------------------------------------------------------------------------------------------


def prepare(ctx):
    caseworker = ctx.caseworker
    moved = set_caseload(caseworker, WORKLIST_CASELOAD)
    from django.utils import timezone

    from meedoen.guidance import rules
    from meedoen.guidance import worklist as wl
    from meedoen.residents.models import Resident

    today = timezone.localdate()
    own = Resident.objects.filter(current_caseworker=caseworker)
    items = rules.classify(wl.build_rows(own, today), today)
    ctx.data.update({
        "worklist_caseload": own.count(),
        "worklist_residents_in_guidance": own.filter(guidance_status="active").count(),
        "worklist_items": len(items),
        "worklist_caseload_moved_by_bench": moved,
    })
    print(f"Worklist: caseload of '{caseworker.username}' {own.count()} ({moved} residents moved to reach "
          f"{WORKLIST_CASELOAD}); {len(items)} of them on the worklist.")
    return [("worklist", "/begeleiding/werklijst/")]


def set_caseload(caseworker, size):
    """Give `caseworker` exactly `size` residents, moving residents from or to teammates with the reassignment service
    (lowest ids first, so the same database always gives the same caseload). Returns how many were moved."""
    from meedoen.accounts.models import User
    from meedoen.residents.models import Resident
    from meedoen.residents.services import assign_caseworker

    own = Resident.objects.filter(current_caseworker=caseworker)
    current = own.count()
    if current == size:
        return 0
    colleagues = User.objects.filter(role=caseworker.role, is_active=True, municipality_id=caseworker.municipality_id)
    colleagues = colleagues.exclude(pk=caseworker.pk).order_by("pk")
    if caseworker.team_id is not None and colleagues.filter(team_id=caseworker.team_id).exists():
        colleagues = colleagues.filter(team_id=caseworker.team_id)
    reason = f"[bench] caseload op {size}"
    if current < size:
        taken = Resident.objects.filter(current_caseworker__in=colleagues, guidance_status="active").order_by("pk")
        for resident in taken[:size - current]:
            assign_caseworker(resident, caseworker, actor=None, reason=reason)
    else:
        colleague = colleagues.first()
        for resident in own.order_by("-pk")[:current - size]:
            assign_caseworker(resident, colleague, actor=None, reason=reason)
    return abs(size - current)


# -- batch measurements -----------------------------------------------------------------------------------------------


def run(ctx):
    from meedoen.organisation.models import Municipality

    municipality = Municipality.objects.get(pk=ctx.caseworker.municipality_id)
    rows = []
    print(f"Follow-up engine over the demo municipality ({ctx.args.followup_repeats} runs per case) ...")
    rows += _guarded("follow-up engine", lambda: measure_followup(
        municipality, ctx.args.followup_repeats, engine="SQLite"))
    if ctx.args.letters > 0:
        print(f"Letters: a campaign of {ctx.args.letters} ...")
        rows += _guarded("letters", lambda: measure_letters(municipality, ctx.args.letters))
    rows += measure_postgres(ctx)
    return rows


def _guarded(name, function):
    try:
        return function()
    except Exception as error:  # report it, keep the other measurements
        if os.environ.get("BENCH_TRACEBACK"):
            traceback.print_exc()
        return [{"name": name, "error": f"{type(error).__name__}: {error}".splitlines()[0][:200]}]


def _per_10k(seconds, residents):
    return seconds / residents * 10_000


def measure_followup(municipality, repeats, *, engine):
    """The nightly task over one municipality: an ordinary night (nothing changes) and a night that rewrites every
    resident's next-contact date, each against its baseline, interleaved so that drift hits both alike."""
    from django.db.models import F

    from meedoen.guidance.models import ActionPlan
    from meedoen.guidance.tasks import refresh_follow_up
    from meedoen.residents.models import Resident

    everyone = Resident.objects.filter(municipality=municipality)
    active = everyone.filter(guidance_status="active")
    total = everyone.count()
    in_guidance = active.count()
    key = str(municipality.pk)

    def nightly():
        return refresh_follow_up.call(municipality.pk)[key]

    def read():
        reviews = dict(ActionPlan.objects.signed().filter(resident__municipality=municipality)
                       .values_list("resident_id", "review_on"))
        rows = active.values_list("pk", "segment", "intensity", "last_contact_on", "benefit_start_date", "created_at",
                                  "next_contact_on", "next_contact_rule").order_by()
        return sum(1 for _row in rows.iterator(chunk_size=10_000)), len(reviews)

    def rewrite_one_field():
        return active.update(next_contact_rule=F("next_contact_rule"))

    nightly()  # bring the dates up to today and warm up: not timed
    quiet, reads, quiet_changed = [], [], set()
    for _ in range(repeats):
        seconds, changed = _timed(nightly)
        quiet.append(seconds)
        quiet_changed.add(changed)
        reads.append(_timed(read)[0])
    full, full_base, full_changed = [], [], set()
    for _ in range(max(1, (repeats + 1) // 2)):
        active.update(next_contact_on=None, next_contact_rule="")  # every date must be computed and written again
        seconds, changed = _timed(nightly)
        full.append(seconds)
        full_changed.add(changed)
        full_base.append(_timed(read)[0] + _timed(rewrite_one_field)[0])
    data = f"{total:,} res. ({in_guidance:,} in guidance), {engine}"
    rows = []
    for name, times, base, changed, baseline_name in (
            ("follow-up engine, no changes", quiet, reads, quiet_changed, BASELINE_SCAN),
            ("follow-up engine, all rewritten", full, full_base, full_changed, BASELINE_SCAN_WRITE)):
        value, baseline = _per_10k(statistics.median(times), total), _per_10k(statistics.median(base), total)
        rows.append({"name": name, "data": data,
                     "value": round(value, 4), "unit": "s/10k res.", "baseline": round(baseline, 4),
                     "ratio": round(value / baseline, 2), "baseline_name": baseline_name,
                     "extra": {"residents": total, "in_guidance": in_guidance, "runs": len(times),
                               "median_seconds": round(statistics.median(times), 3),
                               "baseline_median_seconds": round(statistics.median(base), 3),
                               "rows_changed": sorted(changed), "engine": engine}})
    return rows


ONE_LINE_LETTER = "<p>Meedoen.</p>"


def measure_letters(municipality, count):
    """A campaign of `count` invitations to distinct residents through issue_letter, with a one-line PDF rendered
    after every fifth letter as the baseline; then the batch print file of the campaign."""
    from django.utils import timezone

    from meedoen.letters import pdf
    from meedoen.letters.models import Letter
    from meedoen.letters.services import issue_letter
    from meedoen.policy.services import active_profile
    from meedoen.residents.models import Resident

    Letter.objects.filter(campaign_ref__startswith="bench-").delete()  # the campaign of an earlier run (--reuse-db)
    residents = list(
        Resident.objects.filter(municipality=municipality, guidance_status="active", letters__isnull=True)
        .exclude(street="").exclude(house_number="").exclude(postcode="").exclude(city="")
        .select_related("municipality", "current_caseworker").order_by("pk")[:count]
    )
    if len(residents) < count:
        raise RuntimeError(f"only {len(residents)} residents with a postal address and no letter yet")
    profile = active_profile(municipality)
    today = timezone.localdate()
    ref = f"bench-{dt.datetime.now(dt.timezone.utc):%Y%m%d%H%M%S}"
    context = {
        "campaign_name": "Kennismaken (bench)", "appointment_kind": "kennismakingsgesprek",
        "appointment_kind_code": "intake", "obligatory": profile.letter_tone == "obligating",
        "expires_on": today + dt.timedelta(days=14),
    }
    pdf.render(pdf.letter_html_document(ONE_LINE_LETTER, title="warm-up"))  # load fonts and stylesheet: not timed
    letter_times, baseline_times = [], []
    for index, resident in enumerate(residents):
        letter_context = {**context, "booking_url": f"https://meedoen.example/afspraak/{ref}-{resident.pk}"}
        letter_times.append(_timed(lambda: issue_letter(
            resident, "invitation", step_key=f"{ref}:{resident.pk}", policy_profile=profile,
            context=letter_context, campaign_ref=ref))[0])
        if index % 5 == 0:
            baseline_times.append(_timed(lambda: pdf.render(
                pdf.letter_html_document(ONE_LINE_LETTER, title="Meedoen")))[0])
    campaign_seconds = sum(letter_times)

    campaign = Letter.objects.filter(campaign_ref=ref).defer("document_html", "body_html").order_by("id")

    def batch():
        return pdf.batch_pdf(list(campaign))

    one_line = pdf.render(pdf.letter_html_document(ONE_LINE_LETTER, title="Meedoen"))[0]
    stand_ins = [SimpleNamespace(pk=None, pdf=one_line) for _ in range(count)]

    def batch_of_one_liners():
        return pdf.batch_pdf(stand_ins, mark_printed=False)

    batch_times, base_times, size = [], [], 0
    for _ in range(2):
        seconds, output = _timed(batch)
        batch_times.append(seconds)
        size = len(output)
        base_times.append(_timed(batch_of_one_liners)[0])
    pages = sum(Letter.objects.filter(campaign_ref=ref).values_list("page_count", flat=True))
    per_letter_ms = campaign_seconds / count * 1000
    baseline_ms = statistics.mean(baseline_times) * 1000
    batch_ms = statistics.median(batch_times) / count * 1000
    batch_base_ms = statistics.median(base_times) / count * 1000
    data = f"{count} invitations to {count} residents, {pages} pages"
    return [
        {"name": "letters: issue + PDF", "data": data, "value": round(per_letter_ms, 2),
         "unit": "ms/letter", "baseline": round(baseline_ms, 2), "ratio": round(per_letter_ms / baseline_ms, 2),
         "baseline_name": BASELINE_PDF,
         "extra": {"letters": count, "pages": pages, "campaign_seconds": round(campaign_seconds, 2),
                   "median_ms": round(statistics.median(letter_times) * 1000, 2),
                   "p95_ms": round(sorted(letter_times)[max(0, int(0.95 * count) - 1)] * 1000, 2),
                   "baseline_samples": len(baseline_times), "policy_profile": profile.key,
                   "tone": profile.letter_tone}},
        {"name": "letters: batch print file", "data": f"those {count} letters, {size / 1e6:.1f} MB PDF",
         "value": round(batch_ms, 2), "unit": "ms/letter", "baseline": round(batch_base_ms, 2),
         "ratio": round(batch_ms / batch_base_ms, 2), "baseline_name": BASELINE_BATCH,
         "extra": {"runs": len(batch_times), "batch_seconds": round(statistics.median(batch_times), 2),
                   "bytes": size}},
    ]


# -- PostgreSQL, 450,000 residents ------------------------------------------------------------------------------------


def _with_database(url, name):
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _libpq(url):
    """A postgres:// URL as psycopg takes it (dj-database-url also knows other scheme names)."""
    parts = urlsplit(url)
    return urlunsplit(("postgresql", parts.netloc, parts.path, parts.query, parts.fragment))


def pg_server(ctx):
    """(server URL, None) when the PostgreSQL part is to be measured, else (None, why not)."""
    original = ctx.original_database_url
    if urlsplit(original).scheme in PG_SCHEMES:
        return original, None
    if ctx.args.pg or os.environ.get("BENCH_PG"):
        return os.environ.get("BENCH_PG_URL", PG_DEFAULT_SERVER), None
    return None, "not requested (make bench BENCH_ARGS=--pg, or DATABASE_URL=postgres://…)"


def measure_postgres(ctx):
    name = f"follow-up engine, {ctx.args.pg_residents:,} res."
    server, why_not = pg_server(ctx)
    if server is None:
        print(f"PostgreSQL {ctx.args.pg_residents:,} residents: not measured: {why_not}.")
        return [{"name": name, "data": "PostgreSQL", "error": why_not}]
    try:
        import psycopg
    except ImportError:
        return [{"name": name, "data": "PostgreSQL", "error": "psycopg is not installed"}]
    target = _with_database(server, PG_DATABASE)
    where = f"{urlsplit(target).hostname or 'localhost'}:{urlsplit(target).port or 5432}"  # no user or password
    try:
        _prepare_pg_database(psycopg, server, target, ctx.args)
    except Exception as error:
        reason = f"no PostgreSQL at {where} ({type(error).__name__}: {str(error).strip().splitlines()[0]})"
        print(f"PostgreSQL {ctx.args.pg_residents:,} residents: not measured: {reason}.")
        return [{"name": name, "data": "PostgreSQL", "error": reason[:200]}]
    print(f"PostgreSQL: database {PG_DATABASE} on {where}, {ctx.args.pg_residents:,} residents "
          f"(child process) ...", flush=True)
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    command = [sys.executable, str(Path(__file__).resolve()), "pg-worker", "--url", target, "--out", str(out),
               "--residents", str(ctx.args.pg_residents), "--template", str(ctx.args.pg_template),
               "--repeats", str(ctx.args.pg_repeats), "--preset", ctx.args.preset, "--seed", str(ctx.args.seed)]
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=ROOT, env={**os.environ, "DATABASE_URL": target}, check=False)
    try:
        result = json.loads(out.read_text()) if completed.returncode == 0 else None
    finally:
        out.unlink(missing_ok=True)
    if not result:
        return [{"name": name, "data": "PostgreSQL", "error": f"the PostgreSQL child process failed (exit {completed.returncode})"}]
    ctx.data["postgres"] = {**result["data"], "total_seconds": round(time.perf_counter() - started, 1)}
    return result["rows"]


def _prepare_pg_database(psycopg, server, target, args):
    """Keep the bench database when --reuse-db and it holds the requested number of residents; else make it anew."""
    keep = False
    with psycopg.connect(_libpq(_with_database(server, "postgres")), autocommit=True, connect_timeout=5) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_DATABASE]).fetchone()
        if exists and args.reuse_db:
            try:
                with psycopg.connect(_libpq(target), connect_timeout=5) as bench:
                    count = bench.execute("SELECT count(*) FROM residents_resident").fetchone()[0]
                keep = count == args.pg_residents
            except psycopg.Error:
                keep = False
        if exists and not keep:
            conn.execute(f'DROP DATABASE "{PG_DATABASE}" WITH (FORCE)')
        if not keep:
            conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')


def pg_worker(argv=None):
    """The child process: Django on the PostgreSQL bench database; seed, copy up to the size, time the engine."""
    parser = argparse.ArgumentParser(description="Follow-up engine over many residents on PostgreSQL (child of run.py)")
    parser.add_argument("--url", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--residents", type=int, default=PG_RESIDENTS)
    parser.add_argument("--template", type=int, default=PG_TEMPLATE)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--preset", default="rotterdam")
    parser.add_argument("--seed", type=int, default=42)
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

    from meedoen.organisation.models import Municipality
    from meedoen.residents.models import Resident

    call_command("migrate", interactive=False, verbosity=0)
    data = {"server_version": connection.cursor().connection.info.server_version}
    if Resident.objects.count() == args.residents:
        print(f"  reusing {args.residents:,} residents")
        data["build_seconds"] = None
    else:
        if Municipality.objects.exists():
            raise SystemExit("The PostgreSQL bench database holds other data; run without --reuse-db.")
        started = time.perf_counter()
        call_command("seed_demo", preset=args.preset, residents=min(args.template, args.residents), seed=args.seed,
                     stdout=open(os.devnull, "w"))
        data["seed_seconds"] = round(time.perf_counter() - started, 1)
        print(f"  seed_demo {min(args.template, args.residents):,} residents: {data['seed_seconds']} s", flush=True)
        started = time.perf_counter()
        copied = copy_residents(Municipality.objects.get(), args.residents)
        data["copy_seconds"] = round(time.perf_counter() - started, 1)
        print(f"  copied {copied:,} residents with their signed plans and placements: {data['copy_seconds']} s",
              flush=True)
        data["build_seconds"] = round(data["seed_seconds"] + data["copy_seconds"], 1)
    municipality = Municipality.objects.get()
    data["residents"] = Resident.objects.count()
    started = time.perf_counter()
    rows = measure_followup(municipality, args.repeats, engine="PostgreSQL")
    data["measure_seconds"] = round(time.perf_counter() - started, 1)
    Path(args.out).write_text(json.dumps({"rows": rows, "data": data}))
    return 0


def _engine_inputs():
    """(model, condition on alias p, parameters, column overrides) of the rows besides the residents that the
    follow-up engine reads: signed plans (review date) and placements with a partner (referrals app, if present)."""
    from meedoen.guidance.models import ActionPlan

    inputs = [(ActionPlan, "p.status = %s", [str(ActionPlan.Status.SIGNED)], {"previous_id": "NULL"})]
    try:
        from meedoen.referrals.models import Referral
    except ImportError:
        return inputs
    if any(f.name == "placed_on" for f in Referral._meta.concrete_fields):
        inputs.append((Referral, "p.placed_on IS NOT NULL", [], {"suggestion_id": "NULL"}))
    return inputs


def copy_residents(municipality, target):
    """Copy the municipality's residents (new public ids and BSNs) until it has `target`, each copy with copies of
    its original's signed plan and placements: the facts the follow-up engine reads, in the demo's proportions.
    Server-side SQL, PostgreSQL only. The new BSNs pass the 11-proof and start with 0, which the demo's never do."""
    from django.db import connection, transaction

    from meedoen.residents.models import Resident

    template = Resident.objects.filter(municipality=municipality).count()
    needed = target - template
    if needed <= 0:
        return 0
    qn = connection.ops.quote_name
    resident_table = qn(Resident._meta.db_table)
    resident_overrides = {"public_id": "gen_random_uuid()", "bsn": "m.bsn"}
    resident_columns = [f.column for f in Resident._meta.concrete_fields if not f.primary_key]
    weights = " + ".join(f"substr(p, {i + 1}, 1)::int * {9 - i}" for i in range(8))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"""
            CREATE TEMP TABLE bench_bsn ON COMMIT DROP AS
            SELECT row_number() OVER (ORDER BY n) AS rn, p || mod(s, 11)::text AS bsn
            FROM (SELECT n, p, {weights} AS s
                  FROM (SELECT n, lpad(n::text, 8, '0') AS p FROM generate_series(1, %s) AS n) AS digits) AS sums
            WHERE mod(s, 11) < 10""", [needed * 12 // 10 + 100])
        cursor.execute(f"""
            CREATE TEMP TABLE bench_map ON COMMIT DROP AS
            SELECT t.id AS template_id, b.bsn
            FROM (SELECT id, row_number() OVER (ORDER BY id) AS rt FROM {resident_table}
                  WHERE municipality_id = %s) AS t
            CROSS JOIN generate_series(0, %s) AS k
            JOIN bench_bsn AS b ON b.rn = k * %s + t.rt
            WHERE k * %s + t.rt <= %s""", [municipality.pk, needed // template + 1, template, template, needed])
        select = ", ".join(resident_overrides.get(c, f"r.{qn(c)}") for c in resident_columns)
        cursor.execute(f"""
            INSERT INTO {resident_table} ({", ".join(qn(c) for c in resident_columns)})
            SELECT {select} FROM bench_map AS m JOIN {resident_table} AS r ON r.id = m.template_id""")
        copied = cursor.rowcount
        tables = [resident_table]
        for model, condition, params, overrides in _engine_inputs():
            table = qn(model._meta.db_table)
            columns = [f.column for f in model._meta.concrete_fields if not f.primary_key]
            overrides = {"resident_id": "c.id", **overrides}
            select = ", ".join(overrides.get(c, f"p.{qn(c)}") for c in columns)
            cursor.execute(f"""
                INSERT INTO {table} ({", ".join(qn(c) for c in columns)})
                SELECT {select} FROM bench_map AS m
                JOIN {resident_table} AS c ON c.municipality_id = %s AND c.bsn = m.bsn
                JOIN {table} AS p ON p.resident_id = m.template_id AND {condition}""", [municipality.pk, *params])
            tables.append(table)
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {table}")
    return copied


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "pg-worker":
        sys.exit(pg_worker(sys.argv[2:]))
    print(__doc__)
