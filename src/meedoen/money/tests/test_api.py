"""API: a resident's monthly calculations with their lines explained and the recorded differences; read-only, for
the klantmanager and the teamleider of dossiers they may see, every read audited."""
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from meedoen.accounts.models import Role
from meedoen.audit.models import AuditEntry
from meedoen.money import services
from meedoen.money.models import IncomeReport
from meedoen.tests.api import field_errors
from meedoen.tests.factories import UserFactory

from .conftest import month

pytestmark = pytest.mark.django_db


def url(resident):
    return reverse("api:resident-monthly-calculation-list", kwargs={"resident_public_id": resident.public_id})


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def corrected(resident, caseworker):
    report, _effect = services.add_income_report(resident, actor=caseworker, month=month(2026, 3),
                                                 net_amount=Decimal("800"), kind=IncomeReport.Kind.WAGE_MONTHLY)
    state = services.month_state(resident, month(2026, 3))
    services.decide_month(resident, month(2026, 3), actor=caseworker, expected_fingerprint=state.fingerprint)
    services.correct_income_report(report, actor=caseworker, expected_version=1, net_amount=Decimal("600"))
    return resident


def test_the_caseworker_gets_the_versions_with_explained_lines_and_the_difference(corrected, caseworker):
    response = client_for(caseworker).get(url(corrected), {"month": "2026-03"})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["version"], r["status"], r["total_paid"]) for r in rows] == [
        (2, "decided", "903.92"), (1, "replaced", "761.42")]
    new = rows[0]
    assert new["replaces_version"] == 1 and new["decided_by_name"]
    assert new["correction"]["kind"] == "underpayment" and new["correction"]["amount"] == "142.50"
    assert new["correction"]["previous_total_paid"] == "761.42"
    assert new["correction"]["letter_reference"].startswith("BR-")
    offset = [line for line in new["lines"] if line["code"] == "offset"][0]
    assert offset["amount"] == "450.00" and offset["citation"].startswith("Participatiewet") and offset["text"]
    assert rows[1]["correction"] is None
    assert AuditEntry.objects.filter(action=AuditEntry.Action.VIEW, resident_id=corrected.pk,
                                     screen="api:resident-monthly-calculation-list").exists()


def test_all_months_newest_first_and_a_bad_month_is_a_clear_error(corrected, team_lead):
    client = client_for(team_lead)
    months = [r["month"] for r in client.get(url(corrected)).json()["results"]]
    assert months == ["2026-03-01", "2026-03-01", "2026-02-01", "2026-01-01"]
    response = client.get(url(corrected), {"month": "maart"})
    assert response.status_code == 400 and "JJJJ-MM" in field_errors(response)["month"][0]


def test_another_team_and_other_roles_are_refused_and_audited(corrected, outside_caseworker, municipality,
                                                              neighbourhood):
    assert client_for(outside_caseworker).get(url(corrected)).status_code == 403
    worker = UserFactory(username="wijk", municipality=municipality, team=None, neighbourhood=neighbourhood,
                         role=Role.NEIGHBOURHOOD_WORKER)
    assert client_for(worker).get(url(corrected)).status_code == 403
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DENIED).count() == 2
    assert APIClient().get(url(corrected)).status_code in (401, 403)


def test_the_api_is_read_only(corrected, caseworker):
    assert client_for(caseworker).post(url(corrected), {}).status_code == 405
