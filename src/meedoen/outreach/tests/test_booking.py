"""Booking through the personal link: the public page (valid, expired, used, unknown), full and past slots, and two
residents racing for the last place."""
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection
from django.urls import reverse

from meedoen.audit.models import AuditEntry
from meedoen.outreach import services
from meedoen.outreach.models import Appointment, BookingLink, Invitation, Slot
from meedoen.residents.services import assign_caseworker
from meedoen.tests.factories import ResidentFactory

from .helpers import add_slots, at, make_campaign, outreach_of, run_night, token_from_letter

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(clock, caseworker, resident, venue):
    campaign = make_campaign(caseworker, [resident])
    add_slots(caseworker, campaign, venue, day=7, count=3)
    services.send_campaign(campaign, caseworker)
    return campaign, token_from_letter(resident)


def book_url(token):
    return reverse("outreach:book", args=[token])


def test_the_token_is_unguessable_and_stored_only_hashed(invited, resident):
    _campaign, token = invited
    assert len(token) == 20 and token.isalnum()
    link = BookingLink.objects.get()
    assert link.token_hash != token and len(link.token_hash) == 64
    assert not BookingLink.objects.filter(token_hash=token).exists()


def test_valid_link_shows_free_slots_and_only_the_first_name(client, invited, resident):
    _campaign, token = invited
    response = client.get(book_url(token))
    assert response.status_code == 200
    html = response.text
    assert f"Hallo {resident.first_name}" in html
    assert resident.last_name not in html and resident.bsn not in html and resident.street not in html
    assert "Huis van de Wijk Feijenoord" in html and "in uw wijk" in html
    assert html.count('type="radio"') == 3
    assert "no-store" in response["Cache-Control"] and response["Referrer-Policy"] == "same-origin"
    assert AuditEntry.objects.filter(resident_id=resident.pk, action="view", screen="outreach:book").exists()


def test_booking_through_the_page_and_the_link_is_then_used(client, invited, resident):
    campaign, token = invited
    slot = campaign.slots.order_by("starts_at")[1]
    response = client.post(book_url(token), {"slot": slot.pk})
    assert response.status_code == 302
    confirmation = client.get(response["Location"])
    assert confirmation.status_code == 200 and "Gelukt" in confirmation.text
    appointment = Appointment.objects.get()
    assert appointment.how == Appointment.How.INVITATION and appointment.slot == slot
    slot.refresh_from_db()
    assert slot.booked_count == 1
    again = client.get(book_url(token))
    assert again.status_code == 410 and "U heeft al een afspraak" in again.text
    assert client.post(book_url(token), {"slot": campaign.slots.first().pk}).status_code == 410
    assert Appointment.objects.count() == 1


def test_expired_link_gets_a_clear_dutch_page(client, clock, invited):
    _campaign, token = invited
    clock.move_to(at(15, 8))
    response = client.get(book_url(token))
    assert response.status_code == 410 and "Deze link is verlopen" in response.text
    with pytest.raises(ValidationError) as error:
        services.book_by_token(token, Slot.objects.first().pk)
    assert error.value.code == "expired"
    assert not Appointment.objects.exists()


def test_unknown_link_gets_a_clear_dutch_page(client, invited):
    response = client.get(book_url("abcdefghjkmnpqrstuvw"))
    assert response.status_code == 404 and "Deze link klopt niet" in response.text


def test_token_typed_with_capitals_and_dashes_still_works(client, invited):
    _campaign, token = invited
    typed = "-".join(token[i:i + 5] for i in range(0, 20, 5)).upper()
    assert client.get(book_url(typed)).status_code == 200


def test_a_full_slot_cannot_be_booked_and_nothing_is_saved(invited, caseworker, resident, venue):
    campaign, token = invited
    slot = campaign.slots.first()
    Slot.objects.filter(pk=slot.pk).update(booked_count=1)  # somebody else took it
    with pytest.raises(ValidationError) as error:
        services.book_by_token(token, slot.pk)
    assert error.value.code == "full" and "vol" in error.value.messages[0]
    assert not Appointment.objects.exists()
    assert Invitation.objects.get().status == Invitation.Status.OPEN
    assert outreach_of(campaign, resident).status == "invited"


def test_the_database_itself_never_lets_a_slot_be_overbooked(invited):
    from django.db import IntegrityError, transaction

    slot = invited[0].slots.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.filter(pk=slot.pk).update(booked_count=slot.capacity + 1)


def test_the_page_shows_the_full_slot_error_in_dutch(client, invited):
    campaign, token = invited
    slot = campaign.slots.first()
    Slot.objects.filter(pk=slot.pk).update(booked_count=1)
    response = client.post(book_url(token), {"slot": slot.pk})
    assert response.status_code == 400 and "Dit tijdstip is vol" in response.text


def test_a_slot_in_the_past_cannot_be_booked(clock, invited):
    campaign, token = invited
    add_slots(campaign.created_by, campaign, campaign.slots.first().venue, day=1, hour=10, count=1)
    early = campaign.slots.order_by("starts_at").first()
    clock.move_to(at(1, 11))
    with pytest.raises(ValidationError) as error:
        services.book_by_token(token, early.pk)
    assert error.value.code == "past"
    assert not Appointment.objects.exists()


def test_a_slot_of_another_campaign_cannot_be_booked(invited, caseworker, resident, venue):
    campaign, token = invited
    neighbour = ResidentFactory(municipality=resident.municipality, neighbourhood=resident.neighbourhood)
    assign_caseworker(neighbour, caseworker, actor=caseworker)
    other = make_campaign(caseworker, [neighbour], name="Ander")
    foreign = add_slots(caseworker, other, venue, day=9, count=1)[0]
    with pytest.raises(ValidationError) as error:
        services.book_by_token(token, foreign.pk)
    assert error.value.code == "invalid_slot"


def test_when_no_slot_is_free_the_page_says_so_and_staff_are_alerted(client, invited):
    campaign, token = invited
    Slot.objects.filter(campaign=campaign).update(booked_count=1)
    response = client.get(book_url(token))
    assert response.status_code == 200 and "geen vrije tijden" in response.text
    campaign.refresh_from_db()
    alerts = [a.text for a in services.campaign_alerts(campaign)]
    assert any("geen vrije plaatsen meer" in text for text in alerts)
    assert any("vond geen vrij tijdstip" in text for text in alerts)


def test_reminder_link_opens_the_same_invitation_and_the_letter_link_keeps_working(client, clock, invited, resident):
    _campaign, token = invited
    clock.move_to(at(3, 2))
    run_night()
    reminder_token = token_from_letter(resident)
    assert reminder_token != token
    assert client.get(book_url(token)).status_code == 200
    assert client.get(book_url(reminder_token)).status_code == 200
    assert Invitation.objects.count() == 1 and BookingLink.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_residents_can_never_both_take_the_last_place(clock, caseworker, resident, venue, neighbourhood):
    other = ResidentFactory(municipality=resident.municipality, neighbourhood=neighbourhood)
    assign_caseworker(other, caseworker, actor=caseworker)
    campaign = make_campaign(caseworker, [resident, other])
    slot = add_slots(caseworker, campaign, venue, day=7, count=1, capacity=1)[0]
    services.send_campaign(campaign, caseworker)
    tokens = [token_from_letter(resident), token_from_letter(other)]
    barrier = threading.Barrier(2)
    results = []

    def attempt(token):
        try:
            barrier.wait(timeout=10)
            services.book_by_token(token, slot.pk)
            results.append("booked")
        except ValidationError as error:
            results.append(error.code)
        except OperationalError:  # SQLite's shared in-memory test database may refuse the second writer outright
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    if connection.vendor == "postgresql":  # a real row lock: the second waits, then finds the slot full
        assert sorted(results) == ["booked", "full"]
    else:
        assert sorted(results) in (["booked", "full"], ["booked", "refused"])
    slot.refresh_from_db()
    assert slot.booked_count == 1
    assert Appointment.objects.count() == 1
    assert Invitation.objects.filter(status=Invitation.Status.BOOKED).count() == 1
