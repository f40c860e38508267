import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from meedoen.residents.models import Resident
from meedoen.tests.fixtures import frozen_clock


@pytest.fixture
def kansarm_resident(resident):
    """The shared resident, assessed as kansarm with light guidance (Rotterdam: contact norm 182 days)."""
    Resident.objects.filter(pk=resident.pk).update(segment="kansarm", intensity="light")
    resident.refresh_from_db()
    return resident


FROZEN_AT = dt.datetime(2026, 11, 23, 10, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))


_clock = frozen_clock(FROZEN_AT)


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
