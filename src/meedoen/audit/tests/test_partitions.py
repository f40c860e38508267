"""The audit trail partitioned by month on PostgreSQL (migration audit 0002, meedoen.audit.partitions).

The PostgreSQL tests run when DATABASE_URL points at a PostgreSQL server, e.g.
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/meedoen_test pytest src/meedoen/audit/tests/test_partitions.py`;
on SQLite they are skipped and the SQLite tests prove the maintenance does nothing there.
"""
import datetime as dt

import pytest
from django.apps import apps
from django.db import connection, models
from django.utils import timezone

from meedoen.audit import partitions
from meedoen.audit.models import AuditEntry
from meedoen.audit.tasks import ensure_audit_partitions
from meedoen.outreach.management.commands.run_scheduled import scheduled_tasks

pytestmark = pytest.mark.django_db
on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)")
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite behaviour")


def fetch(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def entry(moment, **extra):
    return AuditEntry.objects.create(actor_username="tester", action=AuditEntry.Action.VIEW, occurred_at=moment,
                                     **extra)


def partition_of(pk):
    [(name,)] = fetch(f"SELECT tableoid::regclass::text FROM {partitions.TABLE} WHERE id = %s", [pk])
    return name


def test_nothing_has_a_foreign_key_to_the_audit_trail():
    """A partitioned table's key is (id, occurred_at): a foreign key to `id` alone would be impossible."""
    pointing = [f"{model._meta.label}.{field.name}" for model in apps.get_models()
                for field in model._meta.get_fields()
                if isinstance(field, models.ForeignObject) and field.related_model is AuditEntry]
    assert pointing == []


def test_partition_maintenance_is_a_nightly_task():
    assert ensure_audit_partitions in scheduled_tasks("nightly")


@on_sqlite
def test_on_sqlite_the_table_is_ordinary_and_maintenance_does_nothing():
    assert not partitions.is_partitioned()
    assert partitions.ensure_partitions(months_ahead=12) == []
    assert partitions.partitions() == [] and partitions.default_rows() == 0
    assert ensure_audit_partitions.call() == []


@on_postgres
def test_after_migrate_the_trail_is_partitioned_by_month_with_its_key_indexes_and_sequence():
    [(strategy, key)] = fetch("""
        SELECT p.partstrat, a.attname FROM pg_partitioned_table p
        JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
        WHERE p.partrelid = to_regclass(%s)""", [partitions.TABLE])
    assert (strategy, key) == ("r", "occurred_at")
    [(primary_key,)] = fetch("SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                             "WHERE conrelid = to_regclass(%s) AND contype = 'p'", [partitions.TABLE])
    assert primary_key == "PRIMARY KEY (id, occurred_at)"
    indexes = {definition.split(" USING btree ")[1] for (definition,) in fetch(
        "SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = to_regclass(%s)", [partitions.TABLE])}
    assert {"(resident_id, occurred_at DESC)", "(actor_id, occurred_at DESC)", "(occurred_at)"} <= indexes
    assert fetch("SELECT pg_get_serial_sequence(%s, 'id')", [partitions.TABLE]) == [
        (f"public.{partitions.TABLE}_id_seq",)]
    assert fetch("SELECT 1 FROM pg_class WHERE relname = %s AND relispartition", [partitions.DEFAULT_PARTITION])
    this_month = partitions.month_of(timezone.now())
    assert {partitions.Partition(partitions.add_months(this_month, i)) for i in range(4)} <= set(
        partitions.partitions())


@on_postgres
def test_rows_of_several_months_land_in_their_own_partitions_and_inserts_return_their_ids():
    start = partitions.add_months(partitions.month_of(timezone.now()), -5)
    partitions.ensure_partitions(months_ahead=8, today=start)
    moments = [dt.datetime.combine(partitions.add_months(start, i), dt.time(12), tzinfo=dt.timezone.utc)
               + dt.timedelta(days=i) for i in range(8)]
    created = [entry(moment) for moment in moments]
    bulk = AuditEntry.objects.bulk_create([AuditEntry(actor_username="bulk", action="view", occurred_at=m)
                                           for m in moments])

    ids = [e.pk for e in created + bulk]
    assert all(ids) and len(set(ids)) == len(ids) and ids == sorted(ids)
    for e in created + bulk:
        assert partition_of(e.pk) == partitions.Partition(partitions.month_of(e.occurred_at)).name
        assert AuditEntry.objects.get(pk=e.pk).occurred_at == e.occurred_at
    assert partitions.default_rows() == 0


@on_postgres
def test_rows_waiting_in_the_default_partition_move_into_their_month_when_it_is_created():
    far = partitions.add_months(partitions.month_of(timezone.now()), 9)  # beyond the months made ahead
    early = entry(dt.datetime.combine(far, dt.time(8), tzinfo=dt.timezone.utc))
    assert partition_of(early.pk) == partitions.DEFAULT_PARTITION

    created = partitions.ensure_partitions(months_ahead=9)

    assert partitions.Partition(far).name in created
    assert partition_of(early.pk) == partitions.Partition(far).name
    assert partitions.default_rows() == 0
    assert partitions.ensure_partitions(months_ahead=9) == []  # idempotent


@on_postgres
def test_dropping_a_month_removes_exactly_its_rows():
    start = partitions.add_months(partitions.month_of(timezone.now()), -3)
    partitions.ensure_partitions(months_ahead=1, today=start)
    old = entry(dt.datetime.combine(start, dt.time(9), tzinfo=dt.timezone.utc))
    next_month = entry(dt.datetime.combine(partitions.add_months(start, 1), dt.time(9), tzinfo=dt.timezone.utc))

    partitions.drop_partition(partitions.Partition(start))

    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk=next_month.pk).exists()
    assert partitions.Partition(start) not in partitions.partitions()
