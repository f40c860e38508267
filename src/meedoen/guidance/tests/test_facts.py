"""The worklist facts on the Resident row (facts.py) follow the records they copy: through the ORM at once (signals),
through the services that use queryset.update(), and for rows written in bulk through refresh_municipality and the
nightly task. (Every database test also checks, in the root conftest, that no fact is out of date afterwards.)"""
import datetime as dt

import pytest
from django.apps import apps as live_apps

from meedoen.guidance import facts, services
from meedoen.guidance import worklist as wl
from meedoen.guidance.models import Conversation
from meedoen.guidance.tasks import refresh_worklist_facts
from meedoen.residents.models import Resident

from .conftest import plan_fields

pytestmark = pytest.mark.django_db


def _facts(resident):
    return Resident.objects.values(*facts.FACT_FIELDS).get(pk=resident.pk)


def test_a_conversation_sets_and_its_deletion_clears_the_first_conversation(resident, today):
    later = Conversation.objects.create(resident=resident, held_on=today - dt.timedelta(days=5), where="office",
                                        discussed="x")
    first = Conversation.objects.create(resident=resident, held_on=today - dt.timedelta(days=40), where="phone",
                                        discussed="y")
    assert _facts(resident)["first_conversation_on"] == today - dt.timedelta(days=40)
    first.delete()
    assert _facts(resident)["first_conversation_on"] == today - dt.timedelta(days=5)
    later.delete()
    assert _facts(resident)["first_conversation_on"] is None


def test_signing_and_ending_move_the_plan_facts(resident, caseworker, today):
    draft = services.save_plan(resident, actor=caseworker, **plan_fields(today))
    assert _facts(resident)["has_draft_plan"] is True
    services.sign_plan(draft, method="paper", signed_on=today, actor=caseworker)
    assert _facts(resident)["signed_plan_review_on"] == today + dt.timedelta(days=60)
    assert _facts(resident)["has_draft_plan"] is False
    services.save_plan(resident, actor=caseworker, **plan_fields(today, review_on=today + dt.timedelta(days=90)))
    assert _facts(resident)["has_draft_plan"] is True
    # Ending guidance supersedes the draft with a queryset update: the service refreshes the facts itself.
    services.end_guidance(resident, actor=caseworker, reason="work", explanation="Baan bij de HEMA",
                          review="Ging goed")
    assert _facts(resident)["has_draft_plan"] is False
    assert _facts(resident)["signed_plan_review_on"] == today + dt.timedelta(days=60)


def test_rows_written_in_bulk_are_caught_up_by_the_municipality_refresh_and_the_nightly_task(
        municipality, resident, caseworker, today):
    Conversation.objects.bulk_create([Conversation(resident=resident, held_on=today - dt.timedelta(days=3),
                                                   where="office", discussed="x")])
    assert [pk for pk, _stored, _computed in facts.stale()] == [resident.pk]
    row = wl.build_rows(Resident.objects.filter(pk=resident.pk), today)[0]
    assert row.first_conversation_on is None  # the worklist reads the stored fact, not the records

    assert refresh_worklist_facts.enqueue(municipality_id=municipality.pk).return_value == {str(municipality.pk): 1}
    assert facts.stale() == []
    assert wl.build_rows(Resident.objects.filter(pk=resident.pk), today)[0].first_conversation_on == (
        today - dt.timedelta(days=3))
    assert facts.refresh_municipality(municipality) == 0  # nothing left to write


def test_the_data_migration_path_fills_facts_with_the_registry_it_is_given(resident, today):
    Conversation.objects.bulk_create([Conversation(resident=resident, held_on=today, where="office", discussed="x")])
    assert facts.refresh_everyone(apps=live_apps) == 1
    assert _facts(resident)["first_conversation_on"] == today
    assert facts.refresh_everyone(apps=live_apps) == 0
