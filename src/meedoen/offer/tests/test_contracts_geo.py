"""Contract progress (contract year, pro-rata target, counts from referrals) and the neighbourhood centroids."""
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from meedoen.offer import geo
from meedoen.offer.contracts import contract_progress, contract_year, pro_rata_target
from meedoen.tests.factories import NeighbourhoodFactory

from .conftest import make_referral
from .factories import ActivityFactory, ProviderContractFactory

D = dt.date


@pytest.mark.parametrize("today,expected", [
    (D(2026, 3, 1), (D(2026, 1, 1), D(2026, 12, 31))),
    (D(2027, 7, 1), (D(2027, 1, 1), D(2027, 12, 31))),
    (D(2025, 6, 1), (D(2026, 1, 1), D(2026, 12, 31))),   # before the start: the first year
    (D(2030, 1, 1), (D(2027, 1, 1), D(2027, 12, 31))),   # after the end: the last year
])
def test_contract_year_runs_from_anniversary_to_anniversary(today, expected):
    assert contract_year(D(2026, 1, 1), D(2027, 12, 31), today) == expected


def test_a_contract_year_starting_mid_year_and_a_short_last_year():
    assert contract_year(D(2025, 7, 1), D(2026, 9, 30), D(2026, 8, 1)) == (D(2026, 7, 1), D(2026, 9, 30))
    assert contract_year(D(2024, 2, 29), D(2027, 12, 31), D(2025, 3, 1)) == (D(2025, 2, 28), D(2026, 2, 27))


@given(st.integers(0, 1000), st.dates(min_value=D(2026, 1, 1), max_value=D(2027, 3, 1)))
def test_pro_rata_target_grows_with_time_and_never_passes_the_yearly_number(per_year, today):
    start, end = D(2026, 1, 1), D(2026, 12, 31)
    target = pro_rata_target(per_year, start, end, today)
    assert 0 <= target <= per_year
    assert target <= pro_rata_target(per_year, start, end, today + dt.timedelta(days=1))
    if today >= end:
        assert target == per_year


def test_pro_rata_for_200_a_year_on_1_july_is_about_half():
    assert pro_rata_target(200, D(2026, 1, 1), D(2026, 12, 31), D(2026, 7, 1)) == 99


@pytest.mark.django_db
def test_progress_counts_placements_returns_and_overdue_reports(resident, provider, caseworker, today):
    contract = ProviderContractFactory(provider=provider, placements_per_year=200)
    make_referral(resident, provider, caseworker, status="placed", placed_on=D(2026, 5, 1),
                  next_report_due_on=D(2026, 11, 1))                                  # overdue report
    make_referral(resident, provider, caseworker, status="placed", placed_on=D(2026, 10, 1),
                  next_report_due_on=D(2027, 4, 1))
    make_referral(resident, provider, caseworker, status="completed", placed_on=D(2025, 12, 1))  # earlier year
    make_referral(resident, provider, caseworker, status="returned", returned_on=D(2026, 9, 1))
    make_referral(resident, provider, caseworker, status="sent")
    progress = contract_progress(contract, today)
    assert (progress.year_start, progress.year_end) == (D(2026, 1, 1), D(2026, 12, 31))
    assert progress.placements == 2 and progress.returned == 1
    assert progress.in_guidance == 2 and progress.reports_overdue == 1
    assert progress.target_to_date == 179 and progress.behind and progress.active


@pytest.mark.django_db
def test_neighbourhood_centroids_average_the_activities_and_fall_back_to_the_city(municipality, provider):
    north, south, empty = (NeighbourhoodFactory(municipality=municipality) for _ in range(3))
    assert geo.neighbourhood_centroids(municipality) == {}  # no coordinates at all: distance unknown
    for wijk, lat, lon in ((north, "52.0", "4.0"), (north, "52.2", "4.2"), (south, "51.0", "5.0")):
        ActivityFactory(provider=provider, neighbourhood=wijk, latitude=Decimal(lat), longitude=Decimal(lon))
    ActivityFactory(provider=provider, neighbourhood=south)  # without coordinates: ignored
    centroids = geo.neighbourhood_centroids(municipality)
    assert centroids[north.pk] == pytest.approx((52.1, 4.1))
    assert centroids[south.pk] == pytest.approx((51.0, 5.0))
    assert centroids[empty.pk] == pytest.approx(((52.0 + 52.2 + 51.0) / 3, (4.0 + 4.2 + 5.0) / 3))


def test_distance_between_rotterdam_and_amsterdam_is_about_57_km():
    assert geo.distance_km((51.9225, 4.4792), (52.3728, 4.8936)) == pytest.approx(57, abs=2)
    assert geo.distance_km((52.0, 4.0), (52.0, 4.0)) == 0
