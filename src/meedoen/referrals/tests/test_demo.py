"""Demo data for the referral loop: a believable mix that follows the rules, seen by the demo logins."""
import random

import pytest
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from meedoen.accounts.models import Role, User
from meedoen.demo import generator
from meedoen.guidance import rules as guidance_rules
from meedoen.guidance import worklist
from meedoen.offer.demo import seed_offer
from meedoen.referrals import queries, rules
from meedoen.referrals.demo import seed_referrals
from meedoen.referrals.models import ActivityCheck, Cohort, ProviderReport, Referral, ReferralEvent, Suggestion
from meedoen.residents.models import Resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(presets, monkeypatch):
    """A demo municipality with the catalogue and guidance, in the generator's order, then the referrals."""
    today = timezone.localdate()
    monkeypatch.setattr(generator, "DEMO_EXTENSIONS", [e for e in generator.DEMO_EXTENSIONS
                                                       if e[0] in ("aanbod", "begeleiding")])
    summary = generator.seed("rotterdam", 600, 11, today=today)
    counts = seed_referrals(summary.municipality, random.Random(5), today)
    return summary.municipality, counts, today


def test_the_demo_referrals_are_a_believable_mix(demo):
    municipality, counts, today = demo
    referrals = Referral.objects.filter(resident__municipality=municipality)
    assert counts["doorverwijzingen"] == referrals.count() > 60
    closed = referrals.filter(status__in=rules.CLOSED_STATUSES)
    returned = closed.filter(status="returned").count()
    assert 1 / 3 <= returned / closed.count() <= 1 / 2  # DESIGN §4.7: returned with advice in a third to a half
    assert not referrals.filter(status="returned", return_advice="").exists()
    assert set(referrals.values_list("status", flat=True)) >= {"sent", "accepted", "intake_planned", "placed",
                                                               "returned", "completed", "declined"}
    placed = referrals.filter(status="placed")
    assert not placed.filter(Q(placed_on=None) | Q(guidance_until=None) | Q(next_report_due_on=None)).exists()
    assert ProviderReport.objects.filter(referral__in=referrals).exists()
    assert not referrals.exclude(status="sent").annotate(n=Count("events")).filter(n__lt=2).exists()
    assert Suggestion.objects.filter(resident__municipality=municipality, chosen=True).count() == \
        referrals.filter(suggestion__isnull=False).count()
    # Help services get warm referrals too, with consent to share what they need.
    assert referrals.filter(provider__kind="debt_counselling", consent_share_debts=True).exists()


def test_yearly_checks_find_most_former_participants_still_active(demo):
    municipality, counts, today = demo
    answered = ActivityCheck.objects.filter(referral__resident__municipality=municipality, checked_on__isnull=False)
    assert answered.count() >= 5
    share = answered.filter(still_active=True).count() / answered.count()
    assert 0.7 <= share <= 1.0  # the research found 80–90 %; a small demo sample scatters around it
    completed = Referral.objects.filter(resident__municipality=municipality, status="completed")
    assert not completed.annotate(n=Count("checks")).filter(n=0).exists()


def test_the_partner_login_sees_a_cohort_of_fifteen(demo, client):
    municipality, counts, today = demo
    partner = User.objects.get(username="partner")
    assert partner.role == Role.PROVIDER_STAFF and partner.provider.kind == "volunteer_centre"
    cohort = Cohort.objects.filter(provider=partner.provider, starts_on__gte=today).get()
    members = Referral.objects.filter(cohort=cohort, status="intake_planned").count()
    assert members == 15 == cohort.size
    assert queries.provider_referrals(partner).count() >= 15
    client.force_login(partner)
    page = client.get(reverse("partner:cohort", args=[cohort.pk]))
    assert page.status_code == 200 and "15 van 15" in page.content.decode()


def test_the_worklist_shows_placements_and_returns_and_follow_up_knows_placements(demo):
    municipality, counts, today = demo
    rows = worklist.build_rows(Resident.objects.filter(municipality=municipality), today)
    codes = {s.code for item in guidance_rules.classify(rows, today) for s in item.signals}
    assert {"no_contact_since_placement", "returned_by_partner"} <= codes
    assert Resident.objects.filter(municipality=municipality, next_contact_rule__startswith="plaatsing").exists()
    klantmanager = User.objects.get(username="klantmanager")
    own = Referral.objects.filter(resident__current_caseworker=klantmanager)
    assert own.exists()
    assert ReferralEvent.objects.filter(seen_by_caseworker_at__isnull=True).exists()  # news for the worklist


def test_without_a_catalogue_the_seed_does_nothing(presets, monkeypatch):
    monkeypatch.setattr(generator, "DEMO_EXTENSIONS", [])
    summary = generator.seed("rotterdam", 50, 3, today=timezone.localdate())
    counts = seed_referrals(summary.municipality, random.Random(1), timezone.localdate())
    assert counts == {"doorverwijzingen": 0}
    assert not Referral.objects.exists()


def test_the_seed_is_deterministic(presets, monkeypatch):
    today = timezone.localdate()
    monkeypatch.setattr(generator, "DEMO_EXTENSIONS", [])
    municipality = generator.seed("rotterdam", 300, 4, today=today).municipality
    seed_offer(municipality, random.Random(2), today)
    with_seed = []
    for _ in range(2):
        sid = __import__("django.db", fromlist=["transaction"]).transaction.savepoint()
        seed_referrals(municipality, random.Random(9), today)
        with_seed.append(list(Referral.objects.order_by("pk").values_list("resident_id", "status", "placed_on")))
        __import__("django.db", fromlist=["transaction"]).transaction.savepoint_rollback(sid)
    assert with_seed[0] == with_seed[1] and with_seed[0]
