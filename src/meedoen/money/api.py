"""API (read-only): a resident's monthly calculations with their lines explained, and the differences after a
recalculation. Mounted at /api/v1/residents/<public_id>/monthly-calculations/ (meedoen.api.urls).

Access as on the tab "Inkomsten en uitkering": the klantmanager and the teamleider, for dossiers they may see
(role AND relation, residents.access); anyone else gets 403 and the attempt is audited. Every read is audited.
"""
from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, mixins, serializers, viewsets

from meedoen.accounts.models import Role
from meedoen.audit import services as audit
from meedoen.audit.models import AuditEntry
from meedoen.formtools import InvalidParameter, parse_month
from meedoen.residents.api.views import FORBIDDEN, NOT_FOUND, resident_or_403

from . import explain
from .models import MonthlyCalculation, PaymentCorrection

API_ROLES = (Role.CASEWORKER, Role.TEAM_LEAD)  # as money.views.MONEY_ROLES
RESIDENT_PARAMETER = OpenApiParameter(
    "resident_public_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="Publiek id van het dossier.")
MONTH_PARAMETER = OpenApiParameter(
    "month", OpenApiTypes.STR, OpenApiParameter.QUERY, description="Alleen deze maand, als JJJJ-MM (bijv. 2026-03).")


def staff_resident_or_403(request, public_id, *, part):
    """The dossier for a klantmanager or teamleider who may see it; otherwise 403 (audited) or 404."""
    if request.user.role not in API_ROLES:
        audit.record(request, AuditEntry.Action.DENIED, detail={"part": part})
        raise exceptions.PermissionDenied(_("Dit is alleen te zien voor de klantmanager en de teamleider."))
    return resident_or_403(request, public_id)


class LineSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField(help_text="Korte naam van de regel (Nederlands).")
    text = serializers.CharField(help_text="Uitleg in gewone woorden (B1).")
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    sign = serializers.IntegerField(help_text="+1 erbij, -1 eraf, 0 informatie of (sub)totaal.")
    rule = serializers.CharField()
    citation = serializers.CharField(help_text="De wettelijke bron of de beleidsregel.")


class CorrectionSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display")
    previous_version = serializers.IntegerField(source="previous.version")
    previous_total_paid = serializers.DecimalField(source="previous.total_paid", max_digits=10, decimal_places=2)
    letter_reference = serializers.CharField(source="letter.reference", default=None, allow_null=True)

    class Meta:
        model = PaymentCorrection
        fields = ["kind", "kind_display", "amount", "reason", "previous_version", "previous_total_paid",
                  "letter_reference", "created_at"]


class MonthlyCalculationSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display")
    lines = serializers.SerializerMethodField()
    warnings = serializers.SerializerMethodField()
    decided_by_name = serializers.SerializerMethodField()
    replaces_version = serializers.IntegerField(source="replaces.version", default=None, allow_null=True)
    correction = serializers.SerializerMethodField()

    class Meta:
        model = MonthlyCalculation
        fields = ["month", "version", "status", "status_display", "norm", "income", "disregard", "offset", "measure",
                  "holiday_reserved", "holiday_paid", "premium_paid", "amount_to_pay", "total_paid", "lines",
                  "warnings", "decided_at", "decided_by_name", "replaces_version", "correction"]

    @extend_schema_field(LineSerializer(many=True))
    def get_lines(self, calc):
        return LineSerializer(explain.describe_lines(calc.lines), many=True).data

    def get_warnings(self, calc) -> list[str]:
        return [explain.warning_text(code) for code in calc.warnings]

    def get_decided_by_name(self, calc) -> str:
        user = calc.decided_by
        return (user.get_full_name() or user.get_username()) if user else ""

    @extend_schema_field(CorrectionSerializer(allow_null=True))
    def get_correction(self, calc):
        """The difference this version made to the one it replaced (none for a first version)."""
        try:
            correction = calc.correction_to
        except PaymentCorrection.DoesNotExist:
            return None
        return CorrectionSerializer(correction).data


@extend_schema_view(
    list=extend_schema(
        summary="Maandberekeningen van een inwoner",
        description=(
            "De vastgestelde maanden en hun eerdere versies (vervangen door een herberekening), nieuwste eerst, "
            "elk met de regels van de berekening en hun uitleg, de wettelijke bron, en het verschil "
            "(terugvordering of nabetaling) met de versie ervoor. Alleen voor de klantmanager en de teamleider."),
        parameters=[RESIDENT_PARAMETER, MONTH_PARAMETER],
        responses={200: MonthlyCalculationSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND},
    ),
)
class ResidentMonthlyCalculationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = MonthlyCalculationSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no resident in the URL
            return MonthlyCalculation.objects.none()
        queryset = (MonthlyCalculation.objects.filter(resident=self.resident)
                    .exclude(status=MonthlyCalculation.Status.DRAFT)
                    .select_related("decided_by", "replaces", "correction_to__previous", "correction_to__letter")
                    .defer("inputs", "state_after", "correction_to__letter__pdf",
                           "correction_to__letter__body_html", "correction_to__letter__document_html")
                    .order_by("-month", "-version"))
        try:
            month = parse_month(self.request.query_params.get("month"), name="month")
        except InvalidParameter as exc:  # 400; the API names the format as its schema does
            if exc.code != "invalid":
                raise
            raise exceptions.ValidationError({"month": _("Geef de maand als JJJJ-MM, bijvoorbeeld 2026-03.")}) \
                from None
        if month:
            queryset = queryset.filter(month=month)
        return queryset

    def list(self, request, *args, **kwargs):
        self.resident = staff_resident_or_403(request, self.kwargs["resident_public_id"], part="money")
        response = super().list(request, *args, **kwargs)
        audit.record(request, AuditEntry.Action.VIEW, resident=self.resident,
                     screen="api:resident-monthly-calculation-list", detail={"part": "monthly calculations"})
        return response
