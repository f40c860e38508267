"""Guidance screens: access and audit, Dutch errors next to the field with nothing saved, the worklist's order and
its query count, the team follow-up page, HTMX parts."""
import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meedoen.accounts.models import Role
from meedoen.assessment.services import record_ladder
from meedoen.audit.models import AuditEntry
from meedoen.guidance import services
from meedoen.guidance.models import ActionPlan, Conversation, PlanStep, Task
from meedoen.residents.models import Resident
from meedoen.tests.factories import ResidentFactory, UserFactory

from .conftest import plan_fields

pytestmark = pytest.mark.django_db


def url(name, resident, *args):
    return reverse(f"guidance:{name}", args=[resident.public_id, *args])


def conversation_payload(today, **overrides):
    data = {"held_on": today.isoformat(), "where": "office", "venue": "", "with_whom": "",
            "discussed": "Kennismaking", "wishes": "Iets met koken", "talents": "Geduldig", "refusal": "none",
            "refused_what": "", "cant_reason": "", "refusal_explanation": ""}
    data.update(overrides)
    return data


def plan_payload(today, steps=(("Vrijwilligerswerk buurtkeuken", "8"),), **overrides):
    data = {"route": "participation", "goals": "Ritme opbouwen", "capacity_hours_per_week": "10",
            "capacity_note": "", "review_on": (today + dt.timedelta(days=60)).isoformat(),
            "over_capacity_reason": "", "stap-TOTAL_FORMS": str(len(steps) + 1), "stap-INITIAL_FORMS": "0",
            "stap-MIN_NUM_FORMS": "1", "stap-MAX_NUM_FORMS": "20"}
    for i, (description, hours) in enumerate(steps):
        data.update({f"stap-{i}-kind": "volunteering", f"stap-{i}-description": description,
                     f"stap-{i}-hours_per_week": hours, f"stap-{i}-responsible": "resident",
                     f"stap-{i}-responsible_name": ""})
    blank = len(steps)  # an untouched extra row is skipped
    data.update({f"stap-{blank}-kind": "", f"stap-{blank}-description": "", f"stap-{blank}-hours_per_week": "",
                 f"stap-{blank}-responsible": "", f"stap-{blank}-responsible_name": ""})
    data.update(overrides)
    return data


# -- access and audit -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name,method", [
    ("resident", "get"), ("panel", "get"), ("handover", "get"), ("conversation_new", "get"),
    ("conversation_new", "post"), ("plan_edit", "get"), ("plan_edit", "post"), ("plan_hours", "post"),
    ("end", "get"), ("end", "post"), ("reorient", "post"),
])
def test_caseworker_outside_team_gets_403_and_is_audited(client, resident, outside_caseworker, today, name, method):
    client.force_login(outside_caseworker)
    response = getattr(client, method)(url(name, resident), conversation_payload(today) if method == "post" else None)
    assert response.status_code == 403
    denied = AuditEntry.objects.get(action="denied", resident_id=resident.pk)
    assert denied.actor == outside_caseworker
    assert not Conversation.objects.exists() and not ActionPlan.objects.exists()
    assert Resident.objects.get(pk=resident.pk).guidance_status == "active"


def test_outside_caseworker_cannot_sign_a_plan_or_close_a_task(client, kansarm_resident, caseworker,
                                                                outside_caseworker, today):
    plan = services.save_plan(kansarm_resident, actor=caseworker, **plan_fields(today))
    task, _ = services.create_task(kansarm_resident, kind="home_visit", title="Huisbezoek", due_on=today)
    client.force_login(outside_caseworker)
    assert client.post(url("plan_sign", kansarm_resident, plan.version),
                       {"method": "paper", "signed_on": today.isoformat()}).status_code == 403
    assert client.post(reverse("guidance:task_done", args=[task.pk])).status_code == 403
    assert AuditEntry.objects.filter(action="denied", resident_id=kansarm_resident.pk).count() == 2
    plan.refresh_from_db()
    task.refresh_from_db()
    assert plan.status == "draft" and task.status == "open"


def test_neighbourhood_worker_may_not_record_a_conversation(client, resident, municipality, today):
    worker = UserFactory(municipality=municipality, role=Role.NEIGHBOURHOOD_WORKER, team=None)
    client.force_login(worker)
    assert client.post(url("conversation_new", resident), conversation_payload(today)).status_code == 403


def test_guidance_tab_is_audited_as_a_view(caseworker_client, resident, caseworker):
    response = caseworker_client.get(url("resident", resident))
    assert response.status_code == 200
    assert "Gesprek vastleggen" in response.text
    entry = AuditEntry.objects.get(action="view", resident_id=resident.pk)
    assert entry.screen == "guidance:resident" and entry.actor == caseworker


# -- bad input --------------------------------------------------------------------------------------------------------


def test_conversation_in_the_future_shows_the_error_next_to_the_date_and_saves_nothing(caseworker_client, resident,
                                                                                      today):
    response = caseworker_client.post(url("conversation_new", resident),
                                      conversation_payload(today, held_on=(today + dt.timedelta(days=2)).isoformat()))
    assert response.status_code == 200
    assert 'id="id_held_on_errors"' in response.text and "Deze datum ligt in de toekomst." in response.text
    assert not Conversation.objects.exists()
    assert Resident.objects.get(pk=resident.pk).last_contact_on is None


def test_refusal_without_what_and_why_gets_clear_errors(caseworker_client, resident, today):
    response = caseworker_client.post(url("conversation_new", resident), conversation_payload(today, refusal="cant"))
    assert 'id="id_cant_reason_errors"' in response.text and "Kies waarom het niet kan." in response.text
    assert 'id="id_refused_what_errors"' in response.text
    assert not Conversation.objects.exists()


def test_plan_over_capacity_without_reason_shows_the_error_and_saves_nothing(caseworker_client, kansarm_resident,
                                                                             today):
    response = caseworker_client.post(url("plan_edit", kansarm_resident),
                                      plan_payload(today, steps=(("Vrijwilligerswerk", "12"), ("Taalles", "4"))))
    assert response.status_code == 200
    assert 'id="id_over_capacity_reason_errors"' in response.text
    assert "16 uur per week, meer dan de 10 uur" in response.text
    assert not ActionPlan.objects.exists() and not PlanStep.objects.exists()

    response = caseworker_client.post(url("plan_edit", kansarm_resident), plan_payload(
        today, steps=(("Vrijwilligerswerk", "12"), ("Taalles", "4")), over_capacity_reason="Wil graag meer"))
    assert response.status_code == 302
    assert ActionPlan.objects.get().steps.count() == 2


def test_plan_with_a_half_filled_step_saves_nothing(caseworker_client, kansarm_resident, today):
    data = plan_payload(today)
    data.update({"stap-1-kind": "language", "stap-1-description": "", "stap-1-hours_per_week": ""})
    response = caseworker_client.post(url("plan_edit", kansarm_resident), data)
    assert response.status_code == 200
    assert 'id="id_stap-1-description_errors"' in response.text
    assert not ActionPlan.objects.exists()


def test_sign_without_date_for_paper_is_refused(caseworker_client, kansarm_resident, caseworker, today):
    plan = services.save_plan(kansarm_resident, actor=caseworker, **plan_fields(today))
    response = caseworker_client.post(url("plan_sign", kansarm_resident, plan.version),
                                      {"method": "paper", "signed_on": ""})
    assert 'id="id_signed_on_errors"' in response.text
    plan.refresh_from_db()
    assert plan.status == "draft"


def test_ending_without_explanation_and_review_is_refused(caseworker_client, resident, today):
    response = caseworker_client.post(url("end", resident), {"ended_on": today.isoformat(), "reason": "work",
                                                             "explanation": "", "review": ""})
    assert 'id="id_review_errors"' in response.text and 'id="id_explanation_errors"' in response.text
    assert Resident.objects.get(pk=resident.pk).guidance_status == "active"


# -- the loop through the screens -------------------------------------------------------------------------------------


def test_conversation_plan_sign_end_and_reorient_through_the_screens(caseworker_client, kansarm_resident, today):
    r = caseworker_client.post(url("conversation_new", kansarm_resident),
                               conversation_payload(today, refusal="cant", cant_reason="health",
                                                    refused_what="20 uur tegenprestatie"))
    assert r.status_code == 302
    assert Task.objects.get(resident=kansarm_resident).kind == "exemption_check"
    r = caseworker_client.post(url("plan_edit", kansarm_resident), plan_payload(today))
    assert r.status_code == 302 and r.url == url("plan_sign", kansarm_resident, 1)
    r = caseworker_client.post(url("plan_sign", kansarm_resident, 1), {"method": "paper",
                                                                       "signed_on": today.isoformat()})
    assert r.status_code == 302
    page = caseworker_client.get(url("resident", kansarm_resident))
    kansarm_resident.refresh_from_db()
    assert kansarm_resident.next_contact_on == today + dt.timedelta(days=60)
    assert "evaluatiedatum van het plan van aanpak" in page.text
    assert AuditEntry.objects.filter(resident_id=kansarm_resident.pk, action="create").count() == 2
    assert AuditEntry.objects.filter(resident_id=kansarm_resident.pk, action="update").count() == 1

    r = caseworker_client.post(url("end", kansarm_resident), {
        "ended_on": today.isoformat(), "reason": "refused_respected", "explanation": "Wil echt niet, geen gevaar",
        "review": "Goed gesprek gehad; deur staat open."})
    assert r.status_code == 302
    assert Resident.objects.get(pk=kansarm_resident.pk).guidance_status == "ended"
    r = caseworker_client.post(url("reorient", kansarm_resident), {"to_route": "language",
                                                                   "reason": "Wil nu toch Nederlands leren"})
    assert r.status_code == 302 and r.url == url("plan_edit", kansarm_resident)
    assert ActionPlan.objects.filter(resident=kansarm_resident).count() == 2
    edit = caseworker_client.get(r.url)
    assert "Concept versie 2 aanpassen" in edit.text


def test_task_done_with_htmx_returns_the_row(caseworker_client, kansarm_resident, today):
    task, _ = services.create_task(kansarm_resident, kind="home_visit", title="Huisbezoek", due_on=today)
    response = caseworker_client.post(reverse("guidance:task_done", args=[task.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and f'id="task-{task.pk}"' in response.text and "Gedaan" in response.text
    task.refresh_from_db()
    assert task.status == "done"
    again = caseworker_client.post(reverse("guidance:task_done", args=[task.pk]), HTTP_HX_REQUEST="true")
    assert "al afgehandeld" in again.text


def test_live_hours_check(caseworker_client, kansarm_resident, today):
    response = caseworker_client.post(url("plan_hours", kansarm_resident),
                                      plan_payload(today, steps=(("Vrijwilligerswerk", "12,5"),)))
    assert "Samen 12,5 uur per week; de inwoner kan nu 10 uur aan." in response.text
    assert "plan-hours--over" in response.text
    assert not ActionPlan.objects.exists()


def test_template_tags_render_the_summary_and_the_handover(kansarm_resident, caseworker, today):
    services.record_conversation(kansarm_resident, actor=caseworker, held_on=today, where="home",
                                 discussed="Thuis gesproken", wishes="Wil fietsen repareren")
    request = RequestFactory().get("/")
    request.user = caseworker
    html = Template("{% load guidance %}{% resident_guidance resident %}{% handover_summary resident %}").render(
        Context({"resident": kansarm_resident, "can_edit": True, "request": request}))
    assert 'id="guidance-panel"' in html and "Gesprek vastleggen" in html
    assert 'id="handover"' in html and "Wil fietsen repareren" in html


# -- worklist ---------------------------------------------------------------------------------------------------------


def _caseload(municipality, neighbourhood, caseworker, n, today, offset=0):
    """n residents in mixed states: overdue, with plans, measured, with tasks due."""
    residents = []
    for i in range(n):
        r = ResidentFactory(municipality=municipality, neighbourhood=neighbourhood, current_caseworker=caseworker,
                            segment="kansarm", last_name=f"Inwoner{offset + i:03d}",
                            next_contact_on=today + dt.timedelta(days=(i % 5) * 20 - 30),
                            last_contact_on=today - dt.timedelta(days=100 + i))
        residents.append(r)
        if i % 2:
            Conversation.objects.create(resident=r, held_on=today - dt.timedelta(days=40), where="office",
                                        discussed="x")
        if i % 3 == 0:
            record_ladder(r, step=2, measured_on=today - dt.timedelta(days=10 * i), actor=caseworker)
        if i % 4 == 0:
            Task.objects.create(resident=r, kind="home_visit", title="Huisbezoek", due_on=today - dt.timedelta(days=1))
    return residents


def test_worklist_shows_the_own_residents_most_urgent_first_with_a_reason(caseworker_client, municipality,
                                                                          neighbourhood, caseworker,
                                                                          outside_caseworker, today):
    late = ResidentFactory(municipality=municipality, neighbourhood=neighbourhood, current_caseworker=caseworker,
                           first_name="Laat", last_name="Eerst", next_contact_on=today - dt.timedelta(days=40),
                           next_contact_rule="laatste contact + contactnorm 182 dagen",
                           last_contact_on=today - dt.timedelta(days=222))
    ResidentFactory(municipality=municipality, neighbourhood=neighbourhood, current_caseworker=caseworker,
                    first_name="Nooit", last_name="Gemeten", next_contact_on=today + dt.timedelta(days=40),
                    last_contact_on=today - dt.timedelta(days=20))
    ResidentFactory(municipality=municipality, neighbourhood=neighbourhood, current_caseworker=outside_caseworker,
                    first_name="Niet", last_name="Mijn", next_contact_on=today - dt.timedelta(days=400))
    ResidentFactory(municipality=municipality, neighbourhood=neighbourhood, current_caseworker=caseworker,
                    first_name="Al", last_name="Gestopt", next_contact_on=today - dt.timedelta(days=400),
                    guidance_status="ended")
    response = caseworker_client.get(reverse("guidance:worklist"))
    text = response.text
    assert response.status_code == 200
    assert "Niet Mijn" not in text and "Al Gestopt" not in text
    assert text.index("Laat Eerst") < text.index("Nooit Gemeten")
    assert "40 dagen te laat" in text and "De participatieladder is nog nooit gemeten." in text
    assert f'href="{url("resident", late)}"' in text
    groups = [g["code"] for g in response.context["groups"]]
    assert groups == ["overdue_contact", "ladder_due"]
    assert AuditEntry.objects.filter(action="view", screen="guidance:worklist").exists()
    assert late.pk


def test_worklist_query_count_does_not_grow_with_the_caseload(caseworker_client, municipality, neighbourhood,
                                                             caseworker, today):
    counts = []
    total = 0
    for n in (1, 10, 50):
        _caseload(municipality, neighbourhood, caseworker, n - total, today, offset=total)
        total = n
        caseworker_client.get(reverse("guidance:worklist"))  # warm caches
        with CaptureQueriesContext(connection) as ctx:
            response = caseworker_client.get(reverse("guidance:worklist"))
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] == counts[2], counts
    assert 40 < sum(g["count"] for g in response.context["groups"]) <= 50


def test_worklist_single_signal_is_paginated(caseworker_client, municipality, neighbourhood, caseworker, today):
    for i in range(30):
        ResidentFactory(municipality=municipality, neighbourhood=neighbourhood, current_caseworker=caseworker,
                        last_name=f"Laat{i:02d}", next_contact_on=today - dt.timedelta(days=i + 1),
                        last_contact_on=today - dt.timedelta(days=5))
    overview = caseworker_client.get(reverse("guidance:worklist"))
    assert overview.context["groups"][0]["more"] == 20 and "Alle 30 tonen" in overview.text
    page = caseworker_client.get(reverse("guidance:worklist") + "?signaal=overdue_contact")
    assert len(page.context["rows"]) == 30 and page.context["rows"][0]["name"].endswith("Laat29")


def test_team_lead_sees_counts_per_caseworker_and_their_worklist(client, team_lead, municipality, neighbourhood,
                                                                 caseworker, outside_caseworker, today):
    _caseload(municipality, neighbourhood, caseworker, 8, today)
    client.force_login(team_lead)
    assert client.get(reverse("guidance:worklist")).url == reverse("guidance:team")
    response = client.get(reverse("guidance:team"))
    row = response.context["rows"][0]
    assert row["caseworker"] == caseworker and row["residents"] == 8
    assert row["counts"][0] == sum(1 for r in Resident.objects.filter(current_caseworker=caseworker)
                                   if r.next_contact_on < today)
    assert client.get(reverse("guidance:caseworker_worklist", args=[caseworker.pk])).status_code == 200
    assert client.get(reverse("guidance:caseworker_worklist", args=[outside_caseworker.pk])).status_code == 403
    assert AuditEntry.objects.filter(action="denied", actor=team_lead).exists()


def test_caseworker_may_not_open_the_team_page(caseworker_client):
    assert caseworker_client.get(reverse("guidance:team")).status_code == 403


def test_plan_pages_render(caseworker_client, kansarm_resident, caseworker, today):
    plan = services.save_plan(kansarm_resident, actor=caseworker, **plan_fields(today, capacity_hours_per_week=Decimal(
        "12")))
    assert "Laten ondertekenen" in caseworker_client.get(url("plan", kansarm_resident, plan.version)).text
    assert "Ondertekening opslaan" in caseworker_client.get(url("plan_sign", kansarm_resident, plan.version)).text
    assert "Concept versie 1 aanpassen" in caseworker_client.get(url("plan_edit", kansarm_resident)).text
    assert "Warme overdracht" in caseworker_client.get(url("handover", kansarm_resident)).text
    assert caseworker_client.get(url("plan", kansarm_resident, 9)).status_code == 404
