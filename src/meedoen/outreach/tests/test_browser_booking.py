"""Real browser: a resident books through the personal link (no login), staff see it on the campaign page.
Checked with axe-core. (The Django test client does not send an Origin header; a browser does.)"""
import datetime as dt
import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect, sync_playwright
from django.utils import timezone

from meedoen.outreach import services
from meedoen.outreach.models import Appointment

from .helpers import make_campaign, token_from_letter

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread
    assert os.path.exists(CHROMIUM), f"Chromium not found at {CHROMIUM}; `make test` installs Debian's chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(locale="nl-NL", viewport={"width": 1200, "height": 900})
        yield context.new_page()
        browser.close()


def serious_violations(page):
    return [v["id"] for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]


def test_resident_books_through_the_link_and_staff_see_it(page, live_server, caseworker, resident, venue):
    campaign = make_campaign(caseworker, [resident])
    day = timezone.localdate() + dt.timedelta(days=3)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    services.add_slots(caseworker, campaign, caseworker=caseworker, starts_at=start, minutes=30, capacity=2,
                       venue=venue, count=3)
    services.send_campaign(campaign, caseworker)
    token = token_from_letter(resident)

    page.goto(f"{live_server.url}/uitnodigingen/afspraak/{token}/")
    expect(page.get_by_role("heading", name=f"Hallo {resident.first_name}, kies een dag en tijd")).to_be_visible()
    assert resident.last_name not in page.content()
    assert serious_violations(page) == []
    page.get_by_label("10:30", exact=False).check()
    page.get_by_role("button", name="Afspraak maken").click()
    expect(page.get_by_role("heading", name="Gelukt! Uw afspraak staat vast")).to_be_visible()
    assert serious_violations(page) == []
    appointment = Appointment.objects.get()
    assert timezone.localtime(appointment.slot.starts_at).time() == dt.time(10, 30)

    page.goto(f"{live_server.url}/account/inloggen/")
    page.get_by_label("Gebruikersnaam").fill(caseworker.username)
    page.get_by_label("Wachtwoord").fill("demo-wachtwoord-123")
    page.get_by_role("button", name="Inloggen").click()
    page.goto(f"{live_server.url}/uitnodigingen/{campaign.pk}/")
    expect(page.get_by_role("heading", name=campaign.name)).to_be_visible()
    expect(page.locator("table").first).to_contain_text("Afspraak gepland")
    assert serious_violations(page) == []
    page.get_by_role("link", name=resident.full_name).click()
    expect(page.get_by_role("heading", name="Stappen")).to_be_visible()
    assert serious_violations(page) == []
    page.goto(f"{live_server.url}/uitnodigingen/{campaign.pk}/tijdsloten/")
    assert serious_violations(page) == []
