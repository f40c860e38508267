"""Scheduled work of the audit trail, as tasks of the task runner (see docs/operations.md)."""
from django_tasks import task

from . import partitions


@task()
def ensure_audit_partitions(months_ahead: int = partitions.MONTHS_AHEAD) -> list:
    """Nightly: the audit trail's monthly partitions for this month and the next `months_ahead` months exist, so no
    row lands in the DEFAULT partition (PostgreSQL; on SQLite nothing to do). Returns the partitions created."""
    return partitions.ensure_partitions(months_ahead)


# Read by `manage.py run_scheduled` (see outreach/management/commands/run_scheduled.py).
SCHEDULED_TASKS = {
    "nightly": [ensure_audit_partitions],
}
