"""Walk every URL pattern as every role and prove the one access-and-audit layer holds (issue 12, findings 1-2).

A demo municipality (A) and a second one (B) are seeded. Every URL pattern is filled with ids of A (the demo
resident's own dossier and objects) and, where it takes an id, with ids of B; each is requested with GET by the
demo login of every role of A (and the superuser), and every URL with an id of B also with POST. For every answer:
- no server error;
- a refusal (403), or a 404 on a URL with an id, left a `denied` entry in the audit trail;
- any other answer of a view that is not marked `no_personal_data` left an entry;
- a page marked `no_personal_data`, and every page for the roles that never see named dossiers (beleidsmedewerker,
  functioneel beheerder, also in the admin), shows no resident's name;
- no page shows a name of a resident of B to a user of A;
- a POST with an id of B is refused (outside the admin, where configuration of B is a superuser's to change).
A URL pattern whose ids this test cannot fill fails the test: a new view must be added to OBJECTS below.
"""
import html
import re

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from meedoen.accounts.models import Role, User
from meedoen.audit.middleware import view_is_exempt
from meedoen.audit.models import AuditEntry
from meedoen.demo import generator
from meedoen.residents.models import Resident

pytestmark = [pytest.mark.django_db]

# URL name -> model whose primary key fills `pk` (or the named kwarg).
OBJECTS = {
    "accounts:two_factor_reset": ("pk", "accounts.User"),
    "residents:caseworker_caseload": ("user_id", "accounts.User"),
    "guidance:caseworker_worklist": ("user_id", "accounts.User"),
    "policy:detail": ("pk", "policy.PolicyProfile"),
    "api:policy-profile-detail": ("pk", "policy.PolicyProfile"),
    "guidance:task_done": ("pk", "guidance.Task"),
    "referrals:help_task": ("task_id", "guidance.Task"),
    "obligations:exemption_from_task": ("task_pk", "guidance.Task"),
    "obligations:measure_from_task": ("task_pk", "guidance.Task"),
    "outreach:campaign": ("pk", "outreach.Campaign"),
    "outreach:campaign_send": ("pk", "outreach.Campaign"),
    "outreach:slots": ("pk", "outreach.Campaign"),
    "outreach:slot_delete": ("pk", "outreach.Slot"),
    "outreach:attendance": ("pk", "outreach.Appointment"),
    "outreach:outreach": ("pk", "outreach.Outreach"),
    "outreach:convoke": ("pk", "outreach.Outreach"),
    "outreach:home_visit": ("pk", "outreach.Outreach"),
    "outreach:contact": ("pk", "outreach.Outreach"),
    "outreach:close": ("pk", "outreach.Outreach"),
    "outreach:danger": ("pk", "outreach.Outreach"),
    "portal:choose_time": ("pk", "outreach.Invitation"),
    "letters:detail": ("pk", "letters.Letter"),
    "letters:pdf": ("pk", "letters.Letter"),
    "portal:letter_pdf": ("pk", "letters.Letter"),
    "offer:activity": ("pk", "offer.Activity"),
    "offer:activity_edit": ("pk", "offer.Activity"),
    "offer:provider": ("pk", "offer.Provider"),
    "offer:grant_decide": ("pk", "offer.ProvisionGrant"),
    "offer:grant_spend": ("pk", "offer.ProvisionGrant"),
    "offer:grant_cancel": ("pk", "offer.ProvisionGrant"),
    "referrals:detail": ("pk", "referrals.Referral"),
    "referrals:action": ("pk", "referrals.Referral"),
    "partner:detail": ("pk", "referrals.Referral"),
    "partner:action": ("pk", "referrals.Referral"),
    "api:partner-referral-detail": ("pk", "referrals.Referral"),
    "api:partner-referral-accept": ("pk", "referrals.Referral"),
    "api:partner-referral-decline": ("pk", "referrals.Referral"),
    "api:partner-referral-place": ("pk", "referrals.Referral"),
    "api:partner-referral-report": ("pk", "referrals.Referral"),
    "api:partner-referral-return": ("pk", "referrals.Referral"),
    "referrals:check": ("pk", "referrals.ActivityCheck"),
    "partner:check": ("pk", "referrals.ActivityCheck"),
    "partner:cohort": ("pk", "referrals.Cohort"),
    "obligations:enforcement_detail": ("pk", "obligations.IncomeSignal"),
    "obligations:signal": ("pk", "obligations.IncomeSignal"),
    "obligations:exemption": ("pk", "obligations.Exemption"),
    "obligations:measure": ("pk", "obligations.Measure"),
    "obligations:objection": ("pk", "obligations.Objection"),
    "money:correct_report": ("pk", "money.IncomeReport"),
    "money:end_housemate": ("pk", "money.Housemate"),
    "money:remove_housemate": ("pk", "money.Housemate"),
    "experiments:detail": ("pk", "experiments.Experiment"),
    "experiments:arm_new": ("pk", "experiments.Experiment"),
    "experiments:randomise": ("pk", "experiments.Experiment"),
    "experiments:close": ("pk", "experiments.Experiment"),
    "experiments:preregistration": ("pk", "experiments.Experiment"),
    "experiments:consent": ("pk", "experiments.Experiment"),
    "api:experiment-detail": ("pk", "experiments.Experiment"),
    "api:experiment-results": ("pk", "experiments.Experiment"),
    "experiments:staff_questionnaire": ("wave_pk", "experiments.Wave"),
    "experiments:mine_questionnaire": ("wave_pk", "experiments.Wave"),
}
# How an object belongs to a resident or a municipality, for the models whose path is not `resident` or
# `municipality` itself.
RESIDENT_PATH = {"outreach.Invitation": "outreach__resident", "referrals.ActivityCheck": "referral__resident"}
MUNICIPALITY_PATH = {
    "referrals.Cohort": "provider__municipality", "experiments.Wave": "experiment__municipality",
    "outreach.Invitation": "outreach__resident__municipality",
    "referrals.ActivityCheck": "referral__resident__municipality",
}
FIXED = {"action": "withdraw", "fmt": "csv", "token": "onbekende-link-0000000000000000"}
SKIP_URL_NAMES = {
    # Django's admin redirect to an object's page on the site ("view on site"): it shows nothing itself.
    "admin:view_on_site",
}
SKIP_ROUTES = {"beheer/(?P<url>.*)$"}  # the admin's catch-all: any unknown admin path is a 404 without a view
ROLE_LOGINS = {
    Role.CASEWORKER: "klantmanager", Role.TEAM_LEAD: "teamleider", Role.NEIGHBOURHOOD_WORKER: "wijkteam",
    Role.PROVIDER_STAFF: "partner", Role.ANALYST: "onderzoeker", Role.ADMINISTRATOR: "beheerder",
    Role.ENFORCEMENT: "handhaving", Role.RESIDENT: "inwoner",
}
SUPERUSER_LOGIN = "applicatiebeheer"  # application management: a superuser, in the admin too
NAMELESS_ROLES = {Role.ANALYST, Role.ADMINISTRATOR}  # and the superuser


def url_patterns(resolver=None, prefix="", namespace=()):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from url_patterns(entry, prefix + str(entry.pattern),
                                    namespace + ((entry.namespace,) if entry.namespace else ()))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), ":".join(namespace + (entry.name or "",)), entry


class World:
    """Two seeded municipalities and, per municipality, the objects that fill the URL patterns."""

    def __init__(self):
        self.a = generator.seed("rotterdam", 24, 42)
        self.b = generator.seed("amsterdam", 8, 42)
        self.users = {role: User.objects.get(username=name) for role, name in ROLE_LOGINS.items()}
        self.superuser = User.objects.get(username=SUPERUSER_LOGIN)
        self.resident = {"A": self.users[Role.RESIDENT].resident,
                         "B": User.objects.get(username="inwoner-amsterdam").resident}
        self.municipality = {"A": self.a.municipality, "B": self.b.municipality}
        self.names = {side: {r.full_name for r in Resident.objects.filter(municipality=m)}
                      for side, m in self.municipality.items()}

    def instance(self, label, side):
        model = apps.get_model(label)
        resident, municipality = self.resident[side], self.municipality[side]
        field_names = {f.name for f in model._meta.fields}
        qs = model.objects.order_by("-pk")
        if label == "accounts.User":
            return qs.filter(municipality=municipality, role=Role.CASEWORKER).first()
        if label == "policy.PolicyProfile":
            return qs.first()
        resident_path = RESIDENT_PATH.get(label, "resident" if "resident" in field_names else None)
        if resident_path:
            own = qs.filter(**{resident_path: resident}).first()
            if own is not None:
                return own
            return qs.filter(**{f"{resident_path}__municipality": municipality}).first()
        path = MUNICIPALITY_PATH.get(label, "municipality" if "municipality" in field_names else None)
        return qs.filter(**{path: municipality}).first() if path else qs.first()

    def kwargs(self, name, pattern, side, route=""):
        """The kwargs that fill `pattern` with objects of municipality `side`, or raise LookupError."""
        values = {}
        for key in pattern.pattern.converters or pattern.pattern.regex.groupindex:
            if key in ("public_id", "resident_public_id"):
                values[key] = self.resident[side].public_id
            elif key in FIXED:
                values[key] = FIXED[key]
            elif key == "version":
                plan = self.resident[side].action_plans.order_by("-version").first()
                values[key] = plan.version if plan else 1
            elif route.startswith("beheer/"):
                values[key] = self._admin_value(route, key, side)
            elif name in OBJECTS and OBJECTS[name][0] == key:
                obj = self.instance(OBJECTS[name][1], side)
                if obj is None:
                    raise LookupError(f"{name}: no {OBJECTS[name][1]} in municipality {side}")
                values[key] = obj.pk
            else:
                raise LookupError(f"{name}: cannot fill <{key}>; add the view to OBJECTS in this test")
        return values

    def _admin_value(self, route, key, side):
        if key == "app_label":
            return "policy"
        if key in ("object_id", "id"):
            app_label, model_name = route.split("/")[1:3]
            model = apps.get_model(app_label, model_name)
            obj = self.instance(model._meta.label, side) if model._meta.label != "policy.PolicyProfile" else \
                model.objects.first()
            if obj is None:
                obj = model.objects.order_by("pk").first()
            return str(obj.pk) if obj is not None else "1"
        raise LookupError(f"{route}: cannot fill <{key}>")


def _probe(client, world, user, name, path, *, side, failures):
    before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.get(path)
    status = response.status_code
    entries = list(AuditEntry.objects.filter(pk__gt=before).values_list("action", flat=True))
    where = f"{user.get_username()} GET {path} ({name}, {side}) -> {status}"
    if status >= 500:
        failures.append(f"{where}: server error")
        return
    match = resolve(path.split("?")[0])
    refused = status == 403 or (status == 404 and (match.kwargs or match.args))
    if refused and AuditEntry.Action.DENIED not in entries:
        failures.append(f"{where}: refusal without a 'denied' audit entry")
    exempt = view_is_exempt(match.func, match.view_name)
    if not refused and 200 <= status < 300 and not exempt and not entries:
        failures.append(f"{where}: read without an audit entry")
    if status == 200 and response.get("Content-Type", "").startswith(("text/html", "application/json")):
        body = html.unescape(response.content.decode("utf-8", "replace"))
        leaked_b = [n for n in world.names["B"] if n in body]
        if leaked_b:
            failures.append(f"{where}: shows residents of another municipality {leaked_b[:2]}")
        if exempt or user.role in NAMELESS_ROLES or user.is_superuser:
            own = user.resident.full_name if user.resident_id else None  # a resident's own name in the header
            leaked = [n for n in world.names["A"] if n in body and n != own]
            if leaked:
                failures.append(f"{where}: shows resident names {leaked[:2]} on a page that must name nobody")
    if "no-store" not in response.get("Cache-Control", ""):
        failures.append(f"{where}: no 'Cache-Control: no-store'")


def _cross_post(client, user, name, path, failures):
    """A POST with the id of another municipality's record never succeeds, and its refusal is in the trail."""
    before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    status = client.post(path, {}).status_code
    where = f"{user.get_username()} POST {path} ({name}, B) -> {status}"
    if status < 400 and not path.startswith("/beheer/"):
        failures.append(f"{where}: a POST on another municipality's record was not refused")
    elif status >= 500:
        failures.append(f"{where}: server error")
    elif status in (403, 404):
        if not AuditEntry.objects.filter(pk__gt=before, action=AuditEntry.Action.DENIED).exists():
            failures.append(f"{where}: refusal without a 'denied' audit entry")


@pytest.fixture
def world(settings):
    settings.STAFF_TWO_FACTOR = "optional"
    return World()


def test_every_url_is_audited_and_keeps_names_to_those_allowed(client, world):
    failures = []
    patterns = [(p, n, e) for p, n, e in url_patterns() if n not in SKIP_URL_NAMES and p not in SKIP_ROUTES]
    assert len(patterns) > 150
    for user in [*world.users.values(), world.superuser]:
        client.force_login(user)
        for route, name, pattern in patterns:
            try:
                own = world.kwargs(name, pattern, "A", route)
            except LookupError as error:
                failures.append(str(error))
                continue
            probes = [("A", own)]
            if own:
                try:
                    probes.append(("B", world.kwargs(name, pattern, "B", route)))
                except LookupError:
                    pass  # the smaller municipality B has no such object: the probe of A still runs
            for side, kwargs in probes:
                path = _path(route, name, kwargs)
                _probe(client, world, user, name, path, side=side, failures=failures)
                if side == "B":
                    _cross_post(client, user, name, path, failures)
        client.logout()
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(sorted(set(failures)))


def _path(route, name, kwargs):
    """The path of a route filled with kwargs (also for the admin's unnamed routes); regex routes by name."""
    if "(?P<" in route or route.startswith("^"):
        return reverse(name, kwargs=kwargs)
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route)


def test_walk_covers_every_role():
    assert set(ROLE_LOGINS) == set(Role.values)
    assert NAMELESS_ROLES <= set(ROLE_LOGINS)
