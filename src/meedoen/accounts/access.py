"""Access by role: the check the screens share before their own checks by relation (municipality, caseload)."""
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from meedoen.audit import services as audit
from meedoen.audit.models import AuditEntry


def require_role(request, roles, *, part):
    """Pass when the user has one of `roles` and belongs to a municipality; otherwise audit the refusal and raise
    PermissionDenied (403)."""
    user = request.user
    if user.role in roles and user.municipality_id is not None:
        return
    audit.record(request, AuditEntry.Action.DENIED, detail={"part": part, "reason": "role"})
    raise PermissionDenied(_("U hebt geen toegang tot dit onderdeel."))
