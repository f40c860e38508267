"""Obligations wired into the rest: the worklist reminds before an exemption ends or must be reviewed (one subquery,
the worklist stays at two queries), and the ladder's measure-proposal task leads to the proposal form."""
import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meedoen.guidance import rules as guidance_rules
from meedoen.guidance import worklist
from meedoen.guidance.models import Task
from meedoen.guidance.services import create_task
from meedoen.obligations import services
from meedoen.residents.models import Resident
from meedoen.tests.factories import ResidentFactory


def test_the_worklist_reminds_before_an_exemption_ends(resident, caseworker, today):
    services.grant_exemption(resident, actor=caseworker, kind="urgent_reasons", grounds="Brand in de woning",
                             starts_on=today - dt.timedelta(days=30), ends_on=today + dt.timedelta(days=60),
                             review_on=today + dt.timedelta(days=20))
    ended = services.grant_exemption(resident, actor=caseworker, kind="urgent_reasons", grounds="Eerder",
                                     starts_on=today - dt.timedelta(days=90), ends_on=today + dt.timedelta(days=5))
    services.end_exemption(ended, actor=caseworker, expected_version=1, reason="Opgelost")
    row = worklist.build_rows(Resident.objects.filter(pk=resident.pk), today)[0]
    assert row.exemption_due_on == today + dt.timedelta(days=20)
    signal = next(s for s in guidance_rules.signals_for(row, today) if s.code == "exemption_review_due")
    assert "opnieuw bekeken" in worklist.reason(signal)


def test_an_exemption_far_from_its_end_is_not_on_the_worklist(resident, caseworker, today):
    services.grant_exemption(resident, actor=caseworker, kind="full_incapacity", grounds="Blijvend",
                             evidence_note="Advies verzekeringsarts", starts_on=today)
    row = worklist.build_rows(Resident.objects.filter(pk=resident.pk), today)[0]
    assert row.exemption_due_on is None
    assert "exemption_review_due" not in [s.code for s in guidance_rules.signals_for(row, today)]


def test_the_worklist_stays_at_two_queries_with_exemptions(municipality, neighbourhood, caseworker, today):
    residents = [ResidentFactory(municipality=municipality, neighbourhood=neighbourhood,
                                 current_caseworker=caseworker) for _ in range(6)]
    for r in residents:
        services.grant_exemption(r, actor=caseworker, kind="urgent_reasons", grounds="x", starts_on=today,
                                 ends_on=today + dt.timedelta(days=10))
    with CaptureQueriesContext(connection) as queries:
        rows = worklist.build_rows(Resident.objects.filter(current_caseworker=caseworker), today)
    assert len(rows) == 6 and len(queries.captured_queries) == 2
    assert all(r.exemption_due_on == today + dt.timedelta(days=10) for r in rows)


def test_the_measure_proposal_task_links_to_the_proposal_form(caseworker_client, resident, today):
    task, _created = create_task(resident, kind=Task.Kind.MEASURE_PROPOSAL, title="Voorstel maatregel",
                                 due_on=today, source_key="outreach:9:step4")
    page = caseworker_client.get(reverse("guidance:resident", args=[resident.public_id])).content.decode()
    link = reverse("obligations:measure_from_task", args=[task.pk])
    assert link in page
    response = caseworker_client.get(link)
    assert response.status_code == 302
    assert response.url == reverse("obligations:measure_new", args=[resident.public_id]) + f"?taak={task.pk}"
