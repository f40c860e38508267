"""The resident API: visibility by queryset, 403 with an audit entry, validation as 400, optimistic locking as 409."""
import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meedoen.audit.models import AuditEntry
from meedoen.policy.models import PolicyProfile
from meedoen.policy.services import active_profile, clear_profile_cache
from meedoen.residents.models import DossierEvent, Resident
from meedoen.residents.services import assign_caseworker
from meedoen.tests.api import field_errors
from meedoen.tests.factories import NeighbourhoodFactory, ResidentFactory, UserFactory, valid_bsn

pytestmark = pytest.mark.django_db

LIST_URL = reverse("api:resident-list")


def detail_url(resident):
    return reverse("api:resident-detail", kwargs={"public_id": resident.public_id})


def new_resident_payload(neighbourhood, **overrides):
    payload = {
        "bsn": valid_bsn(9001),
        "first_name": "Sanne",
        "last_name": "de Vries",
        "date_of_birth": "1985-02-11",
        "neighbourhood": neighbourhood.pk,
        "benefit_start_date": "2020-09-01",
        "education_level": "mbo2_4",
        "dutch_language_level": "native",
        "work_experience_years": 6,
    }
    payload.update(overrides)
    return payload


# --- Seeing dossiers -------------------------------------------------------------------------------------------


def test_list_shows_only_residents_visible_to_the_user(api, caseworker, resident, outside_resident):
    response = api.as_user(caseworker).get(LIST_URL)
    assert response.status_code == 200
    ids = [row["public_id"] for row in response.json()["results"]]
    assert ids == [str(resident.public_id)]


def test_list_is_audited_as_a_search_with_count_and_without_names(api, caseworker, resident, outside_resident):
    api.as_user(caseworker).get(LIST_URL, {"name": "fatima"})
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SEARCH)
    assert entry.actor == caseworker and entry.screen == "api:resident-list"
    assert entry.detail == {"count": 1, "filters": ["name"]}
    assert "atima" not in str(entry.detail) and "atima" not in entry.path


def test_roles_without_named_dossiers_see_an_empty_list(api, analyst, resident):
    response = api.as_user(analyst).get(LIST_URL)
    assert response.status_code == 200 and response.json()["count"] == 0


def test_anonymous_gets_no_data(api, resident):
    response = api.get(LIST_URL)
    assert response.status_code in (401, 403)
    assert api.get(detail_url(resident)).status_code in (401, 403)


def test_retrieve_shows_masked_bsn_only_and_is_audited(api, caseworker, resident):
    response = api.as_user(caseworker).get(detail_url(resident))
    assert response.status_code == 200
    body = response.json()
    assert "bsn" not in body
    assert body["bsn_masked"] == "*****" + resident.bsn[-4:]
    assert body["full_name"] == "Fatima Jansen" and body["version"] == resident.version
    assert body["current_caseworker"] == caseworker.pk
    entry = AuditEntry.objects.get(action=AuditEntry.Action.VIEW)
    assert entry.resident_id == resident.pk and entry.screen == "api:resident-retrieve"


def test_caseworker_outside_team_gets_403_and_is_audited(api, outside_caseworker, resident):
    response = api.as_user(outside_caseworker).get(detail_url(resident))
    assert response.status_code == 403
    assert response.json()["detail"] == "Geen toegang tot dit dossier."
    denied = AuditEntry.objects.get(action=AuditEntry.Action.DENIED)
    assert denied.actor == outside_caseworker and denied.resident_id == resident.pk
    assert denied.screen == "api:resident-detail" and denied.detail == {"edit": False}
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.VIEW).exists()


def test_unknown_public_id_is_404(api, caseworker, resident):
    response = api.as_user(caseworker).get(reverse("api:resident-detail", kwargs={"public_id": uuid.uuid4()}))
    assert response.status_code == 404


def test_team_lead_sees_the_team_caseload(api, team_lead, resident, outside_resident):
    response = api.as_user(team_lead).get(LIST_URL)
    assert [row["public_id"] for row in response.json()["results"]] == [str(resident.public_id)]
    assert api.get(detail_url(outside_resident)).status_code == 403


# --- Filters ---------------------------------------------------------------------------------------------------


@pytest.fixture
def caseload(municipality, neighbourhood, caseworker, team_lead, resident):
    other_wijk = NeighbourhoodFactory(municipality=municipality, name="Charlois")
    colleague = UserFactory(username="collega", municipality=municipality, team=caseworker.team)
    piet = ResidentFactory(municipality=municipality, neighbourhood=other_wijk, first_name="Piet",
                           last_name="Bakker", date_of_birth=dt.date(1990, 1, 2))
    assign_caseworker(piet, colleague, actor=team_lead)
    Resident.objects.filter(pk=resident.pk).update(segment="kansarm")
    return {"wijk": other_wijk, "colleague": colleague, "piet": piet}


@pytest.mark.parametrize(
    "params, expected",
    [
        (lambda c: {"name": "bakk"}, ["Piet"]),
        (lambda c: {"name": "FATIMA jan"}, ["Fatima"]),
        (lambda c: {"segment": "kansarm"}, ["Fatima"]),
        (lambda c: {"neighbourhood": c["wijk"].pk}, ["Piet"]),
        (lambda c: {"caseworker": c["colleague"].pk}, ["Piet"]),
        (lambda c: {"date_of_birth": "1990-01-02"}, ["Piet"]),
        (lambda c: {}, ["Piet", "Fatima"]),
    ],
)
def test_list_filters(api, team_lead, caseload, params, expected):
    response = api.as_user(team_lead).get(LIST_URL, params(caseload))
    assert response.status_code == 200
    assert sorted(row["first_name"] for row in response.json()["results"]) == sorted(expected)


def test_there_is_no_bsn_filter(api, team_lead, caseload, resident):
    response = api.as_user(team_lead).get(LIST_URL, {"bsn": resident.bsn})
    assert response.json()["count"] == 2  # ignored, not used to search


def test_bad_filter_value_is_400(api, caseworker, resident):
    assert api.as_user(caseworker).get(LIST_URL, {"date_of_birth": "gisteren"}).status_code == 400
    assert api.get(LIST_URL, {"neighbourhood": "1.5"}).status_code == 400


def test_list_query_count_does_not_grow_with_rows(api, caseworker, municipality, neighbourhood):
    def queries_for_list():
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(LIST_URL).status_code == 200
        return len(ctx.captured_queries)

    api.as_user(caseworker)
    counts = []
    for total in (1, 10, 50):
        while Resident.objects.count() < total:
            extra = ResidentFactory(municipality=municipality, neighbourhood=neighbourhood)
            assign_caseworker(extra, caseworker, actor=caseworker)
        counts.append(queries_for_list())
    assert counts[0] == counts[1] == counts[2]


# --- Registering -----------------------------------------------------------------------------------------------


def test_caseworker_registers_a_resident_on_own_caseload(api, caseworker, neighbourhood):
    payload = new_resident_payload(neighbourhood)
    api.sent_bsns.add(payload["bsn"])
    response = api.as_user(caseworker).post(LIST_URL, payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert "bsn" not in body and body["bsn_masked"] == "*****" + payload["bsn"][-4:]
    resident = Resident.objects.get(public_id=body["public_id"])
    assert resident.bsn == payload["bsn"] and resident.municipality == caseworker.municipality
    assert resident.current_caseworker == caseworker and body["current_caseworker"] == caseworker.pk
    assert response["Location"].endswith(detail_url(resident))
    assert resident.events.filter(kind=DossierEvent.Kind.REGISTERED).exists()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CREATE)
    assert entry.resident_id == resident.pk and entry.screen == "api:resident-create"
    # and it can be read back through the API
    assert api.get(detail_url(resident)).status_code == 200


def test_bsn_with_spaces_is_normalised(api, caseworker, neighbourhood):
    bsn = valid_bsn(9002)
    api.sent_bsns.add(bsn)
    spaced = f"{bsn[:4]} {bsn[4:6]} {bsn[6:]}"
    response = api.as_user(caseworker).post(LIST_URL, new_resident_payload(neighbourhood, bsn=spaced), format="json")
    assert response.status_code == 201
    assert Resident.objects.get(public_id=response.json()["public_id"]).bsn == bsn


def test_invalid_bsn_is_a_400_field_error(api, caseworker, neighbourhood):
    payload = new_resident_payload(neighbourhood, bsn="123456789")  # fails the 11-proof
    api.sent_bsns.add("123456789")
    response = api.as_user(caseworker).post(LIST_URL, payload, format="json")
    assert response.status_code == 400
    assert "elfproef" in field_errors(response)["bsn"][0]
    assert not Resident.objects.filter(last_name="de Vries").exists()


def test_duplicate_bsn_in_municipality_is_a_400_field_error(api, caseworker, neighbourhood, resident):
    response = api.as_user(caseworker).post(
        LIST_URL, new_resident_payload(neighbourhood, bsn=resident.bsn), format="json"
    )
    assert response.status_code == 400 and "bsn" in field_errors(response)


def test_future_birth_date_is_a_400_field_error(api, caseworker, neighbourhood):
    payload = new_resident_payload(neighbourhood, date_of_birth="2026-06-16")
    api.sent_bsns.add(payload["bsn"])
    response = api.as_user(caseworker).post(LIST_URL, payload, format="json")
    assert response.status_code == 400
    assert field_errors(response)["date_of_birth"] == ["Deze datum ligt in de toekomst."]


def test_neighbourhood_of_another_municipality_is_refused(api, caseworker, neighbourhood,
                                                          other_municipality_neighbourhood):
    payload = new_resident_payload(other_municipality_neighbourhood)
    api.sent_bsns.add(payload["bsn"])
    response = api.as_user(caseworker).post(LIST_URL, payload, format="json")
    assert response.status_code == 400
    assert field_errors(response)["neighbourhood"] == ["Deze wijk kennen we niet in deze gemeente."]


@pytest.mark.parametrize("value", [999999, "Feijenoord"])
def test_unknown_neighbourhood_is_refused(api, caseworker, neighbourhood, value):
    payload = {**new_resident_payload(neighbourhood), "neighbourhood": value}
    api.sent_bsns.add(payload["bsn"])
    response = api.as_user(caseworker).post(LIST_URL, payload, format="json")
    assert response.status_code == 400
    assert field_errors(response)["neighbourhood"] == ["Deze wijk kennen we niet in deze gemeente."]


def test_missing_and_malformed_fields_are_400_not_500(api, caseworker, neighbourhood):
    response = api.as_user(caseworker).post(
        LIST_URL, {"bsn": "", "date_of_birth": "11-02-1985", "education_level": "phd", "email": "x"}, format="json"
    )
    assert response.status_code == 400
    errors = field_errors(response)
    assert {"bsn", "first_name", "last_name", "date_of_birth", "neighbourhood", "education_level", "email"} <= set(
        errors
    )


def test_benefit_cannot_start_before_birth(api, caseworker, neighbourhood):
    payload = new_resident_payload(neighbourhood, benefit_start_date="1980-01-01")
    api.sent_bsns.add(payload["bsn"])
    response = api.as_user(caseworker).post(LIST_URL, payload, format="json")
    assert response.status_code == 400 and "benefit_start_date" in field_errors(response)


def test_team_lead_registers_for_a_caseworker_of_the_team(api, team_lead, caseworker, outside_caseworker,
                                                          neighbourhood):
    payload = new_resident_payload(neighbourhood, caseworker=outside_caseworker.pk)
    api.sent_bsns.add(payload["bsn"])
    refused = api.as_user(team_lead).post(LIST_URL, payload, format="json")
    assert refused.status_code == 400 and "caseworker" in field_errors(refused)
    response = api.post(LIST_URL, {**payload, "caseworker": caseworker.pk}, format="json")
    assert response.status_code == 201
    assert Resident.objects.get(public_id=response.json()["public_id"]).current_caseworker == caseworker


@pytest.mark.parametrize("user_fixture", ["analyst", "neighbourhood_worker", "resident_user"])
def test_roles_that_may_not_edit_cannot_register(api, request, user_fixture, neighbourhood):
    payload = new_resident_payload(neighbourhood)
    api.sent_bsns.add(payload["bsn"])
    user = request.getfixturevalue(user_fixture)
    response = api.as_user(user).post(LIST_URL, payload, format="json")
    assert response.status_code == 403
    assert not Resident.objects.filter(last_name="de Vries").exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DENIED, actor=user).exists()


# --- Changing --------------------------------------------------------------------------------------------------


def test_update_with_current_version_saves_and_is_audited(api, caseworker, resident):
    version = resident.version
    response = api.as_user(caseworker).patch(
        detail_url(resident), {"version": version, "phone": "0612345678", "debts": "manageable"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == version + 1 and response.json()["phone"] == "0612345678"
    resident.refresh_from_db()
    assert resident.phone == "0612345678" and resident.debts == "manageable" and resident.version == version + 1
    entry = AuditEntry.objects.get(action=AuditEntry.Action.UPDATE)
    assert entry.resident_id == resident.pk and sorted(entry.detail["fields"]) == ["debts", "phone"]
    assert entry.screen == "api:resident-partial_update"
    assert "0612345678" not in str(entry.detail)


def test_full_update_with_put(api, team_lead, neighbourhood, resident):
    payload = new_resident_payload(neighbourhood, first_name="Fatma", version=resident.version)
    del payload["bsn"]
    response = api.as_user(team_lead).put(detail_url(resident), payload, format="json")
    assert response.status_code == 200, response.json()
    resident.refresh_from_db()
    assert resident.first_name == "Fatma" and resident.last_name == "de Vries"


def test_stale_version_is_a_409_and_nothing_changes(api, caseworker, team_lead, resident):
    read_version = resident.version
    # Someone else saves first.
    first = api.as_user(team_lead).patch(detail_url(resident), {"version": read_version, "city": "Schiedam"},
                                         format="json")
    assert first.status_code == 200
    response = api.as_user(caseworker).patch(
        detail_url(resident), {"version": read_version, "city": "Vlaardingen", "phone": "0101234567"}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert "Iemand anders heeft dit dossier opgeslagen" in body["detail"] and body["version"] == read_version + 1
    resident.refresh_from_db()
    assert resident.city == "Schiedam" and resident.phone == "" and resident.version == read_version + 1
    conflict = AuditEntry.objects.get(action=AuditEntry.Action.CONFLICT)
    assert conflict.actor == caseworker and conflict.resident_id == resident.pk


def test_stale_version_is_refused_even_without_real_changes(api, caseworker, resident):
    response = api.as_user(caseworker).patch(
        detail_url(resident), {"version": resident.version + 5, "city": resident.city}, format="json"
    )
    assert response.status_code == 409


def test_update_without_version_is_400(api, caseworker, resident):
    response = api.as_user(caseworker).patch(detail_url(resident), {"city": "Delft"}, format="json")
    assert response.status_code == 400 and "version" in field_errors(response)
    resident.refresh_from_db()
    assert resident.city == "Rotterdam"


def test_bsn_cannot_be_changed_through_the_api(api, caseworker, resident):
    new_bsn = valid_bsn(9003)
    api.sent_bsns.add(new_bsn)
    response = api.as_user(caseworker).patch(
        detail_url(resident), {"version": resident.version, "bsn": new_bsn}, format="json"
    )
    assert response.status_code == 400 and "bsn" in field_errors(response)
    assert Resident.objects.get(pk=resident.pk).bsn == resident.bsn


def test_update_validates_like_create(api, caseworker, resident, other_municipality_neighbourhood):
    api.as_user(caseworker)
    future = api.patch(detail_url(resident), {"version": resident.version, "date_of_birth": "2030-01-01"},
                       format="json")
    assert future.status_code == 400 and "date_of_birth" in field_errors(future)
    wijk = api.patch(detail_url(resident),
                     {"version": resident.version, "neighbourhood": other_municipality_neighbourhood.pk},
                     format="json")
    assert wijk.status_code == 400
    assert field_errors(wijk)["neighbourhood"] == ["Deze wijk kennen we niet in deze gemeente."]
    assert Resident.objects.get(pk=resident.pk).version == resident.version


def test_caseworker_outside_team_cannot_update_and_is_audited(api, outside_caseworker, resident):
    response = api.as_user(outside_caseworker).patch(
        detail_url(resident), {"version": resident.version, "city": "Delft"}, format="json"
    )
    assert response.status_code == 403
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DENIED, resident_id=resident.pk,
                                     detail={"edit": True}).exists()
    assert Resident.objects.get(pk=resident.pk).city == "Rotterdam"


def test_neighbourhood_worker_who_may_read_may_not_edit(api, neighbourhood_worker, resident):
    PolicyProfile.objects.filter(pk=active_profile(resident.municipality).pk).update(
        neighbourhood_team_sees_names=True
    )
    clear_profile_cache()  # a queryset update bypasses the save signal that normally clears it
    api.as_user(neighbourhood_worker)
    assert api.get(detail_url(resident)).status_code == 200
    response = api.patch(detail_url(resident), {"version": resident.version, "city": "Delft"}, format="json")
    assert response.status_code == 403
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DENIED, actor=neighbourhood_worker).exists()


def test_delete_is_not_offered(api, caseworker, resident):
    assert api.as_user(caseworker).delete(detail_url(resident)).status_code == 405
    assert Resident.objects.filter(pk=resident.pk).exists()


def test_no_email_address_is_null_not_an_empty_string(api, caseworker, resident):
    """The schema says `format: email`; "" is no e-mail address, so the API shows null (and accepts null)."""
    api.as_user(caseworker)
    assert resident.email == "" and api.get(detail_url(resident)).json()["email"] is None
    response = api.patch(detail_url(resident), {"version": resident.version, "email": "f.jansen@example.nl"},
                         format="json")
    assert response.json()["email"] == "f.jansen@example.nl"
    response = api.patch(detail_url(resident), {"version": resident.version + 1, "email": None}, format="json")
    assert response.status_code == 200 and response.json()["email"] is None
    assert Resident.objects.get(pk=resident.pk).email == ""
