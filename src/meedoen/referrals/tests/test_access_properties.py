"""Which referrals a partner's staff see, and who may act on a referral (referrals.queries.provider_referrals,
referrals.services.actor_role), as a property over random municipalities, against the rule restated in plain
Python (meedoen.tests.access_world)."""
import pytest
from django.core.exceptions import PermissionDenied
from hypothesis import HealthCheck, given, settings

from meedoen.accounts.models import Role
from meedoen.referrals import rules
from meedoen.referrals.queries import provider_referrals
from meedoen.referrals.services import actor_role
from meedoen.tests.access_world import build, expected_dossiers, expected_provider_referrals, rolled_back, worlds

pytestmark = pytest.mark.django_db


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=worlds())
def test_partner_staff_see_only_referrals_to_their_own_organisation(presets, world):
    with rolled_back():
        built = build(world)
        index = {referral.pk: i for i, referral in enumerate(built.referrals)}
        for u, user in enumerate(built.users):
            got = [index[pk] for pk in provider_referrals(user).values_list("pk", flat=True)]
            assert sorted(got) == sorted(expected_provider_referrals(world, u)), f"user {u}: {world.users[u]}"


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=worlds())
def test_only_the_own_partner_or_staff_who_see_the_dossier_act_on_a_referral(presets, world):
    """actor_role: staff of the referral's own provider act as the provider; a klantmanager or teamleider who may see
    the resident acts as the caseworker; everyone else is refused."""
    with rolled_back():
        built = build(world)
        for u, user in enumerate(built.users):
            spec, dossiers = world.users[u], expected_dossiers(world, u)
            for i, referral in enumerate(built.referrals):
                resident, provider = world.referrals[i]
                if spec.role == Role.PROVIDER_STAFF and spec.provider is not None and spec.provider == provider:
                    expected = rules.PROVIDER
                elif spec.role in (Role.CASEWORKER, Role.TEAM_LEAD) and resident in dossiers:
                    expected = rules.CASEWORKER
                else:
                    expected = None
                if expected is None:
                    with pytest.raises(PermissionDenied):
                        actor_role(user, referral)
                else:
                    assert actor_role(user, referral) == expected, f"user {u}: {spec}, referral {i}"
