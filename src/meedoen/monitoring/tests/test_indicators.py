"""Indicators on a small hand-built dataset (conftest.world), with the expected figures worked out by hand."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meedoen.monitoring import indicators
from meedoen.monitoring.indicators import Filters, compute, rotterdam_table
from meedoen.tests.factories import ResidentFactory

from .conftest import END, START

pytestmark = pytest.mark.django_db


def values(result):
    return {i.key: i.value for i in result.indicators}


def test_indicators_match_the_hand_counted_dataset(world):
    result = compute(world.filters)
    v = values(result)
    assert v["residents"] == 5  # r6 ended before the period, r7's benefit starts after it
    assert v["activation_group"] == 4  # kansarm is Rotterdam's furthest segment
    assert v["approached"] == 3
    assert v["approached_share_activation"] == pytest.approx(0.5)
    assert v["reached"] == 2 and v["conversations"] == 2
    assert v["plans"] == 2
    assert v["active"] == 3
    assert (v["active_volunteering"], v["active_informal_care"], v["active_language"]) == (1, 1, 1)
    assert v["active_movement"] == v["active_own_barriers"] == v["active_other"] == 0
    assert v["active_share"] == pytest.approx(3 / 5)
    assert v["active_share_without_care"] == pytest.approx(2 / 5)
    assert v["exemptions"] == 1 and v["exemptions_social_medical"] == 1 and v["exemptions_granted"] == 1
    assert v["no_shows"] == 1 and v["appointments_attended"] == 0 and v["no_show_rate"] == pytest.approx(1.0)
    assert v["no_show_actions"] == 1 and v["ladder_steps"] == 1
    assert v["measures_proposed"] == 1 and v["measures_decided"] == 1 and v["measures_from_no_show"] == 1
    assert v["flow_work"] == 1 and v["partner_guided"] == 1 and v["flow_reintegration"] == 0
    assert (v["ladder_up"], v["ladder_same"], v["ladder_down"]) == (1, 0, 1)
    assert result.ladder["matrix"] == {(2, 3): 1, (4, 3): 1}
    assert v["caseworker_changes"] == 1
    assert [n for _label, n in result.funnel] == [3, 2, 1, 1]


def test_satisfaction_is_not_available_with_a_reason_when_nobody_gave_a_grade(world):
    grade = compute(world.filters).get("satisfaction")
    assert grade.available is False and grade.value is None and grade.reason
    assert grade.display == "niet beschikbaar"


def test_satisfaction_is_the_average_caseworker_grade_given_in_the_period(world):
    from meedoen.experiments.models import Experiment, QuestionnaireResponse, Wave

    assert indicators.grade_model() is QuestionnaireResponse
    experiment = Experiment.objects.create(municipality=world.municipality, name="Extra aandacht", hypothesis="-",
                                           seed=1)
    wave = Wave.objects.create(experiment=experiment, code="T1", planned_on=dt.date(2026, 6, 1))
    later = Wave.objects.create(experiment=experiment, code="T2", planned_on=dt.date(2026, 11, 15))

    def answer(wave, resident, grade, day):
        QuestionnaireResponse.objects.create(
            wave=wave, resident=resident, wellbeing=7, health=3, caseworker_grade=grade, participation_hours=4,
            paid_hours=0, filled_by="resident", filled_at=dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC))

    answer(wave, world.r1, 8, dt.date(2026, 6, 2))
    answer(wave, world.r2, 6, dt.date(2026, 6, 3))
    answer(later, world.r1, 2, dt.date(2026, 11, 16))  # after the period: not counted
    answer(wave, world.r6, 1, dt.date(2026, 6, 4))  # outside the population: not counted
    grade = compute(world.filters).get("satisfaction")
    assert grade.available and grade.value == pytest.approx(7.0)
    assert grade.display == "7,0"


def test_filters_narrow_the_population(world):
    by_wijk = compute(Filters(world.municipality, START, END, neighbourhood=world.wijk_a))
    assert values(by_wijk)["residents"] == 2 and values(by_wijk)["active"] == 1
    by_segment = compute(Filters(world.municipality, START, END, segment="kansrijk"))
    assert values(by_segment)["residents"] == 1 and values(by_segment)["flow_work"] == 1
    by_team = compute(Filters(world.municipality, START, END, team=world.team_2))
    assert values(by_team)["residents"] == 2 and values(by_team)["active_language"] == 1


def test_period_decides_what_counts(world):
    early = compute(Filters(world.municipality, dt.date(2026, 1, 1), dt.date(2026, 2, 28)))
    v = values(early)
    assert v["active"] == 1  # only r1's plan had started
    assert v["flow_work"] == 0 and v["no_shows"] == 0


def test_other_municipalities_records_never_count(world):
    ResidentFactory(segment="kansarm")  # another municipality
    assert values(compute(world.filters))["residents"] == 5


def test_workload_is_per_team_and_alphabetical_not_a_ranking(world):
    rows = compute(world.filters).workload
    names = [str(r["team"]) for r in rows]
    assert names == sorted(names)
    team_rows = {str(r["team"]): r for r in rows}
    assert team_rows["Team Noord"]["residents"] == 2 and team_rows["Team Noord"]["caseworkers"] == 1
    # team-level figures only: no caseworker names or per-person figures
    assert set(rows[0]) == {"team", "residents", "caseworkers", "caseload", "overdue", "no_contact_6m"}


def test_rotterdam_table_puts_computed_next_to_published_figures(world):
    rows = rotterdam_table(world.municipality, (START, END))
    by_key = {row.key: row for row in rows}
    assert by_key["residents"].computed == 5 and by_key["residents"].published == 40_000
    assert by_key["active"].published == 12_000 and by_key["active"].computed == 3
    assert by_key["measures_from_no_show"].published == 95 and by_key["measures_from_no_show"].computed == 1
    assert by_key["approached_active_share"].computed == pytest.approx(2 / 3)  # r1 and r3 of r1–r3
    categories = [by_key[f"active_{c}"].published for c in ("volunteering", "informal_care", "language", "movement",
                                                            "own_barriers", "other")]
    assert categories == [4000, 1400, 1200, 500, 3000, 1000]


def _add_residents(world, n):
    b = world.builder
    for _i in range(n):
        r = ResidentFactory(municipality=world.municipality, neighbourhood=world.wijk_b, segment="kansarm",
                            current_caseworker=world.cw2)
        b.outreach(r, dt.date(2026, 2, 1))
        b.conversation(r, dt.date(2026, 3, 1))
        b.plan(r, dt.date(2026, 3, 2), ["movement", "other"])
        b.ladder(r, dt.date(2025, 12, 1), 1)
        b.ladder(r, dt.date(2026, 6, 1), 2)
        b.placement(r, "volunteering", dt.date(2026, 4, 1))
        b.exemption(r, "care_duties", dt.date(2026, 2, 1))
        b.assignment(r, world.cw2, dt.date(2026, 1, 5))
        b.no_show(r, dt.date(2026, 5, 1))


def test_query_count_does_not_grow_with_data(world):
    compute(world.filters)  # warm the policy profile cache
    with CaptureQueriesContext(connection) as small:
        compute(world.filters)
    _add_residents(world, 12)
    with CaptureQueriesContext(connection) as large:
        result = compute(world.filters)
    assert values(result)["residents"] == 17
    assert len(large.captured_queries) == len(small.captured_queries)


def test_team_filter_and_workload_use_the_team_that_had_the_resident_at_the_period_end(world):
    """r1 was with team Noord (km2) until 1 March 2026, then with team Zuid (km1), its current caseworker."""
    early = (dt.date(2026, 1, 1), dt.date(2026, 2, 28))
    noord_early = compute(Filters(world.municipality, *early, team=world.team_2)).records.residents
    zuid_early = compute(Filters(world.municipality, *early, team=world.team_1)).records.residents
    assert world.r1.pk in noord_early and world.r1.pk not in zuid_early
    assert noord_early[world.r1.pk].caseworker_id == world.cw2.pk
    assert world.r1.pk in compute(Filters(world.municipality, START, END, team=world.team_1)).records.residents
    # residents without any assignment record fall back to their current caseworker's team (r3, r4: Noord)
    workload = {str(row["team"]): row["residents"] for row in compute(Filters(world.municipality, *early)).workload}
    assert workload["Team Noord"] == 3 and workload["Team Zuid"] == 1


@pytest.mark.parametrize("period", [(dt.date(2026, 1, 1), dt.date(2026, 2, 28)), (START, END)])
def test_team_filter_in_the_database_agrees_with_each_residents_team_at_the_period_end(world, period):
    everyone = compute(Filters(world.municipality, *period)).records.residents
    for team in (world.team_1, world.team_2):
        filtered = set(compute(Filters(world.municipality, *period, team=team)).records.residents)
        assert filtered == {rid for rid, row in everyone.items() if row.team_id == team.pk}


def test_responsible_at_takes_the_latest_assignment_started_by_the_end_of_the_period():
    end = dt.date(2026, 6, 30)
    history = [(dt.date(2025, 1, 1), 1, "km-a", "noord"), (dt.date(2026, 3, 1), 2, "km-b", "zuid"),
               (dt.date(2026, 3, 1), 3, "km-c", "west"), (dt.date(2026, 8, 1), 4, "km-d", "oost")]
    assert indicators.responsible_at(history, end, ("km-now", "now")) == ("km-c", "west")  # same day: later record
    assert indicators.responsible_at(history[:1], end, ("km-now", "now")) == ("km-a", "noord")
    assert indicators.responsible_at(history[3:], end, ("km-now", "now")) == (None, None)  # nobody yet
    assert indicators.responsible_at([], end, ("km-now", "now")) == ("km-now", "now")  # no history at all
