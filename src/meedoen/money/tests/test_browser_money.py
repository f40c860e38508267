"""Browser flow (Playwright with Debian's Chromium): the caseworker enters an income report, sees the calculation
line by line, decides the month, corrects the report and sees the recalculated month with the difference."""
import re

import pytest
from playwright.sync_api import expect

from meedoen.money.models import MonthlyCalculation, PaymentCorrection
from meedoen.tests.test_browser import browser, login, page, serious_violations  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_caseworker_enters_income_decides_and_a_correction_shows_the_difference(  # noqa: F811
        page, live_server, resident, caseworker):
    login(page, live_server, caseworker.username)
    page.goto(f"{live_server.url}/inkomsten/inwoner/{resident.public_id}/?maand=2026-03")
    expect(page.get_by_role("heading", name="Berekening maart 2026")).to_be_visible()
    assert serious_violations(page) == []

    form = page.locator("#income-form")
    form.locator("#id_month").fill("2026-03")
    form.get_by_label("Soort inkomen").select_option("wage_monthly")
    form.get_by_label("Netto bedrag (euro)").fill("800,00")
    form.get_by_label("Werkgever of organisatie").fill("Bakkerij De Korenbloem")
    form.get_by_label("Waar komt het bedrag vandaan?").select_option("payslip")
    form.get_by_role("button", name="Inkomsten opslaan").click()

    expect(page.get_by_role("status")).to_contain_text("De inkomsten zijn opgeslagen.")
    calculation = page.get_by_role("table", name="Berekening maart 2026, regel voor regel")
    expect(calculation).to_contain_text("Loon – Bakkerij De Korenbloem")
    expect(calculation).to_contain_text("Vrijlating")
    expect(calculation).to_contain_text("Participatiewet art. 31 lid 2 onder n")
    expect(calculation.locator("tr.calc-line--to_pay")).to_contain_text("761,42")
    expect(page.locator("#calc-status")).to_have_text("Concept")
    assert serious_violations(page) == []

    page.get_by_role("button", name="maart 2026 vaststellen").click()
    expect(page.get_by_role("status")).to_contain_text("Maart 2026 is vastgesteld.")
    expect(page.locator("#calc-status")).to_have_text("Vastgesteld")

    page.get_by_role("link", name=re.compile("Corrigeren")).first.click()
    expect(page.get_by_role("heading", name="Inkomsten van maart 2026 corrigeren")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_label("Netto bedrag (euro)").fill("600,00")
    page.get_by_role("button", name="Correctie opslaan").click()

    expect(page.get_by_role("status")).to_contain_text("opnieuw berekend")
    difference = page.locator("#month-difference")
    expect(difference).to_contain_text(re.compile(r"Nabetaling: €\s142,50 is te weinig betaald"))
    expect(difference).to_contain_text(re.compile(r"Eerst: €\s761,42\. Nu: €\s903,92\."))
    expect(page.locator("#corrections")).to_contain_text("Nabetaling")
    expect(calculation.locator("tr.calc-line--to_pay")).to_contain_text("903,92")
    assert serious_violations(page) == []

    correction = PaymentCorrection.objects.get()
    assert (correction.kind, str(correction.amount)) == ("underpayment", "142.50")
    assert MonthlyCalculation.objects.get(month="2026-03-01", version=1).status == "replaced"
