from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from meedoen.accounts.models import Role
from meedoen.formtools import IdField, get_page

from .models import AuditEntry


class AuditFilterForm(forms.Form):
    username = forms.CharField(label=_("Gebruiker"), required=False)
    action = forms.ChoiceField(label=_("Handeling"), required=False, choices=[("", _("Alle"))] + AuditEntry.Action.choices)
    resident_id = IdField(label=_("Dossiernummer"), required=False, min_value=1)


@login_required
def audit_list(request):
    """The audit trail, for the functioneel beheerder (and privacy officer) only."""
    if request.user.role != Role.ADMINISTRATOR and not request.user.is_superuser:
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    qs = AuditEntry.objects.select_related("actor").order_by("-occurred_at", "-id")
    if not request.user.is_superuser:  # a functioneel beheerder reads the own municipality's trail
        qs = qs.filter(municipality_id=request.user.municipality_id) if request.user.municipality_id else qs.none()
    if form.is_valid():
        if form.cleaned_data["username"]:
            qs = qs.filter(actor_username__icontains=form.cleaned_data["username"])
        if form.cleaned_data["action"]:
            qs = qs.filter(action=form.cleaned_data["action"])
        if form.cleaned_data["resident_id"]:
            qs = qs.filter(resident_id=form.cleaned_data["resident_id"])
    page = get_page(Paginator(qs, 50), request)
    return render(request, "audit/list.html", {"form": form, "page": page})
