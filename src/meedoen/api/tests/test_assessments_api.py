"""Assessments (de knip) through the API: explained outcome, overrides only with a reason, access as for dossiers."""
import datetime as dt

import pytest
from django.urls import reverse

from meedoen.assessment.models import Assessment
from meedoen.audit.models import AuditEntry
from meedoen.residents.models import DossierEvent, Resident
from meedoen.tests.api import field_errors

pytestmark = pytest.mark.django_db

FACTORS = {
    "work_experience_years": 0, "education": "none", "language": "A1", "physical_health": "severe",
    "mental_health": "some", "debts": "problematic", "addiction": "none", "isolation": "severe",
    "social_circumstances": "some_problems", "care_duties": "none",
}


def url(resident):
    return reverse("api:resident-assessment-list", kwargs={"resident_public_id": resident.public_id})


def test_assessment_returns_every_contribution_segment_rule_and_versions(api, caseworker, resident):
    response = api.as_user(caseworker).post(url(resident), FACTORS, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert len(body["contributions"]) == 12
    assert {c["factor"] for c in body["contributions"]} >= {"age", "benefit_years", "debts", "care_duties"}
    assert sum(c["months"] for c in body["contributions"]) + 3 == body["estimated_months"]
    assert body["computed_segment"] == body["segment"] == "kansarm" and body["segment_label"] == "Kansarm"
    assert "kansarm" in body["segment_rule"]
    assert body["policy_profile"]["key"] == "rotterdam" and body["policy_profile"]["version"] >= 1
    assert body["rule_version"] and body["is_override"] is False
    # Age and benefit duration come from the dossier (born 17 May 1970, on benefit since 1 March 2015).
    assert body["inputs"]["age"] == 56 and body["inputs"]["benefit_years"] == 11
    assert body["inputs"]["debts"] == "problematic"

    resident.refresh_from_db()
    assert resident.segment == "kansarm" and resident.estimated_months_to_work == body["estimated_months"]
    assert resident.events.filter(kind=DossierEvent.Kind.ASSESSMENT).exists()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CREATE)
    assert entry.resident_id == resident.pk and entry.object_type == "assessment.Assessment"
    assert entry.screen == "api:resident-assessment-create"


def test_override_without_reason_is_a_400_on_override_reason(api, caseworker, resident):
    response = api.as_user(caseworker).post(
        url(resident), {**FACTORS, "override_segment": "kansrijk", "override_reason": "  "}, format="json"
    )
    assert response.status_code == 400
    assert "Schrijf op waarom u afwijkt" in field_errors(response)["override_reason"][0]
    assert not Assessment.objects.exists()


def test_override_with_reason_is_recorded(api, caseworker, resident):
    response = api.as_user(caseworker).post(
        url(resident),
        {**FACTORS, "override_segment": "kansrijk", "override_reason": "Heeft een baanaanbod bij de buurtsuper."},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["computed_segment"] == "kansarm" and body["segment"] == "kansrijk" and body["is_override"]
    assert body["override_reason"] == "Heeft een baanaanbod bij de buurtsuper."
    assert resident.events.filter(kind=DossierEvent.Kind.SEGMENT_OVERRIDE).exists()


def test_unknown_override_segment_is_a_400(api, caseworker, resident):
    response = api.as_user(caseworker).post(
        url(resident), {**FACTORS, "override_segment": "tussengroep", "override_reason": "Omdat."}, format="json"
    )
    assert response.status_code == 400 and "override_segment" in field_errors(response)


def test_invalid_and_missing_factors_are_400(api, caseworker, resident):
    response = api.as_user(caseworker).post(
        url(resident), {**FACTORS, "debts": "enorm", "work_experience_years": -1, "care_duties": None},
        format="json",
    )
    assert response.status_code == 400
    assert {"debts", "work_experience_years", "care_duties"} <= set(field_errors(response))
    missing = api.post(url(resident), {}, format="json")
    assert missing.status_code == 400 and set(FACTORS) <= set(field_errors(missing))


def test_young_person_is_never_in_the_furthest_group(api, caseworker, resident):
    Resident.objects.filter(pk=resident.pk).update(date_of_birth=dt.date(2002, 1, 1))
    body = api.as_user(caseworker).post(url(resident), FACTORS, format="json").json()
    assert body["segment"] == "kansrijk" and body["young_person_rule_applied"] is True


def test_history_lists_assessments_newest_first_and_is_audited(api, caseworker, resident):
    api.as_user(caseworker)
    api.post(url(resident), FACTORS, format="json")
    api.post(url(resident), {**FACTORS, "override_segment": "kansrijk", "override_reason": "Start volgende week."},
             format="json")
    response = api.get(url(resident))
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["segment"] for r in results] == ["kansrijk", "kansarm"]
    assert AuditEntry.objects.filter(action=AuditEntry.Action.VIEW, resident_id=resident.pk,
                                     screen="api:resident-assessment-list").exists()


def test_caseworker_outside_team_cannot_assess_or_read_assessments(api, outside_caseworker, resident):
    api.as_user(outside_caseworker)
    assert api.post(url(resident), FACTORS, format="json").status_code == 403
    assert api.get(url(resident)).status_code == 403
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DENIED, resident_id=resident.pk).count() == 2
    assert not Assessment.objects.exists()
