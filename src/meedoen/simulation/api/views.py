"""POST /api/v1/simulations/: run a bounded simulation and return its monthly series with p5 / p50 / p95 bands.
Analysts and administrators only; counts only, no resident is named or numbered."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.response import Response

from meedoen.audit import services as audit
from meedoen.audit.models import AuditEntry
from meedoen.residents.models import Resident

from .. import services
from ..model import SERIES
from ..views import can_simulate


class IsSimulationUser(permissions.BasePermission):
    message = gettext_lazy("De simulatie is alleen voor beleidsmedewerkers en beheerders.")

    def has_permission(self, request, view):
        return can_simulate(request.user)


class SimulationSerializer(serializers.Serializer):
    profiles = serializers.ListField(child=serializers.CharField(), min_length=1,
                                     max_length=services.WEB_MAX_PROFILES,
                                     help_text="Sleutels van beleidsprofielen, bijv. [\"rotterdam\", \"amsterdam\"].")
    population = serializers.ChoiceField(choices=["synthetic", "municipality"], default="synthetic")
    residents = serializers.IntegerField(min_value=100, max_value=services.WEB_MAX_RESIDENTS, default=5_000)
    months = serializers.IntegerField(min_value=1, max_value=services.WEB_MAX_MONTHS, default=60)
    runs = serializers.IntegerField(min_value=1, max_value=services.WEB_MAX_RUNS, default=10)
    seed = serializers.IntegerField(min_value=0, default=0)
    fixed = serializers.BooleanField(default=False, help_text="Geen onzekerheid in de gedragsparameters.")
    series = serializers.ListField(child=serializers.ChoiceField(choices=list(SERIES)), required=False,
                                   help_text="Alleen deze reeksen teruggeven (standaard: alle).")

    def validate_profiles(self, value):
        known = {key for key, _name in services.available_profiles()}
        unknown = [key for key in value if key not in known]
        if unknown:
            # Translators: {unknown} and {known} are comma-separated lists of profile keys (e.g. rotterdam).
            raise serializers.ValidationError(_("Onbekend beleidsprofiel: {unknown}. Kies uit: {known}.").format(
                unknown=", ".join(unknown), known=", ".join(sorted(known))))
        return value

    def validate(self, data):
        problems = services.web_problems(residents=data["residents"], months=data["months"], runs=data["runs"],
                                         profiles=len(data["profiles"]))
        if problems:
            raise serializers.ValidationError(problems)
        user = self.context["request"].user
        if data["population"] == "municipality" and not Resident.objects.filter(
                municipality_id=user.municipality_id, guidance_status="active").exists():
            raise serializers.ValidationError({"population": "Uw gemeente heeft nog geen inwoners in begeleiding."})
        return data


class SimulationViewSet(viewsets.ViewSet):
    permission_classes = [IsSimulationUser]
    serializer_class = SimulationSerializer

    @extend_schema(summary="Een simulatie draaien en de reeksen met banden (p5, p50, p95) ophalen",
                   request=SimulationSerializer, responses={200: dict})
    def create(self, request):
        serializer = SimulationSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        municipality = request.user.municipality if data["population"] == "municipality" else None
        population = services.build_population(residents=data["residents"], municipality=municipality,
                                               seed=data["seed"])
        comparison = services.run(data["profiles"], population, months=data["months"], runs=data["runs"],
                                  seed=data["seed"], uncertain=not data["fixed"])
        audit.record(request, AuditEntry.Action.VIEW,
                     detail={"part": "api:simulation", "population": data["population"], "profiles": data["profiles"]})
        body = services.as_data(comparison, names=data.get("series") or SERIES)
        body["request"] = {k: v for k, v in data.items() if k != "series"}
        return Response(body, status=status.HTTP_200_OK)
