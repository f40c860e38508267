"""Caseworker screens of the referral loop: access (403 + audit), the suggestions screen with the real matching,
the referral form (errors next to the field, nothing saved), warm referral from a "can't" task, the worklist showing
placements, returns and the partners' news."""
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meedoen.audit.models import AuditEntry
from meedoen.guidance import services as guidance_services
from meedoen.guidance.models import Task
from meedoen.referrals import services
from meedoen.referrals.models import Referral, ReferralEvent, Suggestion
from meedoen.residents.models import Resident

from .conftest import backdate
from .factories import ProviderFactory

pytestmark = pytest.mark.django_db


def referral_payload(provider, activity=None, **overrides):
    data = {"provider": provider.pk, "activity": activity.pk if activity else "", "hours_per_week": "",
            "handover_note": "Fatima wil graag koken voor de buurt.", "consent_given": "on",
            "consent_share_health": "", "consent_share_debts": "", "consent_note": "mondeling", "allow_full": "",
            "suggestion": "", "task": ""}
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


# -- access -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["resident", "suggestions", "new"])
def test_caseworker_outside_the_team_gets_403_and_is_audited(client, resident, outside_caseworker, name, activity):
    client.force_login(outside_caseworker)
    response = client.get(reverse(f"referrals:{name}", args=[resident.public_id]))
    assert response.status_code == 403
    assert AuditEntry.objects.filter(action="denied", resident_id=resident.pk, actor=outside_caseworker).exists()


def test_referral_detail_of_a_resident_outside_the_team_is_403_and_audited(client, referral, outside_caseworker):
    client.force_login(outside_caseworker)
    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 403
    assert AuditEntry.objects.filter(action="denied", resident_id=referral.resident_id).exists()


def test_provider_staff_cannot_open_the_caseworker_screens(client, referral, provider_user):
    client.force_login(provider_user)
    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 403
    assert client.get(reverse("referrals:new", args=[referral.resident.public_id])).status_code == 403
    assert AuditEntry.objects.filter(action="denied", actor=provider_user, resident_id=referral.resident_id).count() == 2


# -- suggestions ------------------------------------------------------------------------------------------------------


def test_suggestions_show_reasons_and_record_the_choice(caseworker_client, resident, activity, other_activity):
    url = reverse("referrals:suggestions", args=[resident.public_id])
    response = caseworker_client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert activity.title in body and "Waarom dit past" in body
    assert AuditEntry.objects.filter(action="view", resident_id=resident.pk, detail__part="suggestions").exists()

    response = caseworker_client.post(url, {"offered": [activity.pk, other_activity.pk], "chosen": activity.pk})
    chosen = Suggestion.objects.get(resident=resident, chosen=True)
    assert response.status_code == 302
    assert response["Location"].endswith(f"?suggestie={chosen.pk}")
    assert chosen.activity == activity and chosen.reasons
    assert Suggestion.objects.filter(resident=resident).count() == 2

    form = caseworker_client.get(response["Location"])
    assert form.status_code == 200
    assert form.context["form"].initial["activity"] == activity.pk
    assert form.context["form"].initial["provider"] == activity.provider_id
    assert "Fatima" in form.context["form"].initial["handover_note"]


def test_suggestions_without_anything_offered_give_a_clear_error(caseworker_client, resident, activity):
    response = caseworker_client.post(reverse("referrals:suggestions", args=[resident.public_id]), {"chosen": ""})
    assert response.status_code == 400
    assert "Kies minstens één activiteit" in response.content.decode()
    assert Suggestion.objects.count() == 0


# -- the referral form ------------------------------------------------------------------------------------------------


def test_referral_form_sends_the_referral(caseworker_client, resident, provider, activity):
    response = caseworker_client.post(reverse("referrals:new", args=[resident.public_id]),
                                      referral_payload(provider, activity, hours_per_week="6"))
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("referrals:detail", args=[referral.pk])
    assert referral.hours_per_week == 6 and referral.consent_note == "mondeling"
    assert AuditEntry.objects.filter(action="create", resident_id=resident.pk,
                                     object_type="referrals.Referral").exists()


@pytest.mark.parametrize("overrides,field,text", [
    ({"consent_given": ""}, "consent_given", "toestemming"),
    ({"handover_note": ""}, "handover_note", "warme overdracht"),
    ({"hours_per_week": "abc"}, "hours_per_week", "getal"),
])
def test_referral_form_errors_sit_next_to_the_field_and_nothing_is_saved(caseworker_client, resident, provider,
                                                                        activity, overrides, field, text):
    response = caseworker_client.post(reverse("referrals:new", args=[resident.public_id]),
                                      referral_payload(provider, activity, **overrides))
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors[field])
    assert text in errors.lower()
    assert Referral.objects.count() == 0


def test_the_handover_prefill_leaves_out_health_unless_it_is_a_help_service(caseworker_client, resident, provider):
    Resident.objects.filter(pk=resident.pk).update(mental_health="severe", debts="problematic")
    debt = ProviderFactory(municipality=resident.municipality, name="Schuldhulp Zuid", kind="debt_counselling")
    url = reverse("referrals:new", args=[resident.public_id])
    plain = caseworker_client.get(f"{url}?partner={provider.pk}").context["form"].initial
    assert "schulden" not in plain["handover_note"].lower() and "psychisch" not in plain["handover_note"].lower()
    helped = caseworker_client.get(f"{url}?partner={debt.pk}").context["form"].initial
    assert "Problematische schulden" in helped["handover_note"]
    assert helped["consent_share_debts"] is True and helped["consent_share_health"] is False


def test_warm_referral_from_a_cant_task_goes_to_the_debt_counsellor(caseworker_client, resident, caseworker):
    debt = ProviderFactory(municipality=resident.municipality, name="Schuldhulp Zuid", kind="debt_counselling")
    conversation = guidance_services.record_conversation(
        resident, actor=caseworker, held_on=timezone.localdate(), where="office", discussed="Schulden besproken",
        refusal="cant", refused_what="Vrijwilligerswerk", cant_reason="debts")
    task = conversation.task
    assert task.kind == "help_referral"
    page = caseworker_client.get(reverse("guidance:resident", args=[resident.public_id])).content.decode()
    assert reverse("referrals:help_task", args=[task.pk]) in page

    response = caseworker_client.get(reverse("referrals:help_task", args=[task.pk]))
    assert response.status_code == 302 and f"partner={debt.pk}" in response["Location"]
    form = caseworker_client.get(response["Location"]).context["form"]
    assert form.initial["provider"] == debt.pk and form.initial["task"] == task.pk
    caseworker_client.post(reverse("referrals:new", args=[resident.public_id]),
                           referral_payload(debt, consent_share_debts="on", task=task.pk,
                                            handover_note=form.initial["handover_note"]))
    referral = Referral.objects.get(provider=debt)
    assert referral.consent_share_debts
    assert Task.objects.get(pk=task.pk).status == "done"


# -- one referral -----------------------------------------------------------------------------------------------------


def test_detail_shows_the_history_and_marks_the_partners_news_as_seen(caseworker_client, referral, provider_user):
    services.accept(referral, actor=provider_user, version=1, note="We bellen maandag.")
    response = caseworker_client.get(reverse("referrals:detail", args=[referral.pk]))
    assert response.status_code == 200
    assert "We bellen maandag." in response.content.decode()
    assert not ReferralEvent.objects.filter(seen_by_caseworker_at__isnull=True).exists()
    assert AuditEntry.objects.filter(action="view", object_type="referrals.Referral",
                                     object_id=str(referral.pk)).exists()


def test_withdraw_with_a_stale_version_changes_nothing(caseworker_client, referral, provider_user):
    services.accept(referral, actor=provider_user, version=1)
    response = caseworker_client.post(reverse("referrals:action", args=[referral.pk, "withdraw"]),
                                      {"withdraw-version": 1, "withdraw-reason": "Verhuisd"}, follow=True)
    assert "Iemand anders heeft deze doorverwijzing intussen gewijzigd" in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).status == "accepted"
    assert AuditEntry.objects.filter(action="conflict", object_id=str(referral.pk)).exists()


def test_withdraw_needs_a_reason(caseworker_client, referral):
    response = caseworker_client.post(reverse("referrals:action", args=[referral.pk, "withdraw"]),
                                      {"withdraw-version": 1, "withdraw-reason": ""})
    assert response.status_code == 400
    assert "Schrijf op waarom" in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).status == "sent"


def test_the_dossier_tab_lists_referrals_and_suggestions(caseworker_client, referral):
    response = caseworker_client.get(reverse("referrals:resident", args=[referral.resident.public_id]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Vrijwilligerswinkel Zuid" in body and "Verstuurd" in body


# -- the worklist -----------------------------------------------------------------------------------------------------


def test_the_worklist_shows_a_placement_without_contact_and_its_next_contact_date(caseworker_client, referral,
                                                                                 provider_user, resident):
    today = timezone.localdate()
    Resident.objects.filter(pk=resident.pk).update(segment="kansarm", last_contact_on=today - dt.timedelta(days=100))
    backdate(referral, 80)
    services.place(referral, actor=provider_user, version=1, placed_on=today - dt.timedelta(days=50))
    resident.refresh_from_db()
    assert resident.next_contact_on == today - dt.timedelta(days=50 - 42)
    response = caseworker_client.get(reverse("guidance:worklist"))
    body = response.content.decode()
    assert 'id="group-overdue_contact"' in body
    assert "Geplaatst op" in body and "sindsdien geen contact (50 dagen)" in body
    assert "Nieuws van partners" in body  # the placement is news until the caseworker reads it


def test_the_worklist_shows_a_return_by_the_partner(caseworker_client, referral, provider_user, resident):
    Resident.objects.filter(pk=resident.pk).update(last_contact_on=timezone.localdate() - dt.timedelta(days=3))
    services.return_with_advice(referral, actor=provider_user, version=1, advice="Eerst schuldhulp.")
    body = caseworker_client.get(reverse("guidance:worklist")).content.decode()
    assert "Teruggemeld door de partner op" in body
    assert "Eerst schuldhulp." in body  # the partner's news, with the advice


def test_the_partners_news_can_be_marked_as_read(caseworker_client, referral, provider_user):
    services.accept(referral, actor=provider_user, version=1)
    caseworker_client.post(reverse("referrals:news_seen"), {"next": reverse("guidance:worklist")})
    assert not ReferralEvent.objects.filter(seen_by_caseworker_at__isnull=True).exists()
    assert "Nieuws van partners" not in caseworker_client.get(reverse("guidance:worklist")).content.decode()


def test_the_worklist_query_count_does_not_grow_with_referrals(caseworker_client, caseworker, provider,
                                                               provider_user, make_referral, municipality,
                                                               neighbourhood):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from meedoen.residents.services import assign_caseworker
    from meedoen.tests.factories import ResidentFactory

    def add(n):
        for _ in range(n):
            someone = ResidentFactory(municipality=municipality, neighbourhood=neighbourhood)
            assign_caseworker(someone, caseworker, actor=caseworker)
            referral = make_referral(someone, provider)
            services.accept(referral, actor=provider_user, version=1)  # news for the worklist
            services.place(referral, actor=provider_user, version=2)

    caseworker_client.get(reverse("guidance:worklist"))  # warm caches
    counts = []
    for n in (1, 9, 40):
        add(n)
        with CaptureQueriesContext(connection) as queries:
            assert caseworker_client.get(reverse("guidance:worklist")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2], counts


def test_referrals_are_not_in_the_admin(admin_client, referral):
    """Referrals name a resident: only the screens show them (issue 12), not the admin, not even to a superuser."""
    assert admin_client.get("/beheer/referrals/referral/").status_code == 404
    assert admin_client.get(f"/beheer/referrals/referral/{referral.pk}/change/").status_code == 404
