"""Screens of the offer side: the activity catalogue (list, detail, change, import), providers with contract
progress, the resident's provisions tab (budget, requests, decisions, spending) and the team lead's budget overview.

Views stay thin: access by role and relation (offer.access, residents.access), changes through services and
imports, every read and change in the audit trail. No personal data in URLs (residents by public id only).
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from meedoen.accounts.access import require_role
from meedoen.accounts.models import Role, User
from meedoen.audit import services as audit
from meedoen.audit.models import AuditEntry
from meedoen.formtools import add_validation_error, get_page, parse_int, redirect_to_next
from meedoen.policy.services import active_profile
from meedoen.residents.access import get_resident_or_deny, visible_residents
from meedoen.residents.tabs import dossier_context

from . import budget as budget_rules
from . import imports, services
from .access import (
    BUDGET_ROLES, CATALOGUE_ROLES, MANAGE_ROLES, PROVIDER_ROLES, get_in_municipality_or_deny,
)
from .contracts import contract_progress
from .forms import (
    ActivityForm, CancelGrantForm, CatalogueFilterForm, GrantDecisionForm, GrantRequestForm, ImportForm, SpendingForm,
)
from .models import Activity, Provider, ProviderContract, ProvisionGrant, ProvisionType

PAGE_SIZE = 50
HEADER_RELATED = ("neighbourhood", "current_caseworker", "municipality")


def _conflict_text():
    return _("Iemand anders heeft dit opgeslagen terwijl u aan het wijzigen was. Uw wijziging is niet opgeslagen. "
             "Bekijk de nieuwe gegevens en voer uw wijziging dan nog een keer in.")


def _query_without_page(request):
    params = request.GET.copy()
    params.pop("pagina", None)
    encoded = params.urlencode()
    return f"{encoded}&" if encoded else ""


# -- catalogue --------------------------------------------------------------------------------------------------------


@login_required
def catalogue(request):
    require_role(request, CATALOGUE_ROLES, part="catalogue")
    municipality = request.user.municipality
    is_manager = request.user.role in MANAGE_ROLES
    form = CatalogueFilterForm(request.GET or None, municipality=municipality)
    qs = Activity.objects.filter(municipality=municipality)
    if not is_manager:
        today = timezone.localdate()
        qs = qs.filter(active=True).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    filters = {}
    qs = services.with_places_taken(qs)
    if form.is_valid():
        qs = form.filter(qs)
        if form.cleaned_data.get("free"):
            qs = qs.filter(services.free_places_filter())
        # The audit trail stores which filters were used, never the free text typed (it could hold anything).
        filters = {k: str(getattr(v, "pk", v)) for k, v in form.cleaned_data.items() if v and k != "q"}
        if form.cleaned_data.get("q"):
            filters["q"] = "…"
    qs = qs.select_related("provider", "neighbourhood").order_by("title", "pk")
    page = get_page(Paginator(qs, PAGE_SIZE), request)
    audit.record(request, AuditEntry.Action.VIEW, detail={"part": "catalogue", "filters": filters})
    return render(request, "offer/catalogue.html", {
        "form": form, "page": page, "query": _query_without_page(request), "is_manager": is_manager,
        "total": page.paginator.count,
    })


def _activity_or_deny(request, pk):
    return get_in_municipality_or_deny(
        request, Activity.objects.select_related("provider", "neighbourhood", "venue"), pk)


@login_required
def activity_detail(request, pk):
    require_role(request, CATALOGUE_ROLES, part="activity")
    activity = _activity_or_deny(request, pk)  # an inactive one stays readable: referrals may point to it
    taken = services.places_taken([activity])[activity.pk]
    audit.record(request, AuditEntry.Action.VIEW, obj=activity)
    return render(request, "offer/activity_detail.html", {
        "activity": activity, "taken": taken, "free": max(0, activity.capacity - taken),
        "is_manager": request.user.role in MANAGE_ROLES,
    })


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request):
    require_role(request, MANAGE_ROLES, part="activity create")
    municipality = request.user.municipality
    form = ActivityForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.create_activity(municipality=municipality, actor=request.user, **form.changes)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            audit.record(request, AuditEntry.Action.CREATE, obj=activity)
            messages.success(request, _("De activiteit is toegevoegd aan de catalogus."))
            return redirect("offer:activity", pk=activity.pk)
    elif request.method == "GET":
        audit.record(request, AuditEntry.Action.VIEW, detail={"part": "activity form"})
    return render(request, "offer/activity_form.html", {"form": form, "activity": None})


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk):
    require_role(request, MANAGE_ROLES, part="activity edit")
    activity = _activity_or_deny(request, pk)
    form = ActivityForm(request.POST or None, instance=activity, municipality=request.user.municipality)
    if request.method == "POST" and form.is_valid():
        try:
            _saved, changed = services.update_activity(activity, form.changes,
                                                       expected_version=form.cleaned_data["version"],
                                                       actor=request.user)
        except services.ConcurrentEditError:
            audit.record(request, AuditEntry.Action.CONFLICT, obj=activity)
            form.add_error(None, _conflict_text())
            return render(request, "offer/activity_form.html", {"form": form, "activity": activity}, status=409)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            audit.record(request, AuditEntry.Action.UPDATE, obj=activity, detail={"fields": changed})
            messages.success(request, _("De wijzigingen zijn opgeslagen.") if changed
                             else _("Er was niets gewijzigd."))
            return redirect("offer:activity", pk=activity.pk)
    elif request.method == "GET":
        audit.record(request, AuditEntry.Action.VIEW, obj=activity, detail={"part": "edit form"})
    return render(request, "offer/activity_form.html", {"form": form, "activity": activity})


# -- import -----------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_activities(request):
    require_role(request, MANAGE_ROLES, part="activity import")
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        dry_run = request.POST.get("mode") != "import"
        if upload.size > imports.MAX_BYTES:
            report = imports.ImportReport(dry_run=dry_run, errors=[imports.RowError(None, "", _(
                "Het bestand is groter dan 5 MB. Splits het in delen."))])
        else:
            report = imports.import_activities(upload.read(), municipality=request.user.municipality,
                                               filename=upload.name, dry_run=dry_run)
        audit.record(request, AuditEntry.Action.CREATE if report.saved else AuditEntry.Action.VIEW,
                     detail={"part": "activity import", "dry_run": dry_run, "rows": report.rows,
                             "created": report.created, "updated": report.updated, "errors": len(report.errors),
                             "saved": report.saved})
        if report.saved:
            messages.success(request, _("Import gelukt: %(c)s nieuwe en %(u)s bijgewerkte activiteiten.") % {
                "c": report.created, "u": report.updated})
    elif request.method == "GET":
        audit.record(request, AuditEntry.Action.VIEW, detail={"part": "activity import"})
    return render(request, "offer/import.html", {"form": form, "report": report, "columns": imports.COLUMNS},
                  status=200 if report is None or report.ok else 422)


@audit.no_personal_data
@login_required
def import_template(request):
    require_role(request, MANAGE_ROLES, part="activity import template")
    audit.record(request, AuditEntry.Action.EXPORT, detail={"part": "activity import template"})
    response = HttpResponse(imports.template_csv(request.user.municipality),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="meedoen-activiteiten-voorbeeld.csv"'
    return response


# -- providers and contracts ------------------------------------------------------------------------------------------


@login_required
def providers(request):
    require_role(request, PROVIDER_ROLES, part="providers")
    today = timezone.localdate()
    rows = (Provider.objects.filter(municipality=request.user.municipality)
            .annotate(n_activities=Count("activities", filter=Q(activities__active=True), distinct=True))
            .select_related("neighbourhood").order_by("name"))
    contracts = {}
    for contract in ProviderContract.objects.filter(provider__municipality=request.user.municipality,
                                                    starts_on__lte=today, ends_on__gte=today).order_by("starts_on"):
        contracts[contract.provider_id] = contract
    audit.record(request, AuditEntry.Action.VIEW, detail={"part": "providers"})
    return render(request, "offer/providers.html", {
        "rows": [(p, contracts.get(p.pk)) for p in rows], "today": today})


@login_required
def provider_detail(request, pk):
    require_role(request, PROVIDER_ROLES, part="provider")
    provider = get_in_municipality_or_deny(request, Provider.objects.select_related("neighbourhood"), pk)
    today = timezone.localdate()
    contracts = list(provider.contracts.all())
    progress = [contract_progress(c, today) for c in contracts]
    activities = services.with_places_taken(provider.activities.filter(active=True)).select_related("neighbourhood")
    staff = list(User.objects.filter(provider=provider, role=Role.PROVIDER_STAFF, is_active=True)
                 .order_by("last_name", "first_name")) if request.user.role in MANAGE_ROLES else []
    audit.record(request, AuditEntry.Action.VIEW, obj=provider)
    return render(request, "offer/provider_detail.html", {
        "provider": provider, "progress": progress, "activities": activities, "staff": staff, "today": today,
        "is_manager": request.user.role in MANAGE_ROLES,
    })


# -- the resident's provisions (dossier tab "Aanbod") -----------------------------------------------------------------


def _resident_context(request, resident, form=None):
    today = timezone.localdate()
    profile = active_profile(resident.municipality)
    rules = services.provision_rules(profile)
    context = dossier_context(request, resident, "offer")
    kind_labels = dict(ProvisionType.Kind.choices)
    grants = list(ProvisionGrant.objects.filter(resident=resident)
                  .select_related("provision_type", "requested_by", "approved_by")[:50])
    state = services.resident_budget(resident, today.year, profile)
    for grant in grants:
        grant.can_decide = (context["can_edit"] and grant.status == ProvisionGrant.Status.REQUESTED
                            and budget_rules.may_decide(needs_second=grant.needs_second_approval,
                                                        requested_by=grant.requested_by_id,
                                                        decider=request.user.pk))
        grant.can_spend = context["can_edit"] and grant.status == ProvisionGrant.Status.APPROVED
        grant.can_cancel = context["can_edit"] and (
            grant.status == ProvisionGrant.Status.REQUESTED
            or (grant.status == ProvisionGrant.Status.APPROVED and not grant.spent_amount))
    context.update({
        "year": today.year, "rules": rules, "state": state, "grants": grants,
        "percent_used": min(100, round(100 * state.used / rules.budget_per_year)) if rules.budget_per_year else 0,
        "form": form or GrantRequestForm(municipality=resident.municipality),
        "caps": [(kind_labels.get(k, k), v) for k, v in sorted(rules.caps.items())],
        "ladder_rules": [(kind_labels.get(k, k), v) for k, v in sorted(rules.min_ladder_step.items())],
    })
    return context


@login_required
@require_http_methods(["GET", "POST"])
def resident(request, public_id):
    for_edit = request.method == "POST"
    resident = get_resident_or_deny(request, public_id, for_edit=for_edit, select_related=HEADER_RELATED)
    form = None
    if request.method == "POST":
        form = GrantRequestForm(request.POST, municipality=resident.municipality)
        if form.is_valid():
            try:
                grant = services.request_grant(resident, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_validation_error(form, exc)
            else:
                audit.record(request, AuditEntry.Action.CREATE, resident=resident, obj=grant)
                if grant.status == ProvisionGrant.Status.APPROVED:
                    messages.success(request, _("De voorziening is toegekend."))
                else:
                    messages.success(request, _("De aanvraag is opgeslagen. Omdat het bedrag boven de grens ligt, "
                                                "besluit een tweede persoon: de teamleider of een collega."))
                return redirect("offer:resident", public_id=resident.public_id)
    else:
        audit.record(request, AuditEntry.Action.VIEW, resident=resident, detail={"part": "provisions"})
    context = _resident_context(request, resident, form)
    return render(request, "offer/resident.html", context, status=200 if form is None or form.is_valid() else 400)


def _grant_or_deny(request, pk):
    grant = ProvisionGrant.objects.select_related("resident", "provision_type").filter(pk=pk).first()
    if grant is None:
        raise Http404
    resident = get_resident_or_deny(request, grant.resident.public_id, for_edit=True)
    return grant, resident


def _back(request, resident):
    return redirect_to_next(request, reverse("offer:resident", args=[resident.public_id]))


def _grant_action(request, pk, form_class, action, success):
    grant, resident = _grant_or_deny(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _("Niet alles is goed ingevuld: %(errors)s") % {
            "errors": " ".join(str(e) for errors in form.errors.values() for e in errors)})
        return _back(request, resident)
    try:
        updated = action(grant, form.cleaned_data)
    except services.ConcurrentEditError:
        audit.record(request, AuditEntry.Action.CONFLICT, resident=resident, obj=grant)
        messages.error(request, _conflict_text())
        return _back(request, resident)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back(request, resident)
    audit.record(request, AuditEntry.Action.UPDATE, resident=resident, obj=updated,
                 detail={"status": updated.status})
    messages.success(request, success(updated))
    return _back(request, resident)


@login_required
@require_POST
def grant_decide(request, pk):
    def action(grant, data):
        return services.decide_grant(grant, approve=data["decision"] == "approve", actor=request.user,
                                     expected_version=data["version"], note=data["note"])

    def success(grant):
        return _("De voorziening is toegekend.") if grant.status == ProvisionGrant.Status.APPROVED \
            else _("De aanvraag is afgewezen.")
    return _grant_action(request, pk, GrantDecisionForm, action, success)


@login_required
@require_POST
def grant_spend(request, pk):
    def action(grant, data):
        return services.record_spending(grant, spent=data["spent"], actor=request.user,
                                        expected_version=data["version"])
    return _grant_action(request, pk, SpendingForm, action, lambda g: _("De uitgave is vastgelegd."))


@login_required
@require_POST
def grant_cancel(request, pk):
    def action(grant, data):
        return services.cancel_grant(grant, actor=request.user, expected_version=data["version"])
    return _grant_action(request, pk, CancelGrantForm, action, lambda g: _("De voorziening is ingetrokken."))


# -- the team lead's budgets ------------------------------------------------------------------------------------------


@login_required
def team_budget(request):
    require_role(request, BUDGET_ROLES, part="team budget")
    if request.user.team_id is None:
        audit.record(request, AuditEntry.Action.DENIED, detail={"part": "team budget", "reason": "no team"})
        raise PermissionDenied(_("U hoort niet bij een team."))
    today = timezone.localdate()
    year = parse_int(request.GET.get("jaar"), name="jaar", min_value=2000, max_value=today.year + 1,
                     default=today.year)
    profile = active_profile(request.user.municipality)
    residents_qs = visible_residents(request.user)
    overview = services.team_budget_overview(residents_qs, year, profile)
    page = get_page(Paginator(overview["residents"], PAGE_SIZE), request)
    pending = list(services.pending_approvals(residents_qs))
    audit.record(request, AuditEntry.Action.VIEW, detail={"part": "team budget", "year": year,
                                                          "residents": len(overview["residents"])})
    return render(request, "offer/team_budget.html", {
        "team": request.user.team, "year": year, "years": [today.year - 1, today.year], "overview": overview,
        "page": page, "query": f"jaar={year}&", "pending": pending, "rules": services.provision_rules(profile),
        "next": reverse("offer:team_budget") + f"?jaar={year}",
    })
