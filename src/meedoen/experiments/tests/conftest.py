import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from meedoen.accounts.models import Role
from meedoen.tests.factories import UserFactory
from meedoen.tests.fixtures import frozen_clock

# The shipped norm table covers January to June 2026: the premium test needs a month inside it.
FROZEN_AT = dt.datetime(2026, 4, 20, 10, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))


_clock = frozen_clock(FROZEN_AT)


@pytest.fixture
def analyst(municipality):
    return UserFactory(username="onderzoeker", municipality=municipality, team=None, role=Role.ANALYST)


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client
