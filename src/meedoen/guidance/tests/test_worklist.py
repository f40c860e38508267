"""worklist.build_rows() reads the facts of a caseload with hand-built SQL (it runs on every worklist view): each fact
is checked here against what the models say, on SQLite and on PostgreSQL alike (CI runs both), and the rows that
present() makes are escaped."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meedoen.assessment.services import record_ladder
from meedoen.guidance import rules, services
from meedoen.guidance import worklist as wl
from meedoen.guidance.models import Conversation, Task
from meedoen.residents.access import visible_residents
from meedoen.residents.models import Resident
from meedoen.tests.factories import ResidentFactory

from .conftest import plan_fields

pytestmark = pytest.mark.django_db


def _rows(user, caseworker, today):
    return {row.resident_id: row for row in wl.build_rows(
        visible_residents(user).filter(current_caseworker=caseworker), today)}


def test_build_rows_reads_every_fact_of_a_resident(kansarm_resident, caseworker, today):
    resident = kansarm_resident
    for days in (90, 30):
        Conversation.objects.create(resident=resident, held_on=today - dt.timedelta(days=days), where="office",
                                    discussed="x")
    record_ladder(resident, step=2, measured_on=today - dt.timedelta(days=300), actor=caseworker)
    record_ladder(resident, step=3, measured_on=today - dt.timedelta(days=20), actor=caseworker)
    signed = services.save_plan(resident, actor=caseworker, **plan_fields(today))
    services.sign_plan(signed, method="paper", signed_on=today, actor=caseworker)
    services.save_plan(resident, actor=caseworker, **plan_fields(today, review_on=today + dt.timedelta(days=90)))
    Task.objects.create(resident=resident, kind="home_visit", title="Later", due_on=today - dt.timedelta(days=1))
    Task.objects.create(resident=resident, kind="home_visit", title="Eerst", due_on=today - dt.timedelta(days=5))
    Task.objects.create(resident=resident, kind="home_visit", title="Morgen", due_on=today + dt.timedelta(days=1))
    Task.objects.create(resident=resident, kind="home_visit", title="Klaar", due_on=today - dt.timedelta(days=9),
                        status=Task.Status.DONE)
    resident.refresh_from_db()

    row = _rows(caseworker, caseworker, today)[resident.pk]
    assert row.name == resident.full_name
    assert (row.next_contact_on, row.next_contact_rule) == (resident.next_contact_on, resident.next_contact_rule)
    assert row.last_contact_on == resident.last_contact_on
    assert row.first_conversation_on == today - dt.timedelta(days=90)
    assert row.has_signed_plan and row.plan_review_on == today + dt.timedelta(days=60)
    assert row.has_draft_plan
    assert row.last_ladder_on == today - dt.timedelta(days=20)
    assert [t.title for t in row.due_tasks] == ["Eerst", "Later"]
    assert all(isinstance(t.due_on, dt.date) for t in row.due_tasks)
    assert row.extra == {"public_id": row.extra["public_id"], "caseworker_id": caseworker.pk}
    assert str(wl._public_id(row.extra["public_id"])) == str(resident.public_id)


def test_build_rows_without_any_history_and_only_active_own_residents(municipality, neighbourhood, caseworker,
                                                                      outside_caseworker, today):
    fresh = ResidentFactory(municipality=municipality, neighbourhood=neighbourhood, current_caseworker=caseworker,
                            name_prefix="van der", last_name="Berg")
    ResidentFactory(municipality=municipality, neighbourhood=neighbourhood, current_caseworker=caseworker,
                    guidance_status="ended")
    ResidentFactory(municipality=municipality, neighbourhood=neighbourhood, current_caseworker=outside_caseworker)

    rows = _rows(caseworker, caseworker, today)
    assert list(rows) == [fresh.pk]
    row = rows[fresh.pk]
    assert row.name.endswith(" van der Berg")
    assert (row.first_conversation_on, row.plan_review_on, row.last_ladder_on) == (None, None, None)
    assert not row.has_signed_plan and not row.has_draft_plan and row.due_tasks == ()
    # The access rules stay in the queryset: another team's caseworker sees none of them.
    assert _rows(outside_caseworker, caseworker, today) == {}


def test_build_rows_takes_two_queries_for_any_caseload(municipality, neighbourhood, caseworker, today):
    for i in range(12):
        r = ResidentFactory(municipality=municipality, neighbourhood=neighbourhood, current_caseworker=caseworker)
        Task.objects.create(resident=r, kind="home_visit", title=f"Taak {i}", due_on=today)
    with CaptureQueriesContext(connection) as queries:
        rows = wl.build_rows(Resident.objects.filter(current_caseworker=caseworker), today)
    assert len(rows) == 12 and len(queries.captured_queries) == 2


def test_present_escapes_names_and_links_to_the_guidance_tab(municipality, neighbourhood, caseworker, today):
    resident = ResidentFactory(municipality=municipality, neighbourhood=neighbourhood, current_caseworker=caseworker,
                               first_name="<b>Ab</b>", last_name="O'Neil & Zn", next_contact_on=today - dt.timedelta(2))
    items = rules.classify(wl.build_rows(Resident.objects.filter(pk=resident.pk), today), today)
    shown = wl.present(items[0])
    assert "<b>" not in shown["html"] and "&lt;b&gt;Ab&lt;/b&gt; O&#x27;Neil &amp; Zn" in shown["html"]
    assert f'href="/begeleiding/{resident.public_id}/"' in shown["html"]
    assert f'id="resident-{resident.public_id}"' in shown["html"]
    assert 'badge--overdue_contact">Contact te laat</span> Contact had uiterlijk op' in shown["html"]
