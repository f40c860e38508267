"""Assessments of one resident: the history (GET) and a new assessment (POST). Both audited."""
import dataclasses

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.response import Response

from meedoen.assessment import services
from meedoen.assessment.models import Assessment
from meedoen.audit import services as audit
from meedoen.audit.models import AuditEntry
from meedoen.policy.models import PolicyProfile
from meedoen.policy.services import active_profile
from meedoen.residents.api.views import FIELD_ERRORS, FORBIDDEN, NOT_FOUND, resident_or_403

from .filters import AssessmentFilter
from .serializers import AssessmentCreateSerializer, AssessmentSerializer

RESIDENT_PARAMETER = OpenApiParameter(
    "resident_public_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="Publiek id van het dossier."
)


class NoActivePolicy(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "no_active_policy"
    default_detail = _(
        "Voor deze gemeente is vandaag geen vastgesteld beleidsprofiel van kracht. "
        "Vraag de functioneel beheerder een profiel vast te stellen."
    )


@extend_schema_view(
    list=extend_schema(
        summary="Inschattingen van een inwoner",
        parameters=[RESIDENT_PARAMETER],
        responses={200: AssessmentSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="Een nieuwe inschatting (de knip) vastleggen",
        description=(
            "Leeftijd en duur van de uitkering komen uit het dossier; de overige factoren stuurt u mee. "
            "Het antwoord toont de bijdrage van elke factor, de regel die het segment koos, en de versie van het "
            "beleidsprofiel en de rekenregels. Afwijken van het berekende segment kan alleen met een reden."
        ),
        parameters=[RESIDENT_PARAMETER],
        request=AssessmentCreateSerializer,
        responses={201: AssessmentSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND,
                   409: OpenApiResponse(description="Geen vastgesteld beleidsprofiel van kracht.")},
    ),
)
class ResidentAssessmentViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter

    def get_serializer_class(self):
        return AssessmentCreateSerializer if self.action == "create" else AssessmentSerializer

    def _resident(self, *, for_edit):
        return resident_or_403(self.request, self.kwargs["resident_public_id"], for_edit=for_edit)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no resident in the URL
            return Assessment.objects.none()
        resident = getattr(self, "resident", None) or self._resident(for_edit=False)
        return Assessment.objects.filter(resident=resident).select_related("policy_profile", "assessed_by")

    def list(self, request, *args, **kwargs):
        self.resident = self._resident(for_edit=False)
        response = super().list(request, *args, **kwargs)
        audit.record(
            request, AuditEntry.Action.VIEW, resident=self.resident, screen="api:resident-assessment-list",
            detail={"part": "assessments"},
        )
        return response

    def create(self, request, *args, **kwargs):
        resident = self._resident(for_edit=True)
        try:
            profile = active_profile(resident.municipality)
        except PolicyProfile.DoesNotExist:
            raise NoActivePolicy from None
        serializer = AssessmentCreateSerializer(data=request.data, context={**self.get_serializer_context(),
                                                                             "profile": profile})
        serializer.is_valid(raise_exception=True)
        inputs = dataclasses.replace(services.inputs_from_resident(resident), **serializer.factor_values())
        data = serializer.validated_data
        # A Django ValidationError from the service becomes a 400 with field errors (meedoen.api.exceptions).
        assessment = services.record_assessment(
            resident, inputs, actor=request.user, profile=profile, override_segment=data["override_segment"],
            override_reason=data["override_reason"], notes=data["notes"],
        )
        audit.record(
            request, AuditEntry.Action.CREATE, resident=resident, obj=assessment,
            screen="api:resident-assessment-create",
        )
        assessment = Assessment.objects.select_related("policy_profile", "assessed_by").get(pk=assessment.pk)
        return Response(AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)
