"""The 'Bewaartermijnen' screen: functioneel beheerder of the own municipality only, counts without names, holds."""
import pytest
from django.urls import reverse

from meedoen.accounts.models import Role
from meedoen.audit.models import AuditEntry
from meedoen.retention.models import LegalHold
from meedoen.tests.factories import ResidentFactory, UserFactory

from .conftest import TERM, end_guidance

pytestmark = pytest.mark.django_db
URL = reverse("retention:overview")
HOLD_URL = reverse("retention:hold")


def test_administrator_sees_the_schedule_and_counts_without_names_and_the_view_is_audited(
        admin_client, ended_resident, caseworker, municipality, neighbourhood):
    soon = end_guidance(ResidentFactory(municipality=municipality, neighbourhood=neighbourhood), caseworker,
                        months_ago=TERM - 1)
    response = admin_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bewaartermijnen" in html and "Dossier van een inwoner" in html and "Archiefwet 1995, artikel 5" in html
    assert "nog te bevestigen door de archivaris" in html
    assert response.context["summary"].due_now == 1 and response.context["summary"].due_soon == 1
    for person in (ended_resident, soon):
        assert person.last_name not in html and person.bsn not in html
    entry = AuditEntry.objects.get(action=AuditEntry.Action.VIEW, screen="retention:overview")
    assert entry.detail == {"due_now": 1, "due_soon": 1, "held": 0}


def test_administrator_navigation_links_to_the_screen(admin_client):
    assert f'href="{URL}"' in admin_client.get(reverse("audit:list")).content.decode()


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.TEAM_LEAD, Role.ANALYST, Role.ENFORCEMENT, Role.RESIDENT])
def test_other_roles_get_403_and_are_audited(client, municipality, team, role):
    user = UserFactory(municipality=municipality, team=team, role=role)
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert client.post(HOLD_URL, {"action": "place", "dossier_number": 1, "reason": "x"}).status_code == 403
    assert AuditEntry.objects.filter(actor=user, action=AuditEntry.Action.DENIED).count() == 2


def test_placing_a_hold_needs_a_reason_is_audited_and_shows_the_dossier_as_held(admin_client, ended_resident,
                                                                               administrator):
    response = admin_client.post(HOLD_URL, {"action": "place", "dossier_number": ended_resident.pk, "reason": " "})
    assert response.status_code == 400 and not LegalHold.objects.exists()

    response = admin_client.post(HOLD_URL, {"action": "place", "dossier_number": ended_resident.pk,
                                            "reason": "Rechtszaak loopt"})
    assert response.status_code == 302
    hold = LegalHold.objects.get()
    assert hold.placed_by == administrator and hold.reason == "Rechtszaak loopt"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.UPDATE, screen="retention:hold")
    assert entry.resident_id == ended_resident.pk and "Rechtszaak" not in str(entry.detail)

    page = admin_client.get(URL)
    assert page.context["summary"].due_now == 0
    held = page.context["held"]
    assert [h["number"] for h in held] == [ended_resident.pk] and held[0]["manual_reason"] == "Rechtszaak loopt"

    response = admin_client.post(HOLD_URL, {"action": "lift", "dossier_number": ended_resident.pk,
                                            "reason": "Uitspraak gedaan"})
    assert response.status_code == 302
    assert LegalHold.objects.active().count() == 0
    assert admin_client.get(URL).context["summary"].due_now == 1


def test_a_dossier_of_another_municipality_gets_403_and_is_audited(admin_client, other_resident, administrator):
    response = admin_client.post(HOLD_URL, {"action": "place", "dossier_number": other_resident.pk,
                                            "reason": "Rechtszaak"})
    assert response.status_code == 403 and not LegalHold.objects.exists()
    assert AuditEntry.objects.filter(actor=administrator, action=AuditEntry.Action.DENIED,
                                     resident_id=other_resident.pk).exists()


def test_administrator_of_another_municipality_does_not_see_our_dossiers(client, other_municipality,
                                                                        ended_resident):
    admin = UserFactory(municipality=other_municipality, role=Role.ADMINISTRATOR, team=None)
    client.force_login(admin)
    response = client.get(URL)
    assert response.status_code == 200 and response.context["summary"].due_now == 0


def test_an_unknown_dossier_number_is_a_form_error(admin_client):
    response = admin_client.post(HOLD_URL, {"action": "place", "dossier_number": 999999, "reason": "x"})
    assert response.status_code == 400 and "Er is geen dossier met dit nummer." in response.content.decode()


def test_the_page_needs_a_fixed_number_of_queries_whatever_the_number_of_dossiers(
        admin_client, caseworker, municipality, neighbourhood):
    def ended(n):
        for _ in range(n):
            end_guidance(ResidentFactory(municipality=municipality, neighbourhood=neighbourhood), caseworker,
                         months_ago=TERM + 2)

    ended(1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        admin_client.get(URL)
    ended(10)
    with CaptureQueriesContext(connection) as eleven:
        response = admin_client.get(URL)
    assert response.context["summary"].due_now == 11
    assert len(eleven) == len(one)
