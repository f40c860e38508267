"""Locust scenario of `make load` (bench/load.py starts it; it is not meant to be started by hand).

Every request goes to the app under gunicorn on 127.0.0.1 (the --host bench/load.py passes). Logins are sessions
bench/load.py created beforehand (force_login in the bench database), so no login form and no axes lockout are
involved; the API client uses an expiring API token issued by the superuser. The plan (session keys, token, the
dossiers, referrals each user may open) is a JSON file named by LOAD_PLAN; the timing of every request is written to
LOAD_SAMPLES when the run ends.

A request counts as an error unless it answers 200 without a redirect (a redirect would be the login page).

User classes (the loaded run, LOAD_USERS users in these proportions):
- CaseworkerUser (50 %): worklist, caseload, a dossier of the own caseload and its timeline, and the baseline /over/;
- ResidentUser (30 %): Mijn Meedoen (/mijn/: overview, plan, benefit, letters, appointments, obligations);
- PartnerUser (10 %): the partner portal (/partner/: referrals, one referral, groups, checks);
- ApiUser (10 %): /api/v1/residents/ (list) and one dossier, with `Authorization: Token`.
WalkerUser (the unloaded run, one user): every page of every role in turn, one request at a time.
"""
import json
import os
import random
import time
from pathlib import Path

from locust import HttpUser, between, constant, events, task
from locust.clients import HttpSession

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
THINK = tuple(float(x) for x in os.environ.get("LOAD_THINK", "2,5").split(","))
TOTAL = int(os.environ.get("LOAD_USERS", "50"))
SESSION_COOKIE = PLAN["session_cookie"]
RNG = random.Random(int(os.environ.get("LOAD_SEED", "42")))

_samples = []
_state = {"spawned_at": None}


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, **kwargs):
    _samples.append((name, round(response_time, 2), exception is None, round(time.time(), 3),
                     None if exception is None else str(exception)[:120]))


@events.spawning_complete.add_listener
def _spawned(user_count, **kwargs):
    _state["spawned_at"] = time.time()


@events.quitting.add_listener
def _write(environment, **kwargs):
    Path(os.environ["LOAD_SAMPLES"]).write_text(json.dumps({"spawned_at": _state["spawned_at"],
                                                            "samples": _samples}))


def get(client, url, name, **kwargs):
    with client.get(url, name=name, allow_redirects=False, catch_response=True, **kwargs) as response:
        if response.status_code != 200:
            response.failure(f"HTTP {response.status_code}")


def with_session(client, key):
    client.cookies.set(SESSION_COOKIE, key)
    return client


# -- what each role does ------------------------------------------------------------------------------------------------


def caseworker_pages(client, caseworker):
    dossier = RNG.choice(caseworker["dossiers"])
    return [
        ("baseline /over/", "/over/"),
        ("worklist", "/begeleiding/werklijst/"),
        ("caseload", "/clienten/caseload/"),
        ("dossier", f"/clienten/{dossier}/"),
        ("timeline", f"/clienten/{dossier}/tijdlijn/"),
    ]


PORTAL_PAGES = [
    ("portal overview", "/mijn/"), ("portal plan", "/mijn/plan/"), ("portal benefit", "/mijn/uitkering/"),
    ("portal letters", "/mijn/brieven/"), ("portal appointments", "/mijn/afspraken/"),
    ("portal obligations", "/mijn/verplichtingen/"),
]


def partner_pages(partner):
    pages = [("partner referrals", "/partner/"), ("partner groups", "/partner/groepen/"),
             ("partner checks", "/partner/controles/")]
    if partner["referrals"]:
        pages.insert(1, ("partner referral", f"/partner/doorverwijzing/{RNG.choice(partner['referrals'])}/"))
    return pages


def api_pages(api):
    return [("api residents", "/api/v1/residents/"),
            ("api resident", f"/api/v1/residents/{RNG.choice(api['residents'])}/")]


def _share(fraction):
    return max(1, round(TOTAL * fraction))


class CaseworkerUser(HttpUser):
    wait_time = between(*THINK)
    fixed_count = _share(0.5)

    def on_start(self):
        self.caseworker = RNG.choice(PLAN["caseworkers"])
        with_session(self.client, self.caseworker["session"])
        self.dossier = RNG.choice(self.caseworker["dossiers"])

    @task(1)
    def baseline(self):
        get(self.client, "/over/", "baseline /over/")

    @task(3)
    def worklist(self):
        get(self.client, "/begeleiding/werklijst/", "worklist")

    @task(2)
    def caseload(self):
        get(self.client, "/clienten/caseload/", "caseload")

    @task(3)
    def dossier(self):
        self.dossier = RNG.choice(self.caseworker["dossiers"])
        get(self.client, f"/clienten/{self.dossier}/", "dossier")

    @task(2)
    def timeline(self):
        get(self.client, f"/clienten/{self.dossier}/tijdlijn/", "timeline")


class ResidentUser(HttpUser):
    wait_time = between(*THINK)
    fixed_count = _share(0.3)

    def on_start(self):
        with_session(self.client, RNG.choice(PLAN["residents"])["session"])

    @task
    def page(self):
        name, url = RNG.choice(PORTAL_PAGES)
        get(self.client, url, name)


class PartnerUser(HttpUser):
    wait_time = between(*THINK)
    fixed_count = _share(0.1)

    def on_start(self):
        self.partner = RNG.choice(PLAN["partners"])
        with_session(self.client, self.partner["session"])

    @task(2)
    def referrals(self):
        get(self.client, "/partner/", "partner referrals")

    @task(2)
    def referral(self):
        if self.partner["referrals"]:
            get(self.client, f"/partner/doorverwijzing/{RNG.choice(self.partner['referrals'])}/", "partner referral")

    @task(1)
    def groups(self):
        get(self.client, "/partner/groepen/", "partner groups")

    @task(1)
    def checks(self):
        get(self.client, "/partner/controles/", "partner checks")


class ApiUser(HttpUser):
    wait_time = between(*THINK)
    fixed_count = _share(0.1)

    def on_start(self):
        self.api = RNG.choice(PLAN["api"])
        self.client.headers["Authorization"] = f"Token {self.api['token']}"

    @task(1)
    def residents(self):
        get(self.client, "/api/v1/residents/", "api residents")

    @task(3)
    def resident(self):
        get(self.client, f"/api/v1/residents/{RNG.choice(self.api['residents'])}/", "api resident")


class WalkerUser(HttpUser):
    """The unloaded run: one user, every page of every role in turn, no pause: one request at a time."""

    wait_time = constant(0)

    def on_start(self):
        def session():
            return HttpSession(self.host, self.environment.events.request, self)

        self.caseworkers = [(with_session(session(), c["session"]), c) for c in PLAN["caseworkers"]]
        self.residents = [with_session(session(), r["session"]) for r in PLAN["residents"]]
        self.partners = [(with_session(session(), p["session"]), p) for p in PLAN["partners"]]
        self.apis = []
        for api in PLAN["api"]:
            client = session()
            client.headers["Authorization"] = f"Token {api['token']}"
            self.apis.append((client, api))

    @task
    def walk(self):
        client, caseworker = RNG.choice(self.caseworkers)
        for name, url in caseworker_pages(client, caseworker):
            get(client, url, name)
        client = RNG.choice(self.residents)
        for name, url in PORTAL_PAGES:
            get(client, url, name)
        client, partner = RNG.choice(self.partners)
        for name, url in partner_pages(partner):
            get(client, url, name)
        client, api = RNG.choice(self.apis)
        for name, url in api_pages(api):
            get(client, url, name)
