"""Monitoring screens: the indicator dashboard, the Rotterdam table, and the exports. Aggregated figures for the
user's own municipality only; the person-level research export is pseudonymised and for analysts only."""
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from meedoen import charts
from meedoen.accounts.access import require_role
from meedoen.accounts.models import Role
from meedoen.audit import services as audit
from meedoen.audit.models import AuditEntry
from meedoen.formtools import bad_request, form_errors

from . import exports, rules
from .forms import FilterForm, ResearchExportForm
from .indicators import CATEGORY_LABELS, CONTACT_LABELS, PUBLISHED_SOURCE, compute, rotterdam_table

MONITORING_ROLES = frozenset({Role.ANALYST, Role.ADMINISTRATOR, Role.TEAM_LEAD})
RESEARCH_ROLES = frozenset({Role.ANALYST})
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filter_form(request, form_class=FilterForm, data=None):
    return form_class(data if data is not None else (request.GET or None), municipality=request.user.municipality)


def _query_string(request):
    params = request.GET.copy()
    return params.urlencode()


@login_required
@require_GET
def dashboard(request):
    require_role(request, MONITORING_ROLES, part="monitoring")
    form = _filter_form(request)
    filters = form.filters()
    result = compute(filters)
    return render(request, "monitoring/dashboard.html", {
        "form": form,
        "filters": filters,
        "result": result,
        "tiles": [result.get(key) for key in TILE_KEYS],
        "indicators": result.indicators,
        "charts": _charts(result),
        "ladder_matrix": _ladder_matrix(result.ladder),
        "workload": _suppressed_rows(result.workload, ("residents", "overdue", "no_contact_6m")),
        "by_neighbourhood": _suppressed_rows(result.by_neighbourhood, ("residents", "reached", "active")),
        "query": _query_string(request),
        "can_research": request.user.role in RESEARCH_ROLES,
    })


TILE_KEYS = ("residents", "activation_group", "reached", "conversations", "plans", "active", "active_share",
             "no_shows", "measures_decided", "flow_work", "contact_over_6_months", "satisfaction")


def _charts(result):
    months = [m.strftime("%m-%Y") for m, _counts in result.by_month]
    return {
        "funnel": charts.funnel(
            _("Van benaderen naar actief"), result.funnel, chart_id="chart-funnel",
            description=_("Hoeveel mensen in de periode zijn benaderd, een gesprek hadden, een plan van aanpak "
                          "hebben en actief zijn. Elke stap telt alleen mensen die ook in de vorige stap zitten."),
        ),
        "categories": charts.bar(
            _("Actief per soort activiteit"), [CATEGORY_LABELS[c] for c in rules.CATEGORIES],
            [{"name": _("Aantal mensen"), "values": [result.active_by_category[c] for c in rules.CATEGORIES]}],
            category_header=_("Soort"), chart_id="chart-categories",
            description=_("Aantal mensen dat in de periode actief was, met één hoofdsoort per persoon."),
        ),
        "over_time": charts.line(
            _("Actief per soort, per maand"), months,
            [{"name": str(CATEGORY_LABELS[c]), "values": [counts[c] for _m, counts in result.by_month]}
             for c in rules.CATEGORIES],
            x_header=_("Maand"), chart_id="chart-over-time",
            description=_("Aantal mensen dat per maand actief was, per hoofdsoort."),
        ),
        "contact": charts.bar(
            _("Tijd sinds het laatste contact"), [CONTACT_LABELS[k] for k in CONTACT_LABELS],
            [{"name": _("Aantal mensen"), "values": [result.contact[k] for k in CONTACT_LABELS]}],
            category_header=_("Tijd sinds contact"), chart_id="chart-contact",
            description=_("Gemeten aan het eind van de periode."),
        ),
        "workload": charts.bar(
            _("Werkdruk per team: inwoners per klantmanager"),
            [str(w["team"]) for w in result.workload],
            [{"name": _("Inwoners per klantmanager"),
              "values": [_caseload(w) for w in result.workload],
              "labels": [_caseload_label(w) for w in result.workload]}],
            category_header=_("Team"), chart_id="chart-workload",
            description=_("Gemiddelde caseload per team, op alfabet. Dit is werkdruk, geen ranglijst van mensen."),
        ),
        "caseloads": charts.bar(
            _("Caseload per klantmanager: hoeveel klantmanagers hebben hoeveel inwoners"),
            [label for label, _count in result.caseload_distribution],
            [{"name": _("Aantal klantmanagers"), "values": [count for _label, count in result.caseload_distribution]}],
            orientation="vertical", category_header=_("Inwoners in de caseload"), chart_id="chart-caseloads",
            description=_("Verdeling van de caseload over de klantmanagers in deze selectie, zonder namen."),
        ),
    }


def _caseload(row):
    """Residents per caseworker, unless the team's resident count is suppressed (the ratio would give it away)."""
    if row["caseload"] is None or rules.is_suppressed(row["residents"]):
        return None
    return round(row["caseload"])


def _caseload_label(row):
    if row["caseload"] is None:
        return _("geen klantmanagers")
    if rules.is_suppressed(row["residents"]):
        return "–"
    return charts.format_number(row["caseload"])


def _ladder_matrix(ladder):
    """Rows 'from step' × columns 'to step' with small counts suppressed and a shade class for the heatmap."""
    matrix = ladder["matrix"]
    biggest = max(matrix.values(), default=0)
    rows = []
    for origin in range(1, 7):
        cells = []
        for target in range(1, 7):
            n = matrix.get((origin, target), 0)
            shade = 0 if not n or rules.is_suppressed(n) else 1 + min(4, int(4 * n / biggest))
            cells.append({"value": rules.suppress(n), "shade": shade, "diagonal": origin == target})
        rows.append({"step": origin, "cells": cells})
    return {"rows": rows, "steps": list(range(1, 7))}


def _suppressed_rows(rows, keys):
    result = []
    for row in rows:
        shown = dict(row)
        for key in keys:
            shown[f"{key}_shown"] = rules.suppress(row[key])
        shown["suppressed"] = any(rules.is_suppressed(row[k]) for k in keys)
        if "caseload" in row:
            shown["caseload_display"] = _caseload_label(row) if row["caseload"] is not None else "–"
        if "active_share" in row:  # a share of a suppressed count would give the count away
            shown["active_share_display"] = ("–" if shown["suppressed"] or row["active_share"] is None
                                             else charts.format_number(row["active_share"] * 100, 0) + "%")
        result.append(shown)
    return result


@login_required
@require_GET
def rotterdam(request):
    require_role(request, MONITORING_ROLES, part="monitoring")
    form = _filter_form(request)
    filters = form.filters()
    result = compute(filters)
    return render(request, "monitoring/rotterdam.html", {
        "form": form, "filters": filters, "rows": rotterdam_table(filters.municipality, (filters.start, filters.end),
                                                                   result),
        "query": _query_string(request),
        "source": PUBLISHED_SOURCE,
        "can_research": request.user.role in RESEARCH_ROLES,
    })


def _download(content, filename, content_type):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def export_indicators(request, fmt):
    require_role(request, MONITORING_ROLES, part="monitoring_export")
    form = _filter_form(request)
    if form.is_bound and not form.is_valid():
        # A download of another period or selection than asked would be read as the one asked: refuse it.
        return bad_request(request, form_errors(form))
    filters = form.filters()
    result = compute(filters)
    header, rows = exports.indicator_table(result)
    audit.record(request, AuditEntry.Action.EXPORT, screen="monitoring:export", detail={
        "kind": "indicators", "format": fmt, "filters": filters.describe(), "rows": len(rows),
    })
    name = f"meedoen-indicatoren-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}"
    if fmt == "xlsx":
        return _download(exports.to_xlsx(header, rows, _("Indicatoren")), f"{name}.xlsx", XLSX)
    return _download(exports.to_csv(header, rows), f"{name}.csv", "text/csv; charset=utf-8")


@login_required
@require_GET
def research(request):
    require_role(request, RESEARCH_ROLES, part="research_export")
    form = ResearchExportForm(municipality=request.user.municipality)
    return render(request, "monitoring/research.html", {"form": form})


@login_required
@require_POST
def research_export(request, fmt):
    require_role(request, RESEARCH_ROLES, part="research_export")
    form = _filter_form(request, ResearchExportForm, request.POST)
    if not form.is_valid():
        return render(request, "monitoring/research.html", {"form": form}, status=400)
    filters = form.filters()
    key = form.cleaned_data["export_key"]
    header, rows = exports.research_table(filters, key)
    audit.record(request, AuditEntry.Action.EXPORT, screen="monitoring:research_export", detail={
        "kind": "research", "format": fmt, "filters": filters.describe(), "rows": len(rows),
        "key_fingerprint": exports.key_fingerprint(key),
    })
    name = f"meedoen-onderzoek-{filters.start:%Y%m}-{filters.end:%Y%m}"
    if fmt == "xlsx":
        return _download(exports.to_xlsx(header, rows, _("Onderzoek")), f"{name}.xlsx", XLSX)
    return _download(exports.to_csv(header, rows), f"{name}.csv", "text/csv; charset=utf-8")
