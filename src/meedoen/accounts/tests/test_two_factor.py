"""Two-factor authentication (TOTP) for staff: enrolment, the code step at login, throttling, the administrator's reset.

Codes are computed from the device's own key with django_otp.oath.totp, as an authenticator app would.
"""
import datetime as dt
import json
import logging
import re
from base64 import b32encode

import pytest
import time_machine
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from meedoen.accounts import tokens, two_factor
from meedoen.accounts.models import Role
from meedoen.audit.models import AuditEntry
from meedoen.tests.factories import MunicipalityFactory, UserFactory
from meedoen.tests.fixtures import AMSTERDAM

pytestmark = pytest.mark.django_db
PASSWORD = "demo-wachtwoord-123"
MOMENT = dt.datetime(2026, 4, 20, 10, 30, tzinfo=AMSTERDAM)


@pytest.fixture
def clock():
    """A stopped clock: the device's throttling and the TOTP time step only move when the test moves them."""
    with time_machine.travel(MOMENT, tick=False) as traveller:
        yield traveller


def code_for(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def wrong_code_for(device):
    right = int(code_for(device))
    return f"{(right + 1) % 1_000_000:06d}"


def enrolled(user):
    return TOTPDevice.objects.create(user=user, name="Meedoen", confirmed=True)


def two_factor_events(**filters):
    return [e.detail.get("event") for e in AuditEntry.objects.filter(**filters).order_by("id")
            if e.detail.get("part") == "two_factor"]


def log_in(client, user):
    return client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})


# --- required mode ---------------------------------------------------------------------------------------------------

def test_required_mode_sends_unenrolled_staff_to_enrolment_before_any_staff_page(client, caseworker, settings):
    settings.STAFF_TWO_FACTOR = "required"
    response = log_in(client, caseworker)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:two_factor_enrol"))

    for url in (reverse("guidance:worklist"), reverse("about"), reverse("accounts:account"), "/beheer/"):
        blocked = client.get(url)
        assert blocked.status_code == 302, url
        assert blocked["Location"].startswith(reverse("accounts:two_factor_enrol")), url

    page = client.get(reverse("accounts:two_factor_enrol"))
    assert page.status_code == 200
    assert "<svg" in page.text and "Tweestapsverificatie instellen" in page.text
    device = TOTPDevice.objects.get(user=caseworker)
    assert not device.confirmed
    secret = b32encode(device.bin_key).decode().rstrip("=")
    grouped = re.search(r'<code id="secret-key"[^>]*>([A-Z2-7 ]+)</code>', page.text).group(1)
    assert grouped.replace(" ", "") == secret and all(len(g) == 4 for g in grouped.split(" ")[:-1])
    assert "main-nav" not in page.text  # no menu that only leads back here


def test_api_answers_403_json_to_an_unverified_staff_session(client, caseworker, settings):
    settings.STAFF_TWO_FACTOR = "required"
    client.force_login(caseworker)
    response = client.get(reverse("api:resident-list"))
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert (body["status"], body["detail"], body["code"]) == (403, "Stel eerst tweestapsverificatie in.",
                                                               "two_factor_enrol")


def test_api_token_clients_are_not_affected(client, caseworker, resident, settings):
    settings.STAFF_TWO_FACTOR = "required"
    superuser = UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True,
                            municipality=caseworker.municipality)
    _token, key = tokens.issue(user=caseworker, name="koppeling", days=30, issued_by=superuser)
    response = client.get(reverse("api:resident-list"), HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200


def test_enrolment_confirms_the_device_only_with_a_correct_code(client, caseworker, settings, clock):
    settings.STAFF_TWO_FACTOR = "required"
    log_in(client, caseworker)
    client.get(reverse("accounts:two_factor_enrol"))
    device = TOTPDevice.objects.get(user=caseworker)

    wrong = client.post(reverse("accounts:two_factor_enrol"), {"code": wrong_code_for(device)})
    assert wrong.status_code == 200 and "Deze code klopt niet" in wrong.text
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(reverse("guidance:worklist")).status_code == 302

    clock.shift(dt.timedelta(seconds=2))  # past the throttle delay of the one wrong code
    ok = client.post(reverse("accounts:two_factor_enrol"), {"code": code_for(device), "next": reverse("about")})
    assert ok.status_code == 302 and ok["Location"] == reverse("about")
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("guidance:worklist")).status_code == 200  # this session is verified
    assert two_factor_events(actor=caseworker) == ["enrolment_started", "enrolment_wrong_code", "confirmed"]


# --- the code step at login ------------------------------------------------------------------------------------------

def test_enrolled_staff_need_the_code_after_the_password(client, caseworker, clock):
    device = enrolled(caseworker)  # optional mode (the test settings' default): enrolled staff still need a code
    response = log_in(client, caseworker)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:two_factor_verify')}?next=%2F"

    # The password alone leaves the session unverified: staff pages lead to the code step.
    blocked = client.get(reverse("guidance:worklist"))
    assert blocked.status_code == 302
    assert blocked["Location"].startswith(reverse("accounts:two_factor_verify"))
    step = client.get(blocked["Location"])
    assert step.status_code == 200 and "Voer je code in" in step.text

    verified = client.post(reverse("accounts:two_factor_verify"),
                           {"code": code_for(device), "next": reverse("guidance:worklist")})
    assert verified.status_code == 302 and verified["Location"] == reverse("guidance:worklist")
    assert client.get(reverse("guidance:worklist")).status_code == 200


def test_wrong_codes_are_refused_and_slowed_down(client, caseworker, clock):
    device = enrolled(caseworker)
    log_in(client, caseworker)
    url = reverse("accounts:two_factor_verify")

    wrong = client.post(url, {"code": wrong_code_for(device)})
    assert wrong.status_code == 200 and "Deze code klopt niet" in wrong.text
    # Straight after a wrong code even the right code is not tried: the device's throttle wants a pause.
    too_soon = client.post(url, {"code": code_for(device)})
    assert too_soon.status_code == 200
    assert "Je hebt te vaak een verkeerde code ingevuld. Wacht 1 seconde" in too_soon.text
    assert client.get(reverse("guidance:worklist")).status_code == 302

    clock.shift(dt.timedelta(seconds=1))
    client.post(url, {"code": wrong_code_for(device)})
    clock.shift(dt.timedelta(seconds=1))
    longer = client.post(url, {"code": code_for(device)})
    assert "Wacht 1 seconde" in longer.text  # two failures: two seconds, one gone

    clock.shift(dt.timedelta(seconds=1))
    assert client.post(url, {"code": code_for(device)}).status_code == 302
    assert client.get(reverse("guidance:worklist")).status_code == 200
    assert two_factor_events(actor=caseworker, action=AuditEntry.Action.DENIED) == [
        "login_wrong_code", "login_throttled", "login_wrong_code", "login_throttled"]


def test_code_step_is_not_shown_to_a_user_without_a_device(client, caseworker):
    client.force_login(caseworker)
    response = client.get(reverse("accounts:two_factor_verify"), {"next": reverse("about")})
    assert response.status_code == 302 and response["Location"] == reverse("about")


# --- residents and optional mode -------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["optional", "required"])
def test_residents_never_get_a_code_step(client, resident, settings, mode):
    settings.STAFF_TWO_FACTOR = mode
    resident_user = UserFactory(municipality=resident.municipality, team=None, role=Role.RESIDENT, resident=resident)
    response = log_in(client, resident_user)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home"))["Location"] == reverse("portal:overview")
    assert client.get(reverse("portal:overview")).status_code == 200
    assert client.get(reverse("accounts:two_factor_enrol")).status_code == 403
    assert not TOTPDevice.objects.filter(user=resident_user).exists()


def test_optional_mode_leaves_unenrolled_staff_alone(client, caseworker):
    response = log_in(client, caseworker)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("guidance:worklist")).status_code == 200
    account = client.get(reverse("accounts:account"))
    assert account.status_code == 200
    assert "Je logt alleen in met je wachtwoord" in account.text
    assert reverse("accounts:two_factor_enrol") in account.text


def test_public_booking_links_and_static_files_stay_open_during_the_code_step(client, caseworker):
    enrolled(caseworker)
    log_in(client, caseworker)
    assert client.get("/uitnodigingen/afspraak/onbekend/").status_code != 302
    assert client.get("/static/meedoen/css/meedoen.css").status_code != 302


# --- the own account page: remove and renew with a current code ------------------------------------------------------

def test_staff_member_removes_own_device_only_with_a_current_code(client, caseworker, clock):
    device = enrolled(caseworker)
    log_in(client, caseworker)
    client.post(reverse("accounts:two_factor_verify"), {"code": code_for(device)})
    clock.shift(dt.timedelta(seconds=30))  # the next time step: a code is used once

    page = client.get(reverse("accounts:account"))
    assert "Je logt in met je wachtwoord en een code uit je app" in page.text

    refused = client.post(reverse("accounts:account"), {"action": "remove", "code": wrong_code_for(device)})
    assert refused.status_code == 200 and "Deze code klopt niet" in refused.text
    assert TOTPDevice.objects.filter(user=caseworker).exists()

    clock.shift(dt.timedelta(seconds=2))
    removed = client.post(reverse("accounts:account"), {"action": "remove", "code": code_for(device)})
    assert removed.status_code == 302
    assert not TOTPDevice.objects.filter(user=caseworker).exists()
    assert "removed" in two_factor_events(actor=caseworker, action=AuditEntry.Action.DELETE)
    assert client.get(reverse("guidance:worklist")).status_code == 200  # optional mode: password only again


def test_renewing_keeps_the_old_app_until_the_new_one_is_confirmed(client, caseworker, clock):
    old = enrolled(caseworker)
    log_in(client, caseworker)
    client.post(reverse("accounts:two_factor_verify"), {"code": code_for(old)})
    clock.shift(dt.timedelta(seconds=30))

    response = client.post(reverse("accounts:account"), {"action": "renew", "code": code_for(old)})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:two_factor_enrol")
    new = TOTPDevice.objects.get(user=caseworker, confirmed=False)
    assert TOTPDevice.objects.filter(pk=old.pk, confirmed=True).exists()

    client.post(reverse("accounts:two_factor_enrol"), {"code": code_for(new)})
    assert list(TOTPDevice.objects.filter(user=caseworker).values_list("pk", "confirmed")) == [(new.pk, True)]


# --- the administrator's reset ---------------------------------------------------------------------------------------

@pytest.fixture
def administrator(municipality):
    return UserFactory(municipality=municipality, role=Role.ADMINISTRATOR, team=None)


def test_administrator_of_the_same_municipality_resets_a_lost_phone_audited(client, administrator, caseworker):
    enrolled(caseworker)
    client.force_login(administrator)
    overview = client.get(reverse("accounts:two_factor_staff"))
    assert overview.status_code == 200 and caseworker.username in overview.text

    response = client.post(reverse("accounts:two_factor_reset", args=[caseworker.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=caseworker).exists()
    entry = AuditEntry.objects.get(actor=administrator, action=AuditEntry.Action.DELETE)
    assert entry.detail["event"] == "reset_by_admin" and entry.detail["staff_member"] == caseworker.username
    assert entry.object_id == str(caseworker.pk)

    # The staff member logs in with the password again (optional mode) and may enrol anew.
    client.force_login(caseworker)
    assert client.get(reverse("guidance:worklist")).status_code == 200


def test_reset_is_refused_to_other_municipalities_and_other_roles_audited(client, administrator, caseworker, team_lead):
    device = enrolled(caseworker)
    elsewhere = UserFactory(municipality=MunicipalityFactory(), role=Role.ADMINISTRATOR, team=None)
    for user in (elsewhere, team_lead):
        client.force_login(user)
        assert client.post(reverse("accounts:two_factor_reset", args=[caseworker.pk])).status_code == 403
        assert AuditEntry.objects.filter(actor=user, action=AuditEntry.Action.DENIED).exists()
    client.force_login(team_lead)
    assert client.get(reverse("accounts:two_factor_staff")).status_code == 403
    client.force_login(elsewhere)
    assert caseworker.username not in client.get(reverse("accounts:two_factor_staff")).text
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


# --- no secret or code in logs or the audit trail --------------------------------------------------------------------

def test_no_secret_or_code_reaches_the_log_or_the_audit_trail(client, caseworker, caplog, clock):
    caplog.set_level(logging.DEBUG)
    log_in(client, caseworker)
    client.get(reverse("accounts:two_factor_enrol"))
    device = TOTPDevice.objects.get(user=caseworker)
    wrong, right = wrong_code_for(device), code_for(device)
    client.post(reverse("accounts:two_factor_enrol"), {"code": wrong})
    clock.shift(dt.timedelta(seconds=2))
    client.post(reverse("accounts:two_factor_enrol"), {"code": right})

    secrets = {device.key, b32encode(device.bin_key).decode().rstrip("="), wrong, right}
    trail = json.dumps([[e.detail, e.path, e.screen, e.object_id] for e in AuditEntry.objects.all()])
    assert "two_factor" in trail and "Two-factor code wrong" in caplog.text
    for secret in secrets:
        assert secret not in caplog.text
        assert secret not in trail


def test_an_unknown_mode_is_a_configuration_error(settings):
    from django.core.exceptions import ImproperlyConfigured

    from meedoen.accounts.checks import staff_two_factor_mode

    settings.STAFF_TWO_FACTOR = "sometimes"
    with pytest.raises(ImproperlyConfigured):
        two_factor.mode()
    assert [e.id for e in staff_two_factor_mode(None)] == ["meedoen.accounts.E001"]
