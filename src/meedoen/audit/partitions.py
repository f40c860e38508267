"""The audit trail on PostgreSQL: one table partitioned by month on `occurred_at` (migration 0002).

Every read of a dossier is an audit line, so at national scale the trail grows by tens of millions of rows a year.
Partitioned by month, a search of one resident's trail only touches the monthly partitions' small indexes, and the
retention term is applied by dropping whole months (`drop_partition`) instead of deleting row by row.

- Monthly partitions are named `audit_auditentry_pYYYY_MM` and bounded by UTC month starts.
- `ensure_partitions(months_ahead=3)` creates this month's and the next months' partitions. It runs after every
  `migrate` (post_migrate) and nightly (`audit.tasks.ensure_audit_partitions`), so the DEFAULT partition stays empty
  in normal operation. Should rows still land in DEFAULT for a month (the nightly job did not run for months), the
  next call moves them into the month's new partition in the same transaction that attaches it.
- The DEFAULT partition also takes rows of months that have no partition (backdated imports, and research-export lines
  kept after their month was dropped: they have a longer term, see meedoen.retention.services.purge_logs). The
  retention run deletes those row by row.

On SQLite (the demo) the table is an ordinary table and every function here does nothing.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

TABLE = "audit_auditentry"
DEFAULT_PARTITION = f"{TABLE}_default"
PARTITION_NAME = re.compile(rf"^{TABLE}_p(\d{{4}})_(\d{{2}})$")
# Serialises partition maintenance between processes (a nightly task and a migrate at the same time).
ADVISORY_LOCK = 0x4D45_4144  # "MEAD"
MONTHS_AHEAD = 3


@dataclass(frozen=True, order=True)
class Partition:
    month: dt.date  # the first day of the month

    @property
    def name(self) -> str:
        return f"{TABLE}_p{self.month.year:04d}_{self.month.month:02d}"

    @property
    def starts_at(self) -> dt.datetime:
        return dt.datetime.combine(self.month, dt.time.min, tzinfo=dt.timezone.utc)

    @property
    def ends_at(self) -> dt.datetime:
        return dt.datetime.combine(add_months(self.month, 1), dt.time.min, tzinfo=dt.timezone.utc)


def month_of(moment) -> dt.date:
    """The first day of the (UTC) month of a datetime or date."""
    if isinstance(moment, dt.datetime):
        if timezone.is_aware(moment):
            moment = moment.astimezone(dt.timezone.utc)
        moment = moment.date()
    return moment.replace(day=1)


def add_months(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _literal(moment: dt.datetime) -> str:
    return f"'{moment.strftime('%Y-%m-%d %H:%M:%S')}+00'"


def bounds_sql(partition: Partition) -> str:
    return f"FROM ({_literal(partition.starts_at)}) TO ({_literal(partition.ends_at)})"


def is_partitioned(using=DEFAULT_DB_ALIAS) -> bool:
    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s)", [TABLE])
        return cursor.fetchone() is not None


def partitions(using=DEFAULT_DB_ALIAS) -> list[Partition]:
    """The monthly partitions that exist, oldest first (the DEFAULT partition is not one of them)."""
    if not is_partitioned(using):
        return []
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                       "WHERE i.inhparent = to_regclass(%s)", [TABLE])
        names = [row[0] for row in cursor.fetchall()]
    found = []
    for name in names:
        match = PARTITION_NAME.match(name)
        if match:
            found.append(Partition(dt.date(int(match[1]), int(match[2]), 1)))
    return sorted(found)


def create_partition(cursor, partition: Partition) -> int:
    """Create one month's partition; rows of that month in the DEFAULT partition move into it. Returns the rows moved.

    Attaching a range that the DEFAULT partition holds rows of would fail, so those rows are moved in the same
    transaction: into a new table first, which is then attached (PostgreSQL checks DEFAULT holds none of the range)."""
    starts, ends = _literal(partition.starts_at), _literal(partition.ends_at)
    cursor.execute(f"SELECT count(*) FROM {DEFAULT_PARTITION} WHERE occurred_at >= {starts} AND occurred_at < {ends}")
    waiting = cursor.fetchone()[0]
    if not waiting:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {partition.name} PARTITION OF {TABLE} FOR VALUES "
                       f"{bounds_sql(partition)}")
        return 0
    cursor.execute(f"CREATE TABLE {partition.name} (LIKE {TABLE})")
    columns = ", ".join(_columns(cursor))
    cursor.execute(f"""
        WITH moved AS (DELETE FROM {DEFAULT_PARTITION} WHERE occurred_at >= {starts} AND occurred_at < {ends}
                       RETURNING {columns})
        INSERT INTO {partition.name} ({columns}) SELECT {columns} FROM moved""")
    cursor.execute(f"ALTER TABLE {TABLE} ATTACH PARTITION {partition.name} FOR VALUES {bounds_sql(partition)}")
    return waiting


def _columns(cursor):
    cursor.execute("SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attnum > 0 "
                   "AND NOT attisdropped ORDER BY attnum", [TABLE])
    return [f'"{row[0]}"' for row in cursor.fetchall()]


def ensure_partitions(months_ahead: int = MONTHS_AHEAD, *, today=None, using=DEFAULT_DB_ALIAS) -> list[str]:
    """Create the partitions of this month and the next `months_ahead` months that do not exist yet; returns their
    names. Does nothing unless the audit table is partitioned (PostgreSQL after migration audit 0002)."""
    if not is_partitioned(using):
        return []
    first = month_of(today or timezone.now())
    wanted = [Partition(add_months(first, i)) for i in range(max(0, months_ahead) + 1)]
    created = []
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])
        existing = set(partitions(using))
        for partition in wanted:
            if partition not in existing:
                create_partition(cursor, partition)
                created.append(partition.name)
    return created


def drop_partition(partition: Partition, using=DEFAULT_DB_ALIAS) -> None:
    """Detach and drop one month's partition: all its rows go at once. Call it inside the caller's transaction
    (retention), which has decided the whole month is past its term and kept what must be kept."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])
        # A table with deferred foreign-key checks still pending in this transaction cannot be dropped: check them
        # now (rows written earlier in the same transaction, e.g. in a test), then defer them again.
        cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = to_regclass(%s) AND contype = 'f' "
                       "AND condeferrable AND condeferred", [TABLE])
        deferred = ", ".join(f'"{name}"' for (name,) in cursor.fetchall())
        if deferred:
            cursor.execute(f"SET CONSTRAINTS {deferred} IMMEDIATE")
        cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {partition.name}")
        cursor.execute(f"DROP TABLE {partition.name}")
        if deferred:
            cursor.execute(f"SET CONSTRAINTS {deferred} DEFERRED")


def partitions_before(cutoff: dt.datetime, using=DEFAULT_DB_ALIAS) -> list[Partition]:
    """Monthly partitions that end at or before `cutoff`: every row in them is older."""
    return [p for p in partitions(using) if p.ends_at <= cutoff]


def default_rows(using=DEFAULT_DB_ALIAS) -> int:
    if not is_partitioned(using):
        return 0
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {DEFAULT_PARTITION}")
        return cursor.fetchone()[0]
