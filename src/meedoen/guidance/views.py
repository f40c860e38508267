"""Screens of the guidance loop: worklist, team follow-up, the guidance tab of the dossier, conversations, plans,
signing, ending, re-orientation, tasks. Views stay thin: access through residents.access, changes through
services, every read and change of personal data in the audit trail."""
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from meedoen.accounts.models import Role, User
from meedoen.audit import services as audit
from meedoen.audit.models import AuditEntry
from meedoen.formtools import (
    InvalidParameter, add_validation_error, get_page, parse_decimal, parse_int, redirect_to_next,
)
from meedoen.policy.services import active_profile
from meedoen.residents.access import get_resident_or_deny, visible_residents
from meedoen.residents.tabs import dossier_context

from . import handover as handover_module
from . import rules, services, worklist as wl
from .forms import (
    STEP_PREFIX, ConversationForm, EndGuidanceForm, PlanForm, ReorientForm, SignPlanForm, StepFormSet, TaskDoneForm,
    step_initial,
)
from .models import ActionPlan, Conversation, GuidanceEnding, Reorientation, Task
from .panel import resident_guidance

HEADER_RELATED = ("neighbourhood", "current_caseworker", "municipality")
WORKLIST_PER_GROUP = 10
WORKLIST_PAGE_SIZE = 50


def _d(day):
    return date_format(day, "j F Y") if day else "–"


def _letter_message(request, record):
    """Tell whether the confirmation letter was made; a missing letter never undoes the step itself."""
    if getattr(record, "letter", None) is not None:
        messages.info(request, _("De brief staat bij de brieven van de inwoner (kenmerk %(ref)s).") % {
            "ref": record.letter.reference})
    elif getattr(record, "letter_problem", ""):
        messages.warning(request, _("Er is geen brief gemaakt: %(problem)s") % {"problem": record.letter_problem})


# -- worklist and team ------------------------------------------------------------------------------------------------


def _worklist_context(request, caseworker):
    today = timezone.localdate()
    residents = visible_residents(request.user).filter(current_caseworker=caseworker)
    items = rules.classify(wl.build_rows(residents, today), today)
    signal = request.GET.get("signaal", "")
    context = {"caseworker": caseworker, "today": today, "total": len(items), "signal": signal,
               "labels": wl.SIGNAL_LABELS}
    if signal in rules.SIGNAL_CODES:
        members = [i for i in items if i.top.code == signal]
        page = get_page(Paginator(members, WORKLIST_PAGE_SIZE), request)
        labels = {code: str(label) for code, label in wl.SIGNAL_LABELS.items()}
        context.update({"page": page, "rows": [wl.present(i, labels) for i in page], "signal_label": labels[signal]})
    else:
        context["groups"] = wl.groups(items, per_group=WORKLIST_PER_GROUP)
    audit.record(request, AuditEntry.Action.VIEW, obj=caseworker,
                 detail={"part": "worklist", "signal": signal, "residents": len(items)})
    return context


@login_required
def worklist(request):
    if request.user.role == Role.TEAM_LEAD:
        return redirect("guidance:team")
    if request.user.role != Role.CASEWORKER:
        raise PermissionDenied
    return render(request, "guidance/worklist.html", _worklist_context(request, request.user))


@login_required
def caseworker_worklist(request, user_id):
    """A team lead looks at the worklist of a caseworker in the own team."""
    if request.user.role != Role.TEAM_LEAD:
        raise PermissionDenied
    caseworker = get_object_or_404(User, pk=user_id, role=Role.CASEWORKER)
    if request.user.team_id is None or caseworker.team_id != request.user.team_id:
        audit.record(request, AuditEntry.Action.DENIED, obj=caseworker)
        raise PermissionDenied
    return render(request, "guidance/worklist.html", _worklist_context(request, caseworker))


@login_required
def team(request):
    """Follow-up per caseworker in the team: counts per signal. Workload and follow-up, never a ranking (§4.9)."""
    if request.user.role != Role.TEAM_LEAD or request.user.team_id is None:
        raise PermissionDenied
    today = timezone.localdate()
    caseworkers = list(User.objects.filter(team_id=request.user.team_id, role=Role.CASEWORKER, is_active=True)
                       .order_by("last_name", "first_name"))
    rows = wl.build_rows(visible_residents(request.user).filter(current_caseworker__in=caseworkers), today)
    audit.record(request, AuditEntry.Action.VIEW, detail={"part": "team follow-up", "residents": len(rows)})
    return render(request, "guidance/team.html", {
        "team": request.user.team, "rows": wl.team_counts(rows, today, caseworkers),
        "signals": [(code, wl.SIGNAL_LABELS[code]) for code in rules.SIGNAL_CODES],
    })


# -- the guidance tab of the dossier ----------------------------------------------------------------------------------


@login_required
def resident(request, public_id):
    resident = get_resident_or_deny(request, public_id, select_related=HEADER_RELATED)
    audit.record(request, AuditEntry.Action.VIEW, resident=resident, detail={"part": "guidance"})
    context = dossier_context(request, resident, "guidance")
    context["guidance"] = resident_guidance(resident, can_edit=context["can_edit"])
    context["plans"] = list(ActionPlan.objects.filter(resident=resident).prefetch_related("steps")
                            .select_related("created_by", "signature_recorded_by"))
    context["conversations"] = list(Conversation.objects.filter(resident=resident)
                                    .select_related("held_by", "venue", "task", "policy_profile")[:20])
    context["endings"] = list(GuidanceEnding.objects.filter(resident=resident).select_related("ended_by"))
    context["reorientations"] = list(Reorientation.objects.filter(resident=resident).select_related("actor"))
    return render(request, "guidance/resident.html", context)


@login_required
def panel(request, public_id):
    """The guidance summary on its own (HTMX, or to embed in another page)."""
    resident = get_resident_or_deny(request, public_id, select_related=HEADER_RELATED)
    audit.record(request, AuditEntry.Action.VIEW, resident=resident, detail={"part": "guidance summary"})
    can_edit = request.user.role in (Role.CASEWORKER, Role.TEAM_LEAD)
    return render(request, "guidance/_resident_guidance.html",
                  {"guidance": resident_guidance(resident, can_edit=can_edit)})


@login_required
def handover(request, public_id):
    resident = get_resident_or_deny(request, public_id, select_related=HEADER_RELATED)
    audit.record(request, AuditEntry.Action.VIEW, resident=resident, detail={"part": "handover"})
    context = dossier_context(request, resident, "guidance")
    context["handover"] = handover_module.summary(resident)
    return render(request, "guidance/handover.html", context)


# -- conversations ----------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def new_conversation(request, public_id):
    resident = get_resident_or_deny(request, public_id, for_edit=True, select_related=HEADER_RELATED)
    form = ConversationForm(request.POST if request.method == "POST" else None,
                            initial={"held_on": timezone.localdate(), "refusal": "none"},
                            municipality=resident.municipality)
    if request.method == "POST" and form.is_valid():
        try:
            conversation = services.record_conversation(resident, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            audit.record(request, AuditEntry.Action.CREATE, resident=resident, obj=conversation)
            text = _("Het gesprek is opgeslagen. Volgend contact uiterlijk %(date)s.") % {
                "date": _d(resident.next_contact_on)}
            if conversation.task_id:
                text += " " + _("Er is een taak gemaakt: %(task)s.") % {"task": conversation.task.title}
            messages.success(request, text)
            return redirect("guidance:resident", public_id=resident.public_id)
    elif request.method == "GET":
        audit.record(request, AuditEntry.Action.VIEW, resident=resident, detail={"part": "conversation form"})
    context = dossier_context(request, resident, "guidance")
    context["form"] = form
    return render(request, "guidance/conversation_form.html", context)


# -- plans ------------------------------------------------------------------------------------------------------------


def _current_plans(resident):
    plans = list(ActionPlan.objects.current().filter(resident=resident).prefetch_related("steps"))
    signed = next((p for p in plans if p.status == ActionPlan.Status.SIGNED), None)
    draft = next((p for p in plans if p.status == ActionPlan.Status.DRAFT), None)
    return signed, draft


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, public_id):
    """Make a plan, revise the signed plan (a new version), or change the draft that awaits signing."""
    resident = get_resident_or_deny(request, public_id, for_edit=True, select_related=HEADER_RELATED)
    profile = active_profile(resident.municipality)
    signed, draft = _current_plans(resident)
    base = draft or signed
    if request.method == "POST":
        form = PlanForm(request.POST)
        steps = StepFormSet(request.POST, prefix=STEP_PREFIX)
        if form.is_valid() and steps.is_valid():
            try:
                plan = services.save_plan(resident, actor=request.user, draft=draft, steps=steps.steps(),
                                          profile=profile, **form.cleaned_data)
            except ValidationError as exc:
                add_validation_error(form, exc)
            else:
                audit.record(request, AuditEntry.Action.UPDATE if draft else AuditEntry.Action.CREATE,
                             resident=resident, obj=plan)
                messages.success(request, _("Plan van aanpak versie %(v)s is opgeslagen als concept. Laat de inwoner "
                                            "het plan nu ondertekenen.") % {"v": plan.version})
                return redirect("guidance:plan_sign", public_id=resident.public_id, version=plan.version)
    else:
        norm = rules.contact_norm_days(profile.contact_norms, resident.segment, resident.intensity)
        form = PlanForm(initial=PlanForm.initial_from(base, norm_days=norm))
        steps = StepFormSet(prefix=STEP_PREFIX, initial=step_initial(base))
        audit.record(request, AuditEntry.Action.VIEW, resident=resident, detail={"part": "plan form"})
    context = dossier_context(request, resident, "guidance")
    context.update({"form": form, "steps": steps, "signed": signed, "draft": draft,
                    "hours": _hours_check(request.POST if request.method == "POST" else None, base)})
    return render(request, "guidance/plan_form.html", context)


def _hours(data, name):
    """Hours a week as typed in the plan form (0 to 40, as the form's fields); None when empty; InvalidParameter
    when it is no such number (NaN, Infinity, 1e999, text)."""
    return parse_decimal(data.get(name), name=name, min_value=0, max_value=40)


def _hours_check(data, base):
    """The plan's hours against the capacity, for the live total under the form. Input the form would refuse gives
    {"invalid": True}: the form itself says what is wrong when it is saved."""
    if data is None:
        if base is None:
            return None
        return rules.check_plan_hours([s.hours_per_week for s in base.steps.all()], base.capacity_hours_per_week,
                                      base.over_capacity_reason)
    try:
        total = parse_int(data.get(f"{STEP_PREFIX}-TOTAL_FORMS"), name="TOTAL_FORMS", max_value=StepFormSet.max_num,
                          default=0)
        capacity = _hours(data, "capacity_hours_per_week")
        hours = [_hours(data, f"{STEP_PREFIX}-{i}-hours_per_week") or Decimal(0) for i in range(total)
                 if not data.get(f"{STEP_PREFIX}-{i}-DELETE")]
    except InvalidParameter:
        return {"invalid": True}
    if capacity is None:
        return None
    return rules.check_plan_hours(hours, capacity, data.get("over_capacity_reason", ""))


@login_required
@require_POST
def plan_hours(request, public_id):
    """HTMX: the plan's total hours against the stated capacity while the form is filled in. Saves nothing."""
    get_resident_or_deny(request, public_id, for_edit=True)
    return render(request, "guidance/_plan_hours.html", {"hours": _hours_check(request.POST, None)})


def _plan_or_404(resident, version):
    plan = (ActionPlan.objects.filter(resident=resident, version=version).prefetch_related("steps")
            .select_related("created_by", "signature_recorded_by", "policy_profile").first())
    if plan is None:
        raise Http404
    return plan


@login_required
def plan_detail(request, public_id, version):
    resident = get_resident_or_deny(request, public_id, select_related=HEADER_RELATED)
    plan = _plan_or_404(resident, version)
    audit.record(request, AuditEntry.Action.VIEW, resident=resident, obj=plan)
    context = dossier_context(request, resident, "guidance")
    context["plan"] = plan
    context["versions"] = list(ActionPlan.objects.filter(resident=resident).only(
        "version", "status", "signed_on", "created_at", "resident_id"))
    return render(request, "guidance/plan_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_sign(request, public_id, version):
    resident = get_resident_or_deny(request, public_id, for_edit=True, select_related=HEADER_RELATED)
    plan = _plan_or_404(resident, version)
    if plan.status != ActionPlan.Status.DRAFT:
        messages.info(request, _("Deze versie van het plan is al ondertekend of vervangen."))
        return redirect("guidance:plan", public_id=resident.public_id, version=plan.version)
    form = SignPlanForm(request.POST if request.method == "POST" else None,
                        initial={"signed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["method"] == "portal_later":
                services.request_portal_signature(plan, actor=request.user)
                text = _("Het plan staat klaar. De inwoner kan het later in het portaal ondertekenen.")
            else:
                plan = services.sign_plan(plan, method=form.cleaned_data["method"],
                                          signed_on=form.cleaned_data["signed_on"], actor=request.user)
                resident.refresh_from_db(fields=["next_contact_on", "next_contact_rule"])
                text = _("Het plan van aanpak is ondertekend. Volgend contact uiterlijk %(date)s (%(rule)s).") % {
                    "date": _d(resident.next_contact_on), "rule": resident.next_contact_rule}
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            audit.record(request, AuditEntry.Action.UPDATE, resident=resident, obj=plan,
                         detail={"part": "signature", "method": form.cleaned_data["method"]})
            messages.success(request, text)
            _letter_message(request, plan)
            return redirect("guidance:resident", public_id=resident.public_id)
    elif request.method == "GET":
        audit.record(request, AuditEntry.Action.VIEW, resident=resident, obj=plan, detail={"part": "sign form"})
    context = dossier_context(request, resident, "guidance")
    context.update({"plan": plan, "form": form})
    return render(request, "guidance/plan_sign.html", context)


# -- end and re-orientation -------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def end(request, public_id):
    resident = get_resident_or_deny(request, public_id, for_edit=True, select_related=HEADER_RELATED)
    form = EndGuidanceForm(request.POST if request.method == "POST" else None,
                           initial={"ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            ending = services.end_guidance(resident, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            audit.record(request, AuditEntry.Action.UPDATE, resident=resident, obj=ending,
                         detail={"fields": ["guidance_status"]})
            messages.success(request, _("De begeleiding is beëindigd. De terugblik staat in het dossier."))
            _letter_message(request, ending)
            return redirect("guidance:resident", public_id=resident.public_id)
    elif request.method == "GET":
        audit.record(request, AuditEntry.Action.VIEW, resident=resident, detail={"part": "end form"})
    context = dossier_context(request, resident, "guidance")
    context["form"] = form
    return render(request, "guidance/end.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def reorient(request, public_id):
    resident = get_resident_or_deny(request, public_id, for_edit=True, select_related=HEADER_RELATED)
    signed, draft = _current_plans(resident)
    form = ReorientForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            reorientation = services.reorient(resident, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            audit.record(request, AuditEntry.Action.CREATE, resident=resident, obj=reorientation)
            if reorientation.plan_id:
                messages.success(request, _("Heroriëntatie vastgelegd. Het plan is meegenomen in een nieuwe versie; "
                                            "pas het aan en laat het ondertekenen."))
                return redirect("guidance:plan_edit", public_id=resident.public_id)
            messages.success(request, _("Heroriëntatie vastgelegd. Maak nu een plan van aanpak."))
            return redirect("guidance:resident", public_id=resident.public_id)
    elif request.method == "GET":
        audit.record(request, AuditEntry.Action.VIEW, resident=resident, detail={"part": "reorientation form"})
    context = dossier_context(request, resident, "guidance")
    context.update({"form": form, "current": draft or signed})
    return render(request, "guidance/reorient.html", context)


# -- tasks ------------------------------------------------------------------------------------------------------------


@login_required
@require_POST
def task_done(request, pk):
    task = Task.objects.select_related("resident").filter(pk=pk).first()
    if task is None:
        raise Http404
    resident = get_resident_or_deny(request, task.resident.public_id, for_edit=True)
    form = TaskDoneForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    error = ""
    try:
        task = services.complete_task(task, actor=request.user, note=note)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    else:
        audit.record(request, AuditEntry.Action.UPDATE, resident=resident, obj=task, detail={"fields": ["status"]})
    if request.htmx:
        return render(request, "guidance/_task.html", {"task": task, "can_edit": True, "error": error,
                                                       "today": timezone.localdate()})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Taak afgerond: %(title)s.") % {"title": task.title})
    return redirect_to_next(request, reverse("guidance:resident", args=[resident.public_id]))
