"""API (read-only): a resident's exemptions (ontheffingen) and measures (maatregelen). Mounted at
/api/v1/residents/<public_id>/exemptions/ and .../measures/ (meedoen.api.urls).

Access as in the dossier: the klantmanager and the teamleider, for dossiers they may see (role AND relation,
residents.access); anyone else gets 403 and the attempt is audited. Every read is audited.
"""
from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from meedoen.audit import services as audit
from meedoen.audit.models import AuditEntry
from meedoen.money.api import RESIDENT_PARAMETER, staff_resident_or_403
from meedoen.residents.api.views import FORBIDDEN, NOT_FOUND

from .models import Exemption, Measure


def _name(user):
    return (user.get_full_name() or user.get_username()) if user else ""


class ExemptionSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display")
    status_display = serializers.CharField(source="get_status_display")
    granted_by_name = serializers.SerializerMethodField()
    next_date = serializers.DateField(allow_null=True, help_text="De datum om opnieuw te bekijken of het einde, "
                                                                 "wat het eerst komt.")

    class Meta:
        model = Exemption
        fields = ["id", "kind", "kind_display", "covers", "grounds", "evidence_note", "requested_on",
                  "child_date_of_birth", "starts_on", "ends_on", "review_on", "next_date", "status", "status_display",
                  "ended_on", "end_reason", "last_reviewed_on", "review_note", "granted_by_name", "rule", "created_at"]

    def get_granted_by_name(self, exemption) -> str:
        return _name(exemption.granted_by)


class MeasureSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display")
    breached_obligation_display = serializers.CharField(source="get_breached_obligation_display")
    outcome_display = serializers.CharField(source="get_outcome_display")
    proposed_by_name = serializers.SerializerMethodField()
    decided_by_name = serializers.SerializerMethodField()
    letter_reference = serializers.CharField(source="letter.reference", default=None, allow_null=True,
                                             help_text="Het kenmerk van de beschikking.")
    policy_profile = serializers.StringRelatedField()

    class Meta:
        model = Measure
        fields = ["id", "status", "status_display", "source", "regime", "breached_obligation",
                  "breached_obligation_display", "category", "facts", "occurred_on", "blame", "blame_note",
                  "proposed_by_name", "proposed_on", "outcome", "outcome_display", "percentage", "months",
                  "spread_over_months", "starts_on", "ends_on", "repeat_count", "urgent_reasons", "decision_grounds",
                  "decided_by_name", "decided_on", "objection_deadline", "reconsider_by", "reconsidered_on",
                  "reconsideration_note", "withdrawn_reason", "letter_reference", "policy_profile", "rule"]

    def get_proposed_by_name(self, measure) -> str:
        return _name(measure.proposed_by)

    def get_decided_by_name(self, measure) -> str:
        return _name(measure.decided_by)


class _ResidentListViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    model = None
    part = ""

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no resident in the URL
            return self.model.objects.none()
        return self.model.objects.filter(resident=self.resident)

    def list(self, request, *args, **kwargs):
        self.resident = staff_resident_or_403(request, self.kwargs["resident_public_id"], part=self.part)
        response = super().list(request, *args, **kwargs)
        audit.record(request, AuditEntry.Action.VIEW, resident=self.resident,
                     screen=f"api:{self.basename}-list", detail={"part": self.part})
        return response


@extend_schema_view(list=extend_schema(
    summary="Ontheffingen van een inwoner",
    description="Alle ontheffingen (lopend en beëindigd), nieuwste eerst. Alleen voor de klantmanager en de "
                "teamleider.",
    parameters=[RESIDENT_PARAMETER],
    responses={200: ExemptionSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND},
))
class ResidentExemptionViewSet(_ResidentListViewSet):
    serializer_class = ExemptionSerializer
    model = Exemption
    part = "exemptions"

    def get_queryset(self):
        return super().get_queryset().select_related("granted_by").order_by("-starts_on", "-id")


@extend_schema_view(list=extend_schema(
    summary="Maatregelen van een inwoner",
    description="Voorstellen en besluiten over maatregelen (art. 18 Participatiewet), nieuwste eerst, met het "
                "kenmerk van de beschikking. Alleen voor de klantmanager en de teamleider.",
    parameters=[RESIDENT_PARAMETER],
    responses={200: MeasureSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND},
))
class ResidentMeasureViewSet(_ResidentListViewSet):
    serializer_class = MeasureSerializer
    model = Measure
    part = "measures"

    def get_queryset(self):
        return (super().get_queryset().select_related("proposed_by", "decided_by", "letter", "policy_profile")
                .defer("letter__pdf", "letter__body_html", "letter__document_html")
                .order_by("-proposed_on", "-id"))
