"""Screens: the Verplichtingen tab, exemptions, measures with their procedure, signals, enforcement and the team
overview — permissions by role and relation, audit on every read and write, clear errors."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meedoen.accounts.models import Role
from meedoen.audit.models import AuditEntry
from meedoen.guidance.models import Task
from meedoen.guidance.services import create_task
from meedoen.obligations import services
from meedoen.obligations.models import Exemption, IncomeSignal, Measure
from meedoen.tests.factories import UserFactory

D = dt.date


def tab(resident):
    return reverse("obligations:resident", args=[resident.public_id])


def propose(resident, actor, **overrides):
    fields = dict(breached_obligation="appointments", facts="Niet gekomen op 2 maart.", occurred_on=D(2026, 3, 2),
                  blame="full", blame_note="Geen reden gegeven.", category="licht")
    fields.update(overrides)
    return services.propose_measure(resident, actor=actor, **fields)


def heard(measure, actor):
    services.record_hearing(measure, actor=actor, expected_version=measure.version, kind="not_needed",
                            reason_not_needed="Feiten schriftelijk erkend (Awb 4:12).")
    measure.refresh_from_db()
    return measure


def test_caseworker_sees_the_obligations_tab_and_it_is_audited(caseworker_client, resident):
    response = caseworker_client.get(tab(resident))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="obligation-reciprocity"' in html and "Tegenprestatie" in html and "Verplichtingen" in html
    assert AuditEntry.objects.filter(action="view", resident_id=resident.pk, detail__part="obligations").exists()


def test_the_dossier_shows_the_verplichtingen_tab(caseworker_client, resident):
    html = caseworker_client.get(reverse("guidance:resident", args=[resident.public_id])).content.decode()
    assert tab(resident) in html


def test_caseworker_outside_team_gets_403_and_is_audited(client, outside_caseworker, resident):
    client.force_login(outside_caseworker)
    assert client.get(tab(resident)).status_code == 403
    assert AuditEntry.objects.filter(action="denied", resident_id=resident.pk).exists()


def test_neighbourhood_worker_never_sees_measures(client, municipality, neighbourhood, resident):
    worker = UserFactory(role=Role.NEIGHBOURHOOD_WORKER, municipality=municipality, neighbourhood=neighbourhood)
    client.force_login(worker)
    assert client.get(tab(resident)).status_code == 403
    assert AuditEntry.objects.filter(action="denied", actor=worker).exists()


def test_an_invalid_exemption_shows_dutch_errors_and_saves_nothing(caseworker_client, resident):
    url = reverse("obligations:exemption_new", args=[resident.public_id])
    response = caseworker_client.post(url, {"kind": "single_parent", "grounds": "Zorg voor kind",
                                            "starts_on": "2026-03-10", "ends_on": "2027-03-09"})
    assert response.status_code == 200
    assert "alleenstaande ouder" in response.content.decode() and not Exemption.objects.exists()
    ok = caseworker_client.post(url, {"kind": "urgent_reasons", "grounds": "Brand in de woning",
                                      "starts_on": "2026-03-10", "ends_on": "2026-05-31"})
    assert ok.status_code == 302 and Exemption.objects.get().covers == ["reciprocity", "reintegration", "work"]
    assert AuditEntry.objects.filter(action="create", object_type="obligations.Exemption").exists()


def test_a_measure_proposal_task_becomes_a_proposal(caseworker_client, resident, today):
    task, _created = create_task(resident, kind=Task.Kind.MEASURE_PROPOSAL, title="Voorstel maatregel na herhaald "
                                 "niet verschijnen", due_on=today, source_key="noshow:1:4")
    url = reverse("obligations:measure_new", args=[resident.public_id])
    form = caseworker_client.get(url, {"taak": task.pk})
    assert "Dit komt uit de taak" in form.content.decode()
    response = caseworker_client.post(url, {
        "taak": task.pk, "breached_obligation": "appointments", "occurred_on": "2026-03-02",
        "facts": "Niet gekomen na aangetekende brief en no show-actie.", "blame": "full",
        "blame_note": "Geen reactie op de no show-actie.", "regime": "ordinance", "category": "licht"})
    measure = Measure.objects.get()
    assert response.status_code == 302 and response.url == reverse("obligations:measure", args=[measure.pk])
    task.refresh_from_db()
    assert measure.source == "no_show_ladder" and measure.source_task == task and task.status == "done"


def test_a_caseworker_cannot_decide_through_the_screen(caseworker_client, caseworker, resident):
    measure = heard(propose(resident, caseworker), caseworker)
    response = caseworker_client.post(reverse("obligations:measure", args=[measure.pk]), {
        "action": "decide", "decide-version": measure.version, "decide-blame": "full",
        "decide-decision_grounds": "Niet gekomen."})
    assert response.status_code == 403
    measure.refresh_from_db()
    assert measure.status == "hearing"


def test_the_proposing_team_lead_is_refused_and_another_decides(client, team_lead, second_team_lead, resident):
    measure = heard(propose(resident, team_lead), team_lead)
    url = reverse("obligations:measure", args=[measure.pk])
    data = {"action": "decide", "decide-version": measure.version, "decide-blame": "full",
            "decide-decision_grounds": "U bent niet gekomen zonder reden."}
    client.force_login(team_lead)
    refused = client.post(url, data)
    assert refused.status_code == 200 and "vier ogen" in refused.content.decode()
    client.force_login(second_team_lead)
    decided = client.post(url, data)
    assert decided.status_code == 302
    measure.refresh_from_db()
    assert measure.status == "decided" and measure.decided_by == second_team_lead and measure.letter is not None
    page = client.get(url).content.decode()
    assert "30 % van de norm" in page and measure.letter.reference in page


def test_a_stale_version_is_refused_and_audited_as_a_conflict(client, caseworker, team_lead, second_team_lead,
                                                              resident):
    measure = heard(propose(resident, caseworker), caseworker)
    stale = measure.version
    services.withdraw(measure, actor=caseworker, expected_version=stale, reason="Toch op tijd afgemeld")
    client.force_login(second_team_lead)
    response = client.post(reverse("obligations:measure", args=[measure.pk]), {
        "action": "decide", "decide-version": stale, "decide-blame": "full", "decide-decision_grounds": "x"})
    assert response.status_code == 200 and "intussen gewijzigd" in response.content.decode()
    assert AuditEntry.objects.filter(action="conflict", object_type="obligations.Measure").exists()


def test_team_overview_lists_proposals_awaiting_a_decision(client, caseworker, team_lead, resident):
    propose(resident, caseworker)
    client.force_login(team_lead)
    response = client.get(reverse("obligations:team"))
    html = response.content.decode()
    assert response.status_code == 200 and resident.full_name in html and 'id="measure-stats"' in html
    client.force_login(caseworker)
    assert client.get(reverse("obligations:team")).status_code == 403


def test_enforcement_is_a_separate_role(client, caseworker, resident, enforcement_officer, today):
    signal = services.record_income_signal(resident, actor=caseworker, source="neighbourhood_team",
                                           received_on=today, description="Werkt op de markt")
    IncomeSignal.objects.filter(pk=signal.pk).update(status="handed_over", handed_over_on=today,
                                                     correct_by=today - dt.timedelta(days=1))
    client.force_login(caseworker)
    assert client.get(reverse("obligations:enforcement")).status_code == 403
    assert client.post(reverse("obligations:enforcement_detail", args=[signal.pk]),
                       {"version": 1, "outcome": "fine", "note": "x"}).status_code == 403
    client.force_login(enforcement_officer)
    assert resident.full_name in client.get(reverse("obligations:enforcement")).content.decode()
    assert client.get(tab(resident)).status_code == 403  # no dossier for enforcement staff
    response = client.post(reverse("obligations:enforcement_detail", args=[signal.pk]),
                           {"version": 1, "outcome": "no_finding", "note": "Vrijwilligersvergoeding"})
    assert response.status_code == 302
    signal.refresh_from_db()
    assert signal.status == "closed" and signal.closed_by == enforcement_officer


def test_the_handover_button_waits_for_the_residents_own_period(caseworker_client, caseworker, resident):
    signal = services.record_income_signal(resident, actor=caseworker, source="tip", received_on=D(2026, 3, 9),
                                           description="Melding via de telefoon")
    url = reverse("obligations:signal", args=[signal.pk])
    assert caseworker_client.post(url, {"action": "request", "request-version": 1}).status_code == 302
    signal.refresh_from_db()
    assert signal.status == "correction_requested" and signal.letter is not None
    response = caseworker_client.post(url, {"action": "handover", "handover-version": signal.version})
    assert response.status_code == 200 and "de tijd" in response.content.decode()
    signal.refresh_from_db()
    assert signal.status == "correction_requested"


def test_an_objection_is_recorded_with_its_deadline(caseworker_client, caseworker, team_lead, resident):
    measure = services.decide(heard(propose(resident, caseworker), caseworker), actor=team_lead,
                              expected_version=2, decision_grounds="Niet gekomen.")
    response = caseworker_client.post(reverse("obligations:objection_new", args=[resident.public_id]), {
        "kind": "objection", "decision_kind": "measure", "measure": measure.pk, "received_on": "2026-03-10",
        "subject": "Ik was ziek"})
    assert response.status_code == 302
    objection = measure.objections.get()
    assert objection.decision_date == D(2026, 3, 10) and objection.respond_by == D(2026, 4, 21)


@pytest.mark.parametrize("extra", [1, 10])
def test_the_tab_query_count_does_not_grow_with_measures(caseworker_client, caseworker, resident, extra):
    for _ in range(extra):
        propose(resident, caseworker)
    services.grant_exemption(resident, actor=caseworker, kind="urgent_reasons", grounds="Brand",
                             starts_on=D(2026, 3, 10), ends_on=D(2026, 4, 30))
    caseworker_client.get(tab(resident))  # warm caches (profile, sessions)
    with CaptureQueriesContext(connection) as queries:
        assert caseworker_client.get(tab(resident)).status_code == 200
    assert len(queries) <= 18, [q["sql"] for q in queries]


def test_an_exemption_check_task_from_a_cant_conversation_leads_to_an_exemption(caseworker_client, resident, today):
    task, _created = create_task(resident, kind=Task.Kind.EXEMPTION_CHECK, title="Ontheffing op medische gronden "
                                 "beoordelen (art. 9 lid 2 Participatiewet)", due_on=today, source_key="conversation:1")
    response = caseworker_client.get(reverse("obligations:exemption_from_task", args=[task.pk]))
    assert response.status_code == 302 and response.url.endswith(f"?taak={task.pk}")
    ok = caseworker_client.post(response.url, {
        "taak": task.pk, "kind": "social_medical", "grounds": "Herstel na een hernia",
        "evidence_note": "Advies huisarts", "starts_on": "2026-03-10", "ends_on": "2026-09-09"})
    assert ok.status_code == 302
    task.refresh_from_db()
    assert task.status == "done" and Exemption.objects.get().kind == "social_medical"
