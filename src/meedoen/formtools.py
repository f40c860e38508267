"""Form and request-parameter helpers shared by the apps' views.

Everything a request brings in (a query parameter, a hidden field, a path segment) is parsed here, bounded to what
the rest of the system can handle, and refused with a Dutch message otherwise:

- ids and other whole numbers fit a 64-bit database integer (`parse_id`, `parse_ids`, `IdField`, the `<id:…>`
  path converter); a bigger number would make SQLite raise OverflowError and PostgreSQL a DataError;
- page numbers stay below `MAX_PAGE` (`parse_page`, `get_page`), so an offset never overflows either;
- months lie between `FIRST_MONTH` and `LAST_MONTH` (`MonthField`, `parse_month`), dates between `FIRST_DAY` and
  `LAST_DAY` (`DateField`, `DateTimeField`, and `formfield` for ModelForms), so month arithmetic (the month before,
  the month after) and month-by-month loops stay inside the calendar;
- a period is at most `MAX_PERIOD_YEARS` long (`check_period`);
- decimals are finite and bounded (`DecimalField`, `parse_decimal`): no NaN or Infinity;
- a `next` address is a path on this site (`next_url`, `redirect_to_next`), never something `redirect()` would
  try to resolve as a view name.

A parser raises `InvalidParameter` (a Django ValidationError). A form shows it next to its field; in a view that
does not catch it, `InvalidParameterMiddleware` answers 400 with the message, and in the API the exception handler
(meedoen.api.exceptions) answers 400 with the message under the parameter's name.
"""
import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, gettext_lazy as _

INT64_MAX = 2**63 - 1  # the largest value of a bigint column (PostgreSQL bigint, SQLite INTEGER)
MAX_PAGE = 100_000
MAX_PARAMETER_LENGTH = 100  # longer text is refused before it is parsed at all
MAX_NEXT_LENGTH = 2000
# Dates the system reasons about: wide enough for birth dates, narrow enough that the day or month before and after,
# a period's first and last day and ages all stay valid dates. Months (of benefit, income, a report) and periods (of
# monitoring) start in 2000: the Participatiewet's predecessor (WWB) is from 2004, the norms loaded from 2026.
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)
FIRST_MONTH = dt.date(2000, 1, 1)
LAST_MONTH = dt.date(2100, 12, 1)
MAX_PERIOD_YEARS = 10

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
WHOLE_NUMBER = re.compile(r"^[+-]?\d+$")


def add_validation_error(form, exc: ValidationError, *, to_top=()):
    """Put a service's ValidationError next to the right field of `form`, or on top of the form when it belongs to
    no field of the form (or to a field named in `to_top`, e.g. a hidden lock version)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields and field not in to_top else None, errors)


# -- refusing a parameter ---------------------------------------------------------------------------------------------


class InvalidParameter(ValidationError):
    """A request parameter that cannot be used, with the message for the user under the parameter's name."""

    def __init__(self, name, message, code="invalid"):
        super().__init__({name: [ValidationError(message, code=code)]})
        self.name, self.code = name, code


def bad_request(request, errors):
    """The 400 page with these messages (a list of sentences)."""
    if getattr(request, "htmx", False):
        return HttpResponse(" ".join(map(str, errors)), status=400, content_type="text/plain; charset=utf-8")
    return render(request, "400.html", {"errors": errors}, status=400)


def form_errors(form):
    """The errors of a bound form as sentences for the 400 page, each after its field's label."""
    texts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        texts += [f"{label}: {error}" if label else str(error) for error in errors]
    return texts


class InvalidParameterMiddleware:
    """Answers an InvalidParameter that a view let through with 400 and the message (not 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, InvalidParameter):
            return None
        return bad_request(request, exception.messages)


def _text(value, name):
    """The parameter as stripped text ('' when absent); refused when it is too long to be anything useful."""
    if value is None:
        return ""
    text = str(value).strip()
    if len(text) > MAX_PARAMETER_LENGTH:
        raise InvalidParameter(name, gettext("Deze waarde is te lang."), code="too_long")
    return text


# -- whole numbers, ids and pages -------------------------------------------------------------------------------------


def parse_int(value, *, name, min_value=0, max_value=INT64_MAX, default=None, message=None):
    """A whole number from min_value to max_value (both inclusive), or `default` when the parameter is empty."""
    text = _text(value, name)
    if not text:
        return default
    number = int(text) if WHOLE_NUMBER.match(text) and len(text) <= 20 else None
    if number is None or not min_value <= number <= max_value:
        raise InvalidParameter(name, message or gettext(
            "Vul een heel getal in van %(min)s tot en met %(max)s.") % {
            "min": number_format(min_value, force_grouping=True), "max": number_format(max_value, force_grouping=True)})
    return number


def _id_message():
    return gettext("Dit nummer bestaat niet. Open de pagina opnieuw via een link in Meedoen.")


def parse_id(value, *, name="id", default=None):
    """The id of a record: a whole number from 1 up to the largest a database integer holds."""
    return parse_int(value, name=name, min_value=1, max_value=INT64_MAX, default=default, message=_id_message())


def parse_ids(values, *, name="id"):
    """Ids from a list of parameters (request.POST.getlist(name)). Every value must be an id, an empty one too: a bad
    value is refused, never dropped (an action on 'all but the bad ones', or on all when none is left, is not what
    was asked)."""
    ids = []
    for value in values:
        number = parse_id(value, name=name)
        if number is None:
            raise InvalidParameter(name, _id_message())
        ids.append(number)
    return ids


def parse_page(value, *, name="pagina"):
    """A page number from 1 to MAX_PAGE; page 1 when the parameter is empty."""
    return parse_int(value, name=name, min_value=1, max_value=MAX_PAGE, default=1, message=gettext(
        "Deze pagina bestaat niet. Kies een paginanummer van 1 tot en met %(max)s.") % {
        "max": number_format(MAX_PAGE, force_grouping=True)})


def get_page(paginator, request, name="pagina"):
    """The page the request asks for (Paginator.get_page: a page past the end shows the last one); a page number
    that is not a whole number from 1 to MAX_PAGE is refused with 400."""
    return paginator.get_page(parse_page(request.GET.get(name), name=name))


class IntegerField(forms.IntegerField):
    """A whole number in a form, by default any a database integer holds (Django's IntegerField has no bounds)."""

    def __init__(self, *, min_value=-INT64_MAX - 1, max_value=INT64_MAX, **kwargs):
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)

    def to_python(self, value):
        if isinstance(value, str) and len(value) > MAX_PARAMETER_LENGTH:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class IdField(IntegerField):
    """A record id in a form: a whole number from 1 up to the largest a database integer holds."""

    def __init__(self, *, min_value=1, **kwargs):
        super().__init__(min_value=min_value, **kwargs)


class IdConverter:
    """The path converter `<id:pk>`: Django's `<int:pk>` bounded to what a database integer holds. A longer number is
    no match, so the answer is 404 (Django's int converter passes it on, and the lookup fails with a 500)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value):
        number = int(value)
        if number > INT64_MAX:
            raise ValueError("id out of range")
        return number

    def to_url(self, value):
        return str(value)


# -- months, dates and periods ----------------------------------------------------------------------------------------


def month_range_message():
    return gettext("Kies een maand van %(first)s tot en met %(last)s.") % {
        "first": FIRST_MONTH.strftime("%Y-%m"), "last": LAST_MONTH.strftime("%Y-%m")}


class MonthField(forms.CharField):
    """A calendar month as JJJJ-MM (what <input type="month"> sends), from FIRST_MONTH to LAST_MONTH; cleaned to
    its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "JJJJ-MM"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"min": FIRST_MONTH.strftime("%Y-%m"), "max": LAST_MONTH.strftime("%Y-%m")})

    def prepare_value(self, value):
        return value.strftime("%Y-%m") if isinstance(value, dt.date) else value

    def to_python(self, value):
        text = (super().to_python(value) or "").strip()
        if not text:
            return None
        match = MONTH.match(text) if len(text) <= MAX_PARAMETER_LENGTH else None
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise forms.ValidationError(_("Vul de maand in als jaar en maand, bijvoorbeeld 2026-03."), code="invalid")
        year, month = int(match.group(1)), int(match.group(2))
        if not FIRST_MONTH.year <= year <= LAST_MONTH.year:
            raise forms.ValidationError(month_range_message(), code="out_of_range")
        return dt.date(year, month, 1)


def parse_month(value, *, name="maand"):
    """The month (its first day) in a parameter, or None when it is empty."""
    try:
        return MonthField(required=False).clean(value)
    except ValidationError as exc:
        raise InvalidParameter(name, exc.messages[0], code=exc.error_list[0].code) from None


def date_range_message(first=FIRST_DAY, last=LAST_DAY):
    return gettext("Kies een datum van %(first)s tot en met %(last)s.") % {
        "first": first.strftime("%d-%m-%Y"), "last": last.strftime("%d-%m-%Y")}


class DateField(forms.DateField):
    """A date from `first` to `last` (FIRST_DAY and LAST_DAY unless given). Django's DateField takes any year from 1
    to 9999; the day before or after such a date, or a month-by-month loop over it, is no longer a date."""

    def __init__(self, *args, first=FIRST_DAY, last=LAST_DAY, **kwargs):
        super().__init__(*args, **kwargs)
        self.first, self.last = first, last
        self.widget.attrs.update({"min": first.isoformat(), "max": last.isoformat()})

    def to_python(self, value):
        if isinstance(value, str) and len(value) > MAX_PARAMETER_LENGTH:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        day = super().to_python(value)
        if day is not None and not self.first <= day <= self.last:
            raise forms.ValidationError(date_range_message(self.first, self.last), code="out_of_range")
        return day


class DateTimeField(forms.DateTimeField):
    """A moment on a day from FIRST_DAY to LAST_DAY."""

    def to_python(self, value):
        if isinstance(value, str) and len(value) > MAX_PARAMETER_LENGTH:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        moment = super().to_python(value)
        if moment is not None and not FIRST_DAY <= moment.date() <= LAST_DAY:
            raise forms.ValidationError(date_range_message(), code="out_of_range")
        return moment


def check_period(start, end):
    """Errors of a period, as {field: message}: the end before the start, or longer than MAX_PERIOD_YEARS (ten)."""
    if start and end and start > end:
        return {"end": gettext("De einddatum ligt vóór de begindatum.")}
    if start and end and (end - start).days > 366 * MAX_PERIOD_YEARS:
        return {"start": gettext("Kies een periode van hoogstens tien jaar.")}
    return {}


# -- decimals ---------------------------------------------------------------------------------------------------------


def _decimal_point(text):
    """2,5 → 2.5 (one comma, no point); anything else unchanged."""
    return text.replace(",", ".") if text.count(",") == 1 and "." not in text else text


class DecimalField(forms.DecimalField):
    """A finite decimal: NaN and Infinity are refused in to_python, so also by subclasses that override validate;
    a comma works as the decimal separator (2,5), as people type it (a localized field already takes it)."""

    def to_python(self, value):
        if isinstance(value, str):
            if len(value) > MAX_PARAMETER_LENGTH:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            if not self.localize:
                value = _decimal_point(value.strip())
        number = super().to_python(value)
        if number is not None and not number.is_finite():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


def parse_decimal(value, *, name, min_value, max_value, default=None):
    """A finite decimal from min_value to max_value, or `default` when the parameter is empty."""
    text = _text(value, name)
    if not text:
        return default
    try:
        number = Decimal(_decimal_point(text))
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite() or not Decimal(min_value) <= number <= Decimal(max_value):
        raise InvalidParameter(name, gettext("Vul een getal in van %(min)s tot en met %(max)s, bijvoorbeeld 2,5.") % {
            "min": number_format(min_value), "max": number_format(max_value)})
    return number


def formfield(db_field, **kwargs):
    """ModelForm `Meta.formfield_callback`: the bounded fields of this module for a model's dates, moments, decimals
    and whole numbers."""
    for model_field, form_field in ((models.DateTimeField, DateTimeField), (models.DateField, DateField),
                                    (models.DecimalField, DecimalField)):
        if isinstance(db_field, model_field):
            return db_field.formfield(form_class=form_field, **kwargs)
    if isinstance(db_field, models.IntegerField):  # the column's range on every database (SQLite has none)
        low, high = BaseDatabaseOperations.integer_field_ranges.get(db_field.get_internal_type(),
                                                                    (-INT64_MAX - 1, INT64_MAX))
        return db_field.formfield(form_class=IntegerField, **{"min_value": low, "max_value": high, **kwargs})
    return db_field.formfield(**kwargs)


# -- where to go next -------------------------------------------------------------------------------------------------


def next_url(request, default, *, name="next"):
    """The `next` address of the request when it is a path on this site, else `default`.

    Only an absolute path ("/clienten/…") passes: not another site, not a view name (redirect() would look it up and
    fail with a 500 on 'abc'), no control characters (a header cannot hold them)."""
    candidate = request.POST.get(name) or request.GET.get(name) or ""
    if (
        candidate.startswith("/") and not candidate.startswith(("//", "/\\")) and len(candidate) <= MAX_NEXT_LENGTH
        and candidate.isprintable() and not any(c.isspace() for c in candidate)
        and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                            require_https=request.is_secure())
    ):
        return candidate
    return default


def redirect_to_next(request, default, *, name="next"):
    """Redirect to the request's `next` path (see next_url), else to `default` (an address, already resolved)."""
    return HttpResponseRedirect(next_url(request, default, name=name))
