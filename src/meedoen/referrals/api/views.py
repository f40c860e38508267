"""API of the provider portal (/api/v1/partner/referrals/): provider staff list and read the referrals to their own
organisation and take the steps of the loop. Every action needs the `version` that was read; a stale version gives
409 and changes nothing. Another organisation's referral gives 403 and a DENIED audit entry; every read is audited."""
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from meedoen.api import problems
from meedoen.audit import services as audit
from meedoen.audit.models import AuditEntry
from meedoen.referrals import queries, services
from meedoen.referrals.models import Referral

from .serializers import (
    AcceptSerializer, DeclineSerializer, PlaceSerializer, ProviderReferralSerializer, ReportSerializer,
    ReturnSerializer,
)

# Error bodies are problem details (meedoen.api.schema adds them, and 401, 415 and 500, to every operation).
ACTION_RESPONSES = {
    200: ProviderReferralSerializer,
    400: OpenApiResponse(description="De invoer klopt niet, of deze stap kan niet (meer) bij deze doorverwijzing."),
    403: OpenApiResponse(description="Niet voor uw organisatie (de poging wordt gelogd)."),
    404: OpenApiResponse(description="Deze doorverwijzing bestaat niet."),
    409: OpenApiResponse(description="Iemand anders heeft de doorverwijzing intussen gewijzigd. Er is niets "
                                     "gewijzigd; `version` is de huidige versie."),
}


class IsProviderStaff(permissions.BasePermission):
    message = "Dit deel van de API is alleen voor medewerkers van een partnerorganisatie."

    def has_permission(self, request, view):
        return queries.is_provider_staff(request.user)


def _screen(view):
    return f"api:{view.basename}-{view.action}"


@extend_schema_view(
    list=extend_schema(
        summary="Doorverwijzingen naar uw organisatie",
        description="Alleen doorverwijzingen naar de eigen organisatie, en van de inwoner alleen wat u nodig hebt: "
                    "geen BSN, geen adres; gezondheid en schulden alleen met toestemming. Elke vraag wordt gelogd.",
        parameters=[OpenApiParameter("status", str, enum=Referral.Status.values,
                                     description="Alleen doorverwijzingen met deze status.")],
    ),
    retrieve=extend_schema(summary="Eén doorverwijzing", responses={200: ProviderReferralSerializer,
                                                                   403: ACTION_RESPONSES[403],
                                                                   404: ACTION_RESPONSES[404]}),
)
class ProviderReferralViewSet(viewsets.GenericViewSet):
    serializer_class = ProviderReferralSerializer
    permission_classes = [permissions.IsAuthenticated, IsProviderStaff]
    lookup_value_converter = "id"
    filter_backends = []

    def permission_denied(self, request, message=None, code=None):
        if request.user and request.user.is_authenticated:
            audit.record(request, AuditEntry.Action.DENIED, screen=_screen(self), detail={"part": "partner api"})
        super().permission_denied(request, message=message, code=code)

    def get_queryset(self):
        return queries.provider_referrals(self.request.user)

    def get_object(self):
        pk = self.kwargs["pk"]
        referral = self.get_queryset().filter(pk=pk).first()
        if referral is not None:
            return referral
        other = Referral.objects.filter(pk=pk).values_list("resident_id", flat=True).first()
        if other is None:
            raise exceptions.NotFound(_("Deze doorverwijzing bestaat niet."))
        audit.record(self.request, AuditEntry.Action.DENIED, resident=other, screen=_screen(self),
                     detail={"referral": int(pk)})
        raise exceptions.PermissionDenied(_("Deze doorverwijzing is niet voor uw organisatie."))

    def list(self, request):
        qs = self.get_queryset().order_by("-referred_at", "-id")
        wanted = request.query_params.get("status")
        if wanted:
            if wanted not in Referral.Status.values:
                raise exceptions.ValidationError({"status": [_("Onbekende status.")]})
            qs = qs.filter(status=wanted)
        page = self.paginate_queryset(qs)
        rows = [queries.provider_view(r) for r in page]
        audit.record(request, AuditEntry.Action.VIEW, screen=_screen(self),
                     detail={"part": "partner referrals", "referrals": [r["id"] for r in rows]})
        return self.get_paginated_response(ProviderReferralSerializer(rows, many=True).data)

    def retrieve(self, request, pk=None):
        referral = self.get_object()
        audit.record(request, AuditEntry.Action.VIEW, resident=referral.resident_id, obj=referral,
                     screen=_screen(self))
        return Response(ProviderReferralSerializer(queries.provider_view(referral)).data)

    def _act(self, request, serializer_class, call):
        referral = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        try:
            call(referral, data)
        except services.StaleReferral as exc:
            audit.record(request, AuditEntry.Action.CONFLICT, resident=referral.resident_id, obj=referral,
                         screen=_screen(self))
            # Returned, not raised: the conflict entry must survive even under ATOMIC_REQUESTS.
            return problems.response(status.HTTP_409_CONFLICT, services.STALE_MESSAGE, code="version_conflict",
                                     request=request, version=exc.current_version)
        audit.record(request, AuditEntry.Action.UPDATE, resident=referral.resident_id, obj=referral,
                     screen=_screen(self), detail={"action": self.action})
        fresh = self.get_queryset().get(pk=referral.pk)
        return Response(ProviderReferralSerializer(queries.provider_view(fresh)).data)

    @extend_schema(summary="Accepteren", request=AcceptSerializer, responses=ACTION_RESPONSES)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._act(request, AcceptSerializer, lambda r, d: services.accept(
            r, actor=request.user, version=d["version"], note=d["note"]))

    @extend_schema(summary="Niet accepteren (met reden)", request=DeclineSerializer, responses=ACTION_RESPONSES)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self._act(request, DeclineSerializer, lambda r, d: services.decline(
            r, actor=request.user, version=d["version"], reason=d["reason"]))

    @extend_schema(summary="Plaatsen", description="Zet de begeleidingstermijn en de eerste terugkoppeling volgens "
                   "het contract (standaard 6 maanden).", request=PlaceSerializer, responses=ACTION_RESPONSES)
    @action(detail=True, methods=["post"])
    def place(self, request, pk=None):
        return self._act(request, PlaceSerializer, lambda r, d: services.place(
            r, actor=request.user, version=d["version"], placed_on=d["placed_on"],
            hours_per_week=d["hours_per_week"]))

    @extend_schema(summary="Terugmelden met advies", request=ReturnSerializer, responses=ACTION_RESPONSES)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_with_advice(self, request, pk=None):
        return self._act(request, ReturnSerializer, lambda r, d: services.return_with_advice(
            r, actor=request.user, version=d["version"], advice=d["advice"]))

    @extend_schema(summary="Terugkoppeling geven", request=ReportSerializer, responses=ACTION_RESPONSES)
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        return self._act(request, ReportSerializer, lambda r, d: services.report(
            r, actor=request.user, version=d["version"], progress=d["progress"], text=d["text"],
            hours_per_week=d["hours_per_week"]))
