"""Demo obligations: consistent with the rules, with something to see for each demo login."""
import random

import pytest
from django.db.models import F
from django.utils import timezone

from meedoen.accounts.models import Role, User
from meedoen.demo import generator
from meedoen.guidance import rules as guidance_rules
from meedoen.guidance import worklist
from meedoen.obligations import rules
from meedoen.obligations.demo import seed_obligations
from meedoen.obligations.models import Exemption, IncomeSignal, Measure, Objection
from meedoen.residents.models import Resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(presets, monkeypatch):
    today = timezone.localdate()
    names = ("uitnodigingen", "begeleiding")  # the ladder's proposal tasks and the worklist; obligations seeded below
    monkeypatch.setattr(generator, "DEMO_EXTENSIONS", [e for e in generator.DEMO_EXTENSIONS if e[0] in names])
    summary = generator.seed("rotterdam", 800, 11, today=today)
    counts = seed_obligations(summary.municipality, random.Random(5), today)
    return summary.municipality, counts, today


def test_the_demo_has_exemptions_measures_signals_and_objections(demo):
    municipality, counts, today = demo
    assert counts["ontheffingen"] >= round(800 * 1500 / 40000)  # the Rotterdam rate, and a few of other kinds
    assert Exemption.objects.filter(kind="social_medical").count() >= 20
    for e in Exemption.objects.select_related("resident"):
        assert rules.validate_exemption(
            kind=e.kind, covers=e.covers, grounds=e.grounds, evidence_note=e.evidence_note, starts_on=e.starts_on,
            ends_on=e.ends_on, review_on=e.review_on, requested_on=e.requested_on,
            household_type=e.resident.household_type,
            youngest_child_date_of_birth=e.resident.youngest_child_date_of_birth, today=today) == {}
    decided = Measure.objects.filter(status__in=["decided", "reconsidered"])
    assert decided.exists() and not decided.filter(decided_by=F("proposed_by")).exists()
    assert all(m.hearings.exists() for m in Measure.objects.all())
    assert IncomeSignal.objects.filter(status="handed_over").exists()
    assert Objection.objects.filter(kind="objection").exists() and Objection.objects.filter(kind="complaint").exists()


def test_the_demo_teamleider_has_a_proposal_to_decide_and_a_decision_with_its_letter(demo):
    municipality, _counts, _today = demo
    teamleider = User.objects.get(username="teamleider")
    klantmanager = User.objects.get(username="klantmanager")
    waiting = Measure.objects.awaiting_decision().filter(proposed_by=klantmanager)
    assert waiting.exists() and all(m.hearings.exists() for m in waiting)
    today_decided = Measure.objects.get(decided_by=teamleider, proposed_by=klantmanager)
    assert today_decided.letter is not None and today_decided.letter.kind == "measure_decision"
    assert User.objects.filter(role=Role.ENFORCEMENT, municipality=municipality).exists()


def test_the_ladder_proposal_tasks_became_proposals(demo):
    from meedoen.guidance.models import Task

    assert not Task.objects.filter(kind="measure_proposal", status="open", assigned_to__isnull=False).exists()
    assert Measure.objects.filter(source="no_show_ladder", source_task__isnull=False).exists()


def test_the_worklist_reminds_of_exemptions_in_the_demo(demo):
    municipality, _counts, today = demo
    rows = worklist.build_rows(Resident.objects.filter(municipality=municipality), today)
    codes = {s.code for item in guidance_rules.classify(rows, today) for s in item.signals}
    assert "exemption_review_due" in codes


def test_a_profile_with_a_voluntary_tegenprestatie_has_no_measures_for_it(presets, monkeypatch):
    today = timezone.localdate()
    monkeypatch.setattr(generator, "DEMO_EXTENSIONS", [e for e in generator.DEMO_EXTENSIONS if e[0] == "begeleiding"])
    summary = generator.seed("amsterdam", 300, 3, today=today)
    counts = seed_obligations(summary.municipality, random.Random(2), today)
    assert counts["maatregelen voorgesteld"] >= 1 and Measure.objects.exists()
    assert not Measure.objects.filter(breached_obligation="reciprocity").exists()


def test_every_historical_decision_has_its_beschikking(demo):
    from meedoen.demo.generator import DEMO_LOGIN_ROLES, DEMO_LOGINS
    from meedoen.letters.tests.helpers import pdf_text

    _municipality, counts, _today = demo
    decided = Measure.objects.filter(decided_on__isnull=False).select_related("letter")
    assert decided.count() > 1
    for measure in decided:   # the historical ones (bulk) and the one decided today (services.decide)
        letter = measure.letter
        assert letter is not None and letter.kind == "measure_decision"
        assert letter.step_key == f"measure:{measure.pk}:decision" and letter.resident_id == measure.resident_id
        assert timezone.localtime(letter.created_at).date() == measure.decided_on
    history = decided.filter(letter__printed_at__isnull=False)
    assert counts["beschikkingen maatregel"] == history.count() == decided.count() - 1
    sample = history.filter(percentage__gt=0).select_related("letter").first()
    text = pdf_text(bytes(sample.letter.pdf))
    assert f"{sample.percentage:.0f} procent" in text and "bezwaar" in text
    # The enforcement login is one of the listed demo logins.
    assert "handhaving" in {login.username for login in DEMO_LOGINS}
    assert User.objects.get(username="handhaving").role == DEMO_LOGIN_ROLES["handhaving"] == Role.ENFORCEMENT
