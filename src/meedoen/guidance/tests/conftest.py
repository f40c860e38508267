import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from meedoen.residents.models import Resident


@pytest.fixture
def kansarm_resident(resident):
    """The shared resident, assessed as kansarm with light guidance (Rotterdam: contact norm 182 days)."""
    Resident.objects.filter(pk=resident.pk).update(segment="kansarm", intensity="light")
    resident.refresh_from_db()
    return resident


FROZEN_AT = dt.datetime(2026, 11, 23, 10, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))


@pytest.fixture(autouse=True)
def _clock(request):
    """Unit and view tests run at a fixed moment (ticking), so dates never shift under a test at midnight. Browser
    tests keep the real clock: Chromium's cookies follow it."""
    if request.node.get_closest_marker("browser"):
        yield
        return
    with time_machine.travel(FROZEN_AT, tick=True):
        yield


@pytest.fixture
def today(_clock):
    return timezone.localdate()


def step(description="Vrijwilligerswerk bij de buurtkeuken", hours="8", kind="volunteering", responsible="resident",
         responsible_name=""):
    return {"kind": kind, "description": description, "hours_per_week": Decimal(hours), "responsible": responsible,
            "responsible_name": responsible_name}


def plan_fields(today, **overrides):
    fields = {
        "goals": "Meer onder de mensen komen en ritme opbouwen.",
        "capacity_hours_per_week": Decimal("10"),
        "review_on": today + dt.timedelta(days=60),
        "steps": [step(), step("Gesprek bij schuldhulp", "2", "own_barriers", "partner", "Schuldhulp Zuid")],
    }
    fields.update(overrides)
    return fields
