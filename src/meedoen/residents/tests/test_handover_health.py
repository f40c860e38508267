"""A warm handover on reassignment carries no health information unless the resident consented (security audit)."""
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meedoen.accounts.models import Role
from meedoen.residents.models import Resident
from meedoen.residents.services import assign_caseworker
from meedoen.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOTE = "Houdt van tuinieren. Heeft sinds vorig jaar een depressie en gaat naar de GGZ."


@pytest.fixture
def new_caseworker(municipality, team):
    return UserFactory(municipality=municipality, team=team, role=Role.CASEWORKER, first_name="Sanne",
                       last_name="de Vries")


def test_a_health_note_without_consent_is_refused_and_the_text_is_kept(client, resident, team_lead, caseworker,
                                                                     new_caseworker):
    client.force_login(team_lead)
    response = client.post(reverse("residents:reassign", args=[resident.public_id]),
                           {"caseworker": new_caseworker.pk, "reason": "Verlof", "handover_note": NOTE})
    assert response.status_code == 200
    html = response.content.decode()
    assert "In de tekst staat iets over gezondheid" in html and "“depressie”" in html and "“GGZ”" in html
    assert response.context["form"]["handover_note"].value() == NOTE  # rephrase, not retype
    resident.refresh_from_db()
    assert resident.current_caseworker == caseworker and resident.assignments.count() == 1


def test_with_the_residents_consent_the_health_note_is_saved_and_the_consent_recorded(client, resident, team_lead,
                                                                                     new_caseworker):
    client.force_login(team_lead)
    response = client.post(reverse("residents:reassign", args=[resident.public_id]),
                           {"caseworker": new_caseworker.pk, "reason": "Verlof", "handover_note": NOTE,
                            "consent_share_health": "on"})
    assert response.status_code == 302
    latest = resident.assignments.order_by("-id").first()
    assert latest.caseworker == new_caseworker and latest.handover_note == NOTE and latest.consent_share_health


def test_a_rephrased_note_passes_without_consent(client, resident, team_lead, new_caseworker):
    client.force_login(team_lead)
    response = client.post(reverse("residents:reassign", args=[resident.public_id]),
                           {"caseworker": new_caseworker.pk, "reason": "Verlof",
                            "handover_note": "Houdt van tuinieren. Zie het dossier voor wat er speelt."})
    assert response.status_code == 302
    assert not resident.assignments.order_by("-id").first().consent_share_health


def test_the_prefilled_handover_leaves_health_out_and_can_be_sent_as_it_is(client, resident, team_lead,
                                                                          new_caseworker):
    Resident.objects.filter(pk=resident.pk).update(mental_health="severe", addiction="active", debts="problematic")
    client.force_login(team_lead)
    page = client.get(reverse("residents:reassign", args=[resident.public_id]))
    prefill = page.context["form"].initial["handover_note"]
    assert "Problematische schulden" in prefill  # other barriers stay
    assert "gezondheid" not in prefill.lower() and "verslaving" not in prefill.lower()
    response = client.post(reverse("residents:reassign", args=[resident.public_id]),
                           {"caseworker": new_caseworker.pk, "reason": "Verlof", "handover_note": prefill})
    assert response.status_code == 302


def test_the_service_refuses_a_health_note_without_consent_too(resident, team_lead, new_caseworker):
    with pytest.raises(ValidationError) as refused:
        assign_caseworker(resident, new_caseworker, actor=team_lead, handover_note="Slikt medicijnen.")
    assert "handover_note" in refused.value.message_dict
    assert assign_caseworker(resident, new_caseworker, actor=team_lead, handover_note="Slikt medicijnen.",
                             consent_share_health=True).consent_share_health
