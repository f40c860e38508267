"""Causes 5 and 6 of the security audit on "partner news read": a next that is no URL (500 in redirect()) and an
event id beyond 64 bits (OverflowError on SQLite, DataError on PostgreSQL)."""
import pytest
from django.urls import reverse

from meedoen.referrals import services
from meedoen.referrals.models import ReferralEvent

pytestmark = pytest.mark.django_db

MESSAGE = "Dit nummer bestaat niet. Open de pagina opnieuw via een link in Meedoen."


@pytest.mark.parametrize("event", ["99999999999999999999999", "-1", "0", "abc", "", "NaN"])
def test_an_event_id_that_cannot_exist_is_a_400_and_nothing_is_marked_read(caseworker_client, referral, provider_user,
                                                                            event):
    services.accept(referral, actor=provider_user, version=1)
    response = caseworker_client.post(reverse("referrals:news_seen"), {"event": event})
    assert response.status_code == 400 and MESSAGE in response.text
    # Before, a bad id was dropped, and with none left every event was marked read.
    assert ReferralEvent.objects.filter(seen_by_caseworker_at__isnull=True).exists()


@pytest.mark.parametrize("target", ["abc", "0001-01", "99999999999999999999999", "//example.com/", "https://x.nl/"])
def test_a_next_that_is_not_a_path_on_this_site_goes_to_the_worklist(caseworker_client, referral, provider_user,
                                                                      target):
    services.accept(referral, actor=provider_user, version=1)
    response = caseworker_client.post(reverse("referrals:news_seen"), {"next": target})
    assert response.status_code == 302 and response.url == reverse("guidance:worklist")
    assert not ReferralEvent.objects.filter(seen_by_caseworker_at__isnull=True).exists()


def test_a_next_on_this_site_is_followed(caseworker_client, referral, provider_user):
    services.accept(referral, actor=provider_user, version=1)
    response = caseworker_client.post(reverse("referrals:news_seen"), {"next": "/begeleiding/werklijst/?signaal=x"})
    assert response.url == "/begeleiding/werklijst/?signaal=x"


def test_a_suggestion_id_beyond_64_bits_in_the_link_is_a_400(caseworker_client, resident):
    response = caseworker_client.get(reverse("referrals:new", args=[resident.public_id]),
                                     {"suggestie": "99999999999999999999999"})
    assert response.status_code == 400 and MESSAGE in response.text
