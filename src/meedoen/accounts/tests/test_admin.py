"""The admin is for configuration and users only (issue 12, finding 1): no dossier, no rights escalation, API tokens
only from a superuser, with an expiry, audited."""
import datetime as dt

import pytest
import time_machine
from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

from meedoen.accounts import tokens
from meedoen.accounts.models import ApiToken, Role, User
from meedoen.accounts.roles import ADMINISTRATOR_GROUP, sync_administrator_group
from meedoen.admin_site import MeedoenAdminSite, leads_to_resident, registered_models
from meedoen.audit.models import AuditEntry
from meedoen.organisation.models import Neighbourhood
from meedoen.residents.models import Resident
from meedoen.tests.factories import MunicipalityFactory, NeighbourhoodFactory, ResidentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def beheerder(municipality):
    user = UserFactory(username="beheerder", municipality=municipality, role=Role.ADMINISTRATOR, is_staff=True)
    user.groups.add(sync_administrator_group())
    return user


@pytest.fixture
def superuser(municipality):
    return UserFactory(username="applicatiebeheer", municipality=municipality, role=Role.ADMINISTRATOR,
                       is_staff=True, is_superuser=True)


def test_no_model_in_the_admin_leads_to_a_resident():
    models = registered_models()
    assert {m._meta.label for m in models} >= {"policy.PolicyProfile", "organisation.Neighbourhood", "accounts.User"}
    offenders = [m._meta.label for m in models if m is not User and leads_to_resident(m)]
    assert offenders == []


def test_the_admin_site_refuses_to_register_a_dossier_model():
    site = MeedoenAdminSite(name="probe")
    with pytest.raises(ImproperlyConfigured):
        site.register(Resident)
    from meedoen.guidance.models import Task
    from meedoen.outreach.models import Invitation

    with pytest.raises(ImproperlyConfigured):
        site.register(Task)
    with pytest.raises(ImproperlyConfigured):
        site.register(Invitation)  # through its outreach


def test_a_dossier_is_not_reachable_in_the_admin_even_for_a_superuser(client, superuser, resident):
    client.force_login(superuser)
    for path in ("/beheer/residents/resident/", f"/beheer/residents/resident/{resident.pk}/change/",
                 f"/beheer/residents/resident/{resident.pk}/delete/", "/beheer/guidance/task/"):
        assert client.get(path).status_code == 404, path
    assert not admin.site.is_registered(Resident)


def test_user_admin_lists_staff_only_never_residents_accounts(client, superuser, resident):
    UserFactory(username="inwoner-jansen", role=Role.RESIDENT, resident=resident, municipality=resident.municipality,
                first_name="Fatima", last_name="Jansen")
    client.force_login(superuser)
    page = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "applicatiebeheer" in page
    assert "inwoner-jansen" not in page and "Jansen" not in page


def test_beheerder_cannot_give_rights_to_a_colleague_or_themself(client, beheerder, caseworker):
    client.force_login(beheerder)
    page = client.get(reverse("admin:accounts_user_change", args=[caseworker.pk]))
    assert page.status_code == 200
    form = page.context["adminform"].form
    for field in ("is_superuser", "is_staff", "groups", "user_permissions"):
        assert field not in form.fields
    for target in (caseworker, beheerder):
        data = {"username": target.username, "first_name": "B", "last_name": "B", "role": Role.CASEWORKER,
                "is_active": "on", "is_superuser": "on", "is_staff": "on", "date_joined_0": "2026-01-01",
                "date_joined_1": "10:00:00"}
        client.post(reverse("admin:accounts_user_change", args=[target.pk]), data)
        target.refresh_from_db()
        assert not target.is_superuser
    assert beheerder.role == Role.ADMINISTRATOR  # their own account is not in their list at all


def test_beheerder_sees_and_adds_staff_only_in_the_own_municipality(client, beheerder):
    elsewhere = MunicipalityFactory(name="Elders", code="9998")
    UserFactory(username="collega-elders", municipality=elsewhere, role=Role.CASEWORKER)
    NeighbourhoodFactory(municipality=elsewhere, name="Wijk Elders")
    client.force_login(beheerder)
    assert "collega-elders" not in client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "Wijk Elders" not in client.get(reverse("admin:organisation_neighbourhood_changelist")).content.decode()
    form = client.get(reverse("admin:accounts_user_add")).context["adminform"].form
    assert Role.RESIDENT not in [value for value, _label in form.fields["role"].choices]


def test_deleting_a_wijk_shows_counts_not_the_residents_names(client, superuser, resident):
    client.force_login(superuser)
    page = client.get(reverse("admin:organisation_neighbourhood_delete", args=[resident.neighbourhood_id]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Jansen" not in body and "Fatima" not in body


def test_only_a_superuser_makes_api_tokens_and_it_is_audited(client, beheerder, superuser, caseworker):
    client.force_login(beheerder)
    assert client.get(reverse("admin:accounts_apitoken_add")).status_code == 403
    assert AuditEntry.objects.filter(actor=beheerder, action=AuditEntry.Action.DENIED).exists()
    with pytest.raises(tokens.TokenNotAllowed):
        tokens.issue(user=caseworker, name="x", days=30, issued_by=beheerder)

    client.force_login(superuser)
    response = client.post(reverse("admin:accounts_apitoken_add"),
                           {"user": caseworker.pk, "name": "koppeling DMS", "days": 30}, follow=True)
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert token.user == caseworker and token.created_by == superuser
    assert dt.timedelta(days=29) < token.expires_at - timezone.now() <= dt.timedelta(days=30)
    shown = [str(m) for m in response.context["messages"]]
    key = shown[0].split("De sleutel is: ")[1].split(" ")[0]
    assert tokens.digest(key) == token.key_digest and key not in token.key_digest
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_type="accounts.ApiToken",
                                     object_id=str(token.pk), actor=superuser).exists()


def test_a_token_longer_than_a_year_is_refused(superuser, caseworker):
    with pytest.raises(tokens.TokenNotAllowed):
        tokens.issue(user=caseworker, name="x", days=ApiToken.MAX_DAYS + 1, issued_by=superuser)


def test_an_expired_or_revoked_token_no_longer_opens_the_api(client, superuser, caseworker, resident):
    token, key = tokens.issue(user=caseworker, name="koppeling", days=1, issued_by=superuser)
    url = reverse("api:resident-list")
    assert client.get(url, HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        assert client.get(url, HTTP_AUTHORIZATION=f"Token {key}").status_code in (401, 403)
    tokens.revoke(token, revoked_by=superuser)
    assert client.get(url, HTTP_AUTHORIZATION=f"Token {key}").status_code in (401, 403)
    assert client.get(url, HTTP_AUTHORIZATION="Token niet-bestaand").status_code in (401, 403)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DELETE, object_type="accounts.ApiToken").exists()


def test_a_residents_account_gets_no_token(superuser, resident):
    account = UserFactory(username="inwoner-x", role=Role.RESIDENT, resident=resident,
                          municipality=resident.municipality)
    with pytest.raises(tokens.TokenNotAllowed):
        tokens.issue(user=account, name="x", days=30, issued_by=superuser)


def test_administrator_group_follows_the_code():
    group = sync_administrator_group()
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"change_policyprofile", "add_neighbourhood", "view_auditentry", "change_user"} <= codenames
    assert not {"add_apitoken", "view_apitoken", "change_group"} & codenames
    assert group.name == ADMINISTRATOR_GROUP


def test_admin_pages_are_audited(client, superuser):
    client.force_login(superuser)
    NeighbourhoodFactory(municipality=superuser.municipality, name="Charlois")
    client.get(reverse("admin:organisation_neighbourhood_changelist"))
    assert AuditEntry.objects.filter(actor=superuser, screen="admin:organisation_neighbourhood_changelist").exists()
    assert Neighbourhood.objects.exists()


def test_a_resident_factory_resident_is_not_listed_by_a_config_page(client, superuser):
    ResidentFactory(municipality=superuser.municipality, last_name="Onzichtbaar")
    client.force_login(superuser)
    assert "Onzichtbaar" not in client.get(reverse("admin:index")).content.decode()


def test_beheerder_cannot_take_over_a_superuser_or_another_administrator(client, beheerder, superuser):
    colleague = UserFactory(username="beheerder-2", municipality=beheerder.municipality, role=Role.ADMINISTRATOR,
                            is_staff=True)
    client.force_login(beheerder)
    listing = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "applicatiebeheer" not in listing and "beheerder-2" not in listing
    for target in (superuser, colleague, beheerder):
        password_url = reverse("admin:auth_user_password_change", args=[target.pk])
        response = client.post(password_url, {"password1": "Nieuw-wachtwoord-987", "password2": "Nieuw-wachtwoord-987"})
        assert response.status_code in (302, 403, 404)
        target.refresh_from_db()
        assert not target.check_password("Nieuw-wachtwoord-987"), target.username
        assert client.get(reverse("admin:accounts_user_change", args=[target.pk])).status_code in (302, 404)


def test_beheerder_cannot_make_anyone_an_administrator_or_a_resident(client, beheerder, caseworker):
    client.force_login(beheerder)
    form = client.get(reverse("admin:accounts_user_change", args=[caseworker.pk])).context["adminform"].form
    roles = {value for value, _label in form.fields["role"].choices}
    assert Role.ADMINISTRATOR not in roles and Role.RESIDENT not in roles and Role.CASEWORKER in roles


def test_beheerder_cannot_wipe_the_app_of_a_superuser(client, beheerder, superuser):
    from meedoen.accounts import two_factor

    assert not two_factor.can_reset(beheerder, superuser)


def test_no_api_token_for_a_superuser(superuser):
    other = UserFactory(username="super-2", municipality=superuser.municipality, role=Role.ADMINISTRATOR,
                        is_staff=True, is_superuser=True)
    with pytest.raises(tokens.TokenNotAllowed):
        tokens.issue(user=other, name="x", days=30, issued_by=superuser)


def test_a_refused_api_key_is_audited_by_its_prefix(client):
    response = client.get(reverse("api:resident-list"), HTTP_AUTHORIZATION="Token gelektesleutel123")
    assert response.status_code == 401
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DENIED)
    assert entry.detail["prefix"] == "gelektes" and "gelektesleutel123" not in str(entry.detail)


def test_login_records_of_every_municipality_are_for_a_superuser_only():
    group = sync_administrator_group()
    assert not group.permissions.filter(content_type__app_label="axes").exists()
