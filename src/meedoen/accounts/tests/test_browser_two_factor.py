"""Browser flow (Playwright with Debian's Chromium): with two-factor required, a caseworker sets up an authenticator app
from the secret shown on the page, then logs in again with password and code; axe finds no serious problems."""
import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from meedoen.tests.test_browser import browser, login, page, serious_violations  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def app_code(secret, *, step_ahead=0):
    """What an authenticator app shows for the secret typed in by hand (step_ahead=1: its next code; a code counts
    only once, and the server accepts one time step of drift)."""
    key = b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{totp(key, drift=step_ahead):06d}"


def test_caseworker_sets_up_an_app_and_logs_in_with_a_code(page, live_server, caseworker, settings):  # noqa: F811
    settings.STAFF_TWO_FACTOR = "required"
    login(page, live_server, caseworker.username)
    expect(page.get_by_role("heading", name="Tweestapsverificatie instellen")).to_be_visible()
    expect(page.locator("figure.qr-code svg")).to_be_visible()
    assert serious_violations(page) == []

    secret = page.locator("#secret-key").inner_text()
    page.get_by_label("Code uit je app").fill(app_code(secret))
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("heading", name="Mijn werklijst")).to_be_visible()

    page.get_by_role("button", name="Uitloggen").click()
    login(page, live_server, caseworker.username)
    expect(page.get_by_role("heading", name="Voer je code in")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_label("Code uit je app").fill("000000" if app_code(secret) != "000000" else "111111")
    page.get_by_role("button", name="Verder").click()
    expect(page.locator(".form-error")).to_contain_text("Deze code klopt niet")

    page.wait_for_timeout(1100)  # the device's throttle after one wrong code
    page.get_by_label("Code uit je app").fill(app_code(secret, step_ahead=1))
    page.get_by_role("button", name="Verder").click()
    expect(page.get_by_role("heading", name="Mijn werklijst")).to_be_visible()
    page.get_by_role("link", name=re.compile(caseworker.get_full_name())).click()
    expect(page.locator("#two-factor-status")).to_contain_text("Aan")
