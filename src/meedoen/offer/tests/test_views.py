"""Offer screens: access by role and municipality (403 and audited), the catalogue's filters and query count, edits
with optimistic locking (409), the import screen, the dossier tab 'Aanbod' and the team lead's budgets."""
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meedoen.accounts.models import Role
from meedoen.audit.models import AuditEntry
from meedoen.offer import services
from meedoen.offer.models import Activity, ProvisionGrant
from meedoen.tests.factories import MunicipalityFactory, NeighbourhoodFactory, UserFactory

from .conftest import make_referral
from .factories import ActivityFactory, ProviderContractFactory, ProviderFactory
from .test_imports import csv_bytes, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(provider, neighbourhood):
    return ActivityFactory(provider=provider, neighbourhood=neighbourhood, title="Koffie in de buurtkamer",
                           category="social", capacity=2, tags=["koffie"])


@pytest.fixture
def foreign(presets):
    """An activity, provider and admin of another municipality."""
    other = MunicipalityFactory(name="Elders", code="9598", policy_key="amsterdam")
    provider = ProviderFactory(municipality=other)
    return {"activity": ActivityFactory(provider=provider), "provider": provider,
            "admin": UserFactory(municipality=other, team=None, role=Role.ADMINISTRATOR)}


def login(client, user):
    client.force_login(user)
    return client


# -- access -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.NEIGHBOURHOOD_WORKER, Role.PROVIDER_STAFF, Role.ANALYST, Role.RESIDENT])
def test_roles_without_the_catalogue_get_403_and_are_audited(client, municipality, activity, role):
    login(client, UserFactory(municipality=municipality, role=role))
    for url in (reverse("offer:catalogue"), reverse("offer:activity", args=[activity.pk])):
        assert client.get(url).status_code == 403
    assert AuditEntry.objects.filter(action="denied").count() == 2


@pytest.mark.parametrize("name,method", [
    ("activity_create", "get"), ("activity_create", "post"), ("import", "get"), ("import", "post"),
    ("import_template", "get"),
])
def test_only_the_administrator_changes_the_catalogue(client, caseworker, team_lead, name, method):
    for user in (caseworker, team_lead):
        login(client, user)
        assert getattr(client, method)(reverse(f"offer:{name}")).status_code == 403
    assert AuditEntry.objects.filter(action="denied", actor__in=[caseworker, team_lead]).count() == 2
    assert not Activity.objects.exists()


def test_caseworker_cannot_edit_an_activity_or_see_providers(client, caseworker, activity, provider):
    login(client, caseworker)
    assert client.post(reverse("offer:activity_edit", args=[activity.pk]), {"title": "X"}).status_code == 403
    assert client.get(reverse("offer:providers")).status_code == 403
    assert client.get(reverse("offer:provider", args=[provider.pk])).status_code == 403
    assert client.get(reverse("offer:team_budget")).status_code == 403
    assert AuditEntry.objects.filter(action="denied", actor=caseworker).count() == 4
    activity.refresh_from_db()
    assert activity.version == 1


def test_another_municipalitys_activity_and_provider_are_refused_and_audited(client, administrator, foreign):
    login(client, administrator)
    for url in (reverse("offer:activity", args=[foreign["activity"].pk]),
                reverse("offer:activity_edit", args=[foreign["activity"].pk]),
                reverse("offer:provider", args=[foreign["provider"].pk])):
        assert client.get(url).status_code == 403
    denied = AuditEntry.objects.filter(action="denied", actor=administrator)
    assert {(d.object_type, d.detail["reason"]) for d in denied} == {("offer.Activity", "municipality"),
                                                                    ("offer.Provider", "municipality")}
    assert client.get(reverse("offer:activity", args=[999999])).status_code == 404


def test_the_catalogue_never_lists_another_municipalitys_activities(client, caseworker, activity, foreign):
    login(client, caseworker)
    response = client.get(reverse("offer:catalogue"))
    assert list(response.context["page"].object_list) == [activity]


def test_a_caseworker_outside_the_team_cannot_open_the_provisions_tab(client, resident, outside_caseworker, training):
    login(client, outside_caseworker)
    url = reverse("offer:resident", args=[resident.public_id])
    assert client.get(url).status_code == 403
    assert client.post(url, {"provision_type": training.pk, "amount": "100", "reason": "x"}).status_code == 403
    assert AuditEntry.objects.filter(action="denied", resident_id=resident.pk).count() == 2
    assert not ProvisionGrant.objects.exists()


def test_grant_actions_of_someone_outside_the_team_are_refused(client, resident, caseworker, outside_caseworker,
                                                               trajectory):
    grant = services.request_grant(resident, provision_type=trajectory, amount=Decimal("1200"), reason="x",
                                   actor=caseworker)
    login(client, outside_caseworker)
    for name, data in (("grant_decide", {"decision": "approve", "version": 1}), ("grant_spend", {"spent": "1",
                                                                                                 "version": 1}),
                       ("grant_cancel", {"version": 1})):
        assert client.post(reverse(f"offer:{name}", args=[grant.pk]), data).status_code == 403
    assert AuditEntry.objects.filter(action="denied", resident_id=resident.pk).count() == 3
    grant.refresh_from_db()
    assert grant.status == "requested" and grant.version == 1


# -- catalogue --------------------------------------------------------------------------------------------------------


def test_catalogue_filters_by_text_category_neighbourhood_provider_and_free_places(client, caseworker, activity,
                                                                                   provider, resident, municipality):
    other_wijk = NeighbourhoodFactory(municipality=municipality, name="Charlois")
    sport = ActivityFactory(provider=ProviderFactory(municipality=municipality), category="movement",
                            neighbourhood=other_wijk, title="Wandelgroep")
    ActivityFactory(provider=provider, active=False, title="Gestopt")
    for _ in range(2):
        make_referral(resident, provider, caseworker, activity=activity, status="placed")
    login(client, caseworker)

    def titles(**params):
        response = client.get(reverse("offer:catalogue"), params)
        assert response.status_code == 200
        return [a.title for a in response.context["page"].object_list]

    assert titles() == ["Koffie in de buurtkamer", "Wandelgroep"]  # inactive ones are not offered
    assert titles(q="koffie") == ["Koffie in de buurtkamer"]
    assert titles(category="movement") == ["Wandelgroep"]
    assert titles(neighbourhood=other_wijk.pk) == ["Wandelgroep"]
    assert titles(provider=provider.pk) == ["Koffie in de buurtkamer"]
    assert titles(free="on") == ["Wandelgroep"]  # the coffee morning's 2 places are taken
    assert sport.pk
    entry = AuditEntry.objects.filter(action="view", screen="offer:catalogue").first()
    assert entry.detail["part"] == "catalogue"


@pytest.mark.parametrize("n", [1, 10, 50])
def test_catalogue_query_count_does_not_grow_with_the_number_of_activities(client, caseworker, provider, n):
    for i in range(n):
        ActivityFactory(provider=provider, title=f"Activiteit {i:03d}")
    login(client, caseworker)
    client.get(reverse("offer:catalogue"))  # warm caches (session, profile)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("offer:catalogue")).status_code == 200
    assert len(ctx) <= 12


def test_activity_detail_shows_taken_and_free_places(client, caseworker, activity, resident, provider):
    make_referral(resident, provider, caseworker, activity=activity, status="intake_planned")
    login(client, caseworker)
    response = client.get(reverse("offer:activity", args=[activity.pk]))
    assert (response.context["taken"], response.context["free"]) == (1, 1)
    assert "Je helpt in de buurtkamer." in response.content.decode()


# -- create, edit, conflict -------------------------------------------------------------------------------------------


def activity_post(provider, **overrides):
    data = {"code": "NEW-1", "title": "Buurttuin", "category": "volunteering", "provider": provider.pk,
            "description": "Je werkt in de buurttuin.", "tags": "tuin, buiten", "days": ["mon", "thu"],
            "min_hours_per_week": "4", "max_hours_per_week": "8,5", "capacity": "6", "min_language_level": "none",
            "physical_load": "medium", "pays_per_month": "0", "active": "on"}
    data.update(overrides)
    return data


def test_administrator_creates_an_activity(client, administrator, provider):
    login(client, administrator)
    response = client.post(reverse("offer:activity_create"), activity_post(provider))
    activity = Activity.objects.get(code="NEW-1")
    assert response.status_code == 302
    assert activity.tags == ["tuin", "buiten"] and activity.days == ["mon", "thu"]
    assert activity.max_hours_per_week == Decimal("8.5")
    assert AuditEntry.objects.filter(action="create", object_type="offer.Activity").exists()


def test_a_bad_activity_is_refused_with_the_message_next_to_the_field(client, administrator, provider, activity):
    login(client, administrator)
    response = client.post(reverse("offer:activity_create"),
                           activity_post(provider, max_hours_per_week="2", code=activity.code))
    assert response.status_code == 200
    assert "max_hours_per_week" in response.context["form"].errors
    assert Activity.objects.count() == 1


def test_a_stale_edit_gets_409_with_a_clear_message_and_is_audited(client, administrator, provider, activity):
    login(client, administrator)
    url = reverse("offer:activity_edit", args=[activity.pk])
    first = activity_post(provider, code=activity.code, title="Eerste wijziging", version=1)
    assert client.post(url, first).status_code == 302
    stale = activity_post(provider, code=activity.code, title="Tweede wijziging", version=1)
    response = client.post(url, stale)
    assert response.status_code == 409
    assert "Iemand anders heeft dit opgeslagen" in response.content.decode()
    activity.refresh_from_db()
    assert (activity.title, activity.version) == ("Eerste wijziging", 2)
    assert AuditEntry.objects.filter(action="conflict", object_id=str(activity.pk)).exists()


# -- import screen ----------------------------------------------------------------------------------------------------


def upload(data, name="aanbod.csv"):
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_import_screen_shows_each_bad_row_and_saves_nothing(client, administrator, provider, neighbourhood):
    login(client, administrator)
    data = csv_bytes([row("VW-1"), row("VW-2", category="toneel")])
    response = client.post(reverse("offer:import"), {"file": upload(data), "mode": "import"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="import-errors"' in html and "Onbekende soort" in html and "Er is niets opgeslagen." in html
    assert not Activity.objects.exists()
    entry = AuditEntry.objects.filter(actor=administrator, detail__part="activity import").first()
    assert entry.detail["errors"] == 1 and entry.detail["saved"] is False


def test_import_screen_checks_then_imports(client, administrator, provider, neighbourhood):
    login(client, administrator)
    data = csv_bytes([row("VW-1"), row("VW-2")])
    check = client.post(reverse("offer:import"), {"file": upload(data), "mode": "check"})
    assert check.status_code == 200 and not Activity.objects.exists()
    assert "Er is nog niets opgeslagen" in check.content.decode()
    done = client.post(reverse("offer:import"), {"file": upload(data), "mode": "import"})
    assert done.status_code == 200 and Activity.objects.count() == 2
    assert AuditEntry.objects.filter(action="create", detail__part="activity import").exists()


def test_the_template_download_is_a_semicolon_csv_with_bom(client, administrator, provider):
    login(client, administrator)
    response = client.get(reverse("offer:import_template"))
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeffCode;Naam;Soort;Partner".encode())
    assert provider.name in response.content.decode("utf-8-sig")


# -- providers --------------------------------------------------------------------------------------------------------


def test_team_lead_sees_provider_progress(client, team_lead, provider, resident, caseworker, today):
    ProviderContractFactory(provider=provider, placements_per_year=200)
    make_referral(resident, provider, caseworker, status="placed", placed_on=today)
    login(client, team_lead)
    assert client.get(reverse("offer:providers")).status_code == 200
    response = client.get(reverse("offer:provider", args=[provider.pk]))
    (progress,) = response.context["progress"]
    assert progress.placements == 1 and progress.target_to_date > 100
    assert "achter op schema" in response.content.decode()
    assert response.context["staff"] == []  # staff accounts: for the administrator only


def test_administrator_sees_the_providers_staff_accounts(client, administrator, provider, municipality):
    staff = UserFactory(municipality=municipality, team=None, role=Role.PROVIDER_STAFF, provider=provider)
    login(client, administrator)
    assert client.get(reverse("offer:provider", args=[provider.pk])).context["staff"] == [staff]


# -- the dossier tab and the team's budgets ---------------------------------------------------------------------------


def test_provisions_tab_shows_the_budget_and_a_request_form(client, caseworker, resident, training):
    services.request_grant(resident, provision_type=training, amount=Decimal("450"), reason="Cursus",
                           actor=caseworker)
    login(client, caseworker)
    response = client.get(reverse("offer:resident", args=[resident.public_id]))
    html = response.content.decode()
    assert response.status_code == 200 and response.context["dossier_tab"] == "offer"
    assert "€\u00a01.550,00" in html and "Sollicitatietraining" in html
    assert {t["key"] for t in response.context["dossier_tabs"]} >= {"offer"}
    assert resident.bsn not in html
    assert AuditEntry.objects.filter(action="view", resident_id=resident.pk, detail__part="provisions").exists()


def test_a_request_above_the_budget_is_refused_on_the_form(client, caseworker, resident, training):
    login(client, caseworker)
    response = client.post(reverse("offer:resident", args=[resident.public_id]),
                           {"provision_type": training.pk, "amount": "750,00", "reason": "Cursus"})
    assert response.status_code == 400
    assert "maximum € 500,00" in " ".join(response.context["form"].errors["amount"])
    assert not ProvisionGrant.objects.exists()


def test_request_then_second_approval_by_the_team_lead_from_the_budget_page(client, caseworker, team_lead, resident,
                                                                            trajectory):
    login(client, caseworker)
    response = client.post(reverse("offer:resident", args=[resident.public_id]),
                           {"provision_type": trajectory.pk, "amount": "1.200,00", "reason": "Ritme opbouwen"})
    assert response.status_code == 302
    grant = ProvisionGrant.objects.get()
    assert grant.status == "requested" and grant.amount == Decimal("1200.00")
    # the requester's own attempt to approve is refused with a message
    client.post(reverse("offer:grant_decide", args=[grant.pk]), {"decision": "approve", "version": 1})
    grant.refresh_from_db()
    assert grant.status == "requested"

    login(client, team_lead)
    page = client.get(reverse("offer:team_budget"))
    assert [g.pk for g in page.context["pending"]] == [grant.pk]
    next_url = page.context["next"]
    response = client.post(reverse("offer:grant_decide", args=[grant.pk]),
                           {"decision": "approve", "version": 1, "note": "Akkoord", "next": next_url})
    assert response.status_code == 302 and response.url == next_url
    grant.refresh_from_db()
    assert grant.status == "approved" and grant.approved_by == team_lead
    assert AuditEntry.objects.filter(action="update", object_type="offer.ProvisionGrant").exists()


def test_a_stale_decision_is_refused_and_audited_as_a_conflict(client, caseworker, colleague, team_lead, resident,
                                                               trajectory):
    grant = services.request_grant(resident, provision_type=trajectory, amount=Decimal("1200"), reason="x",
                                   actor=caseworker)
    services.decide_grant(grant, approve=True, actor=colleague, expected_version=1)
    login(client, team_lead)
    response = client.post(reverse("offer:grant_decide", args=[grant.pk]),
                           {"decision": "reject", "version": 1, "note": "Nee"}, follow=True)
    assert "Iemand anders heeft dit opgeslagen" in response.content.decode()
    assert AuditEntry.objects.filter(action="conflict", object_type="offer.ProvisionGrant").exists()
    grant.refresh_from_db()
    assert grant.status == "approved"


def test_a_next_url_to_another_site_is_ignored(client, caseworker, resident, training):
    grant = services.request_grant(resident, provision_type=training, amount=Decimal("100"), reason="x",
                                   actor=caseworker)
    login(client, caseworker)
    response = client.post(reverse("offer:grant_spend", args=[grant.pk]),
                           {"spent": "80", "version": 1, "next": "https://example.com/"})
    assert response.url == reverse("offer:resident", args=[resident.public_id])


def test_team_budget_shows_only_the_own_teams_residents(client, team_lead, resident, caseworker, training,
                                                        municipality, outside_caseworker):
    from meedoen.residents.services import assign_caseworker
    from meedoen.tests.factories import ResidentFactory

    services.request_grant(resident, provision_type=training, amount=Decimal("300"), reason="x", actor=caseworker)
    elsewhere = ResidentFactory(municipality=municipality, neighbourhood=resident.neighbourhood)
    assign_caseworker(elsewhere, outside_caseworker, actor=outside_caseworker)
    services.request_grant(elsewhere, provision_type=training, amount=Decimal("200"), reason="x",
                           actor=outside_caseworker)
    login(client, team_lead)
    response = client.get(reverse("offer:team_budget"), {"jaar": "2026"})
    assert [r.resident for r in response.context["overview"]["residents"]] == [resident]
    assert response.context["overview"]["total"].used == Decimal("300.00")
    assert elsewhere.last_name not in response.content.decode()


@pytest.mark.parametrize("n", [1, 10, 30])
def test_team_budget_query_count_does_not_grow_with_the_number_of_residents(client, team_lead, caseworker, training,
                                                                            municipality, neighbourhood, n):
    from meedoen.residents.services import assign_caseworker
    from meedoen.tests.factories import ResidentFactory

    for _ in range(n):
        person = ResidentFactory(municipality=municipality, neighbourhood=neighbourhood)
        assign_caseworker(person, caseworker, actor=caseworker)
        services.request_grant(person, provision_type=training, amount=Decimal("100"), reason="x", actor=caseworker)
    login(client, team_lead)
    client.get(reverse("offer:team_budget"))  # warm caches (session, profile)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("offer:team_budget"))
    assert response.context["overview"]["total"].residents == n
    assert len(ctx) <= 12
