"""The one audit layer (meedoen.audit.middleware): refusals, reads and lists leave a trace even where a view forgets."""
import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from meedoen.accounts.models import Role
from meedoen.audit import services as audit
from meedoen.audit.middleware import AuditMiddleware
from meedoen.audit.models import AuditEntry
from meedoen.tests.factories import ResidentFactory, UserFactory

pytestmark = pytest.mark.django_db


def _run(request, view, *, exempt=False):
    """Run `view` through the middleware the way Django does (exceptions become responses before it sees them)."""
    if exempt:
        view = audit.no_personal_data(view)

    def get_response(req):
        middleware.process_view(req, view, (), {})
        try:
            return view(req)
        except PermissionDenied:
            return HttpResponse(status=403)

    middleware = AuditMiddleware(get_response)
    request.resolver_match = type("Match", (), {"view_name": "probe:view", "kwargs": {"pk": 1}, "args": ()})()
    return middleware(request)


@pytest.fixture
def request_as(caseworker):
    def make(method="get", path="/probe/1/"):
        request = getattr(RequestFactory(), method)(path)
        request.user = caseworker
        return request
    return make


def test_a_refusal_the_view_did_not_log_is_logged(request_as, caseworker):
    def view(request):
        raise PermissionDenied

    response = _run(request_as(), view)
    assert response.status_code == 403
    entry = AuditEntry.objects.get()
    assert entry.action == AuditEntry.Action.DENIED and entry.actor == caseworker
    assert entry.detail["by"] == "middleware" and entry.screen == "probe:view"


def test_a_refusal_logged_inside_a_rolled_back_transaction_is_logged_again(request_as):
    def view(request):
        with transaction.atomic():
            audit.record(request, AuditEntry.Action.DENIED, detail={"by": "view"})
            raise PermissionDenied

    _run(request_as(), view)
    assert list(AuditEntry.objects.values_list("detail__by", flat=True)) == ["middleware"]


def test_a_refusal_the_view_logged_is_not_logged_twice(request_as):
    def view(request):
        audit.record(request, AuditEntry.Action.DENIED, detail={"by": "view"})
        raise PermissionDenied

    _run(request_as(), view)
    assert AuditEntry.objects.count() == 1


def test_a_probe_for_an_unknown_id_is_logged(request_as):
    _run(request_as(), lambda request: HttpResponse(status=404))
    assert AuditEntry.objects.get().detail["reason"] == "not_found"


def test_a_page_that_logged_nothing_is_logged_with_the_dossier_the_access_layer_opened(request_as, resident):
    def view(request):
        audit.note_resident(request, resident)
        return HttpResponse("dossier")

    _run(request_as(), view)
    entry = AuditEntry.objects.get()
    assert entry.action == AuditEntry.Action.VIEW and entry.resident_id == resident.pk


def test_a_list_names_the_residents_it_showed(request_as, resident):
    def view(request):
        audit.note_shown(request, [resident, resident.pk])
        return HttpResponse("lijst")

    _run(request_as(), view)
    assert AuditEntry.objects.get().detail["shown"] == [resident.pk]


def test_a_post_that_redirects_without_a_log_is_an_update(request_as):
    _run(request_as("post"), lambda request: HttpResponse(status=302))
    assert AuditEntry.objects.get().action == AuditEntry.Action.UPDATE


def test_a_page_marked_without_personal_data_is_not_logged_but_refusals_are(request_as):
    _run(request_as(), lambda request: HttpResponse("catalogus"), exempt=True)
    assert not AuditEntry.objects.exists()
    _run(request_as(), lambda request: HttpResponse(status=403), exempt=True)
    assert AuditEntry.objects.get().action == AuditEntry.Action.DENIED


def test_a_redirect_on_get_is_not_a_read(request_as):
    _run(request_as(), lambda request: HttpResponse(status=302))
    assert not AuditEntry.objects.exists()


def test_team_leads_caseload_view_names_the_residents_shown(client, team_lead, caseworker, resident):
    other = ResidentFactory(municipality=resident.municipality, neighbourhood=resident.neighbourhood)
    from meedoen.residents.services import assign_caseworker

    assign_caseworker(other, caseworker, actor=caseworker, reason="Eerste toewijzing")
    client.force_login(team_lead)
    response = client.get(reverse("residents:caseworker_caseload", args=[caseworker.pk]))
    assert response.status_code == 200
    entry = AuditEntry.objects.get(actor=team_lead)
    assert entry.action == AuditEntry.Action.VIEW
    assert sorted(entry.detail["shown"]) == sorted([resident.pk, other.pk])


def test_assessment_form_with_health_values_is_a_logged_read(client, caseworker, resident):
    client.force_login(caseworker)
    response = client.get(reverse("assessment:new", args=[resident.public_id]))
    assert response.status_code == 200
    assert AuditEntry.objects.filter(actor=caseworker, resident_id=resident.pk,
                                     action=AuditEntry.Action.VIEW).exists()


def test_another_teams_worklist_refusal_is_logged(client, caseworker, outside_caseworker):
    client.force_login(caseworker)
    response = client.get(reverse("guidance:caseworker_worklist", args=[outside_caseworker.pk]))
    assert response.status_code in (403, 404)
    assert AuditEntry.objects.filter(actor=caseworker, action=AuditEntry.Action.DENIED).exists()


def test_every_page_is_not_stored_in_a_cache(client, caseworker, resident):
    client.force_login(caseworker)
    response = client.get(reverse("residents:dossier", args=[resident.public_id]))
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "no-store" in client.get(reverse("accounts:login"))["Cache-Control"]


def test_an_api_probe_for_another_municipalitys_dossier_is_logged(client, caseworker):
    from meedoen.tests.factories import MunicipalityFactory

    elsewhere = ResidentFactory(municipality=MunicipalityFactory(name="Elders", code="9997"))
    client.force_login(caseworker)
    response = client.get(reverse("api:resident-detail", args=[elsewhere.public_id]))
    assert response.status_code in (403, 404)
    assert AuditEntry.objects.filter(actor=caseworker, action=AuditEntry.Action.DENIED).exists()


def test_a_form_re_shown_with_errors_as_400_or_409_is_a_logged_read(request_as):
    for status in (400, 409):
        _run(request_as("post"), lambda request, status=status: HttpResponse("dossier met fout", status=status))
    assert AuditEntry.objects.filter(action=AuditEntry.Action.VIEW).count() == 2


def test_search_results_name_the_residents_shown(client, caseworker, resident):
    client.force_login(caseworker)
    response = client.post(reverse("residents:search"), {"name": resident.last_name})
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SEARCH)
    assert entry.detail["shown"] == [resident.pk]


def test_a_functioneel_beheerder_reads_only_the_own_municipalitys_trail(client, caseworker, municipality):
    from meedoen.tests.factories import MunicipalityFactory

    elsewhere = MunicipalityFactory(name="Elders", code="9996")
    stranger = UserFactory(username="klantmanager-elders", municipality=elsewhere, role=Role.CASEWORKER)
    audit.record(None, AuditEntry.Action.VIEW, user=caseworker, screen="hier")
    audit.record(None, AuditEntry.Action.VIEW, user=stranger, screen="elders")
    beheerder = UserFactory(municipality=municipality, role=Role.ADMINISTRATOR)
    client.force_login(beheerder)
    page = client.get(reverse("audit:list")).content.decode()
    assert "klantmanager-elders" not in page and caseworker.username in page
