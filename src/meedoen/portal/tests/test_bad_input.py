"""Cause 1 of the security audit on the resident's payment page: a month like 0001-01 gave a 500. Now a 400 that
says which months can be chosen, with the latest month shown."""
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("month", ["0001-01", "9999-12", "maart", "99999999999999999999999"])
def test_a_month_that_cannot_be_shown_is_a_400_with_a_clear_message(resident_client, month):
    response = resident_client.get(reverse("portal:money"), {"maand": month})
    assert response.status_code == 400
    assert 'id="month-error"' in response.text
    assert ("Kies een maand van 2000-01 tot en met 2100-12." in response.text
            or "Vul de maand in als jaar en maand, bijvoorbeeld 2026-03." in response.text)
    assert response.context["month"] == response.context["latest_month"]


def test_the_first_month_has_no_link_to_the_month_before(resident_client):
    response = resident_client.get(reverse("portal:money"), {"maand": "2000-01"})
    assert response.status_code == 200 and response.context["previous_month"] is None
