"""Cause 2 of the security audit: a page number beyond 64 bits on the dossier timeline became an offset the
database could not hold (500). Page numbers are now whole numbers from 1 to 100.000 on every paged screen."""
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

MESSAGE = "Deze pagina bestaat niet. Kies een paginanummer van 1 tot en met 100.000."


@pytest.mark.parametrize("page", ["99999999999999999999999", "100001", "0", "-1", "abc", "1.5", "NaN"])
def test_a_timeline_page_that_cannot_exist_is_a_400_with_the_range(caseworker_client, resident, page):
    response = caseworker_client.get(reverse("residents:timeline", args=[resident.public_id]), {"pagina": page})
    assert response.status_code == 400
    assert MESSAGE in response.text


def test_a_timeline_page_in_range_past_the_end_is_empty(caseworker_client, resident):
    response = caseworker_client.get(reverse("residents:timeline", args=[resident.public_id]), {"pagina": "100000"})
    assert response.status_code == 200 and list(response.context["timeline"]) == []


def test_the_caseload_refuses_a_page_beyond_64_bits_too(caseworker_client):
    response = caseworker_client.get(reverse("residents:caseload"), {"pagina": "99999999999999999999999"})
    assert response.status_code == 400 and MESSAGE in response.text


def test_htmx_gets_the_message_as_text(caseworker_client, resident):
    response = caseworker_client.get(reverse("residents:timeline", args=[resident.public_id]),
                                     {"pagina": "99999999999999999999999"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400 and response.text == MESSAGE
