"""Login with the two-factor step, the account page, enrolment and the administrator's reset.

The rules live in meedoen.accounts.two_factor; these views stay thin.
"""
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _, ngettext
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from meedoen import formtools
from meedoen.audit import services as audit
from meedoen.audit.models import AuditEntry

from . import two_factor
from .forms import LoginForm, TwoFactorCodeForm
from .models import Role, User


def _next_url(request, default=None):
    return formtools.next_url(request, default or resolve_url(settings.LOGIN_REDIRECT_URL))


def _with_next(url_name, next_url):
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


def _code_error(form, wait):
    if wait:
        form.add_error("code", ngettext(
            "Je hebt te vaak een verkeerde code ingevuld. Wacht %(seconds)d seconde en probeer het dan opnieuw.",
            "Je hebt te vaak een verkeerde code ingevuld. Wacht %(seconds)d seconden en probeer het dan opnieuw.",
            wait,
        ) % {"seconds": wait})
    else:
        form.add_error("code", _("Deze code klopt niet. Vul de code in die je app nu laat zien."))


@audit.no_personal_data
class LoginView(auth_views.LoginView):
    """Password first; a staff user with a device (or, when required, without one) continues to the two-factor step."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm

    def form_valid(self, form):
        response = super().form_valid(form)
        step = two_factor.pending_step(self.request)
        if step == "code":
            return redirect(_with_next("accounts:two_factor_verify", self.get_success_url()))
        if step == "enrol":
            return redirect(_with_next("accounts:two_factor_enrol", self.get_success_url()))
        return response


@audit.no_personal_data
@login_required
def two_factor_verify(request):
    """'Voer je code in': only a valid code verifies the session (django_otp.login)."""
    user = request.user
    next_url = _next_url(request)
    if not two_factor.applies_to(user) or two_factor.is_verified(user):
        return redirect(next_url)
    device = two_factor.confirmed_device(user)
    if device is None:  # reset by an administrator since the login: enrol again (required) or go on (optional)
        two_factor.remember_device_state(request, user)
        return redirect(next_url)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, wait = two_factor.check_code(request, device, form.cleaned_data["code"], event="login")
        if ok:
            two_factor.verify_login(request, device)
            return redirect(next_url)
        _code_error(form, wait)
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url})


@audit.no_personal_data
@login_required
def two_factor_enrol(request):
    """Set up an authenticator app: QR code and secret, confirmed with a first code."""
    user = request.user
    if not two_factor.applies_to(user):
        audit.record(request, AuditEntry.Action.DENIED, detail={"part": two_factor.PART, "role": user.role})
        raise PermissionDenied
    next_url = _next_url(request, reverse("accounts:account"))
    device = two_factor.pending_device(user)
    if device is None:
        if two_factor.has_device(request):
            if not two_factor.is_verified(user):
                return redirect(_with_next("accounts:two_factor_verify", request.get_full_path()))
            # Renewing an app starts on the account page with a current code.
            return redirect("accounts:account")
        device = two_factor.start_enrolment(request, user)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, wait = two_factor.check_code(request, device, form.cleaned_data["code"], event="enrolment")
        if ok:
            two_factor.confirm_enrolment(request, device)
            messages.success(request, _("Tweestapsverificatie staat aan. Vanaf nu vragen we bij het inloggen ook "
                                        "om een code uit je app."))
            return redirect(next_url)
        _code_error(form, wait)
    return render(request, "accounts/two_factor_enrol.html", {
        "form": form,
        "next": next_url,
        "qr_svg": two_factor.qr_svg(device),
        "secret": two_factor.grouped_secret(device),
        "required": two_factor.is_required(),
        "renewing": two_factor.has_device(request),
    })


@login_required
def account(request):
    """The user's own account: role, and for staff the two-factor status with remove and renew (each with a code)."""
    user = request.user
    staff = two_factor.applies_to(user)
    device = two_factor.confirmed_device(user) if staff else None
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        if not staff or device is None or action not in ("remove", "renew"):
            return HttpResponseBadRequest()
        if form.is_valid():
            ok, wait = two_factor.check_code(request, device, form.cleaned_data["code"], event=action)
            if ok:
                if action == "remove":
                    two_factor.remove_own(request, user)
                    messages.success(request, _("Tweestapsverificatie staat nu uit. Je kunt het altijd opnieuw "
                                                "instellen."))
                    return redirect("accounts:account")
                two_factor.start_enrolment(request, user)
                return redirect("accounts:two_factor_enrol")
            _code_error(form, wait)
    return render(request, "accounts/account.html", {
        "staff": staff,
        "device": device,
        "form": form,
        "required": two_factor.is_required(),
        "can_reset_others": user.role == Role.ADMINISTRATOR and user.municipality_id is not None,
    })


def _staff_of_own_municipality(admin):
    """Permission in the queryset: staff of the administrator's municipality, never residents, never oneself."""
    return (
        User.objects.filter(municipality_id=admin.municipality_id, resident__isnull=True)
        .exclude(role=Role.RESIDENT)
        .exclude(pk=admin.pk)
        .annotate(has_device=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
        .order_by("last_name", "first_name", "username")
    )


def _require_administrator(request):
    user = request.user
    if user.role != Role.ADMINISTRATOR or user.municipality_id is None:
        audit.record(request, AuditEntry.Action.DENIED, detail={"part": two_factor.PART, "role": user.role})
        raise PermissionDenied


@login_required
def two_factor_staff(request):
    """For the functioneel beheerder: which staff of the own municipality use two-factor, and a reset (lost phone)."""
    _require_administrator(request)
    return render(request, "accounts/two_factor_staff.html", {
        "staff_members": _staff_of_own_municipality(request.user),
        "required": two_factor.is_required(),
    })


@require_POST
@login_required
def two_factor_reset(request, pk):
    _require_administrator(request)
    staff_member = User.objects.filter(pk=pk).first()
    if staff_member is None or not two_factor.can_reset(request.user, staff_member):
        audit.record(request, AuditEntry.Action.DENIED, obj=staff_member,
                     detail={"part": two_factor.PART, "event": "reset_refused"})
        raise PermissionDenied
    staff_member = get_object_or_404(_staff_of_own_municipality(request.user), pk=pk)
    two_factor.reset_by_admin(request, staff_member)
    messages.success(request, _("De tweestapsverificatie van %(name)s is gewist. %(name)s kan nu een nieuwe app "
                                "instellen.") % {"name": staff_member})
    return redirect("accounts:two_factor_staff")
