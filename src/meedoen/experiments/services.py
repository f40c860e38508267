"""State changes of experiments, each in one transaction, with the audit trail of personal data.

create_experiment → add_arm (draft) → record_consent → randomise (starts the experiment; re-running only adds
residents who became eligible or consented since, never reassigns anyone) → record_response per wave → close.
Reading: balance(), response_rates(), results(), preregistration_markdown().
"""
from __future__ import annotations

import datetime as dt
import json
import secrets
from collections import Counter, defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meedoen.audit.models import AuditEntry
from meedoen.residents.models import DossierEvent, Resident

from . import rules
from .models import Arm, Assignment, Consent, Experiment, QuestionnaireResponse, Wave

WAVE_CODES = [code for code, _label in Wave.Code.choices]
OUTCOME_LABELS = {
    "wellbeing": gettext_lazy("Welzijn (1–10)"),
    "health": gettext_lazy("Gezondheid (1–5)"),
    "caseworker_grade": gettext_lazy("Rapportcijfer klantmanager (1–10)"),
    "participation_hours": gettext_lazy("Uren meedoen per week"),
    "paid_hours": gettext_lazy("Betaalde uren werk per week"),
}


def _audit_many(action, resident_ids, *, actor, obj_type, screen, detail=None, request=None):
    """One audit entry per resident, written in one statement (bulk operations touch thousands of dossiers)."""
    now = timezone.now()
    authenticated = bool(actor and actor.is_authenticated)
    AuditEntry.objects.bulk_create([AuditEntry(
        occurred_at=now, actor=actor if authenticated else None,
        actor_username=actor.get_username() if authenticated else "system",
        actor_role=getattr(actor, "role", "") if authenticated else "", action=action, resident_id=pk,
        object_type=obj_type, object_id=str(pk), screen=screen[:120],
        path=request.path[:300] if request is not None else "", detail=detail or {},
    ) for pk in resident_ids], batch_size=500)


def _chunks(items, size=None):
    size = size or max(1, min(900, (connection.features.max_query_params or 1000) - 10))
    for start in range(0, len(items), size):
        yield items[start:start + size]


# -- defining an experiment -------------------------------------------------------------------------------------------


@transaction.atomic
def create_experiment(municipality, *, actor, name, hypothesis, analysis_plan="", strata=(), eligibility=(),
                      consent_required=True, seed=None, waves=None) -> Experiment:
    """A draft experiment. Without a seed a random one is drawn and recorded. `waves`: {"T0": date, ...}."""
    errors = {}
    if not name.strip():
        errors["name"] = _("Geef het experiment een naam.")
    if not hypothesis.strip():
        errors["hypothesis"] = _("Schrijf de hypothese op: wat verwacht u dat er gebeurt, en bij wie?")
    if problems := rules.validate_strata(list(strata)):
        errors["strata"] = problems
    if problems := rules.validate_eligibility(list(eligibility)):
        errors["eligibility"] = problems
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        errors["seed"] = _("De seed is een heel getal van 0 of meer.")
    waves = waves or {}
    if any(code not in WAVE_CODES for code in waves):
        errors["waves"] = _("Metingen heten T0, T1, T2 of T3.")
    if errors:
        raise ValidationError(errors)
    experiment = Experiment.objects.create(
        municipality=municipality, name=name.strip(), hypothesis=hypothesis.strip(), analysis_plan=analysis_plan,
        strata=list(strata), eligibility=list(eligibility), consent_required=consent_required,
        seed=secrets.randbelow(2 ** 31) if seed is None else seed, created_by=actor)
    Wave.objects.bulk_create([Wave(experiment=experiment, code=code, planned_on=day)
                              for code, day in sorted(waves.items())])
    return experiment


def _draft(experiment):
    if experiment.status != Experiment.Status.DRAFT:
        raise ValidationError(_("Condities kunnen alleen worden aangepast zolang het experiment een concept is."))


@transaction.atomic
def add_arm(experiment, *, code, name, parameters=None, weight=1, is_control=False, description="") -> Arm:
    _draft(experiment)
    parameters = parameters or {}
    errors = {}
    if problems := rules.validate_parameters(parameters):
        errors["parameters"] = problems
    if is_control and experiment.arms.filter(is_control=True).exists():
        errors["is_control"] = _("Er is al een controlegroep.")
    if is_control and parameters:
        errors.setdefault("parameters", []).append(_("De controlegroep verandert niets: laat de instellingen leeg."))
    if experiment.arms.filter(code=code).exists():
        errors["code"] = _("Deze code is al gebruikt.")
    if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= 20:
        errors["weight"] = _("Het gewicht is een heel getal van 1 tot en met 20.")
    if errors:
        raise ValidationError(errors)
    arm = Arm(experiment=experiment, code=code, name=name, parameters=parameters, weight=weight,
              is_control=is_control, description=description)
    arm.full_clean(exclude=["experiment"])
    arm.save()
    return arm


def add_wave(experiment, code, planned_on) -> Wave:
    if code not in WAVE_CODES:
        raise ValidationError({"code": _("Metingen heten T0, T1, T2 of T3.")})
    wave, _created = Wave.objects.update_or_create(experiment=experiment, code=code,
                                                   defaults={"planned_on": planned_on})
    return wave


# -- who takes part ---------------------------------------------------------------------------------------------------


def months_between(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (1 if end.day < start.day else 0)


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def people_of(municipality, today: dt.date, resident_ids=None) -> list[dict]:
    """Plain rows for the eligibility rules and the strata, one query."""
    qs = Resident.objects.filter(municipality=municipality)
    if resident_ids is not None:
        qs = qs.filter(pk__in=list(resident_ids))
    rows = []
    for pk, segment, intensity, born, benefit_start, ladder, status, wijk in qs.values_list(
            "pk", "segment", "intensity", "date_of_birth", "benefit_start_date", "ladder_step", "guidance_status",
            "neighbourhood__name").order_by("pk"):
        age = age_on(born, today)
        rows.append({"pk": pk, "segment": segment, "intensity": intensity, "age": age, "age_band": rules.age_band(age),
                     "months_on_benefit": months_between(benefit_start, today), "ladder_step": ladder,
                     "guidance_status": status, "neighbourhood": wijk})
    return rows


def is_eligible(experiment, resident, today=None) -> bool:
    rows = people_of(experiment.municipality, today or timezone.localdate(), [resident.pk])
    return bool(rows) and rules.is_eligible(rows[0], experiment.eligibility)


@transaction.atomic
def record_consent(experiment, resident, *, status, actor, on=None, request=None) -> Consent:
    """Consent given, refused or withdrawn. Withdrawing stops what the arm changes for the resident from now on."""
    if status not in Consent.Status.values:
        raise ValidationError({"status": _("Kies: toestemming gegeven, geen toestemming of ingetrokken.")})
    if resident.municipality_id != experiment.municipality_id:
        raise ValidationError(_("Deze inwoner hoort niet bij de gemeente van het experiment."))
    if experiment.status == Experiment.Status.CLOSED:
        raise ValidationError(_("Het experiment is afgesloten."))
    on = on or timezone.localdate()
    consent, _created = Consent.objects.update_or_create(
        experiment=experiment, resident=resident, defaults={"status": status, "on": on, "recorded_by": actor})
    if status == Consent.Status.WITHDRAWN:
        Assignment.objects.filter(experiment=experiment, resident=resident, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now())
        from meedoen.guidance.followup import refresh_next_contact

        refresh_next_contact(Resident.objects.get(pk=resident.pk))
    from meedoen.residents.services import add_event

    add_event(resident, DossierEvent.Kind.NOTE,
              _("Experiment '%(e)s': %(s)s") % {"e": experiment.name, "s": Consent.Status(status).label.lower()},
              actor)
    _audit_many(AuditEntry.Action.UPDATE, [resident.pk], actor=actor, obj_type="experiments.Consent",
                screen="experiments:consent", detail={"experiment": experiment.pk, "status": status}, request=request)
    return consent


# -- randomisation ----------------------------------------------------------------------------------------------------


def check_arms(arms) -> list[str]:
    errors = []
    if len(arms) < 2:
        errors.append(_("Een experiment heeft minstens twee condities nodig."))
    if sum(1 for arm in arms if arm.is_control) != 1:
        errors.append(_("Wijs precies één conditie aan als controlegroep."))
    for arm in arms:
        errors += ["%s: %s" % (arm.name, e) for e in rules.validate_parameters(arm.parameters)]
    return errors


@transaction.atomic
def randomise(experiment, *, actor, request=None, today=None, at=None) -> int:
    """Assign every eligible resident (with consent, when the design asks for it) who has no arm yet, by permuted
    blocks within strata from the recorded seed, and start the experiment. Returns how many were assigned now.

    Idempotent: an assigned resident is never reassigned; a second run continues each stratum's sequence.
    The arm's intensity is written to the resident (it is the caseload weight), and next-contact dates are
    recomputed in bulk so the worklist follows at once. `at` (default now) is the moment of the draw; the demo
    uses it to write a draw in the past.
    """
    experiment = Experiment.objects.select_for_update(of=("self",)).select_related("municipality").get(
        pk=experiment.pk)
    if experiment.status == Experiment.Status.CLOSED:
        raise ValidationError(_("Het experiment is afgesloten; er wordt niet meer geloot."))
    arms = list(experiment.arms.all())
    if errors := check_arms(arms):
        raise ValidationError(errors)
    today = today or timezone.localdate()
    people = rules.eligible(people_of(experiment.municipality, today), experiment.eligibility)
    assigned = set(Assignment.objects.filter(experiment=experiment).values_list("resident_id", flat=True))
    consenting = None
    if experiment.consent_required:
        consenting = set(Consent.objects.filter(experiment=experiment, status=Consent.Status.GIVEN)
                         .values_list("resident_id", flat=True))
    units = [(p["pk"], rules.stratum_of(p, experiment.strata)) for p in people
             if p["pk"] not in assigned and (consenting is None or p["pk"] in consenting)]
    already = dict(Assignment.objects.filter(experiment=experiment).values("stratum")
                   .annotate(n=Count("pk")).values_list("stratum", "n").order_by())
    allocations = rules.randomise(units, [(a.code, a.weight) for a in arms], experiment.seed, already)
    now = at or timezone.now()
    by_code = {a.code: a for a in arms}
    Assignment.objects.bulk_create([
        Assignment(experiment=experiment, resident_id=al.key, arm=by_code[al.arm], stratum=al.stratum[:200],
                   position=al.position, seed=experiment.seed, assigned_at=now) for al in allocations],
        batch_size=500)
    per_arm = defaultdict(list)
    for al in allocations:
        per_arm[al.arm].append(al.key)
    for code, ids in per_arm.items():
        intensity = rules.parse_parameters(by_code[code].parameters).intensity
        if intensity:
            for chunk in _chunks(ids):
                Resident.objects.filter(pk__in=chunk).exclude(intensity=intensity).update(intensity=intensity)
    drawn = _("Experiment '%(e)s': geloot in conditie %(a)s")
    DossierEvent.objects.bulk_create([
        DossierEvent(resident_id=al.key, kind=DossierEvent.Kind.NOTE, actor=actor, occurred_at=now,
                     summary=(drawn % {"e": experiment.name, "a": by_code[al.arm].name})[:300])
        for al in allocations], batch_size=500)
    _audit_many(AuditEntry.Action.CREATE, [al.key for al in allocations], actor=actor,
                obj_type="experiments.Assignment", screen="experiments:randomise",
                detail={"experiment": experiment.pk, "seed": experiment.seed}, request=request)
    if experiment.status == Experiment.Status.DRAFT:
        experiment.status = Experiment.Status.RUNNING
        experiment.started_at = now
        experiment.registered_at = experiment.registered_at or now
        experiment.save(update_fields=["status", "started_at", "registered_at"])
    from meedoen.guidance.followup import refresh_all

    refresh_all(experiment.municipality)
    return len(allocations)


@transaction.atomic
def close(experiment, *, actor) -> Experiment:
    """End the experiment: its arms stop changing anything, next-contact dates follow the profile again."""
    experiment = Experiment.objects.select_for_update(of=("self",)).select_related("municipality").get(
        pk=experiment.pk)
    if experiment.status != Experiment.Status.RUNNING:
        raise ValidationError(_("Alleen een lopend experiment kan worden afgesloten."))
    experiment.status = Experiment.Status.CLOSED
    experiment.closed_at = timezone.now()
    experiment.save(update_fields=["status", "closed_at"])
    Wave.objects.filter(experiment=experiment).update(open=False)
    from meedoen.guidance.followup import refresh_all

    refresh_all(experiment.municipality)
    return experiment


# -- questionnaires ---------------------------------------------------------------------------------------------------


@transaction.atomic
def record_response(wave, resident, data, *, filled_by, actor, request=None) -> QuestionnaireResponse:
    """Store (or correct) the resident's answers for a wave. Only for residents assigned in the experiment."""
    if errors := rules.validate_response(data):
        raise ValidationError(errors)
    wave = Wave.objects.select_related("experiment").get(pk=wave.pk)  # the current status, not a stale copy
    experiment = wave.experiment
    if experiment.status != Experiment.Status.RUNNING or not wave.open:
        raise ValidationError(_("Deze meting is gesloten: er kunnen geen antwoorden meer bij."))
    if not Assignment.objects.filter(experiment=experiment, resident_id=resident.pk).exists():
        raise ValidationError(_("Deze inwoner doet niet mee aan dit experiment."))
    if filled_by not in QuestionnaireResponse.FilledBy.values:
        raise ValidationError(_("Onbekend wie de vragenlijst invulde."))
    values = {code: Decimal(str(data[code])) for code in rules.OUTCOMES}
    for code in ("wellbeing", "health", "caseworker_grade"):
        values[code] = int(values[code])
    response, created = QuestionnaireResponse.objects.update_or_create(
        wave=wave, resident=resident,
        defaults={**values, "filled_by": filled_by, "filled_by_user": actor, "filled_at": timezone.now()})
    _audit_many(AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE, [resident.pk], actor=actor,
                obj_type="experiments.QuestionnaireResponse", screen="experiments:questionnaire",
                detail={"experiment": experiment.pk, "wave": wave.code, "filled_by": filled_by}, request=request)
    return response


def open_waves_for(resident):
    """The open waves of running experiments the resident is assigned in, with the answer if there is one."""
    waves = list(Wave.objects.filter(experiment__assignments__resident_id=resident.pk,
                                     experiment__status=Experiment.Status.RUNNING, open=True)
                 .select_related("experiment").order_by("experiment_id", "code"))
    answered = set(QuestionnaireResponse.objects.filter(resident_id=resident.pk, wave__in=waves)
                   .values_list("wave_id", flat=True))
    return [(wave, wave.pk in answered) for wave in waves]


# -- reading: balance, response rates, effects ------------------------------------------------------------------------


def balance(experiment) -> dict:
    """Assignment counts per stratum and arm (no names: counts only)."""
    arms = list(experiment.arms.all())
    counts = Counter()
    for stratum, arm_id, n in (Assignment.objects.filter(experiment=experiment).values("stratum", "arm_id")
                               .annotate(n=Count("pk")).values_list("stratum", "arm_id", "n").order_by()):
        counts[(stratum, arm_id)] = n
    strata = sorted({s for s, _a in counts})
    rows = [{"stratum": s, "counts": [counts[(s, a.pk)] for a in arms], "total": sum(counts[(s, a.pk)] for a in arms)}
            for s in strata]
    totals = [sum(counts[(s, a.pk)] for s in strata) for a in arms]
    return {"arms": arms, "rows": rows, "totals": totals, "total": sum(totals)}


def consent_counts(experiment) -> dict:
    counts = dict(Consent.objects.filter(experiment=experiment).values("status").annotate(n=Count("pk"))
                  .values_list("status", "n").order_by())
    return {status: counts.get(status, 0) for status in Consent.Status.values}


def response_rates(experiment) -> list[dict]:
    assigned = Assignment.objects.filter(experiment=experiment).count()
    counts = dict(QuestionnaireResponse.objects.filter(wave__experiment=experiment).values("wave_id")
                  .annotate(n=Count("pk")).values_list("wave_id", "n").order_by())
    return [{"wave": w, "responses": counts.get(w.pk, 0),
             "rate": round(100 * counts.get(w.pk, 0) / assigned, 1) if assigned else None}
            for w in experiment.waves.all()]


def analysis_rows(experiment, wave_code: str) -> list[dict]:
    """One plain row per assigned resident with answers at `wave_code` (intention to treat: withdrawn residents stay
    in their arm): the arm, the stratum, the outcomes and their T0 values. Pseudonymous: no resident ids."""
    assignments = {rid: (code, stratum) for rid, code, stratum in Assignment.objects.filter(experiment=experiment)
                   .values_list("resident_id", "arm__code", "stratum").order_by()}
    fields = ["resident_id", "wave__code", *rules.OUTCOMES]
    answers = defaultdict(dict)
    for row in QuestionnaireResponse.objects.filter(wave__experiment=experiment,
                                                    wave__code__in={wave_code, "T0"}).values_list(*fields).order_by():
        answers[row[0]][row[1]] = dict(zip(rules.OUTCOMES, row[2:]))
    rows = []
    for rid in sorted(answers):
        if rid not in assignments or wave_code not in answers[rid]:
            continue
        arm, stratum = assignments[rid]
        t0 = answers[rid].get("T0", {})
        row = {"arm": arm, "stratum": stratum, **answers[rid][wave_code]}
        row.update({f"{code}_t0": t0.get(code) for code in rules.OUTCOMES})
        rows.append(row)
    return rows


def results(experiment, wave_code: str | None = None) -> dict:
    """Effect estimates per outcome and arm against the control arm at a wave (default: the latest with answers).
    After T0, the regression adjusts for the T0 value of the same outcome and the strata."""
    if wave_code is None:
        with_answers = set(QuestionnaireResponse.objects.filter(wave__experiment=experiment)
                           .values_list("wave__code", flat=True).distinct())
        wave_code = max(with_answers) if with_answers else None
    control = experiment.control_arm
    if wave_code is None or control is None:
        return {"wave": wave_code, "effects": [], "n": 0}
    rows = analysis_rows(experiment, wave_code)
    base = ["stratum"] if len(experiment.strata) else []
    covariates = {code: ([f"{code}_t0"] if wave_code != "T0" else []) + base for code in rules.OUTCOMES}
    effects = rules.estimate(rows, outcomes=list(rules.OUTCOMES), control=control.code, covariates=covariates)
    return {"wave": wave_code, "effects": effects, "n": len(rows), "control": control, "covariates": covariates}


def preregistration_markdown(experiment) -> str:
    arms = list(experiment.arms.all())
    return render_to_string("experiments/preregistration.md", {
        "experiment": experiment,
        "arms": [(arm, rules.parse_parameters(arm.parameters), json.dumps(arm.parameters, ensure_ascii=False,
                                                                          sort_keys=True)) for arm in arms],
        "waves": list(experiment.waves.all()),
        "outcomes": [(code, OUTCOME_LABELS[code], low, high) for code, (_l, low, high) in rules.OUTCOMES.items()],
        "eligibility": [(rules.ELIGIBILITY_FIELDS.get(r["field"], r["field"]), r["op"], r["value"])
                        for r in experiment.eligibility],
        "strata": experiment.strata, "generated_at": timezone.now(),
        "block": rules.block_for([(a.code, a.weight) for a in sorted(arms, key=lambda a: a.code)]) if arms else [],
    })
