"""Browser flow (Playwright with Debian's Chromium): a resident logs in, lands on Mijn Meedoen, and reads a month of
their benefit explained line by line; axe finds no serious accessibility problems."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from meedoen.money import services as money
from meedoen.tests.test_browser import browser, login, page, serious_violations  # noqa: F401 (fixtures)

from .conftest import signed_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_resident_logs_in_sees_the_overview_and_the_monthly_explanation(  # noqa: F811
        page, live_server, resident, resident_user, caseworker):
    signed_plan(resident, caseworker)
    money.add_income_report(resident, actor=caseworker, month=dt.date(2026, 3, 1), kind="wage_monthly",
                            net_amount=Decimal("800.00"), employer="Bakkerij De Korenbloem", source="payslip",
                            serves_work=True)

    login(page, live_server, resident_user.username)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r", Fatima$"))
    expect(page.locator("#my-caseworker")).to_contain_text(caseworker.get_full_name())
    expect(page.get_by_role("region", name="Wat ik heb afgesproken")).to_contain_text("Meer onder de mensen komen")
    assert serious_violations(page) == []

    page.get_by_role("link", name="Mijn uitkering", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn uitkering")
    page.get_by_role("link", name="maart 2026").click()
    expect(page.get_by_role("heading", name="Uw bijstand in maart 2026")).to_be_visible()
    expect(page.locator("#month-status")).to_have_text("Voorlopig")
    explanation = page.locator("#explanation")
    expect(explanation).to_contain_text("Bijstandsnorm")
    expect(explanation).to_contain_text("Loon – Bakkerij De Korenbloem")
    expect(explanation).to_contain_text("Vrijlating")
    expect(explanation).to_contain_text("Dit staat in: Participatiewet art. 21 onder a")
    expect(explanation.locator("li.explain-line--to_pay")).to_contain_text("761,42")
    expect(page.locator("#month-total")).to_contain_text("761,42")
    assert serious_violations(page) == []

    page.set_viewport_size({"width": 375, "height": 800})  # a phone: the explanation still reads without scrolling
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
