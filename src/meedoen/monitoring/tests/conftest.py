"""A small hand-built dataset whose indicators are known (see the expectations in test_indicators.py)."""
import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from meedoen.accounts.models import Role
from meedoen.assessment.models import LadderMeasurement
from meedoen.guidance.models import ActionPlan, Conversation, GuidanceEnding, PlanStep
from meedoen.monitoring.indicators import Filters
from meedoen.obligations.models import Exemption, Measure
from meedoen.offer.models import Activity, Provider
from meedoen.outreach.models import Appointment, Campaign, LadderStep, Outreach, Slot
from meedoen.policy.services import active_profile
from meedoen.referrals.models import Referral
from meedoen.residents.models import CaseworkerAssignment, Resident
from meedoen.tests.factories import NeighbourhoodFactory, ResidentFactory, TeamFactory, UserFactory
from meedoen.tests.fixtures import frozen_clock

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2026, 11, 23, 10, 30, tzinfo=AMS)
START, END = dt.date(2026, 1, 1), dt.date(2026, 10, 31)


_clock = frozen_clock(NOW)


def at(day, hour=10):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=AMS)


class Builder:
    """Direct record creation for monitoring tests (the services are tested in their own apps)."""

    def __init__(self, municipality, staff):
        self.municipality = municipality
        self.staff = staff
        self.profile = active_profile(municipality, END)
        self.campaign = Campaign.objects.create(municipality=municipality, name="Benadering", appointment_kind="intake",
                                                policy_profile=self.profile, status="sent")
        self.provider = Provider.objects.create(municipality=municipality, name="Welzijn Zuid", kind="welfare")
        self.activities = {}
        self._n = 0

    def activity(self, category):
        if category not in self.activities:
            self.activities[category] = Activity.objects.create(
                municipality=self.municipality, provider=self.provider, title=f"Activiteit {category}", code=category,
                category=category)
        return self.activities[category]

    def outreach(self, resident, invited_on):
        return Outreach.objects.create(campaign=self.campaign, resident=resident, status="invited",
                                       first_invited_at=at(invited_on))

    def conversation(self, resident, day):
        return Conversation.objects.create(resident=resident, held_on=day, where="office", discussed="Kennismaking",
                                           held_by=self.staff)

    def plan(self, resident, signed_on, kinds, version=1):
        plan = ActionPlan.objects.create(resident=resident, version=version, status="signed", goals="Meedoen",
                                         capacity_hours_per_week=Decimal("8"), review_on=signed_on + dt.timedelta(90),
                                         signed_on=signed_on, signature_method="paper", created_by=self.staff)
        for i, kind in enumerate(kinds):
            PlanStep.objects.create(plan=plan, position=i, kind=kind, description=kind, hours_per_week=Decimal("4"),
                                    responsible="resident")
        return plan

    def no_show(self, resident, day):
        outreach = Outreach.objects.filter(resident=resident).first() or self.outreach(resident, day)
        slot = Slot.objects.create(municipality=self.municipality, appointment_kind="intake", caseworker=self.staff,
                                   starts_at=at(day), ends_at=at(day, 11), booked_count=1)
        return Appointment.objects.create(outreach=outreach, resident=resident, slot=slot, how="invitation",
                                          status="no_show", appointment_kind="intake", policy_profile=self.profile)

    def ladder_step(self, resident, kind, day):
        self._n += 1
        outreach = Outreach.objects.filter(resident=resident).first()
        return LadderStep.objects.create(outreach=outreach, position=2, kind=kind, event="no_show",
                                         step_key=f"test:{self._n}", policy_profile=self.profile, rule="test",
                                         executed_at=at(day))

    def measure(self, resident, proposed_on, decided_on, source="no_show_ladder", decider=None):
        return Measure.objects.create(
            resident=resident, status="decided", source=source, breached_obligation="appointments",
            facts="Niet gekomen",
            occurred_on=proposed_on, blame="full", blame_note="-", proposed_by=self.staff, proposed_on=proposed_on,
            outcome="measure", percentage=Decimal("100"), months=1, starts_on=decided_on,
            ends_on=decided_on + dt.timedelta(days=30), decided_by=decider, decided_on=decided_on)

    def exemption(self, resident, kind, starts_on, ends_on=None):
        return Exemption.objects.create(resident=resident, kind=kind, grounds="Advies arts", starts_on=starts_on,
                                        ends_on=ends_on, granted_by=self.staff)

    def placement(self, resident, category, placed_on, ended_on=None):
        return Referral.objects.create(
            resident=resident, provider=self.provider, activity=self.activity(category), status="placed",
            referred_by=self.staff, referred_at=at(placed_on - dt.timedelta(days=7)), handover_note="Warme overdracht",
            consent_recorded_at=at(placed_on - dt.timedelta(days=7)), placed_on=placed_on, ended_on=ended_on)

    def ladder(self, resident, day, step):
        return LadderMeasurement.objects.create(resident=resident, measured_on=day, step=step, measured_by=self.staff)

    def assignment(self, resident, caseworker, started_on, ended_on=None):
        return CaseworkerAssignment.objects.create(resident=resident, caseworker=caseworker, team=caseworker.team,
                                                   started_on=started_on, ended_on=ended_on)

    def ending(self, resident, day, reason):
        GuidanceEnding.objects.create(resident=resident, ended_on=day, reason=reason, explanation="-", review="-",
                                      ended_by=self.staff)
        Resident.objects.filter(pk=resident.pk).update(guidance_status="ended")


@pytest.fixture
def world(municipality):
    """Five residents in the population (r1–r5) and two that fall outside it (r6 ended before, r7 starts after)."""
    wijk_a = NeighbourhoodFactory(municipality=municipality, name="Feijenoord")
    wijk_b = NeighbourhoodFactory(municipality=municipality, name="Charlois")
    team_1 = TeamFactory(municipality=municipality, name="Team Zuid")
    team_2 = TeamFactory(municipality=municipality, name="Team Noord")
    cw1 = UserFactory(username="km1", municipality=municipality, team=team_1, role=Role.CASEWORKER)
    cw2 = UserFactory(username="km2", municipality=municipality, team=team_2, role=Role.CASEWORKER)
    lead = UserFactory(username="teamleider", municipality=municipality, team=team_1, role=Role.TEAM_LEAD)
    b = Builder(municipality, lead)

    def resident(wijk, segment, caseworker, **extra):
        return ResidentFactory(municipality=municipality, neighbourhood=wijk, segment=segment,
                               current_caseworker=caseworker, **extra)

    r1 = resident(wijk_a, "kansarm", cw1)
    r2 = resident(wijk_a, "kansarm", cw1)
    r3 = resident(wijk_b, "kansrijk", cw2)
    r4 = resident(wijk_b, "kansarm", cw2)
    r5 = resident(wijk_b, "kansarm", None)
    r6 = resident(wijk_a, "kansarm", cw1)
    r7 = resident(wijk_a, "kansarm", cw1, benefit_start_date=dt.date(2026, 11, 10))

    b.outreach(r1, dt.date(2026, 2, 1))
    b.conversation(r1, dt.date(2026, 2, 10))
    b.plan(r1, dt.date(2026, 2, 15), ["volunteering", "informal_care"])
    b.ladder(r1, dt.date(2025, 12, 1), 2)
    b.ladder(r1, dt.date(2026, 6, 1), 3)
    b.assignment(r1, cw2, dt.date(2024, 1, 1), dt.date(2026, 3, 1))
    b.assignment(r1, cw1, dt.date(2026, 3, 1))

    b.outreach(r2, dt.date(2026, 3, 1))
    b.no_show(r2, dt.date(2026, 3, 10))
    b.ladder_step(r2, "no_show_action_letter", dt.date(2026, 3, 20))
    b.measure(r2, dt.date(2026, 3, 25), dt.date(2026, 4, 15), decider=cw2)
    b.exemption(r2, "social_medical", dt.date(2026, 5, 1))

    b.conversation(r3, dt.date(2026, 4, 1))
    b.placement(r3, "language", dt.date(2026, 4, 10), ended_on=dt.date(2026, 8, 1))
    b.ending(r3, dt.date(2026, 9, 1), "work")

    b.plan(r4, dt.date(2026, 5, 1), ["informal_care"])
    b.ladder(r4, dt.date(2025, 11, 1), 4)
    b.ladder(r4, dt.date(2026, 7, 1), 3)

    b.conversation(r6, dt.date(2025, 3, 1))
    b.ending(r6, dt.date(2025, 6, 1), "moved")
    b.conversation(r7, dt.date(2026, 11, 12))

    return SimpleNamespace(municipality=municipality, wijk_a=wijk_a, wijk_b=wijk_b, team_1=team_1, team_2=team_2,
                           cw1=cw1, cw2=cw2, lead=lead, builder=b, residents=[r1, r2, r3, r4, r5], r1=r1, r2=r2,
                           r3=r3, r4=r4, r5=r5, r6=r6, r7=r7,
                           filters=Filters(municipality=municipality, start=START, end=END))


@pytest.fixture
def user_with_role(municipality):
    def make(role, **extra):
        return UserFactory(username=f"u-{role}-{timezone.now().timestamp()}", municipality=municipality, role=role,
                           **extra)
    return make
