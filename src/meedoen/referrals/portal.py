"""The provider portal (/partner/): staff of a partner organisation see only the referrals to their own
organisation and only what they need (queries.provider_view: no BSN, no address, no assessment, health and debts
only with consent), take the steps of the loop, manage cohorts and answer the yearly check.

Every read of resident data is audited (VIEW); a request for a referral, cohort or check of another organisation —
or by a user who is not provider staff — is refused with 403 and audited (DENIED).
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from meedoen.formtools import add_validation_error, get_page
from meedoen.audit import services as audit
from meedoen.audit.models import AuditEntry

from . import queries, rules, services
from .forms import CheckForm, CohortForm, provider_forms
from .models import ActivityCheck, Cohort, Referral

PAGE_SIZE = 50

SUCCESS = {
    "accept": gettext_lazy("U hebt de doorverwijzing geaccepteerd. Neem contact op met de inwoner."),
    "decline": gettext_lazy("U hebt de doorverwijzing niet geaccepteerd. De klantmanager krijgt uw reden te zien."),
    "plan_intake": gettext_lazy("De intake is gepland."),
    "add_to_cohort": gettext_lazy("De inwoner is ingedeeld in de groep."),
    "place": gettext_lazy("De inwoner is geplaatst. De klantmanager ziet dit op de werklijst."),
    "return": gettext_lazy("De inwoner is teruggemeld met uw advies. De klantmanager neemt contact op met de inwoner."),
    "report": gettext_lazy("Uw terugkoppeling is verstuurd naar de klantmanager."),
    "complete": gettext_lazy("De begeleiding is afgerond. Over een jaar vragen we of de inwoner nog actief is."),
}


def _require_provider(request):
    """Only staff of a partner organisation; anyone else is refused (and the attempt audited)."""
    if not queries.is_provider_staff(request.user):
        audit.record(request, AuditEntry.Action.DENIED, detail={"part": "provider portal"})
        raise PermissionDenied(_("Dit deel is alleen voor medewerkers van een partnerorganisatie."))


def _referral_or_deny(request, pk):
    """A referral to the user's own organisation; another organisation's referral gives 403 and a DENIED entry."""
    _require_provider(request)
    referral = queries.provider_referrals(request.user).filter(pk=pk).first()
    if referral is not None:
        return referral
    other = Referral.objects.filter(pk=pk).values_list("resident_id", flat=True).first()
    if other is None:
        raise Http404
    audit.record(request, AuditEntry.Action.DENIED, resident=other, detail={"referral": pk})
    raise PermissionDenied(_("Deze doorverwijzing is niet voor uw organisatie."))


@login_required
def home(request):
    """The referrals to the own organisation: new, running, closed."""
    _require_provider(request)
    group = request.GET.get("groep", "nieuw")
    if group not in queries.PROVIDER_GROUPS:
        group = "nieuw"
    qs = queries.provider_referrals(request.user).filter(status__in=queries.PROVIDER_GROUPS[group])
    qs = qs.order_by("next_report_due_on", "-referred_at") if group == "lopend" else qs.order_by("-referred_at")
    page = get_page(Paginator(qs, PAGE_SIZE), request)
    today = timezone.localdate()
    rows = [queries.provider_view(r, today) for r in page]
    audit.record(request, AuditEntry.Action.VIEW, obj=request.user.provider,
                 detail={"part": "partner referrals", "group": group, "referrals": [r["id"] for r in rows]})
    return render(request, "referrals/portal/home.html", {
        "provider": request.user.provider, "group": group, "page": page, "rows": rows,
        "counts": queries.provider_counts(request.user),
        "checks_due": queries.provider_checks_due(request.user, today).count(),
        "groups": [("nieuw", _("Nieuw")), ("lopend", _("Lopend")), ("afgerond", _("Afgerond"))],
    })


def _detail(request, referral, forms=None, status=200):
    events, reports, checks = queries.history(referral)
    return render(request, "referrals/portal/detail.html", {
        "provider": request.user.provider, "referral": referral, "view": queries.provider_view(referral),
        "forms": forms if forms is not None else provider_forms(referral),
        "events": events, "reports": reports, "checks": checks,
    }, status=status)


@login_required
def detail(request, pk):
    referral = _referral_or_deny(request, pk)
    audit.record(request, AuditEntry.Action.VIEW, resident=referral.resident_id, obj=referral,
                 detail={"part": "partner referral"})
    return _detail(request, referral)


def run_action(referral, action, data, actor):
    """Call the service for a provider action with the form's cleaned data."""
    version = data["version"]
    if action == "accept":
        return services.accept(referral, actor=actor, version=version, note=data["note"])
    if action == "decline":
        return services.decline(referral, actor=actor, version=version, reason=data["reason"])
    if action == "plan_intake":
        return services.plan_intake(referral, actor=actor, version=version, intake_at=data["intake_at"],
                                    note=data["note"])
    if action == "add_to_cohort":
        return services.add_to_cohort(referral, actor=actor, version=version, cohort=data["cohort"])
    if action == "place":
        return services.place(referral, actor=actor, version=version, placed_on=data["placed_on"],
                              hours_per_week=data["hours_per_week"])
    if action == "return":
        return services.return_with_advice(referral, actor=actor, version=version, advice=data["advice"])
    if action == "report":
        return services.report(referral, actor=actor, version=version, progress=data["progress"],
                               text=data["text"], hours_per_week=data["hours_per_week"])
    if action == "complete":
        return services.complete(referral, actor=actor, version=version, ended_on=data["ended_on"],
                                 note=data["note"])
    raise ValueError(action)


@login_required
@require_POST
def action(request, pk, action):
    if action not in rules.TRANSITIONS:
        raise Http404
    referral = _referral_or_deny(request, pk)
    forms = provider_forms(referral, request.POST, action)
    form = forms.get(action)
    if form is None:
        messages.error(request, _("Dit kan niet (meer): de doorverwijzing heeft nu de status '%(status)s'.")
                       % {"status": referral.get_status_display()})
        return redirect("partner:detail", pk=referral.pk)
    if form.is_valid():
        try:
            run_action(referral, action, form.cleaned_data, request.user)
        except services.StaleReferral:
            audit.record(request, AuditEntry.Action.CONFLICT, resident=referral.resident_id, obj=referral,
                         detail={"action": action})
            messages.error(request, services.STALE_MESSAGE)
            return redirect("partner:detail", pk=referral.pk)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            audit.record(request, AuditEntry.Action.UPDATE, resident=referral.resident_id, obj=referral,
                         detail={"action": action})
            messages.success(request, SUCCESS[action])
            return redirect("partner:detail", pk=referral.pk)
    return _detail(request, referral, forms, status=400)


# -- cohorts ----------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def cohorts(request):
    _require_provider(request)
    provider = request.user.provider
    form = CohortForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cohort = services.create_cohort(provider, actor=request.user, name=data["name"],
                                            starts_on=data["starts_on"], size=data["size"])
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            audit.record(request, AuditEntry.Action.CREATE, obj=cohort)
            messages.success(request, _("De groep %(name)s is gemaakt.") % {"name": cohort.name})
            return redirect("partner:cohort", pk=cohort.pk)
    today = timezone.localdate()
    return render(request, "referrals/portal/cohorts.html", {
        "provider": provider, "form": form, "today": today,
        "cohorts": list(queries.provider_cohorts(request.user).order_by("-starts_on")),
    }, status=400 if form.errors else 200)


@login_required
def cohort(request, pk):
    _require_provider(request)
    cohort = Cohort.objects.filter(pk=pk).first()
    if cohort is None:
        raise Http404
    if cohort.provider_id != request.user.provider_id:
        audit.record(request, AuditEntry.Action.DENIED, obj=cohort)
        raise PermissionDenied(_("Deze groep is niet van uw organisatie."))
    members = list(queries.provider_referrals(request.user).filter(cohort=cohort).order_by(
        "resident__last_name", "resident__first_name"))
    today = timezone.localdate()
    rows = [queries.provider_view(r, today) for r in members]
    audit.record(request, AuditEntry.Action.VIEW, obj=cohort,
                 detail={"part": "cohort members", "referrals": [r["id"] for r in rows]})
    return render(request, "referrals/portal/cohort.html", {
        "provider": request.user.provider, "cohort": cohort, "rows": rows,
        "taking_place": sum(1 for r in rows if r["status"] in rules.OPEN_STATUSES),
    })


# -- yearly checks ----------------------------------------------------------------------------------------------------


@login_required
def checks(request):
    _require_provider(request)
    due = list(queries.provider_checks_due(request.user).order_by("due_on"))
    audit.record(request, AuditEntry.Action.VIEW, obj=request.user.provider,
                 detail={"part": "yearly checks", "checks": [c.pk for c in due]})
    return render(request, "referrals/portal/checks.html", {
        "provider": request.user.provider,
        "items": [(c, CheckForm(prefix=f"check-{c.pk}")) for c in due],
    })


@login_required
@require_POST
def answer_check(request, pk):
    _require_provider(request)
    check = ActivityCheck.objects.select_related("referral").filter(pk=pk).first()
    if check is None:
        raise Http404
    if check.referral.provider_id != request.user.provider_id:
        audit.record(request, AuditEntry.Action.DENIED, resident=check.referral.resident_id, obj=check)
        raise PermissionDenied(_("Deze controle is niet voor uw organisatie."))
    form = CheckForm(request.POST, prefix=f"check-{check.pk}")
    if form.is_valid():
        try:
            services.answer_check(check, actor=request.user, still_active=form.cleaned_data["still_active"],
                                  note=form.cleaned_data["note"])
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            audit.record(request, AuditEntry.Action.UPDATE, resident=check.referral.resident_id, obj=check)
            messages.success(request, _("Dank u. De controle is vastgelegd."))
            return redirect("partner:checks")
    due = list(queries.provider_checks_due(request.user).order_by("due_on"))
    return render(request, "referrals/portal/checks.html", {
        "provider": request.user.provider,
        "items": [(c, form if c.pk == check.pk else CheckForm(prefix=f"check-{c.pk}")) for c in due],
    }, status=400)
