"""The provider API: only the own organisation's referrals (403 + audit otherwise), the restricted shape (no BSN,
health and debts only with consent), actions with optimistic locking (409 on a stale version), errors as 400 with
nothing changed, and the endpoints in the OpenAPI schema."""
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from meedoen.audit.models import AuditEntry
from meedoen.guidance.models import Task
from meedoen.referrals import services
from meedoen.referrals.models import Referral
from meedoen.residents.models import Resident
from meedoen.tests.api import field_errors

pytestmark = pytest.mark.django_db

LIST_URL = reverse("api:partner-referral-list")


def url(referral, action=None):
    if action is None:
        return reverse("api:partner-referral-detail", args=[referral.pk])
    return reverse(f"api:partner-referral-{action}", args=[referral.pk])


@pytest.fixture
def api():
    client = APIClient()
    client.bodies = []
    original = client.generic

    def generic(*args, **kwargs):
        response = original(*args, **kwargs)
        client.bodies.append(response.content.decode())
        return response

    client.generic = generic

    def as_user(user):
        client.force_authenticate(user)
        return client

    client.as_user = as_user
    yield client
    bsns = set(Resident.objects.values_list("bsn", flat=True))
    assert not [b for b in bsns for body in client.bodies if b in body], "A BSN appeared in an API response."


def test_list_holds_only_the_own_organisations_referrals(api, provider_user, referral, other_referral):
    response = api.as_user(provider_user).get(LIST_URL)
    assert response.status_code == 200
    ids = [r["id"] for r in response.json()["results"]]
    assert ids == [referral.pk]
    row = response.json()["results"][0]
    assert row["resident"]["name"] == "Fatima Jansen" and row["resident"]["birth_year"] == 1970
    assert set(row["resident"]) == {"name", "age", "birth_year", "neighbourhood", "phone", "email"}
    assert row["health"] is None and row["debts"] is None
    assert row["allowed_actions"] == ["accept", "decline", "plan_intake", "add_to_cohort", "place", "return"]
    assert AuditEntry.objects.filter(action="view", actor=provider_user, detail__referrals=[referral.pk]).exists()


def test_another_providers_referral_is_403_and_audited(api, provider_user, other_referral):
    client = api.as_user(provider_user)
    assert client.get(url(other_referral)).status_code == 403
    response = client.post(url(other_referral, "place"), {"version": 1}, format="json")
    assert response.status_code == 403
    assert Referral.objects.get(pk=other_referral.pk).status == "sent"
    assert AuditEntry.objects.filter(action="denied", actor=provider_user,
                                     resident_id=other_referral.resident_id).count() == 2


def test_an_unknown_referral_is_404(api, provider_user, referral):
    assert api.as_user(provider_user).get(reverse("api:partner-referral-detail", args=[99999])).status_code == 404


def test_a_provider_user_cannot_read_resident_dossiers_through_the_api(api, provider_user, referral):
    response = api.as_user(provider_user).get(
        reverse("api:resident-detail", kwargs={"public_id": referral.resident.public_id}))
    assert response.status_code == 403
    assert AuditEntry.objects.filter(action="denied", actor=provider_user, resident_id=referral.resident_id).exists()
    assert api.get(reverse("api:resident-list")).json()["results"] == []


def test_staff_who_are_not_provider_staff_get_403(api, caseworker, referral):
    assert api.as_user(caseworker).get(LIST_URL).status_code == 403
    assert AuditEntry.objects.filter(action="denied", actor=caseworker, detail__part="partner api").exists()


def test_accept_then_place_with_versions(api, provider_user, referral, resident):
    client = api.as_user(provider_user)
    response = client.post(url(referral, "accept"), {"version": 1, "note": "Welkom"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    assert response.json()["version"] == 2
    response = client.post(url(referral, "place"), {"version": 2, "hours_per_week": "8"}, format="json")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "placed"
    assert body["placed_on"] == timezone.localdate().isoformat() and body["guidance_until"]
    assert AuditEntry.objects.filter(action="update", actor=provider_user, object_id=str(referral.pk)).count() == 2


def test_a_stale_version_gives_409_and_changes_nothing(api, provider_user, referral):
    services.accept(referral, actor=provider_user, version=1)
    response = api.as_user(provider_user).post(url(referral, "return"), {"version": 1, "advice": "Eerst schuldhulp"},
                                               format="json")
    assert response.status_code == 409
    assert response.json()["version"] == 2
    assert Referral.objects.get(pk=referral.pk).status == "accepted"
    assert not Task.objects.filter(source_key__startswith="referral:").exists()
    assert AuditEntry.objects.filter(action="conflict", actor=provider_user).exists()


@pytest.mark.parametrize("action,payload,field", [
    ("return", {"version": 1, "advice": ""}, "advice"),
    ("return", {"advice": "Eerst schuldhulp"}, "version"),
    ("place", {"version": 1, "placed_on": "2999-01-01"}, "placed_on"),
    ("decline", {"version": 1, "reason": "  "}, "reason"),
    ("report", {"version": 1, "progress": "going_well", "text": "Gaat goed"}, "non_field_errors"),  # not placed
])
def test_bad_input_is_a_400_with_the_field_and_nothing_changes(api, provider_user, referral, action, payload,
                                                              field):
    response = api.as_user(provider_user).post(url(referral, action), payload, format="json")
    assert response.status_code == 400, response.content
    assert field in field_errors(response)
    fresh = Referral.objects.get(pk=referral.pk)
    assert fresh.status == "sent" and fresh.version == 1


def test_report_moves_the_next_report_date(api, provider_user, referral):
    services.place(referral, actor=provider_user, version=1)
    response = api.as_user(provider_user).post(url(referral, "report"), {
        "version": 2, "progress": "stopped", "text": "Komt niet meer."}, format="json")
    assert response.status_code == 200
    assert Task.objects.filter(title__contains="meldt: gestopt").exists()


def test_health_and_debts_only_with_consent(api, provider_user, resident, provider, make_referral):
    Resident.objects.filter(pk=resident.pk).update(mental_health="severe", debts="problematic")
    referral = make_referral(resident, provider, consent_share_health=True)
    body = api.as_user(provider_user).get(url(referral)).json()
    assert body["health"]["mental"] == "Ernstige beperkingen"
    assert body["debts"] is None


def test_the_partner_endpoints_are_in_the_schema(api):
    schema = json.loads(api.get(reverse("api-schema"), {"format": "json"}).content)
    paths = schema["paths"]
    for path in ("/api/v1/partner/referrals/", "/api/v1/partner/referrals/{id}/",
                 "/api/v1/partner/referrals/{id}/accept/", "/api/v1/partner/referrals/{id}/place/",
                 "/api/v1/partner/referrals/{id}/return/", "/api/v1/partner/referrals/{id}/report/"):
        assert path in paths, path
    assert "409" in paths["/api/v1/partner/referrals/{id}/place/"]["post"]["responses"]
    assert "bsn" not in json.dumps(schema["components"]["schemas"]["ProviderReferral"])
