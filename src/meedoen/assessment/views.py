from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from meedoen.audit import services as audit
from meedoen.audit.models import AuditEntry
from meedoen.policy.services import active_profile
from meedoen.residents.access import get_resident_or_deny

from . import register, services
from .forms import AssessmentForm, LadderForm, ZRMForm
from .instruments import LADDER_STEPS, ZRM_DOMAINS, ZRM_SCALE


def _assessment_form(request, resident, profile, data=None):
    inputs = services.inputs_from_resident(resident)
    return AssessmentForm(
        data, initial=AssessmentForm.initial_from(inputs), segments=[(g.code, g.label) for g in profile.groups],
        age=inputs.age, benefit_years=inputs.benefit_years,
    )


@login_required
@require_http_methods(["GET", "POST"])
def new_assessment(request, public_id):
    resident = get_resident_or_deny(request, public_id, for_edit=True)
    profile = active_profile(resident.municipality)
    form = _assessment_form(request, resident, profile, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.record_assessment(
                resident, form.inputs(), actor=request.user, profile=profile,
                override_segment=form.cleaned_data["override_segment"],
                override_reason=form.cleaned_data["override_reason"], notes=form.cleaned_data["notes"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            audit.record(request, AuditEntry.Action.CREATE, resident=resident, obj=assessment)
            messages.success(
                request,
                _("Inschatting opgeslagen. Segment: %(segment)s.") % {"segment": profile.segment_label(assessment.segment)},
            )
            return redirect("residents:dossier", public_id=resident.public_id)
    factor_errors = [f for f in form.errors if f not in ("override_segment", "override_reason", "notes", "__all__")]
    if not form.is_bound:
        preview = services.compute(resident, services.inputs_from_resident(resident), profile)
    elif not factor_errors:
        preview = services.compute(resident, form.inputs(), profile)
    else:
        preview = None
    return render(
        request, "assessment/new.html",
        {"resident": resident, "form": form, "profile": profile, "preview": preview},
    )


@login_required
@require_POST
def preview(request, public_id):
    """HTMX: recompute the score and segment while the caseworker fills in the form. Saves nothing."""
    resident = get_resident_or_deny(request, public_id, for_edit=True)
    profile = active_profile(resident.municipality)
    form = _assessment_form(request, resident, profile, request.POST)
    form.is_valid()
    factor_errors = [f for f in form.errors if f not in ("override_segment", "override_reason", "notes", "__all__")]
    result = None if factor_errors else services.compute(resident, form.inputs(), profile)
    return render(request, "assessment/_preview.html", {"preview": result, "profile": profile})


@login_required
@require_http_methods(["GET", "POST"])
def new_ladder(request, public_id):
    resident = get_resident_or_deny(request, public_id, for_edit=True)
    form = LadderForm(request.POST if request.method == "POST" else None, initial={"measured_on": timezone.localdate(), "step": resident.ladder_step})
    if request.method == "POST" and form.is_valid():
        measurement = services.record_ladder(resident, actor=request.user, **form.cleaned_data)
        audit.record(request, AuditEntry.Action.CREATE, resident=resident, obj=measurement)
        messages.success(request, _("De trede op de participatieladder is opgeslagen."))
        return redirect("residents:dossier", public_id=resident.public_id)
    return render(request, "assessment/ladder.html", {"resident": resident, "form": form, "steps": LADDER_STEPS})


@login_required
@require_http_methods(["GET", "POST"])
def new_zrm(request, public_id):
    resident = get_resident_or_deny(request, public_id, for_edit=True)
    form = ZRMForm(request.POST if request.method == "POST" else None, initial={"measured_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        measurement = services.record_zrm(
            resident, scores=form.scores(), measured_on=form.cleaned_data["measured_on"], actor=request.user,
            note=form.cleaned_data["note"],
        )
        audit.record(request, AuditEntry.Action.CREATE, resident=resident, obj=measurement)
        messages.success(request, _("De Zelfredzaamheid-Matrix is opgeslagen."))
        return redirect("residents:dossier", public_id=resident.public_id)
    return render(
        request, "assessment/zrm.html",
        {"resident": resident, "form": form, "domains": ZRM_DOMAINS, "scale": ZRM_SCALE},
    )


@audit.no_personal_data
@login_required
def algorithm_register(request):
    profile = active_profile(request.user.municipality) if request.user.municipality else None
    return render(request, "assessment/register.html", {"register": register.describe(profile), "profile": profile})
