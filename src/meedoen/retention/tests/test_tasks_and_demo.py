"""The nightly run through the task runner (as cron's run_scheduled enqueues it), and the demo data for the screen."""
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from meedoen.residents.models import Resident
from meedoen.retention import services
from meedoen.retention.models import DeletionRecord
from meedoen.retention.tasks import apply_retention

from .conftest import FROZEN_AT

pytestmark = pytest.mark.django_db


def test_the_nightly_task_is_scheduled_and_deletes_due_dossiers(ended_resident):
    out = StringIO()
    call_command("run_scheduled", "--nightly", stdout=out)
    assert "nightly: meedoen.retention.tasks.apply_retention → SUCCESSFUL" in out.getvalue()
    assert not Resident.objects.filter(pk=ended_resident.pk).exists()
    assert DeletionRecord.objects.filter(category="resident_dossier", dossier_number=ended_resident.pk).exists()


def test_the_task_returns_counts_only_and_a_dry_run_changes_nothing(ended_resident, municipality):
    result = apply_retention.enqueue(municipality_code=municipality.code, dry_run=True)
    assert result.status == "SUCCESSFUL", result.errors
    [counts] = result.return_value
    assert counts["deleted"] == 1 and counts["dry_run"] is True and counts["failed"] == []
    assert ended_resident.last_name not in repr(result.return_value)
    assert Resident.objects.filter(pk=ended_resident.pk).exists()


def test_demo_shows_due_and_held_dossiers():
    from meedoen.demo import generator

    with time_machine.travel(FROZEN_AT, tick=False):
        summary = generator.seed("rotterdam", 400, 42)
        overview = services.overview(summary.municipality, FROZEN_AT.date())
    assert overview.due_now >= 1
    assert overview.held, "the demo has a held dossier (open objection or manual hold)"
    assert all("objection_open" in s.decision.holds or "manual" in s.decision.holds for s in overview.held
               if s.decision.due_on and s.decision.due_on <= FROZEN_AT.date())
