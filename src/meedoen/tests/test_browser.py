"""Real browser flows: Playwright driving Debian's headless Chromium against the live Django server.

These tests never skip: when Chromium is missing they fail, because `make test` installs it.
"""
import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect, sync_playwright

from meedoen.assessment.models import Assessment

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PASSWORD = "demo-wachtwoord-123"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread
    assert os.path.exists(CHROMIUM), f"Chromium not found at {CHROMIUM}; `make test` installs Debian's chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="nl-NL", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def serious_violations(page):
    results = Axe().run(page)
    return [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def login(page, live_server, username):
    page.goto(f"{live_server.url}/account/inloggen/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


def test_caseworker_searches_opens_dossier_and_records_an_assessment(page, live_server, resident, caseworker):
    login(page, live_server, caseworker.username)
    expect(page.get_by_role("heading", name="Mijn werklijst")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Mijn caseload").click()
    expect(page.get_by_role("heading", name="Mijn caseload")).to_be_visible()
    assert serious_violations(page) == []

    page.get_by_role("link", name="Zoeken").click()
    page.get_by_label("Naam").fill("Jansen")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.locator("#search-results")).to_contain_text("1 resultaat")
    assert resident.bsn not in page.url
    page.get_by_role("link", name=resident.full_name).click()

    expect(page.get_by_role("heading", name=resident.full_name)).to_be_visible()
    expect(page.locator("#current-segment")).to_have_text("–")
    assert serious_violations(page) == []

    page.get_by_role("link", name="Nieuwe inschatting").click()
    page.get_by_label("Schulden").select_option("problematic")
    page.get_by_label("Lichamelijke gezondheid").select_option("severe")
    page.get_by_label("Sociaal isolement").select_option("severe")
    # HTMX recomputes the outcome while the form is filled in.
    expect(page.locator("#computed-segment")).to_have_text("Kansarm")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Inschatting opslaan").click()

    expect(page.get_by_role("status")).to_contain_text("Inschatting opgeslagen. Segment: Kansarm.")
    expect(page.locator("#current-segment")).to_have_text("Kansarm")
    expect(page.get_by_role("table", name=re.compile("Bijdrage van elke factor"))).to_contain_text("Schulden")
    assert Assessment.objects.get(resident=resident).segment == "kansarm"


def test_override_without_reason_shows_the_error_next_to_the_field(page, live_server, resident, caseworker):
    login(page, live_server, caseworker.username)
    page.goto(f"{live_server.url}/inschatting/{resident.public_id}/nieuw/")
    page.get_by_label("Ander segment kiezen (optioneel)").select_option("kansarm")
    page.get_by_role("button", name="Inschatting opslaan").click()
    expect(page.locator("#id_override_reason_errors")).to_contain_text("Schrijf op waarom u afwijkt")
    assert not Assessment.objects.exists()
