"""The provider portal: a provider user sees only referrals to the own organisation and only what the provider needs
(never the BSN or the address; health and debts only with consent); another provider's referral, cohort or check,
and any resident's dossier, is refused with 403 and audited; the steps of the loop work with clear errors and
optimistic locking."""
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meedoen.audit.models import AuditEntry
from meedoen.referrals import services
from meedoen.referrals.models import ActivityCheck, Cohort, Referral
from meedoen.residents.models import Resident

from .conftest import backdate

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner_client(client, provider_user):
    client.force_login(provider_user)
    return client


def denied(user, **filters):
    return AuditEntry.objects.filter(action="denied", actor=user, **filters)


# -- isolation --------------------------------------------------------------------------------------------------------


def test_provider_sees_only_referrals_to_the_own_organisation(partner_client, referral, other_referral):
    response = partner_client.get(reverse("partner:home"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Fatima Jansen" in body and "Kees Bakker" not in body
    entry = AuditEntry.objects.filter(action="view", detail__part="partner referrals").get()
    assert entry.detail["referrals"] == [referral.pk]


def test_provider_user_cannot_see_another_providers_referral_403_and_audited(partner_client, provider_user,
                                                                            other_referral):
    response = partner_client.get(reverse("partner:detail", args=[other_referral.pk]))
    assert response.status_code == 403
    assert "Kees" not in response.content.decode()
    assert denied(provider_user, resident_id=other_referral.resident_id).exists()


@pytest.mark.parametrize("action", ["accept", "place", "return", "report"])
def test_provider_user_cannot_act_on_another_providers_referral(partner_client, provider_user, other_referral,
                                                                action):
    response = partner_client.post(reverse("partner:action", args=[other_referral.pk, action]),
                                   {f"{action}-version": 1})
    assert response.status_code == 403
    assert Referral.objects.get(pk=other_referral.pk).status == "sent"
    assert denied(provider_user, resident_id=other_referral.resident_id).exists()


@pytest.mark.parametrize("url_name", ["residents:dossier", "residents:timeline", "guidance:resident",
                                      "guidance:handover", "offer:resident", "referrals:resident"])
def test_provider_user_cannot_open_any_resident_dossier_even_one_referred_to_them(partner_client, provider_user,
                                                                                 referral, url_name):
    response = partner_client.get(reverse(url_name, args=[referral.resident.public_id]))
    assert response.status_code == 403
    assert denied(provider_user, resident_id=referral.resident_id).exists()


def test_provider_user_cannot_open_a_resident_not_referred_to_them(partner_client, provider_user, other_referral):
    response = partner_client.get(reverse("residents:dossier", args=[other_referral.resident.public_id]))
    assert response.status_code == 403
    assert denied(provider_user, resident_id=other_referral.resident_id).exists()


def test_other_providers_cohort_and_check_are_403_and_audited(partner_client, provider_user, other_provider,
                                                             other_provider_user, other_referral):
    theirs = services.create_cohort(other_provider, actor=other_provider_user, name="Hun groep",
                                    starts_on=timezone.localdate())
    assert partner_client.get(reverse("partner:cohort", args=[theirs.pk])).status_code == 403
    assert denied(provider_user, object_type="referrals.Cohort", object_id=str(theirs.pk)).exists()
    check = ActivityCheck.objects.create(referral=other_referral, due_on=timezone.localdate())
    response = partner_client.post(reverse("partner:check", args=[check.pk]), {f"check-{check.pk}-still_active": "ja"})
    assert response.status_code == 403
    assert ActivityCheck.objects.get(pk=check.pk).checked_on is None
    assert denied(provider_user, resident_id=other_referral.resident_id).exists()


@pytest.mark.parametrize("role_fixture", ["caseworker", "team_lead"])
def test_staff_who_are_not_provider_staff_cannot_open_the_portal(client, request, role_fixture):
    user = request.getfixturevalue(role_fixture)
    client.force_login(user)
    assert client.get(reverse("partner:home")).status_code == 403
    assert denied(user, detail__part="provider portal").exists()


def test_provider_staff_start_in_the_portal(partner_client):
    response = partner_client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("partner:home")


# -- what the provider sees -------------------------------------------------------------------------------------------


def test_the_provider_never_sees_bsn_address_or_assessment(partner_client, referral):
    resident = referral.resident
    Resident.objects.filter(pk=resident.pk).update(segment="kansarm", mental_health="severe", debts="problematic",
                                                   barrier_notes="Vertrouwelijke toelichting")
    for url in (reverse("partner:home"), reverse("partner:detail", args=[referral.pk])):
        body = partner_client.get(url).content.decode()
        assert resident.bsn not in body
        assert resident.street not in body and resident.postcode not in body
        assert "Kansarm" not in body and "Vertrouwelijke toelichting" not in body
        assert "Ernstige beperkingen" not in body and "Problematische schulden" not in body
    assert str(resident.public_id) not in partner_client.get(reverse("partner:detail", args=[referral.pk])).content.decode()


def test_health_and_debts_show_only_with_consent(partner_client, resident, provider, make_referral):
    Resident.objects.filter(pk=resident.pk).update(mental_health="severe", debts="problematic")
    referral = make_referral(resident, provider, consent_share_debts=True)
    body = partner_client.get(reverse("partner:detail", args=[referral.pk])).content.decode()
    assert "Problematische schulden" in body
    assert "Ernstige beperkingen" not in body


def test_every_read_of_a_referral_is_audited(partner_client, provider_user, referral):
    partner_client.get(reverse("partner:detail", args=[referral.pk]))
    assert AuditEntry.objects.filter(action="view", actor=provider_user, resident_id=referral.resident_id,
                                     object_type="referrals.Referral").exists()


# -- the steps --------------------------------------------------------------------------------------------------------


def post(client, referral, action, **data):
    return client.post(reverse("partner:action", args=[referral.pk, action]),
                       {f"{action}-{k}": v for k, v in data.items()})


def test_the_provider_accepts_plans_an_intake_and_places(partner_client, referral, provider_user):
    assert post(partner_client, referral, "accept", version=1, note="").status_code == 302
    past = (timezone.localtime() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = post(partner_client, referral, "plan_intake", version=2, intake_at=past)
    assert response.status_code == 400 and "verleden" in response.content.decode()
    future = (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    assert post(partner_client, referral, "plan_intake", version=2, intake_at=future).status_code == 302
    today = timezone.localdate().isoformat()
    assert post(partner_client, referral, "place", version=3, placed_on=today, hours_per_week="8").status_code == 302
    placed = Referral.objects.get(pk=referral.pk)
    assert placed.status == "placed" and placed.hours_per_week == 8
    assert AuditEntry.objects.filter(action="update", actor=provider_user, object_id=str(referral.pk)).count() == 3


def test_return_without_advice_is_refused_with_a_clear_error(partner_client, referral):
    response = post(partner_client, referral, "return", version=1, advice="")
    assert response.status_code == 400
    assert "Schrijf uw advies op" in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).status == "sent"


def test_a_stale_version_in_the_portal_changes_nothing(partner_client, referral, provider_user):
    services.accept(referral, actor=provider_user, version=1)
    response = post(partner_client, referral, "decline", version=1, reason="Vol")
    assert response.status_code == 302  # back to the referral, with the message
    assert Referral.objects.get(pk=referral.pk).status == "accepted"
    assert AuditEntry.objects.filter(action="conflict", actor=provider_user).exists()
    page = partner_client.get(response["Location"]).content.decode()
    assert "intussen gewijzigd" in page


def test_report_and_complete(partner_client, referral, provider_user):
    backdate(referral, 200)
    services.place(referral, actor=provider_user, version=1, placed_on=timezone.localdate() - dt.timedelta(days=180))
    assert post(partner_client, referral, "report", version=2, progress="going_well", text="Gaat goed",
                hours_per_week="").status_code == 302
    assert post(partner_client, referral, "complete", version=3, ended_on=timezone.localdate().isoformat(),
                note="").status_code == 302
    assert ActivityCheck.objects.filter(referral=referral).exists()


def test_cohort_management(partner_client, referral, provider):
    start = timezone.localdate() + dt.timedelta(days=7)
    response = partner_client.post(reverse("partner:cohorts"), {"name": "Groep juli", "starts_on": start.isoformat(),
                                                                "size": ""})
    cohort = Cohort.objects.get()
    assert response.status_code == 302 and cohort.size == 15 and len(cohort.meetings) == 3
    assert post(partner_client, referral, "add_to_cohort", version=1, cohort=cohort.pk).status_code == 302
    page = partner_client.get(reverse("partner:cohort", args=[cohort.pk])).content.decode()
    assert "Fatima Jansen" in page and "1 van 15" in page
    bad = partner_client.post(reverse("partner:cohorts"), {"name": "", "starts_on": "2020-01-01"})
    assert bad.status_code == 400 and Cohort.objects.count() == 1


def test_the_yearly_check_in_the_portal(partner_client, referral, provider_user):
    check = ActivityCheck.objects.create(referral=referral, due_on=timezone.localdate())
    page = partner_client.get(reverse("partner:checks")).content.decode()
    assert "Fatima Jansen" in page
    response = partner_client.post(reverse("partner:check", args=[check.pk]), {f"check-{check.pk}-still_active": ""})
    assert response.status_code == 400 and "Kies of de inwoner nog actief is" in response.content.decode()
    partner_client.post(reverse("partner:check", args=[check.pk]), {f"check-{check.pk}-still_active": "ja"})
    assert ActivityCheck.objects.get(pk=check.pk).still_active is True


def test_the_bsn_is_not_even_loaded_for_a_provider(provider_user, referral):
    from meedoen.referrals import queries

    loaded = queries.provider_referrals(provider_user).get(pk=referral.pk)
    assert {"bsn", "street", "postcode", "segment", "barrier_notes"} <= loaded.resident.get_deferred_fields()
