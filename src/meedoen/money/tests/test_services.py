"""Services of the money part: income reports, deciding months, corrections into a recorded difference, frozen
decided months, bad input that changes nothing, and the norm tables as data."""
import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from meedoen.money import norms, services
from meedoen.money.models import (
    Household, IncomeReport, MonthlyCalculation, NormTable, PaymentCorrection,
)
from meedoen.policy.services import active_profile, copy_as_draft
from meedoen.residents.models import DossierEvent
from meedoen.residents.services import ConcurrentEditError

from .conftest import month

JAN, FEB, MARCH, APRIL = month(2026, 1), month(2026, 2), month(2026, 3), month(2026, 4)
pytestmark = pytest.mark.django_db


def D(value):
    return Decimal(str(value))


def report(resident, caseworker, when=MARCH, amount="800", **fields):
    fields.setdefault("kind", IncomeReport.Kind.WAGE_MONTHLY)
    fields.setdefault("employer", "Bakkerij De Korenbloem")
    return services.add_income_report(resident, actor=caseworker, month=when, net_amount=D(amount), **fields)


def decide(resident, caseworker, when):
    state = services.month_state(resident, when)
    return services.decide_month(resident, when, actor=caseworker, expected_fingerprint=state.fingerprint)


def test_an_income_report_is_offset_in_its_month_with_every_line_explained(resident, caseworker):
    saved, effect = report(resident, caseworker)
    assert effect.month == MARCH and effect.correction is None
    state = services.month_state(resident, MARCH)
    assert not state.decided and state.undecided_before == [JAN, FEB]
    # Single of 55: norm 1401.50; 25 % disregard of 800 = 200; offset 600; benefit 801.50; 5 % = 40.08.
    assert state.result.offset == D("600.00")
    assert state.amount_to_pay == D("761.42")
    income_line = [line for line in state.lines if line["code"] == "income"][0]
    assert income_line["params"]["report"] == saved.pk
    assert DossierEvent.objects.filter(resident=resident, summary__startswith="Inkomsten: Loon per maand").exists()
    assert not MonthlyCalculation.objects.exists()          # nothing decided or stored by entering income


@pytest.mark.parametrize("fields, field, text", [
    ({"amount": "-5"}, "net_amount", "niet negatief"),
    ({"when": month(2015, 2)}, "month", "De bijstand begon op 1 maart 2015"),
    ({"when": month(2026, 5)}, "month", "nog niet begonnen"),
    ({"person": IncomeReport.Person.PARTNER}, "person", "geen partner"),
    ({"kind": IncomeReport.Kind.EIN_EURO_JOB}, "hours", "uren"),
])
def test_bad_input_gets_a_clear_dutch_error_and_changes_nothing(resident, caseworker, fields, field, text):
    events = DossierEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        report(resident, caseworker, **fields)
    assert text in " ".join(error.value.message_dict[field])
    assert not IncomeReport.objects.exists()
    assert DossierEvent.objects.count() == events


def test_a_month_without_a_norm_table_is_refused_and_nothing_is_saved(resident, caseworker):
    with time_machine.travel(dt.datetime(2026, 8, 10, 12, 0), tick=False):
        with pytest.raises(ValidationError) as error:
            report(resident, caseworker, when=month(2026, 7))
    assert "geen bijstandsnormen geladen voor juli 2026" in " ".join(error.value.message_dict["month"])
    assert not IncomeReport.objects.exists()


def test_a_second_four_weekly_payslip_of_one_employer_in_one_month_is_refused(resident, caseworker):
    report(resident, caseworker, kind=IncomeReport.Kind.WAGE_4WEEKLY, amount="700")
    with pytest.raises(ValidationError) as error:
        report(resident, caseworker, kind=IncomeReport.Kind.WAGE_4WEEKLY, amount="700")
    assert "× 13/12" in " ".join(error.value.message_dict["kind"])
    assert IncomeReport.objects.count() == 1


def test_deciding_a_month_decides_the_months_before_it_and_freezes_them(resident, caseworker):
    report(resident, caseworker)
    decided = decide(resident, caseworker, MARCH)
    assert [(c.month, c.status) for c in decided] == [(JAN, "decided"), (FEB, "decided"), (MARCH, "decided")]
    march = decided[-1]
    assert march.amount_to_pay == D("761.42") and march.decided_by == caseworker
    assert march.norm_table.effective_from == JAN and march.policy_profile == active_profile(resident.municipality)
    # The holiday allowance saved in January and February is carried on in the frozen state.
    assert march.inputs["history"]["holiday_reserve"] == "140.16"   # 2 × 70.08
    with pytest.raises(ValidationError):
        decide(resident, caseworker, MARCH)


def test_deciding_what_changed_since_it_was_shown_is_refused(resident, caseworker):
    shown = services.month_state(resident, MARCH)
    report(resident, caseworker)
    with pytest.raises(ConcurrentEditError):
        services.decide_month(resident, MARCH, actor=caseworker, expected_fingerprint=shown.fingerprint)
    assert not MonthlyCalculation.objects.exists()


def test_a_decided_month_is_frozen_against_later_dossier_edits(resident, caseworker):
    report(resident, caseworker)
    march = decide(resident, caseworker, MARCH)[-1]
    services.add_housemate(resident, actor=caseworker, description="broer", date_of_birth=dt.date(1980, 1, 1))
    resident.date_of_birth = dt.date(2000, 1, 1)    # even a changed birth date does not touch a decided month
    resident.save()
    march.refresh_from_db()
    state = services.month_state(resident, MARCH)
    assert state.decided and state.calculation == march and march.amount_to_pay == D("761.42")
    april = services.month_state(resident, APRIL)
    assert april.result.norm == D("1001.07")          # the kostendelersnorm from April on (A = 2)


def test_a_correction_recalculates_the_decided_month_and_records_a_nabetaling(resident, caseworker):
    original, _effect = report(resident, caseworker)
    old = decide(resident, caseworker, MARCH)[-1]
    corrected, effect = services.correct_income_report(original, actor=caseworker, expected_version=1,
                                                       net_amount=D("600"), source=IncomeReport.Source.PAYSLIP)
    correction = effect.correction
    # 600: disregard 150, offset 450, benefit 951.50, 5 % = 47.58, to pay 903.92; was 761.42.
    assert correction.kind == PaymentCorrection.Kind.UNDERPAYMENT and correction.amount == D("142.50")
    old.refresh_from_db()
    assert old.status == MonthlyCalculation.Status.REPLACED and old.amount_to_pay == D("761.42")
    new = correction.recalculated
    assert (new.version, new.status, new.amount_to_pay, new.replaces) == (2, "decided", D("903.92"), old)
    assert new.inputs["history"] == old.inputs["history"]             # replayed from the frozen inputs
    original.refresh_from_db()
    assert not original.is_current and original.version == 2 and corrected.corrects == original
    assert services.month_state(resident, MARCH).calculation == new
    assert DossierEvent.objects.filter(resident=resident, summary__contains="nabetaling €\u00a0142,50").exists()


def test_a_correction_upwards_records_a_terugvordering(resident, caseworker):
    original, _effect = report(resident, caseworker)
    decide(resident, caseworker, MARCH)
    _new, effect = services.correct_income_report(original, actor=caseworker, expected_version=1,
                                                  net_amount=D("1000"))
    # 1000: disregard 250, offset 750, benefit 651.50, 5 % = 32.58, to pay 618.92; was 761.42.
    assert effect.correction.kind == PaymentCorrection.Kind.OVERPAYMENT
    assert effect.correction.amount == D("142.50")


def test_a_new_report_for_a_decided_month_is_a_correction_too(resident, caseworker):
    decide(resident, caseworker, MARCH)
    _report, effect = report(resident, caseworker, amount="100", kind=IncomeReport.Kind.OTHER)
    assert effect.correction.kind == PaymentCorrection.Kind.OVERPAYMENT
    # 100 other income: benefit 1301.50, 5 % = 65.08, to pay 1236.42; was 1331.42.
    assert effect.correction.amount == D("95.00")


def test_a_stale_correction_is_refused(resident, caseworker):
    original, _effect = report(resident, caseworker)
    services.correct_income_report(original, actor=caseworker, expected_version=1, net_amount=D("700"))
    with pytest.raises(ConcurrentEditError):
        services.correct_income_report(original, actor=caseworker, expected_version=1, net_amount=D("650"))
    assert IncomeReport.objects.filter(is_current=True).count() == 1


def test_the_next_month_method_offsets_income_a_month_later(resident, caseworker, municipality):
    draft = copy_as_draft(active_profile(municipality), effective_from=dt.date(2026, 1, 1))
    draft.extra = {**draft.extra, "money": {"offset_method": "next_month"}}
    draft.status = "approved"
    draft.save()
    _report, effect = report(resident, caseworker, when=FEB)
    assert effect.month == MARCH
    assert services.month_state(resident, FEB).result.offset == 0
    assert services.month_state(resident, MARCH).result.offset == D("600.00")


def test_a_decided_measure_reduces_the_norm(resident, caseworker, colleague):
    from meedoen.obligations.models import Measure

    Measure.objects.create(
        resident=resident, status=Measure.Status.DECIDED, breached_obligation="appointments", facts="Niet gekomen",
        occurred_on=dt.date(2026, 2, 2), blame="full", blame_note="Geen reden gegeven", proposed_by=caseworker,
        proposed_on=dt.date(2026, 2, 5), outcome=Measure.Outcome.MEASURE, percentage=D("30"), months=1,
        starts_on=MARCH, ends_on=dt.date(2026, 3, 31), decided_by=colleague, decided_on=dt.date(2026, 2, 20),
        rule="verordening: categorie 2, eerste keer")
    Measure.objects.create(
        resident=resident, status=Measure.Status.WITHDRAWN, breached_obligation="appointments", facts="x",
        occurred_on=dt.date(2026, 2, 2), blame="full", blame_note="x", proposed_by=caseworker,
        proposed_on=dt.date(2026, 2, 5), outcome=Measure.Outcome.MEASURE, percentage=D("100"), months=1,
        starts_on=MARCH, ends_on=dt.date(2026, 3, 31))
    state = services.month_state(resident, MARCH)
    measure_lines = [line for line in state.lines if line["code"] == "measure"]
    assert [(line["amount"], line["rule"]) for line in measure_lines] == [
        ("420.45", "verordening: categorie 2, eerste keer")]              # 30 % of 1401.50; the withdrawn one not
    assert services.month_state(resident, APRIL).result.measure == 0


def test_household_facts_come_from_the_dossier_and_the_money_household(resident, caseworker):
    resident.household_type = "couple"
    resident.save()
    state = services.month_state(resident, MARCH)
    assert "geboortedatum van de partner" in state.error
    household = services.update_household(resident, actor=caseworker, expected_version=1,
                                          partner_date_of_birth=dt.date(1975, 6, 1))
    assert household.version == 2
    assert services.month_state(resident, MARCH).result.norm == D("2002.13")
    with pytest.raises(ConcurrentEditError):
        services.update_household(resident, actor=caseworker, expected_version=1, medically_limited_hours=True)


def test_a_partner_birth_date_for_a_single_resident_is_refused(resident, caseworker):
    with pytest.raises(ValidationError) as error:
        services.update_household(resident, actor=caseworker, expected_version=1,
                                  partner_date_of_birth=dt.date(1975, 6, 1))
    assert "geen partner" in " ".join(error.value.message_dict["partner_date_of_birth"])
    assert not Household.objects.filter(partner_date_of_birth__isnull=False).exists()


def test_drafts_are_stored_for_overviews_and_kept_in_line_with_the_facts(resident, caseworker):
    drafts = services.save_drafts(resident, MARCH)
    assert [d.month for d in drafts] == [JAN, FEB, MARCH] and drafts[-1].amount_to_pay == D("1331.42")
    report(resident, caseworker)
    assert MonthlyCalculation.objects.get(month=MARCH, status="draft").amount_to_pay == D("761.42")
    decide(resident, caseworker, FEB)
    assert list(MonthlyCalculation.objects.filter(status="draft").values_list("month", flat=True)) == [MARCH]
    overview = services.months_overview(resident, APRIL)
    assert [(row["month"], row["decided"]) for row in overview] == [
        (APRIL, False), (MARCH, False), (FEB, True), (JAN, True)]


# -- the norm tables as data ------------------------------------------------------------------------------------------


def test_the_data_migration_loads_the_shipped_norms_and_rules():
    import importlib

    from django.apps import apps

    NormTable.objects.all().delete()
    importlib.import_module("meedoen.money.migrations.0002_load_norms").load(apps, None)
    table = NormTable.objects.get()
    assert table.effective_from == JAN and table.norms["single_21"] == "1401.50"
    assert table.file_name == "2026-01-01.json" and len(table.file_sha256) == 64
    assert [rule.id for rule in norms.stored_rules()][:3] == ["pw.31.2n", "pw.31.2r", "pw.31.2y"]


def test_loading_a_new_half_year_is_a_data_change(tmp_path, resident, caseworker):
    data = json.loads((norms.NORMS_DIR / "2026-01-01.json").read_text())
    data.update(effective_from="2026-07-01", valid_until="2026-12-31")
    data["norms"] = {**data["norms"], "single_21": "1420.00"}   # FICTIONAL figure, for this test only
    path = tmp_path / "2026-07-01.json"
    path.write_text(json.dumps(data))
    call_command("load_norms", file=[str(path)])
    assert NormTable.objects.count() == 2
    with time_machine.travel(dt.datetime(2026, 7, 15, 12, 0), tick=False):
        assert services.month_state(resident, month(2026, 7)).result.norm == D("1420.00")


def test_a_norm_table_used_for_a_decided_month_cannot_be_changed(tmp_path, resident, caseworker):
    decide(resident, caseworker, JAN)
    data = json.loads((norms.NORMS_DIR / "2026-01-01.json").read_text())
    data["norms"]["single_21"] = "1500.00"
    path = tmp_path / "2026-01-01.json"
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError) as error:
        call_command("load_norms", file=[str(path)])
    assert "vastgestelde maanden" in str(error.value)
    assert NormTable.objects.get().norms["single_21"] == "1401.50"


@pytest.mark.parametrize("change, text", [
    ({"effective_from": "2026-02-01"}, "1 januari of 1 juli"),
    ({"norms": {"single_21": "1401.50"}}, "ontbreken"),
])
def test_a_bad_norm_file_is_refused_with_the_reason(tmp_path, change, text):
    data = json.loads((norms.NORMS_DIR / "2026-01-01.json").read_text())
    data.update(change)
    path = tmp_path / "2026-01-01.json"
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError) as error:
        call_command("load_norms", file=[str(path)])
    assert text in str(error.value)


def test_the_overview_computes_up_to_the_last_month_with_norms(resident, caseworker):
    with time_machine.travel(dt.datetime(2026, 9, 10, 12, 0), tick=False):
        overview = services.months_overview(resident, month(2026, 8))
    by_month = {row["month"]: row for row in overview}
    # June: 1331.42 plus the holiday allowance reserved January to May (5 × 70.08) paid out.
    assert by_month[month(2026, 6)]["amount"] == D("1681.82") and by_month[month(2026, 6)]["error"] == ""
    assert by_month[month(2026, 8)]["amount"] is None
    assert "augustus 2026" in by_month[month(2026, 8)]["error"]
