"""The guidance summary shown in the dossier (partial template guidance/_resident_guidance.html): next contact with
its rule, the current plan, recent conversations, open tasks. A fixed number of queries."""
from django.utils import timezone

from meedoen.policy.services import active_profile

from . import rules
from .models import ActionPlan, Conversation, GuidanceEnding, Task

RECENT_CONVERSATIONS = 3


def resident_guidance(resident, *, can_edit=False, today=None):
    today = today or timezone.localdate()
    plans = list(ActionPlan.objects.current().filter(resident=resident).prefetch_related("steps"))
    signed = next((p for p in plans if p.status == ActionPlan.Status.SIGNED), None)
    draft = next((p for p in plans if p.status == ActionPlan.Status.DRAFT), None)
    conversations = list(
        Conversation.objects.filter(resident=resident).select_related("held_by", "task")[:RECENT_CONVERSATIONS]
    )
    tasks = list(Task.objects.filter(resident=resident, status=Task.Status.OPEN).order_by("due_on", "id")[:20])
    ended = resident.guidance_status == "ended"
    profile = active_profile(resident.municipality)
    return {
        "resident": resident,
        "can_edit": can_edit,
        "ended": ended,
        "ending": GuidanceEnding.objects.filter(resident=resident).first() if ended else None,
        "next_contact_on": resident.next_contact_on,
        "next_contact_rule": resident.next_contact_rule,
        "overdue": bool(resident.next_contact_on and resident.next_contact_on < today),
        "last_contact_on": resident.last_contact_on,
        "norm_days": rules.contact_norm_days(profile.contact_norms, resident.segment, resident.intensity),
        "show_norm": "contactnorm" not in (resident.next_contact_rule or ""),
        "signed_plan": signed,
        "draft_plan": draft,
        "conversations": conversations,
        "tasks": tasks,
        "today": today,
    }
