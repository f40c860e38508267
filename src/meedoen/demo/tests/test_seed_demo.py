"""`manage.py seed_demo`: deterministic, valid, realistic (DESIGN §5), consistent with the assessment rules."""
import datetime as dt
import hashlib
import io
import random
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone
from stdnum.nl import bsn as stdnum_bsn

from meedoen.accounts.models import Role, User
from meedoen.accounts.roles import ADMINISTRATOR_GROUP
from meedoen.assessment import rules
from meedoen.assessment.models import Assessment, LadderMeasurement
from meedoen.assessment.services import inputs_from_resident
from meedoen.demo.generator import DEMO_LOGIN_ROLES, DEMO_LOGINS, DEMO_PASSWORD, bsn_from_prefix, unique_bsns
from meedoen.organisation.models import Municipality, Team, Venue
from meedoen.policy.models import PolicyProfile
from meedoen.residents.models import CaseworkerAssignment, DossierEvent, Resident

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
TODAY = NOW.date()

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


def seed_demo(residents=60, seed=42, preset="rotterdam", **options):
    out = io.StringIO()
    call_command("seed_demo", preset=preset, residents=residents, seed=seed, stdout=out, **options)
    return out.getvalue()


def wipe():
    from meedoen.letters.models import Letter
    from meedoen.outreach.models import Appointment, Campaign, Slot

    Appointment.objects.all().delete()  # slots, campaigns and letters protect what they refer to
    Slot.objects.all().delete()
    Campaign.objects.all().delete()
    Letter.objects.all().delete()
    Resident.objects.all().delete()
    User.objects.all().delete()
    Venue.objects.all().delete()  # Venue.neighbourhood is PROTECT, so the municipality cannot cascade over it
    Municipality.objects.all().delete()


def digest():
    """Everything a demo user would notice: people, BSNs, segments, caseworkers, history."""
    h = hashlib.sha256()
    for row in Resident.objects.order_by("bsn").values_list(
        "public_id", "bsn", "first_name", "name_prefix", "last_name", "date_of_birth", "street", "postcode",
        "neighbourhood__name", "benefit_start_date", "segment", "estimated_months_to_work", "ladder_step",
        "intensity", "current_caseworker__username", "current_caseworker__last_name",
    ):
        h.update(repr(row).encode())
    # Ordered by every column hashed: events with the same resident, moment and kind must not tie (on PostgreSQL
    # ties come back in any order).
    events = DossierEvent.objects.order_by("resident__bsn", "occurred_at", "kind", "summary", "actor__username")
    for row in events.values_list(
        "resident__bsn", "occurred_at", "kind", "summary", "actor__username"
    ):
        h.update(repr(row).encode())
    return h.hexdigest()


def test_same_seed_gives_identical_data_and_another_seed_differs():
    seed_demo(seed=42)
    first = digest()
    wipe()
    seed_demo(seed=42)
    assert digest() == first
    wipe()
    seed_demo(seed=7)
    assert digest() != first


def test_bsn_stream_is_valid_unique_and_reproducible():
    stream = unique_bsns(random.Random(1))
    bsns = [next(stream) for _ in range(20_000)]
    assert len(set(bsns)) == len(bsns)
    assert all(stdnum_bsn.is_valid(b) for b in bsns)
    again = unique_bsns(random.Random(1))
    assert [next(again) for _ in range(100)] == bsns[:100]
    assert bsn_from_prefix(11122233) == "111222333"  # 1·9+1·8+1·7+2·6+2·5+2·4+3·3+3·2 = 69 ≡ 3 (mod 11)


def test_every_resident_bsn_is_valid_and_unique():
    seed_demo(residents=150)
    bsns = list(Resident.objects.values_list("bsn", flat=True))
    assert len(bsns) == 150
    assert len(set(bsns)) == len(bsns)
    assert all(stdnum_bsn.is_valid(b) for b in bsns)


def test_demo_logins_exist_with_their_roles_and_the_demo_password():
    output = seed_demo()
    users = {u.username: u for u in User.objects.filter(username__in=[login.username for login in DEMO_LOGINS])}
    assert set(users) == set(DEMO_LOGIN_ROLES)
    for username, role in DEMO_LOGIN_ROLES.items():
        assert users[username].role == role
        assert users[username].check_password(DEMO_PASSWORD)
        assert users[username].is_active
        assert username in output
    caseworker, lead, wijk = users["klantmanager"], users["teamleider"], users["wijkteam"]
    assert caseworker.caseload.count() == 60  # a normal caseload: with 60 residents, all of them
    assert not caseworker.intensive_caseload
    assert lead.team_id == caseworker.team_id and caseworker.team.kind == Team.Kind.ACTIVATION
    assert wijk.neighbourhood is not None and wijk.team.kind == Team.Kind.NEIGHBOURHOOD
    # The functioneel beheerder configures through the admin group; only application management is a superuser.
    assert users["beheerder"].is_staff and not users["beheerder"].is_superuser
    assert list(users["beheerder"].groups.values_list("name", flat=True)) == [ADMINISTRATOR_GROUP]
    assert users["beheerder"].has_perm("policy.change_policyprofile")
    assert not users["beheerder"].has_perm("accounts.add_apitoken")
    assert users["applicatiebeheer"].is_staff and users["applicatiebeheer"].is_superuser
    assert not any(u.is_staff for name, u in users.items() if name not in ("beheerder", "applicatiebeheer"))
    municipality = Municipality.objects.get()
    assert municipality.name == "Rotterdam (demo)" and municipality.code == "0599"
    assert municipality.policy_key == "rotterdam"


def test_rotterdam_population_is_mostly_50_plus_and_long_on_benefit_in_the_activation_group():
    seed_demo(residents=400)
    residents = list(Resident.objects.all())
    ages = [r.age_on(TODAY) for r in residents]
    assert all(18 <= age < 67 for age in ages)
    assert sum(age >= 50 for age in ages) / len(ages) > 0.5
    furthest = PolicyProfile.objects.active_for("rotterdam", TODAY).segmentation["groups"][-1]["code"]
    activation = [r for r in residents if r.segment == furthest]
    assert len(activation) > len(residents) / 3
    years = [(TODAY - r.benefit_start_date).days / 365.25 for r in activation]
    assert sum(years) / len(years) > 11
    assert sum(r.age_on(TODAY) >= 50 for r in activation) / len(activation) > 0.6
    assert all(r.benefit_start_date >= r.date_of_birth.replace(year=r.date_of_birth.year + 18) for r in residents
               if (r.date_of_birth.month, r.date_of_birth.day) != (2, 29))
    # A realistic spread, not one value everywhere.
    for name in ("education_level", "dutch_language_level", "physical_health", "debts", "isolation",
                 "household_type", "care_duties"):
        assert len(Counter(getattr(r, name) for r in residents)) >= 3, name
    assert all(r.postcode and r.street and r.interests for r in residents)


def test_every_resident_has_a_caseworker_history_and_denormalised_fields_that_match_it():
    seed_demo(residents=200)
    residents = Resident.objects.annotate(n=Count("assignments", distinct=True))
    counts = Counter(r.n for r in residents)
    assert set(counts) <= {1, 2, 3} and counts[2] + counts[3] > 0
    for resident in residents.select_related("current_caseworker"):
        assert resident.current_caseworker is not None
        assert resident.current_caseworker.role == Role.CASEWORKER and resident.current_caseworker.is_active
        history = list(resident.assignments.order_by("started_on"))
        assert history[0].reason == "Eerste toewijzing"
        assert all(a.reason for a in history)
        assert [a.ended_on for a in history[:-1]] == [a.started_on for a in history[1:]]
        assert history[-1].ended_on is None and history[-1].caseworker_id == resident.current_caseworker_id
        assessment = resident.assessments.get()
        assert resident.segment == assessment.segment
        assert resident.estimated_months_to_work == assessment.estimated_months
        assert resident.last_assessed_on == timezone.localtime(assessment.assessed_at).date()
        ladder = list(resident.ladder_measurements.all())
        assert 1 <= len(ladder) <= 4 and resident.ladder_step == ladder[0].step
        assert all(m.measured_on <= TODAY for m in ladder)
        assert resident.intensity == ("intensive" if resident.current_caseworker.intensive_caseload else "light")
    assert LadderMeasurement.objects.count() >= 200


def test_assessments_are_what_the_rules_compute_with_the_profile_weights():
    seed_demo(residents=200)
    assessments = list(Assessment.objects.select_related("resident", "policy_profile").order_by("id"))
    assert len(assessments) == 200
    for assessment in assessments[::7] + [a for a in assessments if a.is_override]:
        profile = assessment.policy_profile
        on = timezone.localtime(assessment.assessed_at).date()
        assert profile.effective_from <= on <= TODAY
        inputs = inputs_from_resident(assessment.resident, on)
        assert assessment.inputs == inputs.__dict__
        result = rules.score(inputs, profile.assessment_weights or rules.DEFAULT_WEIGHTS)
        segment = rules.segment_for(result.estimated_months, inputs.age, profile.segmentation)
        assert assessment.estimated_months == result.estimated_months
        assert assessment.contributions == result.contributions_as_list()
        assert assessment.rule_version == result.rule_version
        assert assessment.computed_segment == segment.segment
        assert assessment.segment_rule == segment.rule
        assert assessment.young_person_rule_applied == segment.young_person_rule_applied
        if assessment.is_override:
            assert assessment.override_reason.strip()
            assert DossierEvent.objects.filter(resident=assessment.resident, kind="segment_override").exists()
        else:
            assert assessment.override_reason == ""


def test_every_resident_has_a_timeline_of_what_happened():
    seed_demo(residents=80)
    kinds_per_resident = {}
    for resident_id, kind in DossierEvent.objects.values_list("resident_id", "kind"):
        kinds_per_resident.setdefault(resident_id, set()).add(kind)
    assert len(kinds_per_resident) == 80
    for kinds in kinds_per_resident.values():
        assert {"registered", "assignment", "assessment", "ladder"} <= kinds
    assert DossierEvent.objects.filter(kind="zrm").exists()
    assert DossierEvent.objects.filter(occurred_at__gt=timezone.now()).count() == 0
    assert CaseworkerAssignment.objects.count() == DossierEvent.objects.filter(kind="assignment").count()


def test_a_profile_with_a_smaller_intensive_norm_gets_intensive_caseworkers_at_that_norm():
    seed_demo(residents=600, preset="stockholm")
    profile = PolicyProfile.objects.active_for("stockholm", TODAY)
    norms = profile.caseload_norms
    caseworkers = User.objects.filter(role=Role.CASEWORKER, is_active=True).annotate(n=Count("caseload"))
    intensive = [c for c in caseworkers if c.intensive_caseload]
    assert intensive and len(intensive) < len(caseworkers)
    for caseworker in caseworkers:
        norm = norms["intensive"] if caseworker.intensive_caseload else norms["light"]
        assert caseworker.n <= norm * 1.25
        assert set(caseworker.caseload.values_list("intensity", flat=True)) <= {
            "intensive" if caseworker.intensive_caseload else "light"
        }
    assert Municipality.objects.get().policy_key == "stockholm"


def test_if_empty_does_nothing_when_a_municipality_exists():
    seed_demo()
    before = (Municipality.objects.count(), Resident.objects.count(), User.objects.count())
    output = seed_demo(if_empty=True)
    assert "doet niets" in output
    assert (Municipality.objects.count(), Resident.objects.count(), User.objects.count()) == before


def test_if_empty_seeds_an_empty_database():
    seed_demo(residents=20, if_empty=True)
    assert Resident.objects.count() == 20


def test_unknown_preset_is_refused_with_the_available_keys():
    with pytest.raises(CommandError, match="rotterdam"):
        seed_demo(preset="atlantis")
    assert not Municipality.objects.exists()


def test_the_same_preset_twice_is_refused():
    seed_demo(residents=10)
    with pytest.raises(CommandError, match="bestaat al"):
        seed_demo(residents=10)


def test_the_demo_shows_the_guidance_loop_working():
    """seed_demo runs every domain's demo data: a campaign with its ladder, conversations, plans and a worklist."""
    from meedoen.guidance.models import ActionPlan, Conversation
    from meedoen.outreach.models import Campaign

    output = seed_demo(residents=300)
    assert "uitnodigingscampagnes" in output and "plannen van aanpak" in output
    assert Campaign.objects.count() == 1
    assert Conversation.objects.exists() and ActionPlan.objects.filter(status="signed").exists()
    in_guidance = Resident.objects.filter(guidance_status="active")
    assert in_guidance.exists() and not in_guidance.filter(next_contact_on=None).exists()
