"""An experiment in a real browser: the analyst defines it with two arms, randomises and downloads the
preregistration; the caseworker fills in the T0 questionnaire with a resident. Every page is checked with axe-core."""
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meedoen.experiments.models import Assignment, QuestionnaireResponse
from meedoen.residents.services import assign_caseworker
from meedoen.tests.factories import ResidentFactory
from meedoen.tests.test_browser import browser, login, page, serious_violations  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_defines_and_randomises_caseworker_fills_in_the_questionnaire(  # noqa: F811
        page, live_server, municipality, neighbourhood, caseworker, analyst):
    people = []
    for _ in range(4):
        person = ResidentFactory(municipality=municipality, neighbourhood=neighbourhood, segment="kansarm")
        assign_caseworker(person, caseworker, actor=caseworker, reason="Eerste toewijzing")
        people.append(person)
    today = timezone.localdate().isoformat()

    login(page, live_server, analyst.username)
    page.goto(f"{live_server.url}/experimenten/")
    assert serious_violations(page) == []
    page.get_by_role("link", name="Nieuw experiment").click()
    page.get_by_label("Naam").fill("Extra aandacht proef")
    page.get_by_label("Hypothese").fill("Vaker contact geeft een hoger welzijn.")
    page.get_by_label("Segment (kansrijk / kansarm)").check()
    page.get_by_label("Alleen met toestemming van de inwoner").uncheck()
    page.get_by_label("Seed voor het loten").fill("7")
    page.get_by_label("Nulmeting (T0) gepland op").fill(today)
    assert serious_violations(page) == []
    page.get_by_role("button", name="Experiment aanmaken").click()

    for code, name, parameters, control in (("extra", "Extra aandacht", '{"contact_days": 28}', False),
                                            ("regulier", "Regulier", "", True)):
        page.get_by_role("link", name="Conditie toevoegen").click()
        page.get_by_label("Code").fill(code)
        page.get_by_label("Naam").fill(name)
        page.get_by_label("Wat deze conditie verandert").fill(parameters)
        if control:
            page.get_by_label("Dit is de controlegroep (verandert niets)").check()
        page.get_by_role("button", name="Conditie toevoegen").click()
    expect(page.locator("#arms")).to_contain_text("Contact minstens elke 28 dagen")
    page.get_by_role("button", name="Loten en starten").click()
    expect(page.locator("#balance")).to_contain_text("segment=kansarm")
    expect(page.locator("#balance tfoot")).to_contain_text("4")
    assert serious_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Preregistratie downloaden").click()
    assert download.value.suggested_filename.startswith("preregistratie-")
    assert Assignment.objects.count() == 4

    page.context.clear_cookies()
    login(page, live_server, caseworker.username)
    page.goto(f"{live_server.url}/experimenten/inwoner/{people[0].public_id}/")
    assert serious_violations(page) == []
    page.get_by_role("link", name="samen invullen").click()
    page.get_by_label("Hoe tevreden bent u met uw leven op dit moment?", exact=False).fill("7")
    page.get_by_label("Hoe is uw gezondheid?", exact=False).fill("4")
    page.get_by_label("Welk rapportcijfer geeft u uw klantmanager?", exact=False).fill("8")
    page.get_by_label("Hoeveel uur per week doet u mee", exact=False).fill("3,5")
    page.get_by_label("Hoeveel uur per week werkt u betaald?", exact=False).fill("0")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Antwoorden opslaan").click()
    expect(page.locator("body")).to_contain_text("De antwoorden zijn opgeslagen.")
    assert QuestionnaireResponse.objects.get(resident=people[0]).participation_hours == 3.5
