"""Scheduled work of the guidance loop, as tasks of the task runner (django-tasks; inline in development and tests,
a database queue with `db_worker` in production — see docs/operations.md)."""
from django_tasks import task

from meedoen.organisation.models import Municipality
from meedoen.policy.models import PolicyProfile

from . import facts, followup


@task()
def refresh_follow_up(municipality_id: int | None = None) -> dict:
    """Nightly: recompute every resident's next-contact date from the plan and the profile's norms.

    One municipality when an id is given, otherwise all of them. Returns {municipality id: rows changed}.
    """
    municipalities = Municipality.objects.all()
    if municipality_id is not None:
        municipalities = municipalities.filter(pk=municipality_id)
    changed = {}
    for municipality in municipalities:
        try:
            changed[str(municipality.pk)] = followup.refresh_all(municipality)
        except PolicyProfile.DoesNotExist:  # no approved profile in force: nothing to compute norms from
            changed[str(municipality.pk)] = None
    return changed


@task()
def refresh_worklist_facts(municipality_id: int | None = None) -> dict:
    """Nightly safety net: bring the worklist facts on the resident rows (facts.py) in line with the records, for
    rows written in bulk (imports, the demo). Services and signals keep them current during the day, so this
    normally writes nothing. Returns {municipality id: rows corrected}."""
    municipalities = Municipality.objects.all()
    if municipality_id is not None:
        municipalities = municipalities.filter(pk=municipality_id)
    return {str(m.pk): facts.refresh_municipality(m) for m in municipalities}


# Read by `manage.py run_scheduled` (see outreach/management/commands/run_scheduled.py).
SCHEDULED_TASKS = {
    "nightly": [refresh_worklist_facts, refresh_follow_up],
}
