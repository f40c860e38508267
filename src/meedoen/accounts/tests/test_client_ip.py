"""The login lockout and the audit trail key on the client's address behind trusted reverse proxies
(MEEDOEN_TRUSTED_PROXY_COUNT), never on a header a client can forge (security audit)."""
import pytest
from django.test import RequestFactory
from django.urls import reverse

from meedoen.accounts.client_ip import client_ip
from meedoen.audit.models import AuditEntry

pytestmark = pytest.mark.django_db
PASSWORD = "demo-wachtwoord-123"
PROXY = "10.0.0.1"


def login(client, user, password, forwarded_for=None):
    extra = {"REMOTE_ADDR": PROXY}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(reverse("accounts:login"), {"username": user.username, "password": password}, **extra)


@pytest.mark.parametrize("count, meta, expected", [
    (0, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.5"}, PROXY),
    (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.5"}, "203.0.113.5"),
    (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.5"}, "203.0.113.5"),  # forged prefix
    (2, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.5, 10.0.0.2"}, "203.0.113.5"),
    (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.5:51234"}, "203.0.113.5"),
    (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "[2001:db8::7]:443"}, "2001:db8::7"),
    (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "niet-een-adres"}, PROXY),
    (2, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.5"}, PROXY),  # did not pass both proxies
    (1, {"REMOTE_ADDR": PROXY}, PROXY),
])
def test_client_ip_takes_the_address_the_nearest_trusted_proxy_saw(settings, count, meta, expected):
    settings.MEEDOEN_TRUSTED_PROXY_COUNT = count
    assert client_ip(RequestFactory().get("/", **meta)) == expected


def test_behind_one_proxy_a_locked_client_does_not_lock_out_another(client, caseworker, settings):
    settings.MEEDOEN_TRUSTED_PROXY_COUNT = 1
    caseworker.set_password(PASSWORD)
    caseworker.save()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, caseworker, "fout", forwarded_for="203.0.113.5")
    assert login(client, caseworker, PASSWORD, forwarded_for="203.0.113.5").status_code == 429
    # A forged address in front of the proxy's entry does not get the same client out of the lockout.
    assert login(client, caseworker, PASSWORD, forwarded_for="1.2.3.4, 203.0.113.5").status_code == 429
    client.cookies.clear()
    colleague = login(client, caseworker, PASSWORD, forwarded_for="198.51.100.7")
    assert colleague.status_code == 302  # same proxy, another client: not locked


def test_without_trusted_proxies_a_spoofed_forwarded_for_is_ignored(client, caseworker, settings):
    settings.MEEDOEN_TRUSTED_PROXY_COUNT = 0
    caseworker.set_password(PASSWORD)
    caseworker.save()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        login(client, caseworker, "fout", forwarded_for=f"192.0.2.{attempt + 1}")
    assert login(client, caseworker, PASSWORD, forwarded_for="192.0.2.200").status_code == 429


def test_the_audit_trail_records_the_same_client_address(client, caseworker, resident, settings):
    settings.MEEDOEN_TRUSTED_PROXY_COUNT = 1
    client.force_login(caseworker)
    client.get(reverse("residents:dossier", args=[resident.public_id]), REMOTE_ADDR=PROXY,
               HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    assert AuditEntry.objects.filter(resident_id=resident.pk, action="view").latest("id").ip_address == "203.0.113.5"
    settings.MEEDOEN_TRUSTED_PROXY_COUNT = 0
    client.get(reverse("residents:dossier", args=[resident.public_id]), REMOTE_ADDR=PROXY,
               HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert AuditEntry.objects.filter(resident_id=resident.pk, action="view").latest("id").ip_address == PROXY
