import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from meedoen.accounts.models import Role
from meedoen.guidance import services as guidance
from meedoen.retention import rules
from meedoen.retention import schedule as schedules
from meedoen.tests.factories import MunicipalityFactory, NeighbourhoodFactory, ResidentFactory, UserFactory
from meedoen.tests.fixtures import frozen_clock

FROZEN_AT = dt.datetime(2026, 11, 23, 10, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))
_clock = frozen_clock(FROZEN_AT)

TERM = schedules.current().category("resident_dossier").term_months


def end_guidance(resident, actor, *, months_ago):
    """End the resident's guidance through the real service, `months_ago` months before today."""
    today = FROZEN_AT.date()
    guidance.end_guidance(resident, actor=actor, reason="work", explanation="Werk gevonden bij de bakker.",
                          review="Goed gegaan.", ended_on=rules.add_months(today, -months_ago))
    resident.refresh_from_db()
    return resident


@pytest.fixture
def administrator(municipality, team):
    return UserFactory(username="beheerder", municipality=municipality, team=team, role=Role.ADMINISTRATOR)


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture
def other_municipality(presets):
    return MunicipalityFactory(name="Utrecht-Test", code="9344", policy_key="utrecht")


@pytest.fixture
def other_resident(other_municipality):
    neighbourhood = NeighbourhoodFactory(municipality=other_municipality, name="Overvecht")
    return ResidentFactory(municipality=other_municipality, neighbourhood=neighbourhood)


@pytest.fixture
def ended_resident(resident, caseworker):
    """The shared resident, guidance ended one year past the dossier's term: due."""
    return end_guidance(resident, caseworker, months_ago=TERM + 12)
