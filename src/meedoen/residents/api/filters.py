"""Filters on the resident list. Deliberately no BSN filter: a BSN never belongs in a query string."""
import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from meedoen.residents.models import Resident


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """A whole-number id (NumberFilter would accept 1.5)."""

    field_class = forms.IntegerField


class ResidentFilter(django_filters.FilterSet):
    neighbourhood = IdFilter(field_name="neighbourhood_id", label=_("Wijk (id)"))
    segment = django_filters.CharFilter(field_name="segment", label=_("Segment (code uit het beleidsprofiel)"))
    caseworker = IdFilter(field_name="current_caseworker_id", label=_("Klantmanager (id)"))
    date_of_birth = django_filters.DateFilter(field_name="date_of_birth", label=_("Geboortedatum"))
    name = django_filters.CharFilter(
        method="filter_name", max_length=100,
        label=_("Naam: elk woord moet voorkomen in voornaam of achternaam (hoofdletters maken niet uit)"),
    )

    class Meta:
        model = Resident
        fields = []

    def filter_name(self, queryset, name, value):
        # Same behaviour as the search screen: "fat jans" finds Fatima Jansen.
        for term in value.split():
            queryset = queryset.filter(Q(first_name__icontains=term) | Q(last_name__icontains=term))
        return queryset
