"""Cause 7 of the security audit: API filters with ids beyond 64 bits reached the database (500). Every FilterSet now
derives from meedoen.api.filters.FilterSet: such a value is a 400 with the message under the filter's name."""
import pytest

from meedoen.accounts.models import Role
from meedoen.tests.api import field_errors
from meedoen.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def caseworker_api(api, caseworker):
    return api.as_user(caseworker)


@pytest.mark.parametrize("name", ["neighbourhood", "caseworker"])
@pytest.mark.parametrize("value", ["99999999999999999999999", "-99999999999999999999", "9223372036854775808", "0",
                                   "1.5", "NaN", "abc"])
def test_an_id_filter_that_cannot_be_an_id_is_a_400(caseworker_api, resident, name, value):
    response = caseworker_api.get("/api/v1/residents/", {name: value})
    assert response.status_code == 400
    assert list(field_errors(response)) == [name]


def test_the_largest_id_is_a_valid_filter_that_finds_nothing(caseworker_api, resident):
    response = caseworker_api.get("/api/v1/residents/", {"neighbourhood": "9223372036854775807"})
    assert response.status_code == 200 and response.json()["count"] == 0


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_a_date_filter_outside_1900_to_2100_is_a_400(caseworker_api, resident, value):
    response = caseworker_api.get("/api/v1/residents/", {"date_of_birth": value})
    assert response.status_code == 400 and "date_of_birth" in field_errors(response)


def test_a_month_filter_out_of_range_is_a_400(api, resident, team_lead):
    response = api.as_user(team_lead).get(f"/api/v1/residents/{resident.public_id}/monthly-calculations/",
                                          {"month": "0001-01"})
    assert response.status_code == 400
    assert field_errors(response) == {"month": ["Kies een maand van 2000-01 tot en met 2100-12."]}


def test_a_policy_profile_id_beyond_64_bits_is_not_found(api, municipality):
    analyst = UserFactory(username="analist", municipality=municipality, team=None, role=Role.ANALYST)
    assert api.as_user(analyst).get("/api/v1/policy-profiles/99999999999999999999999/").status_code == 404
