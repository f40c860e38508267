"""Filters on the resident list. Deliberately no BSN filter: a BSN never belongs in a query string."""
import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meedoen.api.filters import DateFilter, FilterSet, IdFilter
from meedoen.residents.models import Resident


class ResidentFilter(FilterSet):
    neighbourhood = IdFilter(field_name="neighbourhood_id", label=_("Wijk (id)"))
    segment = django_filters.CharFilter(field_name="segment", label=_("Segment (code uit het beleidsprofiel)"))
    caseworker = IdFilter(field_name="current_caseworker_id", label=_("Klantmanager (id)"))
    date_of_birth = DateFilter(field_name="date_of_birth", label=_("Geboortedatum"))
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
