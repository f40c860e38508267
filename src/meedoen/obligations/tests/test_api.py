"""API: a resident's exemptions and measures; read-only, for the klantmanager and the teamleider of dossiers they may
see, every read audited."""
import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from meedoen.audit.models import AuditEntry
from meedoen.obligations import services
from meedoen.obligations.models import Measure

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def url(name, resident):
    return reverse(f"api:resident-{name}-list", kwargs={"resident_public_id": resident.public_id})


def test_exemptions_are_listed_for_the_caseworker(resident, caseworker, today):
    services.grant_exemption(resident, actor=caseworker, kind="social_medical", grounds="Herstel na operatie",
                             evidence_note="Brief van de chirurg", starts_on=today,
                             ends_on=today + dt.timedelta(days=90))
    response = client_for(caseworker).get(url("exemption", resident))
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["kind"] == "social_medical" and row["status"] == "active"
    assert row["next_date"] == (today + dt.timedelta(days=90)).isoformat() and row["granted_by_name"]
    assert AuditEntry.objects.filter(action=AuditEntry.Action.VIEW, resident_id=resident.pk,
                                     screen="api:resident-exemption-list").exists()


def test_measures_are_listed_with_the_letter_reference(resident, caseworker, team_lead, today):
    measure = services.propose_measure(
        resident, actor=caseworker, breached_obligation="appointments", facts="Twee keer niet gekomen.",
        occurred_on=dt.date(2026, 3, 2), blame="full", blame_note="Geen reden gegeven.", category="licht")
    services.record_hearing(measure, actor=caseworker, expected_version=measure.version, kind="hearing",
                            held_on=today, outcome="Vergeten.")
    measure.refresh_from_db()
    services.decide(measure, actor=team_lead, expected_version=measure.version, decision_grounds="Geen goede reden.")
    measure = Measure.objects.select_related("letter").get(pk=measure.pk)
    [row] = client_for(caseworker).get(url("measure", resident)).json()["results"]
    assert row["status"] == "decided" and row["outcome"] == measure.outcome
    assert row["letter_reference"] == measure.letter.reference and row["decided_by_name"]
    assert row["objection_deadline"] == measure.objection_deadline.isoformat()


@pytest.mark.parametrize("name", ["exemption", "measure"])
def test_another_team_is_refused_and_audited(resident, outside_caseworker, name):
    assert client_for(outside_caseworker).get(url(name, resident)).status_code == 403
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DENIED).exists()
