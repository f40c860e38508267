"""Write audit entries. Called by views, the API and services; never stores BSNs or field values.

Besides `record`, the request-level helpers here feed the one access-and-audit layer (meedoen.audit.middleware):
- `note_resident(request, resident)`: the access layer names the dossier a request opened, so that the middleware's
  own entry (for a view that wrote none itself) says whose dossier was read;
- `note_shown(request, residents)`: a list view names the residents it showed (a caseload, a worklist);
- `no_personal_data(view)`: a view that shows no personal data at all (the login page, the activity catalogue) is
  not logged on every read. The URL-walking test (meedoen.audit.tests.test_url_walk) proves such a view shows no
  resident.
"""
from django.db import connection

from .models import AuditEntry  # noqa: F401 (re-exported for callers)

# Residents named in one fallback entry at most: a caseload page shows up to a few hundred.
MAX_SHOWN = 500


def _client_ip(request):
    """The same client address as the login lockout (behind MEEDOEN_TRUSTED_PROXY_COUNT reverse proxies)."""
    from meedoen.accounts.client_ip import client_ip

    return client_ip(request) if request is not None else None


def _underlying(request):
    """The Django HttpRequest behind a DRF Request (attributes set on the wrapper would not reach the middleware)."""
    return getattr(request, "_request", request)


def record(request, action, *, resident=None, obj=None, screen="", detail=None, user=None):
    user = user or (getattr(request, "user", None) if request is not None else None)
    authenticated = bool(user and user.is_authenticated)
    if not screen and request is not None and getattr(request, "resolver_match", None):
        screen = request.resolver_match.view_name or ""
    entry = AuditEntry.objects.create(
        actor=user if authenticated else None,
        actor_username=user.get_username() if authenticated else "anonymous",
        actor_role=getattr(user, "role", "") if authenticated else "",
        action=action,
        resident_id=getattr(resident, "pk", resident) if resident is not None else None,
        municipality_id=(getattr(user, "municipality_id", None) if authenticated else None)
        or getattr(resident, "municipality_id", None),
        object_type=obj._meta.label if obj is not None else ("residents.Resident" if resident is not None else ""),
        object_id=str(obj.pk) if obj is not None else (str(getattr(resident, "pk", resident)) if resident else ""),
        screen=screen[:120],
        path=(request.path[:300] if request is not None else ""),
        ip_address=_client_ip(request),
        detail=detail or {},
    )
    _remember(request, entry)
    return entry


def _remember(request, entry):
    """Tell the middleware this request wrote `entry`. An entry written inside a transaction that the view opened
    may still be rolled back (a refusal raised inside `atomic()`); the middleware checks those before it trusts them."""
    written = getattr(_underlying(request), "audit_written", None) if request is not None else None
    if written is None:
        return
    base_depth = getattr(_underlying(request), "audit_atomic_depth", 0)
    durable = len(connection.atomic_blocks) <= base_depth
    written.append((entry.action, entry.pk, durable))


def note_resident(request, resident):
    """The access layer opened this dossier for the request (see meedoen.residents.access)."""
    if request is not None:
        _underlying(request).audit_resident = resident


def note_shown(request, residents):
    """A list view showed these residents (instances or primary keys)."""
    if request is None:
        return
    target = _underlying(request)
    shown = getattr(target, "audit_shown", None)
    if shown is None:
        shown = target.audit_shown = []
    shown.extend(getattr(r, "pk", r) for r in residents)


def nothing_shown(request):
    """This answer of an otherwise personal view shows no personal data (e.g. 'your login has no dossier yet')."""
    if request is not None:
        _underlying(request).audit_exempt = True


def no_personal_data(view):
    """Mark a view (function, class-based view or DRF viewset) as showing no personal data: its reads are not logged.

    Refusals on it are still logged. Only for pages that name nobody: the URL-walking test fails when such a page
    shows a resident's name."""
    view.audit_exempt = True
    return view
