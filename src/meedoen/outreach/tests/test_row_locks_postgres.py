"""Residents booking the same slot at once (outreach.services.book_by_token): on PostgreSQL the second booking waits
for the first one's lock on the slot row; no place is counted twice and nobody gets a place that is not there.

(test_booking.py's race runs on SQLite too, where a second writer may simply get "database is locked"; these prove
the lock itself.)"""
import pytest
from django.core.exceptions import ValidationError

from meedoen.outreach import services
from meedoen.outreach.models import Appointment, Slot
from meedoen.residents.services import assign_caseworker
from meedoen.tests import concurrency
from meedoen.tests.factories import ResidentFactory

from .helpers import add_slots, make_campaign, token_from_letter

pytestmark = [pytest.mark.postgres_row_locks, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_invited(clock, caseworker, resident, venue, neighbourhood):
    other = ResidentFactory(municipality=resident.municipality, neighbourhood=neighbourhood)
    assign_caseworker(other, caseworker, actor=caseworker)
    campaign = make_campaign(caseworker, [resident, other])

    def slot_and_tokens(capacity):
        slot = add_slots(caseworker, campaign, venue, day=7, count=1, capacity=capacity)[0]
        services.send_campaign(campaign, caseworker)
        return slot, token_from_letter(resident), token_from_letter(other)

    return slot_and_tokens


def race(slot, first_token, second_token):
    first = concurrency.start(lambda: services.book_by_token(first_token, slot.pk), hold=True)
    assert first.worked.wait(concurrency.WAIT_SECONDS) and first.error is None, first.error
    second = concurrency.start(lambda: services.book_by_token(second_token, slot.pk))
    try:
        assert concurrency.blocked_by(second, first), "the second booking did not wait for the first one's lock"
        assert not second.worked.is_set()
    finally:
        first.finish()
        second.finish()
    return first, second


def test_the_last_place_goes_to_the_first_and_the_second_waits_then_hears_it_is_full(two_invited):
    slot, first_token, second_token = two_invited(capacity=1)
    _first, second = race(slot, first_token, second_token)
    assert isinstance(second.error, ValidationError) and second.error.code == "full"
    assert Slot.objects.get(pk=slot.pk).booked_count == 1
    assert Appointment.objects.filter(slot=slot).count() == 1


def test_two_places_two_bookings_at_once_both_counted(two_invited):
    slot, first_token, second_token = two_invited(capacity=2)
    _first, second = race(slot, first_token, second_token)
    assert second.error is None
    assert Slot.objects.get(pk=slot.pk).booked_count == 2  # no increment lost
    assert Appointment.objects.filter(slot=slot).count() == 2
