"""Demo data for the guidance loop: consistent with the rules, and fast enough for `make run`."""
import random

import pytest
from django.utils import timezone

from meedoen.demo import generator
from meedoen.guidance import rules, worklist
from meedoen.guidance.demo import seed_guidance
from meedoen.guidance.models import ActionPlan, Conversation, PlanStep, Task
from meedoen.residents.models import Resident

pytestmark = pytest.mark.django_db


def test_seed_guidance_gives_a_believable_caseload(presets, monkeypatch):
    today = timezone.localdate()
    monkeypatch.setattr(generator, "DEMO_EXTENSIONS", [])  # residents only; guidance is seeded here
    summary = generator.seed("rotterdam", 400, 7, today=today)
    municipality = summary.municipality
    counts = seed_guidance(municipality, random.Random(3), today)
    assert counts["gesprekken"] > 300 and counts["plannen van aanpak"] > 150
    active = Resident.objects.filter(municipality=municipality, guidance_status="active")
    assert not active.filter(next_contact_on=None).exists()  # everyone in guidance has a next-contact date
    assert Resident.objects.filter(municipality=municipality, guidance_status="ended").exists()
    assert ActionPlan.objects.filter(status="superseded").exists()
    assert ActionPlan.objects.filter(status="draft").exists()
    assert not PlanStep.objects.filter(plan__isnull=True).exists()
    assert Task.objects.filter(status="open").exists()
    assert Conversation.objects.exclude(refusal="none").filter(task__isnull=False).exists()

    items = rules.classify(worklist.build_rows(Resident.objects.filter(municipality=municipality), today), today)
    codes = {s.code for item in items for s in item.signals}
    assert {"overdue_contact", "plan_review_due", "no_plan", "not_seen_for_a_year"} <= codes
    overdue = sum(1 for item in items if item.top.code == "overdue_contact")
    assert 0.15 < overdue / active.count() < 0.6
