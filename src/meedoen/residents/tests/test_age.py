"""Age on and around a birthday, in every place that computes one, against one independent definition.

Completed years: the number of birthdays since birth that fell on or before the day. Someone born on 29 February
has, in a year without that day, the birthday on 1 March (Dutch law: a schrikkelkind is a year older on 1 March;
money.rules.anniversary and obligations.rules.birthday document the same choice).
"""
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meedoen.accounts.models import User
from meedoen.experiments.services import age_on as experiments_age_on
from meedoen.money import rules as money
from meedoen.monitoring.rules import age_band
from meedoen.obligations.rules import birthday as obligations_birthday
from meedoen.referrals.models import Referral
from meedoen.referrals.queries import provider_view
from meedoen.residents.models import Resident

D = dt.date
BIRTHS = st.dates(min_value=D(1900, 1, 1), max_value=D(2030, 12, 31))


def reference_birthday(birth, year):
    """The birthday in `year`: the same day and month, or 1 March for 29 February in a year without it."""
    if (birth.month, birth.day) == (2, 29) and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        return D(year, 3, 1)
    return D(year, birth.month, birth.day)


def reference_age(birth, day):
    """Count the birthdays that have come, one year at a time (no date arithmetic shared with the code)."""
    years = 0
    while reference_birthday(birth, birth.year + years + 1) <= day:
        years += 1
    return years


def _referral_age(birth, day):
    resident = Resident(date_of_birth=birth, first_name="Test", last_name="Persoon")
    referral = Referral(resident=resident, referred_by=User(username="km"), status="sent")
    return provider_view(referral, today=day)["resident"]["age"]


AGE_FUNCTIONS = {
    "Resident.age_on": lambda birth, day: Resident(date_of_birth=birth).age_on(day),
    "money.rules.age_on": money.age_on,
    "experiments.services.age_on": experiments_age_on,
    "referrals.queries.provider_view": _referral_age,
}


@pytest.mark.parametrize("name", AGE_FUNCTIONS)
@pytest.mark.parametrize("birth, day, age", [
    (D(1970, 5, 17), D(2026, 5, 16), 55),  # the day before the birthday
    (D(1970, 5, 17), D(2026, 5, 17), 56),  # on the birthday
    (D(1970, 5, 17), D(2026, 5, 18), 56),  # the day after
    (D(1970, 12, 31), D(2026, 1, 1), 55),  # a year boundary, not a birthday
    (D(1970, 1, 1), D(2025, 12, 31), 55),
    (D(1970, 1, 1), D(2026, 1, 1), 56),
    (D(1960, 2, 29), D(2027, 2, 28), 66),  # born on 29 February, a year without it: not yet on 28 February
    (D(1960, 2, 29), D(2027, 3, 1), 67),  # ... but on 1 March
    (D(1960, 2, 29), D(2028, 2, 28), 67),  # a leap year: the birthday is 29 February itself
    (D(1960, 2, 29), D(2028, 2, 29), 68),
    (D(2000, 2, 29), D(2100, 2, 28), 99),  # 2100 is no leap year (divisible by 100)
    (D(2000, 2, 29), D(2100, 3, 1), 100),
    (D(1996, 2, 28), D(2027, 2, 28), 31),  # born on 28 February: the birthday is always 28 February
    (D(1996, 3, 1), D(2028, 2, 29), 31),  # born on 1 March: 29 February is the day before
    (D(2026, 6, 1), D(2026, 6, 1), 0),  # the day of birth
])
def test_age_on_the_day_before_on_and_after_a_birthday(name, birth, day, age):
    assert reference_age(birth, day) == age
    assert AGE_FUNCTIONS[name](birth, day) == age


@st.composite
def births_and_days(draw):
    """A birth and a day, half of the time within a day of a birthday (where an off-by-one would show)."""
    birth = draw(BIRTHS)
    if draw(st.booleans()):
        year = birth.year + draw(st.integers(1, 110))
        return birth, reference_birthday(birth, year) + dt.timedelta(days=draw(st.integers(-1, 1)))
    return birth, birth + dt.timedelta(days=draw(st.integers(0, 110 * 366)))


@settings(max_examples=400)
@given(births_and_days())
def test_every_age_function_counts_the_birthdays_that_have_come(case):
    birth, day = case
    expected = reference_age(birth, day)
    for name, age_of in AGE_FUNCTIONS.items():
        assert age_of(birth, day) == expected, name
    low = expected // 5 * 5
    assert age_band(birth, day) == f"{low}-{low + 4}"


@settings(max_examples=300)
@given(BIRTHS, st.integers(0, 110))
def test_an_anniversary_is_the_birthday_of_that_year_and_the_first_day_of_that_age(birth, years):
    on = reference_birthday(birth, birth.year + years)
    assert money.anniversary(birth, years) == on
    assert obligations_birthday(birth, years) == on
    assert money.age_on(birth, on) == years
    if years:
        assert money.age_on(birth, on - dt.timedelta(days=1)) == years - 1


def test_the_aow_age_of_someone_born_on_29_february_starts_on_1_march_in_a_year_without_it():
    table = money.NormTable(effective_from=D(2027, 1, 1), valid_until=D(2027, 6, 30), norms={}, aow_years=67)
    assert table.aow_date(D(1960, 2, 29)) == D(2027, 3, 1)
    assert table.aow_date(D(1961, 2, 28)) == D(2028, 2, 28)
    # with months: 66 years and 4 months after 31 October is 31 February, which does not exist → 1 March
    assert money.anniversary(D(1960, 10, 31), 66, 4) == D(2027, 3, 1)
    assert money.anniversary(D(1960, 10, 30), 66, 4) == D(2027, 3, 1)
    assert money.anniversary(D(1960, 10, 28), 66, 4) == D(2027, 2, 28)
