"""Who may use the offer screens, by role and by relation (the own municipality). A refused attempt is audited.

- catalogue (list, detail): klantmanager, teamleider, functioneel beheerder of the municipality;
- change the catalogue, import: functioneel beheerder;
- providers and contracts: functioneel beheerder and teamleider;
- a resident's provisions: as the dossier (residents.access), changes only by klantmanager and teamleider;
- budgets of the team: teamleider of the own team.
"""
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from meedoen.accounts.models import Role
from meedoen.audit import services as audit
from meedoen.audit.models import AuditEntry

CATALOGUE_ROLES = frozenset({Role.CASEWORKER, Role.TEAM_LEAD, Role.ADMINISTRATOR})
MANAGE_ROLES = frozenset({Role.ADMINISTRATOR})
PROVIDER_ROLES = frozenset({Role.ADMINISTRATOR, Role.TEAM_LEAD})
BUDGET_ROLES = frozenset({Role.TEAM_LEAD})


def get_in_municipality_or_deny(request, queryset, pk, *, municipality_of=lambda obj: obj.municipality_id):
    """The object with `pk` if it belongs to the user's municipality; 404 when unknown; 403 (audited) otherwise."""
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    if municipality_of(obj) != request.user.municipality_id:
        audit.record(request, AuditEntry.Action.DENIED, obj=obj, detail={"reason": "municipality"})
        raise PermissionDenied(_("Dit hoort bij een andere gemeente."))
    return obj
