"""The OpenAPI schema is served and valid OpenAPI 3."""
import json

import pytest
from django.urls import reverse
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


def test_schema_is_served_and_validates(api):
    response = api.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)  # raises on an invalid document
    paths = schema["paths"]
    assert {
        "/api/v1/residents/", "/api/v1/residents/{public_id}/", "/api/v1/residents/{resident_public_id}/assessments/",
        "/api/v1/policy-profiles/", "/api/v1/policy-profiles/{id}/",
    } <= set(paths)
    # BSN is write-only: accepted when registering, absent from what the API returns, and never a filter.
    components = schema["components"]["schemas"]
    assert "bsn" in components["ResidentCreateRequest"]["properties"]
    assert "bsn" not in components["Resident"]["properties"]
    assert "bsn" not in components["ResidentUpdateRequest"]["properties"]
    assert all(p["name"] != "bsn" for p in paths["/api/v1/residents/"]["get"]["parameters"])
    assert "409" in paths["/api/v1/residents/{public_id}/"]["patch"]["responses"]


def test_docs_page_is_served(api):
    assert api.get(reverse("api-docs")).status_code == 200


def test_api_root_lists_the_collections(api, caseworker):
    response = api.as_user(caseworker).get(reverse("api:api-root"))
    assert response.status_code == 200
    assert {"residents", "policy-profiles"} <= set(response.json())
