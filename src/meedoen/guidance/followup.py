"""Keeping every resident's next-contact date current (DESIGN §4.1), using the pure rules in rules.py."""
from django.db import transaction
from django.utils import timezone

from meedoen.policy.services import active_profile
from meedoen.residents.models import Resident

from . import rules


def plan_review_date(resident):
    """The review date of the resident's current signed plan, if the plan app provides one."""
    getter = getattr(resident, "current_plan_review_on", None)
    return getter() if callable(getter) else None


def compute_next_contact(resident, profile=None):
    profile = profile or active_profile(resident.municipality)
    norm = rules.contact_norm_days(profile.contact_norms, resident.segment, resident.intensity)
    started = resident.benefit_start_date if resident.last_contact_on is None else resident.last_contact_on
    started = max(started, resident.created_at.date()) if resident.created_at else started
    return rules.next_contact(
        last_contact_on=resident.last_contact_on, started_on=started, norm_days=norm,
        plan_review_on=plan_review_date(resident),
    )


@transaction.atomic
def refresh_next_contact(resident, profile=None):
    result = compute_next_contact(resident, profile)
    Resident.objects.filter(pk=resident.pk).update(next_contact_on=result.due_on, next_contact_rule=result.rule[:200])
    resident.next_contact_on, resident.next_contact_rule = result.due_on, result.rule[:200]
    return result


@transaction.atomic
def register_contact(resident, contact_on=None, profile=None):
    """A conversation, attended appointment or home visit happened: move last contact and the next-contact date."""
    contact_on = contact_on or timezone.localdate()
    if resident.last_contact_on is None or contact_on > resident.last_contact_on:
        Resident.objects.filter(pk=resident.pk).update(last_contact_on=contact_on)
        resident.last_contact_on = contact_on
    return refresh_next_contact(resident, profile)
