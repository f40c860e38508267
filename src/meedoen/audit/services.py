"""Write audit entries. Called by views, the API and services; never stores BSNs or field values."""
from .models import AuditEntry  # noqa: F401 (re-exported for callers)


def _client_ip(request):
    """The same client address as the login lockout (behind MEEDOEN_TRUSTED_PROXY_COUNT reverse proxies)."""
    from meedoen.accounts.client_ip import client_ip

    return client_ip(request) if request is not None else None


def record(request, action, *, resident=None, obj=None, screen="", detail=None, user=None):
    user = user or (getattr(request, "user", None) if request is not None else None)
    authenticated = bool(user and user.is_authenticated)
    if not screen and request is not None and getattr(request, "resolver_match", None):
        screen = request.resolver_match.view_name or ""
    return AuditEntry.objects.create(
        actor=user if authenticated else None,
        actor_username=user.get_username() if authenticated else "anonymous",
        actor_role=getattr(user, "role", "") if authenticated else "",
        action=action,
        resident_id=getattr(resident, "pk", resident) if resident is not None else None,
        object_type=obj._meta.label if obj is not None else ("residents.Resident" if resident is not None else ""),
        object_id=str(obj.pk) if obj is not None else (str(getattr(resident, "pk", resident)) if resident else ""),
        screen=screen[:120],
        path=(request.path[:300] if request is not None else ""),
        ip_address=_client_ip(request),
        detail=detail or {},
    )
