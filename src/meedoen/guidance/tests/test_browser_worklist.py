"""The guidance loop in a real browser: a caseworker opens the worklist, sees an overdue resident, holds a
conversation, makes and signs a plan, and the resident leaves the overdue list with the right next-contact date.

Playwright drives Debian's headless Chromium against the live Django server (as in meedoen/tests/test_browser.py).
"""
import datetime as dt

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from meedoen.guidance.models import ActionPlan, Conversation
from meedoen.residents.models import Resident
from meedoen.tests.test_browser import browser, login, page, serious_violations  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_caseworker_clears_an_overdue_resident_from_the_worklist(page, live_server, resident, caseworker):  # noqa: F811
    today = timezone.localdate()
    Resident.objects.filter(pk=resident.pk).update(
        segment="kansarm", intensity="light", last_contact_on=today - dt.timedelta(days=200),
        next_contact_on=today - dt.timedelta(days=18), next_contact_rule="laatste contact + contactnorm 182 dagen",
    )
    review_on = today + dt.timedelta(days=91)

    login(page, live_server, caseworker.username)
    page.goto(f"{live_server.url}/begeleiding/werklijst/")
    expect(page.get_by_role("heading", name="Mijn werklijst")).to_be_visible()
    overdue = page.locator("#group-overdue_contact")
    expect(overdue).to_contain_text("Fatima Jansen")
    expect(overdue).to_contain_text("18 dagen te laat")
    assert serious_violations(page) == []

    overdue.get_by_role("link", name="Fatima Jansen").click()
    expect(page.locator("#next-contact")).to_be_visible()
    page.get_by_role("link", name="Gesprek vastleggen").click()
    page.get_by_label("Op kantoor").check()
    page.get_by_label("Wat is er besproken?").fill("Kennismaking; het gaat beter met de gezondheid.")
    page.get_by_label("Wat wil de inwoner zelf?").fill("Wil graag koken voor de buurt.")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Gesprek opslaan").click()
    expect(page.get_by_role("status").first).to_contain_text("Het gesprek is opgeslagen.")

    page.get_by_role("link", name="Plan van aanpak maken").click()
    page.get_by_label("Doelen").fill("Meedoen in de buurt, een vast ritme.")
    page.get_by_label("Hoeveel uur per week kan de inwoner nu aan?").fill("10")
    page.get_by_label("Evaluatiedatum").fill(review_on.isoformat())
    page.locator("#id_stap-0-kind").select_option("volunteering")
    page.locator("#id_stap-0-description").fill("Koken in de buurtkeuken")
    page.locator("#id_stap-0-hours_per_week").fill("8")
    page.locator("#id_stap-0-responsible").select_option("resident")
    # HTMX keeps the total against the capacity up to date while the form is filled in.
    expect(page.locator("#plan-hours")).to_contain_text("Samen 8 uur per week; de inwoner kan nu 10 uur aan.")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Plan opslaan").click()

    expect(page.get_by_role("heading", name="Plan van aanpak versie 1 ondertekenen")).to_be_visible()
    page.get_by_label("Op papier getekend").check()
    page.get_by_role("button", name="Ondertekening opslaan").click()

    with translation.override("nl"):
        shown = date_format(review_on, "j F Y")
    expect(page.locator("#next-contact")).to_have_text(shown)
    expect(page.locator("#next-contact-rule")).to_contain_text("evaluatiedatum van het plan van aanpak")
    resident.refresh_from_db()
    assert resident.next_contact_on == review_on and resident.last_contact_on == today
    assert ActionPlan.objects.get(resident=resident).status == "signed"
    assert Conversation.objects.filter(resident=resident).count() == 1

    page.goto(f"{live_server.url}/begeleiding/werklijst/")
    expect(page.get_by_role("heading", name="Mijn werklijst")).to_be_visible()
    expect(page.locator("#group-overdue_contact")).to_have_count(0)
