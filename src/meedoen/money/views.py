"""The dossier tab "Inkomsten en uitkering": income reports, the month's calculation line by line, deciding a month,
corrections with the recalculated month and the difference, and the household facts the norm needs.

Views stay thin: access by role and relation (residents.access), changes through services, every read and change in
the audit trail. Income is only for the caseworker and the team lead (not for the wijkteam, even where the policy
shares names).
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from meedoen.formtools import FIRST_MONTH, LAST_MONTH, InvalidParameter, add_validation_error, parse_id, parse_month
from meedoen.accounts.models import Role
from meedoen.audit import services as audit
from meedoen.audit.models import AuditEntry
from meedoen.residents.access import get_resident_or_deny
from meedoen.residents.tabs import dossier_context

from . import explain, rules, services
from .forms import (
    CorrectionForm, DecideForm, EndHousemateForm, HouseholdForm, HousemateForm, IncomeReportForm,
)
from .models import Household, Housemate, IncomeReport, MonthlyCalculation, PaymentCorrection

MONEY_ROLES = {Role.CASEWORKER, Role.TEAM_LEAD}
HEADER_RELATED = ("neighbourhood", "current_caseworker", "municipality")
REPORTS_SHOWN = 60


def _resident_or_deny(request, public_id, *, for_edit=False):
    resident = get_resident_or_deny(request, public_id, for_edit=for_edit, select_related=HEADER_RELATED)
    if request.user.role not in MONEY_ROLES:
        audit.record(request, AuditEntry.Action.DENIED, resident=resident, detail={"part": "money"})
        raise PermissionDenied(_("Inkomsten en uitkering zijn alleen te zien voor de klantmanager en de teamleider."))
    return resident


def _conflict_text():
    return _("Iemand anders heeft dit gewijzigd terwijl u ermee bezig was. Er is niets opgeslagen. Bekijk de nieuwe "
             "gegevens en probeer het dan opnieuw.")


def _tab_url(resident, month=None, **params):
    url = reverse("money:resident", args=[resident.public_id])
    query = {"maand": month.strftime("%Y-%m")} if month else {}
    query.update(params)
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _default_month(ctx):
    """This month when its norms are loaded; otherwise the last month with norms before it."""
    today = rules.first_of_month(timezone.localdate())
    if any(table.covers(today) for table in ctx.tables):
        return today, None
    earlier = [table for table in ctx.tables if table.effective_from <= today]
    if earlier:
        return rules.first_of_month(earlier[-1].valid_until), today
    return today, None


def _effect_message(effect):
    month = explain.month_name(effect.month)
    if effect.correction is not None:
        text = _("%(month)s was al vastgesteld en is opnieuw berekend. %(summary)s.") % {
            "month": month.capitalize(), "summary": explain.correction_summary(effect.correction).capitalize()}
        if effect.later:
            text += " " + _("Ook later vastgestelde maanden zijn opnieuw berekend: %(summaries)s.") % {
                "summaries": "; ".join(explain.correction_summary(c) for c in effect.later)}
        if effect.letter is not None:
            text += " " + _("De beschikking (brief %(reference)s) is gemaakt.") % {"reference": effect.letter.reference}
        return text
    return _("De berekening van %(month)s is bijgewerkt.") % {"month": month}


def _tab_context(request, resident, month, *, form=None, notice_month=None, version=None, month_error=None):
    ctx = services.Context.load()
    state = services.month_state(resident, month, ctx)
    versions = list(MonthlyCalculation.objects.filter(resident=resident, month=month)
                    .exclude(status=MonthlyCalculation.Status.DRAFT).select_related("decided_by")
                    .order_by("version"))
    shown_version = None
    if version is not None:
        shown_version = next((v for v in versions if v.version == version), None)
    lines = explain.describe_lines(shown_version.lines if shown_version else state.lines)
    month_correction = (PaymentCorrection.objects.filter(resident=resident, month=month)
                        .select_related("previous", "recalculated", "created_by").order_by("-created_at").first())
    reports = list(IncomeReport.objects.filter(resident=resident).select_related("entered_by", "corrects")
                   .order_by("-month", "-entered_at", "-id")[:REPORTS_SHOWN])
    corrected_by = {r.corrects_id: r for r in reports if r.corrects_id}
    for report in reports:
        report.replacement = corrected_by.get(report.pk)
    profile_money = ctx.profile_for(resident.municipality, month)[1] if ctx.tables else None
    income_month = services.income_month_for(month, profile_money) if profile_money else month
    household = Household.objects.filter(resident=resident).first()
    has_partner = resident.household_type in services.COUPLE_TYPES
    can_edit = request.user.role in MONEY_ROLES
    context = dossier_context(request, resident, "money")
    context.update({
        "month": month, "month_label": explain.month_name(month), "state": state, "lines": lines,
        "warnings": [explain.warning_text(code) for code in state.warnings],
        "versions": versions, "shown_version": shown_version, "month_correction": month_correction,
        "reports": reports, "income_month": income_month, "policy": profile_money,
        "corrections": PaymentCorrection.objects.filter(resident=resident).select_related(
            "created_by", "letter").defer("letter__pdf", "letter__body_html", "letter__document_html")[:20],
        "overview": services.months_overview(resident, max(month, _default_month(ctx)[0]), ctx=ctx),
        "previous_month": rules.add_months(month, -1) if month > FIRST_MONTH else None,
        "next_month": rules.add_months(month, 1) if month < LAST_MONTH else None,
        "notice_month": notice_month, "tables": ctx.tables, "month_error": month_error,
        "form": form or IncomeReportForm(has_partner=has_partner, initial={"month": income_month}),
        "decide_form": DecideForm(initial={"month": month, "fingerprint": state.fingerprint}),
        "decides_too": [explain.month_name(m) for m in state.undecided_before],
        "household": household, "has_partner": has_partner,
        "housemates": Housemate.objects.filter(resident=resident),
        "can_edit": can_edit,
    })
    return context


@login_required
def resident(request, public_id):
    resident = _resident_or_deny(request, public_id)
    ctx = services.Context.load()
    version = parse_id(request.GET.get("versie"), name="versie")
    try:
        month, month_error = parse_month(request.GET.get("maand")), None
    except InvalidParameter as exc:  # show the default month, with the message next to what was typed
        month, month_error = None, {"text": exc.messages[0], "typed": request.GET["maand"]}
    notice_month = None
    if month is None:
        month, notice_month = _default_month(ctx)
    audit.record(request, AuditEntry.Action.VIEW, resident=resident,
                 detail={"part": "money", "month": month.strftime("%Y-%m"), "version": version})
    return render(request, "money/resident.html",
                  _tab_context(request, resident, month, notice_month=notice_month, version=version,
                               month_error=month_error), status=400 if month_error else 200)


@login_required
@require_POST
def add_report(request, public_id):
    resident = _resident_or_deny(request, public_id, for_edit=True)
    has_partner = resident.household_type in services.COUPLE_TYPES
    form = IncomeReportForm(request.POST, has_partner=has_partner)
    if form.is_valid():
        try:
            report, effect = services.add_income_report(resident, actor=request.user, **form.data_for_service)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            audit.record(request, AuditEntry.Action.CREATE, resident=resident, obj=report, detail={
                "part": "income report", "month": report.month.strftime("%Y-%m"),
                "correction": effect.correction.pk if effect.correction else None})
            messages.success(request, _("De inkomsten zijn opgeslagen.") + " " + _effect_message(effect))
            return redirect(_tab_url(resident, effect.month))
    month = form.cleaned_data.get("month") if hasattr(form, "cleaned_data") else None
    month = month or _default_month(services.Context.load())[0]
    audit.record(request, AuditEntry.Action.VIEW, resident=resident,
                 detail={"part": "money", "month": month.strftime("%Y-%m"), "form": "invalid"})
    return render(request, "money/resident.html", _tab_context(request, resident, month, form=form), status=400)


def _report_or_deny(request, pk):
    report = IncomeReport.objects.select_related("resident").filter(pk=pk).first()
    if report is None:
        raise Http404
    resident = _resident_or_deny(request, report.resident.public_id, for_edit=True)
    return report, resident


@login_required
@require_http_methods(["GET", "POST"])
def correct_report(request, pk):
    report, resident = _report_or_deny(request, pk)
    has_partner = resident.household_type in services.COUPLE_TYPES
    status = 200
    if not report.is_current:
        messages.error(request, _("Deze opgave is al gecorrigeerd. Corrigeer zo nodig de nieuwste opgave."))
        return redirect(_tab_url(resident, report.month))
    if request.method == "POST":
        form = CorrectionForm(request.POST, has_partner=has_partner)
        if form.is_valid():
            try:
                new, effect = services.correct_income_report(
                    report, actor=request.user, expected_version=form.cleaned_data["version"],
                    **form.data_for_service)
            except services.ConcurrentEditError:
                audit.record(request, AuditEntry.Action.CONFLICT, resident=resident, obj=report)
                form.add_error(None, _conflict_text())
                status = 409
            except ValidationError as exc:
                add_validation_error(form, exc)
                status = 400
            else:
                audit.record(request, AuditEntry.Action.UPDATE, resident=resident, obj=new, detail={
                    "part": "income correction", "corrects": report.pk, "month": report.month.strftime("%Y-%m"),
                    "correction": effect.correction.pk if effect.correction else None})
                messages.success(request, _("De correctie is opgeslagen.") + " " + _effect_message(effect))
                return redirect(_tab_url(resident, effect.month))
        else:
            status = 400
    else:
        initial = {name: getattr(report, name) for name in ("kind", "person", "net_amount", "hours", "employer",
                                                            "source", "serves_work", "note")}
        form = CorrectionForm(initial={**initial, "version": report.version}, has_partner=has_partner)
        audit.record(request, AuditEntry.Action.VIEW, resident=resident, obj=report, detail={"part": "correction"})
    context = dossier_context(request, resident, "money")
    context.update({"report": report, "form": form, "month_label": explain.month_name(report.month),
                    "back": _tab_url(resident, report.month)})
    return render(request, "money/correct.html", context, status=status)


@login_required
@require_POST
def decide(request, public_id):
    resident = _resident_or_deny(request, public_id, for_edit=True)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Kies een maand om vast te stellen."))
        return redirect(_tab_url(resident))
    month = form.cleaned_data["month"]
    try:
        decided = services.decide_month(resident, month, actor=request.user,
                                        expected_fingerprint=form.cleaned_data["fingerprint"])
    except services.ConcurrentEditError:
        audit.record(request, AuditEntry.Action.CONFLICT, resident=resident,
                     detail={"part": "decide month", "month": month.strftime("%Y-%m")})
        messages.error(request, _("De berekening is veranderd sinds u hem bekeek. Er is niets vastgesteld. Bekijk "
                                  "de berekening opnieuw."))
        return redirect(_tab_url(resident, month))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_tab_url(resident, month))
    for calc in decided:
        audit.record(request, AuditEntry.Action.CREATE, resident=resident, obj=calc,
                     detail={"part": "decide month", "month": calc.month.strftime("%Y-%m")})
    messages.success(request, _("%(month)s is vastgesteld. Te betalen: %(amount)s.") % {
        "month": explain.month_name(month).capitalize(), "amount": explain.euro(decided[-1].total_paid)})
    return redirect(_tab_url(resident, month))


# -- household facts for the norm -------------------------------------------------------------------------------------


def _household_context(request, resident, household_form=None, housemate_form=None):
    household = Household.objects.filter(resident=resident).first()
    context = dossier_context(request, resident, "money")
    context.update({
        "household": household, "has_partner": resident.household_type in services.COUPLE_TYPES,
        "housemates": list(Housemate.objects.filter(resident=resident)),
        "household_form": household_form or HouseholdForm(initial={
            "partner_date_of_birth": household.partner_date_of_birth if household else None,
            "medically_limited_hours": household.medically_limited_hours if household else False,
            "version": household.version if household else 1}),
        "housemate_form": housemate_form or HousemateForm(),
        "end_form": EndHousemateForm(),
        "back": _tab_url(resident),
    })
    return context


@login_required
@require_http_methods(["GET", "POST"])
def household(request, public_id):
    resident = _resident_or_deny(request, public_id, for_edit=request.method == "POST")
    form, status = None, 200
    if request.method == "POST":
        form = HouseholdForm(request.POST)
        if form.is_valid():
            try:
                saved = services.update_household(resident, actor=request.user, **_household_args(form))
            except services.ConcurrentEditError:
                audit.record(request, AuditEntry.Action.CONFLICT, resident=resident, detail={"part": "household"})
                form.add_error(None, _conflict_text())
                status = 409
            except ValidationError as exc:
                add_validation_error(form, exc)
                status = 400
            else:
                audit.record(request, AuditEntry.Action.UPDATE, resident=resident, obj=saved,
                             detail={"part": "household"})
                messages.success(request, _("De gegevens voor de norm zijn opgeslagen."))
                return redirect("money:household", public_id=resident.public_id)
        else:
            status = 400
    else:
        audit.record(request, AuditEntry.Action.VIEW, resident=resident, detail={"part": "household"})
    return render(request, "money/household.html", _household_context(request, resident, household_form=form),
                  status=status)


def _household_args(form):
    data = form.cleaned_data
    return {"expected_version": data["version"], "partner_date_of_birth": data["partner_date_of_birth"],
            "medically_limited_hours": data["medically_limited_hours"]}


@login_required
@require_POST
def add_housemate(request, public_id):
    resident = _resident_or_deny(request, public_id, for_edit=True)
    form = HousemateForm(request.POST)
    if form.is_valid():
        try:
            housemate = services.add_housemate(resident, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            audit.record(request, AuditEntry.Action.CREATE, resident=resident, obj=housemate,
                         detail={"part": "housemate"})
            messages.success(request, _("De huisgenoot is toegevoegd."))
            return redirect("money:household", public_id=resident.public_id)
    audit.record(request, AuditEntry.Action.VIEW, resident=resident, detail={"part": "household", "form": "invalid"})
    return render(request, "money/household.html", _household_context(request, resident, housemate_form=form),
                  status=400)


def _housemate_or_deny(request, pk):
    housemate = Housemate.objects.select_related("resident").filter(pk=pk).first()
    if housemate is None:
        raise Http404
    resident = _resident_or_deny(request, housemate.resident.public_id, for_edit=True)
    return housemate, resident


@login_required
@require_POST
def end_housemate(request, pk):
    housemate, resident = _housemate_or_deny(request, pk)
    form = EndHousemateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vul de datum in waarop de huisgenoot verhuisde."))
    else:
        try:
            services.end_housemate(housemate, actor=request.user, moved_out_on=form.cleaned_data["moved_out_on"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            audit.record(request, AuditEntry.Action.UPDATE, resident=resident, obj=housemate,
                         detail={"part": "housemate moved out"})
            messages.success(request, _("De verhuizing is opgeslagen."))
    return redirect("money:household", public_id=resident.public_id)


@login_required
@require_POST
def remove_housemate(request, pk):
    housemate, resident = _housemate_or_deny(request, pk)
    audit.record(request, AuditEntry.Action.DELETE, resident=resident, obj=housemate, detail={"part": "housemate"})
    services.remove_housemate(housemate, actor=request.user)
    messages.success(request, _("De huisgenoot is verwijderd. Vastgestelde maanden blijven zoals ze waren."))
    return redirect("money:household", public_id=resident.public_id)
