"""Demo data for the offer side: believable, within the profile's rules, deterministic, and linked to the logins."""
import random
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from meedoen.accounts.models import User
from meedoen.demo import generator
from meedoen.offer import budget, geo
from meedoen.offer.demo import seed_offer
from meedoen.offer.models import Activity, Provider, ProviderContract, ProvisionGrant, ProvisionType
from meedoen.policy.services import active_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(presets, monkeypatch):
    monkeypatch.setattr(generator, "DEMO_EXTENSIONS", [])  # residents only; the offer is seeded by the test
    return generator.seed("rotterdam", 300, 9, today=timezone.localdate()).municipality


def snapshot(municipality):
    return (sorted(Activity.objects.filter(municipality=municipality)
                   .values_list("code", "title", "latitude", "longitude", "capacity", "days")),
            sorted(ProvisionGrant.objects.filter(resident__municipality=municipality)
                   .values_list("resident_id", "amount", "status")))


def test_seed_offer_gives_a_believable_catalogue_within_the_rules(town):
    today = timezone.localdate()
    counts = seed_offer(town, random.Random(5), today)

    providers = Provider.objects.filter(municipality=town)
    assert 15 <= providers.count() <= 25
    assert {"debt_counselling", "mental_health", "addiction_care", "volunteer_centre", "work_company"} <= set(
        providers.values_list("kind", flat=True))
    assert ProviderContract.objects.filter(provider__municipality=town, placements_per_year=200, guidance_months=6,
                                           cohort_size=15).exists()

    activities = Activity.objects.filter(municipality=town)
    assert counts["activiteiten"] == activities.count() >= 60
    assert len(set(activities.values_list("neighbourhood", flat=True))) == town.neighbourhoods.count()
    assert not activities.filter(category="one_euro_job").exists()  # Rotterdam's profile does not offer it
    volunteering = activities.filter(category="volunteering")
    assert volunteering.filter(max_hours_per_week__lte=12).count() > volunteering.count() / 2
    assert activities.filter(requires_indication=True).exclude(indication_note="").exists()
    assert not activities.filter(latitude__isnull=True).exists()
    for activity in activities:
        activity.full_clean()  # every demo row passes the model's own validation

    partner = User.objects.get(username="partner")
    assert partner.provider.kind == "volunteer_centre" and partner.provider.municipality == town

    rules = budget.rules_from_profile_extra(active_profile(town).extra)
    per_resident = defaultdict(Decimal)
    for grant in ProvisionGrant.objects.filter(resident__municipality=town).select_related("provision_type"):
        if grant.status in ("approved", "requested"):
            per_resident[grant.resident_id] += grant.spent_amount if grant.spent_amount is not None else grant.amount
        cap = rules.cap_for(grant.provision_type.kind)
        assert cap is None or grant.amount <= cap
        assert grant.needs_second_approval == budget.needs_second_approval(rules, grant.amount)
        if grant.status == "approved" and grant.needs_second_approval:
            assert grant.approved_by_id != grant.requested_by_id
    assert max(per_resident.values()) <= rules.budget_per_year
    login = User.objects.get(username="klantmanager")
    assert ProvisionGrant.objects.filter(status="requested", needs_second_approval=True, requested_by=login).exists()
    assert counts["  waarvan wacht op tweede akkoord"] >= 1
    assert ProvisionType.objects.filter(municipality=town).count() == counts["soorten voorzieningen"]

    centroids = geo.neighbourhood_centroids(town)
    assert set(centroids) == set(town.neighbourhoods.values_list("pk", flat=True))
    assert all(geo.distance_km(c, (51.9225, 4.4792)) < 10 for c in centroids.values())


def test_seed_offer_is_deterministic_for_a_given_rng(town):
    today = timezone.localdate()
    with transaction.atomic():
        seed_offer(town, random.Random(5), today)
        first = snapshot(town)
        transaction.set_rollback(True)
    seed_offer(town, random.Random(5), today)
    assert snapshot(town) == first and first[0]
