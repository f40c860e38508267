"""Shared pytest fixtures: the presets loaded, a municipality with a team, caseworkers and residents."""
import pytest
from hypothesis import HealthCheck, settings

from meedoen.accounts.models import Role
from meedoen.policy.presets import load_presets
from meedoen.residents.services import assign_caseworker
from meedoen.tests.factories import MunicipalityFactory, NeighbourhoodFactory, ResidentFactory, TeamFactory, UserFactory

# Property tests check behaviour, not speed: on a busy 2-core CI machine input generation can be slow, and a
# per-example deadline would fail a correct rule. Each test still sets its own max_examples.
settings.register_profile("meedoen", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("meedoen")

# -- the row-lock tests: skipped on SQLite with a visible reason, never silently on PostgreSQL -------------------------

ROW_LOCKS = "postgres_row_locks"
ROW_LOCKS_SKIP_REASON = ("needs PostgreSQL: SQLite has no row locks (SELECT ... FOR UPDATE is ignored and a second "
                         "writer just gets 'database is locked'), so it cannot prove the lock; the PostgreSQL run does")
_row_lock_outcomes = {"passed": 0, "skipped": 0, "failed": 0}


def _on_postgresql():
    from django.conf import settings as django_settings

    return "postgresql" in django_settings.DATABASES["default"]["ENGINE"]


def pytest_collection_modifyitems(config, items):
    if _on_postgresql():
        return
    for item in items:
        if item.get_closest_marker(ROW_LOCKS):
            item.add_marker(pytest.mark.skip(reason=ROW_LOCKS_SKIP_REASON))


def pytest_runtest_logreport(report):
    """Counted where the results arrive (with pytest-xdist: the controller)."""
    if ROW_LOCKS not in report.keywords:
        return
    if report.skipped:
        _row_lock_outcomes["skipped"] += 1
    elif report.failed:
        _row_lock_outcomes["failed"] += 1
    elif report.when == "call":
        _row_lock_outcomes["passed"] += 1


def pytest_sessionfinish(session, exitstatus):
    """On PostgreSQL a skipped row-lock test fails the run: the only database that can prove the lock must."""
    if _row_lock_outcomes["skipped"] and _on_postgresql() and not hasattr(session.config, "workerinput"):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    outcomes = _row_lock_outcomes
    if not any(outcomes.values()):
        return
    database = "PostgreSQL" if _on_postgresql() else "SQLite"
    terminalreporter.write_line(
        f"Row-lock tests on {database}: {outcomes['passed']} passed, {outcomes['skipped']} skipped, "
        f"{outcomes['failed']} failed" + ("" if database == "PostgreSQL" else f" ({ROW_LOCKS_SKIP_REASON})"))
    if database == "PostgreSQL" and outcomes["skipped"]:
        terminalreporter.write_line("Row-lock tests were skipped on PostgreSQL: this run fails.", red=True)


@pytest.fixture(autouse=True)
def _fresh_profile_cache():
    """Each test has its own database rows; never reuse a profile instance cached by an earlier test."""
    from meedoen.policy.services import clear_profile_cache

    clear_profile_cache()
    yield
    clear_profile_cache()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language (Dutch): a request in an earlier test may have activated another
    language in this thread (LocaleMiddleware does not reset it), which would change number and date formats."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _worklist_facts_stay_true(request):
    """After every database test, the worklist facts kept on the resident rows (meedoen.guidance.facts) must equal
    what the records say: whatever flow a test drove, the services and signals kept them current."""
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    uses_db = "db" in names or marker is not None
    transactional = ("transactional_db" in names or "live_server" in names
                     or (marker is not None and marker.kwargs.get("transaction")))
    if not uses_db or transactional:
        yield
        return
    request.getfixturevalue("db")  # set up before this fixture, so the check below runs before the rollback
    yield
    from meedoen.guidance import facts

    assert facts.stale() == [], "worklist facts out of date after this test"


@pytest.fixture
def _clock():
    """The real clock; an app's conftest replaces it with meedoen.tests.fixtures.frozen_clock(moment)."""
    yield


@pytest.fixture
def today(_clock):
    """Today's local date on the test's clock."""
    from django.utils import timezone

    return timezone.localdate()


@pytest.fixture
def presets(db):
    load_presets()


@pytest.fixture
def municipality(presets):
    return MunicipalityFactory(name="Rotterdam-Test", code="9599", policy_key="rotterdam")


@pytest.fixture
def neighbourhood(municipality):
    return NeighbourhoodFactory(municipality=municipality, name="Feijenoord")


@pytest.fixture
def team(municipality):
    return TeamFactory(municipality=municipality, name="Team Zuid")


@pytest.fixture
def other_team(municipality):
    return TeamFactory(municipality=municipality, name="Team Noord")


@pytest.fixture
def caseworker(municipality, team):
    return UserFactory(username="klantmanager", municipality=municipality, team=team, role=Role.CASEWORKER)


@pytest.fixture
def outside_caseworker(municipality, other_team):
    return UserFactory(username="klantmanager_noord", municipality=municipality, team=other_team, role=Role.CASEWORKER)


@pytest.fixture
def team_lead(municipality, team):
    return UserFactory(username="teamleider", municipality=municipality, team=team, role=Role.TEAM_LEAD)


@pytest.fixture
def resident(municipality, neighbourhood, caseworker):
    resident = ResidentFactory(municipality=municipality, neighbourhood=neighbourhood, first_name="Fatima",
                               last_name="Jansen")
    assign_caseworker(resident, caseworker, actor=caseworker, reason="Eerste toewijzing")
    return resident


@pytest.fixture
def caseworker_client(client, caseworker):
    client.force_login(caseworker)
    return client
