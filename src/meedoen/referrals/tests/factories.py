"""factory_boy factories for the offer side the referral tests need (providers, contracts, activities)."""
import datetime as dt
from decimal import Decimal

import factory

from meedoen.offer.models import Activity, Provider, ProviderContract
from meedoen.tests.factories import MunicipalityFactory


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Partner {n}")
    kind = Provider.Kind.WELFARE
    email = factory.Sequence(lambda n: f"partner{n}@example.nl")


class ProviderContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProviderContract

    provider = factory.SubFactory(ProviderFactory)
    starts_on = dt.date(2026, 1, 1)
    ends_on = dt.date(2027, 12, 31)
    placements_per_year = 200
    guidance_months = 6
    report_every_months = 6
    cohort_size = 15


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    municipality = factory.SelfAttribute("provider.municipality")
    provider = factory.SubFactory(ProviderFactory)
    code = factory.Sequence(lambda n: f"ACT-{n}")
    title = factory.Sequence(lambda n: f"Activiteit {n}")
    category = "volunteering"
    description = "Samen met anderen iets doen in de buurt."
    min_hours_per_week = Decimal("4")
    max_hours_per_week = Decimal("16")
    capacity = 5
