"""Template tags to show the referral loop inside other apps' pages without changing their views:

    {% load referrals %}
    {% resident_referrals resident %}   suggestions offered and chosen, referrals with status and history, and the
                                        buttons to make suggestions, refer, or refer warmly to a help service
    {% referral_news caseworker %}      the partners' news on the worklist (placed, returned, declined, reports …)
"""
from django import template
from django.urls import reverse

from meedoen.accounts.models import Role
from meedoen.offer.models import Provider
from meedoen.referrals import queries, rules, services

register = template.Library()

STATUS_CLASSES = {
    rules.PLACED: "badge--ok",
    rules.COMPLETED: "badge--ok",
    rules.RETURNED: "badge--warning",
    rules.DECLINED: "badge--warning",
}


@register.inclusion_tag("referrals/_resident_referrals.html", takes_context=True)
def resident_referrals(context, resident):
    user = context.get("user")
    can_edit = bool(context.get("can_edit")) and getattr(user, "role", None) in (Role.CASEWORKER, Role.TEAM_LEAD)
    overview = queries.resident_overview(resident)
    help_options = []
    if can_edit:
        kinds = rules.help_kinds({f: getattr(resident, f) for f in ("debts", "mental_health", "addiction")})
        for kind in kinds:
            providers = services.help_providers(resident.municipality, kind, resident.neighbourhood_id)
            if providers:
                help_options.append({"kind": Provider.Kind(kind).label, "provider": providers[0]})
    return {"resident": resident, "overview": overview, "can_edit": can_edit, "help_options": help_options,
            "new_url": reverse("referrals:new", args=[resident.public_id]),
            "request": context.get("request"), "user": user}


@register.inclusion_tag("referrals/_news.html", takes_context=True)
def referral_news(context, caseworker):
    user = context.get("user")
    request = context.get("request")
    own = user is not None and caseworker is not None and user.pk == caseworker.pk
    return {"events": queries.unseen_events(caseworker) if own else [], "own": own, "request": request,
            "csrf_token": context.get("csrf_token")}


@register.filter
def referral_status_class(status):
    return STATUS_CLASSES.get(status, "")
