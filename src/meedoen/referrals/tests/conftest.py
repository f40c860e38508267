"""Fixtures for the referral loop: two providers in the municipality with their staff, an activity at each, and a
helper that makes a referral through the real service."""
import datetime as dt
import zoneinfo

import pytest

from meedoen.accounts.models import Role
from meedoen.referrals import services
from meedoen.tests.factories import UserFactory
from meedoen.tests.fixtures import frozen_clock

from .factories import ActivityFactory, ProviderContractFactory, ProviderFactory

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
FROZEN_AT = dt.datetime(2026, 6, 15, 10, 0, tzinfo=AMSTERDAM)


_clock = frozen_clock(FROZEN_AT)


@pytest.fixture
def provider(municipality, neighbourhood):
    provider = ProviderFactory(municipality=municipality, name="Vrijwilligerswinkel Zuid", kind="volunteer_centre",
                               neighbourhood=neighbourhood)
    ProviderContractFactory(provider=provider, guidance_months=6, report_every_months=3, cohort_size=15)
    return provider


@pytest.fixture
def other_provider(municipality):
    return ProviderFactory(municipality=municipality, name="Sportclub Noord", kind="sports_club")


@pytest.fixture
def activity(provider):
    return ActivityFactory(provider=provider, title="Koken in de buurtkeuken", capacity=5)


@pytest.fixture
def other_activity(other_provider):
    return ActivityFactory(provider=other_provider, title="Wandelgroep", capacity=5)


@pytest.fixture
def provider_user(municipality, provider):
    return UserFactory(username="partner", municipality=municipality, team=None, role=Role.PROVIDER_STAFF,
                       provider=provider)


@pytest.fixture
def other_provider_user(municipality, other_provider):
    return UserFactory(username="partner_noord", municipality=municipality, team=None, role=Role.PROVIDER_STAFF,
                       provider=other_provider)


@pytest.fixture
def make_referral(caseworker):
    def make(resident, provider, activity=None, actor=None, **overrides):
        fields = {"handover_note": "Fatima wil graag koken voor de buurt.", "consent_given": True,
                  "hours_per_week": None}
        fields.update(overrides)
        return services.create_referral(resident, actor=actor or caseworker, provider=provider, activity=activity,
                                        **fields)
    return make


@pytest.fixture
def referral(resident, provider, activity, make_referral):
    return make_referral(resident, provider, activity)


@pytest.fixture
def other_referral(municipality, neighbourhood, caseworker, other_provider, other_activity, make_referral):
    from meedoen.residents.services import assign_caseworker
    from meedoen.tests.factories import ResidentFactory

    other = ResidentFactory(municipality=municipality, neighbourhood=neighbourhood, first_name="Kees",
                            last_name="Bakker")
    assign_caseworker(other, caseworker, actor=caseworker)
    return make_referral(other, other_provider, other_activity)


def backdate(referral, days):
    """Pretend the referral was sent `days` ago (placements and reports cannot predate it)."""
    from django.utils import timezone

    from meedoen.referrals.models import Referral

    Referral.objects.filter(pk=referral.pk).update(referred_at=timezone.now() - dt.timedelta(days=days))
    referral.refresh_from_db()
    return referral
