"""Filters on a resident's assessment history."""
import django_filters

from meedoen.assessment.models import Assessment


class AssessmentFilter(django_filters.FilterSet):
    segment = django_filters.CharFilter(field_name="segment")
    assessed_after = django_filters.DateFilter(field_name="assessed_at", lookup_expr="date__gte")
    assessed_before = django_filters.DateFilter(field_name="assessed_at", lookup_expr="date__lte")

    class Meta:
        model = Assessment
        fields = []
