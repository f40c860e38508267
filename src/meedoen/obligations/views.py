"""Screens for obligations and measures: the "Verplichtingen" dossier tab, exemptions, measures with their procedure
steps, objections and complaints, signals of unreported income, the team lead's overview and the enforcement list.

Views stay thin: access through residents.access (role and relation, in the queryset), changes through services,
every read and change of personal data in the audit trail.
"""
import datetime as dt
import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from meedoen.formtools import add_validation_error, parse_id
from meedoen.accounts.models import Role
from meedoen.audit import services as audit
from meedoen.audit.models import AuditEntry
from meedoen.guidance.models import Task
from meedoen.guidance.services import complete_task
from meedoen.policy.services import active_profile
from meedoen.residents.access import get_resident_or_deny, visible_residents
from meedoen.residents.tabs import dossier_context

from . import forms, rules, services
from .models import Exemption, IncomeSignal, Measure, Objection

HEADER_RELATED = ("neighbourhood", "current_caseworker", "municipality")
STAFF = (Role.CASEWORKER, Role.TEAM_LEAD)


# A stale lock version is reported on top of the form: its field is hidden.
_add_error = functools.partial(add_validation_error, to_top=("version",))


def _record_conflict(request, resident, obj, exc):
    if any("intussen gewijzigd" in m for m in exc.messages):
        audit.record(request, AuditEntry.Action.CONFLICT, resident=resident, obj=obj)


def _resident(request, public_id, *, for_edit=False):
    """The dossier, for caseworkers and team leads who may see (or edit) it. Measures and income signals are not for
    the wijkteam or partners: other roles get 403, audited."""
    if request.user.role not in STAFF:
        audit.record(request, AuditEntry.Action.DENIED, detail={"part": "obligations"})
        raise PermissionDenied(_("Geen toegang tot dit deel van het dossier."))
    return get_resident_or_deny(request, public_id, for_edit=for_edit, select_related=HEADER_RELATED)


def _owned(request, model, pk, *, for_edit=True, related=()):
    """A record and its resident, when the user may see (or edit) that resident's dossier; 403 (audited) or 404."""
    obj = get_object_or_404(model.objects.select_related("resident", *related), pk=pk)
    return obj, _resident(request, obj.resident.public_id, for_edit=for_edit)


def _profile_settings(resident):
    return services.measure_settings(active_profile(resident.municipality))


# -- the dossier tab --------------------------------------------------------------------------------------------------

@login_required
def resident(request, public_id):
    resident = _resident(request, public_id)
    audit.record(request, AuditEntry.Action.VIEW, resident=resident, detail={"part": "obligations"})
    context = dossier_context(request, resident, "obligations")
    today = timezone.localdate()
    exemptions = list(Exemption.objects.filter(resident=resident).select_related("granted_by"))
    context.update({
        "today": today,
        "obligations": services.obligations_for(resident, today, profile=context["profile"], exemptions=exemptions),
        "reciprocity_label": rules.reciprocity_label(today),
        "exemptions": exemptions,
        "measures": list(Measure.objects.filter(resident=resident).select_related("proposed_by", "decided_by", "letter")
                         .prefetch_related("hearings")),
        "proposal_tasks": list(Task.objects.filter(resident=resident, kind=Task.Kind.MEASURE_PROPOSAL,
                                                   status=Task.Status.OPEN)),
        "signals": list(IncomeSignal.objects.filter(resident=resident).select_related("recorded_by")),
        "objections": list(Objection.objects.filter(resident=resident).select_related("measure")),
    })
    return render(request, "obligations/resident.html", context)


# -- exemptions -------------------------------------------------------------------------------------------------------

def _redirect_from_task(request, task_pk, kind, url_name):
    """From a task of `kind` to the resident's form `url_name`, which takes the task as ?taak= (_task_in_request)."""
    task = get_object_or_404(Task.objects.select_related("resident"), pk=task_pk, kind=kind)
    resident = _resident(request, task.resident.public_id, for_edit=True)
    return redirect(reverse(url_name, args=[resident.public_id]) + f"?taak={task.pk}")


def _task_in_request(request, resident, kind, **filters):
    """The resident's task of `kind` named by the form's or the link's 'taak' parameter, or None."""
    task_id = parse_id(request.POST.get("taak") or request.GET.get("taak"), name="taak")
    if task_id is None:
        return None
    return Task.objects.filter(pk=task_id, resident=resident, kind=kind, **filters).first()


@login_required
def exemption_from_task(request, task_pk):
    """From a 'can't' conversation's 'ontheffing beoordelen' task to the exemption form (DESIGN §4.5)."""
    return _redirect_from_task(request, task_pk, Task.Kind.EXEMPTION_CHECK, "obligations:exemption_new")


@login_required
@require_http_methods(["GET", "POST"])
def exemption_new(request, public_id):
    resident = _resident(request, public_id, for_edit=True)
    task = _task_in_request(request, resident, Task.Kind.EXEMPTION_CHECK, status=Task.Status.OPEN)
    form = forms.ExemptionForm(request.POST if request.method == "POST" else None,
                               initial={"starts_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                exemption = services.grant_exemption(resident, actor=request.user, **form.cleaned_data)
                if task is not None:
                    complete_task(task, actor=request.user, note=_("Ontheffing verleend: %(kind)s") % {
                        "kind": exemption.get_kind_display()})
        except ValidationError as exc:
            _add_error(form, exc)
        else:
            audit.record(request, AuditEntry.Action.CREATE, resident=resident, obj=exemption)
            messages.success(request, _("De ontheffing is vastgelegd. De werklijst herinnert u voordat die afloopt."))
            return redirect("obligations:resident", public_id=resident.public_id)
    elif request.method == "GET":
        audit.record(request, AuditEntry.Action.VIEW, resident=resident, detail={"part": "exemption form"})
    context = dossier_context(request, resident, "obligations")
    context.update({"form": form, "title": _("Ontheffing vastleggen"), "submit": _("Ontheffing vastleggen"),
                    "task": task})
    return render(request, "obligations/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def exemption_detail(request, pk):
    exemption, resident = _owned(request, Exemption, pk, for_edit=request.method == "POST")
    action = request.POST.get("action", "")
    data = request.POST if request.method == "POST" else None
    initial = {"version": exemption.version}
    review = forms.ExemptionReviewForm(data if action == "review" else None, initial=initial, prefix="review")
    end = forms.ExemptionEndForm(data if action == "end" else None, prefix="end",
                                 initial=initial | {"ended_on": timezone.localdate()})
    bound = {"review": review, "end": end}.get(action)
    if request.method == "POST":
        if bound is None:
            raise PermissionDenied
        if bound.is_valid():
            fields = dict(bound.cleaned_data)
            version = fields.pop("version")
            try:
                if action == "review":
                    services.review_exemption(exemption, actor=request.user, expected_version=version, **fields)
                else:
                    services.end_exemption(exemption, actor=request.user, expected_version=version, **fields)
            except ValidationError as exc:
                _record_conflict(request, resident, exemption, exc)
                _add_error(bound, exc)
            else:
                audit.record(request, AuditEntry.Action.UPDATE, resident=resident, obj=exemption,
                             detail={"action": action})
                messages.success(request, _("De ontheffing is bijgewerkt."))
                return redirect("obligations:resident", public_id=resident.public_id)
    else:
        audit.record(request, AuditEntry.Action.VIEW, resident=resident, obj=exemption)
    context = dossier_context(request, resident, "obligations")
    context.update({"exemption": exemption, "review_form": review, "end_form": end, "failed_form": bound})
    return render(request, "obligations/exemption.html", context)


# -- measures ---------------------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def measure_new(request, public_id):
    resident = _resident(request, public_id, for_edit=True)
    settings = _profile_settings(resident)
    categories = rules.regime_categories("ordinance", settings)
    task = _task_in_request(request, resident, Task.Kind.MEASURE_PROPOSAL)
    initial = {"occurred_on": timezone.localdate(), "regime": Measure.Regime.ORDINANCE,
               "category": settings.get("ladder_category", "") if task else ""}
    if task is not None:
        initial["breached_obligation"] = "appointments"
        initial["facts"] = task.title + (f". {task.rule}" if task.rule else "")
    form = forms.MeasureProposalForm(request.POST if request.method == "POST" else None, initial=initial,
                                     categories=categories)
    if request.method == "POST" and form.is_valid():
        try:
            measure = services.propose_measure(resident, actor=request.user, source_task=task, **form.cleaned_data)
        except ValidationError as exc:
            _add_error(form, exc)
        else:
            audit.record(request, AuditEntry.Action.CREATE, resident=resident, obj=measure)
            messages.success(request, _("Het voorstel is vastgelegd. Hoor nu de inwoner; daarna besluit een "
                                        "teamleider."))
            return redirect("obligations:measure", pk=measure.pk)
    elif request.method == "GET":
        audit.record(request, AuditEntry.Action.VIEW, resident=resident, detail={"part": "measure proposal form"})
    context = dossier_context(request, resident, "obligations")
    context.update({"form": form, "task": task, "title": _("Maatregel voorstellen"),
                    "submit": _("Voorstel vastleggen"),
                    "intro": _("Een tweede persoon (de teamleider) besluit. Eerst wordt de inwoner gehoord. Bij "
                               "'niet verwijtbaar' volgt geen maatregel.")})
    return render(request, "obligations/form.html", context)


@login_required
def measure_from_task(request, task_pk):
    """From the no-show ladder's 'voorstel maatregel' task (on the worklist and the guidance tab) to the proposal."""
    return _redirect_from_task(request, task_pk, Task.Kind.MEASURE_PROPOSAL, "obligations:measure_new")


@login_required
@require_http_methods(["GET", "POST"])
def measure_detail(request, pk):
    measure, resident = _owned(request, Measure, pk, for_edit=request.method == "POST",
                               related=("proposed_by", "decided_by", "reconsidered_by", "letter", "policy_profile"))
    settings = _profile_settings(resident)
    categories = rules.regime_categories(measure.regime, settings) if measure.regime == "ordinance" else []
    action = request.POST.get("action", "")
    data = request.POST if request.method == "POST" else None
    initial = {"version": measure.version}
    today = timezone.localdate()
    built = {
        "schedule": forms.HearingScheduleForm(data if action == "schedule" else None, prefix="schedule",
                                              initial=initial | {"respond_by": today + dt.timedelta(days=14)}),
        "hearing": forms.HearingForm(data if action == "hearing" else None, prefix="hearing",
                                     initial=initial | {"held_on": today}),
        "decide": forms.DecisionForm(data if action == "decide" else None, prefix="decide", categories=categories,
                                     initial=initial | {"blame": measure.blame}),
        "reconsider": forms.ReconsiderForm(data if action == "reconsider" else None, prefix="reconsider",
                                           initial=initial),
        "withdraw": forms.WithdrawForm(data if action == "withdraw" else None, prefix="withdraw", initial=initial),
    }
    if request.method == "POST":
        form = built.get(action)
        if form is None:
            raise PermissionDenied
        if action in ("decide", "reconsider") and request.user.role != Role.TEAM_LEAD:
            audit.record(request, AuditEntry.Action.DENIED, resident=resident, obj=measure, detail={"action": action})
            raise PermissionDenied(_("Alleen een teamleider besluit over een maatregel."))
        if form.is_valid():
            fields = dict(form.cleaned_data)
            version = fields.pop("version")
            try:
                _perform(action, measure, request.user, version, fields)
            except ValidationError as exc:
                _record_conflict(request, resident, measure, exc)
                _add_error(form, exc)
            else:
                audit.record(request, AuditEntry.Action.UPDATE, resident=resident, obj=measure,
                             detail={"action": action})
                messages.success(request, MEASURE_MESSAGES[action]())
                return redirect("obligations:measure", pk=measure.pk)
    else:
        audit.record(request, AuditEntry.Action.VIEW, resident=resident, obj=measure)
    measure.refresh_from_db()
    context = dossier_context(request, resident, "obligations")
    context.update({
        "measure": measure, "hearings": list(measure.hearings.select_related("recorded_by")),
        "objections": list(measure.objections.all()), "forms": built, "action": action,
        "may_decide": request.user.role == Role.TEAM_LEAD and request.user.pk != measure.proposed_by_id,
        "is_proposer": request.user.pk == measure.proposed_by_id, "categories": categories,
        "failed_form": built.get(action) if request.method == "POST" else None,
    })
    return render(request, "obligations/measure.html", context)


MEASURE_MESSAGES = {
    "schedule": lambda: _("De inwoner wordt gehoord. Er staat een taak op de werklijst voor die datum."),
    "hearing": lambda: _("Het horen is vastgelegd. Een teamleider kan nu besluiten."),
    "decide": lambda: _("Het besluit is genomen. De beschikking staat bij de brieven."),
    "reconsider": lambda: _("De heroverweging is vastgelegd."),
    "withdraw": lambda: _("De maatregel is ingetrokken."),
}


def _perform(action, measure, actor, version, fields):
    if action == "schedule":
        return services.schedule_hearing(measure, actor=actor, expected_version=version, **fields)
    if action == "hearing":
        return services.record_hearing(measure, actor=actor, expected_version=version, **fields)
    if action == "decide":
        return services.decide(measure, actor=actor, expected_version=version, **fields)
    if action == "reconsider":
        return services.reconsider(measure, actor=actor, expected_version=version, **fields)
    return services.withdraw(measure, actor=actor, expected_version=version, **fields)


# -- objections and complaints ----------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def objection_new(request, public_id):
    resident = _resident(request, public_id, for_edit=True)
    measures = Measure.objects.filter(resident=resident, decided_on__isnull=False)
    initial = {"received_on": timezone.localdate(), "kind": Objection.Kind.OBJECTION}
    measure_id = parse_id(request.GET.get("maatregel"), name="maatregel")
    if measure_id is not None:
        initial.update({"measure": measure_id, "decision_kind": Objection.DecisionKind.MEASURE})
    form = forms.ObjectionForm(request.POST if request.method == "POST" else None, initial=initial,
                               measures=measures)
    if request.method == "POST" and form.is_valid():
        try:
            objection = services.record_objection(resident, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_error(form, exc)
        else:
            audit.record(request, AuditEntry.Action.CREATE, resident=resident, obj=objection)
            messages.success(request, _("Vastgelegd. Afhandelen uiterlijk %(date)s; er staat een taak op de werklijst.")
                             % {"date": objection.respond_by.strftime("%d-%m-%Y")})
            return redirect("obligations:resident", public_id=resident.public_id)
    elif request.method == "GET":
        audit.record(request, AuditEntry.Action.VIEW, resident=resident, detail={"part": "objection form"})
    context = dossier_context(request, resident, "obligations")
    context.update({"form": form, "title": _("Bezwaar of klacht vastleggen"), "submit": _("Vastleggen"),
                    "intro": _("Bezwaar: binnen 6 weken na het besluit (Awb 6:7); wij beslissen binnen 6 weken, of 12 "
                               "met een adviescommissie. Klacht: afhandelen binnen 6 weken (Awb 9:11).")})
    return render(request, "obligations/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def objection_detail(request, pk):
    objection, resident = _owned(request, Objection, pk, for_edit=request.method == "POST", related=("measure",))
    form = forms.ObjectionHandleForm(request.POST if request.method == "POST" else None,
                                     initial={"handled_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.handle_objection(objection, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_error(form, exc)
        else:
            audit.record(request, AuditEntry.Action.UPDATE, resident=resident, obj=objection,
                         detail={"action": "handle"})
            messages.success(request, _("Afgehandeld."))
            return redirect("obligations:resident", public_id=resident.public_id)
    elif request.method == "GET":
        audit.record(request, AuditEntry.Action.VIEW, resident=resident, obj=objection)
    context = dossier_context(request, resident, "obligations")
    context.update({"objection": objection, "form": form})
    return render(request, "obligations/objection.html", context)


# -- signals of unreported income -------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def signal_new(request, public_id):
    resident = _resident(request, public_id, for_edit=True)
    form = forms.IncomeSignalForm(request.POST if request.method == "POST" else None,
                                  initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            signal = services.record_income_signal(resident, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_error(form, exc)
        else:
            audit.record(request, AuditEntry.Action.CREATE, resident=resident, obj=signal)
            messages.success(request, _("Het signaal is vastgelegd. Vraag de inwoner eerst om het zelf door te "
                                        "geven."))
            return redirect("obligations:signal", pk=signal.pk)
    elif request.method == "GET":
        audit.record(request, AuditEntry.Action.VIEW, resident=resident, detail={"part": "income signal form"})
    context = dossier_context(request, resident, "obligations")
    context.update({"form": form, "title": _("Signaal niet gemelde inkomsten"), "submit": _("Vastleggen"),
                    "intro": _("De inwoner krijgt eerst de kans het zelf door te geven. Pas daarna gaat het signaal "
                               "naar handhaving; dat doet de klantmanager niet zelf.")})
    return render(request, "obligations/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def signal_detail(request, pk):
    signal, resident = _owned(request, IncomeSignal, pk, for_edit=request.method == "POST",
                              related=("recorded_by", "letter"))
    action = request.POST.get("action", "")
    data = request.POST if request.method == "POST" else None
    initial = {"version": signal.version}
    built = {name: forms.SignalNoteForm(data if action == name else None, prefix=name, initial=initial)
             for name in ("corrected", "dismiss")}
    built.update({name: forms.VersionedForm(data if action == name else None, prefix=name, initial=initial)
                  for name in ("request", "handover")})
    if request.method == "POST":
        form = built.get(action)
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            fields = dict(form.cleaned_data)
            version = fields.pop("version")
            perform = {"request": services.request_correction, "corrected": services.mark_corrected,
                       "dismiss": services.dismiss_signal, "handover": services.hand_over}[action]
            try:
                perform(signal, actor=request.user, expected_version=version, **fields)
            except ValidationError as exc:
                _record_conflict(request, resident, signal, exc)
                _add_error(form, exc)
            else:
                audit.record(request, AuditEntry.Action.UPDATE, resident=resident, obj=signal,
                             detail={"action": action})
                messages.success(request, _("Het signaal is bijgewerkt."))
                return redirect("obligations:signal", pk=signal.pk)
    else:
        audit.record(request, AuditEntry.Action.VIEW, resident=resident, obj=signal)
    signal.refresh_from_db()
    context = dossier_context(request, resident, "obligations")
    context.update({"signal": signal, "forms": built, "today": timezone.localdate(),
                    "failed_form": built.get(action) if request.method == "POST" else None,
                    "handover_problems": rules.handover_problems(status=signal.status, correct_by=signal.correct_by,
                                                                 today=timezone.localdate())})
    return render(request, "obligations/signal.html", context)


# -- enforcement (a separate role) ------------------------------------------------------------------------------------

def _require_enforcement(request):
    if request.user.role != Role.ENFORCEMENT or request.user.municipality_id is None:
        audit.record(request, AuditEntry.Action.DENIED, detail={"part": "enforcement"})
        raise PermissionDenied(_("Alleen voor handhaving."))


def _enforcement_signals(user):
    return IncomeSignal.objects.filter(resident__municipality_id=user.municipality_id,
                                       handed_over_on__isnull=False).select_related("resident", "handed_over_by")


@login_required
def enforcement(request):
    _require_enforcement(request)
    signals = list(_enforcement_signals(request.user).order_by("status", "handed_over_on"))
    audit.record(request, AuditEntry.Action.VIEW, detail={"part": "enforcement list", "signals": len(signals)})
    return render(request, "obligations/enforcement.html", {"signals": signals})


@login_required
@require_http_methods(["GET", "POST"])
def enforcement_detail(request, pk):
    _require_enforcement(request)
    signal = get_object_or_404(_enforcement_signals(request.user), pk=pk)
    form = forms.EnforcementForm(request.POST if request.method == "POST" else None,
                                 initial={"version": signal.version})
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        version = fields.pop("version")
        try:
            services.record_enforcement_outcome(signal, actor=request.user, expected_version=version, **fields)
        except ValidationError as exc:
            _record_conflict(request, signal.resident, signal, exc)
            _add_error(form, exc)
        else:
            audit.record(request, AuditEntry.Action.UPDATE, resident=signal.resident, obj=signal,
                         detail={"action": "enforcement outcome"})
            messages.success(request, _("De uitkomst is vastgelegd."))
            return redirect("obligations:enforcement")
    elif request.method == "GET":
        audit.record(request, AuditEntry.Action.VIEW, resident=signal.resident, obj=signal)
    return render(request, "obligations/enforcement_detail.html", {"signal": signal, "form": form})


# -- team lead overview -----------------------------------------------------------------------------------------------

@login_required
def team(request):
    """Proposals awaiting a decision in the team, and no show-acties against measures (DESIGN §4.10: measure what
    matters; never a ranking of caseworkers)."""
    if request.user.role != Role.TEAM_LEAD or request.user.team_id is None:
        raise PermissionDenied
    residents = visible_residents(request.user)
    awaiting = list(Measure.objects.awaiting_decision().filter(resident__in=residents)
                    .select_related("resident", "proposed_by").prefetch_related("hearings")
                    .order_by("proposed_on", "id"))
    today = timezone.localdate()
    since = rules.add_months(today, -12)  # on 29 February: 28 February a year earlier (no such day)
    context = {
        "awaiting": awaiting,
        "team_stats": services.statistics(request.user.municipality, since=since, team=request.user.team),
        "municipality_stats": services.statistics(request.user.municipality, since=since),
        "since": since,
        "reconsider_due": list(Measure.objects.filter(resident__in=residents, status=Measure.Status.DECIDED,
                                                      reconsider_by__lte=today + dt.timedelta(days=14))
                               .select_related("resident").order_by("reconsider_by")),
    }
    audit.record(request, AuditEntry.Action.VIEW, detail={"part": "measures overview", "awaiting": len(awaiting)})
    return render(request, "obligations/team.html", context)
