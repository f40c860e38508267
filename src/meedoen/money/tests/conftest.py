import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from meedoen.accounts.models import Role
from meedoen.money import norms
from meedoen.tests.factories import UserFactory

# The shipped norm table covers January to June 2026: the money tests live in April 2026.
FROZEN_AT = dt.datetime(2026, 4, 20, 10, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))


@pytest.fixture(autouse=True)
def _clock(request):
    """Tests run at a fixed moment (ticking); browser tests keep the real clock."""
    if request.node.get_closest_marker("browser"):
        yield
        return
    with time_machine.travel(FROZEN_AT, tick=True):
        yield


@pytest.fixture(autouse=True)
def _norms_loaded(request):
    """The norm tables and income rules, as the data migration loads them. A transactional test (the browser tests)
    flushes the database afterwards, taking the migration's data with it; so every database test loads them again
    (idempotent: an unchanged file is skipped)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is not None:
        request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
        norms.load_all()
    yield


@pytest.fixture
def today(_clock):
    return timezone.localdate()


@pytest.fixture
def colleague(municipality, team):
    return UserFactory(username="collega", municipality=municipality, team=team, role=Role.CASEWORKER)


def month(year, number):
    return dt.date(year, number, 1)
