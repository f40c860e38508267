"""API for resident dossiers. Permission lives in the queryset (access.visible_residents); every call is audited."""
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.response import Response

from meedoen.accounts.models import Role
from meedoen.api import problems
from meedoen.audit import services as audit
from meedoen.audit.models import AuditEntry
from meedoen.residents import access, services
from meedoen.residents.models import Resident

from .filters import ResidentFilter
from .serializers import ResidentCreateSerializer, ResidentSerializer, ResidentUpdateSerializer

CONFLICT_MESSAGE = gettext_lazy(
    "Iemand anders heeft dit dossier opgeslagen nadat u het ophaalde. Uw wijziging is niet opgeslagen. "
    "Haal het dossier opnieuw op, bekijk de nieuwe gegevens en stuur uw wijziging dan nog een keer, "
    "met de nieuwe versie."
)

# Error responses: the schema class (meedoen.api.schema) gives each the problem-details body; these only describe.
FORBIDDEN = OpenApiResponse(description="Geen toegang tot dit dossier (de poging wordt gelogd).")
NOT_FOUND = OpenApiResponse(description="Dit dossier bestaat niet, of een paginanummer voorbij de laatste pagina.")
FIELD_ERRORS = OpenApiResponse(
    description="De invoer klopt niet. In `invalidParams` staat per veld wat er niet goed is, bijvoorbeeld "
                "{\"name\": \"bsn\", \"code\": \"invalid_bsn\", \"reason\": \"Dit is geen geldig BSN…\"}."
)


def resident_or_403(request, public_id, *, for_edit=False):
    """The dossier `public_id` if the user may see (or edit) it; otherwise 404, or 403 plus a 'denied' audit entry.

    Wraps access.get_resident_or_deny (which wants Django's request; DRF's wraps it, with the API user set on it)
    so the refusal carries the same Dutch message as elsewhere instead of DRF's generic one.
    """
    try:
        return access.get_resident_or_deny(getattr(request, "_request", request), public_id, for_edit=for_edit)
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc) or None) from None


def _screen(view):
    return f"api:{view.basename}-{view.action}"


CONFLICT = OpenApiResponse(
    description="Iemand anders heeft het dossier opgeslagen nadat u het ophaalde. Er is niets gewijzigd; `version` "
                "is de huidige versie.",
    examples=[
        OpenApiExample("Conflict", value={
            "type": "https://www.rfc-editor.org/rfc/rfc9110#status.409", "title": "Conflict met de huidige gegevens",
            "status": 409, "detail": "Iemand anders heeft dit dossier opgeslagen…", "code": "version_conflict",
            "instance": "/api/v1/residents/4f0c2a8e-0d7e-4b9b-9a51-1f8e6f1f2c3d/", "version": 4,
        }),
    ],
)
STALE_VERSION_NOTE = (
    "Stuur altijd de `version` mee die u las. Klopt die niet meer, dan volgt 409 en verandert er niets."
)
UPDATE_RESPONSES = {200: ResidentSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT}


@extend_schema_view(
    list=extend_schema(
        summary="Inwoners zoeken",
        description=(
            "Alleen de dossiers die u mag zien (eigen team, of eigen wijk voor het wijkteam als het beleid dat "
            "toestaat). Zoeken op BSN kan hier niet: een BSN hoort niet in een URL. Elke zoekvraag wordt gelogd."
        ),
    ),
    retrieve=extend_schema(
        summary="Een dossier bekijken",
        responses={200: ResidentSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="Een inwoner inschrijven",
        description=(
            "Voor klantmanagers en teamleiders. Een klantmanager die inschrijft wordt de klantmanager van de "
            "inwoner, tenzij een andere klantmanager uit het team wordt gekozen."
        ),
        request=ResidentCreateSerializer,
        responses={201: ResidentSerializer, 400: FIELD_ERRORS,
                   403: OpenApiResponse(description="U mag geen inwoners inschrijven (alleen klantmanagers en "
                                                    "teamleiders).")},
    ),
    update=extend_schema(
        summary="Een dossier wijzigen (alle velden)",
        description=STALE_VERSION_NOTE,
        request=ResidentUpdateSerializer,
        responses=UPDATE_RESPONSES,
    ),
    partial_update=extend_schema(
        summary="Een dossier wijzigen (enkele velden)",
        description=STALE_VERSION_NOTE,
        request=ResidentUpdateSerializer,
        responses=UPDATE_RESPONSES,
    ),
)
class ResidentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Resident dossiers, looked up by their public id (never by BSN)."""

    serializer_class = ResidentSerializer
    filterset_class = ResidentFilter
    lookup_field = "public_id"
    lookup_value_converter = "uuid"

    def get_queryset(self):
        return access.visible_residents(self.request.user).select_related("neighbourhood", "current_caseworker")

    def get_serializer_class(self):
        if self.action == "create":
            return ResidentCreateSerializer
        if self.action in ("update", "partial_update"):
            return ResidentUpdateSerializer
        return ResidentSerializer

    def get_object(self):
        resident = resident_or_403(
            self.request, self.kwargs[self.lookup_field], for_edit=self.action in ("update", "partial_update")
        )
        return self._reload(resident)

    def _reload(self, resident):
        return Resident.objects.select_related("neighbourhood", "current_caseworker").get(pk=resident.pk)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        if page is None:
            rows = list(queryset)
            response, count = Response(ResidentSerializer(rows, many=True).data), len(rows)
        else:
            response = self.get_paginated_response(ResidentSerializer(page, many=True).data)
            count = self.paginator.page.paginator.count
        # Which filters were used, never their values (a name is personal data too).
        used = sorted(k for k in ResidentFilter.base_filters if request.query_params.get(k))
        audit.record(request, AuditEntry.Action.SEARCH, screen=_screen(self), detail={"count": count, "filters": used})
        return response

    def retrieve(self, request, *args, **kwargs):
        resident = self.get_object()
        audit.record(request, AuditEntry.Action.VIEW, resident=resident, screen=_screen(self))
        return Response(ResidentSerializer(resident).data)

    def create(self, request, *args, **kwargs):
        user = request.user
        if user.role not in access.EDIT_ROLES or user.municipality_id is None:
            audit.record(request, AuditEntry.Action.DENIED, screen=_screen(self), detail={"create": True})
            raise exceptions.PermissionDenied(_("U mag geen inwoners inschrijven."))
        serializer = ResidentCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        caseworker = fields.pop("caseworker", None)
        if caseworker is None and user.role == Role.CASEWORKER:
            caseworker = user
        resident = services.register_resident(
            actor=user, caseworker=caseworker, municipality_id=user.municipality_id, **fields
        )
        audit.record(request, AuditEntry.Action.CREATE, resident=resident, screen=_screen(self))
        location = self.reverse_action("detail", kwargs={"public_id": resident.public_id})
        return Response(
            ResidentSerializer(self._reload(resident)).data, status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        resident = self.get_object()
        serializer = ResidentUpdateSerializer(
            resident, data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        expected_version = changes.pop("version")
        try:
            # Checked here as well as in the service, so a stale version is refused even when nothing would change.
            if expected_version != resident.version:
                raise services.ConcurrentEditError
            resident, changed = services.update_resident(
                resident, changes, expected_version=expected_version, actor=request.user
            )
        except services.ConcurrentEditError:
            audit.record(
                request, AuditEntry.Action.CONFLICT, resident=resident, screen=_screen(self),
                detail={"fields": sorted(changes)},
            )
            current = Resident.objects.filter(pk=resident.pk).values_list("version", flat=True).first()
            # Returned, not raised: the conflict entry must survive even under ATOMIC_REQUESTS.
            return problems.response(status.HTTP_409_CONFLICT, CONFLICT_MESSAGE, code="version_conflict",
                                     request=request, version=current)
        audit.record(
            request, AuditEntry.Action.UPDATE, resident=resident, screen=_screen(self), detail={"fields": changed}
        )
        return Response(ResidentSerializer(self._reload(resident)).data)
