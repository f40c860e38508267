"""Services: defining, consenting, randomising (reproducible, idempotent, balanced), questionnaires, closing, and
the arms really changing what the follow-up engine, the worklist and the payment calculation do."""
import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from meedoen.audit.models import AuditEntry
from meedoen.experiments import overrides, rules, services
from meedoen.experiments.models import Assignment, Consent, Experiment, QuestionnaireResponse
from meedoen.guidance import followup
from meedoen.guidance import rules as guidance_rules
from meedoen.guidance.worklist import build_rows
from meedoen.residents.models import Resident
from meedoen.residents.services import assign_caseworker
from meedoen.tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db

EXTRA = {"contact_days": 28, "intensity": "intensive", "fixed_caseworker": True}
SELF = {"contact_days": 365, "resident_led": True, "obligations_relaxed": True}
PREMIUM = {"premium": {"rate": "0.50", "max_per_month": "200.00", "months": 12}}


def make_residents(municipality, neighbourhood, caseworker, n, today, **fields):
    people = []
    for i in range(n):
        r = ResidentFactory(municipality=municipality, neighbourhood=neighbourhood,
                            segment=fields.get("segment", "kansarm" if i % 3 else "kansrijk"),
                            last_contact_on=today - dt.timedelta(days=40), intensity="light")
        assign_caseworker(r, caseworker, actor=caseworker, reason="test")
        people.append(r)
    return people


def amsterdam(municipality, actor, *, seed=20261202, strata=("segment",), arms=None, consent_required=False,
              eligibility=(), waves=None):
    experiment = services.create_experiment(
        municipality, actor=actor, name="Vitamine A", hypothesis="Extra aandacht geeft meer deeltijdwerk.",
        strata=list(strata), eligibility=list(eligibility), seed=seed, consent_required=consent_required,
        waves=waves or {"T0": dt.date(2026, 4, 1), "T1": dt.date(2026, 10, 1)})
    if arms is None:
        arms = [("extra_aandacht", "Extra aandacht", EXTRA, False), ("regulier", "Regulier", {}, True),
                ("zelfregie", "Zelfregie", SELF, False)]
    for code, name, params, control in arms:
        services.add_arm(experiment, code=code, name=name, parameters=params, is_control=control)
    return experiment


def assignment_map(experiment):
    return dict(Assignment.objects.filter(experiment=experiment).values_list("resident_id", "arm__code"))


# -- defining ---------------------------------------------------------------------------------------------------------

def test_a_seed_is_drawn_and_recorded_when_none_is_given(municipality, analyst):
    experiment = services.create_experiment(municipality, actor=analyst, name="X", hypothesis="Y")
    assert experiment.seed is not None and experiment.seed >= 0
    assert experiment.status == Experiment.Status.DRAFT


def test_invalid_definitions_are_refused_per_field(municipality, analyst):
    with pytest.raises(ValidationError) as exc:
        services.create_experiment(municipality, actor=analyst, name=" ", hypothesis="", strata=["bsn"],
                                   eligibility=[{"field": "x"}], seed=-1)
    assert set(exc.value.message_dict) == {"name", "hypothesis", "strata", "eligibility", "seed"}
    experiment = amsterdam(municipality, analyst)
    with pytest.raises(ValidationError) as exc:
        services.add_arm(experiment, code="premie", name="Premie", parameters={"premium": {"rate": "2"}})
    assert "parameters" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.add_arm(experiment, code="regulier2", name="Nog een controle", is_control=True)


def test_randomising_needs_exactly_one_control_arm(municipality, analyst):
    experiment = amsterdam(municipality, analyst, arms=[("a", "A", EXTRA, False), ("b", "B", SELF, False)])
    with pytest.raises(ValidationError, match="controlegroep"):
        services.randomise(experiment, actor=analyst)


# -- randomisation ----------------------------------------------------------------------------------------------------

def test_randomisation_is_reproducible_with_the_recorded_seed(municipality, neighbourhood, caseworker, analyst, today):
    make_residents(municipality, neighbourhood, caseworker, 30, today)
    first = amsterdam(municipality, analyst)
    services.randomise(first, actor=analyst)
    first_map = assignment_map(first)
    services.close(first, actor=analyst)
    second = amsterdam(municipality, analyst, seed=first.seed)
    services.randomise(second, actor=analyst)
    assert assignment_map(second) == first_map
    third = amsterdam(municipality, analyst, seed=first.seed + 1)
    services.randomise(third, actor=analyst)
    assert assignment_map(third) != first_map
    # the stored assignment is exactly what the pure rule gives for the same inputs
    people = services.people_of(municipality, today)
    expected = rules.randomise([(p["pk"], rules.stratum_of(p, ["segment"])) for p in people],
                               [("extra_aandacht", 1), ("regulier", 1), ("zelfregie", 1)], first.seed)
    assert {a.key: a.arm for a in expected} == first_map


def test_assignment_is_balanced_within_strata(municipality, neighbourhood, caseworker, analyst, today):
    make_residents(municipality, neighbourhood, caseworker, 47, today)
    experiment = amsterdam(municipality, analyst)
    assert services.randomise(experiment, actor=analyst) == 47
    table = services.balance(experiment)
    assert table["total"] == 47
    for row in table["rows"]:
        assert max(row["counts"]) - min(row["counts"]) <= 1  # block of three, equal weights
    by_stratum = Counter(Assignment.objects.filter(experiment=experiment).values_list("stratum", flat=True))
    assert set(by_stratum) == {"segment=kansarm", "segment=kansrijk"}


def test_rerunning_never_reassigns_and_adds_newcomers(municipality, neighbourhood, caseworker, analyst, today):
    make_residents(municipality, neighbourhood, caseworker, 12, today)
    experiment = amsterdam(municipality, analyst)
    services.randomise(experiment, actor=analyst)
    before = assignment_map(experiment)
    assert services.randomise(experiment, actor=analyst) == 0
    assert assignment_map(experiment) == before
    make_residents(municipality, neighbourhood, caseworker, 5, today)
    assert services.randomise(experiment, actor=analyst) == 5
    after = assignment_map(experiment)
    assert {k: after[k] for k in before} == before and len(after) == 17
    positions = Assignment.objects.filter(experiment=experiment).values_list("stratum", "position")
    assert len(set(positions)) == 17


def test_only_eligible_residents_with_consent_are_assigned(municipality, neighbourhood, caseworker, analyst, today):
    people = make_residents(municipality, neighbourhood, caseworker, 6, today)
    experiment = amsterdam(municipality, analyst, consent_required=True,
                           eligibility=[{"field": "segment", "op": "eq", "value": "kansarm"}])
    kansarm = [p for p in people if p.segment == "kansarm"]
    kansrijk = [p for p in people if p.segment == "kansrijk"]
    services.record_consent(experiment, kansarm[0], status=Consent.Status.GIVEN, actor=caseworker)
    services.record_consent(experiment, kansarm[1], status=Consent.Status.REFUSED, actor=caseworker)
    services.record_consent(experiment, kansrijk[0], status=Consent.Status.GIVEN, actor=caseworker)
    services.randomise(experiment, actor=analyst)
    assert set(assignment_map(experiment)) == {kansarm[0].pk}
    assert AuditEntry.objects.filter(resident_id=kansarm[0].pk, object_type="experiments.Assignment").exists()
    assert AuditEntry.objects.filter(resident_id=kansarm[1].pk, object_type="experiments.Consent").exists()


# -- arms change real behaviour ---------------------------------------------------------------------------------------

def two_identical_in_different_arms(municipality, neighbourhood, caseworker, analyst, today):
    """Two residents alike in everything that sets the next contact; one block of two puts one in each arm."""
    a, b = make_residents(municipality, neighbourhood, caseworker, 2, today, segment="kansarm")
    experiment = amsterdam(municipality, analyst, strata=(), arms=[("extra_aandacht", "Extra aandacht", EXTRA, False),
                                                                    ("regulier", "Regulier", {}, True)])
    services.randomise(experiment, actor=analyst)
    arms = assignment_map(experiment)
    treated = Resident.objects.get(pk=next(pk for pk, code in arms.items() if code == "extra_aandacht"))
    control = Resident.objects.get(pk=next(pk for pk, code in arms.items() if code == "regulier"))
    return experiment, treated, control


def test_an_arm_changes_the_next_contact_and_the_worklist(municipality, neighbourhood, caseworker, analyst, today):
    experiment, treated, control = two_identical_in_different_arms(municipality, neighbourhood, caseworker, analyst,
                                                                   today)
    followup.refresh_all(municipality)
    treated.refresh_from_db()
    control.refresh_from_db()
    last = today - dt.timedelta(days=40)
    assert treated.next_contact_on == last + dt.timedelta(days=28)  # extra aandacht: every 4 weeks
    assert "Extra aandacht" in treated.next_contact_rule
    assert treated.intensity == "intensive"  # written at randomisation: the caseload weight
    assert control.next_contact_on == last + dt.timedelta(days=182)  # the Rotterdam profile's norm
    # the single-resident engine agrees with the bulk one
    assert followup.compute_next_contact(treated).due_on == treated.next_contact_on
    assert followup.compute_next_contact(control).due_on == control.next_contact_on
    items = {item.row.resident_id: item for item in guidance_rules.classify(
        build_rows(Resident.objects.filter(pk__in=[treated.pk, control.pk]), today), today)}
    assert "overdue_contact" in {s.code for s in items[treated.pk].signals}
    assert control.pk not in items or "overdue_contact" not in {s.code for s in items[control.pk].signals}


def test_closing_or_withdrawing_hands_residents_back_to_the_profile(municipality, neighbourhood, caseworker, analyst,
                                                                    today):
    experiment, treated, control = two_identical_in_different_arms(municipality, neighbourhood, caseworker, analyst,
                                                                   today)
    services.record_consent(experiment, treated, status=Consent.Status.WITHDRAWN, actor=caseworker)
    treated.refresh_from_db()
    assert "experiment" not in treated.next_contact_rule
    assert set(overrides.overrides_for([treated.pk, control.pk])) == {control.pk}
    services.close(experiment, actor=analyst)
    assert Experiment.objects.get(pk=experiment.pk).status == Experiment.Status.CLOSED
    assert overrides.overrides_for([treated.pk, control.pk]) == {}


def test_overrides_for_many_residents_is_one_query(municipality, neighbourhood, caseworker, analyst, today,
                                                   django_assert_num_queries):
    people = make_residents(municipality, neighbourhood, caseworker, 9, today)
    experiment = amsterdam(municipality, analyst)
    services.randomise(experiment, actor=analyst)
    with django_assert_num_queries(1):
        found = overrides.overrides_for([p.pk for p in people])
    assert len(found) == 9
    with django_assert_num_queries(1):
        assert overrides.overrides_for_municipality(municipality) == found


def test_a_premium_arm_pays_the_premium_in_the_payment_calculation(municipality, neighbourhood, caseworker, analyst,
                                                                   today):
    from meedoen.money import norms
    from meedoen.money import services as money

    norms.load_all()
    a, b = make_residents(municipality, neighbourhood, caseworker, 2, today, segment="kansarm")
    experiment = amsterdam(municipality, analyst, strata=(), arms=[("premie", "Premie", PREMIUM, False),
                                                                    ("regulier", "Regulier", {}, True)])
    services.randomise(experiment, actor=analyst)
    arms = assignment_map(experiment)
    april = dt.date(2026, 4, 1)
    paid = {}
    for resident in (a, b):
        money.add_income_report(resident, actor=caseworker, month=april, net_amount=Decimal("800.00"),
                                kind="wage_monthly", employer="Bakkerij")
        paid[arms[resident.pk]] = money.month_state(resident, april).result.premium_paid
    assert paid == {"premie": Decimal("200.00"), "regulier": Decimal("0")}  # 50 % of 800, capped at 200
    assert money.month_state(resident, dt.date(2026, 3, 1)).result.premium_paid == 0  # before assignment


# -- questionnaires and results ---------------------------------------------------------------------------------------

def test_questionnaire_answers_are_validated_stored_and_audited(municipality, neighbourhood, caseworker, analyst,
                                                                today):
    experiment, treated, control = two_identical_in_different_arms(municipality, neighbourhood, caseworker, analyst,
                                                                   today)
    t0 = experiment.waves.get(code="T0")
    with pytest.raises(ValidationError) as exc:
        services.record_response(t0, treated, {"wellbeing": 12, "health": 3, "caseworker_grade": 8,
                                               "participation_hours": 4, "paid_hours": 0},
                                 filled_by="staff", actor=caseworker)
    assert "wellbeing" in exc.value.message_dict
    answers = {"wellbeing": 7, "health": 3, "caseworker_grade": 8, "participation_hours": "4.5", "paid_hours": 0}
    services.record_response(t0, treated, answers, filled_by="staff", actor=caseworker)
    services.record_response(t0, treated, {**answers, "wellbeing": 8}, filled_by="resident", actor=caseworker)
    response = QuestionnaireResponse.objects.get(wave=t0, resident=treated)
    assert response.wellbeing == 8 and response.participation_hours == Decimal("4.5")
    assert AuditEntry.objects.filter(resident_id=treated.pk, object_type="experiments.QuestionnaireResponse",
                                     action=AuditEntry.Action.UPDATE).exists()
    outsider = ResidentFactory(municipality=municipality, neighbourhood=neighbourhood)
    with pytest.raises(ValidationError, match="doet niet mee"):
        services.record_response(t0, outsider, answers, filled_by="staff", actor=caseworker)


def test_results_recover_a_planted_effect_from_stored_answers(municipality, neighbourhood, caseworker, analyst, today):
    """Synthetic answers with a known effect of +1.5 on wellbeing at T1 in the extra-attention arm: both estimates'
    intervals cover it."""
    import numpy as np

    make_residents(municipality, neighbourhood, caseworker, 120, today)
    experiment = amsterdam(municipality, analyst, arms=[("extra_aandacht", "Extra aandacht", EXTRA, False),
                                                        ("regulier", "Regulier", {}, True)])
    services.randomise(experiment, actor=analyst)
    t0, t1 = experiment.waves.get(code="T0"), experiment.waves.get(code="T1")
    rng = np.random.default_rng(42)
    for resident_id, arm in sorted(assignment_map(experiment).items()):
        resident = Resident(pk=resident_id)
        base = int(rng.integers(3, 8))
        common = {"health": 3, "caseworker_grade": 7, "participation_hours": 2, "paid_hours": 0}
        services.record_response(t0, resident, {"wellbeing": base, **common}, filled_by="staff", actor=caseworker)
        later = base + (1.5 if arm == "extra_aandacht" else 0) + rng.normal(0, 1)
        services.record_response(t1, resident, {"wellbeing": int(min(10, max(1, round(later)))), **common},
                                 filled_by="resident", actor=caseworker)
    result = services.results(experiment)
    assert result["wave"] == "T1" and result["n"] == 120
    wellbeing = [e for e in result["effects"] if e.outcome == "wellbeing"]
    assert {e.method for e in wellbeing} == {"difference", "regression"}
    for effect in wellbeing:
        assert effect.covers(1.5), effect
        assert effect.ci_low > 0
    rates = {r["wave"].code: r["rate"] for r in services.response_rates(experiment)}
    assert rates == {"T0": 100.0, "T1": 100.0}


def test_preregistration_holds_design_seed_and_plan(municipality, analyst):
    experiment = amsterdam(municipality, analyst, arms=[("premie", "Premie", PREMIUM, False),
                                                        ("regulier", "Regulier", {}, True),
                                                        ("behouden", "Behouden", {"framing": {"kind": "kept",
                                                                                              "amount": "150.00"}},
                                                         False)])
    document = services.preregistration_markdown(experiment)
    for fragment in ("# Preregistratie: Vitamine A", "Extra aandacht geeft meer deeltijdwerk", str(experiment.seed),
                     '"rate": "0.50"', '"kind": "kept"', "Welch", "HC2", "T0: 1 april 2026", "segment",
                     "wellbeing"):
        assert fragment in document, fragment


def test_a_self_direction_arm_makes_the_tegenprestatie_voluntary_but_not_the_law(municipality, neighbourhood,
                                                                                caseworker, analyst, today):
    from meedoen.obligations import services as obligations

    a, b = make_residents(municipality, neighbourhood, caseworker, 2, today, segment="kansarm")
    experiment = amsterdam(municipality, analyst, strata=(), arms=[("zelfregie", "Zelfregie", SELF, False),
                                                                    ("regulier", "Regulier", {}, True)])
    services.randomise(experiment, actor=analyst)
    arms = assignment_map(experiment)
    own_way = Resident.objects.get(pk=next(pk for pk, code in arms.items() if code == "zelfregie"))
    control = Resident.objects.get(pk=next(pk for pk, code in arms.items() if code == "regulier"))

    relaxed = {o.code: o for o in obligations.obligations_for(own_way, today)}
    regular = {o.code: o for o in obligations.obligations_for(control, today)}
    # Rotterdam: the tegenprestatie is mandatory and can lead to a measure; the self-direction arm makes it voluntary.
    assert (regular["reciprocity"].status, regular["reciprocity"].enforceable) == ("applies", True)
    assert (relaxed["reciprocity"].status, relaxed["reciprocity"].enforceable) == ("voluntary", False)
    assert "Zelfregie" in relaxed["reciprocity"].rule
    # The statutory work and re-integration duties stay.
    assert relaxed["work"].status == regular["work"].status == "applies"
    # So no measure can be proposed for a refused tegenprestatie in that arm; in the control arm it can.
    proposal = dict(breached_obligation="reciprocity", facts="Niet gekomen bij de buurtkeuken.", occurred_on=today,
                    blame="full", blame_note="Geen reden gegeven.", category="licht")
    with pytest.raises(ValidationError) as refused:
        obligations.propose_measure(own_way, actor=caseworker, **proposal)
    assert "breached_obligation" in refused.value.message_dict
    assert obligations.propose_measure(control, actor=caseworker, **proposal).pk
    services.close(experiment, actor=analyst)
    assert {o.code: o for o in obligations.obligations_for(own_way, today)}["reciprocity"].enforceable is True


def test_a_loss_aversion_arm_pays_its_fixed_amount_only_in_months_of_taking_part(municipality, neighbourhood,
                                                                                caseworker, analyst, today):
    import zoneinfo

    from meedoen.money import norms
    from meedoen.money import services as money
    from meedoen.offer.tests.factories import ActivityFactory, ProviderFactory
    from meedoen.referrals.models import Referral

    norms.load_all()
    a, b = make_residents(municipality, neighbourhood, caseworker, 2, today, segment="kansarm")
    kept = {"framing": {"kind": "kept", "amount": "150"}}
    experiment = amsterdam(municipality, analyst, strata=(), arms=[("behouden", "Behouden", kept, False),
                                                                    ("regulier", "Regulier", {}, True)])
    services.randomise(experiment, actor=analyst)
    arms = assignment_map(experiment)
    keeper = Resident.objects.get(pk=next(pk for pk, code in arms.items() if code == "behouden"))
    control = Resident.objects.get(pk=next(pk for pk, code in arms.items() if code == "regulier"))
    april = dt.date(2026, 4, 1)
    assert money.month_state(keeper, april).result.premium_paid == 0  # assigned, but not (yet) taking part

    provider = ProviderFactory(municipality=municipality)
    activity = ActivityFactory(provider=provider)
    moment = dt.datetime(2026, 3, 20, 10, tzinfo=zoneinfo.ZoneInfo("Europe/Amsterdam"))
    for resident in (keeper, control):
        Referral.objects.create(resident=resident, provider=provider, activity=activity, status="placed",
                                referred_by=caseworker, referred_at=moment, handover_note="Warme overdracht",
                                consent_recorded_at=moment, placed_on=dt.date(2026, 4, 10))
    state = money.month_state(keeper, april)
    assert state.result.premium_paid == Decimal("150.00")             # the same amount, whatever the earnings
    premium = next(line for line in state.result.lines if line.code == "premium_accrued")
    assert "Behouden" in premium.params["label"]
    assert money.month_state(control, april).result.premium_paid == 0  # the control arm: the profile, no premium
    assert money.month_state(keeper, dt.date(2026, 3, 1)).result.premium_paid == 0  # before the placement
