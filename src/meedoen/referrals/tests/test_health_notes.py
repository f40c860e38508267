"""Free text a partner reads (the warm handover, the consent note, the caseworker's withdraw reason, closing note and
yearly-check answer) carries no health information unless the resident consented to share health (security audit)."""
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meedoen.referrals import services
from meedoen.referrals.models import Referral

from .test_views import referral_payload

pytestmark = pytest.mark.django_db

HEALTH_NOTE = "Fatima wil graag koken voor de buurt. Heeft een burn-out gehad en is in therapie."


def test_a_handover_with_health_words_is_refused_without_consent_and_the_form_keeps_the_text(
        caseworker_client, resident, provider, activity):
    response = caseworker_client.post(reverse("referrals:new", args=[resident.public_id]),
                                      referral_payload(provider, activity, handover_note=HEALTH_NOTE))
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors["handover_note"])
    assert "gezondheid" in errors and "“burn-out”" in errors and "“therapie”" in errors
    assert response.context["form"]["handover_note"].value() == HEALTH_NOTE
    assert Referral.objects.count() == 0


def test_with_consent_to_share_health_the_handover_goes_to_the_partner(caseworker_client, resident, provider,
                                                                      activity):
    response = caseworker_client.post(reverse("referrals:new", args=[resident.public_id]),
                                      referral_payload(provider, activity, handover_note=HEALTH_NOTE,
                                                       consent_share_health="on"))
    assert response.status_code == 302
    assert Referral.objects.get().consent_share_health


def test_the_consent_note_is_checked_too(caseworker_client, resident, provider, activity):
    response = caseworker_client.post(reverse("referrals:new", args=[resident.public_id]),
                                      referral_payload(provider, activity, consent_note="Mondeling; de psychiater weet het"))
    assert response.status_code == 400 and "consent_note" in response.context["form"].errors


def test_the_caseworkers_withdraw_reason_is_checked_against_the_referrals_consent(caseworker_client, referral):
    assert not referral.consent_share_health
    url = reverse("referrals:action", args=[referral.pk, "withdraw"])
    refused = caseworker_client.post(url, {"withdraw-version": 1, "withdraw-reason": "Opgenomen in het ziekenhuis"})
    assert refused.status_code == 400 and "In de tekst staat iets over gezondheid" in refused.content.decode()
    assert Referral.objects.get(pk=referral.pk).status == "sent"
    assert caseworker_client.post(url, {"withdraw-version": 1, "withdraw-reason": "Verhuisd"}).status_code == 302


def test_a_yearly_check_answer_by_the_caseworker_is_checked(referral, caseworker, provider_user):
    services.accept(referral, actor=provider_user, version=1)
    referral.refresh_from_db()
    services.place(referral, actor=provider_user, version=referral.version)
    referral.refresh_from_db()
    services.complete(referral, actor=caseworker, version=referral.version, note="Ging goed.")
    check = referral.checks.get()
    with pytest.raises(ValidationError) as refused:
        services.answer_check(check, actor=caseworker, still_active=False, note="Gestopt wegens diabetes")
    assert "note" in refused.value.message_dict
