"""Who sees which dossier (residents.access), as a property over random municipalities.

The rule is stated again in plain Python from the module's docstring (`access_world.expected_dossiers`), over the
drawn description of the world — never by calling the code under test — and compared with `visible_residents`,
`can_edit` and `get_resident_or_deny` for every user and every dossier.
"""
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings

from meedoen.accounts.models import Role
from meedoen.audit.models import AuditEntry
from meedoen.residents.access import can_edit, get_resident_or_deny, visible_residents
from meedoen.tests.access_world import build, expected_dossiers, rolled_back, worlds

pytestmark = pytest.mark.django_db

PROPERTY = settings(max_examples=35, suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROPERTY
@given(world=worlds())
def test_every_user_sees_exactly_the_dossiers_the_rule_gives_them(presets, world):
    with rolled_back():
        built = build(world)
        index = {resident.pk: r for r, resident in enumerate(built.residents)}
        for u, user in enumerate(built.users):
            got = [index[pk] for pk in visible_residents(user).values_list("pk", flat=True)]
            assert sorted(got) == sorted(expected_dossiers(world, u)), (
                f"user {u} ({user.role}, team {world.users[u].team}, wijk {world.users[u].wijk})")
            # no dossier twice (a wijk shared by two teams must not double a row)
            assert len(got) == len(set(got))


@PROPERTY
@given(world=worlds())
def test_only_caseworkers_and_team_leads_edit_and_only_dossiers_they_see(presets, world):
    with rolled_back():
        built = build(world)
        for u, user in enumerate(built.users):
            expected = expected_dossiers(world, u)
            for r, resident in enumerate(built.residents):
                allowed = user.role in (Role.CASEWORKER, Role.TEAM_LEAD) and r in expected
                assert can_edit(user, resident) is allowed, f"user {u} ({user.role}) resident {r}"


@settings(PROPERTY, max_examples=25)
@given(world=worlds(max_extra_users=2, max_residents=8))
def test_a_refused_dossier_is_403_and_audited_and_an_unknown_one_404(presets, world):
    factory = RequestFactory()
    with rolled_back():
        built = build(world)
        for u, user in enumerate(built.users):
            request = factory.get("/clienten/")
            request.user = user
            expected = expected_dossiers(world, u)
            for r, resident in enumerate(built.residents):
                for for_edit in (False, True):
                    allowed = r in expected and (not for_edit or user.role in (Role.CASEWORKER, Role.TEAM_LEAD))
                    before = AuditEntry.objects.filter(action=AuditEntry.Action.DENIED).count()
                    if allowed:
                        assert get_resident_or_deny(request, resident.public_id, for_edit=for_edit) == resident
                        assert AuditEntry.objects.filter(action=AuditEntry.Action.DENIED).count() == before
                    else:
                        with pytest.raises(PermissionDenied):
                            get_resident_or_deny(request, resident.public_id, for_edit=for_edit)
                        entry = AuditEntry.objects.filter(action=AuditEntry.Action.DENIED).latest("pk")
                        assert AuditEntry.objects.filter(action=AuditEntry.Action.DENIED).count() == before + 1
                        assert (entry.actor_id, entry.resident_id, entry.detail) == (
                            user.pk, resident.pk, {"edit": for_edit})
            before = AuditEntry.objects.count()
            for unknown in (uuid.uuid4(), "geen-uuid"):
                for for_edit in (False, True):
                    with pytest.raises(Http404):
                        get_resident_or_deny(request, unknown, for_edit=for_edit)
            assert AuditEntry.objects.count() == before  # an unknown id names nobody: nothing to audit


def test_the_presets_the_worlds_use_still_differ_on_sharing_names(presets, today):
    from meedoen.policy.models import PolicyProfile
    from meedoen.tests.access_world import POLICY_SHARES_NAMES

    for key, shares in POLICY_SHARES_NAMES.items():
        assert PolicyProfile.objects.active_for(key, today).neighbourhood_team_sees_names is shares
