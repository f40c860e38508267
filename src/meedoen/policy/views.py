from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from meedoen.accounts.models import Role
from meedoen.audit import services as audit

from .models import PolicyProfile

POLICY_READERS = {Role.ANALYST, Role.ADMINISTRATOR, Role.TEAM_LEAD, Role.CASEWORKER}


def _check(request):
    if request.user.role not in POLICY_READERS and not request.user.is_superuser:
        raise PermissionDenied


@audit.no_personal_data
@require_GET
@login_required
def profile_list(request):
    _check(request)
    profiles = PolicyProfile.objects.select_related("based_on").order_by("key", "-version")
    return render(request, "policy/list.html", {"profiles": profiles})


@audit.no_personal_data
@require_GET
@login_required
def profile_detail(request, pk):
    _check(request)
    profile = get_object_or_404(PolicyProfile, pk=pk)
    return render(request, "policy/detail.html", {"profile": profile})
