"""Screens for experiments.

- Analysts (beleidsmedewerker / onderzoeker) and administrators define, start and close experiments of their
  municipality; team leads read along. These screens show counts and estimates only, never names.
- Caseworkers and team leads record consent and fill in a questionnaire for a resident whose dossier they may see
  (`inwoner/<public_id>/`).
- Residents fill in their own questionnaire (`mijn/`), for the portal to link to.

Every read and change of personal data goes into the audit trail.
"""
import functools
import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from meedoen.accounts.models import Role
from meedoen.audit import services as audit
from meedoen.audit.models import AuditEntry
from meedoen.formtools import add_validation_error
from meedoen.residents.access import get_resident_or_deny

from . import forms, rules, services
from .models import Assignment, Consent, Experiment, QuestionnaireResponse, Wave

RESEARCH_ROLES = (Role.ANALYST, Role.ADMINISTRATOR)
READ_ROLES = (*RESEARCH_ROLES, Role.TEAM_LEAD)
STAFF_ROLES = (Role.CASEWORKER, Role.TEAM_LEAD)


METHOD_LABELS = {"difference": gettext_lazy("Verschil in gemiddelden (Welch)"),
                 "regression": gettext_lazy("Regressie, gecorrigeerd voor nulmeting en strata (HC2)")}


def _n(value, digits=2):
    """A number for the results table; '–' where there is too little data."""
    return "–" if value is None or math.isnan(value) else number_format(value, digits)


def _can_manage(user):
    return user.role in RESEARCH_ROLES or user.is_superuser


def _research(view=None, *, write=False):
    """Analysts and administrators (write), team leads (read only); others get 403, audited."""
    if view is None:
        return functools.partial(_research, write=write)

    @functools.wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        allowed = _can_manage(request.user) if write else (request.user.role in READ_ROLES or _can_manage(request.user))
        if not allowed:
            audit.record(request, AuditEntry.Action.DENIED, detail={"part": "experiments"})
            raise PermissionDenied(_("Geen toegang tot experimenten."))
        return view(request, *args, **kwargs)

    return wrapped


def _experiments(request):
    return Experiment.objects.filter(municipality_id=request.user.municipality_id)


def _experiment(request, pk):
    return get_object_or_404(_experiments(request).select_related("municipality"), pk=pk)


# -- analysts ---------------------------------------------------------------------------------------------------------


@_research
def experiment_list(request):
    experiments = list(_experiments(request).prefetch_related("arms"))
    counts = dict(Assignment.objects.filter(experiment__in=experiments).values_list("experiment_id")
                  .annotate(n=Count("pk")).order_by())
    for experiment in experiments:
        experiment.assigned = counts.get(experiment.pk, 0)
    return render(request, "experiments/list.html", {"experiments": experiments,
                                                       "can_manage": _can_manage(request.user)})


@_research(write=True)
def experiment_new(request):
    form = forms.ExperimentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            experiment = services.create_experiment(
                request.user.municipality, actor=request.user, name=data["name"], hypothesis=data["hypothesis"],
                analysis_plan=data["analysis_plan"], strata=data["strata"], eligibility=data["eligibility"],
                consent_required=data["consent_required"], seed=data["seed"], waves=form.waves())
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            audit.record(request, AuditEntry.Action.CREATE, obj=experiment)
            messages.success(request, _("Het experiment is aangemaakt. Voeg nu de condities toe."))
            return redirect("experiments:detail", experiment.pk)
    return render(request, "experiments/form.html", {
        "form": form, "title": _("Nieuw experiment"), "submit": _("Experiment aanmaken"), "back": None})


@_research
def experiment_detail(request, pk):
    experiment = _experiment(request, pk)
    arms = list(experiment.arms.all())
    wave_code = request.GET.get("meting") or None
    if wave_code and wave_code not in services.WAVE_CODES:
        raise Http404
    result = services.results(experiment, wave_code)
    audit.record(request, AuditEntry.Action.VIEW, obj=experiment, detail={"part": "results", "wave": result["wave"]})
    labels = services.OUTCOME_LABELS
    arm_names = {arm.code: arm.name for arm in arms}
    effects = [{"effect": e, "outcome": labels[e.outcome], "arm": arm_names.get(e.arm, e.arm),
                "method": METHOD_LABELS[e.method], "mean_arm": _n(e.mean_arm), "mean_control": _n(e.mean_control),
                "estimate": _n(e.estimate), "ci_low": _n(e.ci_low), "ci_high": _n(e.ci_high),
                "p_value": _n(e.p_value, 3), "significant": e.ci_low > 0 or e.ci_high < 0}
               for e in result["effects"]]
    return render(request, "experiments/detail.html", {
        "experiment": experiment,
        "arms": [(arm, rules.parse_parameters(arm.parameters)) for arm in arms],
        "balance": services.balance(experiment),
        "consents": [(Consent.Status(k).label, n) for k, n in services.consent_counts(experiment).items()],
        "rates": services.response_rates(experiment), "result": result, "effects": effects,
        "arm_problems": services.check_arms(arms) if experiment.status == Experiment.Status.DRAFT else [],
        "can_manage": _can_manage(request.user), "wave_codes": services.WAVE_CODES,
        "eligibility": experiment.eligibility,
    })


@_research(write=True)
def arm_new(request, pk):
    experiment = _experiment(request, pk)
    if experiment.status != Experiment.Status.DRAFT:
        messages.error(request, _("Condities kunnen alleen worden aangepast zolang het experiment een concept is."))
        return redirect("experiments:detail", experiment.pk)
    form = forms.ArmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            arm = services.add_arm(experiment, code=data["code"], name=data["name"], weight=data["weight"],
                                   parameters=data["parameters"], is_control=data["is_control"],
                                   description=data["description"])
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            audit.record(request, AuditEntry.Action.CREATE, obj=arm)
            messages.success(request, _("De conditie is toegevoegd."))
            return redirect("experiments:detail", experiment.pk)
    return render(request, "experiments/form.html", {
        "form": form, "title": _("Conditie toevoegen aan %(e)s") % {"e": experiment.name},
        "submit": _("Conditie toevoegen"), "back": experiment})


@_research(write=True)
@require_POST
def randomise(request, pk):
    experiment = _experiment(request, pk)
    try:
        count = services.randomise(experiment, actor=request.user, request=request)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(n)s inwoners geloot (seed %(s)s). Wie al geloot was, houdt zijn conditie.")
                         % {"n": count, "s": experiment.seed})
    return redirect("experiments:detail", experiment.pk)


@_research(write=True)
@require_POST
def close(request, pk):
    experiment = _experiment(request, pk)
    try:
        services.close(experiment, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        audit.record(request, AuditEntry.Action.UPDATE, obj=experiment, detail={"status": "closed"})
        messages.success(request, _("Het experiment is afgesloten. Iedereen volgt weer het beleidsprofiel."))
    return redirect("experiments:detail", experiment.pk)


@_research
def preregistration(request, pk):
    experiment = _experiment(request, pk)
    document = services.preregistration_markdown(experiment)
    audit.record(request, AuditEntry.Action.EXPORT, obj=experiment, detail={"part": "preregistration"})
    response = HttpResponse(document, content_type="text/markdown; charset=utf-8")
    filename = f"preregistratie-{slugify(experiment.name) or experiment.pk}.md"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# -- staff: consent and questionnaire for one resident ----------------------------------------------------------------


def _staff_resident(request, public_id, *, for_edit=False):
    if request.user.role not in STAFF_ROLES:
        audit.record(request, AuditEntry.Action.DENIED, detail={"part": "experiments"})
        raise PermissionDenied(_("Geen toegang tot dit deel van het dossier."))
    return get_resident_or_deny(request, public_id, for_edit=for_edit,
                                select_related=("neighbourhood", "current_caseworker", "municipality"))


def _resident_context(request, resident):
    from meedoen.residents.tabs import dossier_context

    context = dossier_context(request, resident, "experiments")
    experiments = list(Experiment.objects.filter(municipality_id=resident.municipality_id)
                       .exclude(status=Experiment.Status.CLOSED).prefetch_related("waves"))
    consents = {c.experiment_id: c for c in Consent.objects.filter(resident=resident, experiment__in=experiments)}
    assignments = {a.experiment_id: a for a in Assignment.objects.filter(resident=resident, experiment__in=experiments)
                   .select_related("arm")}
    answered = set(QuestionnaireResponse.objects.filter(resident=resident, wave__experiment__in=experiments)
                   .values_list("wave_id", flat=True))
    context["items"] = [{
        "experiment": e, "consent": consents.get(e.pk), "assignment": assignments.get(e.pk),
        "parameters": rules.parse_parameters(assignments[e.pk].arm.parameters) if e.pk in assignments else None,
        "waves": [(w, w.pk in answered) for w in e.waves.all()],
        "consent_form": forms.ConsentForm(prefix=f"c{e.pk}", initial={"on": timezone.localdate(),
                                                                        "status": getattr(consents.get(e.pk),
                                                                                          "status", None)}),
    } for e in experiments]
    return context


@login_required
def resident(request, public_id):
    resident = _staff_resident(request, public_id)
    audit.record(request, AuditEntry.Action.VIEW, resident=resident, detail={"part": "experiments"})
    return render(request, "experiments/resident.html", _resident_context(request, resident))


@login_required
@require_POST
def consent(request, public_id, pk):
    resident = _staff_resident(request, public_id, for_edit=True)
    experiment = get_object_or_404(Experiment, pk=pk, municipality_id=resident.municipality_id)
    form = forms.ConsentForm(request.POST, prefix=f"c{experiment.pk}")
    if form.is_valid():
        try:
            services.record_consent(experiment, resident, status=form.cleaned_data["status"],
                                    on=form.cleaned_data["on"], actor=request.user, request=request)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("De toestemming is vastgelegd."))
    else:
        messages.error(request, _("Kies of de inwoner toestemming geeft, en vul de datum in."))
    return redirect("experiments:resident", resident.public_id)


def _questionnaire(request, resident, wave, *, filled_by, template, extra):
    existing = QuestionnaireResponse.objects.filter(wave=wave, resident=resident).first()
    initial = {code: getattr(existing, code) for code in rules.OUTCOMES} if existing else None
    form = forms.QuestionnaireForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_response(wave, resident, form.cleaned_data, filled_by=filled_by, actor=request.user,
                                     request=request)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            return None
    elif request.method == "GET":
        audit.record(request, AuditEntry.Action.VIEW, resident=resident, obj=existing,
                     detail={"part": "questionnaire", "wave": wave.code})
    return render(request, template, {"form": form, "wave": wave, "existing": existing, **extra})


@login_required
def staff_questionnaire(request, public_id, wave_pk):
    resident = _staff_resident(request, public_id, for_edit=True)
    wave = get_object_or_404(Wave.objects.select_related("experiment"), pk=wave_pk,
                             experiment__municipality_id=resident.municipality_id)
    from meedoen.residents.tabs import dossier_context

    response = _questionnaire(request, resident, wave, filled_by=QuestionnaireResponse.FilledBy.STAFF,
                              template="experiments/staff_questionnaire.html",
                              extra=dossier_context(request, resident, "experiments"))
    if response is None:
        messages.success(request, _("De antwoorden zijn opgeslagen."))
        return redirect("experiments:resident", resident.public_id)
    return response


# -- the resident's own questionnaire ---------------------------------------------------------------------------------


def _own_resident(request):
    if request.user.role != Role.RESIDENT or request.user.resident_id is None:
        audit.record(request, AuditEntry.Action.DENIED, detail={"part": "experiments:mine"})
        raise PermissionDenied(_("Deze pagina is voor inwoners."))
    return request.user.resident


def _framing_for(resident):
    from .overrides import overrides_for

    arm = overrides_for([resident.pk]).get(resident.pk)
    return arm.parameters.framing if arm else None


@login_required
def mine(request):
    resident = _own_resident(request)
    audit.record(request, AuditEntry.Action.VIEW, resident=resident, detail={"part": "experiments:mine"})
    return render(request, "experiments/mine.html", {"waves": services.open_waves_for(resident),
                                                     "framing": _framing_for(resident)})


@login_required
def mine_questionnaire(request, wave_pk):
    resident = _own_resident(request)
    wave = get_object_or_404(Wave.objects.select_related("experiment"), pk=wave_pk,
                             experiment__assignments__resident_id=resident.pk)
    response = _questionnaire(request, resident, wave, filled_by=QuestionnaireResponse.FilledBy.RESIDENT,
                              template="experiments/mine_questionnaire.html", extra={})
    if response is None:
        messages.success(request, _("Dank u wel! Uw antwoorden zijn opgeslagen."))
        return redirect("experiments:mine")
    return response
