"""Cause 3 of the security audit: the period 0001-01-01 … 9999-12-31 on monitoring and its export ran a month-by-month
loop without bound (and off the calendar: 500). A period now lies within 2000–2100 and is at most ten years long."""
import pytest
from django.urls import reverse

from meedoen.accounts.models import Role
from meedoen.audit.models import AuditEntry
from meedoen.tests.api import field_errors

pytestmark = pytest.mark.django_db

HUGE = {"start": "0001-01-01", "end": "9999-12-31"}
DATES = "Kies een datum van 01-01-2000 tot en met 31-12-2100."
TEN_YEARS = "Kies een periode van hoogstens tien jaar."


def test_the_dashboard_shows_the_errors_and_keeps_what_was_typed(client, world, user_with_role):
    client.force_login(user_with_role(Role.ANALYST))
    response = client.get(reverse("monitoring:dashboard"), HUGE)
    assert response.status_code == 200
    assert response.context["form"].errors == {"start": [DATES], "end": [DATES]}
    assert 'value="0001-01-01"' in response.text and DATES in response.text


def test_the_export_of_a_period_out_of_range_is_a_400_and_nothing_is_exported(client, world, user_with_role):
    client.force_login(user_with_role(Role.ANALYST))
    response = client.get(reverse("monitoring:export", args=["csv"]), HUGE)
    assert response.status_code == 400 and DATES in response.text
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_the_export_of_more_than_ten_years_is_a_400(client, world, user_with_role):
    client.force_login(user_with_role(Role.ANALYST))
    response = client.get(reverse("monitoring:export", args=["xlsx"]), {"start": "2001-01-01", "end": "2099-12-31"})
    assert response.status_code == 400 and TEN_YEARS in response.text


def test_the_research_export_of_a_period_out_of_range_is_a_400(client, world, user_with_role):
    client.force_login(user_with_role(Role.ANALYST))
    response = client.post(reverse("monitoring:research_export", args=["csv"]),
                           {**HUGE, "export_key": "een geheime sleutel"})
    assert response.status_code == 400 and DATES in response.text


def test_the_api_refuses_a_period_out_of_range_with_400(client, world, user_with_role):
    client.force_login(user_with_role(Role.ANALYST))
    response = client.get(reverse("api:monitoring-indicators-list"), HUGE)
    assert response.status_code == 400
    assert field_errors(response) == {"start": [DATES], "end": [DATES]}


def test_a_period_before_the_first_policy_profile_still_gives_figures(client, world, user_with_role):
    client.force_login(user_with_role(Role.ANALYST))
    response = client.get(reverse("monitoring:export", args=["csv"]), {"start": "2000-01-01", "end": "2009-12-31"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
