"""The nightly retention run, as a task of the task runner (see guidance/tasks.py and run_scheduled)."""
from django_tasks import task

from . import services


@task()
def apply_retention(municipality_code: str | None = None, dry_run: bool = False) -> list:
    """Delete what the retention schedule says is due, in every municipality (or one). Returns per municipality the
    counts (dossiers deleted, failed dossier numbers, held, rows per model, purged rows per category)."""
    return [r.as_dict() for r in services.apply_all(dry_run=dry_run, municipality_code=municipality_code)]


# Read by `manage.py run_scheduled` (see outreach/management/commands/run_scheduled.py).
SCHEDULED_TASKS = {
    "nightly": [apply_retention],
}
