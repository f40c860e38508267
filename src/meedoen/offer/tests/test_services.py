"""Services of the offer side: places taken, activity edits with optimistic locking, and provisions decided under
the profile's rules (budget, cap, ladder, second approval), with a timeline line for each change."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from meedoen.accounts.models import Role
from meedoen.offer import services
from meedoen.offer.models import Activity, ProvisionGrant
from meedoen.policy.models import PolicyProfile
from meedoen.policy.services import clear_profile_cache, copy_as_draft
from meedoen.residents.models import DossierEvent, Resident
from meedoen.tests.factories import UserFactory

from .conftest import make_referral
from .factories import ActivityFactory, ProvisionGrantFactory

pytestmark = pytest.mark.django_db


def request(resident, ptype, amount, actor, reason="Nodig om te beginnen"):
    return services.request_grant(resident, provision_type=ptype, amount=Decimal(amount), reason=reason, actor=actor)


# -- places -----------------------------------------------------------------------------------------------------------


def test_places_taken_counts_accepted_planned_and_placed_referrals_only(resident, provider, caseworker):
    busy, quiet = ActivityFactory(provider=provider, capacity=3), ActivityFactory(provider=provider)
    for status in ("sent", "accepted", "intake_planned", "placed", "returned", "completed", "withdrawn"):
        make_referral(resident, provider, caseworker, activity=busy, status=status)
    assert services.places_taken([busy, quiet.pk]) == {busy.pk: 3, quiet.pk: 0}
    assert services.places_taken([]) == {}
    annotated = services.with_places_taken(Activity.objects.all())
    assert {a.pk: a.taken for a in annotated} == {busy.pk: 3, quiet.pk: 0}
    assert list(annotated.filter(services.free_places_filter())) == [quiet]


# -- activities -------------------------------------------------------------------------------------------------------


def test_an_activity_edit_on_a_stale_version_is_refused_and_changes_nothing(provider):
    activity = ActivityFactory(provider=provider, title="Oud")
    services.update_activity(activity, {"title": "Eerste"}, expected_version=1)
    with pytest.raises(services.ConcurrentEditError):
        services.update_activity(activity, {"title": "Tweede"}, expected_version=1)
    activity.refresh_from_db()
    assert (activity.title, activity.version) == ("Eerste", 2)


def test_an_activity_edit_is_validated_before_it_is_saved(provider):
    activity = ActivityFactory(provider=provider)
    other = ActivityFactory(provider=provider)
    with pytest.raises(ValidationError) as exc:
        services.update_activity(activity, {"max_hours_per_week": Decimal("1")}, expected_version=1)
    assert "max_hours_per_week" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.update_activity(activity, {"code": other.code}, expected_version=1)
    activity.refresh_from_db()
    assert activity.version == 1


# -- provisions -------------------------------------------------------------------------------------------------------


def test_a_request_within_the_mandate_is_granted_at_once_and_on_the_timeline(resident, training, caseworker):
    grant = request(resident, training, "450", caseworker)
    assert grant.status == ProvisionGrant.Status.APPROVED and grant.approved_by == caseworker
    assert not grant.needs_second_approval and grant.budget_year == 2026
    assert grant.policy_profile.key == "rotterdam" and "binnen het mandaat" in grant.rule
    event = DossierEvent.objects.filter(resident=resident).first()
    assert event.kind == "note" and event.summary.startswith("Voorziening toegekend: Sollicitatietraining")


def test_above_the_threshold_a_second_person_decides_never_the_requester(resident, trajectory, caseworker, colleague,
                                                                          team_lead):
    grant = request(resident, trajectory, "1200", caseworker)
    assert grant.status == ProvisionGrant.Status.REQUESTED and grant.needs_second_approval
    with pytest.raises(ValidationError, match="zelf gedaan"):
        services.decide_grant(grant, approve=True, actor=caseworker, expected_version=grant.version)
    decided = services.decide_grant(grant, approve=True, actor=colleague, expected_version=grant.version)
    assert decided.status == ProvisionGrant.Status.APPROVED and decided.approved_by == colleague
    assert decided.version == 2

    second = request(resident, trajectory, "600", caseworker)
    with pytest.raises(ValidationError) as exc:
        services.decide_grant(second, approve=False, actor=team_lead, expected_version=1)
    assert "note" in exc.value.message_dict  # a rejection needs a reason
    rejected = services.decide_grant(second, approve=False, actor=team_lead, expected_version=1,
                                     note="Eerst de taalcursus afmaken.")
    assert rejected.status == ProvisionGrant.Status.REJECTED and rejected.approved_by == team_lead


def test_someone_outside_the_team_cannot_decide(resident, trajectory, caseworker, outside_caseworker):
    grant = request(resident, trajectory, "1200", caseworker)
    with pytest.raises(ValidationError, match="team"):
        services.decide_grant(grant, approve=True, actor=outside_caseworker, expected_version=1)
    assert ProvisionGrant.objects.get().status == ProvisionGrant.Status.REQUESTED


def test_a_decision_on_a_stale_version_is_refused(resident, trajectory, caseworker, colleague, team_lead):
    grant = request(resident, trajectory, "1200", caseworker)
    services.decide_grant(grant, approve=True, actor=colleague, expected_version=1)
    with pytest.raises(services.ConcurrentEditError):
        services.decide_grant(grant, approve=False, actor=team_lead, expected_version=1, note="Toch niet")
    assert ProvisionGrant.objects.get().status == ProvisionGrant.Status.APPROVED


@pytest.mark.parametrize("amount,field,fragment", [
    ("0", "amount", "groter is dan € 0"),
    ("-10", "amount", "groter is dan € 0"),
    ("501", "amount", "maximum € 500,00"),
])
def test_a_wrong_amount_gets_a_clear_message_and_saves_nothing(resident, training, caseworker, amount, field,
                                                               fragment):
    with pytest.raises(ValidationError) as exc:
        request(resident, training, amount, caseworker)
    assert fragment in " ".join(exc.value.message_dict[field])
    assert not ProvisionGrant.objects.exists() and not DossierEvent.objects.filter(kind="note").exists()


def test_the_yearly_budget_counts_approved_spent_and_pending_amounts(resident, training, trajectory, caseworker,
                                                                     colleague):
    first = request(resident, trajectory, "1200", caseworker)                # pending: reserves 1200
    request(resident, training, "500", caseworker)                            # approved: uses 500
    with pytest.raises(ValidationError, match="nog € 300,00 van € 2.000,00"):
        request(resident, training, "400", caseworker)
    services.decide_grant(first, approve=True, actor=colleague, expected_version=1)
    spent = services.record_spending(first, spent=Decimal("900"), actor=caseworker, expected_version=2)
    assert spent.spent_amount == Decimal("900.00")
    state = services.resident_budget(resident)
    assert (state.used, state.reserved, state.available) == (Decimal("1400.00"), 0, Decimal("600.00"))
    assert request(resident, training, "400", caseworker).status == ProvisionGrant.Status.APPROVED
    # last year's grants do not count this year
    ProvisionGrantFactory(resident=resident, provision_type=training, requested_by=caseworker, amount="2000",
                          budget_year=2025)
    assert services.resident_budget(resident).used == Decimal("1800.00")


def test_approval_checks_the_budget_again_as_it_is_then(resident, trajectory, training, caseworker, colleague):
    pending = request(resident, trajectory, "1200", caseworker)
    # Meanwhile the budget was used elsewhere (e.g. a grant approved last week by another route).
    ProvisionGrantFactory(resident=resident, provision_type=training, requested_by=caseworker, amount="1000")
    with pytest.raises(ValidationError, match="meer dan er dit jaar nog over is"):
        services.decide_grant(pending, approve=True, actor=colleague, expected_version=1)
    assert ProvisionGrant.objects.get(pk=pending.pk).status == ProvisionGrant.Status.REQUESTED


def test_the_ladder_rule_of_the_profile_applies(resident, training, caseworker, municipality):
    clear_profile_cache()
    profile = PolicyProfile.objects.get(key="rotterdam")
    draft = copy_as_draft(profile, effective_from=profile.effective_from)
    draft.extra = {**draft.extra, "provisions": {**draft.extra["provisions"], "min_ladder_step": {"training": 4}}}
    draft.status = PolicyProfile.Status.APPROVED
    draft.save()
    with pytest.raises(ValidationError, match="Meet eerst de participatieladder"):
        request(resident, training, "200", caseworker)
    Resident.objects.filter(pk=resident.pk).update(ladder_step=3)
    with pytest.raises(ValidationError, match="nu trede 3"):
        request(resident, training, "200", caseworker)
    Resident.objects.filter(pk=resident.pk).update(ladder_step=4)
    assert request(resident, training, "200", caseworker).policy_profile == draft


def test_spending_above_the_approved_amount_or_on_a_pending_request_is_refused(resident, training, trajectory,
                                                                                caseworker):
    grant = request(resident, training, "300", caseworker)
    with pytest.raises(ValidationError, match="meer dan het toegekende bedrag"):
        services.record_spending(grant, spent=Decimal("300.01"), actor=caseworker, expected_version=1)
    pending = request(resident, trajectory, "1200", caseworker)
    with pytest.raises(ValidationError, match="alleen vastleggen bij een toegekende"):
        services.record_spending(pending, spent=Decimal("10"), actor=caseworker, expected_version=1)


def test_a_cancelled_grant_returns_its_amount_to_the_budget(resident, training, caseworker):
    grant = request(resident, training, "500", caseworker)
    services.cancel_grant(grant, actor=caseworker, expected_version=1)
    assert services.resident_budget(resident).used == 0
    with pytest.raises(ValidationError):
        services.cancel_grant(grant, actor=caseworker, expected_version=2)


def test_only_staff_of_the_team_can_request(resident, training, municipality, outside_caseworker):
    neighbourhood_worker = UserFactory(municipality=municipality, role=Role.NEIGHBOURHOOD_WORKER)
    for actor in (outside_caseworker, neighbourhood_worker):
        with pytest.raises(ValidationError):
            request(resident, training, "100", actor)
    assert not ProvisionGrant.objects.exists()


def test_a_provision_of_another_municipality_cannot_be_requested(resident, caseworker):
    from .factories import ProvisionTypeFactory

    foreign = ProvisionTypeFactory()
    with pytest.raises(ValidationError) as exc:
        request(resident, foreign, "100", caseworker)
    assert "provision_type" in exc.value.message_dict


def test_team_overview_adds_up_per_resident_and_per_caseworker(resident, training, trajectory, caseworker,
                                                                team_lead, municipality, neighbourhood):
    from meedoen.policy.services import active_profile
    from meedoen.residents.access import visible_residents

    request(resident, training, "400", caseworker)
    request(resident, trajectory, "1200", caseworker)
    overview = services.team_budget_overview(visible_residents(team_lead), 2026, active_profile(municipality))
    (row,) = overview["residents"]
    assert (row.used, row.pending, row.remaining) == (Decimal("400.00"), Decimal("1200.00"), Decimal("1600.00"))
    (per_caseworker,) = overview["caseworkers"]
    assert per_caseworker.caseworker == caseworker and per_caseworker.residents == 1
    assert overview["total"].available == Decimal("2000.00")
    assert [g.amount for g in services.pending_approvals(visible_residents(team_lead))] == [Decimal("1200.00")]
