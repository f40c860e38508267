"""Art. 9a: the exemptions of a single parent for the same youngest child last at most 5 years together, whether
they follow each other or have gaps; an ended exemption counts up to its actual end."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from meedoen.obligations import rules, services
from meedoen.obligations.models import Exemption
from meedoen.residents.models import Resident

D = dt.date


# -- pure rules -------------------------------------------------------------------------------------------------------

def test_days_covered_counts_overlapping_days_once():
    assert rules.days_covered([]) == 0
    assert rules.days_covered([(D(2026, 1, 1), D(2026, 1, 31))]) == 31
    assert rules.days_covered([(D(2026, 1, 1), D(2026, 1, 31)), (D(2026, 1, 20), D(2026, 2, 10))]) == 41
    assert rules.days_covered([(D(2026, 3, 1), D(2026, 3, 10)), (D(2026, 1, 1), D(2026, 12, 31))]) == 365
    assert rules.days_covered([(D(2026, 1, 1), D(2026, 1, 1)), (D(2026, 1, 3), D(2026, 1, 3))]) == 2


def test_a_second_exemption_for_the_same_child_may_use_only_what_is_left_of_the_five_years():
    earlier = [(D(2022, 1, 1), D(2024, 12, 31))]             # 1096 days
    # 5 years from 1 January 2022 = 1826 days; 730 are left: from 10 March 2026 up to and including 8 March 2028.
    assert rules.single_parent_total_problem(earlier, D(2026, 3, 10), D(2028, 3, 8)) == ""
    problem = rules.single_parent_total_problem(earlier, D(2026, 3, 10), D(2028, 3, 9))
    assert "al 1096 dagen" in problem and "uiterlijk tot en met 08-03-2028" in problem
    assert "helemaal gebruikt" in rules.single_parent_total_problem(
        [(D(2021, 3, 1), D(2026, 2, 28))], D(2026, 3, 10), D(2026, 6, 30))


def test_without_earlier_exemptions_only_the_own_five_year_limit_applies():
    assert rules.single_parent_total_problem([], D(2026, 1, 1), D(2030, 12, 31)) == ""


def test_validate_exemption_puts_the_total_on_the_end_date():
    errors = rules.validate_exemption(
        kind=rules.SINGLE_PARENT, covers=["work"], grounds="Zorg voor zoon van 2", evidence_note="",
        starts_on=D(2026, 3, 10), ends_on=D(2028, 12, 31), review_on=D(2026, 9, 1), requested_on=D(2026, 3, 1),
        household_type="single_parent", youngest_child_date_of_birth=D(2024, 1, 15), today=D(2026, 3, 10),
        earlier_single_parent_periods=[(D(2022, 1, 1), D(2024, 12, 31))])
    assert set(errors) == {"ends_on"} and "hoogstens 5 jaar (art. 9a)" in errors["ends_on"]


PERIODS = st.tuples(st.dates(D(2015, 1, 1), D(2035, 12, 31)), st.integers(0, 2200)).map(
    lambda p: (p[0], p[0] + dt.timedelta(days=p[1])))


@settings(max_examples=300, deadline=None)
@given(st.lists(PERIODS, min_size=1, max_size=8))
def test_no_sequence_of_granted_periods_for_one_child_exceeds_five_years(requests):
    """Grant each requested period the rules allow (the own 5-year limit and the total): whatever the order, the
    overlaps and the gaps, the days granted for one child never exceed 5 years."""
    granted = []
    for start, end in requests:
        own_limit_ok = end < rules.add_months(start, 12 * rules.SINGLE_PARENT_MAX_YEARS)
        if own_limit_ok and not rules.single_parent_total_problem(granted, start, end):
            granted.append((start, end))
    if granted:
        assert rules.days_covered(granted) <= rules.single_parent_limit_days(granted) <= 5 * 365 + 2


@settings(max_examples=200, deadline=None)
@given(st.lists(PERIODS, min_size=1, max_size=5), PERIODS)
def test_the_suggested_last_day_fits_and_one_day_more_does_not(earlier, new):
    start, end = new
    problem = rules.single_parent_total_problem(earlier, start, end)
    if not problem or "helemaal" in problem:
        return
    last = dt.datetime.strptime(problem.rsplit(" ", 2)[-2], "%d-%m-%Y").date()
    assert start <= last < end
    assert rules.single_parent_total_problem(earlier, start, last) == ""
    assert rules.single_parent_total_problem(earlier, start, last + dt.timedelta(days=1)) != ""


# -- the service ------------------------------------------------------------------------------------------------------

def single_parent_fields(starts_on, ends_on, **overrides):
    fields = dict(kind="single_parent", grounds="Volledige zorg voor zoon", starts_on=starts_on, ends_on=ends_on,
                  review_on=rules.add_months(starts_on, 6), requested_on=D(2026, 3, 1))
    fields.update(overrides)
    return fields


@pytest.fixture
def single_parent(resident):
    Resident.objects.filter(pk=resident.pk).update(household_type="single_parent", children_count=1,
                                                   youngest_child_date_of_birth=D(2024, 1, 15))
    resident.refresh_from_db()
    return resident


@pytest.mark.django_db
def test_the_service_sums_the_exemptions_for_the_same_child(single_parent, caseworker):
    first = services.grant_exemption(single_parent, actor=caseworker,
                                     **single_parent_fields(D(2022, 1, 1), D(2024, 12, 31)))
    assert first.child_date_of_birth == D(2024, 1, 15)
    with pytest.raises(ValidationError) as error:
        services.grant_exemption(single_parent, actor=caseworker,
                                 **single_parent_fields(D(2026, 3, 10), D(2028, 12, 31)))
    assert "uiterlijk tot en met 08-03-2028" in " ".join(error.value.message_dict["ends_on"])
    assert Exemption.objects.count() == 1
    second = services.grant_exemption(single_parent, actor=caseworker,
                                      **single_parent_fields(D(2026, 3, 10), D(2028, 3, 8)))
    with pytest.raises(ValidationError) as error:
        services.grant_exemption(single_parent, actor=caseworker,
                                 **single_parent_fields(D(2028, 6, 1), D(2028, 12, 31)))
    assert "helemaal gebruikt" in " ".join(error.value.message_dict["ends_on"])
    # Ending the second exemption early gives back the days it did not use.
    services.end_exemption(second, actor=caseworker, expected_version=1, reason="Werkt weer",
                           ended_on=D(2026, 12, 31))
    services.grant_exemption(single_parent, actor=caseworker, **single_parent_fields(D(2028, 6, 1), D(2028, 12, 31)))
    periods = services.single_parent_periods(single_parent, D(2024, 1, 15))
    assert rules.days_covered(periods) <= rules.single_parent_limit_days(periods)


@pytest.mark.django_db
def test_a_younger_child_has_its_own_five_years(single_parent, caseworker):
    services.grant_exemption(single_parent, actor=caseworker, **single_parent_fields(D(2021, 3, 1), D(2026, 2, 28)))
    Resident.objects.filter(pk=single_parent.pk).update(children_count=2, youngest_child_date_of_birth=D(2026, 2, 1))
    single_parent.refresh_from_db()
    exemption = services.grant_exemption(single_parent, actor=caseworker,
                                         **single_parent_fields(D(2026, 3, 10), D(2030, 12, 31)))
    assert exemption.child_date_of_birth == D(2026, 2, 1)
