"""Read-only API for experiments and their results, for analysts, administrators and team leads of the
municipality. Counts and estimates only: no resident is named or numbered."""
import math

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from meedoen.accounts.models import Role
from meedoen.audit import services as audit
from meedoen.audit.models import AuditEntry

from .. import services
from ..models import Arm, Experiment, Wave

READ_ROLES = (Role.ANALYST, Role.ADMINISTRATOR, Role.TEAM_LEAD)


class IsResearchReader(permissions.BasePermission):
    message = "Experimenten zijn alleen zichtbaar voor onderzoekers, beheerders en teamleiders."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and (user.role in READ_ROLES or user.is_superuser))


class ArmSerializer(serializers.ModelSerializer):
    class Meta:
        model = Arm
        fields = ["code", "name", "description", "weight", "is_control", "parameters"]


class WaveSerializer(serializers.ModelSerializer):
    class Meta:
        model = Wave
        fields = ["code", "planned_on", "open"]


class ExperimentSerializer(serializers.ModelSerializer):
    arms = ArmSerializer(many=True, read_only=True)
    waves = WaveSerializer(many=True, read_only=True)

    class Meta:
        model = Experiment
        fields = ["id", "name", "hypothesis", "analysis_plan", "status", "seed", "strata", "eligibility",
                  "consent_required", "registered_at", "started_at", "closed_at", "arms", "waves"]


def _number(value):
    """JSON has no NaN or infinity: an estimate that cannot be made (too few answers) is null."""
    return None if value is None or (isinstance(value, float) and not math.isfinite(value)) else value


@extend_schema_view(
    list=extend_schema(summary="Experimenten van de gemeente"),
    retrieve=extend_schema(summary="Een experiment met condities en metingen"),
)
class ExperimentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ExperimentSerializer
    permission_classes = [IsResearchReader]
    lookup_value_converter = "id"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Experiment.objects.none()
        return (Experiment.objects.filter(municipality_id=self.request.user.municipality_id)
                .prefetch_related("arms", "waves").order_by("-created_at", "-pk"))

    @extend_schema(summary="Loting per stratum, respons en effectschattingen (95 %-intervallen)",
                   parameters=[OpenApiParameter("meting", str, enum=list(services.WAVE_CODES),
                                                description="Alleen deze meting (standaard: de laatste).")],
                   responses={200: dict})
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        experiment = self.get_object()
        wave = request.query_params.get("meting") or None
        if wave is not None and wave not in services.WAVE_CODES:
            raise serializers.ValidationError({"meting": "Kies T0, T1, T2 of T3."})
        result = services.results(experiment, wave)
        balance = services.balance(experiment)
        audit.record(request, AuditEntry.Action.VIEW, obj=experiment, detail={"part": "api:results",
                                                                             "wave": result["wave"]})
        return Response({
            "wave": result["wave"], "n": result["n"],
            "balance": [{"stratum": row["stratum"], **{arm.code: n for arm, n in zip(balance["arms"], row["counts"])}}
                        for row in balance["rows"]],
            "consent": services.consent_counts(experiment),
            "response_rates": [{"wave": r["wave"].code, "responses": r["responses"], "rate_percent": r["rate"]}
                               for r in services.response_rates(experiment)],
            "effects": [{"outcome": e.outcome, "arm": e.arm, "method": e.method, "n_arm": e.n_arm,
                         "n_control": e.n_control, "mean_arm": _number(e.mean_arm),
                         "mean_control": _number(e.mean_control), "estimate": _number(e.estimate),
                         "ci_low": _number(e.ci_low), "ci_high": _number(e.ci_high), "p_value": _number(e.p_value)}
                        for e in result["effects"]],
        })
