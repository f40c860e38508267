import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from meedoen.accounts.models import Role
from meedoen.tests.factories import UserFactory
from meedoen.tests.fixtures import frozen_clock

FROZEN_AT = dt.datetime(2026, 3, 10, 10, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))


_clock = frozen_clock(FROZEN_AT)


@pytest.fixture
def enforcement_officer(municipality):
    return UserFactory(username="handhaver", municipality=municipality, team=None, role=Role.ENFORCEMENT)


@pytest.fixture
def second_team_lead(municipality, team):
    return UserFactory(username="teamleider2", municipality=municipality, team=team, role=Role.TEAM_LEAD)
