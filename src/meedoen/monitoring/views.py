"""Monitoring screens: the indicator dashboard, the Rotterdam table, and the exports. Aggregated figures for the
user's own municipality only; the person-level research export is pseudonymised and for analysts only."""
from django.conf import settings
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
from .disclosure import disclose, disclose_table, value_or_marker
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
    shown = disclose(result)  # small-cell suppression of everything on the page, whatever the filters
    return render(request, "monitoring/dashboard.html", {
        "form": form,
        "filters": filters,
        "result": result,
        "shown": shown,
        "tiles": [shown.get(key) for key in TILE_KEYS],
        "indicators": shown.indicators,
        "charts": _charts(shown),
        "ladder": shown.ladder,
        "ladder_matrix": _ladder_matrix(shown.ladder),
        "workload": shown.workload,
        "by_neighbourhood": shown.by_neighbourhood,
        "query": _query_string(request),
        "can_research": request.user.role in RESEARCH_ROLES,
    })


TILE_KEYS = ("residents", "activation_group", "reached", "conversations", "plans", "active", "active_share",
             "no_shows", "measures_decided", "flow_work", "contact_over_6_months", "satisfaction")


def _series(name, shown_values):
    """A chart series from shown counts: suppressed ones draw no bar or point and carry their marker as label."""
    pairs = [value_or_marker(v) for v in shown_values]
    return {"name": name, "values": [v for v, _label in pairs], "labels": [label for _v, label in pairs]}


def _charts(shown):
    months = [m.strftime("%m-%Y") for m, _counts in shown.by_month]
    return {
        "funnel": charts.funnel(
            _("Van benaderen naar actief"), shown.funnel, chart_id="chart-funnel",
            description=_("Hoeveel mensen in de periode zijn benaderd, een gesprek hadden, een plan van aanpak "
                          "hebben en actief zijn. Elke stap telt alleen mensen die ook in de vorige stap zitten."),
        ),
        "categories": charts.bar(
            _("Actief per soort activiteit"), [CATEGORY_LABELS[c] for c in rules.CATEGORIES],
            [_series(_("Aantal mensen"), [shown.categories[c] for c in rules.CATEGORIES])],
            category_header=_("Soort"), chart_id="chart-categories",
            description=_("Aantal mensen dat in de periode actief was, met één hoofdsoort per persoon."),
        ),
        "over_time": charts.line(
            _("Actief per soort, per maand"), months,
            [_series(str(CATEGORY_LABELS[c]), [counts[c] for _m, counts in shown.by_month])
             for c in rules.CATEGORIES],
            x_header=_("Maand"), chart_id="chart-over-time",
            description=_("Aantal mensen dat per maand actief was, per hoofdsoort."),
        ),
        "contact": charts.bar(
            _("Tijd sinds het laatste contact"), [CONTACT_LABELS[k] for k in CONTACT_LABELS],
            [_series(_("Aantal mensen"), [shown.contact[k] for k in CONTACT_LABELS])],
            category_header=_("Tijd sinds contact"), chart_id="chart-contact",
            description=_("Gemeten aan het eind van de periode."),
        ),
        "workload": charts.bar(
            _("Werkdruk per team: inwoners per klantmanager"),
            [str(w["team"]) for w in shown.workload],
            [{"name": _("Inwoners per klantmanager"),
              "values": [w["caseload_shown"] for w in shown.workload],
              "labels": [w["caseload_display"] for w in shown.workload]}],
            category_header=_("Team"), chart_id="chart-workload",
            description=_("Gemiddelde caseload per team, op alfabet. Dit is werkdruk, geen ranglijst van mensen."),
        ),
        "caseloads": charts.bar(
            _("Caseload per klantmanager: hoeveel klantmanagers hebben hoeveel inwoners"),
            [label for label, _count in shown.caseload_distribution],
            [_series(_("Aantal klantmanagers"), [count for _label, count in shown.caseload_distribution])],
            orientation="vertical", category_header=_("Inwoners in de caseload"), chart_id="chart-caseloads",
            description=_("Verdeling van de caseload over de klantmanagers in deze selectie, zonder namen."),
        ),
    }


def _ladder_matrix(ladder):
    """Rows 'from step' × columns 'to step' with small counts suppressed and a shade class for the heatmap."""
    matrix, raw = ladder["matrix"], ladder["raw"]
    biggest = max(raw.values(), default=0)
    rows = []
    for origin in range(1, 7):
        cells = []
        for target in range(1, 7):
            value = matrix[(origin, target)]
            n = raw.get((origin, target), 0)
            shade = 0 if not n or not rules.is_shown(value) else 1 + min(4, int(4 * n / biggest))
            cells.append({"value": value, "shade": shade, "diagonal": origin == target})
        rows.append({"step": origin, "cells": cells})
    return {"rows": rows, "steps": list(range(1, 7))}


@login_required
@require_GET
def rotterdam(request):
    require_role(request, MONITORING_ROLES, part="monitoring")
    form = _filter_form(request)
    filters = form.filters()
    result = compute(filters)
    rows = disclose_table(rotterdam_table(filters.municipality, (filters.start, filters.end), result),
                          disclose(result))
    return render(request, "monitoring/rotterdam.html", {
        "form": form, "filters": filters, "rows": rows,
        "query": _query_string(request),
        "source": PUBLISHED_SOURCE,
        "can_research": request.user.role in RESEARCH_ROLES,
    })


def _download(content, filename, content_type):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
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
    header, rows = exports.indicator_table(disclose(result))
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
    return render(request, "monitoring/research.html", {"form": form, "k": settings.MEEDOEN_RESEARCH_EXPORT_K})


@login_required
@require_POST
def research_export(request, fmt):
    require_role(request, RESEARCH_ROLES, part="research_export")
    form = _filter_form(request, ResearchExportForm, request.POST)
    if not form.is_valid():
        return render(request, "monitoring/research.html", {"form": form, "k": settings.MEEDOEN_RESEARCH_EXPORT_K},
                      status=400)
    filters = form.filters()
    key = form.cleaned_data["export_key"]
    header, rows, outcome = exports.research_table(filters, key)
    audit.record(request, AuditEntry.Action.EXPORT, screen="monitoring:research_export", detail={
        "kind": "research", "format": fmt, "filters": filters.describe(), "rows": len(rows),
        "key_fingerprint": exports.key_fingerprint(key), "k": outcome.k, "suppressed": outcome.suppressed,
        "levels": outcome.levels,
    })
    name = f"meedoen-onderzoek-{filters.start:%Y%m}-{filters.end:%Y%m}"
    report = exports.anonymity_report(outcome)
    if fmt == "xlsx":
        return _download(exports.to_xlsx(header, rows, _("Onderzoek"), report, _("Anonimisering")), f"{name}.xlsx",
                         XLSX)
    return _download(exports.to_csv(header, rows, report), f"{name}.csv", "text/csv; charset=utf-8")
