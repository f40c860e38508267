"""The audit trail's own term (schedule category audit_trail): whole months dropped on PostgreSQL, bounded batches of
rows elsewhere, a deletion record either way, and nothing deleted under unconfirmed terms.

Runs on SQLite and, with DATABASE_URL pointing at PostgreSQL, on the partitioned table (migration audit 0002).
"""
import datetime as dt

import pytest
from django.db import connection

from meedoen.audit import partitions
from meedoen.audit.models import AuditEntry
from meedoen.retention import rules, services
from meedoen.retention import schedule as schedules
from meedoen.retention.models import DeletionRecord

from .conftest import FROZEN_AT

pytestmark = pytest.mark.django_db
TODAY = FROZEN_AT.date()
UTC = dt.timezone.utc
ON_POSTGRES = connection.vendor == "postgresql"


def at(year, month, day):
    return dt.datetime(year, month, day, 12, tzinfo=UTC)


def line(moment, *, export=False):
    return AuditEntry.objects.create(
        actor_username="tester", action=AuditEntry.Action.EXPORT if export else AuditEntry.Action.VIEW,
        screen="monitoring:research_export" if export else "residents:detail", occurred_at=moment)


@pytest.fixture
def trail(db):
    """Lines around the audit term's cutoff (36 months before 2026-11-23: 2023-11-23) and the research-export term's
    (60 months: 2021-11-23). On PostgreSQL the months 2023-09 … 2023-12 have their own partitions; older lines are in
    the DEFAULT partition (their months have none)."""
    schedule = schedules.current()
    assert rules.older_than(TODAY, schedule.category("audit_trail").term_months) == dt.date(2023, 11, 23)
    assert rules.older_than(TODAY, schedule.category("research_export_log").term_months) == dt.date(2021, 11, 23)
    partitions.ensure_partitions(months_ahead=3, today=dt.date(2023, 9, 1))
    return {
        "whole_month": line(at(2023, 9, 15)),  # in a month entirely past the term: dropped with it
        "export_kept": line(at(2023, 10, 10), export=True),  # same, but an export inside its own term: kept
        "month_before": line(at(2023, 10, 12)),
        "straddling_old": line(at(2023, 11, 10)),  # the cutoff's own month: older rows deleted one by one
        "straddling_new": line(at(2023, 11, 30)),
        "next_month": line(at(2023, 12, 5)),
        "export_due": line(at(2020, 5, 1), export=True),  # past the export term, in DEFAULT
        "default_old": line(at(2020, 6, 1)),
        "recent": line(FROZEN_AT - dt.timedelta(days=3)),
    }


def remaining(trail):
    return {name for name, e in trail.items() if AuditEntry.objects.filter(pk=e.pk).exists()}


KEPT = {"export_kept", "straddling_new", "next_month", "recent"}


def test_lines_past_the_audit_term_go_and_exports_inside_their_own_term_stay(trail):
    result = services.purge_logs(TODAY)

    assert result == {"audit_trail": 4, "research_export_log": 1, "deletion_record": 0}
    assert remaining(trail) == KEPT
    assert DeletionRecord.objects.get(category="audit_trail").counts == {"audit.AuditEntry": 4}
    assert DeletionRecord.objects.get(category="research_export_log").counts == {"audit.AuditEntry": 1}
    assert services.purge_logs(TODAY) == {"audit_trail": 0, "research_export_log": 0, "deletion_record": 0}
    assert DeletionRecord.objects.filter(category="audit_trail").count() == 1  # nothing deleted, no new record


@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (DATABASE_URL)")
def test_on_postgres_whole_months_past_the_term_are_dropped_and_the_rest_stays_partitioned(trail):
    months = {p.month for p in partitions.partitions()}
    assert {dt.date(2023, 9, 1), dt.date(2023, 10, 1)} <= months

    services.purge_logs(TODAY)

    months = {p.month for p in partitions.partitions()}
    assert dt.date(2023, 9, 1) not in months and dt.date(2023, 10, 1) not in months
    assert {dt.date(2023, 11, 1), dt.date(2023, 12, 1)} <= months  # the cutoff's month and later stay
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {partitions.TABLE} WHERE id = %s",
                       [trail["export_kept"].pk])
        assert cursor.fetchone()[0] == partitions.DEFAULT_PARTITION  # its month is gone; it waits out its term
    assert remaining(trail) == KEPT


def test_row_by_row_deletion_is_bounded_per_run_and_the_record_says_what_went(db, monkeypatch):
    monkeypatch.setattr(services, "AUDIT_PURGE_BATCH", 2)
    monkeypatch.setattr(services, "AUDIT_PURGE_MAX_ROWS", 3)
    for day in range(1, 6):
        line(at(2020, 6, day))  # past the term, in no partition of its own: deleted row by row

    assert services.purge_logs(TODAY)["audit_trail"] == 3
    assert AuditEntry.objects.count() == 2
    assert services.purge_logs(TODAY)["audit_trail"] == 2
    assert AuditEntry.objects.count() == 0
    assert sorted(r.counts["audit.AuditEntry"] for r in DeletionRecord.objects.filter(category="audit_trail")) == [2, 3]


def test_under_unconfirmed_default_terms_the_trail_is_only_counted(trail, settings):
    settings.RETENTION_DELETE_UNDER_DEFAULT_TERMS = False
    months_before = partitions.partitions()

    results = services.apply_all(today=TODAY)

    [logs] = [r for r in results if r.municipality == "*"]
    assert logs.unconfirmed and logs.dry_run
    assert logs.purged["audit_trail"] == 4 and logs.purged["research_export_log"] == 1
    assert remaining(trail) == set(trail)
    assert partitions.partitions() == months_before
    assert not DeletionRecord.objects.filter(category__in=["audit_trail", "research_export_log"]).exists()
