"""Pure outreach rules: the no-show ladder, reminders, appointment kinds and statistics (property-tested)."""
import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meedoen.outreach import rules
from meedoen.policy.schema import NO_SHOW_STEP_KINDS

PRESETS = Path(__file__).resolve().parents[2] / "policy" / "presets"

steps = st.builds(lambda kind, extra: {"kind": kind, **extra}, st.sampled_from(NO_SHOW_STEP_KINDS),
                  st.fixed_dictionaries({}, optional={"mentions_consequences": st.booleans(),
                                                      "measure_months": st.integers(1, 3),
                                                      "respect_lasting_no": st.booleans(),
                                                      "except_when_danger": st.booleans()}))
ladders = st.lists(steps, max_size=8)
events = st.sampled_from(rules.EVENTS)


def preset(key):
    return json.loads((PRESETS / f"{key}.json").read_text())


# --- next_step --------------------------------------------------------------------------------------------------------


@given(ladders, st.integers(0, 10), events)
def test_next_step_is_exactly_one_step_further_and_never_beyond_the_ladder(ladder, position, event):
    step = rules.next_step(ladder, position, event)
    if step is None:
        assert event not in rules.ESCALATING_EVENTS or position >= len(ladder)
        return
    assert event in rules.ESCALATING_EVENTS
    assert step.position == position + 1 <= len(ladder)
    assert step.kind == ladder[position]["kind"]
    assert step.is_last == (step.position == len(ladder))
    assert f"stap {step.position} van {len(ladder)}" in step.rule


@given(ladders, st.integers(0, 10), st.sampled_from([rules.ATTENDED, rules.CANCELLED_IN_TIME]))
def test_attending_or_cancelling_in_time_never_escalates(ladder, position, event):
    assert rules.next_step(ladder, position, event) is None


@given(st.integers(0, 10), events)
def test_an_empty_ladder_never_does_anything(position, event):
    assert rules.next_step([], position, event) is None


@given(ladders, st.lists(st.sampled_from(rules.ESCALATING_EVENTS), max_size=12))
def test_walking_the_ladder_visits_every_step_once_in_order(ladder, events_seen):
    position = rules.start_position(ladder)
    visited = []
    for event in events_seen:
        step = rules.next_step(ladder, position, event)
        if step is None:
            break
        visited.append(step.position)
        position = step.position
    start = rules.start_position(ladder)
    assert visited == list(range(start + 1, start + 1 + len(visited)))
    assert len(visited) <= len(ladder) - start


def test_next_step_rejects_unknown_events_and_negative_positions():
    with pytest.raises(ValueError):
        rules.next_step([], 0, "bored")
    with pytest.raises(ValueError):
        rules.next_step([{"kind": "invitation"}], -1, rules.NO_SHOW)


@pytest.mark.parametrize("key, start, kinds", [
    ("rotterdam", 1, ["registered_letter", "no_show_action_letter", "measure_proposal"]),
    ("amsterdam", 1, ["second_invitation", "home_visit", "close_outreach"]),
    ("utrecht", 0, []),
    ("leeuwarden", 0, ["home_visit"]),
    ("bremen", 0, ["pay_not_earned"]),
    ("stockholm", 0, ["measure_proposal"]),
    ("tilburg", 0, []),
])
def test_each_preset_ladder_walks_to_its_final_step(key, start, kinds):
    ladder = preset(key)["no_show_ladder"]
    position = rules.start_position(ladder)
    assert position == start
    walked = []
    while (step := rules.next_step(ladder, position, rules.NO_SHOW)) is not None:
        walked.append(step.kind)
        position = step.position
    assert walked == kinds


def test_close_decision_respects_a_lasting_no_unless_there_is_danger():
    params = {"kind": "close_outreach", "respect_lasting_no": True, "except_when_danger": True}
    assert rules.close_decision(params, danger=False).close
    assert "blijvend nee" in rules.close_decision(params, danger=False).reason
    kept = rules.close_decision(params, danger=True)
    assert not kept.close and "veiligheid" in kept.reason


# --- reminders --------------------------------------------------------------------------------------------------------

days = st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2027, 12, 31))


@given(days, st.integers(3, 60), st.integers(-5, 70), st.booleans(), st.booleans(), st.booleans())
def test_invitation_reminder_only_from_day_3_while_unbooked_unpaused_unsent_and_valid(sent, valid, offset, booked,
                                                                                      paused, already):
    expires = sent + dt.timedelta(days=valid)
    today = sent + dt.timedelta(days=offset)
    due = rules.invitation_reminder_due(sent_on=sent, expires_on=expires, today=today, booked=booked, paused=paused,
                                        already_sent=already)
    if due:
        assert not booked and not paused and not already
        assert 3 <= offset and today <= expires
    if booked or paused or already:
        assert not due  # never after booking, never while paused, never twice


@given(days, st.integers(3, 60))
def test_invitation_reminder_is_due_on_day_3(sent, valid):
    assert rules.invitation_reminder_due(sent_on=sent, expires_on=sent + dt.timedelta(days=valid),
                                         today=sent + dt.timedelta(days=3), booked=False, paused=False,
                                         already_sent=False)


@given(days, st.integers(0, 30), st.integers(-5, 35), st.booleans(), st.booleans(), st.booleans())
def test_appointment_reminder_only_in_the_two_days_before(starts, booked_before, offset, planned, paused, already):
    booked = starts - dt.timedelta(days=booked_before)
    today = starts - dt.timedelta(days=offset)
    due = rules.appointment_reminder_due(starts_on=starts, booked_on=booked, today=today, planned=planned,
                                         paused=paused, already_sent=already)
    if due:
        assert planned and not paused and not already
        assert 1 <= offset <= 2  # 2 days before, or late on the day before; never on the day or after
        assert booked_before > 2  # not for an appointment booked inside the window
    if not planned or paused or already:
        assert not due


def test_appointment_reminder_two_days_before():
    starts = dt.date(2026, 3, 20)
    assert rules.appointment_reminder_due(starts_on=starts, booked_on=dt.date(2026, 3, 10),
                                          today=dt.date(2026, 3, 18), planned=True, paused=False, already_sent=False)
    assert not rules.appointment_reminder_due(starts_on=starts, booked_on=dt.date(2026, 3, 19),
                                              today=dt.date(2026, 3, 19), planned=True, paused=False,
                                              already_sent=False)


# --- appointment kinds -----------------------------------------------------------------------------------------------


def kinds_of(key):
    data = preset(key)
    return {k.code: k for k in rules.appointment_kinds(data["extra"], stance=data["stance"],
                                                      ladder=data["no_show_ladder"],
                                                      reciprocity=data["reciprocity"])}


def test_preset_appointment_kinds_say_whether_attendance_is_obligatory_and_a_measure_possible():
    rotterdam, amsterdam, utrecht = kinds_of("rotterdam"), kinds_of("amsterdam"), kinds_of("utrecht")
    assert rotterdam["intake"].obligatory and rotterdam["intake"].measure_possible
    assert not amsterdam["intake"].obligatory and not amsterdam["intake"].measure_possible
    assert utrecht["wijkcontactdag"].obligatory and not utrecht["wijkcontactdag"].measure_possible
    assert kinds_of("stockholm")["intake"].measure_possible
    assert not kinds_of("leeuwarden")["intake"].measure_possible and kinds_of("leeuwarden")["intake"].obligatory
    for key in ("rotterdam", "amsterdam", "utrecht"):
        assert kinds_of(key)["home_visit"].is_home_visit


@given(st.sampled_from(["voluntary", "motivating", "pressure", "mandatory"]), ladders, st.booleans(),
       st.booleans())
def test_default_kinds_never_allow_a_measure_without_obligation(stance, ladder, sanction, yearly):
    kinds = rules.appointment_kinds({"yearly_talk_required": yearly}, stance=stance, ladder=ladder,
                                    reciprocity={"sanction": sanction})
    assert [k.code for k in kinds] == ["intake", "wijkcontactdag", "follow_up", "home_visit"]
    for kind in kinds:
        assert kind.obligatory or not kind.measure_possible
    if stance in ("voluntary", "motivating"):
        assert not any(k.measure_possible for k in kinds)


def test_configured_kinds_cannot_have_a_measure_without_obligation():
    kinds = rules.appointment_kinds({"appointment_kinds": [{"code": "x", "label": "X", "obligatory": False,
                                                            "measure_possible": True}]},
                                    stance="mandatory", ladder=[], reciprocity={})
    assert kinds[0].measure_possible is False


# --- slots and statistics --------------------------------------------------------------------------------------------


@given(st.integers(0, 100), st.integers(1, 50), st.integers(0, 100), st.integers(1, 50))
def test_overlap_is_symmetric_and_back_to_back_is_not_overlap(a, la, b, lb):
    assert rules.overlaps(a, a + la, b, b + lb) == rules.overlaps(b, b + lb, a, a + la)
    assert not rules.overlaps(a, a + la, a + la, a + la + lb)


facts = st.builds(
    rules.OutreachFacts,
    invited_on=st.one_of(st.none(), days),
    self_booked=st.booleans(),
    appointments=st.lists(st.tuples(st.sampled_from(["invitation", "convocation"]),
                                    st.sampled_from(["planned", "attended", "no_show", "cancelled_in_time"])),
                          max_size=4).map(tuple),
    first_conversation_on=st.one_of(st.none(), days),
)


@given(st.lists(facts, max_size=30))
def test_statistics_are_shares_between_0_and_1(rows):
    result = rules.campaign_statistics(rows)
    for share in (result.self_booked_share, result.no_show_rate_invitation, result.no_show_rate_convocation):
        assert share is None or 0 <= share <= 1
    assert result.self_booked <= result.invited
    assert result.reached <= result.invited
    if result.median_days_to_first_conversation is not None:
        assert result.median_days_to_first_conversation >= 0


def test_statistics_example():
    d = dt.date(2026, 3, 2)
    rows = [
        rules.OutreachFacts(d, True, (("invitation", "attended"),), d + dt.timedelta(days=5)),
        rules.OutreachFacts(d, True, (("invitation", "no_show"), ("convocation", "attended")),
                            d + dt.timedelta(days=21)),
        rules.OutreachFacts(d, False, (("convocation", "no_show"),), None),
        rules.OutreachFacts(d, False, (), None),
    ]
    result = rules.campaign_statistics(rows)
    assert result.invited == 4 and result.self_booked_share == 0.5
    assert result.no_show_rate_invitation == 0.5 and result.no_show_rate_convocation == 0.5
    assert result.median_days_to_first_conversation == 13.0 and result.mean_days_to_first_conversation == 13.0
