"""Outreach work for the task runner (django-tasks): inline in development and tests, `db_worker` in production.

SCHEDULED_TASKS is read by `manage.py run_scheduled` (any installed app may declare its own).
"""
from django_tasks import task

from . import services


@task()
def process_outreach():
    """Nightly (and hourly; idempotent): expired invitations, passed deadlines, due ladder steps, reminders."""
    return services.process_outreach()


@task()
def handle_outreach_event(outreach_id: int):
    """One no-show (or not met, or no response): the profile's ladder takes its next step."""
    step = services.advance_outreach(outreach_id)
    return {"outreach": outreach_id, "step": step.position if step else None, "kind": step.kind if step else None}


@task()
def send_campaign_invitations(campaign_id: int, actor_id: int | None = None):
    """Send a campaign's invitations, each resident in their own transaction."""
    return services.send_invitations(campaign_id, actor_id)


SCHEDULED_TASKS = {
    "nightly": [process_outreach],
    "hourly": [process_outreach],
}
