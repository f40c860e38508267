"""Fixtures for the portal: a resident login linked to the shared resident, a clock inside the shipped norm table
(January–June 2026, as the money tests), and helpers that make real data through the other apps' services."""
import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from meedoen.accounts.models import Role
from meedoen.guidance import services as guidance
from meedoen.letters.models import Letter, LetterTemplate
from meedoen.residents.services import assign_caseworker
from meedoen.tests.factories import ResidentFactory, UserFactory
from meedoen.tests.fixtures import frozen_clock, norm_tables_loaded

FROZEN_AT = dt.datetime(2026, 4, 20, 10, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))


_clock = frozen_clock(FROZEN_AT)
_norms_loaded = norm_tables_loaded()


@pytest.fixture
def resident_user(resident):
    return UserFactory(username="inwoner", municipality=resident.municipality, team=None, role=Role.RESIDENT,
                       resident=resident)


@pytest.fixture
def resident_client(client, resident_user):
    client.force_login(resident_user)
    return client


@pytest.fixture
def other_resident(municipality, neighbourhood, caseworker):
    other = ResidentFactory(municipality=municipality, neighbourhood=neighbourhood, first_name="Kees",
                            last_name="de Vries")
    assign_caseworker(other, caseworker, actor=caseworker, reason="Eerste toewijzing")
    return other


def step(description="Vrijwilligerswerk bij de buurtkeuken", hours="8", kind="volunteering"):
    return {"kind": kind, "description": description, "hours_per_week": Decimal(hours), "responsible": "resident",
            "responsible_name": ""}


def draft_plan(resident, caseworker, *, ready=True, goals="Meer onder de mensen komen en ritme opbouwen."):
    today = timezone.localdate()
    plan = guidance.save_plan(resident, actor=caseworker, goals=goals, capacity_hours_per_week=Decimal("10"),
                              review_on=today + dt.timedelta(days=60),
                              steps=[step(), step("Taalcursus in het buurthuis", "2", "language")])
    if ready:
        plan = guidance.request_portal_signature(plan, actor=caseworker)
    return plan


def signed_plan(resident, caseworker):
    plan = draft_plan(resident, caseworker, ready=False)
    return guidance.sign_plan(plan, method="paper", actor=caseworker)


def make_letters(resident, count):
    """Stored letters (as the letters app keeps them) without rendering a PDF per letter: fast for count tests."""
    template = LetterTemplate.objects.order_by("pk").first()
    start = Letter.objects.count()
    Letter.objects.bulk_create([
        Letter(resident=resident, kind=template.kind, reference=f"BR-TEST-{start + i:06d}", template=template,
               template_version=template.version, subject=f"Testbrief {i}", body_html="<p>Test</p>",
               document_html="<p>Test</p>", pdf=b"%PDF-1.4 test", step_key=f"test:{start + i}")
        for i in range(count)])
    return list(Letter.objects.filter(resident=resident).order_by("-id")[:count])
