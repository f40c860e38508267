"""Who may see and change which dossier: by role and by relation, always as a queryset filter.

- klantmanager: residents whose current caseworker is in the own team (own caseload included);
  without a team only the own caseload.
- teamleider: residents of the own team, plus residents without a caseworker in the team's wijken (to assign them).
- wijkteammedewerker: residents of the own wijk, only when the policy profile shares names with the wijkteam;
  read-only.
- beleidsmedewerker, partner, functioneel beheerder, inwoner: no named dossiers here (they have their own screens).
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404

from meedoen.accounts.models import Role
from meedoen.audit import services as audit

from .models import Resident

DOSSIER_ROLES = {Role.CASEWORKER, Role.TEAM_LEAD, Role.NEIGHBOURHOOD_WORKER}
EDIT_ROLES = {Role.CASEWORKER, Role.TEAM_LEAD}


def visible_residents(user):
    if not user.is_authenticated or user.municipality_id is None or user.role not in DOSSIER_ROLES:
        return Resident.objects.none()
    qs = Resident.objects.filter(municipality_id=user.municipality_id)
    if user.role in (Role.CASEWORKER, Role.TEAM_LEAD):
        if user.team_id is None:
            return qs.filter(current_caseworker=user) if user.role == Role.CASEWORKER else Resident.objects.none()
        in_team = Q(current_caseworker__team_id=user.team_id)
        if user.role == Role.TEAM_LEAD:
            in_team |= Q(current_caseworker__isnull=True, neighbourhood__teams__id=user.team_id)
        return qs.filter(in_team).distinct() if user.role == Role.TEAM_LEAD else qs.filter(in_team)
    # Neighbourhood worker: only where the policy shares names with the wijkteam.
    from meedoen.policy.services import active_profile

    if user.neighbourhood_id is None or not active_profile(user.municipality).neighbourhood_team_sees_names:
        return Resident.objects.none()
    return qs.filter(neighbourhood_id=user.neighbourhood_id)


def can_edit(user, resident):
    return user.role in EDIT_ROLES and visible_residents(user).filter(pk=resident.pk).exists()


def get_resident_or_deny(request, public_id, *, for_edit=False, select_related=()):
    """Fetch a dossier the user may see (or edit), in one query when allowed.

    A refused attempt (the dossier exists but is not the user's to see) is audited and raises 403; an unknown id
    gives 404.
    """
    try:
        resident = visible_residents(request.user).select_related(*select_related).filter(public_id=public_id).first()
    except (ValueError, TypeError, ValidationError):
        raise Http404
    if resident is not None and (not for_edit or request.user.role in EDIT_ROLES):
        audit.note_resident(request, resident)
        return resident
    denied = resident or Resident.objects.filter(public_id=public_id).only("pk").first()
    if denied is None:
        raise Http404
    audit.record(request, audit.AuditEntry.Action.DENIED, resident=denied, detail={"edit": for_edit})
    raise PermissionDenied("Geen toegang tot dit dossier.")
