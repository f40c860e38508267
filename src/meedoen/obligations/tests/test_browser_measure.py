"""A measure in a real browser: the caseworker proposes it from the Verplichtingen tab and records the hearing; the
team lead decides (four eyes) and the beschikking is made. Every page is checked with axe-core."""
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meedoen.obligations.models import Measure
from meedoen.tests.test_browser import browser, login, page, serious_violations  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_caseworker_proposes_and_hears_team_lead_decides(page, live_server, resident, caseworker,  # noqa: F811
                                                         team_lead):
    today = timezone.localdate().isoformat()
    login(page, live_server, caseworker.username)
    page.goto(f"{live_server.url}/verplichtingen/{resident.public_id}/")
    expect(page.locator("#obligation-reciprocity")).to_contain_text("Ja, verplicht")
    assert serious_violations(page) == []

    page.get_by_role("link", name="Maatregel voorstellen").click()
    page.get_by_label("Welke verplichting is niet nagekomen?").select_option("reciprocity")
    page.get_by_label("Datum van de gedraging").fill(today)
    page.get_by_label("Wat is er gebeurd? (feiten)").fill("Drie weken niet verschenen bij het vrijwilligerswerk.")
    page.get_by_label("Verwijtbaar", exact=True).check()
    page.get_by_label("Toelichting op de verwijtbaarheid").fill("Geen reden gegeven.")
    page.get_by_label("Maatregelenverordening van de gemeente").check()
    page.get_by_label("Categorie uit de maatregelenverordening").select_option("licht")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Voorstel vastleggen").click()

    expect(page.locator("#measure-status")).to_contain_text("Voorgesteld")
    page.locator("#id_hearing-kind_0").check()
    page.locator("#id_hearing-held_on").fill(today)
    page.locator("#id_hearing-outcome").fill("Zegt het vergeten te zijn.")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Horen vastleggen").click()
    expect(page.locator("#hearings")).to_contain_text("Zegt het vergeten te zijn.")
    url = page.url

    page.context.clear_cookies()
    login(page, live_server, team_lead.username)
    page.goto(url)
    page.locator("#id_decide-decision_grounds").fill("U bent drie weken niet verschenen zonder goede reden.")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Besluiten en beschikking maken").click()
    expect(page.locator("#decision")).to_contain_text("30 %")
    expect(page.locator("#decision")).to_contain_text("Beschikking")
    assert serious_violations(page) == []
    measure = Measure.objects.get()
    assert measure.decided_by == team_lead and measure.letter is not None

    page.goto(f"{live_server.url}/verplichtingen/team/")
    expect(page.locator("#measure-stats")).to_be_visible()
    assert serious_violations(page) == []
