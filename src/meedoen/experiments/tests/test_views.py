"""Screens and API: who may see and do what, the balance and results tables, the preregistration download, the
staff questionnaire and the resident's own questionnaire, all audited."""
import datetime as dt

import pytest
from django.urls import reverse

from meedoen.accounts.models import Role
from meedoen.audit.models import AuditEntry
from meedoen.experiments import services
from meedoen.experiments.models import Arm, Consent, Experiment, QuestionnaireResponse
from meedoen.tests.factories import MunicipalityFactory, UserFactory

from .test_services import EXTRA, amsterdam, assignment_map, make_residents

pytestmark = pytest.mark.django_db

ANSWERS = {"wellbeing": "7", "health": "3", "caseworker_grade": "8", "participation_hours": "4,5", "paid_hours": "0"}


@pytest.fixture
def running(municipality, neighbourhood, caseworker, analyst, today):
    people = make_residents(municipality, neighbourhood, caseworker, 6, today)
    experiment = amsterdam(municipality, analyst)
    for person in people:
        services.record_consent(experiment, person, status=Consent.Status.GIVEN, actor=caseworker)
    services.randomise(experiment, actor=analyst)
    return experiment, people


def test_analyst_defines_an_experiment_and_its_arms_through_the_screens(analyst_client, municipality):
    response = analyst_client.post(reverse("experiments:new"), {
        "name": "Bijverdienpremie", "hypothesis": "Een premie verdubbelt het vinden van werk.",
        "strata": ["segment"], "eligibility": '[{"field": "age", "op": "gte", "value": 27}]',
        "consent_required": "on", "seed": "12345", "t0": "2026-05-01", "t1": "2026-11-01"})
    experiment = Experiment.objects.get(name="Bijverdienpremie")
    assert response.status_code == 302 and experiment.seed == 12345 and experiment.waves.count() == 2
    url = reverse("experiments:arm_new", args=[experiment.pk])
    bad = analyst_client.post(url, {"code": "premie", "name": "Premie", "weight": "1",
                                    "parameters": '{"premium": {"rate": "0.9", "max_per_month": "200", "months": 6}}'})
    assert bad.status_code == 200 and "tussen 0 en 0.5" in bad.content.decode()
    ok = analyst_client.post(url, {"code": "premie", "name": "Premie", "weight": "1",
                                   "parameters": '{"premium": {"rate": "0.50", "max_per_month": "200", "months": 6}}'})
    assert ok.status_code == 302 and Arm.objects.filter(experiment=experiment, code="premie").exists()
    broken = analyst_client.post(url, {"code": "x", "name": "X", "weight": "1", "parameters": "{niet: json"})
    assert "geen geldige JSON" in broken.content.decode()


def test_detail_shows_balance_consent_waves_and_is_audited(analyst_client, running):
    experiment, people = running
    page = analyst_client.get(reverse("experiments:detail", args=[experiment.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="balance"' in html and "segment=kansarm" in html and str(experiment.seed) in html
    assert "Toestemming gegeven: <strong>6</strong>" in html
    for person in people:  # counts only: no names on the research screens
        assert person.last_name not in html
    assert AuditEntry.objects.filter(object_type="experiments.Experiment", action=AuditEntry.Action.VIEW).exists()


def test_preregistration_downloads_as_a_markdown_file(analyst_client, running):
    experiment, _people = running
    response = analyst_client.get(reverse("experiments:preregistration", args=[experiment.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/markdown")
    assert "attachment;" in response["Content-Disposition"]
    assert "Vitamine A" in response.content.decode()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, object_type="experiments.Experiment").exists()


def test_team_lead_reads_but_cannot_change_and_a_caseworker_is_refused(client, running, team_lead, caseworker):
    experiment, _people = running
    client.force_login(team_lead)
    assert client.get(reverse("experiments:detail", args=[experiment.pk])).status_code == 200
    assert client.post(reverse("experiments:close", args=[experiment.pk])).status_code == 403
    client.force_login(caseworker)
    assert client.get(reverse("experiments:list")).status_code == 403
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DENIED, actor=caseworker).exists()


def test_analyst_of_another_municipality_gets_404(client, running, presets):
    experiment, _people = running
    other = UserFactory(municipality=MunicipalityFactory(code="9100"), team=None, role=Role.ANALYST)
    client.force_login(other)
    assert client.get(reverse("experiments:detail", args=[experiment.pk])).status_code == 404


def test_caseworker_records_consent_and_fills_in_the_questionnaire(caseworker_client, running):
    experiment, people = running
    person = people[0]
    page = caseworker_client.get(reverse("experiments:resident", args=[person.public_id]))
    assert page.status_code == 200 and "Geloot in de conditie" in page.content.decode()
    wave = experiment.waves.get(code="T0")
    url = reverse("experiments:staff_questionnaire", args=[person.public_id, wave.pk])
    bad = caseworker_client.post(url, {**ANSWERS, "health": "9"})
    assert bad.status_code == 200 and QuestionnaireResponse.objects.count() == 0
    assert caseworker_client.post(url, ANSWERS).status_code == 302
    saved = QuestionnaireResponse.objects.get(resident=person, wave=wave)
    assert saved.filled_by == "staff" and str(saved.participation_hours) == "4.5"
    consent_url = reverse("experiments:consent", args=[person.public_id, experiment.pk])
    caseworker_client.post(consent_url, {f"c{experiment.pk}-status": "withdrawn", f"c{experiment.pk}-on": "2026-04-20"})
    assert Consent.objects.get(resident=person, experiment=experiment).status == "withdrawn"


def test_caseworker_outside_the_team_cannot_open_the_questionnaire(client, running, outside_caseworker):
    experiment, people = running
    client.force_login(outside_caseworker)
    wave = experiment.waves.get(code="T0")
    url = reverse("experiments:staff_questionnaire", args=[people[0].public_id, wave.pk])
    assert client.get(url).status_code == 403


def test_resident_fills_in_their_own_questionnaire(client, running, municipality):
    experiment, people = running
    person = people[1]
    account = UserFactory(municipality=municipality, team=None, role=Role.RESIDENT, resident=person)
    client.force_login(account)
    page = client.get(reverse("experiments:mine"))
    assert page.status_code == 200 and "Vragenlijst T0" in page.content.decode()
    wave = experiment.waves.get(code="T1")
    assert client.post(reverse("experiments:mine_questionnaire", args=[wave.pk]), ANSWERS).status_code == 302
    assert QuestionnaireResponse.objects.get(resident=person, wave=wave).filled_by == "resident"
    # another resident's wave of an experiment they are not in: 404
    outsider = make_residents(municipality, person.neighbourhood, person.current_caseworker, 1,
                              dt.date(2026, 4, 20))[0]
    client.force_login(UserFactory(municipality=municipality, team=None, role=Role.RESIDENT, resident=outsider))
    assert client.get(reverse("experiments:mine_questionnaire", args=[wave.pk])).status_code == 404


def test_staff_cannot_use_the_resident_page(caseworker_client):
    assert caseworker_client.get(reverse("experiments:mine")).status_code == 403


def test_resident_in_a_loss_aversion_arm_sees_the_kept_message(client, municipality, neighbourhood, caseworker,
                                                                analyst, today):
    person = make_residents(municipality, neighbourhood, caseworker, 1, today)[0]
    experiment = amsterdam(municipality, analyst, strata=(), arms=[
        ("behouden", "Behouden", {"framing": {"kind": "kept", "amount": "150.00"}}, False),
        ("regulier", "Regulier", {}, True)], seed=1)
    services.randomise(experiment, actor=analyst)
    client.force_login(UserFactory(municipality=municipality, team=None, role=Role.RESIDENT, resident=person))
    html = client.get(reverse("experiments:mine")).content.decode()
    if assignment_map(experiment)[person.pk] == "behouden":
        assert "zolang u uw vrijwilligerswerk blijft doen" in html
    else:
        assert 'id="framing"' not in html


def test_api_lists_experiments_and_results_for_analysts_only(client, running, analyst, caseworker):
    experiment, _people = running
    client.force_login(analyst)
    listing = client.get(reverse("api:experiment-list")).json()
    items = listing["results"] if isinstance(listing, dict) else listing
    assert [e["id"] for e in items] == [experiment.pk]
    assert {a["code"] for a in items[0]["arms"]} == {"extra_aandacht", "regulier", "zelfregie"}
    results = client.get(reverse("api:experiment-results", args=[experiment.pk])).json()
    assert sum(sum(v for k, v in row.items() if k != "stratum") for row in results["balance"]) == 6
    assert results["consent"]["given"] == 6
    client.force_login(caseworker)
    assert client.get(reverse("api:experiment-list")).status_code == 403


def test_an_extra_attention_arm_is_shown_to_the_caseworker(caseworker_client, municipality, neighbourhood, caseworker,
                                                          analyst, today):
    person = make_residents(municipality, neighbourhood, caseworker, 1, today)[0]
    experiment = amsterdam(municipality, analyst, strata=(), arms=[("extra", "Extra aandacht", EXTRA, False),
                                                                    ("regulier", "Regulier", {}, True)], seed=3)
    services.randomise(experiment, actor=analyst)
    html = caseworker_client.get(reverse("experiments:resident", args=[person.public_id])).content.decode()
    if assignment_map(experiment)[person.pk] == "extra":
        assert "Contact minstens elke 28 dagen" in html and "Een vaste klantmanager" in html
    else:
        assert "Niets: het beleidsprofiel geldt" in html


def test_the_forms_and_the_list_render(analyst_client, running):
    experiment, _people = running
    assert "Vitamine A" in analyst_client.get(reverse("experiments:list")).content.decode()
    assert analyst_client.get(reverse("experiments:new")).status_code == 200
    # arms can no longer change once the experiment runs
    response = analyst_client.get(reverse("experiments:arm_new", args=[experiment.pk]))
    assert response.status_code == 302
    draft = amsterdam(experiment.municipality, experiment.created_by, arms=[])
    assert analyst_client.get(reverse("experiments:arm_new", args=[draft.pk])).status_code == 200
    page = analyst_client.get(reverse("experiments:detail", args=[draft.pk])).content.decode()
    assert "minstens twee condities" in page  # why it cannot be randomised yet


def test_results_table_shows_intervals_for_a_wave(analyst_client, running, caseworker):
    experiment, people = running
    t0 = experiment.waves.get(code="T0")
    for i, person in enumerate(people):
        services.record_response(t0, person, {"wellbeing": 4 + i, "health": 3, "caseworker_grade": 5 + i % 3,
                                              "participation_hours": i, "paid_hours": 0},
                                 filled_by="staff", actor=caseworker)
    html = analyst_client.get(reverse("experiments:detail", args=[experiment.pk]) + "?meting=T0").content.decode()
    assert 'id="effects"' in html and "Verschil in gemiddelden (Welch)" in html
    assert analyst_client.get(reverse("experiments:detail", args=[experiment.pk]) + "?meting=T9").status_code == 404


def test_admin_shows_experiments_read_only(admin_client, running):
    experiment, _people = running
    assert admin_client.get(reverse("admin:experiments_experiment_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:experiments_experiment_change", args=[experiment.pk]))
    assert page.status_code == 200 and "extra_aandacht" in page.content.decode()


def test_api_estimates_that_cannot_be_made_are_null_not_infinite():
    """Found by the schemathesis check: an infinite interval made the results a 500 (JSON has no infinity)."""
    from meedoen.experiments.api.views import _number

    assert [_number(v) for v in (float("inf"), float("-inf"), float("nan"), None, 1.5)] == [None, None, None, None,
                                                                                            1.5]
