"""Fixtures for the API tests: frozen time, an APIClient per role, and a body check that no BSN leaks."""
import datetime as dt
import zoneinfo

import pytest
import time_machine
from rest_framework.test import APIClient

from meedoen.accounts.models import Role
from meedoen.residents.models import Resident
from meedoen.residents.services import assign_caseworker
from meedoen.tests.factories import MunicipalityFactory, NeighbourhoodFactory, ResidentFactory, UserFactory

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0, tzinfo=AMSTERDAM), tick=False):
        yield


@pytest.fixture
def api(db):
    """An APIClient; `api.as_user(user)` authenticates it.

    Every body it receives is kept, and after the test none may contain a full BSN: neither one in the database
    nor one the test sent (add those to `api.sent_bsns`).
    """
    client = APIClient()
    client.bodies = []
    client.sent_bsns = set()
    original = client.generic

    def generic(*args, **kwargs):
        response = original(*args, **kwargs)
        client.bodies.append(response.content.decode())
        return response

    client.generic = generic

    def as_user(user):
        client.force_authenticate(user)
        return client

    client.as_user = as_user
    yield client
    known = set(Resident.objects.values_list("bsn", flat=True)) | client.sent_bsns
    leaks = [bsn for bsn in known for body in client.bodies if bsn and bsn in body]
    assert not leaks, "A full BSN appeared in an API response body."


@pytest.fixture
def outside_resident(municipality, neighbourhood, outside_caseworker):
    """A resident on the caseload of a caseworker in another team of the same municipality."""
    resident = ResidentFactory(municipality=municipality, neighbourhood=neighbourhood, first_name="Kees",
                               last_name="Noordhuis")
    assign_caseworker(resident, outside_caseworker, actor=outside_caseworker)
    return resident


@pytest.fixture
def other_municipality_neighbourhood(presets):
    other = MunicipalityFactory(name="Andere-Gemeente", code="9598", policy_key="rotterdam")
    return NeighbourhoodFactory(municipality=other, name="Elders")


@pytest.fixture
def analyst(municipality):
    return UserFactory(username="onderzoeker", municipality=municipality, team=None, role=Role.ANALYST)


@pytest.fixture
def resident_user(municipality):
    return UserFactory(username="inwoner", municipality=municipality, team=None, role=Role.RESIDENT)


@pytest.fixture
def neighbourhood_worker(municipality, neighbourhood):
    return UserFactory(username="wijkteam", municipality=municipality, team=None, neighbourhood=neighbourhood,
                       role=Role.NEIGHBOURHOOD_WORKER)
