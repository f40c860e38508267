"""Who sees which campaign and which outreach (outreach.services.visible_campaigns / visible_outreaches), as a
property over random municipalities, against the rule restated in plain Python (meedoen.tests.access_world)."""
import pytest
from hypothesis import HealthCheck, given, settings

from meedoen.outreach.services import visible_campaigns, visible_outreaches
from meedoen.tests.access_world import build, expected_campaigns, expected_outreaches, rolled_back, worlds

pytestmark = pytest.mark.django_db


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=worlds())
def test_staff_see_the_campaigns_of_their_team_and_their_own_and_outreaches_only_to_dossiers_they_see(presets, world):
    with rolled_back():
        built = build(world)
        campaign_index = {c.pk: i for i, c in enumerate(built.campaigns)}
        outreach_index = {o.pk: i for i, o in enumerate(built.outreaches)}
        for u, user in enumerate(built.users):
            campaigns = [campaign_index[pk] for pk in visible_campaigns(user).values_list("pk", flat=True)]
            outreaches = [outreach_index[pk] for pk in visible_outreaches(user).values_list("pk", flat=True)]
            spec = world.users[u]
            assert sorted(campaigns) == sorted(expected_campaigns(world, u)), f"user {u}: {spec}"
            assert sorted(outreaches) == sorted(expected_outreaches(world, u)), f"user {u}: {spec}"
