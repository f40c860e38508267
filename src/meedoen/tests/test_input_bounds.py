"""Guards that keep every way into the system bounded (meedoen.formtools): the URL patterns, every form field that
parses a number or a date, and every API filter. A new form, URL or filter that bypasses the shared helpers fails
here, before a fuzzer finds the 500."""
import django_filters
import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

import meedoen.urls  # noqa: F401  (imports every view, form and API filter of the project)
from meedoen import formtools
from meedoen.api.filters import FilterSet

HOSTILE = ["0001-01-01", "9999-12-31", "99999999999999999999999", "-99999999999999999999", "NaN", "inf", "-Infinity",
           "1e999999", "x" * 5000, "1" * 5000, "abc", "-1", ""]


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _project_classes(base):
    found = {c for c in _subclasses(base) if c.__module__.startswith("meedoen.") and ".tests" not in c.__module__}
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def _patterns(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.pattern.converters


def test_no_url_pattern_uses_djangos_unbounded_int_converter():
    unbounded = [route for route, converters in _patterns(get_resolver())
                 if any(isinstance(c, IntConverter) for c in converters.values())]
    assert unbounded == [], "use <id:…> (meedoen.formtools.IdConverter) instead of <int:…>"


FORMS = _project_classes(forms.BaseForm)


def test_the_project_forms_are_found():
    assert len(FORMS) > 40


def _unbounded_fields(form_class):
    for name, field in form_class.base_fields.items():
        if isinstance(field, forms.DecimalField) and not isinstance(field, formtools.DecimalField):
            yield name, "DecimalField: use meedoen.formtools.DecimalField"
        elif isinstance(field, forms.FloatField):
            yield name, "FloatField: use meedoen.formtools.DecimalField"
        elif (isinstance(field, forms.IntegerField) and not isinstance(field, (forms.DecimalField, forms.FloatField))
              and (field.min_value is None or field.max_value is None)):
            yield name, "IntegerField without bounds: use meedoen.formtools.IntegerField or IdField"
        elif isinstance(field, forms.DateTimeField) and not isinstance(field, formtools.DateTimeField):
            yield name, "DateTimeField: use meedoen.formtools.DateTimeField"
        elif isinstance(field, forms.DateField) and not isinstance(field, formtools.DateField):
            yield name, "DateField: use meedoen.formtools.DateField (ModelForm: Meta.formfield_callback)"


@pytest.mark.parametrize("form_class", FORMS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_number_and_date_field_of_a_form_is_bounded(form_class):
    assert dict(_unbounded_fields(form_class)) == {}


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", FORMS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_hostile_values_in_a_number_or_date_field_are_a_form_error_never_an_exception(form_class):
    for field in form_class.base_fields.values():
        if not isinstance(field, (forms.IntegerField, forms.DateField, forms.DateTimeField, formtools.MonthField)):
            continue
        for value in HOSTILE:
            try:
                field.clean(value)
            except ValidationError as exc:
                assert exc.messages


FILTERSETS = _project_classes(django_filters.FilterSet)


def test_every_api_filterset_derives_from_the_bounded_base():
    assert FILTERSETS, "no FilterSet found"
    assert [f for f in FILTERSETS if not issubclass(f, FilterSet)] == []


@pytest.mark.django_db
@pytest.mark.parametrize("filterset", FILTERSETS, ids=lambda c: c.__qualname__)
def test_hostile_values_in_an_api_filter_are_refused_or_bounded(filterset):
    for name, flt in filterset.base_filters.items():
        field = flt.field
        for value in HOSTILE:
            try:
                cleaned = field.clean(value)
            except ValidationError as exc:
                assert exc.messages, name
                continue
            if isinstance(cleaned, int):
                assert -formtools.INT64_MAX - 1 <= cleaned <= formtools.INT64_MAX, name
