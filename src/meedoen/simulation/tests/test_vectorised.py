"""The simulator's vectorised rules agree element by element with the live rule functions on the same inputs."""
import datetime as dt
from decimal import Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from meedoen.assessment import rules as assessment_rules
from meedoen.guidance import rules as guidance_rules
from meedoen.money import rules as money_rules
from meedoen.obligations import rules as obligation_rules
from meedoen.outreach import rules as outreach_rules
from meedoen.referrals import rules as referral_rules
from meedoen.simulation import policy as sim_policy
from meedoen.simulation import vectorised as vec

PRESETS = sim_policy.preset_keys()
FAST = settings(max_examples=40, deadline=None)

resident = st.fixed_dictionaries({
    "age": st.integers(18, 70), "benefit_years": st.integers(0, 40), "work_experience_years": st.integers(0, 45),
    **{f: st.sampled_from(vec.FACTOR_CODES[f]) for f in vec.CATEGORICAL_FACTORS},
})


@FAST
@given(st.lists(resident, min_size=1, max_size=40), st.sampled_from(PRESETS))
def test_vectorised_knip_gives_the_live_months_and_segment_for_every_resident(people, preset):
    profile = sim_policy.preset_data(preset)
    weights = profile.get("assessment_weights") or assessment_rules.DEFAULT_WEIGHTS
    columns = {k: np.array([p[k] for p in people]) for k in ("age", "benefit_years", "work_experience_years")}
    columns.update({f: vec.encode(f, [p[f] for p in people]) for f in vec.CATEGORICAL_FACTORS})
    months = vec.estimated_months(columns, weights)
    segments = vec.segment_index(months, columns["age"], profile["segmentation"])
    codes = [g["code"] for g in profile["segmentation"]["groups"]]
    for i, person in enumerate(people):
        live = assessment_rules.score(assessment_rules.AssessmentInputs(**person), weights)
        assert months[i] == live.estimated_months
        assert codes[segments[i]] == assessment_rules.segment_for(live.estimated_months, person["age"],
                                                                  profile["segmentation"]).segment


@FAST
@given(st.sampled_from(PRESETS), st.lists(st.tuples(st.integers(0, 2), st.booleans()), min_size=1, max_size=30))
def test_vectorised_contact_norm_is_the_live_norm_per_segment_and_intensity(preset, residents):
    profile = sim_policy.preset_data(preset)
    codes = [g["code"] for g in profile["segmentation"]["groups"]]
    table = vec.contact_norm_table(profile["contact_norms"], codes)
    seg = np.array([min(s, len(codes) - 1) for s, _ in residents])
    intensive = np.array([i for _, i in residents])
    days = vec.contact_norm_days(seg, intensive, table)
    for k, (s, i) in enumerate(zip(seg, intensive)):
        live = guidance_rules.contact_norm_days(profile["contact_norms"], codes[s], "intensive" if i else "light")
        assert days[k] == (live or 0)


EPOCH = dt.date(2000, 1, 1)
maybe_day = st.one_of(st.none(), st.integers(0, 5000))


@FAST
@given(st.lists(st.tuples(maybe_day, st.integers(0, 5000), st.one_of(st.none(), st.integers(1, 400)), maybe_day,
                          maybe_day), min_size=1, max_size=40))
def test_vectorised_follow_up_date_is_the_live_next_contact(rows):
    def arr(values):
        return np.array([vec.NO_DATE if v is None else v for v in values])

    last, started, norm, review, placed = zip(*rows)
    due = vec.next_contact_day(last_contact=arr(last), started=arr(started),
                               norm_days=np.array([n or 0 for n in norm]), plan_review=arr(review), placed=arr(placed))

    def day(v):
        return None if v is None else EPOCH + dt.timedelta(days=v)

    for k, (l, s, n, r, p) in enumerate(rows):
        live = guidance_rules.next_contact(last_contact_on=day(l), started_on=day(s), norm_days=n,
                                           plan_review_on=day(r), placed_on=day(p))
        assert EPOCH + dt.timedelta(days=int(due[k])) == live.due_on


@FAST
@given(st.sampled_from(PRESETS), st.lists(st.tuples(st.integers(0, 6), st.sampled_from(outreach_rules.EVENTS)),
                                          min_size=1, max_size=30))
def test_vectorised_no_show_ladder_takes_the_live_next_step(preset, rows):
    ladder = sim_policy.preset_data(preset)["no_show_ladder"]
    arrays = vec.LadderArrays.from_ladder(ladder)
    assert arrays.start == outreach_rules.start_position(ladder)
    positions = np.array([p for p, _ in rows])
    escalating = np.array([e in outreach_rules.ESCALATING_EVENTS for _, e in rows])
    nxt = arrays.next_position(positions, escalating)
    for k, (position, event) in enumerate(rows):
        live = outreach_rules.next_step(ladder, position, event)
        if live is None:
            assert nxt[k] == -1
        else:
            assert nxt[k] == live.position
            assert vec.STEP_KINDS[arrays.kind_at(np.array([nxt[k]]))[0]] == live.kind


@FAST
@given(st.sampled_from(PRESETS), st.lists(st.tuples(st.sampled_from(vec.BLAME_CODES), st.integers(0, 8)),
                                          min_size=1, max_size=30))
def test_vectorised_measure_is_the_live_verordening_decision(preset, rows):
    settings_ = sim_policy.preset_data(preset)["extra"]["measures"]
    for category in settings_["categories"]:
        arrays = vec.MeasureArrays.from_settings(settings_, category["code"])
        blame = np.array([vec.BLAME_CODES.index(b) for b, _ in rows])
        repeats = np.array([r for _, r in rows])
        pct, months = arrays.decide(blame, repeats)
        for k, (b, r) in enumerate(rows):
            live = obligation_rules.decide_measure(regime=obligation_rules.ORDINANCE, settings=settings_,
                                                   category=category["code"], blame=b, repeat_count=r)
            assert Decimal(int(pct[k])) / 100 == live.percentage
            assert months[k] == live.months


def test_vectorised_referral_transitions_are_the_live_state_machine_for_both_actors():
    for actor in referral_rules.ACTORS:
        arrays = vec.ReferralArrays.for_actor(actor)
        for status in referral_rules.STATUSES:
            for action in referral_rules.ACTIONS:
                got = arrays.next_status(np.array([vec.STATUS_INDEX[status]]), np.array([vec.ACTION_INDEX[action]]))
                try:
                    expected = vec.STATUS_INDEX[referral_rules.next_status(status, action, actor)]
                except referral_rules.TransitionNotAllowed:
                    expected = -1
                assert got[0] == expected


NORMS = sim_policy.load_norms()
TABLE = money_rules.parse_norm_table({**__import__("json").loads(sim_policy.NORMS_FILE.read_text())})
MONTH = dt.date(2026, 3, 1)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(vec.NORM_CATEGORIES), st.integers(0, 3), st.integers(0, 300_000),
                          st.sampled_from([0, 500, 3000, 10000, 2000, 1250])), min_size=1, max_size=20))
def test_vectorised_monthly_benefit_is_the_live_calculation(rows):
    category, sharers, income, pct = (np.array(x) for x in zip(*rows))
    result = vec.monthly_benefit_cents(np.array([vec.NORM_CATEGORIES.index(c) for c in category]), sharers, income,
                                       pct, NORMS)
    ages = {"single_21": 40, "couple_21": 40, "single_aow": 70, "couple_aow": 70, "single_18": 19}
    for k, (cat, a, cents, hundredths) in enumerate(rows):
        born = dt.date(MONTH.year - ages[cat], 8, 15)
        couple = cat.startswith("couple")
        household = money_rules.Household(
            resident_birth=born, benefit_start=dt.date(2020, 1, 1), has_partner=couple,
            partner_birth=born if couple else None,
            housemates=tuple(money_rules.Housemate(date_of_birth=dt.date(1960, 5, 5)) for _ in range(a)))
        reductions = (money_rules.Reduction(None, Decimal(hundredths) / 100, "", "pw.18.2", MONTH,
                                            money_rules.month_end(MONTH)),) if hundredths else ()
        income_items = (money_rules.IncomeItem(kind=money_rules.OTHER, amount=Decimal(cents) / 100),) if cents else ()
        live = money_rules.calculate(money_rules.MonthInputs(
            month=MONTH, household=household, income=income_items, reductions=reductions,
            policy=money_rules.MoneyPolicy(), history=money_rules.History(), norm_table=TABLE, rules=()))
        assert Decimal(int(result["norm"][k])) / 100 == live.norm
        assert Decimal(int(result["offset"][k])) / 100 == live.offset
        assert Decimal(int(result["measure"][k])) / 100 == live.measure
        assert Decimal(int(result["benefit"][k])) / 100 == live.benefit
