"""Demo data for income and the monthly calculation: about 8 % earners, decided months computed with the real rules,
one correction with a difference for the demo login, deterministic."""
import datetime as dt
import random

import pytest
from django.db import transaction
from django.utils import timezone

from meedoen.accounts.models import User
from meedoen.demo import generator
from meedoen.money import rules, services
from meedoen.money.demo import seed_money
from meedoen.money.models import IncomeReport, MonthlyCalculation, PaymentCorrection
from meedoen.residents.models import Resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(presets, monkeypatch):
    monkeypatch.setattr(generator, "DEMO_EXTENSIONS", [])  # residents only; the money part is seeded by the test
    return generator.seed("rotterdam", 400, 11, today=timezone.localdate()).municipality


def snapshot(municipality):
    return (sorted(IncomeReport.objects.filter(resident__municipality=municipality)
                   .values_list("resident_id", "month", "kind", "net_amount")),
            sorted(MonthlyCalculation.objects.filter(resident__municipality=municipality)
                   .values_list("resident_id", "month", "version", "status", "total_paid")))


def test_seed_money_gives_earners_decided_months_and_one_correction(town):
    today = timezone.localdate()          # 20 April 2026: the norms cover January to June
    counts = seed_money(town, random.Random(3), today)
    residents = Resident.objects.filter(municipality=town).count()
    earners = set(IncomeReport.objects.filter(resident__municipality=town).values_list("resident_id", flat=True))
    assert counts["inwoners met inkomsten"] == len(earners)
    assert 0.04 * residents <= len(earners) <= 0.14 * residents
    kinds = set(IncomeReport.objects.values_list("kind", flat=True))
    assert {"wage_monthly", "wage_4weekly"} <= kinds
    months = sorted(set(MonthlyCalculation.objects.values_list("month", flat=True)))
    assert months == [dt.date(2026, m, 1) for m in (1, 2, 3, 4)]
    assert not MonthlyCalculation.objects.filter(month=dt.date(2026, 4, 1), status="decided").exists()
    assert MonthlyCalculation.objects.filter(month=dt.date(2026, 3, 1), status="decided").count() >= len(earners) - 1

    klantmanager = User.objects.get(username="klantmanager")
    own = Resident.objects.filter(current_caseworker=klantmanager, pk__in=earners)
    assert own.count() >= 3

    correction = PaymentCorrection.objects.get()
    assert correction.resident.current_caseworker == klantmanager and correction.amount > 0
    assert correction.kind == "underpayment"         # the payslip showed less income than estimated: nabetaling
    assert correction.previous.status == "replaced" and correction.recalculated.version == 2
    assert correction.cause.corrects.source == "estimate"

    # Every decided month replays to exactly its stored lines: the demo used the real rules and frozen inputs.
    for calc in MonthlyCalculation.objects.filter(status="decided").order_by("pk")[:200]:
        result = rules.calculate(rules.inputs_from_data(calc.inputs))
        assert [line.as_data() for line in result.lines] == calc.lines
    # And the screen's chain continues from the decided months without an error.
    resident = own.first()
    state = services.month_state(resident, dt.date(2026, 4, 1))
    assert state.error == "" and state.undecided_before == []


def test_seed_money_is_deterministic_for_a_given_rng(town):
    today = timezone.localdate()
    with transaction.atomic():
        seed_money(town, random.Random(3), today)
        first = snapshot(town)
        transaction.set_rollback(True)
    seed_money(town, random.Random(3), today)
    assert snapshot(town) == first and first[0]


def test_without_norms_up_to_today_the_demo_adds_nothing(town):
    counts = seed_money(town, random.Random(3), dt.date(2025, 6, 1))
    assert counts["inkomstenopgaven"] == 0 and not IncomeReport.objects.exists()
