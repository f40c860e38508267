"""Template tags to show guidance inside other apps' pages without changing their views:

    {% load guidance %}
    {% resident_guidance resident %}   the guidance summary (next contact, plan, conversations, open tasks, buttons)
    {% handover_summary resident %}    the warm-handover summary (e.g. on the reassign screen)
"""
from django import template

from meedoen.guidance import handover as handover_module
from meedoen.guidance.panel import resident_guidance as resident_guidance_context

register = template.Library()


@register.inclusion_tag("guidance/_resident_guidance.html", takes_context=True)
def resident_guidance(context, resident):
    return {
        "guidance": resident_guidance_context(resident, can_edit=bool(context.get("can_edit"))),
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("guidance/_handover.html", takes_context=True)
def handover_summary(context, resident):
    return {"handover": handover_module.summary(resident), "request": context.get("request")}
