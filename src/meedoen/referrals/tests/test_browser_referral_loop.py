"""The referral loop in a real browser: the caseworker looks at the suggested activities with the resident (the real
matching), records what was offered and what the resident chose, and sends the referral with consent and a warm
handover; the partner logs in, sees only what it needs and places the resident; the caseworker's worklist shows the
placement and the next-contact date it set.

Playwright drives Debian's headless Chromium against the live Django server (as in meedoen/tests/test_browser.py).
"""
import datetime as dt

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from meedoen.guidance import rules as guidance_rules
from meedoen.referrals.models import Referral, Suggestion
from meedoen.residents.models import Resident
from meedoen.tests.test_browser import browser, login, page, serious_violations  # noqa: F401 (fixtures)

from .factories import ActivityFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logout(page):
    page.get_by_role("button", name="Uitloggen").click()


def test_caseworker_refers_partner_places_and_the_worklist_shows_it(page, live_server, resident, caseworker,  # noqa: F811
                                                                    provider, activity, provider_user):
    today = timezone.localdate()
    Resident.objects.filter(pk=resident.pk).update(
        segment="kansarm", intensity="light", last_contact_on=today - dt.timedelta(days=30),
        next_contact_on=today + dt.timedelta(days=152), next_contact_rule="laatste contact + contactnorm 182 dagen",
        interests="koken",
    )
    second = ActivityFactory(provider=provider, title="Tuinieren bij de moestuin", capacity=4,
                             neighbourhood=resident.neighbourhood)

    # -- the caseworker and the resident choose together -----------------------------------------------------------
    login(page, live_server, caseworker.username)
    expect(page.get_by_role("heading", name="Mijn werklijst")).to_be_visible()
    page.get_by_role("link", name="Mijn caseload").click()
    page.get_by_role("link", name="Fatima Jansen").click()
    expect(page.get_by_role("heading", name="Fatima Jansen")).to_be_visible()
    page.get_by_role("navigation", name="Onderdelen van het dossier").get_by_role("link", name="Aanbod").click()
    page.get_by_role("link", name="Samen activiteiten kiezen").click()
    expect(page.get_by_role("heading", name="Samen activiteiten kiezen")).to_be_visible()
    expect(page.locator(f"#suggestion-{activity.pk}")).to_contain_text("Waarom dit past")
    assert serious_violations(page) == []
    page.get_by_label("Voorgelegd aan de inwoner: Koken in de buurtkeuken").check()
    page.get_by_label("Voorgelegd aan de inwoner: Tuinieren bij de moestuin").check()
    page.get_by_label("De inwoner kiest deze: Koken in de buurtkeuken").check()
    page.get_by_role("button", name="Keuze vastleggen").click()

    expect(page.get_by_role("status").first).to_contain_text("De keuze van de inwoner is vastgelegd")
    expect(page.get_by_label("Activiteit", exact=True)).to_have_value(str(activity.pk))
    expect(page.get_by_label("Warme overdracht aan de partner")).to_contain_text("Fatima")
    assert serious_violations(page) == []
    page.get_by_label("De inwoner geeft toestemming").check()
    page.get_by_role("button", name="Doorverwijzing versturen").click()
    expect(page.locator("#referral-status")).to_have_text("Verstuurd")

    offered = Suggestion.objects.filter(resident=resident)
    assert sorted(offered.values_list("activity_id", flat=True)) == sorted([activity.pk, second.pk])
    assert offered.get(chosen=True).activity_id == activity.pk
    referral = Referral.objects.get(resident=resident)
    assert referral.status == "sent" and referral.suggestion.activity_id == activity.pk
    assert referral.consent_recorded_at is not None
    logout(page)

    # -- the partner places the resident ---------------------------------------------------------------------------
    login(page, live_server, provider_user.username)
    expect(page.get_by_role("heading", name="Doorverwijzingen naar uw organisatie")).to_be_visible()
    expect(page.locator("#partner-referrals")).to_contain_text("Fatima Jansen")
    assert serious_violations(page) == []
    page.get_by_role("link", name="Fatima Jansen").click()
    expect(page.locator("#handover-note")).to_contain_text("Fatima")
    content = page.content()
    assert resident.bsn not in content and resident.street not in content
    assert serious_violations(page) == []
    expect(page.locator("#id_place-placed_on")).to_have_value(today.isoformat())
    page.get_by_role("button", name="Plaatsen").click()
    expect(page.get_by_role("status").first).to_contain_text("De inwoner is geplaatst")
    expect(page.locator("#referral-status")).to_have_text("Geplaatst")
    logout(page)

    # -- the caseworker's worklist shows the placement and the next-contact date -----------------------------------
    next_contact = today + dt.timedelta(days=guidance_rules.PLACEMENT_SILENCE_DAYS)
    with translation.override("nl"):
        placed_text, next_text = date_format(today, "j F Y"), date_format(next_contact, "j F Y")
    login(page, live_server, caseworker.username)
    news = page.locator("#partner-news")
    expect(news).to_contain_text("Fatima Jansen")
    expect(news).to_contain_text(f"Geplaatst op {placed_text}. Volgend contact uiterlijk {next_text}.")
    assert serious_violations(page) == []
    resident.refresh_from_db()
    assert resident.next_contact_on == next_contact
    assert "plaatsing bij partner" in resident.next_contact_rule

    news.get_by_role("link", name="Fatima Jansen").click()
    expect(page.locator("#placed-on")).to_have_text(placed_text)
    page.goto(f"{live_server.url}/begeleiding/werklijst/")
    expect(page.locator("#partner-news")).to_have_count(0)  # read: the news is gone from the worklist
