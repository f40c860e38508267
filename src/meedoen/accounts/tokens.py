"""API tokens with an expiry (meedoen.accounts.models.ApiToken): issuing, revoking and DRF authentication.

`Authorization: Token <key>`, as DRF's own token scheme, so clients need no change; but a key expires, can be revoked,
is stored only as a digest, and is issued only by a superuser with an audit entry.
"""
import datetime as dt
import hashlib
import secrets

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from meedoen.audit import services as audit
from meedoen.audit.models import AuditEntry

from .models import ApiToken, Role, User

# Only so often is `last_used_at` written: an API client may call many times a minute.
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class TokenNotAllowed(ValueError):
    pass


def token_holders():
    """Who may hold an API token: active staff without superuser rights (a superuser's token would be every right
    without the two-factor step)."""
    return User.objects.filter(is_active=True, is_superuser=False).exclude(role=Role.RESIDENT)


def issue(*, user, name, days, issued_by, request=None):
    """Make a token for `user`, valid for `days`; return (token, key). The key is not stored and shown only once."""
    if not (issued_by and issued_by.is_superuser):
        raise TokenNotAllowed(_("Alleen een superuser mag API-sleutels maken."))
    if not token_holders().filter(pk=user.pk).exists():
        raise TokenNotAllowed(_("Een API-sleutel is alleen voor actieve medewerkers zonder superuserrechten."))
    if not 1 <= days <= ApiToken.MAX_DAYS:
        raise TokenNotAllowed(_("Een API-sleutel is 1 tot %(max)d dagen geldig.") % {"max": ApiToken.MAX_DAYS})
    key = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, prefix=key[:8], key_digest=digest(key), created_by=issued_by,
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
        audit.record(request, AuditEntry.Action.CREATE, obj=token, user=issued_by,
                     screen="accounts:api_token", detail={"for": user.get_username(), "days": days})
    return token, key


def revoke(token, *, revoked_by, request=None):
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit.record(request, AuditEntry.Action.DELETE, obj=token, user=revoked_by, screen="accounts:api_token",
                     detail={"for": token.user.get_username(), "revoked": True})


class ExpiringTokenAuthentication(authentication.TokenAuthentication):
    """DRF authentication by `Authorization: Token <key>` against ApiToken (expiry, revocation, digest).

    A refused key is audited (a leaked key that was revoked must show up when it is tried): the entry names the key's
    first characters, never the key."""

    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed as refusal:
            header = authentication.get_authorization_header(request).split()
            prefix = header[1][:8].decode(errors="replace") if len(header) == 2 else ""
            # The Django request and an anonymous actor: asking the DRF request for its user would authenticate again.
            audit.record(getattr(request, "_request", request), AuditEntry.Action.DENIED, user=AnonymousUser(),
                         screen="api:token",
                         detail={"reason": "api_token", "message": str(refusal.detail), "prefix": prefix})
            raise

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(key_digest=digest(key)).first()
        now = timezone.now()
        if token is None or token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("Ongeldige API-sleutel."))
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("Deze API-sleutel is verlopen."))
        if not token.user.is_active or token.user.role == Role.RESIDENT or token.user.is_superuser:
            raise exceptions.AuthenticationFailed(_("Deze gebruiker is niet actief."))
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
