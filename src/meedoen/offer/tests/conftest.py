import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from meedoen.accounts.models import Role
from meedoen.referrals.models import Referral
from meedoen.tests.factories import UserFactory
from meedoen.tests.fixtures import frozen_clock

from .factories import ProviderFactory, ProvisionTypeFactory

FROZEN_AT = dt.datetime(2026, 11, 23, 10, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))


_clock = frozen_clock(FROZEN_AT)


@pytest.fixture
def administrator(municipality):
    return UserFactory(username="beheerder", municipality=municipality, team=None, role=Role.ADMINISTRATOR)


@pytest.fixture
def colleague(municipality, team):
    return UserFactory(username="collega", municipality=municipality, team=team, role=Role.CASEWORKER)


@pytest.fixture
def provider(municipality):
    return ProviderFactory(municipality=municipality, name="Vrijwilligerswinkel Test",
                           kind="volunteer_centre")


@pytest.fixture
def training(municipality):
    return ProvisionTypeFactory(municipality=municipality, name="Sollicitatietraining", kind="training")


@pytest.fixture
def trajectory(municipality):
    return ProvisionTypeFactory(municipality=municipality, name="Ontwikkeltraject", kind="personal_development",
                                default_cost="1200.00")


def make_referral(resident, provider, referred_by, *, activity=None, status="placed", **fields):
    return Referral.objects.create(resident=resident, provider=provider, activity=activity, status=status,
                                   referred_by=referred_by, handover_note="Warme overdracht",
                                   consent_recorded_at=timezone.now(), **fields)
