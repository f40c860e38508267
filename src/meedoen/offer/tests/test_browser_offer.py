"""In a real browser: the catalogue and the dossier tab 'Aanbod' are accessible (axe-core), and a provision above
the threshold goes from the caseworker's request to the team lead's approval."""
import pytest
from playwright.sync_api import expect

from meedoen.offer.models import ProvisionGrant
from meedoen.tests.test_browser import browser, login, page, serious_violations  # noqa: F401 (fixtures)

from .factories import ActivityFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_caseworker_requests_a_provision_and_the_team_lead_approves_it(page, live_server, resident,  # noqa: F811
                                                                       caseworker, team_lead, provider, trajectory):
    ActivityFactory(provider=provider, title="Koffie in de buurtkamer", tags=["koffie"])
    login(page, live_server, caseworker.username)
    page.get_by_role("link", name="Aanbod").first.click()
    page.get_by_label("Zoeken").fill("koffie")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.get_by_role("link", name="Koffie in de buurtkamer")).to_be_visible()
    assert serious_violations(page) == []

    page.goto(f"{live_server.url}/aanbod/inwoner/{resident.public_id}/")
    page.locator("#id_provision_type").select_option(label="Ontwikkeltraject")
    page.get_by_label("Bedrag (euro)").fill("1.200,00")
    page.get_by_label("Waarom is dit nodig?").fill("Ritme en zelfvertrouwen opbouwen")
    page.get_by_role("button", name="Aanvragen").click()
    expect(page.get_by_role("status")).to_contain_text("besluit een tweede persoon")
    expect(page.locator("#budget-available")).to_contain_text("800,00")
    assert serious_violations(page) == []

    page.get_by_role("button", name="Uitloggen").click()
    login(page, live_server, team_lead.username)
    page.goto(f"{live_server.url}/aanbod/budgetten/")
    page.get_by_label("Toekennen").check()
    page.get_by_role("button", name="Besluit opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("De voorziening is toegekend.")
    assert serious_violations(page) == []
    assert ProvisionGrant.objects.get().approved_by == team_lead
