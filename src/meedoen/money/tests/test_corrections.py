"""A correction recalculates every later decided month that depends on it (holiday allowance reserved, the duration
of a disregard, the next_month method), records a difference per changed month, and makes one decision letter
(beschikking) with the months, the old and new amounts, the differences and the objection route."""
import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meedoen.letters.models import Letter
from meedoen.letters.tests.helpers import pdf_text
from meedoen.money import norms, services
from meedoen.money.correction_letter import correction_letter, signed_difference
from meedoen.money.models import IncomeReport, MonthlyCalculation, PaymentCorrection
from meedoen.policy.services import active_profile, copy_as_draft
from meedoen.residents.models import DossierEvent

from .conftest import month

pytestmark = pytest.mark.django_db
AMSTERDAM = dt.timezone(dt.timedelta(hours=2))


def D(value):
    return Decimal(str(value))


def load_second_half_2026(tmp_path):
    """TEST ONLY: the 2026 figures reused for July to December 2026 (the real table is not known yet)."""
    data = json.loads((norms.NORMS_DIR / "2026-01-01.json").read_text())
    data.update(effective_from="2026-07-01", valid_until="2026-12-31", source="TEST ONLY: 2026 figures reused")
    path = tmp_path / "2026-07-01.json"
    path.write_text(json.dumps(data))
    call_command("load_norms", file=[str(path)])


def wage(resident, caseworker, when, amount="800"):
    return services.add_income_report(resident, actor=caseworker, month=when, net_amount=D(amount),
                                      kind=IncomeReport.Kind.WAGE_MONTHLY, employer="Bakkerij De Korenbloem")[0]


def decide(resident, caseworker, when):
    state = services.month_state(resident, when)
    return services.decide_month(resident, when, actor=caseworker, expected_fingerprint=state.fingerprint)


def decided_totals(resident):
    return dict(MonthlyCalculation.objects.filter(resident=resident, status=MonthlyCalculation.Status.DECIDED)
                .values_list("month", "total_paid"))


def use_next_month_method(municipality):
    draft = copy_as_draft(active_profile(municipality), effective_from=dt.date(2026, 1, 1))
    draft.extra = {**draft.extra, "money": {"offset_method": "next_month"}}
    draft.status = "approved"
    draft.save()


def test_correcting_an_early_month_moves_the_disregard_period_and_corrects_every_later_month(
        tmp_path, resident, caseworker):
    with time_machine.travel(dt.datetime(2026, 8, 10, 12, 0, tzinfo=AMSTERDAM), tick=True):
        load_second_half_2026(tmp_path)
        reports = [wage(resident, caseworker, month(2026, m)) for m in range(1, 8)]
        decide(resident, caseworker, month(2026, 7))
        before = decided_totals(resident)
        # Single of 55, norm 1401.50. With 800 a month the 25 % disregard (art. 31 lid 2 n) runs January to June:
        # disregard 200, offset 600, benefit 801.50, 5 % reserved 40.08, to pay 761.42. July has no disregard left:
        # offset 800, benefit 601.50, reserved 30.08, to pay 571.42. June pays out the reserve of January-May.
        assert before[month(2026, 1)] == D("761.42") and before[month(2026, 7)] == D("571.42")
        assert before[month(2026, 6)] == D("761.42") + 5 * D("40.08")

        _new, effect = services.correct_income_report(reports[0], actor=caseworker, expected_version=1,
                                                      net_amount=D("0"))

    after = decided_totals(resident)
    # January without income: benefit 1401.50, reserved 70.08, to pay 1331.42 (+570.00). The disregard now starts
    # in February and runs to July: February-May pay the same; June pays out 70.08 + 4 × 40.08 = 230.40 instead of
    # 200.40 (+30.00); July gets the disregard (6th month): to pay 761.42 instead of 571.42 (+190.00).
    assert effect.correction.month == month(2026, 1) and effect.correction.amount == D("570.00")
    assert [(c.month, c.kind, c.amount) for c in effect.later] == [
        (month(2026, 6), "underpayment", D("30.00")), (month(2026, 7), "underpayment", D("190.00"))]
    assert after[month(2026, 6)] == D("991.82") and after[month(2026, 7)] == D("761.42")
    assert all(c.cause == _new for c in effect.corrections)
    assert "hangt af van eerdere maanden" in effect.later[0].reason
    # February-May: new versions (the disregard's month number moved), no correction: their amount did not change.
    feb = MonthlyCalculation.objects.get(resident=resident, month=month(2026, 2), status="decided")
    assert feb.version == 2 and feb.total_paid == D("761.42")
    assert not PaymentCorrection.objects.filter(month__in=[month(2026, m) for m in range(2, 6)]).exists()
    july = MonthlyCalculation.objects.get(resident=resident, month=month(2026, 7), status="decided")
    disregard = [line for line in july.lines if line["code"] == "disregard"][0]
    assert disregard["params"]["month_number"] == 6 and disregard["params"]["started"] == "2026-02-01"
    assert july.replaces.total_paid == D("571.42")               # the old version stays readable
    assert DossierEvent.objects.filter(resident=resident, summary__contains="zonder verschil in bedrag").exists()
    # One beschikking for the run, linked from every correction.
    assert effect.letter is not None and effect.letter.kind == "payment_correction"
    assert {c.letter_id for c in PaymentCorrection.objects.filter(resident=resident)} == {effect.letter.pk}


def test_with_the_next_month_method_the_offset_month_and_the_holiday_payout_are_corrected(
        resident, caseworker, municipality):
    use_next_month_method(municipality)
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0, tzinfo=AMSTERDAM), tick=True):
        march = wage(resident, caseworker, month(2026, 3))
        decide(resident, caseworker, month(2026, 6))
        before = decided_totals(resident)
        _new, effect = services.correct_income_report(march, actor=caseworker, expected_version=1,
                                                      net_amount=D("600"))
    after = decided_totals(resident)
    # March's income is offset in April: 800 → to pay 761.42 (reserved 40.08); 600 → disregard 150, offset 450,
    # benefit 951.50, reserved 47.58, to pay 903.92 (+142.50). May is unchanged. June pays out the reserve of
    # January-May: 4 × 70.08 + 40.08 = 320.40 before, 4 × 70.08 + 47.58 = 327.90 now (+7.50).
    assert effect.month == month(2026, 4)
    assert (effect.correction.kind, effect.correction.amount) == ("underpayment", D("142.50"))
    assert [(c.month, c.amount) for c in effect.later] == [(month(2026, 6), D("7.50"))]
    assert before[month(2026, 6)] == D("1331.42") + D("320.40") and after[month(2026, 6)] == D("1659.32")
    for unchanged in (1, 2, 3, 5):
        assert after[month(2026, unchanged)] == before[month(2026, unchanged)]
    assert not PaymentCorrection.objects.filter(month__in=[month(2026, m) for m in (1, 2, 3, 5)]).exists()
    # May carries a different reserve into June: a new version, so the months after it continue from the right state.
    may = MonthlyCalculation.objects.get(resident=resident, month=month(2026, 5), status="decided")
    assert may.version == 2 and may.state_after["holiday_reserve"] == "327.90"
    assert MonthlyCalculation.objects.get(resident=resident, month=month(2026, 3), status="decided").version == 1
    # The undecided month after the last decided one is computed from the corrected state.
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0, tzinfo=AMSTERDAM), tick=True):
        assert services.month_state(resident, month(2026, 7)).error        # no norms for July: still an error


def test_the_beschikking_states_months_amounts_difference_reason_and_objection_route(resident, caseworker):
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0, tzinfo=AMSTERDAM), tick=True):
        april = wage(resident, caseworker, month(2026, 4))
        decide(resident, caseworker, month(2026, 6))
        _new, effect = services.correct_income_report(april, actor=caseworker, expected_version=1,
                                                      net_amount=D("1000"))
    letter = effect.letter
    text = pdf_text(letter.pdf)
    # April: 761.42 → 618.92 (terugvordering 142.50); June pays out 7.50 less (40.08 → 32.58 reserved in April).
    assert (effect.correction.kind, effect.correction.amount) == ("overpayment", D("142.50"))
    assert [(c.month, c.kind, c.amount) for c in effect.later] == [(month(2026, 6), "overpayment", D("7.50"))]
    assert letter.subject == "Besluit over uw uitkering: terugvordering"
    for expected in ("april 2026", "juni 2026", "761,42", "618,92", "142,50 te veel betaald", "7,50 te veel betaald",
                     "150,00 te veel", "artikel 58 Participatiewet", "loon per maand",
                     "eerst € 800,00, nu € 1.000,00", "bezwaar", "6 weken", "27 juli 2026"):
        assert expected in text.replace("\u00a0", " "), expected
    assert DossierEvent.objects.filter(resident=resident, kind=DossierEvent.Kind.LETTER).count() == 1


def test_a_premium_saved_for_june_is_corrected_too_and_the_letter_nets_both_directions(
        municipality, resident, caseworker):
    municipality.policy_key = "amsterdam"      # bijverdienpremie 30 %, at most 219.00 a month, paid in June
    municipality.save()
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0, tzinfo=AMSTERDAM), tick=True):
        february = wage(resident, caseworker, month(2026, 2))
        decide(resident, caseworker, month(2026, 6))
        _new, effect = services.correct_income_report(february, actor=caseworker, expected_version=1,
                                                      net_amount=D("400"))
    # February: 800 → 400: disregard 100, offset 300, benefit 1101.50, reserved 55.08, to pay 1046.42 (+285.00).
    # June: the premium saved in February is 30 % of 400 = 120.00 instead of 219.00 (the maximum) (-99.00), and the
    # holiday allowance paid out is 55.08 - 40.08 = 15.00 more: -84.00.
    assert [(c.month, c.kind, c.amount) for c in effect.corrections] == [
        (month(2026, 2), "underpayment", D("285.00")), (month(2026, 6), "overpayment", D("84.00"))]
    text = pdf_text(effect.letter.pdf).replace("\u00a0", " ")
    assert effect.letter.subject == "Besluit over uw uitkering: u krijgt geld bij"   # Amsterdam: the inviting text
    for expected in ("285,00 te weinig betaald", "84,00 te veel betaald", "201,00 te weinig", "nabetaling"):
        assert expected in text, expected


def test_the_beschikking_is_never_made_twice_for_the_same_correction(resident, caseworker):
    with time_machine.travel(dt.datetime(2026, 4, 20, 12, 0, tzinfo=AMSTERDAM), tick=True):
        march = wage(resident, caseworker, month(2026, 3))
        decide(resident, caseworker, month(2026, 3))
        _new, effect = services.correct_income_report(march, actor=caseworker, expected_version=1,
                                                      net_amount=D("600"))
    again = correction_letter(effect.corrections, actor=caseworker)
    assert again == effect.letter and Letter.objects.filter(kind="payment_correction").count() == 1


def test_a_correction_without_a_difference_makes_no_letter_and_leaves_later_months_alone(resident, caseworker):
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0, tzinfo=AMSTERDAM), tick=True):
        march = wage(resident, caseworker, month(2026, 3))
        wage(resident, caseworker, month(2026, 5), amount="300")
        decide(resident, caseworker, month(2026, 6))
        _new, effect = services.correct_income_report(march, actor=caseworker, expected_version=1,
                                                      net_amount=D("800"), note="loonstrook ontvangen")
    assert effect.correction.kind == PaymentCorrection.Kind.NONE and effect.later == []
    assert effect.letter is None and not Letter.objects.exists()
    # Only March has a second version (the payslip replaced the estimate); April to June are untouched.
    versions = dict(MonthlyCalculation.objects.filter(resident=resident, status="decided")
                    .values_list("month", "version"))
    assert versions == {month(2026, m): 2 if m == 3 else 1 for m in range(1, 7)}


def test_without_a_postal_address_the_correction_is_refused_and_nothing_changes(resident, caseworker):
    from django.core.exceptions import ValidationError

    with time_machine.travel(dt.datetime(2026, 4, 20, 12, 0, tzinfo=AMSTERDAM), tick=True):
        march = wage(resident, caseworker, month(2026, 3))
        decide(resident, caseworker, month(2026, 3))
        resident.street = ""
        resident.save()
        with pytest.raises(ValidationError) as error:
            services.correct_income_report(march, actor=caseworker, expected_version=1, net_amount=D("600"))
    assert "adres" in " ".join(error.value.messages)
    assert not PaymentCorrection.objects.exists()
    assert MonthlyCalculation.objects.filter(status="decided", version=1).count() == 3
    march.refresh_from_db()
    assert march.is_current and march.version == 1


AMOUNTS = st.one_of(st.none(), st.sampled_from(["0", "150", "612.35", "800", "1250", "1700"]))


@pytest.mark.parametrize("policy_key", ["rotterdam", "amsterdam"])   # Amsterdam: a premium paid in June, November
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(incomes=st.lists(AMOUNTS, min_size=9, max_size=9),
       corrected=st.integers(min_value=1, max_value=9),
       new_amount=st.sampled_from(["0", "90", "400", "800", "1500"]))
def test_the_corrections_add_up_to_the_change_in_what_is_paid(tmp_path, municipality, resident, caseworker, policy_key,
                                                              incomes, corrected, new_amount):
    """Whatever the incomes, the month corrected and the new amount: the signed corrections of the run add up to the
    new total paid minus the old over the decided months, and exactly the months whose amount changed have one."""
    if municipality.policy_key != policy_key:
        municipality.policy_key = policy_key
        municipality.save()
    with transaction.atomic():
        with time_machine.travel(dt.datetime(2026, 10, 10, 12, 0, tzinfo=AMSTERDAM), tick=True):
            load_second_half_2026(tmp_path)
            reports = {}
            for number, amount in enumerate(incomes, 1):
                if amount is not None or number == corrected:
                    reports[number] = wage(resident, caseworker, month(2026, number), amount or "0")
            decide(resident, caseworker, month(2026, 9))
            before = decided_totals(resident)
            _new, effect = services.correct_income_report(reports[corrected], actor=caseworker,
                                                          expected_version=1, net_amount=D(new_amount))
        after = decided_totals(resident)
        assert set(after) == set(before)
        assert sum((signed_difference(c) for c in effect.corrections), D(0)) == \
            sum(after.values()) - sum(before.values())
        changed = {m for m in before if after[m] != before[m]}
        assert {c.month for c in effect.later} == changed - {month(2026, corrected)}
        assert all(c.month > month(2026, corrected) for c in effect.later)
        assert (effect.letter is not None) == bool(changed)
        transaction.set_rollback(True)
