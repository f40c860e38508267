"""Recording an assessment, ladder step and ZRM through the staff screens."""
import datetime as dt

import pytest
from django.urls import reverse

from meedoen.assessment.instruments import ZRM_DOMAINS
from meedoen.assessment.models import Assessment
from meedoen.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

FACTORS = {
    "work_experience_years": 0, "education": "none", "language": "A1", "physical_health": "severe",
    "mental_health": "some", "debts": "problematic", "addiction": "none", "isolation": "severe",
    "social_circumstances": "some_problems", "care_duties": "none",
}


def test_assessment_shows_each_factor_and_sets_the_segment(caseworker_client, resident):
    url = reverse("assessment:new", args=[resident.public_id])
    page = caseworker_client.get(url)
    assert page.status_code == 200 and "Leeftijd" in page.text and "Berekend segment" in page.text
    response = caseworker_client.post(url, FACTORS)
    assert response.status_code == 302
    assessment = Assessment.objects.get(resident=resident)
    assert assessment.segment == "kansarm" and assessment.computed_segment == "kansarm"
    assert assessment.policy_profile.key == "rotterdam" and assessment.rule_version
    assert len(assessment.contributions) == 12
    assert sum(c["months"] for c in assessment.contributions) + 3 == assessment.estimated_months
    resident.refresh_from_db()
    assert resident.segment == "kansarm"
    dossier = caseworker_client.get(reverse("residents:dossier", args=[resident.public_id])).text
    assert "Bijdrage van elke factor" in dossier and "Kansarm" in dossier
    assert AuditEntry.objects.filter(action="create", object_type="assessment.Assessment").exists()


def test_override_without_reason_is_refused_in_dutch(caseworker_client, resident):
    url = reverse("assessment:new", args=[resident.public_id])
    response = caseworker_client.post(url, {**FACTORS, "override_segment": "kansrijk", "override_reason": " "})
    assert response.status_code == 200
    assert "Schrijf op waarom u afwijkt" in response.text
    assert not Assessment.objects.exists()


def test_override_with_reason_is_kept_in_history(caseworker_client, resident):
    url = reverse("assessment:new", args=[resident.public_id])
    caseworker_client.post(url, {**FACTORS, "override_segment": "kansrijk",
                                 "override_reason": "Heeft een baanaanbod bij de buurtsuper."})
    assessment = Assessment.objects.get()
    assert assessment.is_override and assessment.computed_segment == "kansarm" and assessment.segment == "kansrijk"
    assert resident.events.filter(kind="segment_override").exists()


def test_preview_recalculates_without_saving(caseworker_client, resident):
    url = reverse("assessment:preview", args=[resident.public_id])
    response = caseworker_client.post(url, {**FACTORS, "debts": "none"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "maanden" in response.text
    assert not Assessment.objects.exists()


def test_ladder_step_and_zrm_are_recorded_with_validation(caseworker_client, resident):
    url = reverse("assessment:ladder", args=[resident.public_id])
    future = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    bad = caseworker_client.post(url, {"measured_on": future, "step": 3})
    assert "Deze datum ligt in de toekomst." in bad.text
    assert caseworker_client.post(url, {"measured_on": "2026-01-10", "step": 3}).status_code == 302
    resident.refresh_from_db()
    assert resident.ladder_step == 3

    zrm_url = reverse("assessment:zrm", args=[resident.public_id])
    data = {code: 4 for code, _label in ZRM_DOMAINS} | {"measured_on": "2026-01-10", "finances": 2}
    assert caseworker_client.post(zrm_url, {**data, "finances": 7}).status_code == 200  # out of range
    assert caseworker_client.post(zrm_url, data).status_code == 302
    assert resident.zrm_measurements.get().finances == 2
    assert "Financiën" in resident.events.get(kind="zrm").summary


def test_outside_caseworker_cannot_assess(client, resident, outside_caseworker):
    client.force_login(outside_caseworker)
    assert client.get(reverse("assessment:new", args=[resident.public_id])).status_code == 403


def test_algorithm_register_lists_weights_and_oversight(caseworker_client, resident):
    response = caseworker_client.get(reverse("assessment:register"))
    assert response.status_code == 200
    for text in ("Doel", "Menselijk toezicht", "Problematische schulden", "gender", "nationality"):
        assert text in response.text
