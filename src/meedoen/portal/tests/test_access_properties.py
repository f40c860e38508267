"""Who may use the portal (portal.access.resident_view), as a property over random municipalities and every role:
only a resident login, and only for the dossier linked to it (portal/access.py's docstring)."""
import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings

from meedoen.accounts.models import Role
from meedoen.audit.models import AuditEntry
from meedoen.portal.access import resident_view, session_age
from meedoen.tests.access_world import build, rolled_back, worlds

pytestmark = pytest.mark.django_db


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=worlds())
def test_only_a_resident_login_reaches_the_portal_and_only_with_its_own_dossier(presets, world):
    served = []

    @resident_view()
    def page(request, resident):
        served.append(resident.pk)
        return HttpResponse("ok")

    with rolled_back():
        built = build(world)
        for u, user in enumerate(built.users):
            spec = world.users[u]
            request = RequestFactory().get("/mijn/")
            request.user, request.session = user, SessionStore()
            served.clear()
            if spec.role != Role.RESIDENT:
                before = AuditEntry.objects.filter(action=AuditEntry.Action.DENIED, actor=user).count()
                with pytest.raises(PermissionDenied):
                    page(request)
                assert AuditEntry.objects.filter(action=AuditEntry.Action.DENIED, actor=user).count() == before + 1
                assert served == []
            elif spec.resident is None:
                response = page(request)
                assert response.status_code == 200 and served == []  # the page that says no dossier is linked
            else:
                assert page(request).content == b"ok"
                assert served == [built.residents[spec.resident].pk]
                assert request.session.get_expiry_age() == session_age()  # the short session for residents
