"""Two caseworkers save the same dossier at once (residents.services): on PostgreSQL the second waits on the row
lock and is then refused by the version check, so nobody overwrites a change they never saw; two changes of
caseworker at once queue on the row lock and leave one consistent assignment history."""
import pytest

from meedoen.accounts.models import Role
from meedoen.residents.models import CaseworkerAssignment, Resident
from meedoen.residents.services import ConcurrentEditError, assign_caseworker, update_resident
from meedoen.tests import concurrency
from meedoen.tests.factories import UserFactory

pytestmark = [pytest.mark.postgres_row_locks, pytest.mark.django_db(transaction=True)]


def test_the_second_dossier_save_waits_for_the_first_and_is_refused_as_stale(resident, caseworker, team_lead):
    # Both screens were opened on the same version; each session has its own copy (update_resident refreshes it).
    mine, theirs = Resident.objects.get(pk=resident.pk), Resident.objects.get(pk=resident.pk)
    version = mine.version

    first = concurrency.start(lambda: update_resident(mine, {"phone": "0612345678"}, expected_version=version,
                                                      actor=caseworker), hold=True)
    assert first.worked.wait(concurrency.WAIT_SECONDS) and first.error is None
    second = concurrency.start(lambda: update_resident(theirs, {"interests": "Koken"}, expected_version=version,
                                                       actor=team_lead))
    try:
        assert concurrency.blocked_by(second, first), "the second save did not wait for the first one's row lock"
    finally:
        first.finish()
        second.finish()

    assert isinstance(second.error, ConcurrentEditError)
    stored = Resident.objects.get(pk=resident.pk)
    assert (stored.phone, stored.interests, stored.version) == ("0612345678", resident.interests, version + 1)


def test_two_changes_of_caseworker_at_once_queue_and_keep_one_open_assignment(resident, caseworker, team_lead,
                                                                             municipality, team):
    colleague = UserFactory(municipality=municipality, team=team, role=Role.CASEWORKER)
    other = UserFactory(municipality=municipality, team=team, role=Role.CASEWORKER)

    first = concurrency.start(lambda: assign_caseworker(resident, colleague, actor=team_lead), hold=True)
    assert first.worked.wait(concurrency.WAIT_SECONDS) and first.error is None
    second = concurrency.start(lambda: assign_caseworker(Resident.objects.get(pk=resident.pk), other,
                                                         actor=team_lead))
    try:
        assert concurrency.blocked_by(second, first), "the second assignment did not wait for the row lock"
    finally:
        first.finish()
        second.finish()

    assert second.error is None
    history = list(CaseworkerAssignment.objects.filter(resident=resident).order_by("id")
                   .values_list("caseworker_id", "ended_on"))
    assert [cw for cw, _ in history] == [caseworker.pk, colleague.pk, other.pk]
    assert [cw for cw, ended in history if ended is None] == [other.pk]  # exactly one open assignment
    assert Resident.objects.get(pk=resident.pk).current_caseworker_id == other.pk
