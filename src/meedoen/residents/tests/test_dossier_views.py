"""Dossier screens: access by role and relation, audit trail, Dutch form errors, lost-update protection."""
import datetime as dt
import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meedoen.accounts.models import Role
from meedoen.assessment.services import record_ladder
from meedoen.audit.logging import ScrubBSNFilter
from meedoen.audit.models import AuditEntry
from meedoen.residents.models import Resident
from meedoen.residents.services import add_event, assign_caseworker
from meedoen.tests.factories import NeighbourhoodFactory, ResidentFactory, UserFactory

pytestmark = pytest.mark.django_db


def dossier_url(resident):
    return reverse("residents:dossier", args=[resident.public_id])


def edit_payload(resident, **overrides):
    data = {
        "first_name": resident.first_name, "name_prefix": "", "last_name": resident.last_name, "bsn": resident.bsn,
        "date_of_birth": resident.date_of_birth.isoformat(), "street": resident.street,
        "house_number": resident.house_number, "postcode": resident.postcode, "city": resident.city,
        "neighbourhood": resident.neighbourhood_id, "phone": "", "email": "", "household_type": "single",
        "children_count": 0, "youngest_child_date_of_birth": "", "benefit_start_date": "2015-03-01",
        "education_level": "vmbo", "work_experience_years": 4, "last_paid_work_year": "", "work_history": "",
        "dutch_language_level": "B1", "physical_health": "none", "mental_health": "none", "debts": "none",
        "addiction": "none", "isolation": "none", "social_circumstances": "stable", "care_duties": "none",
        "barrier_notes": "", "interests": "", "intensity": "light", "version": resident.version,
    }
    data.update(overrides)
    return data


def test_caseworker_opens_own_dossier_and_the_read_is_audited(caseworker_client, resident, caseworker):
    response = caseworker_client.get(dossier_url(resident))
    assert response.status_code == 200
    assert resident.full_name in response.text
    assert resident.bsn not in response.text  # only the masked BSN is shown
    entry = AuditEntry.objects.filter(action="view", resident_id=resident.pk).get()
    assert entry.actor == caseworker and entry.screen == "residents:dossier"


def test_caseworker_outside_team_gets_403_and_is_audited(client, resident, outside_caseworker):
    client.force_login(outside_caseworker)
    response = client.get(dossier_url(resident))
    assert response.status_code == 403
    assert "Geen toegang" in response.text
    denied = AuditEntry.objects.get(action="denied", resident_id=resident.pk)
    assert denied.actor == outside_caseworker
    assert not AuditEntry.objects.filter(action="view", resident_id=resident.pk).exists()


def test_colleague_in_the_same_team_may_open_the_dossier(client, resident, municipality, team):
    colleague = UserFactory(municipality=municipality, team=team, role=Role.CASEWORKER)
    client.force_login(colleague)
    assert client.get(dossier_url(resident)).status_code == 200


@pytest.mark.parametrize("role", [Role.ANALYST, Role.PROVIDER_STAFF, Role.RESIDENT, Role.ADMINISTRATOR])
def test_roles_without_named_access_get_403(client, resident, municipality, team, role):
    client.force_login(UserFactory(municipality=municipality, team=team, role=role))
    assert client.get(dossier_url(resident)).status_code == 403
    assert AuditEntry.objects.filter(action="denied", resident_id=resident.pk).exists()


def test_neighbourhood_worker_sees_names_only_when_the_profile_shares_them(client, resident, municipality):
    worker = UserFactory(municipality=municipality, role=Role.NEIGHBOURHOOD_WORKER, team=None,
                         neighbourhood=resident.neighbourhood)
    client.force_login(worker)
    assert client.get(dossier_url(resident)).status_code == 403  # Rotterdam preset: wijkteam sees no names
    municipality.policy_key = "leeuwarden"  # Leeuwarden preset: the wijkteam gets names and addresses
    municipality.save()
    assert client.get(dossier_url(resident)).status_code == 200
    edit = client.get(reverse("residents:edit", args=[resident.public_id]))
    assert edit.status_code == 403  # read-only


def test_search_by_bsn_digits_is_posted_never_in_the_url_and_respects_access(
    caseworker_client, resident, municipality, neighbourhood, outside_caseworker
):
    other = ResidentFactory(municipality=municipality, neighbourhood=neighbourhood, bsn=resident.bsn[:5] + "0000")
    other.bsn = "111222333"  # valid 11-proof BSN
    other.save()
    assign_caseworker(other, outside_caseworker, actor=outside_caseworker)
    url = reverse("residents:search")
    response = caseworker_client.post(url, {"bsn_last_digits": resident.bsn[-4:]})
    assert response.status_code == 200
    assert resident.full_name in response.text
    assert other.full_name not in response.text  # other team's resident stays invisible
    assert resident.bsn[-4:] not in response.request["PATH_INFO"]
    entry = AuditEntry.objects.get(action="search")
    assert entry.detail["criteria"] == ["bsn_last_digits"] and resident.bsn not in str(entry.detail)


def test_search_without_criteria_explains_what_to_do(caseworker_client, resident):
    response = caseworker_client.post(reverse("residents:search"), {})
    assert "Vul minstens één zoekveld in." in response.text


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"bsn": "123456789"}, "bsn", "Dit is geen geldig BSN"),
        ({"date_of_birth": (dt.date.today() + dt.timedelta(days=3)).isoformat()}, "date_of_birth", "in de toekomst"),
        ({"neighbourhood": 999999}, "neighbourhood", "Deze wijk kennen we niet"),
    ],
)
def test_bad_input_gets_a_clear_dutch_error_and_nothing_is_saved(
    caseworker_client, resident, overrides, field, message
):
    before = Resident.objects.values().get(pk=resident.pk)
    response = caseworker_client.post(
        reverse("residents:edit", args=[resident.public_id]), edit_payload(resident, first_name="Gewijzigd", **overrides)
    )
    assert response.status_code == 200
    assert message in response.text
    assert field in response.context["form"].errors
    assert Resident.objects.values().get(pk=resident.pk) == before


def test_neighbourhood_of_another_municipality_is_refused(caseworker_client, resident):
    foreign = NeighbourhoodFactory()  # belongs to another municipality
    response = caseworker_client.post(
        reverse("residents:edit", args=[resident.public_id]), edit_payload(resident, neighbourhood=foreign.pk)
    )
    assert "Deze wijk kennen we niet" in response.text
    resident.refresh_from_db()
    assert resident.neighbourhood_id != foreign.pk


def test_second_of_two_concurrent_edits_is_refused_and_nothing_is_lost(client, resident, caseworker, team_lead):
    url = reverse("residents:edit", args=[resident.public_id])
    version_read_by_both = resident.version
    client.force_login(caseworker)
    first = client.post(url, edit_payload(resident, phone="0612345678", version=version_read_by_both))
    assert first.status_code == 302
    client.force_login(team_lead)
    second = client.post(url, edit_payload(resident, interests="Koken", version=version_read_by_both))
    assert second.status_code == 200
    assert "Iemand anders heeft dit dossier opgeslagen" in second.text
    resident.refresh_from_db()
    assert resident.phone == "0612345678"  # the first save is kept
    assert resident.interests == ""  # the second was not silently applied
    assert resident.version == version_read_by_both + 1
    assert AuditEntry.objects.filter(action="conflict", resident_id=resident.pk).exists()


def test_successful_edit_is_audited_with_field_names_only(caseworker_client, resident):
    response = caseworker_client.post(
        reverse("residents:edit", args=[resident.public_id]), edit_payload(resident, debts="problematic")
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="update", resident_id=resident.pk)
    assert entry.detail == {"fields": ["debts"]}
    assert resident.events.filter(kind="updated").exists()


def _grow_history(resident, actor, n):
    for i in range(n):
        add_event(resident, "note", f"Gebeurtenis {i}", actor)
        record_ladder(resident, step=1 + i % 6, measured_on=dt.date(2020, 1, 1) + dt.timedelta(days=i), actor=actor)


def test_dossier_query_count_does_not_grow_with_history(caseworker_client, resident, caseworker):
    counts = []
    caseworker_client.get(dossier_url(resident))  # warm the process caches (active policy profile)
    for target in (1, 10, 50):
        _grow_history(resident, caseworker, target - resident.ladder_measurements.count())
        with CaptureQueriesContext(connection) as ctx:
            assert caseworker_client.get(dossier_url(resident)).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] == counts[2], counts


def test_caseload_query_count_does_not_grow_with_caseload(caseworker_client, caseworker, municipality, neighbourhood):
    counts = []
    caseworker_client.get(reverse("residents:caseload"))  # warm the process caches (active policy profile)
    for size in (1, 10, 50):
        while Resident.objects.filter(current_caseworker=caseworker).count() < size:
            r = ResidentFactory(municipality=municipality, neighbourhood=neighbourhood)
            assign_caseworker(r, caseworker, actor=caseworker)
        with CaptureQueriesContext(connection) as ctx:
            response = caseworker_client.get(reverse("residents:caseload"))
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] == counts[2], counts


def test_timeline_is_paginated(caseworker_client, resident, caseworker):
    for i in range(60):
        add_event(resident, "note", f"Notitie nummer {i}", caseworker)
    page = caseworker_client.get(dossier_url(resident)).text
    assert "Notitie nummer 59" in page and "Notitie nummer 5 " not in page
    more = caseworker_client.get(reverse("residents:timeline", args=[resident.public_id]), {"pagina": 3},
                                 HTTP_HX_REQUEST="true")
    assert more.status_code == 200 and "Notitie nummer 0" in more.text


def test_team_lead_reassigns_with_a_warm_handover(client, resident, team_lead, municipality, team, caseworker):
    new_cw = UserFactory(municipality=municipality, team=team, role=Role.CASEWORKER, first_name="Sanne",
                         last_name="de Vries")
    client.force_login(team_lead)
    response = client.post(
        reverse("residents:reassign", args=[resident.public_id]),
        {"caseworker": new_cw.pk, "reason": "Verlof", "handover_note": "Houdt van tuinieren; schulden in regeling."},
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.current_caseworker == new_cw
    history = list(resident.assignments.order_by("started_on", "id"))
    assert [a.caseworker for a in history] == [caseworker, new_cw]
    assert history[0].ended_on is not None and history[1].handover_note.startswith("Houdt van")
    overview = client.get(reverse("residents:team"))
    assert overview.status_code == 200 and "Sanne" in overview.text


def test_reassign_screen_proposes_the_earlier_caseworker_and_prefills_the_warm_handover(
        client, resident, team_lead, municipality, team, caseworker):
    other = UserFactory(municipality=municipality, team=team, role=Role.CASEWORKER, first_name="Sanne",
                        last_name="de Vries")
    assign_caseworker(resident, other, actor=team_lead, reason="Verlof")
    client.force_login(team_lead)
    page = client.get(reverse("residents:reassign", args=[resident.public_id]))
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["caseworker"] == caseworker.pk  # a familiar face first
    assert resident.first_name in form.initial["handover_note"]
    assert page.context["changes_last_year"] == 1
    assert "Warme overdracht" in page.text and "al 1 keer een andere klantmanager" in page.text
    assert AuditEntry.objects.filter(resident_id=resident.pk, actor=team_lead, action="view").exists()


def test_bsn_is_scrubbed_from_log_records(resident):
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "lookup failed for %s", (resident.bsn,), None)
    ScrubBSNFilter().filter(record)
    assert resident.bsn not in record.getMessage()


def test_caseworker_registers_a_new_resident_into_the_own_caseload(caseworker_client, caseworker, resident):
    url = reverse("residents:register")
    payload = edit_payload(resident, bsn="111222333", first_name="Kees", last_name="Bakker")
    payload.pop("version")
    duplicate = caseworker_client.post(url, {**payload, "bsn": resident.bsn})
    assert "Er is al een dossier met dit BSN" in duplicate.text
    response = caseworker_client.post(url, payload)
    assert response.status_code == 302
    new = Resident.objects.get(bsn="111222333")
    assert new.current_caseworker == caseworker and new.assignments.count() == 1
    assert response["Location"] == reverse("assessment:new", args=[new.public_id])
    assert "111222333" not in response["Location"]
    assert AuditEntry.objects.filter(action="create", resident_id=new.pk).exists()


def test_team_lead_sees_unassigned_residents_of_the_team_wijken(client, team_lead, team, municipality, neighbourhood):
    team.neighbourhoods.add(neighbourhood)
    waiting = ResidentFactory(municipality=municipality, neighbourhood=neighbourhood)
    elsewhere = ResidentFactory(municipality=municipality)  # another wijk, no caseworker
    client.force_login(team_lead)
    assert client.get(dossier_url(waiting)).status_code == 200
    assert client.get(dossier_url(elsewhere)).status_code == 403
    assert "1 persoon heeft geen klantmanager." in client.get(reverse("residents:team")).text


def test_continuity_counts_only_real_changes_of_caseworker(resident, team_lead, team, municipality, caseworker):
    from meedoen.policy.services import active_profile
    from meedoen.residents.caseload import team_overview

    profile = active_profile(municipality)
    rows = {row.caseworker: row for row in team_overview(team, profile)}
    assert rows[caseworker].changes_12m == 0  # the first assignment is no change
    new_cw = UserFactory(municipality=municipality, team=team, role=Role.CASEWORKER)
    assign_caseworker(resident, new_cw, actor=team_lead, reason="Verhuisd binnen de stad")
    rows = {row.caseworker: row for row in team_overview(team, profile)}
    assert rows[new_cw].changes_12m == 1 and rows[new_cw].total == 1 and rows[caseworker].total == 0


def test_older_timeline_without_javascript_is_a_full_page(caseworker_client, resident, caseworker):
    for i in range(30):
        add_event(resident, "note", f"Notitie nummer {i}", caseworker)
    page = caseworker_client.get(reverse("residents:timeline", args=[resident.public_id]), {"pagina": 2})
    assert page.status_code == 200 and "Overzicht" in page.text and "Notitie nummer 0" in page.text
