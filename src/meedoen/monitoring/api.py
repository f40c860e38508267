"""Read-only API: the monitoring indicators of the caller's own municipality (aggregates only, no personal data)."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers, viewsets
from rest_framework.exceptions import ErrorDetail
from rest_framework.response import Response

from meedoen.api.schema import AutoSchema
from meedoen.audit import services as audit
from meedoen.audit.models import AuditEntry

from .disclosure import disclose, disclose_table
from .forms import FilterForm
from .indicators import compute, rotterdam_table
from .views import MONITORING_ROLES


class IsMonitoringRole(permissions.BasePermission):
    message = "Monitoring is alleen voor beleidsmedewerkers, functioneel beheerders en teamleiders."

    def has_permission(self, request, view):
        user = request.user
        allowed = bool(user and user.is_authenticated and user.role in MONITORING_ROLES and user.municipality_id)
        if not allowed and user and user.is_authenticated:
            audit.record(request, AuditEntry.Action.DENIED, detail={"part": "monitoring_api", "reason": "role"})
        return allowed


INDICATOR = inline_serializer("MonitoringIndicator", many=True, fields={
    "key": serializers.CharField(),
    "label": serializers.CharField(),
    "value": serializers.FloatField(allow_null=True),
    "kind": serializers.ChoiceField(choices=["count", "share", "grade", "number"]),
    "available": serializers.BooleanField(),
    "reason": serializers.CharField(allow_blank=True),
    "suppressed": serializers.BooleanField(help_text="Verborgen (kleine aantallen); value is dan null."),
    "shown": serializers.CharField(help_text="Wat het scherm toont, bijv. '<5' of 'x' voor een verborgen aantal."),
})
ROTTERDAM_ROW = inline_serializer("MonitoringRotterdamRow", many=True, fields={
    "key": serializers.CharField(),
    "label": serializers.CharField(),
    "computed": serializers.FloatField(allow_null=True),
    "published": serializers.FloatField(allow_null=True),
    "published_note": serializers.CharField(allow_blank=True),
    "suppressed": serializers.BooleanField(),
})
RESPONSE = inline_serializer("MonitoringIndicators", fields={
    "municipality": serializers.CharField(),
    "from": serializers.DateField(),
    "to": serializers.DateField(),
    "filters": serializers.DictField(),
    "indicators": INDICATOR,
    "rotterdam_2017": ROTTERDAM_ROW,
})


class _OneObjectSchema(AutoSchema):
    """`list` here answers one object (the indicators of the own municipality), not an array of them."""

    def _is_list_view(self, serializer=None):
        return False


class MonitoringIndicatorViewSet(viewsets.ViewSet):
    permission_classes = [IsMonitoringRole]
    schema = _OneObjectSchema()

    @extend_schema(
        summary="Monitoringindicatoren van de eigen gemeente",
        description="Totalen berekend uit de dossiers; geen persoonsgegevens. Standaard de laatste twaalf maanden. "
                    "Aantallen van 1 tot en met 4 (en wat die zou verraden) zijn verborgen, ook met filters: value "
                    "is dan null en suppressed true.",
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, description="Begin van de periode"),
            OpenApiParameter("end", OpenApiTypes.DATE, description="Eind van de periode (tot en met)"),
            OpenApiParameter("neighbourhood", OpenApiTypes.INT, description="Id van een wijk"),
            OpenApiParameter("segment", OpenApiTypes.STR, description="Code van een segment"),
            OpenApiParameter("team", OpenApiTypes.INT, description="Id van een team"),
        ],
        responses={200: RESPONSE},
    )
    def list(self, request):
        form = FilterForm(request.query_params or None, municipality=request.user.municipality)
        if form.is_bound and not form.is_valid():
            raise serializers.ValidationError({
                field: [ErrorDetail(error["message"], code=error["code"] or "invalid") for error in errors]
                for field, errors in form.errors.get_json_data().items()
            })
        filters = form.filters()
        result = compute(filters)
        shown = disclose(result)
        return Response({
            "municipality": filters.municipality.name,
            "from": filters.start,
            "to": filters.end,
            "filters": filters.describe(),
            "indicators": [
                {"key": i.key, "label": str(i.label), "value": i.value if i.available else None, "kind": i.kind,
                 "available": i.available, "reason": str(i.reason), "suppressed": bool(i.hidden),
                 "shown": str(i.display)} for i in shown.indicators
            ],
            "rotterdam_2017": [
                {"key": row.key, "label": row.label, "computed": row.computed, "published": row.published,
                 "published_note": row.published_note, "suppressed": bool(row.hidden)}
                for row in disclose_table(rotterdam_table(filters.municipality, (filters.start, filters.end), result),
                                          shown)
            ],
        })
