"""Scheduled work of the referral loop (django-tasks; see docs/operations.md and `manage.py run_scheduled`)."""
from django_tasks import task

from . import services


@task()
def open_yearly_checks() -> int:
    """Nightly: a yearly check for placements whose guidance ended without being completed."""
    return services.open_yearly_checks()


SCHEDULED_TASKS = {
    "nightly": [open_yearly_checks],
}
