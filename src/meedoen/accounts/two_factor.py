"""Two-factor authentication (TOTP, django-otp) for staff logins.

STYLE.md: "Staff logins: django-axes lockout, two-factor authentication in production".

- Who: every staff user. Residents (role `resident` or a login linked to a dossier) never get a code step: the portal
  has its own short sessions and, later, DigiD.
- `settings.STAFF_TWO_FACTOR`: "required" (production default) sends a staff user without a confirmed device to the
  enrolment page before any other staff page; "optional" (development, test, demo) lets staff enrol from their account
  page. In both modes a staff user WITH a confirmed device must enter a code after the password.
- A session is verified by `django_otp.login` only after a valid code; the middleware (meedoen.accounts.middleware)
  keeps unverified sessions away from staff pages.
- Every enrolment, confirmation, removal, admin reset and refused code is written to the audit trail; never the secret
  key or the code itself.
"""
import logging
import math
from base64 import b32encode

import segno
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY, login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from meedoen.audit import services as audit
from meedoen.audit.models import AuditEntry

from .models import Role

logger = logging.getLogger(__name__)

REQUIRED = "required"
OPTIONAL = "optional"
MODES = (REQUIRED, OPTIONAL)
PART = "two_factor"  # the audit entries' detail["part"]


def mode():
    value = str(getattr(settings, "STAFF_TWO_FACTOR", OPTIONAL)).strip().lower()
    if value not in MODES:
        raise ImproperlyConfigured(f"STAFF_TWO_FACTOR must be one of {', '.join(MODES)}, not {value!r}.")
    return value


def is_required():
    return mode() == REQUIRED


def applies_to(user):
    """Staff users get two-factor authentication; residents (the portal's users) never do."""
    return bool(user and user.is_authenticated and user.role != Role.RESIDENT and user.resident_id is None)


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()


def pending_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()


def is_verified(user):
    return bool(getattr(user, "is_verified", None) and user.is_verified())


# Whether the logged-in staff user has a confirmed device, kept in the session from login on so that ordinary page
# requests cost no extra query. It is set at login (signal below), on confirmation and on removal; a stale True
# (an administrator reset the device meanwhile) is corrected by the code step, which finds no device.
HAS_DEVICE_SESSION_KEY = "two_factor_has_device"


def remember_device_state(request, user):
    if request is not None and hasattr(request, "session"):
        request.session[HAS_DEVICE_SESSION_KEY] = confirmed_device(user) is not None


def has_device(request):
    if HAS_DEVICE_SESSION_KEY not in request.session:
        remember_device_state(request, request.user)
    return request.session[HAS_DEVICE_SESSION_KEY]


def pending_step(request):
    """What an authenticated request still needs before staff pages open: "code", "enrol" or None."""
    user = request.user
    if not applies_to(user):
        return None
    if has_device(request):
        return None if is_verified(user) else "code"
    return "enrol" if is_required() else None


def on_user_logged_in(sender, request, user, **kwargs):
    """Receiver of user_logged_in: a new login starts unverified; remember whether a code will be asked."""
    if applies_to(user):
        remember_device_state(request, user)


# --- presentation ---------------------------------------------------------------------------------------------------

def grouped_secret(device):
    """The base32 secret in groups of four, for typing it into an authenticator app by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def qr_svg(device):
    """The otpauth:// URI as inline SVG (segno): no image request, no inline style, so the CSP stays strict."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=4, title=_("QR-code voor je app"))


# --- state changes (each audited) -------------------------------------------------------------------------------------

def _record(request, action, *, user=None, subject=None, event, **extra):
    detail = {"part": PART, "event": event, **extra}
    if subject is not None:
        detail["staff_member"] = subject.get_username()
    return audit.record(request, action, obj=subject, detail=detail, user=user)


@transaction.atomic
def start_enrolment(request, user):
    """A fresh unconfirmed device (a new secret); earlier unconfirmed ones are dropped. A confirmed device stays
    until the new one is confirmed, so renewing cannot lock a user out halfway."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, name="Meedoen", confirmed=False)
    _record(request, AuditEntry.Action.CREATE, event="enrolment_started")
    return device


def check_code(request, device, code, *, event):
    """Verify a code against the device with its built-in throttling.

    Returns (ok, wait_seconds): wait_seconds > 0 when the device refuses to try because of earlier wrong codes.
    A refused or wrong code is audited and logged without the code.
    """
    allowed, data = device.verify_is_allowed()
    if not allowed:
        locked_until = (data or {}).get("locked_until")
        wait = max(1, math.ceil((locked_until - timezone.now()).total_seconds())) if locked_until else 1
        _record(request, AuditEntry.Action.DENIED, event=f"{event}_throttled",
                failures=(data or {}).get("failure_count"))
        logger.warning("Two-factor code refused (throttled) for user %s", device.user.get_username())
        return False, wait
    code = "".join((code or "").split())
    if device.verify_token(code):  # a wrong or non-numeric code raises the device's throttle
        return True, 0
    _record(request, AuditEntry.Action.DENIED, event=f"{event}_wrong_code",
            failures=device.throttling_failure_count)
    logger.warning("Two-factor code wrong for user %s (%s)", device.user.get_username(), event)
    return False, 0


@transaction.atomic
def confirm_enrolment(request, device):
    """The user typed a valid code from the new device: confirm it, drop older devices, verify this session."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    replaced = TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()[0]
    otp_login(request, device)
    request.session[HAS_DEVICE_SESSION_KEY] = True
    _record(request, AuditEntry.Action.UPDATE, event="confirmed", replaced_device=bool(replaced))


def verify_login(request, device):
    request.session.cycle_key()  # a new session id for the now fully signed-in session
    otp_login(request, device)
    request.session[HAS_DEVICE_SESSION_KEY] = True


@transaction.atomic
def remove_own(request, user):
    TOTPDevice.objects.filter(user=user).delete()
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.user.otp_device = None
    request.session[HAS_DEVICE_SESSION_KEY] = False
    _record(request, AuditEntry.Action.DELETE, event="removed")


def can_reset(admin, staff_member):
    """An administrator may reset the device of another staff member of the same municipality; never the app of a
    superuser or of another administrator (that would open their account to whoever knows its password)."""
    return (
        admin.role == Role.ADMINISTRATOR
        and admin.municipality_id is not None
        and staff_member.municipality_id == admin.municipality_id
        and staff_member.pk != admin.pk
        and not staff_member.is_superuser
        and staff_member.role != Role.ADMINISTRATOR
        and applies_to(staff_member)
    )


@transaction.atomic
def reset_by_admin(request, staff_member):
    """Lost phone: the staff member enrols again at the next login (required) or from the account page (optional)."""
    removed = TOTPDevice.objects.filter(user=staff_member).delete()[0]
    _record(request, AuditEntry.Action.DELETE, subject=staff_member, event="reset_by_admin", had_device=bool(removed))
