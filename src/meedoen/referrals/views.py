"""Caseworker screens of the referral loop: the suggestions screen (choose together, record what was offered and
chosen), the referral form with the warm handover and consent, a referral's history with the caseworker's own
actions, and the warm referral to a help service from a "can't" task. Views stay thin: access through
residents.access (403 + audit), changes through services, every read and change of personal data in the audit
trail."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from meedoen.formtools import add_validation_error, parse_id, parse_ids, redirect_to_next
from meedoen.accounts.models import Role
from meedoen.audit import services as audit
from meedoen.audit.models import AuditEntry
from meedoen.guidance.models import Conversation, Task
from meedoen.offer.models import Activity, Provider
from meedoen.residents.access import get_resident_or_deny
from meedoen.residents.tabs import dossier_context

from . import queries, rules, services
from .forms import CheckForm, CompleteForm, ReferralForm, WithdrawForm
from .handover import provider_handover_text
from .models import ActivityCheck, Referral, ReferralEvent, Suggestion

HEADER_RELATED = ("neighbourhood", "current_caseworker", "municipality")
SUGGESTIONS = 5
TAB = "offer"


def offer_tab_url(resident):
    """The dossier tab with the offer (the catalogue's 'Aanbod' tab), or this app's own overview without it."""
    try:
        return reverse("offer:resident", args=[resident.public_id])
    except NoReverseMatch:
        return reverse("referrals:resident", args=[resident.public_id])


def _d(day):
    return date_format(day, "j F Y") if day else "–"


# -- overview and suggestions -----------------------------------------------------------------------------------------


@login_required
def resident(request, public_id):
    """Suggestions and referrals of one resident (also shown in the catalogue's 'Aanbod' tab)."""
    resident = get_resident_or_deny(request, public_id, select_related=HEADER_RELATED)
    audit.record(request, AuditEntry.Action.VIEW, resident=resident, detail={"part": "referrals"})
    return render(request, "referrals/resident.html", dossier_context(request, resident, TAB))


def _ranked(resident):
    from meedoen.offer.matching import suggest_for_resident

    ranked = suggest_for_resident(resident, limit=SUGGESTIONS)
    activities = (Activity.objects.select_related("provider", "neighbourhood", "venue")
                  .in_bulk([s.activity_id for s in ranked]))
    return ranked, [{"rank": rank, "suggestion": s, "activity": activities[s.activity_id]}
                    for rank, s in enumerate(ranked, start=1) if s.activity_id in activities]


@login_required
@require_http_methods(["GET", "POST"])
def suggestions(request, public_id):
    """The top options for this resident with the reasons each fits; the caseworker records which were put before
    the resident and which one the resident chose, then makes the referral."""
    resident = get_resident_or_deny(request, public_id, for_edit=True, select_related=HEADER_RELATED)
    ranked, items = _ranked(resident)
    error = ""
    offered = set(parse_ids(request.POST.getlist("offered"), name="offered"))
    chosen = parse_id(request.POST.get("chosen"), name="chosen")
    if request.method == "POST":
        try:
            rows = services.record_suggestions(resident, actor=request.user, suggestions=ranked, offered=offered,
                                               chosen=chosen)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            picked = next((r for r in rows if r.chosen), None)
            audit.record(request, AuditEntry.Action.CREATE, resident=resident, obj=picked or rows[0],
                         detail={"part": "suggestions", "offered": len(rows), "chosen": picked is not None})
            if picked is not None:
                messages.success(request, _("De keuze van de inwoner is vastgelegd: %(title)s. Maak nu de "
                                            "doorverwijzing.") % {"title": picked.activity.title})
                return redirect(f"{reverse('referrals:new', args=[resident.public_id])}?suggestie={picked.pk}")
            messages.success(request, _("Vastgelegd welke activiteiten u hebt voorgelegd. De inwoner kiest later."))
            return redirect(offer_tab_url(resident))
    else:
        audit.record(request, AuditEntry.Action.VIEW, resident=resident,
                     detail={"part": "suggestions", "shown": len(items)})
    context = dossier_context(request, resident, TAB)
    context.update({"items": items, "error": error, "offered": offered, "chosen": chosen,
                    "previous": list(Suggestion.objects.filter(resident=resident).select_related("activity")
                                     .order_by("-offered_at", "rank")[:10])})
    return render(request, "referrals/suggestions.html", context, status=400 if error else 200)


# -- a new referral ---------------------------------------------------------------------------------------------------


def _initial(resident, request):
    """Prefill the referral form from a chosen suggestion, an activity, a provider or a help task (GET)."""
    initial, suggestion, task = {}, None, None
    provider = activity = None
    sid, aid, pid, tid = (parse_id(request.GET.get(k), name=k) for k in ("suggestie", "activiteit", "partner", "taak"))
    if sid:
        suggestion = Suggestion.objects.select_related("activity__provider").filter(pk=sid, resident=resident).first()
        if suggestion is not None:
            activity = suggestion.activity
            initial["suggestion"] = suggestion.pk
    if activity is None and aid:
        activity = (Activity.objects.select_related("provider")
                    .filter(pk=aid, municipality_id=resident.municipality_id).first())
    if activity is not None:
        provider = activity.provider
        initial["activity"] = activity.pk
        if activity.min_hours_per_week:
            initial["hours_per_week"] = activity.min_hours_per_week
    if provider is None and pid:
        provider = Provider.objects.filter(pk=pid, municipality_id=resident.municipality_id, active=True).first()
    if tid:
        task = Task.objects.filter(pk=tid, resident=resident, status=Task.Status.OPEN).first()
        if task is not None:
            initial["task"] = task.pk
    if provider is not None:
        initial["provider"] = provider.pk
        initial.update(rules.consent_defaults(provider.kind))
    initial["handover_note"] = provider_handover_text(resident, provider.kind if provider else "")
    return initial, provider, activity, task


@login_required
@require_http_methods(["GET", "POST"])
def new_referral(request, public_id):
    resident = get_resident_or_deny(request, public_id, for_edit=True, select_related=HEADER_RELATED)
    if request.method == "POST":
        form = ReferralForm(request.POST, municipality=resident.municipality)
        task = None
        if form.is_valid():
            data = form.cleaned_data
            suggestion = (Suggestion.objects.filter(pk=data["suggestion"], resident=resident).first()
                          if data["suggestion"] else None)
            task = (Task.objects.filter(pk=data["task"], resident=resident).first() if data["task"] else None)
            try:
                referral = services.create_referral(
                    resident, actor=request.user, provider=data["provider"], activity=data["activity"],
                    hours_per_week=data["hours_per_week"], handover_note=data["handover_note"],
                    consent_given=data["consent_given"], consent_share_health=data["consent_share_health"],
                    consent_share_debts=data["consent_share_debts"], consent_note=data["consent_note"],
                    suggestion=suggestion, allow_full=data["allow_full"], help_task=task,
                )
            except ValidationError as exc:
                add_validation_error(form, exc)
            else:
                audit.record(request, AuditEntry.Action.CREATE, resident=resident, obj=referral,
                             detail={"provider": referral.provider_id, "help_task": bool(task)})
                messages.success(request, _("De doorverwijzing is verstuurd naar %(provider)s. U ziet op uw werklijst "
                                            "wanneer de partner iets doet.") % {"provider": referral.provider.name})
                return redirect("referrals:detail", pk=referral.pk)
        provider = form.cleaned_data.get("provider") if hasattr(form, "cleaned_data") else None
        activity = form.cleaned_data.get("activity") if hasattr(form, "cleaned_data") else None
    else:
        initial, provider, activity, task = _initial(resident, request)
        form = ReferralForm(initial=initial, municipality=resident.municipality)
        audit.record(request, AuditEntry.Action.VIEW, resident=resident, detail={"part": "referral form"})
    free = services.free_places(activity) if activity is not None else None
    context = dossier_context(request, resident, TAB)
    context.update({"form": form, "provider": provider, "activity": activity, "free_places": free, "task": task,
                    "back_url": offer_tab_url(resident)})
    return render(request, "referrals/referral_form.html", context, status=400 if form.errors else 200)


@login_required
def help_from_task(request, task_id):
    """One click from a 'help regelen' task (a "can't" in a conversation) to a warm referral: the help service of
    the matching kind (debts → debt counselling, health → mental-health care, addiction → addiction care), with the
    handover and consent boxes prefilled. Nothing is sent until the caseworker confirms the form."""
    public_id = Task.objects.filter(pk=task_id).values_list("resident__public_id", flat=True).first()
    if public_id is None:
        raise Http404
    resident = get_resident_or_deny(request, public_id, for_edit=True)
    task = Task.objects.get(pk=task_id)
    audit.record(request, AuditEntry.Action.VIEW, resident=resident, obj=task, detail={"part": "warm referral"})
    conversation = Conversation.objects.filter(task=task).only("cant_reason").first()
    kinds = rules.help_kinds({f: getattr(resident, f) for f in ("debts", "mental_health", "addiction")},
                             conversation.cant_reason if conversation else "")
    url = reverse("referrals:new", args=[resident.public_id]) + f"?taak={task.pk}"
    for kind in kinds:
        providers = services.help_providers(resident.municipality, kind, resident.neighbourhood_id)
        if providers:
            return redirect(f"{url}&partner={providers[0].pk}")
    messages.warning(request, _("Er is geen passende hulppartner in het aanbod gevonden. Kies zelf een partner."))
    return redirect(url)


# -- one referral -----------------------------------------------------------------------------------------------------


def _referral_or_deny(request, pk, *, for_edit=False):
    public_id = Referral.objects.filter(pk=pk).values_list("resident__public_id", flat=True).first()
    if public_id is None:
        raise Http404
    resident = get_resident_or_deny(request, public_id, for_edit=for_edit, select_related=HEADER_RELATED)
    referral = Referral.objects.select_related("provider", "activity", "cohort", "referred_by").get(pk=pk)
    referral.resident = resident
    return resident, referral


def _detail_context(request, resident, referral, forms=None):
    events, reports, checks = queries.history(referral)
    allowed = rules.allowed_actions(referral.status, rules.CASEWORKER)
    forms = forms or {}
    context = dossier_context(request, resident, TAB)
    context.update({
        "referral": referral, "events": events, "reports": reports, "checks": checks,
        "withdraw_form": forms.get("withdraw") or (WithdrawForm(initial={"version": referral.version}, prefix="withdraw")
                                                   if "withdraw" in allowed else None),
        "complete_form": forms.get("complete") or (CompleteForm(initial={"version": referral.version,
                                                                         "ended_on": timezone.localdate()},
                                                                prefix="complete")
                                                   if "complete" in allowed else None),
        "check_forms": [(c, forms.get(f"check-{c.pk}") or CheckForm(prefix=f"check-{c.pk}"))
                        for c in checks if c.checked_on is None],
        "help_kinds": _help_options(resident) if referral.status == rules.RETURNED else [],
        "back_url": offer_tab_url(resident),
    })
    return context


def _help_options(resident):
    kinds = rules.help_kinds({f: getattr(resident, f) for f in ("debts", "mental_health", "addiction")})
    options = []
    for kind in kinds:
        providers = services.help_providers(resident.municipality, kind, resident.neighbourhood_id)
        if providers:
            options.append({"kind": Provider.Kind(kind).label, "provider": providers[0]})
    return options


@login_required
def detail(request, pk):
    resident, referral = _referral_or_deny(request, pk)
    audit.record(request, AuditEntry.Action.VIEW, resident=resident, obj=referral)
    if request.user.role in (Role.CASEWORKER, Role.TEAM_LEAD):
        services.mark_seen(ReferralEvent.objects.filter(referral=referral))
    return render(request, "referrals/detail.html", _detail_context(request, resident, referral))


@login_required
@require_POST
def caseworker_action(request, pk, action):
    if action not in ("withdraw", "complete"):
        raise Http404
    resident, referral = _referral_or_deny(request, pk, for_edit=True)
    form = (WithdrawForm if action == "withdraw" else CompleteForm)(request.POST, prefix=action)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "withdraw":
                services.withdraw(referral, actor=request.user, reason=data["reason"], version=data["version"])
                text = _("De doorverwijzing is ingetrokken.")
            else:
                services.complete(referral, actor=request.user, ended_on=data["ended_on"], note=data["note"],
                                  version=data["version"])
                text = _("De begeleiding bij de partner is afgerond. Over een jaar volgt de controle of de inwoner "
                         "nog actief is.")
        except services.StaleReferral:
            audit.record(request, AuditEntry.Action.CONFLICT, resident=resident, obj=referral,
                         detail={"action": action})
            messages.error(request, services.STALE_MESSAGE)
            return redirect("referrals:detail", pk=referral.pk)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            audit.record(request, AuditEntry.Action.UPDATE, resident=resident, obj=referral,
                         detail={"action": action})
            messages.success(request, text)
            return redirect("referrals:detail", pk=referral.pk)
    referral.refresh_from_db()
    context = _detail_context(request, resident, referral, forms={action: form})
    return render(request, "referrals/detail.html", context, status=400)


@login_required
@require_POST
def answer_check(request, pk):
    """The caseworker answers the yearly check (the provider can too, in the portal)."""
    referral_id = ActivityCheck.objects.filter(pk=pk).values_list("referral_id", flat=True).first()
    if referral_id is None:
        raise Http404
    resident, referral = _referral_or_deny(request, referral_id, for_edit=True)
    check = ActivityCheck.objects.get(pk=pk)
    form = CheckForm(request.POST, prefix=f"check-{check.pk}")
    if form.is_valid():
        try:
            services.answer_check(check, actor=request.user, still_active=form.cleaned_data["still_active"],
                                  note=form.cleaned_data["note"])
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            audit.record(request, AuditEntry.Action.UPDATE, resident=resident, obj=check)
            messages.success(request, _("De jaarlijkse controle is vastgelegd."))
            return redirect("referrals:detail", pk=referral.pk)
    context = _detail_context(request, resident, referral, forms={f"check-{check.pk}": form})
    return render(request, "referrals/detail.html", context, status=400)


@login_required
@require_POST
def mark_news_seen(request):
    """The caseworker has read the partners' news on the worklist."""
    if request.user.role != Role.CASEWORKER:
        raise PermissionDenied
    ids = parse_ids(request.POST.getlist("event"), name="event")
    events = ReferralEvent.objects.filter(referral__resident__current_caseworker=request.user)
    if ids:
        events = events.filter(pk__in=ids)
    count = services.mark_seen(events)
    audit.record(request, AuditEntry.Action.UPDATE, detail={"part": "partner news seen", "events": count})
    return redirect_to_next(request, reverse("guidance:worklist"))
