"""The OpenAPI schema tells the truth: schemathesis generates requests from /api/schema/ for every operation and checks
each answer against the schema (status code, content type, headers, body), as a klantmanager and as a functioneel
beheerder, on a small seeded demo municipality. In-process (Django's WSGI app), no network, deterministic, bounded.
Writes (POST, PUT, PATCH) are included: they run inside the test's transaction and are rolled back with it.

Run it alone:  .venv/bin/python -m pytest -q -p no:randomly src/meedoen/api/tests/test_schemathesis.py
More examples: SCHEMATHESIS_MAX_EXAMPLES=200 (same command).
"""
import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_headers_conformance, response_schema_conformance, status_code_conformance,
)

from meedoen.accounts.models import User
from meedoen.demo import generator
from meedoen.experiments.models import Experiment
from meedoen.money.models import MonthlyCalculation
from meedoen.obligations.models import Exemption, Measure
from meedoen.policy.models import PolicyProfile
from meedoen.referrals.models import Referral
from meedoen.residents.models import Resident
from meedoen.tests.factories import api_key_for

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10"))  # per operation and user
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
# Requests and answers stay small: the simulation refuses (400) what would take more than a moment here.
SIMULATION_MAX_WORK = 20_000


@pytest.fixture
def wsgi_app():
    """Django's WSGI application, answering inside the test's transaction (as Django's test client does: a request
    must not close the connection, or the test's rows and its rollback would be lost)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def demo(presets, monkeypatch):
    """A small demo municipality: residents with assessments, monthly calculations, exemptions, measures,
    referrals and an experiment; every demo login (klantmanager, beheerder, …)."""
    from meedoen.simulation import services as simulation

    monkeypatch.setattr(simulation, "WEB_MAX_WORK", SIMULATION_MAX_WORK)
    generator.seed("rotterdam", 40, 42)


def known_ids(user):
    """Real ids for the path parameters, so operations answer with real rows (and not only 404): residents of the
    user's caseload with the most history, and the other objects by id."""
    residents = list(Resident.objects.order_by("id"))
    mine = [r for r in residents if r.current_caseworker_id == user.pk] or residents
    richest = [
        next((r for r in mine if MonthlyCalculation.objects.filter(resident=r).exists()), mine[0]),
        next((r for r in mine if Measure.objects.filter(resident=r).exists()), mine[-1]),
        next((r for r in mine if Exemption.objects.filter(resident=r).exists()), mine[len(mine) // 2]),
    ]
    return {
        "residents": sorted({str(r.public_id) for r in richest}),
        "policy-profiles": list(PolicyProfile.objects.order_by("id").values_list("id", flat=True)[:3]),
        "experiments": list(Experiment.objects.order_by("id").values_list("id", flat=True)[:2]),
        "referrals": list(Referral.objects.order_by("id").values_list("id", flat=True)[:2]),
    }


def values_for(path, name, ids):
    if name in ("public_id", "resident_public_id"):
        return ids["residents"]
    for collection in ("policy-profiles", "experiments", "referrals"):
        if f"/{collection}/" in path:
            return ids[collection]
    return []


def cases(operation, ids):
    """Generated cases, and as many again for each real id of the path parameters (so most reach real rows)."""
    strategies = [operation.as_strategy()]
    for parameter in operation.path_parameters:
        for value in values_for(operation.path, parameter.name, ids):
            strategies.append(operation.as_strategy(path_parameters={parameter.name: value}))
    return st.one_of(*strategies)


@pytest.mark.parametrize("username", ["klantmanager", "beheerder"])
def test_every_operation_answers_as_the_schema_says(wsgi_app, demo, username):
    user = User.objects.get(username=username)
    headers = {"Authorization": f"Token {api_key_for(user)}"}
    bsns = set(Resident.objects.values_list("bsn", flat=True))
    ids = known_ids(user)
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
    failures, statuses = {}, {}

    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=MAX_EXAMPLES, derandomize=True, database=None, deadline=None,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=cases(operation, ids))
        def run(case):
            response = case.call(headers=headers)
            statuses.setdefault(operation.label, set()).add(response.status_code)
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except schemathesis.errors.FailureGroup as group:
                for failure in group.exceptions:
                    failures.setdefault((operation.label, failure.title), str(group))
            if any(bsn in response.text for bsn in bsns):
                failures.setdefault((operation.label, "A full BSN in the answer"), response.text[:500])

        run()

    assert not failures, "\n\n".join(f"{label}: {title}\n{report}" for (label, title), report in failures.items())
    # Not only refusals: the klantmanager reads dossiers, the beheerder the monitoring and the experiments.
    succeeded = {label for label, codes in statuses.items() if codes & {200, 201}}
    expected = {
        "klantmanager": {"GET /api/v1/residents/", "GET /api/v1/residents/{public_id}/",
                         "GET /api/v1/residents/{resident_public_id}/assessments/",
                         "GET /api/v1/residents/{resident_public_id}/monthly-calculations/",
                         "GET /api/v1/policy-profiles/{id}/"},
        "beheerder": {"GET /api/v1/monitoring/indicators/", "GET /api/v1/experiments/{id}/",
                      "GET /api/v1/policy-profiles/"},
    }[username]
    assert expected <= succeeded, sorted(succeeded)
