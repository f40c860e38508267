"""Read-only API for policy profiles, for staff (every role except the resident)."""
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, viewsets

from meedoen.accounts.models import Role
from meedoen.policy.models import PolicyProfile

from .filters import PolicyProfileFilter
from .serializers import PolicyProfileSerializer


class IsStaffRole(permissions.BasePermission):
    message = "Beleidsprofielen zijn alleen zichtbaar voor medewerkers."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.role != Role.RESIDENT)


@extend_schema_view(
    list=extend_schema(summary="Beleidsprofielen", description="Alle versies, vastgesteld en concept."),
    retrieve=extend_schema(summary="Een versie van een beleidsprofiel"),
)
class PolicyProfileViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = PolicyProfile.objects.all()
    lookup_value_converter = "id"
    serializer_class = PolicyProfileSerializer
    permission_classes = [IsStaffRole]
    filterset_class = PolicyProfileFilter
