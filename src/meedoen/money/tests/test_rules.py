"""The monthly calculation (money/rules.py), case by case with hand-computed amounts.

Every expected figure below was computed by hand from the norm table of 1 January 2026 (money/norms/2026-01-01.json)
and the income rules (money/norms/income_rules.json); the arithmetic is written next to it. Rounding is half up to
cents at the points rules.py names.
"""
import datetime as dt
from dataclasses import replace

import pytest

from meedoen.money import rules as r
from meedoen.money.policy import DEFAULT_MONEY, money_policy, validate_money

from .builders import (
    D, JAN_2026, JUL_2026_FICTIONAL, RULES, fictional_table, household, inputs, line_amounts, shipped_table, wage,
)

MARCH = dt.date(2026, 3, 1)    # 31 days, no payout month
APRIL = dt.date(2026, 4, 1)    # 30 days
MAY = dt.date(2026, 5, 1)
JUNE = dt.date(2026, 6, 1)     # holiday allowance payout month
AGE_40 = dt.date(1986, 2, 10)


# -- the norm (art. 20, 21, 22, 22a) ----------------------------------------------------------------------------------

NORM_CASES = [
    # (id, household, norm, reservation (5 %), amount to pay)
    ("single 21+ (art. 21 a)", household(), "1401.50", "70.08", "1331.42"),          # 1401.50 × 5 % = 70.075
    ("single parent 21+ (art. 21 a)", household(single_parent=True, children=True), "1401.50", "70.08", "1331.42"),
    ("couple 21+ (art. 21 b)", household(has_partner=True, partner_birth=dt.date(1990, 1, 1)),
     "2002.13", "100.11", "1902.02"),                                                  # 100.1065
    ("single at AOW age (art. 22 a)", household(resident_birth=dt.date(1958, 1, 10)), "1564.69", "78.23", "1486.46"),
    ("couple, one at AOW age (art. 22 c)",
     household(resident_birth=dt.date(1958, 1, 10), has_partner=True, partner_birth=dt.date(1965, 1, 1)),
     "2144.16", "107.21", "2036.95"),                                                  # 107.208
    ("single 19 (art. 20 lid 1 a)", household(resident_birth=dt.date(2007, 1, 5)), "345.99", "17.30", "328.69"),
    ("couple both 19, no children (art. 20 lid 1 b)",
     household(resident_birth=dt.date(2007, 1, 5), has_partner=True, partner_birth=dt.date(2006, 12, 1)),
     "691.98", "34.60", "657.38"),                                                     # 34.599
    ("couple both 19 with children (art. 20 lid 2 b)",
     household(resident_birth=dt.date(2007, 1, 5), has_partner=True, partner_birth=dt.date(2006, 12, 1),
               children=True), "1092.41", "54.62", "1037.79"),                         # 54.6205
    ("couple 19 and 25 (art. 20 lid 1 c)",
     household(resident_birth=dt.date(2007, 1, 5), has_partner=True, partner_birth=dt.date(2001, 1, 1)),
     "1347.06", "67.35", "1279.71"),                                                   # 67.353
    # Kostendelersnorm: (40 + 30A) / (100A) × 2002.13
    ("single + housemate 30: A=2", household(housemates=(r.Housemate(dt.date(1996, 1, 1)),)),
     "1001.07", "50.05", "951.02"),                                                    # 1001.065; 50.0535
    ("single + housemates 30 and 50: A=3",
     household(housemates=(r.Housemate(dt.date(1996, 1, 1)), r.Housemate(dt.date(1976, 1, 1)))),
     "867.59", "43.38", "824.21"),                                                     # 867.5897; 43.3795
    ("couple + housemate 30: A=3, both partners",
     household(has_partner=True, partner_birth=dt.date(1990, 1, 1), housemates=(r.Housemate(dt.date(1996, 1, 1)),)),
     "1735.18", "86.76", "1648.42"),                                                   # 2 × 867.59; 86.759
    ("single + housemate 25: not a cost sharer (art. 19a)", household(housemates=(r.Housemate(dt.date(2001, 1, 1)),)),
     "1401.50", "70.08", "1331.42"),
    ("single + commercial tenant 40: exception",
     household(housemates=(r.Housemate(dt.date(1986, 1, 1), counts=False),)),
     "1401.50", "70.08", "1331.42"),
    ("single at AOW age + housemate 40: A=2 of the AOW couple norm",
     household(resident_birth=dt.date(1958, 1, 10), housemates=(r.Housemate(dt.date(1986, 1, 1)),)),
     "1072.08", "53.60", "1018.48"),                                                   # 0.5 × 2144.16; 53.604
    ("single 19 + housemate 40: no kostendelersnorm under 21",
     household(resident_birth=dt.date(2007, 1, 5), housemates=(r.Housemate(dt.date(1986, 1, 1)),)),
     "345.99", "17.30", "328.69"),
    ("couple 19 and 30 + housemate 40 (art. 22a lid 3)",
     household(resident_birth=dt.date(2007, 1, 5), has_partner=True, partner_birth=dt.date(1996, 1, 1),
               housemates=(r.Housemate(dt.date(1986, 1, 1)),)),
     "1213.58", "60.68", "1152.90"),                                                   # 867.59 + 345.99; 60.679
    ("housemate moved out on 16 March: 15 days A=2, 16 days single",
     household(housemates=(r.Housemate(dt.date(1986, 1, 1), moved_out_on=dt.date(2026, 3, 16)),)),
     "1207.74", "60.39", "1147.35"),   # 1001.07 × 15/31 = 484.3887 → 484.39; 1401.50 × 16/31 = 723.3548 → 723.35
    ("benefit started on 10 March: 22 of 31 days", household(benefit_start=dt.date(2026, 3, 10)),
     "994.61", "49.73", "944.88"),                                       # 1401.50 × 22/31 = 994.6129; 49.7305
]


@pytest.mark.parametrize("case_id, hh, norm, reservation, to_pay", NORM_CASES, ids=[c[0] for c in NORM_CASES])
def test_norm_of_the_month(case_id, hh, norm, reservation, to_pay):
    result = r.calculate(inputs(MARCH, hh=hh))
    assert result.norm == D(norm)
    assert result.holiday_reserved == D(reservation)
    assert result.amount_to_pay == D(to_pay)
    assert result.offset == 0 and result.disregard == 0


def test_a_housemate_turning_27_in_the_month_splits_the_norm_per_day():
    # Housemate born 16 April 1999 turns 27 on 16 April 2026 (April has 30 days).
    hh = household(housemates=(r.Housemate(dt.date(1999, 4, 16), label="zoon"),))
    result = r.calculate(inputs(APRIL, hh=hh))
    parts = [(line.params["from"], line.params["to"], line.amount) for line in result.lines if line.code == "norm"]
    assert parts == [
        (dt.date(2026, 4, 1), dt.date(2026, 4, 15), D("700.75")),     # 1401.50 × 15/30
        (dt.date(2026, 4, 16), dt.date(2026, 4, 30), D("500.54")),    # 1001.07 × 15/30 = 500.535
    ]
    assert result.norm == D("1201.29")
    assert result.lines[1].rule == "pw.22a" and result.lines[1].params["sharers"] == 2
    assert result.holiday_reserved == D("60.06")                      # 60.0645
    assert result.amount_to_pay == D("1141.23")


def test_the_resident_turning_27_in_the_month_gets_the_disregard_of_lid_2_n():
    # Born 20 May 1999: 26 in April 2026, 27 from 20 May 2026. Wage €800 that serves work.
    hh = household(resident_birth=dt.date(1999, 5, 20))
    april = r.calculate(inputs(APRIL, hh=hh, income=[wage(800)]))
    assert april.disregard == 0                                       # art. 31 lid 5: not under 27
    assert april.offset == D("800.00")
    assert april.amount_to_pay == D("571.42")                         # 601.50 - 30.08 (30.075)
    may = r.calculate(inputs(MAY, hh=hh, income=[wage(800)]))
    assert line_amounts(may, "disregard") == [D("200.00")]            # 25 % of 800
    assert may.offset == D("600.00")
    assert may.benefit == D("801.50")
    assert may.amount_to_pay == D("761.42")                           # 801.50 - 40.08 (40.075)


def test_a_four_weekly_payslip_counts_13_twelfths():
    result = r.calculate(inputs(MARCH, income=[wage(700, kind=r.WAGE_4WEEKLY, employer="Albert Heijn")]))
    income = [line for line in result.lines if line.code == "income"][0]
    assert income.amount == D("758.33")                               # 700 × 13 / 12 = 758.333
    assert income.rule == "pw.32" and income.params["factor"] == "13/12"
    assert result.disregard == D("189.58")                            # 25 % of 758.33 = 189.5825
    assert result.offset == D("568.75")
    assert result.benefit == D("832.75")
    assert result.amount_to_pay == D("791.11")                        # 832.75 - 41.64 (41.6375)


def test_a_norm_change_between_june_and_july():
    tables = [JAN_2026, JUL_2026_FICTIONAL]
    june = r.calculate(inputs(JUNE, table=r.find_norm_table(tables, JUNE)))
    july = r.calculate(inputs(dt.date(2026, 7, 1), table=r.find_norm_table(tables, dt.date(2026, 7, 1))))
    assert june.norm == D("1401.50") and june.lines[0].params["table"] == "2026-01-01"
    assert july.norm == D("1430.00") and july.lines[0].params["table"] == "2026-07-01"


def test_a_month_without_a_norm_table_is_an_error_not_the_nearest_table():
    with pytest.raises(r.RuleError) as error:
        r.find_norm_table([JAN_2026], dt.date(2026, 7, 1))
    assert error.value.code == "no_norm_table"
    with pytest.raises(r.RuleError):
        r.calculate(inputs(dt.date(2025, 12, 1)))


# -- disregards (art. 31 lid 2 n, r, y; art. 34a from 2027) -----------------------------------------------------------


DISREGARD_CASES = [
    # (id, household, income, history started {key: month}, month, expected disregard, rule)
    ("n: 25 % of 800", household(), [wage(800)], {}, MARCH, "200.00", "pw.31.2n"),
    ("n: capped at 285", household(), [wage(1500)], {}, MARCH, "285.00", "pw.31.2n"),
    ("n: not when the work does not serve work", household(), [wage(800, serves_work=False)], {}, MARCH, None, None),
    ("n: sixth month still", household(), [wage(800)], {"resident:pw.31.2n": dt.date(2025, 10, 1)}, MARCH,
     "200.00", "pw.31.2n"),
    ("n: seventh month no more", household(), [wage(800)], {"resident:pw.31.2n": dt.date(2025, 9, 1)}, MARCH,
     None, None),
    ("n: not under 27", household(resident_birth=dt.date(2001, 1, 1)), [wage(800)], {}, MARCH, None, None),
    ("r: single parent after n, 12.5 % of 800",
     household(single_parent=True, children=True, youngest_child_birth=dt.date(2021, 1, 1)), [wage(800)],
     {"resident:pw.31.2n": dt.date(2025, 6, 1)}, MARCH, "100.00", "pw.31.2r"),
    ("r: capped at 177.66",
     household(single_parent=True, children=True, youngest_child_birth=dt.date(2021, 1, 1)), [wage(1500)],
     {"resident:pw.31.2n": dt.date(2025, 6, 1)}, MARCH, "177.66", "pw.31.2r"),
    ("r: n first while n runs",
     household(single_parent=True, children=True, youngest_child_birth=dt.date(2021, 1, 1)), [wage(800)], {},
     MARCH, "200.00", "pw.31.2n"),
    ("r: not with a youngest child of 12",
     household(single_parent=True, children=True, youngest_child_birth=dt.date(2013, 1, 1)), [wage(800)],
     {"resident:pw.31.2n": dt.date(2025, 6, 1)}, MARCH, None, None),
    ("r: ends after 30 months",
     household(single_parent=True, children=True, youngest_child_birth=dt.date(2021, 1, 1)), [wage(800)],
     {"resident:pw.31.2n": dt.date(2023, 1, 1), "resident:pw.31.2r": dt.date(2023, 9, 1)}, MARCH, None, None),
    ("y: medically limited, 15 % of 800, also under 27",
     household(resident_birth=dt.date(2001, 1, 1), medically_limited=True), [wage(800)], {}, MARCH, "120.00",
     "pw.31.2y"),
    ("y: capped at 180.19", household(medically_limited=True), [wage(1400)],
     {"resident:pw.31.2n": dt.date(2025, 1, 1)}, MARCH, "180.19", "pw.31.2y"),
    ("n and y are not added up: the higher one", household(medically_limited=True), [wage(800)], {}, MARCH,
     "200.00", "pw.31.2n"),
    ("other income has no disregard", household(), [wage(800, kind=r.OTHER)], {}, MARCH, None, None),
    ("a year-end bonus is earnings from work", household(), [wage(400, kind=r.YEAR_END_BONUS)], {}, MARCH,
     "100.00", "pw.31.2n"),
]


@pytest.mark.parametrize("case_id, hh, income, started, month, expected, rule", DISREGARD_CASES,
                         ids=[c[0] for c in DISREGARD_CASES])
def test_disregards(case_id, hh, income, started, month, expected, rule):
    history = r.History(disregard_started=started)
    result = r.calculate(inputs(month, hh=hh, income=income, history=history))
    lines = [line for line in result.lines if line.code == "disregard"]
    if expected is None:
        assert lines == []
        assert result.disregard == 0
    else:
        assert [(line.amount, line.rule) for line in lines] == [(D(expected), rule)]


def test_a_disregard_window_starts_in_the_first_month_and_is_carried_on():
    result = r.calculate(inputs(MARCH, income=[wage(800)]))
    assert result.history_after.disregard_started == {"resident:pw.31.2n": MARCH}
    line = [line for line in result.lines if line.code == "disregard"][0]
    assert line.params["month_number"] == 1 and line.params["until"] == dt.date(2026, 8, 1)


def test_the_same_month_computes_differently_from_1_january_2027():
    # The income rules change on 1 January 2027 (Participatiewet in balans, art. 34a). The norm tables for December
    # 2026 and January 2027 are fictional here (the 2026 figures reused) so only the rules differ.
    december, january = dt.date(2026, 12, 1), dt.date(2027, 1, 1)
    dec_table, jan_table = fictional_table(dt.date(2026, 7, 1)), fictional_table(dt.date(2027, 1, 1))
    dec = r.calculate(inputs(december, income=[wage(800)], table=dec_table))
    jan = r.calculate(inputs(january, income=[wage(800)], table=jan_table))
    assert [(line.rule, line.amount) for line in dec.lines if line.code == "disregard"] == [("pw.31.2n", D("200.00"))]
    assert [(line.rule, line.amount) for line in jan.lines if line.code == "disregard"] == [("pw.34a", D("120.00"))]
    # At AOW age (AIO): no disregard in 2026; from 2027 25 % up to €226.
    aow = household(resident_birth=dt.date(1958, 1, 10))
    dec_aow = r.calculate(inputs(december, hh=aow, income=[wage(800)], table=dec_table))
    jan_aow = r.calculate(inputs(january, hh=aow, income=[wage(800)], table=jan_table))
    jan_aow_high = r.calculate(inputs(january, hh=aow, income=[wage(1200)], table=jan_table))
    assert dec_aow.disregard == 0
    assert [(line.rule, line.amount) for line in jan_aow.lines if line.code == "disregard"] == [
        ("pw.34a.aow", D("200.00"))]
    assert jan_aow_high.disregard == D("226.00")                       # 25 % of 1200 = 300, capped


def test_art_34a_runs_for_at_most_12_months():
    history = r.History(disregard_started={"resident:pw.34a": dt.date(2027, 1, 1)})
    jan_2028 = r.calculate(inputs(dt.date(2027, 12, 1), income=[wage(800)], history=history,
                                  table=fictional_table(dt.date(2027, 7, 1))))
    assert jan_2028.disregard == D("120.00")                          # twelfth month
    later = r.calculate(inputs(dt.date(2028, 1, 1), income=[wage(800)], history=history,
                               table=fictional_table(dt.date(2028, 1, 1))))
    assert later.disregard == 0


def test_partner_earnings_get_their_own_disregard():
    hh = household(has_partner=True, partner_birth=dt.date(1990, 1, 1))
    result = r.calculate(inputs(MARCH, hh=hh, income=[wage(800), wage(400, person=r.PARTNER)]))
    assert [(line.params["person"], line.amount) for line in result.lines if line.code == "disregard"] == [
        ("resident", D("200.00")), ("partner", D("100.00"))]
    assert result.offset == D("900.00")
    assert result.benefit == D("1102.13")                             # 2002.13 - 900


# -- not offset: volunteer allowance and Ein-Euro-Job ------------------------------------------------------------------


def test_a_volunteer_allowance_is_free_up_to_220_a_month():
    result = r.calculate(inputs(MARCH, income=[wage(250, kind=r.VOLUNTEER)]))
    assert line_amounts(result, "exempt") == [D("220.00")]
    assert result.offset == D("30.00")                                # what exceeds 220 counts
    assert result.history_after.volunteer_year == {"resident": D("220.00")}


def test_a_volunteer_allowance_is_free_up_to_2200_a_year():
    history = r.History(year=2026, volunteer_year={"resident": D("2100.00")})
    result = r.calculate(inputs(MARCH, income=[wage(250, kind=r.VOLUNTEER)], history=history))
    assert line_amounts(result, "exempt") == [D("100.00")]
    assert result.offset == D("150.00")
    new_year = r.calculate(inputs(MARCH, income=[wage(250, kind=r.VOLUNTEER)],
                                  history=replace(history, year=2025)))
    assert line_amounts(new_year, "exempt") == [D("220.00")]          # a new calendar year starts again


def test_an_ein_euro_job_allowance_is_not_offset_up_to_the_hourly_rate():
    ok = r.calculate(inputs(MARCH, income=[wage(28, kind=r.EIN_EURO_JOB, hours=D(20))]))
    assert line_amounts(ok, "exempt") == [D("28.00")] and ok.offset == 0      # 20 h × €1.40
    more = r.calculate(inputs(MARCH, income=[wage(35, kind=r.EIN_EURO_JOB, hours=D(20))]))
    assert more.offset == D("7.00")
    with pytest.raises(r.RuleError) as error:
        r.calculate(inputs(MARCH, income=[wage(28, kind=r.EIN_EURO_JOB)]))
    assert error.value.code == "hours_missing"


# -- holiday allowance (art. 19 lid 3, 45) ----------------------------------------------------------------------------


def test_employer_holiday_pay_is_set_off_against_the_reserved_holiday_allowance():
    history = r.History(year=2026, holiday_reserve=D("400.00"))
    within = r.calculate(inputs(MAY, income=[wage(300, kind=r.HOLIDAY_PAY)], history=history))
    assert within.offset == 0
    assert within.history_after.holiday_reserve == D("170.08")        # 400 - 300 + 70.08
    above = r.calculate(inputs(MAY, income=[wage(500, kind=r.HOLIDAY_PAY)], history=history))
    assert above.offset == D("100.00")                                # only what exceeds the reserve counts
    assert above.history_after.holiday_reserve == D("65.08")          # 0 + 5 % of 1301.50 (65.075)


def test_the_holiday_allowance_is_paid_out_in_june():
    history = r.History(year=2026, holiday_reserve=D("700.00"))
    june = r.calculate(inputs(JUNE, history=history))
    assert line_amounts(june, "holiday_payout") == [D("700.00")]
    assert june.amount_to_pay == D("2031.42")                         # 1401.50 - 70.08 + 700
    assert june.history_after.holiday_reserve == D("70.08")
    march = r.calculate(inputs(MARCH, history=history))
    assert march.holiday_paid == 0 and march.history_after.holiday_reserve == D("770.08")


def test_the_holiday_allowance_rate_is_a_parameter():
    result = r.calculate(inputs(MARCH, policy=r.MoneyPolicy(holiday_allowance_rate=D("0.048"))))
    assert result.holiday_reserved == D("67.27")                      # 1401.50 × 4.8 % = 67.272


# -- measures (art. 18) -----------------------------------------------------------------------------------------------


def reduction(pct, start, end, measure_id=7):
    return r.Reduction(measure_id=measure_id, percentage=D(pct), label="Niet verschenen", rule="verordening.art5",
                       starts_on=start, ends_on=end)


def test_a_measure_of_30_percent_for_a_whole_month():
    result = r.calculate(inputs(MARCH, reductions=[reduction(30, dt.date(2026, 3, 1), dt.date(2026, 3, 31))]))
    assert result.measure == D("420.45")                              # 30 % of 1401.50
    assert result.benefit == D("981.05")
    assert result.amount_to_pay == D("932.00")                        # 981.05 - 49.05 (49.0525)
    line = [line for line in result.lines if line.code == "measure"][0]
    assert line.rule == "verordening.art5" and line.params["measure"] == 7


def test_a_measure_for_part_of_the_month_is_pro_rata():
    result = r.calculate(inputs(MARCH, reductions=[reduction(100, dt.date(2026, 3, 17), dt.date(2026, 4, 16))]))
    assert result.measure == D("678.15")                              # 1401.50 × 15/31 = 678.1451
    assert result.benefit == D("723.35")


def test_a_measure_never_takes_the_benefit_below_zero():
    result = r.calculate(inputs(MARCH, income=[wage(1000, kind=r.OTHER)],
                                reductions=[reduction(100, dt.date(2026, 3, 1), dt.date(2026, 3, 31))]))
    assert result.measure == D("401.50") and result.benefit == 0 and result.amount_to_pay == 0


def test_a_measure_outside_the_month_has_no_effect():
    result = r.calculate(inputs(MARCH, reductions=[reduction(100, dt.date(2026, 4, 1), dt.date(2026, 4, 30))]))
    assert result.measure == 0 and line_amounts(result, "measure") == []


# -- premiums (policy data, art. 31 lid 2 j) --------------------------------------------------------------------------

CITY_WIDE = r.Premium(id="bijverdienpremie", label="Bijverdienpremie", rate=D("0.30"), max_per_month=D("219.00"),
                      paid_in_months=(6, 11))
EXPERIMENT = r.Premium(id="experiment", label="Premie experiment", rate=D("0.50"), max_per_month=D("200.00"))


def test_the_city_wide_premium_is_saved_up_and_paid_in_june_and_november():
    policy = r.MoneyPolicy(premiums=(CITY_WIDE,))
    march = r.calculate(inputs(MARCH, income=[wage(800)], policy=policy))
    assert march.premium_accrued == D("219.00")                       # 30 % of 800 = 240, capped
    assert march.premium_paid == 0 and march.total_paid == march.amount_to_pay
    assert march.history_after.premium_unpaid == {"bijverdienpremie": D("219.00")}
    june = r.calculate(inputs(JUNE, income=[wage(500)], policy=policy, history=march.history_after))
    assert june.premium_accrued == D("150.00")                        # 30 % of 500
    assert june.premium_paid == D("369.00")                           # 219 + 150
    assert june.total_paid == june.amount_to_pay + D("369.00")


def test_the_experiment_premium_is_paid_every_month():
    policy = r.MoneyPolicy(premiums=(EXPERIMENT,))
    assert r.calculate(inputs(MARCH, income=[wage(300)], policy=policy)).premium_paid == D("150.00")
    assert r.calculate(inputs(MARCH, income=[wage(500)], policy=policy)).premium_paid == D("200.00")


def test_premiums_stop_at_the_yearly_maximum():
    policy = r.MoneyPolicy(premiums=(EXPERIMENT,))
    history = r.History(year=2026, premium_year={"resident": D("3300.00")})
    result = r.calculate(inputs(MARCH, income=[wage(500)], policy=policy, history=history))
    assert result.premium_paid == D("98.00")                          # 3398 - 3300


def test_no_premium_in_a_month_without_a_right_to_bijstand():
    policy = r.MoneyPolicy(premiums=(EXPERIMENT,))
    result = r.calculate(inputs(MARCH, income=[wage(2500)], policy=policy))
    assert result.benefit == 0 and result.premium_paid == 0
    assert "income_exceeds_norm" in result.warnings


KEPT = r.Premium(id="experiment_participation", label="Premie experiment: u houdt € 150", rate=D(0),
                 max_per_month=D("150.00"), fixed_per_month=D("150.00"))


def test_a_fixed_participation_premium_is_paid_only_in_a_month_of_taking_part_and_never_offset():
    policy = r.MoneyPolicy(premiums=(KEPT,))
    taking_part = r.calculate(replace(inputs(MARCH, policy=policy), participating=True))
    assert taking_part.premium_paid == D("150.00")                    # no earnings needed: a fixed amount
    assert taking_part.total_paid == taking_part.amount_to_pay + D("150.00")
    assert taking_part.amount_to_pay == r.calculate(inputs(MARCH)).amount_to_pay   # the benefit itself is unchanged
    assert r.calculate(inputs(MARCH, policy=policy)).premium_paid == 0           # not taking part: nothing
    with_earnings = r.calculate(replace(inputs(MARCH, income=[wage(800)], policy=policy), participating=True))
    assert with_earnings.premium_paid == D("150.00")                  # not a share of the earnings
    history = r.History(year=2026, premium_year={"resident": D("3300.00")})
    capped = r.calculate(replace(inputs(MARCH, policy=policy, history=history), participating=True))
    assert capped.premium_paid == D("98.00")                          # the art. 31 lid 2 j yearly maximum (3398)


def test_a_fixed_participation_premium_survives_storage_of_the_inputs():
    stored = r.inputs_to_data(replace(inputs(MARCH, policy=r.MoneyPolicy(premiums=(KEPT,))), participating=True))
    again = r.inputs_from_data(stored)
    assert again.participating is True and again.policy.premiums[0].fixed_per_month == D("150.00")
    assert r.calculate(again).premium_paid == D("150.00")


# -- bad input --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("make, code", [
    (lambda: inputs(MARCH, income=[wage(-10)]), "negative_income"),
    (lambda: inputs(MARCH, hh=household(benefit_start=dt.date(2026, 4, 2))), "month_before_benefit"),
    (lambda: inputs(MARCH, hh=household(has_partner=True)), "partner_birth_missing"),
    (lambda: inputs(MARCH, income=[wage(100, person=r.PARTNER)]), "partner_income_without_partner"),
    (lambda: inputs(MARCH, hh=household(resident_birth=dt.date(2010, 1, 1))), "under_18"),
    (lambda: inputs(dt.date(2026, 7, 1)), "no_norm_table"),
    (lambda: inputs(MARCH, reductions=[reduction(120, MARCH, dt.date(2026, 3, 31))]), "bad_percentage"),
])
def test_input_the_rules_cannot_compute_with_is_a_named_error(make, code):
    with pytest.raises(r.RuleError) as error:
        r.calculate(make())
    assert error.value.code == code


# -- the lines, the data files and the policy block -------------------------------------------------------------------


def test_every_line_cites_its_rule_and_the_signed_lines_add_up_to_what_is_paid():
    policy = r.MoneyPolicy(premiums=(EXPERIMENT,))
    result = r.calculate(inputs(MARCH, income=[wage(800), wage(50, kind=r.VOLUNTEER)], policy=policy,
                                reductions=[reduction(5, dt.date(2026, 3, 1), dt.date(2026, 3, 31))]))
    for line in result.lines:
        if line.code not in ("benefit", "to_pay", "total"):
            assert line.rule and line.citation, line
    assert sum(line.sign * line.amount for line in result.lines) == result.total_paid
    codes = [line.code for line in result.lines]
    assert codes == ["norm", "income", "exempt", "disregard", "offset", "measure", "benefit", "holiday_reserve",
                     "to_pay", "premium_accrued", "premium_paid", "total"]


def test_inputs_survive_the_json_round_trip_and_compute_the_same():
    hh = household(has_partner=True, partner_birth=dt.date(1990, 1, 1), children=True,
                   housemates=(r.Housemate(dt.date(1999, 4, 16), moved_in_on=dt.date(2026, 1, 3), label="zoon"),))
    original = inputs(APRIL, hh=hh, income=[wage(700, kind=r.WAGE_4WEEKLY, report_id=3),
                                            wage(20, kind=r.EIN_EURO_JOB, hours=D("12.5"))],
                      reductions=[reduction(30, APRIL, dt.date(2026, 4, 30))],
                      policy=r.MoneyPolicy(premiums=(CITY_WIDE,)),
                      history=r.History(year=2026, holiday_reserve=D("12.34"),
                                        disregard_started={"resident:pw.31.2n": MARCH}))
    replayed = r.inputs_from_data(r.inputs_to_data(original))
    assert replayed == original
    assert r.calculate(replayed) == r.calculate(original)


def test_the_shipped_files_are_valid():
    assert JAN_2026.covers(MARCH) and not JAN_2026.covers(dt.date(2026, 7, 1))
    assert JAN_2026.norms["single_21"] == D("1401.50") and JAN_2026.norms["couple_aow"] == D("2144.16")
    ids = [rule.id for rule in RULES]
    assert {"pw.31.2n", "pw.31.2r", "pw.31.2y", "pw.34a", "pw.34a.aow", "pw.31.2j", "pw.31.2k"} <= set(ids)


@pytest.mark.parametrize("change, message", [
    ({"effective_from": "2026-03-01"}, "1 januari of 1 juli"),
    ({"valid_until": "2026-12-31"}, "half jaar"),
    ({"norms": {"single_21": "1401.50"}}, "ontbreken"),
    ({"aow_age": {"years": 99}}, "aow_age"),
])
def test_a_bad_norm_table_is_refused_with_a_reason(change, message):
    data = r.norm_table_to_data(shipped_table())
    data.update(change)
    assert any(message in problem for problem in r.validate_norm_table(data))


def test_the_money_policy_block_has_defaults_and_reads_the_amsterdam_premium():
    default = money_policy({})
    assert default.offset_method == DEFAULT_MONEY["offset_method"] == "same_month"
    assert default.holiday_allowance_rate == D("0.05") and default.premiums == ()
    amsterdam = money_policy({"earnings_premium": {"rate": "0.30", "max_per_month_eur": "219.00",
                                                   "paid_in_months": [6, 11]}})
    assert amsterdam.premiums[0].rate == D("0.30") and amsterdam.premiums[0].paid_in_months == (6, 11)
    assert validate_money({"offset_method": "whenever"})
    assert validate_money({"premiums": [{"id": "x", "label": "X", "rate": "0.9", "max_per_month": "10"}]})
    with pytest.raises(ValueError):
        money_policy({"money": {"holiday_allowance_rate": 0.05}})       # a float is refused


def test_every_preset_has_a_valid_money_policy():
    import json

    from meedoen.policy.presets import preset_files

    for path in preset_files():
        data = json.loads(path.read_text())
        money_policy(data.get("extra"), data["key"])                    # raises when invalid


def test_money_policy_messages_are_translated_from_constant_msgids_and_filled_in_afterwards():
    from django.utils import translation

    from meedoen.money import policy
    from meedoen.tests.i18n import english_catalogue, f_strings_in

    assert f_strings_in(policy.validate_money, policy._premium_errors) == []
    premiums = {"premiums": [{"id": "x", "label": "X", "rate": "0.9", "max_per_month": "10"},
                             {"id": "x", "label": "X", "rate": "0.3", "max_per_month": "10"}]}
    legacy = {"earnings_premium": {"rate": "0.30", "max_per_month_eur": "0"}}
    with translation.override("nl"):
        assert validate_money(premiums) == ['Premie 1: het percentage ligt tussen 0 en 0.5 (bijv. "0.30").',
                                            "Premie 2: de id 'x' komt twee keer voor."]
        with pytest.raises(ValueError, match="^Bijverdienpremie: het maximum per maand moet groter zijn dan nul.$"):
            money_policy(legacy)
    with english_catalogue({
        "Premie {number}": "Premium {number}",
        '{where}: het percentage ligt tussen 0 en {max} (bijv. "0.30").': '{where}: the rate is between 0 and {max}.',
        "Premie {number}: de id '{id}' komt twee keer voor.": "Premium {number}: the id '{id}' occurs twice.",
        "Bijverdienpremie": "Earnings premium",
        "{where}: het maximum per maand moet groter zijn dan nul.": "{where}: the monthly maximum must be above zero.",
    }):
        assert validate_money(premiums) == ["Premium 1: the rate is between 0 and 0.5.",
                                            "Premium 2: the id 'x' occurs twice."]
        with pytest.raises(ValueError, match="^Earnings premium: the monthly maximum must be above zero.$"):
            money_policy(legacy)
