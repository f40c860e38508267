"""`{% load outreach %}{% resident_outreach resident %}`: a resident's invitations and appointments (dossier)."""
from django import template

from meedoen.outreach.models import Appointment, Outreach
from meedoen.outreach.services import resident_outreach as load_resident_outreach

register = template.Library()

STATUS_CLASSES = {
    Outreach.Status.COMPLETED: "badge--ok",
    Outreach.Status.STAFF_ACTION: "badge--warning",
    Outreach.Status.NO_RESPONSE: "badge--warning",
    Outreach.Status.HANDED_OVER: "badge--warning",
    Appointment.Status.ATTENDED: "badge--ok",
    Appointment.Status.NO_SHOW: "badge--warning",
}


@register.inclusion_tag("outreach/_resident_outreach.html", takes_context=True)
def resident_outreach(context, resident):
    user = context.get("user")
    return {"resident": resident, "resident_outreach": load_resident_outreach(resident), "user": user,
            "can_edit": context.get("can_edit", False)}


@register.filter
def status_class(status):
    return STATUS_CLASSES.get(status, "")
