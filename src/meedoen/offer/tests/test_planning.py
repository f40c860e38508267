"""Capacity planning (offer.planning): properties of the planner against the exact optimum and first come, first
served (capacity never exceeded, kept choices honoured, never below greedy, equal to the optimum on small
instances), the shortage report, the problem built from profiles, and the planning screen (access, audit)."""
import datetime as dt
from decimal import Decimal

import numpy as np
import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from meedoen.accounts.models import Role
from meedoen.audit.models import AuditEntry
from meedoen.offer import matching, planning
from meedoen.outreach.models import Campaign, Outreach
from meedoen.policy.services import active_profile
from meedoen.referrals.models import Referral
from meedoen.tests.factories import MunicipalityFactory, NeighbourhoodFactory, ResidentFactory, UserFactory

from .factories import ActivityFactory

TODAY = dt.date(2026, 11, 23)


@st.composite
def instances(draw, max_residents=12, max_activities=6):
    n = draw(st.integers(min_value=0, max_value=max_residents))
    m = draw(st.integers(min_value=1, max_value=max_activities))
    fit = np.array(draw(st.lists(st.lists(st.integers(min_value=0, max_value=30), min_size=m, max_size=m),
                                 min_size=n, max_size=n)), dtype=np.int64).reshape(n, m)
    capacity = np.array(draw(st.lists(st.integers(min_value=0, max_value=3), min_size=m, max_size=m)))
    fixed = np.array(draw(st.lists(st.integers(min_value=-1, max_value=m - 1) | st.just(-1), min_size=n,
                                   max_size=n)), dtype=np.int64)
    return planning.DenseFit(fit), capacity, fixed


def assert_valid(allocation, fit, capacity, fixed):
    a = allocation.assignment
    assert np.array_equal(a[fixed >= 0], fixed[fixed >= 0]), "kept choices are honoured"
    new = a[(a >= 0) & (fixed < 0)]
    kept_per_activity = np.bincount(fixed[fixed >= 0], minlength=capacity.size)
    assert (np.bincount(new, minlength=capacity.size) <= np.maximum(capacity - kept_per_activity, 0)).all(), \
        "never more residents than places"
    for r in np.flatnonzero((a >= 0) & (fixed < 0)):
        assert fit.matrix[r, a[r]] > 0, "only feasible pairs"
    expected = sum(int(fit.matrix[r, a[r]]) for r in np.flatnonzero(a >= 0))
    assert allocation.total_fit == expected


@settings(max_examples=300, deadline=None)
@given(instances())
def test_planner_respects_capacity_and_choices_and_equals_the_optimum_on_small_instances(instance):
    fit, capacity, fixed = instance
    planner = planning.plan_allocation(fit, capacity, fixed)
    exact = planning.exact_optimum(fit, capacity, fixed)
    greedy = planning.greedy_allocation(fit, capacity, fixed)
    for allocation in (planner, exact, greedy):
        assert_valid(allocation, fit, capacity, fixed)
    assert planner.total_fit == exact.total_fit
    assert planner.total_fit >= greedy.total_fit


@settings(max_examples=300, deadline=None)
@given(instances(max_residents=25, max_activities=8), st.integers(min_value=1, max_value=3))
def test_with_few_candidates_the_planner_still_beats_greedy_and_its_certificate_holds(instance, top_k):
    """Few candidates per resident force the pricing rounds; a certified plan must be the optimum."""
    fit, capacity, fixed = instance
    planner = planning.plan_allocation(fit, capacity, fixed, top_k=top_k)
    exact = planning.exact_optimum(fit, capacity, fixed)
    greedy = planning.greedy_allocation(fit, capacity, fixed)
    assert_valid(planner, fit, capacity, fixed)
    assert greedy.total_fit <= planner.total_fit <= exact.total_fit
    if planner.certified:
        assert planner.total_fit == exact.total_fit


@settings(max_examples=100, deadline=None)
@given(instances(max_residents=15, max_activities=5), st.randoms(use_true_random=False))
def test_greedy_is_first_come_first_served(instance, rnd):
    fit, capacity, fixed = instance
    order = list(range(fit.n_residents))
    rnd.shuffle(order)
    greedy = planning.greedy_allocation(fit, capacity, fixed, order=order)
    assert_valid(greedy, fit, capacity, fixed)
    # Replaying the order: everyone took the best activity with a place left when it was their turn.
    left = np.maximum(capacity - np.bincount(fixed[fixed >= 0], minlength=capacity.size), 0)
    for r in order:
        if fixed[r] >= 0:
            continue
        offer = np.where(left > 0, fit.matrix[r], 0)
        if offer.max(initial=0) > 0:
            assert greedy.assignment[r] == int(np.argmax(offer))
            left[greedy.assignment[r]] -= 1
        else:
            assert greedy.assignment[r] == -1


def test_the_planner_beats_first_come_where_an_early_resident_takes_a_contested_place():
    # Resident 0 likes both activities; resident 1 only fits activity 0. One place each.
    fit = planning.DenseFit([[10, 9], [8, 0]])
    greedy = planning.greedy_allocation(fit, [1, 1])
    planner = planning.plan_allocation(fit, [1, 1])
    assert greedy.total_fit == 10 and list(greedy.assignment) == [0, -1]
    assert planner.total_fit == 17 and list(planner.assignment) == [1, 0] and planner.certified


def test_a_kept_choice_beyond_the_places_stays_but_nobody_new_is_added():
    fit = planning.DenseFit([[5, 1], [5, 1], [5, 1]])
    allocation = planning.plan_allocation(fit, [1, 1], fixed=[0, 0, -1])
    assert list(allocation.assignment) == [0, 0, 1]


def test_shortage_report_counts_demand_against_places():
    # Three residents whose best is activity 0 (one place), one with no feasible option.
    fit = planning.DenseFit([[9, 5], [8, 3], [7, 0], [0, 0]])
    allocation = planning.plan_allocation(fit, [1, 5])
    assert list(allocation.assignment) == [1, 1, 0, -1]  # 5 + 3 + 7 beats 9 + 3
    rows, no_option = planning.shortage_report(allocation, [1, 5], ["volunteering", "language"], [11, 12])
    assert no_option == 1
    first = rows[0]
    assert (first.category, first.neighbourhood_id, first.places, first.first_choice) == ("volunteering", 11, 1, 3)
    assert first.shortage == 2 and first.allocated == 1 and first.unallocated == 0
    language = next(r for r in rows if r.category == "language")
    assert (language.places, language.first_choice, language.allocated, language.shortage) == (5, 0, 2, 0)


def test_problem_from_profiles_uses_the_same_scoring_and_counts_kept_places_once():
    home = (51.92, 4.48)
    options = [
        matching.ActivityOption(1, category="volunteering", location=home, capacity=2, places_taken=2),
        matching.ActivityOption(2, category="language", location=home, capacity=3, min_hours=12),
        matching.ActivityOption(3, category="social", location=home, capacity=1, active=False),
    ]
    profiles = [
        matching.ResidentProfile(1, location=home, chosen_activity_id=1, chosen_holds_place=True),
        matching.ResidentProfile(2, location=home, capacity_hours=8),
        matching.ResidentProfile(3, location=home, chosen_activity_id=2),
    ]
    fit, capacity, fixed = planning.build_problem(profiles, options, today=TODAY)
    # Activity 1 is full, but one of its places is resident 1's own kept choice.
    assert list(capacity) == [1, 3, 0] and list(fixed) == [0, -1, 1]
    block = fit.block(0, 3)
    scored = matching.score_block(matching.ResidentBlock(profiles), matching.Catalogue(options, today=TODAY),
                                  require_free_places=False, allow_over_hours=False)
    assert np.array_equal(block, planning.to_fit(scored.score, scored.feasible))
    assert block[1, 1] == 0, "the planner never asks more hours than agreed"
    allocation = planning.plan_allocation(fit, capacity, fixed)
    assert list(allocation.assignment) == [0, -1, 1]  # resident 2: the only place left asks too many hours


# -- the planning screen -----------------------------------------------------------------------------------------------


def _catalogue(provider, neighbourhood, n=4):
    return [ActivityFactory(municipality=provider.municipality, provider=provider, code=f"P-{i}",
                            title=f"Plek {i}", neighbourhood=neighbourhood, capacity=1,
                            category="volunteering" if i % 2 else "social",
                            latitude=Decimal("51.92000"), longitude=Decimal("4.48000"),
                            min_hours_per_week=Decimal("0")) for i in range(n)]


@pytest.fixture
def planned_residents(municipality, neighbourhood, caseworker):
    from meedoen.residents.services import assign_caseworker

    residents = []
    for i in range(6):
        r = ResidentFactory(municipality=municipality, neighbourhood=neighbourhood, last_name=f"Bakker{i}")
        assign_caseworker(r, caseworker, actor=caseworker, reason="Eerste toewijzing")
        residents.append(r)
    return residents


def test_team_lead_gets_a_proposal_for_a_neighbourhood(client, team_lead, provider, neighbourhood, planned_residents):
    activities = _catalogue(provider, neighbourhood)
    Referral.objects.create(resident=planned_residents[0], provider=provider, activity=activities[0],
                            status="placed", referred_by=team_lead, handover_note="Overdracht",
                            consent_recorded_at=dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc))
    client.force_login(team_lead)
    response = client.get(reverse("offer:planning"), {"wijk": neighbourhood.pk})
    assert response.status_code == 200
    context = response.context
    assert context["total"] == 6 and context["allocated"] == 4 and context["kept"] == 1
    assert context["unallocated"] == 2 and context["certified"]
    body = response.content.decode()
    assert "Er worden geen doorverwijzingen gemaakt" in body
    assert "al gekozen" in body and "Waar plaatsen tekortkomen" in body
    entry = AuditEntry.objects.filter(action="view", actor=team_lead).latest("occurred_at")
    assert entry.detail["part"] == "capacity planning" and entry.detail["residents"] == 6
    assert Referral.objects.count() == 1, "the screen proposes; it never refers"


def test_caseworker_plans_a_campaign_over_the_residents_they_may_see(client, caseworker, municipality, provider,
                                                                    neighbourhood, planned_residents, team_lead):
    _catalogue(provider, neighbourhood, n=2)
    campaign = Campaign.objects.create(municipality=municipality, name="Wijkronde", appointment_kind="intake",
                                       policy_profile=active_profile(municipality), created_by=team_lead)
    for r in planned_residents[:3]:
        Outreach.objects.create(campaign=campaign, resident=r)
    outside = ResidentFactory(municipality=municipality, neighbourhood=neighbourhood)  # no caseworker: not visible
    Outreach.objects.create(campaign=campaign, resident=outside)
    client.force_login(caseworker)
    response = client.get(reverse("offer:planning"), {"campagne": campaign.pk})
    assert response.status_code == 200
    assert response.context["total"] == 3 and response.context["allocated"] == 2


def test_the_form_without_a_choice_shows_no_proposal(client, team_lead, neighbourhood):
    client.force_login(team_lead)
    response = client.get(reverse("offer:planning"))
    assert response.status_code == 200 and "planned" not in response.context
    assert neighbourhood.name in response.content.decode()
    both = client.get(reverse("offer:planning"), {"wijk": neighbourhood.pk, "campagne": "x"})
    assert both.status_code == 200


def test_another_municipalitys_neighbourhood_gets_403_and_is_audited(client, team_lead):
    elsewhere = NeighbourhoodFactory(municipality=MunicipalityFactory(name="Elders", code="9777"))
    client.force_login(team_lead)
    response = client.get(reverse("offer:planning"), {"wijk": elsewhere.pk})
    assert response.status_code == 403
    denied = AuditEntry.objects.get(action="denied", actor=team_lead)
    assert denied.object_type == "organisation.Neighbourhood" and denied.object_id == str(elsewhere.pk)


def test_another_municipalitys_campaign_gets_403_and_is_audited(client, caseworker, presets):
    elsewhere = MunicipalityFactory(name="Elders", code="9778")
    campaign = Campaign.objects.create(municipality=elsewhere, name="Elders", appointment_kind="intake",
                                       policy_profile=active_profile(elsewhere))
    client.force_login(caseworker)
    assert client.get(reverse("offer:planning"), {"campagne": campaign.pk}).status_code == 403
    assert AuditEntry.objects.filter(action="denied", actor=caseworker, object_type="outreach.Campaign").exists()


@pytest.mark.parametrize("role", [Role.ANALYST, Role.PROVIDER_STAFF, Role.NEIGHBOURHOOD_WORKER])
def test_other_roles_get_403_and_are_audited(client, municipality, role):
    user = UserFactory(municipality=municipality, role=role, team=None)
    client.force_login(user)
    assert client.get(reverse("offer:planning")).status_code == 403
    assert AuditEntry.objects.filter(action="denied", actor=user).exists()
