"""Keep staff sessions that still need a two-factor step away from staff pages (meedoen.accounts.two_factor).

Sits after django_otp's OTPMiddleware (which sets `request.user.is_verified()`) and the messages middleware.
- A staff user with a confirmed device whose session is not verified goes to the code step ("Voer je code in").
- With STAFF_TWO_FACTOR=required, a staff user without a confirmed device goes to the enrolment page.
- Residents and anonymous visitors pass untouched; so do the exempt paths below.
- The API answers 403 with problem details (meedoen.api.problems) instead of a redirect (token clients have no
  session and are not affected: DRF authenticates them in the view, after this middleware, and `request.user` here
  is anonymous).
"""
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from meedoen.api import problems

from . import two_factor

# Paths that stay open during the two-factor step: the resident portal, the public booking links from letters, the
# language switch and static files. (Meedoen has no separate health-check URL; add its prefix here when one comes.)
EXEMPT_PREFIXES = ("/mijn/", "/uitnodigingen/afspraak/", "/i18n/")
API_PREFIX = "/api/v1/"


def _exempt_paths():
    return {
        reverse("accounts:login"),
        reverse("accounts:logout"),
        reverse("accounts:two_factor_verify"),
        reverse("accounts:two_factor_enrol"),
    }


def _static_prefix():
    static = settings.STATIC_URL or "/static/"
    return static if static.startswith("/") else f"/{static}"


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self._check(request)
        return response if response is not None else self.get_response(request)

    def _check(self, request):
        path = request.path
        if path.startswith(EXEMPT_PREFIXES) or path.startswith(_static_prefix()) or path in _exempt_paths():
            return None
        if not request.user.is_authenticated:
            return None
        step = two_factor.pending_step(request)
        if step is None:
            return None
        if path.startswith(API_PREFIX):
            message = (_("Voer eerst je code voor tweestapsverificatie in.") if step == "code"
                       else _("Stel eerst tweestapsverificatie in."))
            return problems.response(403, message, code=f"two_factor_{step}", request=request)
        target = reverse("accounts:two_factor_verify" if step == "code" else "accounts:two_factor_enrol")
        if request.method == "GET":
            target = f"{target}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request"):
            # An HTMX request would swap the code page into a fragment; let the browser go there instead.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
