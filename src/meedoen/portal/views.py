"""Mijn Meedoen: the resident's own pages. Thin views: access.resident_view hands each view the resident's own
dossier (staff get 403); data comes from queries.py; the one change (signing the plan) goes through the guidance
service. Every page with personal data writes an audit entry, like the staff's dossier views.
"""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from meedoen.audit import services as audit
from meedoen.audit.models import AuditEntry
from meedoen.formtools import InvalidParameter, parse_month
from meedoen.guidance import services as guidance
from meedoen.guidance.models import ActionPlan
from meedoen.letters.models import Letter
from meedoen.outreach import services as outreach_services
from meedoen.outreach.models import Invitation, Outreach

from . import queries
from .access import resident_view

HEADER_RELATED = ("current_caseworker", "municipality")
# The resident questionnaire of the experiments app, when that app provides it (linked from the overview).
QUESTIONNAIRE_URL_NAMES = ("experiments:mine",)


def _view(request, resident, part, **detail):
    audit.record(request, AuditEntry.Action.VIEW, resident=resident, detail={"part": f"portal {part}", **detail})


def _greeting():
    hour = timezone.localtime().hour
    if hour < 12:
        return _("Goedemorgen")
    if hour < 18:
        return _("Goedemiddag")
    return _("Goedenavond")


def _questionnaire_url():
    for name in QUESTIONNAIRE_URL_NAMES:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


@require_GET
@resident_view(*HEADER_RELATED)
def overview(request, resident):
    all_plans = queries.plans(resident)
    signed, draft, _history = queries.plan_parts(all_plans)
    _view(request, resident, "overview")
    return render(request, "portal/overview.html", {
        "resident": resident, "greeting": _greeting(), "contact": queries.contact(resident),
        "next_appointment": queries.next_appointment(resident),
        "invitations": queries.open_invitations(resident),
        "plan": signed, "draft": draft, "draft_ready": queries.can_sign_in_portal(draft),
        "referrals": queries.open_referrals(resident),
        "questionnaire_url": _questionnaire_url(),
    })


# -- plan van aanpak --------------------------------------------------------------------------------------------------


def _plan_context(resident, all_plans, *, error=""):
    signed, draft, history = queries.plan_parts(all_plans)
    ready = queries.can_sign_in_portal(draft)
    return {
        "resident": resident, "plan": signed, "draft": draft, "draft_ready": ready, "history": history,
        "fingerprint": queries.plan_fingerprint(draft) if ready else "", "sign_error": error,
        "contact": queries.contact(resident),
    }


@require_GET
@resident_view(*HEADER_RELATED)
def plan(request, resident):
    _view(request, resident, "plan")
    return render(request, "portal/plan.html", _plan_context(resident, queries.plans(resident)))


@require_POST
@resident_view(*HEADER_RELATED)
def plan_sign(request, resident, version):
    """The resident signs the draft the caseworker put ready (guidance.services.sign_plan, method 'portal').

    Only the resident's own draft can be found (the queryset starts from their dossier); the text must be the one
    they read (a fingerprint of the draft), and they must tick that they agree."""
    draft = (ActionPlan.objects.filter(resident=resident, version=version, status=ActionPlan.Status.DRAFT)
             .prefetch_related("steps").first())
    if draft is None or not queries.can_sign_in_portal(draft):
        audit.record(request, AuditEntry.Action.DENIED, resident=resident,
                     detail={"part": "portal plan signature", "version": version})
        raise Http404
    error, status = "", 400
    if request.POST.get("fingerprint") != queries.plan_fingerprint(draft):
        status = 409
        error = _("Het plan is veranderd sinds u het opende. Lees het plan hieronder opnieuw en teken dan.")
        audit.record(request, AuditEntry.Action.CONFLICT, resident=resident, obj=draft,
                     detail={"part": "portal plan signature"})
    elif request.POST.get("agree") != "yes":
        error = _("Zet een vinkje als u het eens bent met het plan. Pas dan kunt u tekenen.")
    else:
        try:
            signed = guidance.sign_plan(draft, method=ActionPlan.SignatureMethod.PORTAL, actor=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            audit.record(request, AuditEntry.Action.UPDATE, resident=resident, obj=signed,
                         detail={"part": "signature", "method": ActionPlan.SignatureMethod.PORTAL})
            messages.success(request, _("Bedankt. U heeft het plan van aanpak ondertekend. U krijgt er ook een "
                                        "brief over."))
            return redirect("portal:plan")
    _view(request, resident, "plan", form="invalid")
    return render(request, "portal/plan.html", _plan_context(resident, queries.plans(resident), error=error),
                  status=status)


# -- money ------------------------------------------------------------------------------------------------------------


@require_GET
@resident_view(*HEADER_RELATED)
def money(request, resident):
    try:
        month, month_error = parse_month(request.GET.get("maand")), ""
    except InvalidParameter as exc:  # the latest month, with the message
        month, month_error = None, exc.messages[0]
    context = queries.money_page(resident, month)
    _view(request, resident, "money", month=context["month"].strftime("%Y-%m"))
    context.update({"resident": resident, "contact": queries.contact(resident), "month_error": month_error})
    return render(request, "portal/money.html", context, status=400 if month_error else 200)


# -- letters ----------------------------------------------------------------------------------------------------------


@require_GET
@resident_view(*HEADER_RELATED)
def letters(request, resident):
    _view(request, resident, "letters")
    return render(request, "portal/letters.html", {"resident": resident, "letters": queries.letters(resident)})


@require_GET
@resident_view()
def letter_pdf(request, resident, pk):
    """The PDF of one of the resident's own letters. Someone else's letter is 404 (its existence is not
    revealed), and the attempt is audited against that dossier."""
    letter = Letter.objects.defer("document_html", "body_html").filter(pk=pk, resident=resident).first()
    if letter is None:
        owner = Letter.objects.filter(pk=pk).values_list("resident_id", flat=True).first()
        if owner is not None:
            audit.record(request, AuditEntry.Action.DENIED, resident=owner, detail={"part": "portal letter",
                                                                                   "letter": pk})
        raise Http404
    audit.record(request, AuditEntry.Action.EXPORT, resident=resident, obj=letter,
                 detail={"part": "portal letter", "format": "pdf"})
    response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{letter.filename}"'
    return response


# -- appointments -----------------------------------------------------------------------------------------------------


@require_GET
@resident_view(*HEADER_RELATED)
def appointments(request, resident):
    upcoming, earlier = queries.appointments(resident)
    _view(request, resident, "appointments")
    return render(request, "portal/appointments.html", {
        "resident": resident, "upcoming": upcoming, "earlier": earlier,
        "invitations": queries.open_invitations(resident), "contact": queries.contact(resident),
    })


@require_POST
@resident_view()
def choose_time(request, resident, pk):
    """Open the outreach booking page for one of the resident's open invitations, with a fresh personal link (the
    link in the letter is stored only as a hash, so the portal makes a new one for the same invitation). Booking
    itself is the outreach app's flow."""
    invitation = (Invitation.objects.filter(pk=pk, outreach__resident=resident, status=Invitation.Status.OPEN,
                                            expires_at__gt=timezone.now(),
                                            outreach__status__in=Outreach.OPEN_STATUSES).first())
    if invitation is None:
        audit.record(request, AuditEntry.Action.DENIED, resident=resident,
                     detail={"part": "portal booking", "invitation": pk})
        messages.error(request, _("Deze uitnodiging kunt u niet meer gebruiken. Neem contact op met uw "
                                  "klantmanager voor een nieuwe afspraak."))
        return redirect("portal:appointments")
    token = outreach_services.new_booking_link(invitation, "portal")
    audit.record(request, AuditEntry.Action.CREATE, resident=resident, obj=invitation,
                 detail={"part": "portal booking link"})
    return redirect("outreach:book", token=token)


# -- obligations ------------------------------------------------------------------------------------------------------


@require_GET
@resident_view(*HEADER_RELATED)
def obligations(request, resident):
    today = timezone.localdate()
    context = queries.obligations_page(resident, today)
    _view(request, resident, "obligations")
    context.update({"resident": resident, "today": today, "contact": queries.contact(resident)})
    return render(request, "portal/obligations.html", context)
