"""Cause 4 of the security audit: NaN (and Infinity) in the plan's hours made the live total compare NaN (500).
The form now refuses them next to the field, keeping what was typed; the live total asks for a number."""
import pytest
from django.urls import reverse

from meedoen.guidance import services
from meedoen.guidance.models import ActionPlan

pytestmark = pytest.mark.django_db


def plan_post(**overrides):
    data = {"route": "participation", "goals": "Meer onder de mensen komen.", "capacity_hours_per_week": "10",
            "review_on": "2027-01-15", "stap-TOTAL_FORMS": "1", "stap-INITIAL_FORMS": "0",
            "stap-MIN_NUM_FORMS": "1", "stap-MAX_NUM_FORMS": "20", "stap-0-kind": "volunteering",
            "stap-0-description": "Buurtkeuken", "stap-0-hours_per_week": "8", "stap-0-responsible": "resident"}
    data.update(overrides)
    return data


@pytest.mark.parametrize("value", ["NaN", "inf", "-Infinity", "1e999999"])
def test_capacity_that_is_not_a_finite_number_is_a_form_error(caseworker_client, kansarm_resident, value):
    response = caseworker_client.post(reverse("guidance:plan_edit", args=[kansarm_resident.public_id]),
                                      plan_post(capacity_hours_per_week=value))
    assert response.status_code == 200
    assert response.context["form"].errors["capacity_hours_per_week"]
    assert "Meer onder de mensen komen." in response.text  # what was typed is still there
    assert not ActionPlan.objects.exists()


@pytest.mark.parametrize("value", ["NaN", "Infinity"])
def test_step_hours_that_are_not_a_finite_number_are_a_form_error(caseworker_client, kansarm_resident, value):
    response = caseworker_client.post(reverse("guidance:plan_edit", args=[kansarm_resident.public_id]),
                                      plan_post(**{"stap-0-hours_per_week": value}))
    assert response.status_code == 200
    assert response.context["steps"].forms[0].errors["hours_per_week"]
    assert not ActionPlan.objects.exists()


@pytest.mark.parametrize("field", ["capacity_hours_per_week", "stap-0-hours_per_week"])
def test_the_live_total_asks_for_a_number_instead_of_failing(caseworker_client, kansarm_resident, field):
    response = caseworker_client.post(reverse("guidance:plan_hours", args=[kansarm_resident.public_id]),
                                      {"stap-TOTAL_FORMS": "1", "capacity_hours_per_week": "10",
                                       "stap-0-hours_per_week": "8", field: "NaN"})
    assert response.status_code == 200
    assert "Vul bij het vermogen en bij elke afspraak een aantal uren in van 0 tot en met 40" in response.text


def test_the_live_total_takes_a_comma(caseworker_client, kansarm_resident):
    response = caseworker_client.post(reverse("guidance:plan_hours", args=[kansarm_resident.public_id]),
                                      {"stap-TOTAL_FORMS": "1", "capacity_hours_per_week": "10",
                                       "stap-0-hours_per_week": "2,5"})
    assert response.context["hours"].total == 2.5


@pytest.mark.parametrize("target", ["abc", "0001-01", "guidance:worklist", "https://example.com/", "a\nb"])
def test_a_next_that_is_not_a_path_on_this_site_returns_to_the_dossier(caseworker_client, kansarm_resident, today,
                                                                      target):
    """Cause 5: redirect() took a next like 'abc' for a view name (NoReverseMatch, 500). The task is done; the answer
    is the dossier's guidance page."""
    task, _ = services.create_task(kansarm_resident, kind="home_visit", title="Huisbezoek", due_on=today)
    response = caseworker_client.post(reverse("guidance:task_done", args=[task.pk]), {"next": target})
    assert response.status_code == 302
    assert response.url == reverse("guidance:resident", args=[kansarm_resident.public_id])
    task.refresh_from_db()
    assert task.status == "done"
