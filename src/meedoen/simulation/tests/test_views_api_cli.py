"""The simulator from the analyst's screen, the API and the command line."""
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from meedoen.accounts.models import Role
from meedoen.audit.models import AuditEntry
from meedoen.tests.api import field_errors
from meedoen.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/simulatie/"
API = "/api/v1/simulations/"


@pytest.fixture
def analyst(municipality):
    return UserFactory(username="analist", municipality=municipality, role=Role.ANALYST)


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


def test_caseworker_gets_403_on_the_simulation_screen_and_api_and_it_is_audited(client, caseworker):
    client.force_login(caseworker)
    assert client.get(URL).status_code == 403
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DENIED, actor=caseworker).exists()
    assert client.post(API, {"profiles": ["rotterdam"]}, content_type="application/json").status_code == 403


def test_anonymous_visitor_is_sent_to_the_login(client, presets):
    response = client.get(URL)
    assert response.status_code == 302 and "/account/inloggen/" in response["Location"]


def test_analyst_sees_the_form_assumptions_and_calibration_table_and_the_nav_item(analyst_client):
    response = analyst_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/simulatie/"' in html
    assert "outreach_rate" in html
    assert "Kalibratie op Rotterdam" in html


def test_analyst_compares_profiles_on_the_screen_with_charts_and_bands(analyst_client, analyst):
    response = analyst_client.get(URL, {"profiles": ["rotterdam", "utrecht"], "population": "synthetic",
                                        "residents": 600, "months": 24, "runs": 3, "seed": 1})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="chart chart--line"') == 5
    assert "chart__band" in html
    assert "Maatregelen (hele periode)" in html
    assert AuditEntry.objects.filter(action=AuditEntry.Action.VIEW, actor=analyst).exists()


def test_too_big_simulation_on_the_screen_gets_a_clear_message_and_does_not_run(analyst_client):
    response = analyst_client.get(URL, {"profiles": ["rotterdam", "amsterdam", "utrecht"], "population": "synthetic",
                                        "residents": 20_000, "months": 120, "runs": 20, "seed": 0})
    assert response.status_code == 200
    html = response.content.decode()
    assert "te groot voor het scherm" in html
    assert "chart chart--line" not in html


def test_api_returns_series_with_ordered_bands_per_profile(client, analyst):
    client.force_login(analyst)
    response = client.post(API, {"profiles": ["rotterdam", "amsterdam"], "residents": 500, "months": 12, "runs": 3,
                                 "series": ["active", "measures"]}, content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert [p["profile"] for p in body["profiles"]] == ["rotterdam", "amsterdam"]
    bands = body["profiles"][0]["series"]["active"]
    assert len(bands["p50"]) == 12
    assert all(a <= b <= c for a, b, c in zip(bands["p5"], bands["p50"], bands["p95"]))
    assert set(body["profiles"][0]["series"]) == {"active", "measures"}
    assert body["summary"] and body["assumptions"]


@pytest.mark.parametrize("payload, field", [
    ({"profiles": []}, "profiles"),
    ({"profiles": ["nergenshuizen"]}, "profiles"),
    ({"profiles": ["rotterdam"], "months": 0}, "months"),
    ({"profiles": ["rotterdam"], "residents": 10_000_000}, "residents"),
    ({"profiles": ["rotterdam"], "series": ["geen_reeks"]}, "series"),
    ({"profiles": ["rotterdam", "amsterdam", "utrecht"], "residents": 20_000, "months": 120, "runs": 20},
     "non_field_errors"),
])
def test_api_refuses_invalid_input_with_a_400_naming_the_problem(client, analyst, payload, field):
    client.force_login(analyst)
    response = client.post(API, payload, content_type="application/json")
    assert response.status_code == 400
    assert field in {name.split(".")[0] for name in field_errors(response)}  # "series.0": the list's first item


def test_api_population_of_own_municipality_needs_residents(client, analyst):
    client.force_login(analyst)
    response = client.post(API, {"profiles": ["rotterdam"], "population": "municipality"},
                           content_type="application/json")
    assert response.status_code == 400
    assert "population" in field_errors(response)


def test_command_compares_profiles_and_writes_json_with_bands(presets, tmp_path):
    out = StringIO()
    target = tmp_path / "out.json"
    call_command("simulate", profile="rotterdam", compare="amsterdam", residents=800, months=12, runs=3,
                 json_path=str(target), stdout=out)
    text = out.getvalue()
    assert "rotterdam" in text and "amsterdam" in text and "Maatregelen" in text
    data = json.loads(target.read_text())
    assert [p["profile"] for p in data["profiles"]] == ["rotterdam", "amsterdam"]
    assert len(data["profiles"][0]["series"]["active"]["p95"]) == 12


def test_command_on_the_municipality_in_the_database(resident, municipality):
    out = StringIO()
    call_command("simulate", municipality=municipality.code, residents=300, months=6, runs=2, stdout=out)
    assert "Rotterdam-Test" in out.getvalue()


def test_command_refuses_an_unknown_profile_or_municipality(presets):
    with pytest.raises(CommandError, match="Onbekend beleidsprofiel"):
        call_command("simulate", profile="nergens", residents=100, months=1, runs=1, stdout=StringIO())
    with pytest.raises(CommandError, match="staat niet in de database"):
        call_command("simulate", municipality="0000", residents=100, months=1, runs=1, stdout=StringIO())


def test_api_names_an_unknown_profile_in_the_language_of_the_request(client, analyst):
    from meedoen.simulation import services
    from meedoen.tests.i18n import english_catalogue

    client.force_login(analyst)
    known = ", ".join(sorted(key for key, _name in services.available_profiles()))
    response = client.post(API, {"profiles": ["nergenshuizen"]}, content_type="application/json")
    assert field_errors(response)["profiles"] == [f"Onbekend beleidsprofiel: nergenshuizen. Kies uit: {known}."]
    with english_catalogue({"Onbekend beleidsprofiel: {unknown}. Kies uit: {known}.":
                            "Unknown policy profile: {unknown}. Choose from: {known}."}):
        response = client.post(API, {"profiles": ["nergenshuizen"]}, content_type="application/json",
                               HTTP_ACCEPT_LANGUAGE="en")
    assert field_errors(response)["profiles"] == [f"Unknown policy profile: nergenshuizen. Choose from: {known}."]
