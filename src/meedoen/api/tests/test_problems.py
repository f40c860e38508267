"""Every API error is problem details (RFC 9457, application/problem+json) with the NL API strategy's invalidParams,
whichever layer refused the request; and the schema documents them on every operation."""
import json

import pytest
from django.urls import reverse

from meedoen.tests.api import field_errors
from meedoen.tests.factories import api_key_for

from .test_residents_api import LIST_URL, detail_url, new_resident_payload

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def problem(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM, response.content
    body = response.json()
    assert body["status"] == status and body["type"].startswith("https://www.rfc-editor.org/rfc/")
    assert body["title"] and body["detail"] and body["code"]
    return body


def test_validation_errors_list_every_field_with_a_code(api, caseworker, neighbourhood):
    payload = new_resident_payload(neighbourhood, bsn="123456789", date_of_birth="morgen")
    api.sent_bsns.add("123456789")
    response = api.as_user(caseworker).post(LIST_URL, {**payload, "first_name": ""}, format="json")
    body = problem(response, 400)
    assert body["code"] == "invalid" and body["instance"] == LIST_URL
    params = {p["name"]: p for p in body["invalidParams"]}
    assert params["bsn"]["code"] == "invalid_bsn" and "elfproef" in params["bsn"]["reason"]
    assert params["first_name"]["code"] == "blank"
    assert params["date_of_birth"]["code"] == "invalid"
    assert "123456789" not in response.content.decode()


def test_a_bsn_in_another_format_is_refused_by_the_documented_pattern(api, caseworker, neighbourhood):
    response = api.as_user(caseworker).post(
        LIST_URL, new_resident_payload(neighbourhood, bsn="1234-56-782"), format="json")
    assert field_errors(response)["bsn"] == ["Dit is geen geldig BSN. Een BSN heeft 9 cijfers en voldoet aan de "
                                             "elfproef."]


def test_malformed_json_is_a_400_problem(api, caseworker):
    response = api.as_user(caseworker).post(LIST_URL, "{not json", content_type="application/json")
    assert problem(response, 400)["code"] == "parse_error"


def test_no_credentials_is_401_with_the_scheme(api, resident):
    body = problem(api.get(LIST_URL), 401)
    assert body["code"] == "not_authenticated"
    assert api.get(LIST_URL)["WWW-Authenticate"] == "Token"
    wrong = api.get(LIST_URL, HTTP_AUTHORIZATION="Token onzin")
    assert problem(wrong, 401)["code"] == "authentication_failed"


def test_a_token_still_works(api, caseworker, resident):
    assert api.get(LIST_URL, HTTP_AUTHORIZATION=f"Token {api_key_for(caseworker)}").status_code == 200


def test_refused_dossier_is_a_403_problem_in_dutch(api, outside_caseworker, resident):
    body = problem(api.as_user(outside_caseworker).get(detail_url(resident)), 403)
    assert (body["code"], body["detail"], body["title"]) == ("permission_denied", "Geen toegang tot dit dossier.",
                                                             "Geen toegang")


def test_unknown_address_under_the_api_is_a_404_problem_and_elsewhere_the_page(api, caseworker, client):
    api.as_user(caseworker)
    assert problem(api.get("/api/v1/residents/geen-uuid/"), 404)["instance"] == "/api/v1/residents/geen-uuid/"
    assert problem(api.get("/api/v1/bestaat-niet/"), 404)["code"] == "not_found"
    assert problem(api.get(LIST_URL, {"page": 99}), 404)["code"] == "not_found"
    page = client.get("/bestaat-niet/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_method_not_allowed_is_a_405_problem_with_allow(api, caseworker, resident):
    response = api.as_user(caseworker).delete(detail_url(resident))
    assert problem(response, 405)["code"] == "method_not_allowed"
    assert "PATCH" in response["Allow"]


def test_stale_version_is_a_409_problem_with_the_current_version(api, caseworker, resident):
    response = api.as_user(caseworker).patch(detail_url(resident), {"version": resident.version + 3, "city": "Ede"},
                                             format="json")
    body = problem(response, 409)
    assert body["code"] == "version_conflict" and body["version"] == resident.version


def test_unexpected_error_is_a_500_problem_without_internals(api, caseworker, resident, monkeypatch):
    from meedoen.residents import access

    def broken(user):
        raise RuntimeError(f"kapot bij {resident.bsn}")

    monkeypatch.setattr(access, "visible_residents", broken)
    api.raise_request_exception = False
    body = problem(api.as_user(caseworker).get(LIST_URL), 500)
    assert body["code"] == "server_error" and "kapot" not in json.dumps(body)


def test_every_operation_documents_its_errors_as_problems(api):
    schema = json.loads(api.get(reverse("api-schema"), {"format": "json"}).content)
    problems = {"#/components/schemas/Problem", "#/components/schemas/VersionConflict"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = {int(code) for code in operation["responses"]}
            assert {401, 403, 500} <= codes, (method, path)
            if "{" in path:
                assert 404 in codes, (method, path)
            if "requestBody" in operation:
                assert {400, 415} <= codes, (method, path)
            for code, response in operation["responses"].items():
                if int(code) >= 400:
                    assert list(response["content"]) == [PROBLEM], (method, path, code)
                    assert response["content"][PROBLEM]["schema"]["$ref"] in problems
    patch = schema["paths"]["/api/v1/residents/{public_id}/"]["patch"]
    assert patch["responses"]["409"]["content"][PROBLEM]["schema"]["$ref"].endswith("/VersionConflict")
    components = schema["components"]["schemas"]
    assert {"type", "title", "status", "detail", "code"} <= set(components["Problem"]["required"])
    assert "invalidParams" in components["Problem"]["properties"]
