"""Two caseworkers save the same activity at once (offer.services.update_activity): on PostgreSQL the second waits
on the row lock (SELECT … FOR UPDATE) and is then refused by the version check; nothing the first saved is lost."""
import pytest

from meedoen.offer import services
from meedoen.offer.models import Activity
from meedoen.residents.services import ConcurrentEditError
from meedoen.tests import concurrency

from .factories import ActivityFactory, ProviderFactory

pytestmark = [pytest.mark.postgres_row_locks, pytest.mark.django_db(transaction=True)]


def test_the_second_save_waits_for_the_first_and_is_refused_as_stale(municipality):
    activity = ActivityFactory(provider=ProviderFactory(municipality=municipality), title="Buurtkamer", capacity=5)
    version = activity.version  # both screens were opened on this version

    first = concurrency.start(lambda: services.update_activity(activity, {"title": "Buurtkamer Zuid"},
                                                               expected_version=version), hold=True)
    assert first.worked.wait(concurrency.WAIT_SECONDS) and first.error is None
    second = concurrency.start(lambda: services.update_activity(activity, {"capacity": 9},
                                                                expected_version=version))
    try:
        assert concurrency.blocked_by(second, first), "the second save did not wait for the first one's row lock"
        assert not second.worked.is_set()
    finally:
        first.finish()
        second.finish()

    assert isinstance(second.error, ConcurrentEditError)
    stored = Activity.objects.get(pk=activity.pk)
    assert (stored.title, stored.capacity, stored.version) == ("Buurtkamer Zuid", 5, version + 1)


def test_saves_one_after_the_other_both_count(municipality):
    activity = ActivityFactory(provider=ProviderFactory(municipality=municipality), title="Buurtkamer", capacity=5)
    first = concurrency.start(lambda: services.update_activity(activity, {"title": "Buurtkamer Zuid"},
                                                               expected_version=activity.version)).finish()
    assert first.error is None
    fresh = Activity.objects.get(pk=activity.pk)
    second = concurrency.start(lambda: services.update_activity(fresh, {"capacity": 9},
                                                                expected_version=fresh.version)).finish()
    assert second.error is None
    stored = Activity.objects.get(pk=activity.pk)
    assert (stored.title, stored.capacity, stored.version) == ("Buurtkamer Zuid", 9, activity.version + 2)
