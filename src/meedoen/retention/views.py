"""'Bewaartermijnen': the schedule in plain Dutch, counts of dossiers due now and soon (no names), dossiers on hold by
dossier number, and placing or lifting a manual hold. Functioneel beheerder of the own municipality only; every
view, change and refusal is audited."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from meedoen.accounts.models import Role
from meedoen.audit import services as audit
from meedoen.audit.models import AuditEntry
from meedoen.residents.models import Resident

from . import labels, rules, services
from . import schedule as schedules
from .forms import HoldForm

SOON_MONTHS = 3
HELD_SHOWN = 200


def _administrator_or_deny(request, part):
    user = request.user
    if user.role != Role.ADMINISTRATOR or not user.municipality_id:
        audit.record(request, AuditEntry.Action.DENIED, detail={"part": part})
        raise PermissionDenied(_("Bewaartermijnen zijn alleen te zien voor de functioneel beheerder."))
    return user.municipality


def _schedule_rows(schedule):
    rows = []
    for key, (label, explanation) in labels.CATEGORIES.items():
        category = schedule.category(key)
        years, months = divmod(category.term_months, 12)
        rows.append({
            "key": key, "label": label, "explanation": explanation, "years": years, "months": months,
            "events": [labels.EVENTS[e] for e in category.counts_from], "verified": category.verified,
            "sources": [schedule.sources[b]["cite"] for b in category.basis],
        })
    return rows


@login_required
@require_GET
def overview(request):
    return _page(request, _administrator_or_deny(request, "retention"))


def _page(request, municipality, form=None, status=200):
    schedule = schedules.current()
    today = timezone.localdate()
    summary = services.overview(municipality, today, schedule, months=SOON_MONTHS)
    held = [{"number": s.dossier_number, "due_on": s.decision.due_on,
             "holds": [labels.HOLDS[h] for h in s.decision.holds], "manual_reason": s.facts.manual_hold_reason}
            for s in summary.held[:HELD_SHOWN]]
    audit.record(request, AuditEntry.Action.VIEW, screen="retention:overview",
                 detail={"due_now": summary.due_now, "due_soon": summary.due_soon, "held": len(summary.held)})
    return render(request, "retention/overview.html", {
        "schedule": schedule, "rows": _schedule_rows(schedule), "summary": summary, "held": held,
        "held_more": max(0, len(summary.held) - HELD_SHOWN), "soon_months": SOON_MONTHS,
        "soon_until": rules.add_months(today, SOON_MONTHS), "form": form or HoldForm(),
        "recovery_years": schedule.recovery_hold_months // 12, "deletes_now": services.deletes_now(schedule),
    }, status=status)


@login_required
@require_POST
def hold(request):
    municipality = _administrator_or_deny(request, "retention hold")
    form = HoldForm(request.POST)
    if not form.is_valid():
        return _page(request, municipality, form, status=400)
    number = form.cleaned_data["dossier_number"]
    resident = Resident.objects.filter(pk=number).only("pk", "municipality_id").first()
    if resident is not None and resident.municipality_id != municipality.pk:
        audit.record(request, AuditEntry.Action.DENIED, resident=resident.pk, detail={"part": "retention hold"})
        raise PermissionDenied(_("Dit dossier hoort bij een andere gemeente."))
    if resident is None:
        form.add_error("dossier_number", _("Er is geen dossier met dit nummer."))
        return _page(request, municipality, form, status=400)
    if form.cleaned_data["action"] == HoldForm.PLACE:
        result = services.place_hold(resident, request.user, form.cleaned_data["reason"])
        messages.success(request, _("Dossier %(number)s wordt bewaard en niet verwijderd.") % {"number": number})
    else:
        result = services.lift_hold(resident, request.user, form.cleaned_data["reason"])
        if result is None:
            form.add_error("dossier_number", _("Voor dit dossier is geen bewaarplicht gezet."))
            return _page(request, municipality, form, status=400)
        messages.success(request, _("De bewaarplicht voor dossier %(number)s is opgeheven.") % {"number": number})
    # The reason is free text and stays out of the audit line (it could name someone); the hold row keeps it.
    audit.record(request, AuditEntry.Action.UPDATE, resident=resident.pk, obj=result, screen="retention:hold",
                 detail={"legal_hold": form.cleaned_data["action"]})
    return redirect("retention:overview")

