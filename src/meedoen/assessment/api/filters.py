"""Filters on a resident's assessment history."""
import django_filters

from meedoen.api.filters import DateFilter, FilterSet
from meedoen.assessment.models import Assessment


class AssessmentFilter(FilterSet):
    segment = django_filters.CharFilter(field_name="segment")
    assessed_after = DateFilter(field_name="assessed_at", lookup_expr="date__gte")
    assessed_before = DateFilter(field_name="assessed_at", lookup_expr="date__lte")

    class Meta:
        model = Assessment
        fields = []
