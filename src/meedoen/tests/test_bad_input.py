"""Hostile values on the endpoints where the security audit found 500s (fuzzing 6,900 malformed requests), each
as a logged-in user who may see the page: every answer is below 500. The causes and their messages are tested in
each app's test_bad_input.py; the shared parsers in test_formtools.py."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from meedoen.accounts.models import Role
from meedoen.guidance import services as guidance
from meedoen.tests.factories import UserFactory
from meedoen.tests.fixtures import frozen_clock, norm_tables_loaded

_clock = frozen_clock(dt.datetime(2026, 4, 20, 10, 30, tzinfo=ZoneInfo("Europe/Amsterdam")))
_norms_loaded = norm_tables_loaded()

HOSTILE = ["0001-01", "99999999999999999999999", "-99999999999999999999", "NaN", "inf", "-Infinity", "-1", "", "abc",
           "9999-12-31", "0001-01-01", "9999-12", "x" * 5000, "1" * 5000, "/\\evil.example", "a\nb"]


@pytest.fixture
def analyst(municipality):
    return UserFactory(username="analist", municipality=municipality, team=None, role=Role.ANALYST)


@pytest.fixture
def resident_user(resident):
    return UserFactory(username="inwoner", municipality=resident.municipality, team=None, role=Role.RESIDENT,
                       resident=resident)


@pytest.fixture
def task(resident, today):
    task, _created = guidance.create_task(resident, kind="home_visit", title="Huisbezoek", due_on=today)
    return task


def _request(client, method, url, data):
    return client.get(url, data) if method == "get" else client.post(url, data)


# (cause, user fixture, method, url(resident, task), the parameter, other parameters)
ENDPOINTS = [
    ("1 month: income page", "caseworker", "get", lambda r, t: reverse("money:resident", args=[r.public_id]),
     "maand", {}),
    ("1 month: portal payment page", "resident_user", "get", lambda r, t: reverse("portal:money"), "maand", {}),
    ("2 page: dossier timeline", "caseworker", "get", lambda r, t: reverse("residents:timeline", args=[r.public_id]),
     "pagina", {}),
    ("3 period: monitoring", "analyst", "get", lambda r, t: reverse("monitoring:dashboard"), "start",
     {"end": "9999-12-31"}),
    ("3 period: monitoring end", "analyst", "get", lambda r, t: reverse("monitoring:dashboard"), "end",
     {"start": "0001-01-01"}),
    ("3 period: monitoring export", "analyst", "get", lambda r, t: reverse("monitoring:export", args=["csv"]),
     "start", {"end": "9999-12-31"}),
    ("3 period: research export", "analyst", "post",
     lambda r, t: reverse("monitoring:research_export", args=["csv"]), "end",
     {"start": "0001-01-01", "export_key": "een geheime sleutel"}),
    ("3 period: monitoring API", "analyst", "get", lambda r, t: "/api/v1/monitoring/indicators/", "end",
     {"start": "0001-01-01"}),
    ("4 hours: plan form", "caseworker", "post", lambda r, t: reverse("guidance:plan_edit", args=[r.public_id]),
     "capacity_hours_per_week", {"route": "participation", "goals": "Ritme", "review_on": "2026-09-01",
                                 "stap-TOTAL_FORMS": "1", "stap-INITIAL_FORMS": "0", "stap-0-kind": "volunteering",
                                 "stap-0-description": "Buurtkeuken", "stap-0-hours_per_week": "8",
                                 "stap-0-responsible": "resident"}),
    ("4 hours: live total", "caseworker", "post", lambda r, t: reverse("guidance:plan_hours", args=[r.public_id]),
     "stap-0-hours_per_week", {"stap-TOTAL_FORMS": "1", "capacity_hours_per_week": "10"}),
    ("5 next: partner news read", "caseworker", "post", lambda r, t: reverse("referrals:news_seen"), "next", {}),
    ("5 next: task done", "caseworker", "post", lambda r, t: reverse("guidance:task_done", args=[t.pk]), "next",
     {}),
    ("6 event id: partner news read", "caseworker", "post", lambda r, t: reverse("referrals:news_seen"), "event",
     {}),
    ("7 API filter: wijk", "caseworker", "get", lambda r, t: "/api/v1/residents/", "neighbourhood", {}),
    ("7 API filter: klantmanager", "caseworker", "get", lambda r, t: "/api/v1/residents/", "caseworker", {}),
]


@pytest.mark.parametrize("cause, user, method, url, parameter, other", ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_hostile_values_never_give_a_server_error(client, request, resident, task, cause, user, method, url,
                                                  parameter, other):
    client.force_login(request.getfixturevalue(user))
    target = url(resident, task)
    for value in HOSTILE:
        response = _request(client, method, target, {**other, parameter: value})
        assert response.status_code < 500, (cause, value[:30], response.status_code)


@pytest.mark.parametrize("path", ["/brieven/99999999999999999999/", "/begeleiding/taak/99999999999999999999/gedaan/",
                                  "/api/v1/policy-profiles/99999999999999999999/",
                                  "/api/v1/experiments/9223372036854775808/"])
def test_an_id_in_the_path_beyond_64_bits_is_not_found(client, caseworker, path):
    client.force_login(caseworker)
    assert client.get(path).status_code == 404
