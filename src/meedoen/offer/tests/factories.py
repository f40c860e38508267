"""factory_boy factories for the offer side: providers, contracts, activities, provision types and grants."""
import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from meedoen.offer.models import Activity, Provider, ProviderContract, ProvisionGrant, ProvisionType
from meedoen.tests.factories import MunicipalityFactory


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Partner {n}")
    kind = Provider.Kind.WELFARE


class ProviderContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProviderContract

    provider = factory.SubFactory(ProviderFactory)
    reference = factory.Sequence(lambda n: f"C-{n:03d}")
    starts_on = dt.date(2026, 1, 1)
    ends_on = dt.date(2027, 12, 31)
    placements_per_year = 200
    guidance_months = 6
    report_every_months = 6
    cohort_size = 15


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    provider = factory.SubFactory(ProviderFactory)
    municipality = factory.SelfAttribute("provider.municipality")
    code = factory.Sequence(lambda n: f"ACT-{n:04d}")
    title = factory.Sequence(lambda n: f"Activiteit {n}")
    category = "volunteering"
    description = "Je helpt in de buurtkamer."
    min_hours_per_week = Decimal("4")
    max_hours_per_week = Decimal("12")
    capacity = 5


class ProvisionTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProvisionType

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Voorziening {n}")
    kind = ProvisionType.Kind.TRAINING
    default_cost = Decimal("400.00")


class ProvisionGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProvisionGrant

    provision_type = factory.SubFactory(ProvisionTypeFactory)
    amount = Decimal("300.00")
    budget_year = factory.LazyFunction(lambda: timezone.localdate().year)
    reason = "Nodig om te kunnen beginnen."
    status = ProvisionGrant.Status.APPROVED
    approved_by = factory.SelfAttribute("requested_by")
