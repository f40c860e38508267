"""Who may use the portal: only a resident user, and only for the dossier linked to their own login.

- A resident user with `user.resident` set sees that one dossier, nothing else. Every query of the portal starts from
  `request.user.resident_id`; no URL of the portal carries a dossier id.
- Staff (every other role, superusers included) get 403, audited: the portal is not a back door to a dossier.
- A resident user without a linked dossier gets a friendly page that says so.
- Residents get a short session (`PORTAL_SESSION_AGE`, default 15 minutes of inactivity): a shared or public
  computer must not stay logged in to someone's benefit and letters (STYLE: short sessions for residents).
"""
import functools

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from meedoen.accounts.models import Role
from meedoen.audit import services as audit
from meedoen.audit.models import AuditEntry
from meedoen.residents.models import Resident

DEFAULT_SESSION_AGE = 15 * 60  # seconds of inactivity; STYLE.md asks for short sessions for residents


def session_age():
    return int(getattr(settings, "PORTAL_SESSION_AGE", DEFAULT_SESSION_AGE))


def own_resident(user, *related):
    """The dossier linked to the user's login (one query), or None."""
    if user.resident_id is None:
        return None
    return Resident.objects.select_related(*related).filter(pk=user.resident_id).first()


def resident_view(*related):
    """Decorator for a portal view: `view(request, resident, ...)` with the user's own dossier.

    Staff get 403 (audited); a resident without a dossier gets the page 'portal/no_dossier.html'.
    """
    def decorator(view):
        @login_required
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if user.role != Role.RESIDENT:
                audit.record(request, AuditEntry.Action.DENIED, detail={"part": "portal", "role": user.role})
                raise PermissionDenied("Mijn Meedoen is alleen voor inwoners.")
            # Every portal request renews the short inactivity timeout (the session is saved with the new expiry).
            request.session.set_expiry(session_age())
            resident = own_resident(user, *related)
            if resident is None:
                audit.nothing_shown(request)
                return render(request, "portal/no_dossier.html", status=200)
            audit.note_resident(request, resident)
            return view(request, resident, *args, **kwargs)
        return wrapped
    return decorator
