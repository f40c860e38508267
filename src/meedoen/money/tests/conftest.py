import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from meedoen.accounts.models import Role
from meedoen.tests.factories import UserFactory
from meedoen.tests.fixtures import frozen_clock, norm_tables_loaded

# The shipped norm table covers January to June 2026: the money tests live in April 2026.
FROZEN_AT = dt.datetime(2026, 4, 20, 10, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))


_clock = frozen_clock(FROZEN_AT)
_norms_loaded = norm_tables_loaded()


@pytest.fixture
def colleague(municipality, team):
    return UserFactory(username="collega", municipality=municipality, team=team, role=Role.CASEWORKER)


def month(year, number):
    return dt.date(year, number, 1)
