"""Cause 1 of the security audit: a month like 0001-01 on the income page made the month arithmetic underflow (500).
A month outside 2000-01 … 2100-12 is now refused with the range, and the page shows the default month."""
import pytest
from django.urls import reverse

from meedoen.money.models import IncomeReport

pytestmark = pytest.mark.django_db

RANGE = "Kies een maand van 2000-01 tot en met 2100-12."


def page(client, resident, **params):
    return client.get(reverse("money:resident", args=[resident.public_id]), params)


@pytest.mark.parametrize("month", ["0001-01", "9999-12", "1999-12", "2101-01"])
def test_a_month_outside_2000_to_2100_is_a_400_with_the_range_and_keeps_what_was_typed(caseworker_client, resident,
                                                                                       month):
    response = page(caseworker_client, resident, maand=month)
    assert response.status_code == 400
    assert RANGE in response.text
    assert f'value="{month}"' in response.text and 'aria-invalid="true"' in response.text
    assert response.context["month"].strftime("%Y-%m") == "2026-04"  # the default month is shown


def test_a_month_that_is_not_a_month_is_a_400_with_the_format(caseworker_client, resident):
    response = page(caseworker_client, resident, maand="maart")
    assert response.status_code == 400
    assert "Vul de maand in als jaar en maand, bijvoorbeeld 2026-03." in response.text


def test_the_first_and_last_month_have_no_link_beyond_the_range(caseworker_client, resident):
    last = page(caseworker_client, resident, maand="2100-12")
    assert last.status_code == 200 and last.context["next_month"] is None and "Volgende maand" not in last.text
    first = page(caseworker_client, resident, maand="2000-01")
    assert first.status_code == 200 and first.context["previous_month"] is None and "Vorige maand" not in first.text


def test_a_version_beyond_64_bits_is_a_400(caseworker_client, resident):
    response = page(caseworker_client, resident, maand="2026-03", versie="99999999999999999999999")
    assert response.status_code == 400
    assert "Dit nummer bestaat niet." in response.text


def test_an_income_report_for_month_0001_01_is_a_form_error_and_nothing_is_saved(caseworker_client, resident):
    response = caseworker_client.post(reverse("money:add_report", args=[resident.public_id]), {
        "month": "0001-01", "kind": "wage_monthly", "net_amount": "812,50", "source": "payslip", "serves_work": "on"})
    assert response.status_code == 400
    assert response.context["form"].errors["month"] == [RANGE]
    assert "812,50" in response.text  # what was typed is still in the form
    assert not IncomeReport.objects.exists()
