"""Campaign pages list only the people the user may see now (security audit): a resident who moved to another team
disappears from the campaign's people, its e-mail/sms list and its slots for the old team, and is only counted."""
import pytest
from django.urls import reverse

from meedoen.outreach import services
from meedoen.outreach.models import Appointment, SentMessage
from meedoen.residents.services import assign_caseworker
from meedoen.tests.factories import ResidentFactory

from .helpers import add_slots, make_campaign, token_from_letter

pytestmark = pytest.mark.django_db


@pytest.fixture
def moved_campaign(clock, caseworker, outside_caseworker, municipality, neighbourhood, resident, venue):
    """A sent campaign of Team Zuid with two booked residents; one of them then moved to Team Noord."""
    mover = ResidentFactory(municipality=municipality, neighbourhood=neighbourhood, first_name="Verhuisde",
                            last_name="Vandermeulen", email="verhuisd@example.org")
    assign_caseworker(mover, caseworker, actor=caseworker)
    for person in (resident, mover):
        person.email = person.email or "inwoner@example.org"
        person.save(update_fields=["email"])
        services.set_contact_preference(person, actor=caseworker, email_consent=True, sms_consent=False,
                                        reminders_paused=False)
    campaign = make_campaign(caseworker, [resident, mover])
    add_slots(caseworker, campaign, venue, day=7, count=3, capacity=2)
    services.send_campaign(campaign, caseworker)
    slot = campaign.slots.order_by("starts_at").first()
    for person in (resident, mover):
        services.book_by_token(token_from_letter(person), slot.pk)
    assert SentMessage.objects.filter(campaign=campaign, resident=mover).exists()
    assign_caseworker(mover, outside_caseworker, actor=outside_caseworker, reason="Verhuisd naar Noord")
    return campaign, mover


@pytest.mark.parametrize("viewer", ["caseworker", "team_lead"])
def test_a_resident_moved_to_another_team_disappears_from_the_campaign_pages(client, request, moved_campaign,
                                                                            resident, viewer):
    campaign, mover = moved_campaign
    client.force_login(request.getfixturevalue(viewer))
    detail = client.get(reverse("outreach:campaign", args=[campaign.pk]))
    assert detail.status_code == 200
    assert resident.full_name in detail.text
    assert mover.last_name not in detail.text and mover.email not in detail.text
    assert "En 1 inwoner die u niet kunt zien" in detail.text
    slots = client.get(reverse("outreach:slots", args=[campaign.pk]))
    assert slots.status_code == 200
    assert resident.full_name in slots.text and mover.last_name not in slots.text
    assert "1 afspraak met een inwoner die u niet kunt zien" in slots.text


def test_the_new_team_sees_the_moved_resident_only_through_its_own_campaigns(client, moved_campaign,
                                                                           outside_caseworker):
    campaign, mover = moved_campaign
    client.force_login(outside_caseworker)
    assert client.get(reverse("outreach:campaign", args=[campaign.pk])).status_code == 403


def test_a_slot_with_only_hidden_appointments_offers_no_delete_button(client, moved_campaign, caseworker,
                                                                    resident):
    campaign, mover = moved_campaign
    Appointment.objects.filter(resident=resident).update(status=Appointment.Status.WITHDRAWN)
    client.force_login(caseworker)
    page = client.get(reverse("outreach:slots", args=[campaign.pk]))
    slot = campaign.slots.order_by("starts_at").first()
    assert reverse("outreach:slot_delete", args=[slot.pk]) not in page.text
    assert mover.last_name not in page.text
