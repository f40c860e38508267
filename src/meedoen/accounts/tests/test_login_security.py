"""Login: Dutch errors, lockout after repeated failures (django-axes), security headers, role start pages."""
import pytest
from django.urls import reverse

from meedoen.accounts.models import Role
from meedoen.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "demo-wachtwoord-123"


def test_wrong_password_gets_a_plain_dutch_message(client, caseworker):
    response = client.post(reverse("accounts:login"), {"username": caseworker.username, "password": "fout"})
    assert response.status_code == 200
    assert "De gebruikersnaam of het wachtwoord klopt niet" in response.text


def test_account_is_locked_after_repeated_failures(client, caseworker, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": caseworker.username, "password": "fout"})
    locked = client.post(reverse("accounts:login"), {"username": caseworker.username, "password": PASSWORD})
    assert locked.status_code == 429
    assert "Tijdelijk geblokkeerd" in locked.text


def test_pages_send_a_strict_content_security_policy(caseworker_client):
    response = caseworker_client.get(reverse("about"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "role, target",
    [
        (Role.CASEWORKER, "guidance:worklist"),
        (Role.TEAM_LEAD, "residents:team"),
        (Role.NEIGHBOURHOOD_WORKER, "residents:search"),
        (Role.ANALYST, "monitoring:dashboard"),
        (Role.ADMINISTRATOR, "audit:list"),
    ],
)
def test_each_role_lands_on_its_own_start_page(client, municipality, team, role, target):
    client.force_login(UserFactory(municipality=municipality, team=team, role=role))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse(target)
    assert client.get(response["Location"]).status_code == 200


def test_anonymous_visitor_is_sent_to_login(client, resident):
    response = client.get(reverse("residents:dossier", args=[resident.public_id]))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_administrator_sees_denied_attempts_in_the_audit_trail(client, resident, outside_caseworker, municipality):
    client.force_login(outside_caseworker)
    client.get(reverse("residents:dossier", args=[resident.public_id]))
    admin = UserFactory(municipality=municipality, role=Role.ADMINISTRATOR, team=None)
    client.force_login(admin)
    page = client.get(reverse("audit:list"), {"action": "denied"})
    assert page.status_code == 200 and outside_caseworker.username in page.text
    client.force_login(outside_caseworker)
    assert client.get(reverse("audit:list")).status_code == 403
