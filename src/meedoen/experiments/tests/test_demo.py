"""Demo experiments: an Amsterdam-style experiment randomised with a fixed seed, with answers at T0 and T1, and a
draft loss-aversion design; deterministic for the same seed."""
import random
import time

import pytest
from django.utils import timezone

from meedoen.demo import generator
from meedoen.experiments import services
from meedoen.experiments.demo import SEED, seed_experiments
from meedoen.experiments.models import Assignment, Consent, Experiment, QuestionnaireResponse
from meedoen.residents.models import Resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(presets, monkeypatch):
    today = timezone.localdate()
    names = ("uitnodigingen", "begeleiding")  # contacts and plans, so next-contact dates mean something
    monkeypatch.setattr(generator, "DEMO_EXTENSIONS", [e for e in generator.DEMO_EXTENSIONS if e[0] in names])
    summary = generator.seed("rotterdam", 400, 11, today=today)
    started = time.perf_counter()
    counts = seed_experiments(summary.municipality, random.Random(5), today)
    return summary.municipality, counts, today, time.perf_counter() - started


def test_the_demo_has_a_running_experiment_with_balanced_arms_and_answers(demo):
    municipality, counts, today, seconds = demo
    running = Experiment.objects.get(municipality=municipality, status=Experiment.Status.RUNNING)
    assert running.seed == SEED and {a.code for a in running.arms.all()} == {
        "extra_aandacht", "zelfregie", "regulier", "bijverdienpremie"}
    assert counts["geloot"] == Assignment.objects.filter(experiment=running).count() > 40
    given = set(Consent.objects.filter(experiment=running, status="given").values_list("resident_id", flat=True))
    assert set(Assignment.objects.filter(experiment=running).values_list("resident_id", flat=True)) <= given
    for row in services.balance(running)["rows"]:
        assert max(row["counts"]) - min(row["counts"]) <= 1  # block of four, equal weights
    assert QuestionnaireResponse.objects.filter(wave__experiment=running, wave__code="T1").exists()
    result = services.results(running)
    assert result["wave"] == "T1" and result["effects"]
    assert Experiment.objects.filter(municipality=municipality, status=Experiment.Status.DRAFT).count() == 1
    assert seconds < 20


def test_extra_attention_residents_in_the_demo_have_the_shorter_contact_norm(demo):
    municipality, _counts, _today, _seconds = demo
    extra = Resident.objects.filter(experiment_assignments__arm__code="extra_aandacht", guidance_status="active")
    regular = Resident.objects.filter(experiment_assignments__arm__code="regulier", guidance_status="active")
    assert extra.exists() and regular.exists()
    assert all("conditie Extra aandacht" in rule for rule in extra.values_list("next_contact_rule", flat=True))
    assert not any("experiment" in rule for rule in regular.values_list("next_contact_rule", flat=True))
    assert extra.filter(next_contact_rule__contains="contactnorm 28 dagen").exists()


def test_the_same_seed_gives_the_same_assignment(presets, monkeypatch):
    from meedoen.demo.tests.test_seed_demo import wipe

    today = timezone.localdate()
    monkeypatch.setattr(generator, "DEMO_EXTENSIONS", [])

    def run():
        summary = generator.seed("rotterdam", 200, 3, today=today)
        seed_experiments(summary.municipality, random.Random(9), today)
        return sorted(Assignment.objects.values_list("resident__bsn", "arm__code", "stratum", "position")), sorted(
            QuestionnaireResponse.objects.values_list("resident__bsn", "wave__code", "wellbeing", "paid_hours"))

    first = run()
    wipe()
    assert run() == first
