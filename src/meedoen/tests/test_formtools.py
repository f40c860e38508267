"""The shared parsers of request input (meedoen.formtools): any text gives a bounded value or a validation error with
a Dutch message, never another exception."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from hypothesis import example, given, settings, strategies as st

from meedoen import formtools
from meedoen.formtools import (
    FIRST_DAY, FIRST_MONTH, INT64_MAX, LAST_DAY, LAST_MONTH, MAX_PAGE, IdConverter, InvalidParameter,
)

HOSTILE = ["0001-01", "9999-12", "99999999999999999999999", "-99999999999999999999", "NaN", "nan", "inf", "-Infinity",
           "sNaN", "1e999999", "-1", "0", "", " ", "abc", "9999-12-31", "0001-01-01", "x" * 5000, "1" * 5000, "½", "٣",
           "1.5", "1,5", "\x00", "a\nb", "None", "[]"]
TEXT = st.one_of(st.text(max_size=40), st.sampled_from(HOSTILE), st.integers().map(str),
                 st.decimals(allow_nan=True, allow_infinity=True).map(str))


def _must_be_refused_or_bounded(parse, check):
    def run(text):
        try:
            value = parse(text)
        except ValidationError as exc:  # InvalidParameter included
            assert exc.messages and all(message.strip() for message in exc.messages)
            return
        check(value)
    return run


@settings(max_examples=300)
@given(TEXT)
@example("9223372036854775807")
@example("9223372036854775808")
def test_any_text_is_an_id_a_database_integer_holds_or_refused(text):
    _must_be_refused_or_bounded(lambda t: formtools.parse_id(t, name="id"),
                                lambda v: v is None or 1 <= v <= INT64_MAX)(text)


@settings(max_examples=300)
@given(TEXT)
def test_any_text_is_a_page_from_1_to_max_page_or_refused(text):
    _must_be_refused_or_bounded(formtools.parse_page, lambda v: 1 <= v <= MAX_PAGE)(text)


@settings(max_examples=300)
@given(st.one_of(TEXT, st.dates().map(lambda d: d.strftime("%Y-%m")),
                 st.tuples(st.integers(-10, 99999), st.integers(-5, 20)).map(lambda t: f"{t[0]}-{t[1]}")))
def test_any_text_is_a_month_from_2000_to_2100_or_refused(text):
    _must_be_refused_or_bounded(formtools.parse_month,
                                lambda v: v is None or (FIRST_MONTH <= v <= LAST_MONTH and v.day == 1))(text)


@settings(max_examples=300)
@given(TEXT)
@example("NaN")
@example("Infinity")
@example("1e400")
def test_any_text_is_a_finite_number_in_range_or_refused(text):
    _must_be_refused_or_bounded(
        lambda t: formtools.parse_decimal(t, name="uren", min_value=0, max_value=40),
        lambda v: v is None or (v.is_finite() and 0 <= v <= 40))(text)


@settings(max_examples=300)
@given(st.one_of(TEXT, st.dates().map(str)))
def test_any_text_is_a_date_from_1900_to_2100_or_a_form_error(text):
    _must_be_refused_or_bounded(formtools.DateField(required=False).clean,
                                lambda v: v is None or FIRST_DAY <= v <= LAST_DAY)(text)


@settings(max_examples=300)
@given(TEXT)
def test_the_decimal_form_field_never_lets_nan_or_infinity_through(text):
    field = formtools.DecimalField(required=False, max_digits=6, decimal_places=2)
    _must_be_refused_or_bounded(field.clean, lambda v: v is None or v.is_finite())(text)


@settings(max_examples=200)
@given(st.text(alphabet="0123456789", min_size=1, max_size=25))
def test_the_id_path_converter_takes_only_what_a_database_integer_holds(digits):
    converter = IdConverter()
    try:
        value = converter.to_python(digits)
    except ValueError:
        assert int(digits) > INT64_MAX
    else:
        assert value == int(digits) <= INT64_MAX


@pytest.mark.parametrize("text, expected", [("2026-03", dt.date(2026, 3, 1)), ("2000-01", FIRST_MONTH),
                                            ("2100-12", LAST_MONTH), ("", None), (None, None)])
def test_a_month_in_range_is_its_first_day(text, expected):
    assert formtools.parse_month(text) == expected


@pytest.mark.parametrize("text", ["0001-01", "1999-12", "2101-01", "9999-12"])
def test_a_month_out_of_range_is_refused_with_the_range(text):
    with pytest.raises(InvalidParameter) as caught:
        formtools.parse_month(text)
    assert caught.value.message_dict == {"maand": ["Kies een maand van 2000-01 tot en met 2100-12."]}


def test_an_id_beyond_64_bits_is_refused_with_a_dutch_message():
    with pytest.raises(InvalidParameter) as caught:
        formtools.parse_id("99999999999999999999999", name="event")
    assert caught.value.message_dict == {
        "event": ["Dit nummer bestaat niet. Open de pagina opnieuw via een link in Meedoen."]}
    assert formtools.parse_id(str(INT64_MAX)) == INT64_MAX


def test_ids_are_refused_as_a_whole_when_one_is_bad():
    assert formtools.parse_ids(["1", "22"], name="event") == [1, 22]
    for bad in (["1", ""], ["1", "abc"], [str(INT64_MAX + 1)]):
        with pytest.raises(InvalidParameter):
            formtools.parse_ids(bad, name="event")


def test_a_page_beyond_the_maximum_is_refused():
    assert formtools.parse_page(None) == 1 and formtools.parse_page("3") == 3
    with pytest.raises(InvalidParameter, match="Kies een paginanummer van 1 tot en met 100.000"):
        formtools.parse_page("99999999999999999999999")


@pytest.mark.parametrize("value", ["NaN", "inf", "-Infinity", "1e999", "41", "-1", "abc"])
def test_hours_that_are_not_a_finite_number_in_range_are_refused(value):
    with pytest.raises(InvalidParameter, match="Vul een getal in van 0 tot en met 40"):
        formtools.parse_decimal(value, name="uren", min_value=0, max_value=40)


def test_hours_take_a_comma_as_people_type_them():
    assert formtools.parse_decimal("2,5", name="uren", min_value=0, max_value=40) == Decimal("2.5")
    assert formtools.DecimalField(max_digits=4, decimal_places=1).clean("2,5") == Decimal("2.5")


@pytest.mark.parametrize("start, end, errors", [
    (dt.date(2020, 1, 1), dt.date(2029, 12, 31), {}),
    (dt.date(2001, 1, 1), dt.date(2099, 12, 31), {"start": "Kies een periode van hoogstens tien jaar."}),
    (dt.date(2026, 2, 1), dt.date(2026, 1, 1), {"end": "De einddatum ligt vóór de begindatum."}),
])
def test_a_period_is_at_most_ten_years_and_ends_after_it_starts(start, end, errors):
    assert formtools.check_period(start, end) == errors


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"])
def test_a_date_outside_1900_to_2100_is_a_form_error(value):
    with pytest.raises(ValidationError, match="Kies een datum van 01-01-1900 tot en met 31-12-2100"):
        formtools.DateField().clean(value)


@pytest.mark.parametrize("value, expected", [
    ("/clienten/", "/clienten/"), ("/begeleiding/werklijst/?signaal=x", "/begeleiding/werklijst/?signaal=x"),
    ("abc", "/standaard/"), ("0001-01", "/standaard/"), ("guidance:worklist", "/standaard/"),
    ("https://example.com/", "/standaard/"), ("//example.com/", "/standaard/"), ("/\\example.com", "/standaard/"),
    ("/a\nb", "/standaard/"), ("/a b", "/standaard/"), ("", "/standaard/"), ("/" + "x" * 5000, "/standaard/"),
])
def test_next_is_a_path_on_this_site_or_the_default(value, expected):
    request = RequestFactory().post("/", {"next": value})
    assert formtools.next_url(request, "/standaard/") == expected
    assert formtools.redirect_to_next(request, "/standaard/")["Location"] == expected


@settings(max_examples=300)
@given(st.text(max_size=60))
def test_any_next_gives_a_redirect_to_a_local_path(value):
    request = RequestFactory().post("/", {"next": value.replace("\x00", "")})
    location = formtools.redirect_to_next(request, "/standaard/")["Location"]
    assert location.startswith("/") and not location.startswith("//")
