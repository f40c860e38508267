import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from meedoen.accounts.models import Role
from meedoen.tests.factories import UserFactory

FROZEN_AT = dt.datetime(2026, 3, 10, 10, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))


@pytest.fixture(autouse=True)
def _clock(request):
    """Unit and view tests run at a fixed moment (ticking); browser tests keep the real clock."""
    if request.node.get_closest_marker("browser"):
        yield
        return
    with time_machine.travel(FROZEN_AT, tick=True):
        yield


@pytest.fixture
def today(_clock):
    return timezone.localdate()


@pytest.fixture
def enforcement_officer(municipality):
    return UserFactory(username="handhaver", municipality=municipality, team=None, role=Role.ENFORCEMENT)


@pytest.fixture
def second_team_lead(municipality, team):
    return UserFactory(username="teamleider2", municipality=municipality, team=team, role=Role.TEAM_LEAD)
