"""Screens that look back a year still work on 29 February (the day a year earlier does not exist)."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_team_overview_opens_on_29_february_and_counts_from_28_february_a_year_earlier(client, team_lead):
    with time_machine.travel(dt.datetime(2028, 2, 29, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam")), tick=False):
        client.force_login(team_lead)
        response = client.get(reverse("obligations:team"))
    assert response.status_code == 200
    assert response.context["since"] == dt.date(2027, 2, 28)
