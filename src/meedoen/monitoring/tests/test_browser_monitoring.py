"""An analyst in a real browser: lands on the monitoring dashboard, filters it, reads a chart as a table, and the page
passes axe without serious or critical violations."""
import pytest
from playwright.sync_api import expect

from meedoen.accounts.models import Role
from meedoen.tests.factories import UserFactory
from meedoen.tests.test_browser import browser, login, page, serious_violations  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_reads_the_dashboard_charts_as_tables(page, live_server, world):  # noqa: F811
    analyst = UserFactory(username="onderzoeker", municipality=world.municipality, role=Role.ANALYST)
    login(page, live_server, analyst.username)
    expect(page.get_by_role("heading", name="Monitoring", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Monitoring")).to_have_attribute("aria-current", "page")

    page.get_by_label("Van", exact=True).fill("2026-01-01")
    page.get_by_label("Tot en met", exact=True).fill("2026-10-31")
    page.get_by_role("button", name="Toon cijfers").click()
    expect(page.get_by_text("Periode: 1 januari 2026 tot en met 31 oktober 2026.")).to_be_visible()
    expect(page.get_by_role("img", name="Van benaderen naar actief")).to_be_visible()

    funnel = page.locator("#chart-funnel")
    funnel.get_by_text("Toon als tabel").click()
    table = funnel.get_by_role("table")
    expect(table).to_be_visible()
    expect(table.get_by_role("row", name="Benaderd in de periode")).to_contain_text("<5")  # 3 people: suppressed
    assert serious_violations(page) == []

    page.get_by_role("link", name="Vergelijking met Rotterdam 2017").click()
    expect(page.get_by_role("cell", name="40.000")).to_be_visible()
    assert serious_violations(page) == []
