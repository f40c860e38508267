"""The audit trail partitioned by month on PostgreSQL (issue 12, finding 8). On SQLite this migration does nothing.

`audit_auditentry` becomes a table partitioned by RANGE (occurred_at): a new partitioned table is made with the same
columns, the rows are copied, the names are swapped and the old table is dropped. Kept as they were:
- the ids and the id sequence (now a sequence owned by the column: PostgreSQL 15 has no identity columns on
  partitioned tables; Django only needs `nextval` and pg_get_serial_sequence, which both work);
- every index under its own name (resident_id + occurred_at, actor + occurred_at, occurred_at, ...) and the foreign
  key to the user. The primary key becomes (id, occurred_at): a partitioned table's unique keys must hold the
  partition key. Django keeps `id` as the model's pk; inserts return it with RETURNING as before. Nothing has a
  foreign key to the audit trail (checked by meedoen.audit.tests.test_partitions).
Partitions: a DEFAULT partition and one per month from the oldest row's month to three months ahead (at most 20
years back; older rows go to DEFAULT). meedoen.audit.partitions keeps creating months ahead (post_migrate, nightly).

Copying takes as long as inserting the rows again (docs/load.md has the measured rate): plan it in a maintenance window
for a large trail. Reversible: the reverse makes an ordinary table again, in the same way.
"""
from django.db import migrations

TABLE = "audit_auditentry"
OLD = f"{TABLE}_unpartitioned"
MAX_MONTHS_BACK = 240


def _fetch(cursor, sql, params=()):
    cursor.execute(sql, params)
    return cursor.fetchall()


def _rebuild(schema_editor, *, partitioned):
    """Replace audit_auditentry by a partitioned (or, in reverse, an ordinary) table with the same columns, rows,
    index and constraint names, and id sequence."""
    from meedoen.audit import partitions as parts

    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        already = bool(_fetch(cursor, "SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s)", [TABLE]))
        if already == partitioned:
            return
        # What to carry over: index and constraint definitions, and where the id sequence stands.
        indexes = _fetch(cursor, """
            SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
            WHERE x.indrelid = to_regclass(%s) AND NOT x.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)""", [TABLE])
        constraints = _fetch(cursor, """
            SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint
            WHERE conrelid = to_regclass(%s) AND contype IN ('f', 'c', 'u', 'p')""", [TABLE])
        [(sequence,)] = _fetch(cursor, "SELECT pg_get_serial_sequence(%s, 'id')", [TABLE])
        [(next_id,)] = _fetch(cursor, f"""
            SELECT greatest(coalesce((SELECT max(id) FROM {TABLE}), 0),
                            (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM {sequence})) + 1""")
        [(oldest, newest)] = _fetch(cursor, f"SELECT min(occurred_at), max(occurred_at) FROM {TABLE}")

        # Free the names: the old table, its sequence, indexes and constraints get a suffix and go at the end.
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {OLD}")
        cursor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {OLD}_id_seq")
        for name, _definition in indexes:
            cursor.execute(f'ALTER INDEX "{name}" RENAME TO "{_old(name)}"')
        for name, _definition, _kind in constraints:
            cursor.execute(f'ALTER TABLE {OLD} RENAME CONSTRAINT "{name}" TO "{_old(name)}"')

        partition_by = " PARTITION BY RANGE (occurred_at)" if partitioned else ""
        cursor.execute(f"CREATE TABLE {TABLE} (LIKE {OLD}){partition_by}")
        cursor.execute(f"CREATE SEQUENCE {TABLE}_id_seq AS bigint OWNED BY {TABLE}.id START WITH {int(next_id)}")
        cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id SET DEFAULT nextval('{TABLE}_id_seq')")
        for name, definition, kind in constraints:
            if kind == "p":
                definition = "PRIMARY KEY (id, occurred_at)" if partitioned else "PRIMARY KEY (id)"
            cursor.execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{name}" {definition}')
        for _name, definition in indexes:
            cursor.execute(definition)  # read before the renames: it names the new table and the index's own name

        if partitioned:
            cursor.execute(f"CREATE TABLE {parts.DEFAULT_PARTITION} PARTITION OF {TABLE} DEFAULT")
            from django.utils import timezone

            now = timezone.now()
            first = parts.month_of(max(oldest, now - _months(MAX_MONTHS_BACK)) if oldest else now)
            last = parts.add_months(parts.month_of(max(newest or now, now)), parts.MONTHS_AHEAD)
            month = first
            while month <= last:
                cursor.execute(f"CREATE TABLE {parts.Partition(month).name} PARTITION OF {TABLE} FOR VALUES "
                               f"{parts.bounds_sql(parts.Partition(month))}")
                month = parts.add_months(month, 1)

        columns = ", ".join(f'"{c}"' for (c,) in _fetch(cursor, """
            SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attnum > 0 AND NOT attisdropped
            ORDER BY attnum""", [TABLE]))
        cursor.execute(f"INSERT INTO {TABLE} ({columns}) SELECT {columns} FROM {OLD}")
        cursor.execute(f"DROP TABLE {OLD}")  # with its partitions and its old sequence
        cursor.execute(f"ANALYZE {TABLE}")


def _old(name):
    return f"{name[:50]}_unpart"


def _months(months):
    import datetime as dt

    return dt.timedelta(days=31 * months)


def partition(apps, schema_editor):
    _rebuild(schema_editor, partitioned=True)


def unpartition(apps, schema_editor):
    _rebuild(schema_editor, partitioned=False)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(partition, unpartition),
    ]
