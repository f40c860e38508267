"""Building blocks for the API's FilterSets: every filter on an id or a number is bounded, so a value a database
integer cannot hold (or NaN, or Infinity) is a 400 with a message, never a 500. Every FilterSet of the API derives
from `FilterSet` below (a test walks them all)."""
import django_filters
from django.db import models
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from meedoen import formtools


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """The id of a record: a whole number from 1 up to the largest a database integer holds (NumberFilter would take
    1.5, and 99999999999999999999 that the database cannot compare)."""

    field_class = formtools.IdField

    def get_max_validator(self):
        return None  # IdField has its own bounds


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(django_filters.NumberFilter):
    """A whole number a database integer holds."""

    field_class = formtools.IdField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", -formtools.INT64_MAX - 1)
        super().__init__(*args, **kwargs)

    def get_max_validator(self):
        return None


class DecimalFilter(django_filters.NumberFilter):
    """A finite number (no NaN or Infinity)."""

    field_class = formtools.DecimalField


class DateFilter(django_filters.DateFilter):
    """A date from formtools.FIRST_DAY to LAST_DAY."""

    field_class = formtools.DateField


BOUNDED = {
    models.DateField: {"filter_class": DateFilter},
    models.AutoField: {"filter_class": IdFilter},
    models.BigAutoField: {"filter_class": IdFilter},
    models.SmallAutoField: {"filter_class": IdFilter},
    models.IntegerField: {"filter_class": IntegerFilter},
    models.BigIntegerField: {"filter_class": IntegerFilter},
    models.SmallIntegerField: {"filter_class": IntegerFilter},
    models.PositiveIntegerField: {"filter_class": IntegerFilter},
    models.PositiveBigIntegerField: {"filter_class": IntegerFilter},
    models.PositiveSmallIntegerField: {"filter_class": IntegerFilter},
    models.DecimalField: {"filter_class": DecimalFilter},
    models.FloatField: {"filter_class": DecimalFilter},
}


class FilterSet(django_filters.FilterSet):
    """django-filter's FilterSet with bounded filters for the numbers it generates from Meta.fields."""

    FILTER_DEFAULTS = {**FILTER_FOR_DBFIELD_DEFAULTS, **BOUNDED}
