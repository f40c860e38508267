"""Outreach screens: access by role and relation (403 and audited), the campaign flow through the browser's forms,
Dutch errors, and query counts that do not grow with the number of people in a campaign."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meedoen.accounts.models import Role
from meedoen.audit.models import AuditEntry
from meedoen.outreach import services
from meedoen.outreach.models import Appointment, Campaign, ContactPreference, Outreach, Slot
from meedoen.residents.services import assign_caseworker
from meedoen.tests.factories import ResidentFactory, UserFactory

from .helpers import add_slots, at, make_campaign, outreach_of, token_from_letter

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_campaign(clock, caseworker, resident, venue):
    campaign = make_campaign(caseworker, [resident])
    add_slots(caseworker, campaign, venue, day=7, count=3)
    services.send_campaign(campaign, caseworker)
    return campaign


def test_caseworker_makes_a_campaign_adds_slots_and_sends_it(client, clock, caseworker, resident, venue,
                                                            neighbourhood):
    client.force_login(caseworker)
    assert client.get(reverse("outreach:campaigns")).status_code == 200
    form = {"name": "Feijenoord voorjaar", "appointment_kind": "intake", "neighbourhood": neighbourhood.pk,
            "segment": "", "last_contact_before": "", "invitation_valid_days": 14}
    preview = client.post(reverse("outreach:campaign_create"), {**form, "preview": "1"})
    assert preview.status_code == 200 and resident.full_name in preview.text
    assert "1 persoon in de selectie" in preview.text
    created = client.post(reverse("outreach:campaign_create"),
                          {**form, "create": "1", "residents": [str(resident.public_id)]})
    campaign = Campaign.objects.get()
    assert created.status_code == 302 and created["Location"] == reverse("outreach:slots", args=[campaign.pk])
    assert campaign.team == caseworker.team and campaign.outreaches.get().resident == resident
    assert AuditEntry.objects.filter(action="create", object_type="outreach.Campaign").exists()

    slot_form = {"venue": venue.pk, "caseworker": caseworker.pk, "date": "2026-03-09", "start_time": "10:00",
                 "minutes": 30, "capacity": 2, "count": 3}
    assert client.post(reverse("outreach:slots", args=[campaign.pk]), slot_form).status_code == 302
    assert Slot.objects.filter(campaign=campaign).count() == 3
    past = client.post(reverse("outreach:slots", args=[campaign.pk]), {**slot_form, "date": "2026-02-20"})
    assert past.status_code == 200 and "kan niet in het verleden liggen" in past.text
    double = client.post(reverse("outreach:slots", args=[campaign.pk]), {**slot_form, "start_time": "10:15",
                                                                        "count": 1})
    assert "al een tijdslot" in double.text and Slot.objects.count() == 3

    sent = client.post(reverse("outreach:campaign_send", args=[campaign.pk]))
    assert sent.status_code == 302
    detail = client.get(reverse("outreach:campaign", args=[campaign.pk]))
    assert detail.status_code == 200 and "Uitgenodigd" in detail.text
    assert outreach_of(campaign, resident).status == Outreach.Status.INVITED


def test_sending_without_slots_shows_a_dutch_error(client, clock, caseworker, resident):
    campaign = make_campaign(caseworker, [resident])
    client.force_login(caseworker)
    response = client.post(reverse("outreach:campaign_send", args=[campaign.pk]), follow=True)
    assert "Maak eerst tijdsloten" in response.text
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT


def test_team_lead_sees_the_teams_campaigns_and_another_team_gets_403_and_is_audited(client, sent_campaign,
                                                                                     team_lead, outside_caseworker,
                                                                                     resident):
    client.force_login(team_lead)
    assert sent_campaign.name in client.get(reverse("outreach:campaigns")).text
    assert client.get(reverse("outreach:campaign", args=[sent_campaign.pk])).status_code == 200
    client.force_login(outside_caseworker)
    assert sent_campaign.name not in client.get(reverse("outreach:campaigns")).text
    assert client.get(reverse("outreach:campaign", args=[sent_campaign.pk])).status_code == 403
    outreach = outreach_of(sent_campaign, resident)
    assert client.get(reverse("outreach:outreach", args=[outreach.pk])).status_code == 403
    assert AuditEntry.objects.filter(action="denied", actor=outside_caseworker, resident_id=resident.pk).exists()
    assert client.get(reverse("outreach:outreach", args=[999999])).status_code == 404


@pytest.mark.parametrize("role", [Role.ANALYST, Role.PROVIDER_STAFF, Role.RESIDENT, Role.NEIGHBOURHOOD_WORKER])
def test_roles_without_outreach_work_get_403(client, sent_campaign, municipality, team, role):
    client.force_login(UserFactory(municipality=municipality, team=team, role=role))
    assert client.get(reverse("outreach:campaigns")).status_code == 403
    assert client.get(reverse("outreach:campaign", args=[sent_campaign.pk])).status_code == 403
    assert AuditEntry.objects.filter(action="denied").exists()


def test_anonymous_staff_pages_redirect_to_login(client, sent_campaign):
    response = client.get(reverse("outreach:campaign", args=[sent_campaign.pk]))
    assert response.status_code == 302 and "/account/" in response["Location"]


def test_attendance_screen_records_a_no_show_and_the_ladder_moves(client, clock, sent_campaign, caseworker, resident,
                                                                 venue):
    add_slots(caseworker, sent_campaign, venue, day=20, count=2)
    appointment = services.book_by_token(token_from_letter(resident), sent_campaign.slots.first().pk)
    client.force_login(caseworker)
    url = reverse("outreach:attendance", args=[appointment.pk])
    early = client.post(url, {"status": "no_show"})
    assert early.status_code == 200 and "nog niet begonnen" in early.text
    clock.move_to(at(7, 12))
    client.force_login(caseworker)  # a staff session lasts 8 hours
    assert client.get(url).status_code == 200
    assert client.post(url, {"status": "no_show"}).status_code == 302
    outreach = outreach_of(sent_campaign, resident)
    assert outreach.position == 2 and outreach.status == Outreach.Status.PLANNED  # registered letter + convocation
    page = client.get(reverse("outreach:outreach", args=[outreach.pk]))
    assert "Aangetekende brief met oproep" in page.text and "stap 2 van 4" in page.text
    assert AuditEntry.objects.filter(action="update", resident_id=resident.pk,
                                     screen="outreach:attendance").exists()


def test_outreach_page_actions_show_dutch_errors(client, clock, sent_campaign, caseworker, resident):
    client.force_login(caseworker)
    outreach = outreach_of(sent_campaign, resident)
    response = client.post(reverse("outreach:close", args=[outreach.pk]), {"reason": "x"})
    assert response.status_code == 400 and "Geef een reden" in response.text
    response = client.post(reverse("outreach:home_visit", args=[outreach.pk]), {"met": "no"})
    assert response.status_code == 400 and "geen huisbezoek open" in response.text
    ok = client.post(reverse("outreach:convoke", args=[outreach.pk]), {"slot": sent_campaign.slots.first().pk})
    assert ok.status_code == 302
    assert Appointment.objects.get().how == Appointment.How.CONVOCATION


def test_contact_preferences_screen(client, clock, caseworker, resident, outside_caseworker):
    client.force_login(caseworker)
    url = reverse("outreach:preferences", args=[resident.public_id])
    assert client.get(url).status_code == 200
    refused = client.post(url, {"email_consent": "on"})
    assert "geen e-mailadres" in refused.text
    resident.email = "f@example.nl"
    resident.save()
    assert client.post(url, {"email_consent": "on", "reminders_paused": "on", "pause_reason": "Opname"}
                       ).status_code == 302
    pref = ContactPreference.objects.get(resident=resident)
    assert pref.email_consent and pref.reminders_paused and pref.pause_reason == "Opname"
    client.force_login(outside_caseworker)
    assert client.get(url).status_code == 403


def test_dossier_partial_lists_invitations_and_appointments(rf, clock, sent_campaign, caseworker, resident):
    from django.template import Context, Template

    services.book_by_token(token_from_letter(resident), sent_campaign.slots.first().pk)
    html = Template("{% load outreach %}{% resident_outreach resident %}").render(
        Context({"resident": resident, "user": caseworker}))
    assert "Uitnodigingen en afspraken" in html and sent_campaign.name in html
    assert "Gepland" in html and "zelf geboekt" in html.lower()


@pytest.mark.parametrize("url_name", ["campaign", "slots"])
def test_campaign_pages_do_not_grow_in_queries_with_more_people(client, clock, caseworker, municipality,
                                                               neighbourhood, venue, url_name, monkeypatch):
    monkeypatch.setattr("meedoen.letters.pdf.render", lambda html: (b"%PDF-1.7", 1))  # speed: the page is the point
    def build(n):
        people = [ResidentFactory(municipality=municipality, neighbourhood=neighbourhood) for _ in range(n)]
        for person in people:
            assign_caseworker(person, caseworker, actor=caseworker)
        campaign = make_campaign(caseworker, people, name=f"Campagne {n}")
        slots = services.add_slots(caseworker, campaign, caseworker=caseworker, starts_at=at(3 + n, 10), minutes=10,
                                   capacity=n, venue=venue, count=2)
        services.send_campaign(campaign, caseworker)
        for person in people[: n // 2 + 1]:
            services.book_by_token(token_from_letter(person), slots[0].pk)
        return campaign

    client.force_login(caseworker)
    counts = []
    for n in (1, 10, 50):
        campaign = build(n)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(f"outreach:{url_name}", args=[campaign.pk])).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] == counts[2], counts
