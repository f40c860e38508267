"""The analyst's simulation screen: compare profiles on the same population, with charts and uncertainty bands.

Analysts and administrators only. A run is bounded (services.WEB_MAX_*) so that it fits in a request; the command
line (`manage.py simulate`) does the large runs. The screen shows counts only, never names.
"""
import functools

import numpy as np
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from meedoen import charts
from meedoen.accounts.models import Role
from meedoen.audit import services as audit
from meedoen.audit.models import AuditEntry
from meedoen.residents.models import Resident

from . import assumptions as A
from . import calibration, services
from .forms import SimulationForm

SIMULATION_ROLES = (Role.ANALYST, Role.ADMINISTRATOR)


def can_simulate(user) -> bool:
    return bool(user and user.is_authenticated and (user.role in SIMULATION_ROLES or user.is_superuser))


def analysts_only(view):
    @functools.wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not can_simulate(request.user):
            audit.record(request, AuditEntry.Action.DENIED, detail={"part": "simulation"})
            raise PermissionDenied(_("De simulatie is alleen voor beleidsmedewerkers en beheerders."))
        return view(request, *args, **kwargs)

    return wrapped


def _bands(values: np.ndarray):
    p5, p50, p95 = np.percentile(values, (5, 50, 95), axis=0)
    return p50.tolist(), p5.tolist(), p95.tolist()


def _line(title, description, comparison, name, *, cumulative=False, decimals=0, unit=""):
    months = comparison.results[0].months
    series = []
    for result in comparison.results:
        values = result.series[name].astype(float)
        if cumulative:
            values = np.cumsum(values, axis=1)
        mid, low, high = _bands(values)
        series.append({"name": result.profile_name, "values": mid, "lower": low, "upper": high})
    return charts.line(title, [str(m) for m in range(1, months + 1)], series, description=description,
                       decimals=decimals, unit=unit, x_header=_("Maand"), chart_id=f"sim-{name}")


def _charts(comparison):
    band = _("De lijn is de mediaan van de runs; de band loopt van het 5e tot het 95e percentiel.")
    categories = [A.CATEGORY_LABELS[c] for c in A.CATEGORIES]
    return [
        _line(_("Benaderd (ooit uitgenodigd), activeringsgroep"), band, comparison, "approached"),
        _line(_("Actief in een activiteit"), band, comparison, "active"),
        _line(_("Naar betaald werk, opgeteld"), band, comparison, "to_work", cumulative=True),
        _line(_("Maatregelen, opgeteld"), band, comparison, "measures", cumulative=True),
        _line(_("Klantmanagers nodig (fte)"), band, comparison, "caseworkers_needed", decimals=1),
        charts.bar(_("Actief per soort activiteit aan het eind (mediaan)"), categories,
                   [{"name": r.profile_name,
                     "values": [r.final(f"active_{c}")["p50"] for c in A.CATEGORIES]} for r in comparison.results],
                   category_header=_("Soort activiteit"), chart_id="sim-categories"),
    ]


@analysts_only
def simulate(request):
    has_residents = Resident.objects.filter(municipality_id=request.user.municipality_id,
                                            guidance_status="active").exists()
    submitted = "profiles" in request.GET
    form = SimulationForm(request.GET if submitted else None, has_residents=has_residents)
    context = {"form": form, "assumptions": A.as_table(), "calibration": calibration.stored(),
               "tolerance": calibration.TOLERANCE}
    if submitted and form.is_valid():
        data = form.cleaned_data
        municipality = request.user.municipality if data["population"] == "municipality" else None
        population = services.build_population(residents=data["residents"], municipality=municipality,
                                               seed=data["seed"])
        comparison = services.run(data["profiles"], population, months=data["months"], runs=data["runs"],
                                  seed=data["seed"])
        audit.record(request, AuditEntry.Action.VIEW,
                     detail={"part": "simulation", "population": data["population"], "profiles": data["profiles"]})
        context.update(comparison=comparison, summary=services.summary(comparison), charts=_charts(comparison),
                       population=population)
    return render(request, "simulation/simulate.html", context)
