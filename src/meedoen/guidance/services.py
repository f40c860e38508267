"""Services of the guidance loop. Tasks are created idempotently: a rule step that runs twice creates one task."""
from django.db import IntegrityError, transaction

from meedoen.residents.models import DossierEvent
from meedoen.residents.services import add_event

from .models import Task


def create_task(resident, *, kind, title, due_on, source_key="", assigned_to=None, policy_profile=None, rule="",
                actor=None):
    """Create a task for a person (home visit, measure proposal, …). With a source_key, a second call returns the
    first task instead of making a duplicate. Returns (task, created)."""
    if source_key:
        existing = Task.objects.filter(resident=resident, source_key=source_key).first()
        if existing:
            return existing, False
    try:
        with transaction.atomic():
            task = Task.objects.create(
                resident=resident, kind=kind, title=title[:200], due_on=due_on, source_key=source_key,
                assigned_to=assigned_to or resident.current_caseworker, policy_profile=policy_profile, rule=rule,
            )
    except IntegrityError:  # a concurrent run created it first
        return Task.objects.get(resident=resident, source_key=source_key), False
    add_event(resident, DossierEvent.Kind.TASK, f"Taak: {task.title} (uiterlijk {due_on:%d-%m-%Y})", actor,
              policy_profile)
    return task, True
