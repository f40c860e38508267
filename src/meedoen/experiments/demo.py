"""Demo experiments for the demo municipality:

    seed_experiments(municipality, rng, today) -> counts

- "Vitamine A" in the style of the Amsterdam experiment (DESIGN §3): arms *extra aandacht* (contact every 4 weeks,
  a fixed caseworker), *zelfregie* (no imposed contact: a yearly check; obligations relaxed), *regulier*
  (control) and a *bijverdienpremie* arm (50 % of earnings up to €200 a month, DESIGN §9, for 12 months). Eligible:
  residents in active guidance aged 27 or older; about 40 % are asked and most consent. Randomised through the real
  service with a fixed seed, stratified by segment, about six months ago; T0 (at the start) and T1 (now) answers are
  generated deterministically.
- "Behouden of verdienen" in the style of the proposed Utrecht loss-aversion design, as a draft: €150 a month kept
  while volunteering continues vs €150 gained only when volunteering starts, against a control arm.

The answers follow the direction of the published Amsterdam findings on the caseworker grade (7.5→7.9 extra
attention, 8.2→7.6 self-direction, 7.8→6.8 regular); every other generated size is an illustrative assumption, not a
research figure. Bulk inserts only: a few statements whatever the population.
"""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from meedoen.accounts.models import Role, User

from . import rules, services
from .models import Assignment, Consent, Experiment, QuestionnaireResponse, Wave

SEED = 20170401
ASKED_SHARE = 0.40  # illustrative: the share of eligible residents invited to take part
CONSENT_SHARE = 0.85  # illustrative
RESPONSE_T0 = 0.90  # illustrative
RESPONSE_T1 = 0.70  # illustrative
STARTED_DAYS_AGO = 182
BATCH = 1000

ARMS = [
    # No "intensity" here: the demo keeps every resident's intensity equal to their caseworker's kind of caseload;
    # a municipality would set it and let the team lead move these residents to an intensive caseworker.
    ("extra_aandacht", "Extra aandacht", False, {"contact_days": 28, "fixed_caseworker": True},
     "Een vaste klantmanager die vaak en uit zichzelf contact zoekt."),
    ("zelfregie", "Zelfregie", False, {"contact_days": 365, "resident_led": True, "obligations_relaxed": True},
     "Geen opgelegd contact: de inwoner maakt eigen keuzes; één keer per jaar de vraag hoe het gaat."),
    ("regulier", "Regulier", True, {}, "De gewone aanpak volgens het beleidsprofiel (controlegroep)."),
    ("bijverdienpremie", "Bijverdienpremie", False,
     {"premium": {"rate": "0.50", "max_per_month": "200.00", "months": 12}},
     "50 % van de inkomsten uit werk erbij, tot € 200 per maand, een jaar lang (zoals in het Amsterdamse experiment)."),
]
# Mean change of each outcome from T0 to T1 per arm. The caseworker grade follows the Amsterdam findings
# (DESIGN §3); the other sizes are assumptions for the demo.
CHANGE = {
    "extra_aandacht": {"wellbeing": 0.4, "health": 0.1, "caseworker_grade": 0.4, "participation_hours": 1.5,
                       "paid_hours": 1.5},
    "zelfregie": {"wellbeing": 0.2, "health": 0.0, "caseworker_grade": -0.6, "participation_hours": 0.5,
                  "paid_hours": 0.3},
    "regulier": {"wellbeing": 0.0, "health": 0.0, "caseworker_grade": -1.0, "participation_hours": 0.0,
                 "paid_hours": 0.3},
    "bijverdienpremie": {"wellbeing": 0.2, "health": 0.0, "caseworker_grade": -0.8, "participation_hours": 0.3,
                         "paid_hours": 2.0},
}
BASELINE = {"wellbeing": (6.2, 1.6), "health": (3.0, 0.9), "caseworker_grade": (7.8, 1.2),
            "participation_hours": (3.0, 3.0), "paid_hours": (0.6, 2.0)}
NOISE = {"wellbeing": 1.0, "health": 0.6, "caseworker_grade": 1.0, "participation_hours": 2.0, "paid_hours": 2.0}


def _analyst(municipality):
    return (User.objects.filter(municipality=municipality, role=Role.ANALYST).order_by("pk").first()
            or User.objects.filter(municipality=municipality, role=Role.ADMINISTRATOR).order_by("pk").first())


def _clip(code, value):
    _label, low, high = rules.OUTCOMES[code]
    value = min(high, max(low, value))
    if code.endswith("_hours"):
        return Decimal(str(round(value * 2) / 2)).quantize(Decimal("0.1"))  # people answer in half hours
    return int(round(value))


def _answers(rng: random.Random, base: dict | None, arm: str) -> dict:
    if base is None:
        return {code: _clip(code, rng.gauss(*BASELINE[code])) for code in rules.OUTCOMES}
    return {code: _clip(code, float(base[code]) + CHANGE[arm][code] + rng.gauss(0, NOISE[code]))
            for code in rules.OUTCOMES}


def _at(day: dt.date, hour=10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def seed_experiments(municipality, rng: random.Random, today: dt.date) -> dict:
    analyst = _analyst(municipality)
    started = today - dt.timedelta(days=STARTED_DAYS_AGO)
    experiment = services.create_experiment(
        municipality, actor=analyst, name="Vitamine A: extra aandacht, zelfregie en bijverdienpremie",
        hypothesis=("Inwoners die extra aandacht krijgen van een vaste klantmanager gaan vaker en meer uren (deeltijd) "
                    "werken dan inwoners in de gewone aanpak. Zelfregie verandert het welzijn niet en een "
                    "bijverdienpremie verhoogt het aantal betaalde uren."),
        strata=["segment"], eligibility=[{"field": "guidance_status", "op": "eq", "value": "active"},
                                         {"field": "age", "op": "gte", "value": 27}],
        consent_required=True, seed=SEED,
        waves={"T0": started, "T1": today, "T2": started + dt.timedelta(days=365),
               "T3": started + dt.timedelta(days=730)})
    for code, name, control, params, description in ARMS:
        services.add_arm(experiment, code=code, name=name, is_control=control, parameters=params,
                         description=description)

    people = rules.eligible(services.people_of(municipality, started), experiment.eligibility)
    consents = []
    for person in people:  # sorted by pk: the same order in every run
        if rng.random() >= ASKED_SHARE:
            continue
        status = Consent.Status.GIVEN if rng.random() < CONSENT_SHARE else Consent.Status.REFUSED
        consents.append(Consent(experiment=experiment, resident_id=person["pk"], status=status,
                                on=started - dt.timedelta(days=rng.randint(1, 30)), recorded_by=analyst))
    Consent.objects.bulk_create(consents, batch_size=BATCH)
    assigned = services.randomise(experiment, actor=analyst, today=started, at=_at(started, 9))

    waves = {w.code: w for w in Wave.objects.filter(experiment=experiment)}
    responses = []
    for resident_id, arm in (Assignment.objects.filter(experiment=experiment).order_by("stratum", "position")
                             .values_list("resident_id", "arm__code")):
        base = None
        if rng.random() < RESPONSE_T0:
            base = _answers(rng, None, arm)
            responses.append(QuestionnaireResponse(
                wave=waves["T0"], resident_id=resident_id, filled_by=QuestionnaireResponse.FilledBy.STAFF,
                filled_at=_at(started + dt.timedelta(days=rng.randint(0, 13))), **base))
        if base is not None and rng.random() < RESPONSE_T1 / RESPONSE_T0:
            filled_by = rng.choice([QuestionnaireResponse.FilledBy.STAFF, QuestionnaireResponse.FilledBy.RESIDENT])
            responses.append(QuestionnaireResponse(
                wave=waves["T1"], resident_id=resident_id, filled_by=filled_by,
                filled_at=_at(today - dt.timedelta(days=rng.randint(0, 13))), **_answers(rng, base, arm)))
    QuestionnaireResponse.objects.bulk_create(responses, batch_size=BATCH)
    Wave.objects.filter(experiment=experiment, code="T0").update(open=False)

    draft = services.create_experiment(
        municipality, actor=analyst, name="Behouden of verdienen (verliesaversie)",
        hypothesis=("Inwoners die € 150 per maand behouden zolang zij vrijwilligerswerk blijven doen, doen vaker en "
                    "langer vrijwilligerswerk dan inwoners die € 150 per maand erbij krijgen zodra zij beginnen."),
        strata=["age_band"], eligibility=[{"field": "guidance_status", "op": "eq", "value": "active"}],
        consent_required=True, seed=SEED + 1,
        waves={"T0": today + dt.timedelta(days=30), "T1": today + dt.timedelta(days=210)})
    services.add_arm(draft, code="behouden", name="Behouden", parameters={"framing": {"kind": "kept",
                                                                                      "amount": "150.00"}},
                     description="€ 150 per maand, zolang het vrijwilligerswerk doorgaat.")
    services.add_arm(draft, code="verdienen", name="Verdienen", parameters={"framing": {"kind": "gained",
                                                                                        "amount": "150.00"}},
                     description="€ 150 per maand erbij, pas als het vrijwilligerswerk begint.")
    services.add_arm(draft, code="regulier", name="Regulier", is_control=True)
    return {"experimenten": Experiment.objects.filter(municipality=municipality).count(),
            "geloot": assigned, "vragenlijsten": len(responses)}
