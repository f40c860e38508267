"""The offer screens' access checks (offer.access, accounts.access.require_role) as a property over random
municipalities and every role, against the rule of offer/access.py's docstring restated in plain Python."""
import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings

from meedoen.accounts.access import require_role
from meedoen.accounts.models import Role
from meedoen.audit.models import AuditEntry
from meedoen.offer import access
from meedoen.offer.models import Provider
from meedoen.tests.access_world import build, rolled_back, worlds

pytestmark = pytest.mark.django_db

# offer/access.py's docstring, as plain sets: who may use which part (always within the own municipality).
DOCSTRING_ROLES = {
    "catalogue": ({Role.CASEWORKER, Role.TEAM_LEAD, Role.ADMINISTRATOR}, access.CATALOGUE_ROLES),
    "manage": ({Role.ADMINISTRATOR}, access.MANAGE_ROLES),
    "providers": ({Role.ADMINISTRATOR, Role.TEAM_LEAD}, access.PROVIDER_ROLES),
    "budgets": ({Role.TEAM_LEAD}, access.BUDGET_ROLES),
}


def _request(user):
    request = RequestFactory().get("/aanbod/")
    request.user = user
    return request


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=worlds())
def test_each_part_of_the_offer_is_open_to_the_docstrings_roles_only_and_a_refusal_is_audited(presets, world):
    with rolled_back():
        built = build(world)
        for u, user in enumerate(built.users):
            for part, (roles, constant) in DOCSTRING_ROLES.items():
                before = AuditEntry.objects.filter(action=AuditEntry.Action.DENIED, actor=user).count()
                if user.role in roles and world.users[u].municipality is not None:
                    require_role(_request(user), constant, part=part)
                    assert AuditEntry.objects.filter(action=AuditEntry.Action.DENIED, actor=user).count() == before
                else:
                    with pytest.raises(PermissionDenied):
                        require_role(_request(user), constant, part=part)
                    entry = AuditEntry.objects.filter(action=AuditEntry.Action.DENIED, actor=user).latest("pk")
                    assert entry.detail == {"part": part, "reason": "role"}


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=worlds())
def test_an_object_of_another_municipality_is_403_and_audited_and_an_unknown_one_404(presets, world):
    with rolled_back():
        built = build(world)
        unknown = (Provider.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
        for u, user in enumerate(built.users):
            for p, provider in enumerate(built.providers):
                before = AuditEntry.objects.filter(action=AuditEntry.Action.DENIED).count()
                if world.providers[p] == world.users[u].municipality:
                    assert access.get_in_municipality_or_deny(_request(user), Provider.objects.all(), provider.pk) \
                        == provider
                    assert AuditEntry.objects.filter(action=AuditEntry.Action.DENIED).count() == before
                else:
                    with pytest.raises(PermissionDenied):
                        access.get_in_municipality_or_deny(_request(user), Provider.objects.all(), provider.pk)
                    entry = AuditEntry.objects.filter(action=AuditEntry.Action.DENIED).latest("pk")
                    assert (entry.actor_id, entry.object_type, entry.object_id) == (
                        user.pk, "offer.Provider", str(provider.pk))
            before = AuditEntry.objects.count()
            with pytest.raises(Http404):
                access.get_in_municipality_or_deny(_request(user), Provider.objects.all(), unknown)
            assert AuditEntry.objects.count() == before
