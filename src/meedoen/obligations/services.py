"""State changes for obligations, exemptions, measures, income signals and objections.

Each runs inside one transaction and leaves a line on the dossier timeline; bad input raises ValidationError (Dutch
messages per field) before anything is written. Changes to an existing record take the version the user saw
(`expected_version`): when somebody else saved it in the meantime, the change is refused (optimistic locking).
The decisions themselves come from the pure rules in rules.py.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meedoen.accounts.models import Role
from meedoen.guidance.models import ActionPlan, Task
from meedoen.guidance.services import create_task
from meedoen.policy.services import active_profile
from meedoen.residents.models import DossierEvent
from meedoen.residents.services import add_event

from . import rules
from .models import Exemption, Hearing, IncomeSignal, Measure, ObligationCode, Objection

DECIDING_ROLES = (Role.TEAM_LEAD,)  # four eyes: a team lead decides, never the person who proposed
STAFF_ROLES = (Role.CASEWORKER, Role.TEAM_LEAD)
MEASURE_PROPOSAL_DECISION_DAYS = 14


def _today():
    return timezone.localdate()


def _stale():
    return ValidationError({"__all__": _("Iemand anders heeft dit intussen gewijzigd. Laad de pagina opnieuw en "
                                         "kijk of uw wijziging nog nodig is.")})


def _lock(model, obj, expected_version):
    """The row, locked for this transaction; refused when its version is not the one the user saw."""
    locked = model.objects.select_for_update().select_related("resident").get(pk=obj.pk)
    if expected_version is not None and locked.version != int(expected_version):
        raise _stale()
    return locked


def _bump(obj, fields):
    obj.version += 1
    obj.save(update_fields=[*fields, "version"])


def _require_role(actor, roles, message):
    if getattr(actor, "role", None) not in roles:
        raise ValidationError({"__all__": message})


def _event(resident, summary, actor, profile=None):
    add_event(resident, DossierEvent.Kind.NOTE, summary, actor, profile)


def measure_settings(profile) -> dict:
    return dict((profile.extra or {}).get("measures") or {})


def reciprocity_enforceable(profile) -> bool:
    """Only a mandatory tegenprestatie with a sanction can lead to a measure (Rotterdam); elsewhere it is asked or
    voluntary (DESIGN §3)."""
    reciprocity = profile.reciprocity or {}
    return reciprocity.get("mode") == "mandatory" and bool(reciprocity.get("sanction"))


# -- obligations ------------------------------------------------------------------------------------------------------

def exemption_facts(exemptions):
    return [rules.ExemptionFacts(e.pk, e.kind, e.starts_on, e.ends_on, frozenset(e.covers or ())) for e in exemptions]


def obligations_for(resident, day=None, *, profile=None, exemptions=None, plan=None):
    """The resident's obligations on `day` (default today), from the profile, the signed plan and the exemptions in
    force (rules.obligations_on). Pass `exemptions` and `plan` when already loaded."""
    day = day or _today()
    profile = profile or active_profile(resident.municipality, day)
    if exemptions is None:
        exemptions = list(resident.exemptions.filter(status=Exemption.Status.ACTIVE))
    if plan is None:
        plan = ActionPlan.objects.signed().filter(resident=resident).only("capacity_hours_per_week", "route",
                                                                          "version").first()
    facts = rules.PlanFacts(plan.capacity_hours_per_week, plan.route, plan.version) if plan else None
    # A running experiment's arm may relax the obligations for its residents (meedoen.experiments.overrides).
    from meedoen.experiments import overrides as experiment_overrides

    arm = experiment_overrides.overrides_for([resident.pk]).get(resident.pk)
    relaxed_by = arm.arm_name if arm is not None and arm.parameters.obligations_relaxed else ""
    return rules.obligations_on(day, reciprocity=profile.reciprocity or {}, plan=facts,
                                exemptions=exemption_facts(e for e in exemptions if e.status == "active"),
                                language_level=resident.dutch_language_level, relaxed_by=relaxed_by)


# -- exemptions -------------------------------------------------------------------------------------------------------

def single_parent_periods(resident, child_date_of_birth, *, exclude_pk=None):
    """The periods of the resident's art. 9a exemptions for the child born on `child_date_of_birth` (an ended one up
    to its actual end: end_exemption shortens ends_on)."""
    rows = (Exemption.objects.filter(resident=resident, kind=Exemption.Kind.SINGLE_PARENT,
                                     child_date_of_birth=child_date_of_birth)
            .exclude(pk=exclude_pk).order_by("starts_on", "pk").values_list("starts_on", "ends_on"))
    return [(start, end) for start, end in rows if end is not None]


@transaction.atomic
def grant_exemption(resident, *, actor, kind, covers=None, grounds, evidence_note="", starts_on, ends_on=None,
                    review_on=None, requested_on=None):
    """Grant an ontheffing after checking it against its kind's rules (art. 9 lid 2, 9 lid 5, 9a)."""
    _require_role(actor, STAFF_ROLES, _("Alleen een klantmanager of teamleider verleent een ontheffing."))
    covers = list(covers) if covers else list(rules.DEFAULT_COVERS.get(kind, ()))
    child = resident.youngest_child_date_of_birth if kind == rules.SINGLE_PARENT else None
    earlier = []
    if child is not None:
        # Art. 9a: at most 5 years for the same youngest child over all its exemptions. The resident row is locked so
        # two exemptions granted at once cannot both fit.
        type(resident).objects.select_for_update().filter(pk=resident.pk).first()
        earlier = single_parent_periods(resident, child)
    errors = rules.validate_exemption(
        kind=kind, covers=covers, grounds=grounds, evidence_note=evidence_note, starts_on=starts_on, ends_on=ends_on,
        review_on=review_on, requested_on=requested_on, household_type=resident.household_type,
        youngest_child_date_of_birth=resident.youngest_child_date_of_birth, today=_today(),
        earlier_single_parent_periods=earlier,
    )
    if errors:
        raise ValidationError(errors)
    profile = active_profile(resident.municipality)
    exemption = Exemption.objects.create(
        resident=resident, kind=kind, covers=sorted(covers), grounds=grounds.strip(),
        evidence_note=evidence_note.strip(), starts_on=starts_on, ends_on=ends_on, review_on=review_on,
        requested_on=requested_on, child_date_of_birth=child, granted_by=actor, policy_profile=profile,
        rule=f"{Exemption.Kind(kind).label}; geldt voor: {', '.join(sorted(covers))}",
    )
    until = f" tot en met {ends_on:%d-%m-%Y}" if ends_on else ""
    review = f", opnieuw bekijken uiterlijk {review_on:%d-%m-%Y}" if review_on else ""
    _event(resident, f"Ontheffing verleend: {exemption.get_kind_display()} vanaf {starts_on:%d-%m-%Y}{until}{review}",
           actor, profile)
    return exemption


@transaction.atomic
def review_exemption(exemption, *, actor, expected_version, note, next_review_on=None):
    """Record a review (art. 9a: every 6 months) and the next review date."""
    _require_role(actor, STAFF_ROLES, _("Alleen een klantmanager of teamleider beoordeelt een ontheffing."))
    exemption = _lock(Exemption, exemption, expected_version)
    if exemption.status != Exemption.Status.ACTIVE:
        raise ValidationError({"__all__": _("Deze ontheffing is al beëindigd.")})
    if not (note or "").strip():
        raise ValidationError({"note": _("Schrijf op wat de uitkomst van de beoordeling is.")})
    today = _today()
    errors = rules.next_review_problems(exemption.kind, reviewed_on=today, next_review_on=next_review_on,
                                        ends_on=exemption.ends_on)
    if errors:
        raise ValidationError(errors)
    exemption.last_reviewed_on, exemption.review_note, exemption.review_on = today, note.strip(), next_review_on
    _bump(exemption, ["last_reviewed_on", "review_note", "review_on"])
    nxt = f"; volgende keer uiterlijk {next_review_on:%d-%m-%Y}" if next_review_on else ""
    _event(exemption.resident, f"Ontheffing opnieuw bekeken ({exemption.get_kind_display()}): {note.strip()}{nxt}",
           actor)
    return exemption


@transaction.atomic
def end_exemption(exemption, *, actor, expected_version, reason, ended_on=None):
    _require_role(actor, STAFF_ROLES, _("Alleen een klantmanager of teamleider beëindigt een ontheffing."))
    exemption = _lock(Exemption, exemption, expected_version)
    if exemption.status != Exemption.Status.ACTIVE:
        raise ValidationError({"__all__": _("Deze ontheffing is al beëindigd.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Schrijf op waarom de ontheffing stopt.")})
    ended_on = ended_on or _today()
    if ended_on < exemption.starts_on:
        raise ValidationError({"ended_on": _("De einddatum ligt vóór het begin van de ontheffing.")})
    exemption.status, exemption.ended_on, exemption.end_reason = Exemption.Status.ENDED, ended_on, reason.strip()
    if exemption.ends_on is None or exemption.ends_on > ended_on:
        exemption.ends_on = ended_on
    _bump(exemption, ["status", "ended_on", "end_reason", "ends_on"])
    _event(exemption.resident, f"Ontheffing beëindigd ({exemption.get_kind_display()}) op {ended_on:%d-%m-%Y}: "
           f"{reason.strip()}", actor)
    return exemption


# -- measures ---------------------------------------------------------------------------------------------------------

@transaction.atomic
def propose_measure(resident, *, actor, breached_obligation, facts, occurred_on, blame, blame_note,
                    regime=Measure.Regime.ORDINANCE, category="", source_task=None):
    """A proposal for a measure: the breached obligation, the facts and the verwijtbaarheid. From the no-show
    ladder's measure_proposal task (which is then done) or by a caseworker."""
    _require_role(actor, STAFF_ROLES, _("Alleen een klantmanager of teamleider stelt een maatregel voor."))
    errors = {}
    if breached_obligation not in ObligationCode.values:
        errors["breached_obligation"] = _("Kies welke verplichting niet is nagekomen.")
    if not (facts or "").strip():
        errors["facts"] = _("Schrijf op wat er is gebeurd.")
    if blame not in Measure.Blame.values:
        errors["blame"] = _("Kies de verwijtbaarheid.")
    if not (blame_note or "").strip():
        errors["blame_note"] = _("Licht de verwijtbaarheid toe: wat weet u over het waarom?")
    today = _today()
    if occurred_on is None:
        errors["occurred_on"] = _("Vul de datum van de gedraging in.")
    elif occurred_on > today:
        errors["occurred_on"] = _("Deze datum ligt in de toekomst.")
    profile = active_profile(resident.municipality)
    settings = measure_settings(profile)
    if breached_obligation == ObligationCode.RECIPROCITY:
        if not reciprocity_enforceable(profile):
            errors["breached_obligation"] = _("In dit beleid is de tegenprestatie niet afdwingbaar: daarvoor volgt "
                                              "geen maatregel.")
        elif not next(o for o in obligations_for(resident, occurred_on or today, profile=profile)
                      if o.code == rules.RECIPROCITY).enforceable:
            # An exemption, or an experiment arm that makes it voluntary, for this resident on that day.
            errors["breached_obligation"] = _("Voor deze inwoner was de tegenprestatie op die dag niet afdwingbaar "
                                              "(ontheffing of experiment): daarvoor volgt geen maatregel.")
    if regime not in Measure.Regime.values:
        errors["regime"] = _("Kies de regeling.")
    elif regime == Measure.Regime.ORDINANCE and rules.find_category(regime, settings, category) is None:
        errors["category"] = _("Kies een categorie uit de maatregelenverordening.")
    source = Measure.Source.CASEWORKER
    if source_task is not None:
        task = Task.objects.select_for_update().get(pk=source_task.pk)
        if task.resident_id != resident.pk or task.kind != Task.Kind.MEASURE_PROPOSAL:
            errors["__all__"] = _("Deze taak is geen voorstel voor een maatregel van deze inwoner.")
        elif task.status != Task.Status.OPEN or Measure.objects.filter(source_task=task).exists():
            errors["__all__"] = _("Voor deze taak is al een voorstel gemaakt of de taak is afgehandeld.")
        source = Measure.Source.NO_SHOW_LADDER
    if errors:
        raise ValidationError(errors)
    category = category if regime == Measure.Regime.ORDINANCE else regime
    try:
        with transaction.atomic():
            measure = Measure.objects.create(
                resident=resident, source=source, source_task=source_task, regime=regime,
                breached_obligation=breached_obligation, category=category, facts=facts.strip(),
                occurred_on=occurred_on, blame=blame, blame_note=blame_note.strip(), proposed_by=actor,
                proposed_on=today, policy_profile=profile,
            )
    except IntegrityError:
        raise ValidationError({"__all__": _("Voor deze taak is al een voorstel gemaakt.")}) from None
    if source_task is not None:
        Task.objects.filter(pk=source_task.pk).update(
            status=Task.Status.DONE, completed_at=timezone.now(), completed_by=actor,
            outcome_note=_("Voorstel voor een maatregel gemaakt; een teamleider besluit."),
        )
    _event(resident, f"Maatregel voorgesteld ({measure.get_breached_obligation_display()}), "
           f"{measure.get_blame_display().lower()}; een tweede persoon besluit", actor, profile)
    return measure


@transaction.atomic
def schedule_hearing(measure, *, actor, expected_version, kind, invited_on=None, respond_by):
    """Ask the resident for their side of the story: a hoorzitting or a written zienswijze, by a date. A task reminds
    the caseworker on that date."""
    _require_role(actor, STAFF_ROLES, _("Alleen een klantmanager of teamleider regelt het horen."))
    measure = _lock(Measure, measure, expected_version)
    if not measure.is_open:
        raise ValidationError({"__all__": _("Over deze maatregel is al besloten of hij is ingetrokken.")})
    if kind not in (Hearing.Kind.HEARING, Hearing.Kind.WRITTEN):
        raise ValidationError({"kind": _("Kies een hoorzitting of een schriftelijke zienswijze.")})
    today = _today()
    invited_on = invited_on or today
    if respond_by is None or respond_by < invited_on:
        raise ValidationError({"respond_by": _("Vul een datum in die na de uitnodiging ligt.")})
    measure.status = Measure.Status.HEARING
    _bump(measure, ["status"])
    label = Hearing.Kind(kind).label.lower()
    create_task(measure.resident, kind=Task.Kind.OTHER, title=f"Horen over voorgestelde maatregel ({label})",
                due_on=respond_by, source_key=f"measure:{measure.pk}:hearing", policy_profile=measure.policy_profile,
                rule="Awb 4:8: de inwoner wordt gehoord voordat over een maatregel wordt besloten", actor=actor)
    _event(measure.resident, f"Inwoner uitgenodigd om gehoord te worden ({label}) uiterlijk {respond_by:%d-%m-%Y}",
           actor)
    return measure


@transaction.atomic
def record_hearing(measure, *, actor, expected_version, kind, held_on=None, outcome="", reason_not_needed="",
                   invited_on=None, respond_by=None):
    """Record the hearing and its outcome, no response within the stated period, or why hearing was not needed."""
    _require_role(actor, STAFF_ROLES, _("Alleen een klantmanager of teamleider legt het horen vast."))
    measure = _lock(Measure, measure, expected_version)
    if not measure.is_open:
        raise ValidationError({"__all__": _("Over deze maatregel is al besloten of hij is ingetrokken.")})
    facts = rules.HearingFacts(kind, held_on, outcome or "", reason_not_needed or "", respond_by)
    errors = rules.hearing_problems(facts, proposed_on=measure.proposed_on, today=_today())
    if errors:
        raise ValidationError(errors)
    hearing = Hearing.objects.create(
        measure=measure, kind=kind, invited_on=invited_on, respond_by=respond_by, held_on=held_on,
        outcome=(outcome or "").strip(), reason_not_needed=(reason_not_needed or "").strip(), recorded_by=actor,
    )
    measure.status = Measure.Status.HEARING
    _bump(measure, ["status"])
    Task.objects.filter(resident=measure.resident, source_key=f"measure:{measure.pk}:hearing",
                        status=Task.Status.OPEN).update(status=Task.Status.DONE, completed_at=timezone.now(),
                                                        completed_by=actor, outcome_note=hearing.get_kind_display())
    _event(measure.resident, f"Horen over de voorgestelde maatregel vastgelegd: {hearing.get_kind_display()}", actor)
    return hearing


def repeat_count(measure, window_months):
    """Earlier reducing measures under the same regime and category, decided in the window before this breach."""
    earlier = (Measure.objects.in_force().filter(resident_id=measure.resident_id, regime=measure.regime,
                                                  category=measure.category)
               .exclude(pk=measure.pk).values_list("decided_on", flat=True))
    return rules.count_repeats(measure.occurred_on, [d for d in earlier if d], window_months)


@transaction.atomic
def decide(measure, *, actor, expected_version, decision_grounds, category=None, blame=None,
           urgent_percentage=None, urgent_months=None, urgent_reasons="", spread_over_months=None, first_month=None):
    """Decide a proposed measure (four eyes), applying the verordening in the profile in force, and issue the
    beschikking with the grounds and the objection route. Nothing is saved when any step fails, the letter included.
    """
    measure = _lock(Measure, measure, expected_version)
    today = _today()
    hearings = [rules.HearingFacts(h.kind, h.held_on, h.outcome, h.reason_not_needed, h.respond_by)
                for h in measure.hearings.all()]
    problems = rules.decision_problems(
        status=measure.status, proposer_id=measure.proposed_by_id, decider_id=actor.pk, decider_role=actor.role,
        hearings=hearings, proposed_on=measure.proposed_on, today=today, deciding_roles=DECIDING_ROLES,
    )
    if problems:
        raise ValidationError({"__all__": problems})
    errors = {}
    if not (decision_grounds or "").strip():
        errors["decision_grounds"] = _("Schrijf de motivering van het besluit op; die komt in de beschikking.")
    adjusting = urgent_percentage is not None or urgent_months is not None
    if adjusting and not (urgent_reasons or "").strip():
        errors["urgent_reasons"] = _("Schrijf op welke dringende redenen er zijn (art. 18 lid 10).")
    if errors:
        raise ValidationError(errors)
    profile = active_profile(measure.resident.municipality, today)
    settings = measure_settings(profile)
    category = measure.category if category in (None, "") else category
    if measure.regime != Measure.Regime.ORDINANCE:
        category = measure.regime
    blame = blame or measure.blame
    repeats = repeat_count(measure, settings.get("repeat_window_months", rules.REPEAT_WINDOW_MONTHS))
    try:
        decision = rules.decide_measure(
            regime=measure.regime, settings=settings, category=category, blame=blame, repeat_count=repeats,
            urgent_percentage=Decimal(urgent_percentage) if urgent_percentage is not None else None,
            urgent_months=urgent_months, spread_over_months=spread_over_months or None,
        )
    except ValueError as error:
        raise ValidationError({"__all__": str(error)}) from None
    first = first_month or rules.first_reduction_month(today)
    if first_month is not None and first_month.replace(day=1) < today.replace(day=1):
        raise ValidationError({"first_month": _("Een verlaging begint niet in een maand die al voorbij is.")})
    period = rules.reduction_period(first, decision.months)
    measure.category, measure.blame, measure.repeat_count = category, blame, repeats
    measure.outcome, measure.percentage = decision.outcome, decision.percentage
    measure.months = decision.base_months
    measure.spread_over_months = spread_over_months if decision.months != decision.base_months else None
    measure.starts_on, measure.ends_on = period if period else (None, None)
    measure.urgent_reasons = (urgent_reasons or "").strip()
    measure.decision_grounds = decision_grounds.strip()
    measure.decided_by, measure.decided_on = actor, today
    measure.objection_deadline = rules.objection_deadline(today)
    measure.reconsider_by = rules.reconsider_by(measure.starts_on) if period else None
    measure.policy_profile, measure.rule = profile, decision.rule[:300]
    measure.status = Measure.Status.DECIDED
    letter = _decision_letter(measure, profile, actor)
    measure.letter = letter
    _bump(measure, ["category", "blame", "repeat_count", "outcome", "percentage", "months", "spread_over_months",
                    "starts_on", "ends_on", "urgent_reasons", "decision_grounds", "decided_by", "decided_on",
                    "objection_deadline", "reconsider_by", "policy_profile", "rule", "status", "letter"])
    if measure.reconsider_by:
        create_task(measure.resident, kind=Task.Kind.OTHER, title="Maatregel heroverwegen (art. 18 lid 3)",
                    due_on=measure.reconsider_by, source_key=f"measure:{measure.pk}:reconsider",
                    policy_profile=profile, rule="art. 18 lid 3 Participatiewet: heroverwegen binnen 3 maanden",
                    actor=actor)
    _event(measure.resident, f"Besluit maatregel: {measure.get_outcome_display()}"
           + (f", {measure.percentage} % van {measure.starts_on:%m-%Y} tot en met {measure.ends_on:%m-%Y}"
              if period else ""), actor, profile)
    return measure


def _money(value):
    return f"{value:.2f}".replace(".", ",").replace(",00", "")


def decision_letter_context(measure) -> dict:
    """What the beschikking about a decided measure says (also used by the demo for its historical decisions)."""
    return {
        "measure_outcome": measure.outcome,
        "measure_outcome_text": str(Measure.Outcome(measure.outcome).label),
        "breached_obligation_text": str(ObligationCode(measure.breached_obligation).label),
        "measure_facts": measure.facts,
        "measure_percentage": _money(measure.percentage) if measure.percentage else "",
        "measure_months": measure.months or 0,
        "measure_spread_over_months": measure.spread_over_months or 0,
        "measure_starts_on": measure.starts_on,
        "measure_ends_on": measure.ends_on,
        "measure_rule": measure.rule,
        "decision_grounds": measure.decision_grounds,
        "urgent_reasons": measure.urgent_reasons,
        "decision_on": measure.decided_on,
        "objection_deadline_on": measure.objection_deadline,
        "objection_weeks": rules.OBJECTION_WEEKS,
        "reconsider_by_on": measure.reconsider_by,
    }


def decision_letter_step_key(measure) -> str:
    return f"measure:{measure.pk}:decision"


def _decision_letter(measure, profile, actor):
    """The beschikking: the decision, the grounds, the rule, and the objection route and period."""
    from meedoen.letters.services import issue_letter

    return issue_letter(measure.resident, "measure_decision", step_key=decision_letter_step_key(measure),
                        actor=actor, policy_profile=profile, context=decision_letter_context(measure))


@transaction.atomic
def reconsider(measure, *, actor, expected_version, note, stop_after_month=None):
    """Reconsider a decided measure within 3 months (art. 18 lid 3): it continues, or stops after a given month."""
    _require_role(actor, DECIDING_ROLES, _("Alleen een teamleider heroverweegt een maatregel."))
    measure = _lock(Measure, measure, expected_version)
    if measure.status != Measure.Status.DECIDED:
        raise ValidationError({"__all__": _("Alleen een besloten maatregel kan worden heroverwogen.")})
    if not (note or "").strip():
        raise ValidationError({"note": _("Schrijf de uitkomst van de heroverweging op.")})
    fields = ["status", "reconsidered_on", "reconsidered_by", "reconsideration_note"]
    if stop_after_month is not None:
        if not measure.reduces_norm:
            raise ValidationError({"stop_after_month": _("Er loopt geen verlaging om te stoppen.")})
        last = rules.reduction_period(stop_after_month, 1)[1]
        if last < measure.starts_on:
            raise ValidationError({"stop_after_month": _("Die maand ligt vóór het begin van de verlaging. "
                                                         "Trek het besluit dan in via bezwaar.")})
        if last < measure.ends_on:
            measure.ends_on = last
            fields.append("ends_on")
    measure.status = Measure.Status.RECONSIDERED
    measure.reconsidered_on, measure.reconsidered_by = _today(), actor
    measure.reconsideration_note = note.strip()
    _bump(measure, fields)
    Task.objects.filter(resident=measure.resident, source_key=f"measure:{measure.pk}:reconsider",
                        status=Task.Status.OPEN).update(status=Task.Status.DONE, completed_at=timezone.now(),
                                                        completed_by=actor, outcome_note=note.strip()[:500])
    _event(measure.resident, f"Maatregel heroverwogen: {note.strip()}", actor)
    return measure


@transaction.atomic
def withdraw(measure, *, actor, expected_version, reason):
    """Withdraw a proposal (or, after an upheld objection, a decision)."""
    _require_role(actor, STAFF_ROLES, _("Alleen een klantmanager of teamleider trekt een voorstel in."))
    measure = _lock(Measure, measure, expected_version)
    if measure.status == Measure.Status.WITHDRAWN:
        raise ValidationError({"__all__": _("Deze maatregel is al ingetrokken.")})
    if not measure.is_open and actor.role not in DECIDING_ROLES:
        raise ValidationError({"__all__": _("Alleen een teamleider trekt een besluit in.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Schrijf op waarom de maatregel wordt ingetrokken.")})
    measure.status, measure.withdrawn_reason = Measure.Status.WITHDRAWN, reason.strip()
    _bump(measure, ["status", "withdrawn_reason"])
    Task.objects.filter(resident=measure.resident, source_key__startswith=f"measure:{measure.pk}:",
                        status=Task.Status.OPEN).update(status=Task.Status.CANCELLED, completed_at=timezone.now(),
                                                        completed_by=actor)
    _event(measure.resident, f"Maatregel ingetrokken: {reason.strip()}", actor)
    return measure


# -- objections and complaints ----------------------------------------------------------------------------------------

@transaction.atomic
def record_objection(resident, *, actor, kind, decision_kind, subject, received_on, measure=None, exemption=None,
                     decision_date=None, with_committee=False):
    """Record a bezwaar or klacht with its deadlines (rules.objection_deadlines) and a task for the deadline."""
    _require_role(actor, STAFF_ROLES, _("Alleen een klantmanager of teamleider legt een bezwaar of klacht vast."))
    errors = {}
    if measure is not None and measure.resident_id != resident.pk or exemption is not None and \
            exemption.resident_id != resident.pk:
        errors["__all__"] = _("Dit besluit hoort niet bij deze inwoner.")
    if measure is not None and decision_date is None:
        decision_date = measure.decided_on
        if decision_date is None:
            errors["measure"] = _("Over deze maatregel is nog niet besloten.")
    if exemption is not None and decision_date is None:
        decision_date = exemption.created_at.date()
    if not (subject or "").strip():
        errors["subject"] = _("Schrijf op waar het bezwaar of de klacht over gaat.")
    if received_on is None:
        errors["received_on"] = _("Vul in wanneer het is ontvangen.")
    elif received_on > _today():
        errors["received_on"] = _("Deze datum ligt in de toekomst.")
    if errors:
        raise ValidationError(errors)
    try:
        deadlines = rules.objection_deadlines(kind, received_on=received_on, decision_date=decision_date,
                                              with_committee=with_committee)
    except ValueError as error:
        raise ValidationError({"__all__": str(error)}) from None
    objection = Objection.objects.create(
        resident=resident, kind=kind, decision_kind=decision_kind, measure=measure, exemption=exemption,
        decision_date=decision_date, subject=subject.strip(), received_on=received_on,
        filing_deadline=deadlines.filing_deadline, filed_in_time=deadlines.filed_in_time,
        with_committee=with_committee, respond_by=deadlines.respond_by, recorded_by=actor, rule=deadlines.rule[:300],
    )
    label = objection.get_kind_display()
    create_task(resident, kind=Task.Kind.OTHER, title=f"{label} afhandelen (ontvangen {received_on:%d-%m-%Y})",
                due_on=deadlines.respond_by, source_key=f"objection:{objection.pk}", rule=deadlines.rule[:200],
                actor=actor)
    late = "" if deadlines.filed_in_time else " (te laat ingediend)"
    _event(resident, f"{label} ontvangen{late}; afhandelen uiterlijk {deadlines.respond_by:%d-%m-%Y}", actor)
    return objection


@transaction.atomic
def handle_objection(objection, *, actor, outcome, note, handled_on=None):
    """The outcome of a bezwaar or klacht. An upheld objection against a decided measure withdraws the measure."""
    _require_role(actor, STAFF_ROLES, _("Alleen een klantmanager of teamleider handelt een bezwaar of klacht af."))
    objection = Objection.objects.select_for_update(of=("self",)).select_related("resident", "measure").get(
        pk=objection.pk)
    if objection.status != Objection.Status.OPEN:
        raise ValidationError({"__all__": _("Dit is al afgehandeld.")})
    errors = {}
    if outcome not in Objection.Outcome.values:
        errors["outcome"] = _("Kies de uitkomst.")
    if not (note or "").strip():
        errors["note"] = _("Licht de uitkomst toe.")
    handled_on = handled_on or _today()
    if handled_on < objection.received_on:
        errors["handled_on"] = _("Deze datum ligt vóór de ontvangst.")
    if errors:
        raise ValidationError(errors)
    measure = objection.measure
    if outcome == Objection.Outcome.UPHELD and objection.kind == Objection.Kind.OBJECTION and measure is not None \
            and measure.status != Measure.Status.WITHDRAWN:
        withdraw(measure, actor=actor, expected_version=None, reason=_("Bezwaar gegrond: ") + note.strip())
    objection.status, objection.outcome, objection.outcome_note = Objection.Status.HANDLED, outcome, note.strip()
    objection.handled_on, objection.handled_by = handled_on, actor
    objection.save(update_fields=["status", "outcome", "outcome_note", "handled_on", "handled_by"])
    Task.objects.filter(resident=objection.resident, source_key=f"objection:{objection.pk}",
                        status=Task.Status.OPEN).update(status=Task.Status.DONE, completed_at=timezone.now(),
                                                        completed_by=actor, outcome_note=note.strip()[:500])
    late = " (na de termijn)" if handled_on > objection.respond_by else ""
    _event(objection.resident, f"{objection.get_kind_display()} afgehandeld{late}: {objection.get_outcome_display()}",
           actor)
    return objection


# -- signals of unreported income -----------------------------------------------------------------------------------

@transaction.atomic
def record_income_signal(resident, *, actor, source, received_on, description, source_detail=""):
    _require_role(actor, STAFF_ROLES, _("Alleen een klantmanager of teamleider legt een signaal vast."))
    errors = {}
    if source not in IncomeSignal.Source.values:
        errors["source"] = _("Kies de bron van het signaal.")
    if not (description or "").strip():
        errors["description"] = _("Schrijf op wat er is gemeld.")
    if received_on is None:
        errors["received_on"] = _("Vul in wanneer het signaal binnenkwam.")
    elif received_on > _today():
        errors["received_on"] = _("Deze datum ligt in de toekomst.")
    if errors:
        raise ValidationError(errors)
    profile = active_profile(resident.municipality)
    signal = IncomeSignal.objects.create(
        resident=resident, source=source, source_detail=(source_detail or "").strip(), received_on=received_on,
        description=description.strip(), recorded_by=actor, policy_profile=profile,
    )
    _event(resident, f"Signaal niet gemelde inkomsten vastgelegd (bron: {signal.get_source_display().lower()})",
           actor, profile)
    return signal


@transaction.atomic
def request_correction(signal, *, actor, expected_version):
    """Give the resident a stated period to report the income themself: a letter with the date, and a task for the
    day after it."""
    _require_role(actor, STAFF_ROLES, _("Alleen een klantmanager of teamleider vraagt de inwoner dit."))
    signal = _lock(IncomeSignal, signal, expected_version)
    if signal.status != IncomeSignal.Status.RECORDED:
        raise ValidationError({"__all__": _("De inwoner is hier al om gevraagd, of het signaal is afgehandeld.")})
    profile = active_profile(signal.resident.municipality)
    days = rules.self_correction_days(measure_settings(profile))
    today = _today()
    signal.status, signal.correction_requested_on = IncomeSignal.Status.CORRECTION_REQUESTED, today
    signal.correct_by = today + dt.timedelta(days=days)
    from meedoen.letters.services import issue_letter

    signal.letter = issue_letter(signal.resident, "income_correction", step_key=f"income_signal:{signal.pk}:correction",
                                 actor=actor, policy_profile=profile,
                                 context={"correct_by": signal.correct_by, "correction_days": days})
    signal.task, _created = create_task(
        signal.resident, kind=Task.Kind.OTHER, title="Termijn om inkomsten zelf door te geven is voorbij: "
        "afsluiten of overdragen aan handhaving", due_on=signal.correct_by + dt.timedelta(days=1),
        source_key=f"income_signal:{signal.pk}", policy_profile=profile,
        rule=f"eerst zelf corrigeren binnen {days} dagen, dan pas handhaving", actor=actor)
    _bump(signal, ["status", "correction_requested_on", "correct_by", "letter", "task"])
    _event(signal.resident, f"Inwoner gevraagd inkomsten zelf door te geven uiterlijk {signal.correct_by:%d-%m-%Y}",
           actor, profile)
    return signal


def _close_task(signal, actor, note):
    if signal.task_id:
        Task.objects.filter(pk=signal.task_id, status=Task.Status.OPEN).update(
            status=Task.Status.DONE, completed_at=timezone.now(), completed_by=actor, outcome_note=note[:500])


@transaction.atomic
def mark_corrected(signal, *, actor, expected_version, note, corrected_on=None):
    """The resident reported the income themself: the signal is settled without enforcement."""
    _require_role(actor, STAFF_ROLES, _("Alleen een klantmanager of teamleider legt dit vast."))
    signal = _lock(IncomeSignal, signal, expected_version)
    if signal.status not in (IncomeSignal.Status.RECORDED, IncomeSignal.Status.CORRECTION_REQUESTED):
        raise ValidationError({"__all__": _("Dit signaal is al afgehandeld.")})
    if not (note or "").strip():
        raise ValidationError({"note": _("Schrijf op wat de inwoner heeft doorgegeven.")})
    signal.status, signal.corrected_on = IncomeSignal.Status.CORRECTED, corrected_on or _today()
    signal.resolution_note = note.strip()
    _bump(signal, ["status", "corrected_on", "resolution_note"])
    _close_task(signal, actor, note.strip())
    _event(signal.resident, "Inwoner heeft de inkomsten zelf doorgegeven; signaal afgesloten", actor)
    return signal


@transaction.atomic
def dismiss_signal(signal, *, actor, expected_version, note):
    """Close a signal that turned out to be unfounded, before any handover."""
    _require_role(actor, STAFF_ROLES, _("Alleen een klantmanager of teamleider sluit een signaal af."))
    signal = _lock(IncomeSignal, signal, expected_version)
    if signal.status not in (IncomeSignal.Status.RECORDED, IncomeSignal.Status.CORRECTION_REQUESTED):
        raise ValidationError({"__all__": _("Dit signaal is al afgehandeld.")})
    if not (note or "").strip():
        raise ValidationError({"note": _("Schrijf op waarom het signaal wordt afgesloten.")})
    signal.status, signal.closed_on, signal.closed_by = IncomeSignal.Status.CLOSED, _today(), actor
    signal.resolution_note = note.strip()
    _bump(signal, ["status", "closed_on", "closed_by", "resolution_note"])
    _close_task(signal, actor, note.strip())
    _event(signal.resident, f"Signaal niet gemelde inkomsten afgesloten: {note.strip()}", actor)
    return signal


@transaction.atomic
def hand_over(signal, *, actor, expected_version):
    """Hand a signal to enforcement, only after the resident's own period has passed without a correction."""
    _require_role(actor, STAFF_ROLES, _("Alleen een klantmanager of teamleider draagt een signaal over."))
    signal = _lock(IncomeSignal, signal, expected_version)
    problems = rules.handover_problems(status=signal.status, correct_by=signal.correct_by, today=_today())
    if problems:
        raise ValidationError({"__all__": problems})
    signal.status, signal.handed_over_on, signal.handed_over_by = IncomeSignal.Status.HANDED_OVER, _today(), actor
    _bump(signal, ["status", "handed_over_on", "handed_over_by"])
    _close_task(signal, actor, "Overgedragen aan handhaving")
    _event(signal.resident, "Signaal niet gemelde inkomsten overgedragen aan handhaving", actor)
    return signal


@transaction.atomic
def record_enforcement_outcome(signal, *, actor, expected_version, outcome, note):
    """Only enforcement staff (handhaving) record what enforcement found; guidance staff never do."""
    _require_role(actor, (Role.ENFORCEMENT,), _("Alleen handhaving legt de uitkomst van een onderzoek vast."))
    signal = _lock(IncomeSignal, signal, expected_version)
    if signal.resident.municipality_id != actor.municipality_id:
        raise ValidationError({"__all__": _("Dit signaal hoort niet bij uw gemeente.")})
    if signal.status != IncomeSignal.Status.HANDED_OVER:
        raise ValidationError({"__all__": _("Dit signaal is niet (meer) bij handhaving.")})
    errors = {}
    if outcome not in IncomeSignal.EnforcementOutcome.values:
        errors["outcome"] = _("Kies de uitkomst.")
    if not (note or "").strip():
        errors["note"] = _("Licht de uitkomst toe.")
    if errors:
        raise ValidationError(errors)
    signal.enforcement_outcome, signal.enforcement_note = outcome, note.strip()
    signal.status, signal.closed_on, signal.closed_by = IncomeSignal.Status.CLOSED, _today(), actor
    _bump(signal, ["enforcement_outcome", "enforcement_note", "status", "closed_on", "closed_by"])
    _event(signal.resident, f"Handhaving heeft het signaal afgesloten: {signal.get_enforcement_outcome_display()}",
           actor)
    return signal


# -- statistics -------------------------------------------------------------------------------------------------------

def statistics(municipality, *, since=None, team=None):
    """No show-acties (the ladder's step that announces a measure) against measure proposals and decisions."""
    from meedoen.outreach.models import LadderStep

    steps = LadderStep.objects.filter(outreach__resident__municipality=municipality, kind="no_show_action_letter")
    measures = Measure.objects.filter(resident__municipality=municipality)
    if team is not None:
        steps = steps.filter(outreach__resident__current_caseworker__team=team)
        measures = measures.filter(resident__current_caseworker__team=team)
    if since is not None:
        steps = steps.filter(executed_at__date__gte=since)
        measures = measures.filter(proposed_on__gte=since)
    return rules.measure_statistics(
        no_show_actions=steps.count(),
        measures=measures.values("status", "outcome", "source", "months"),
    )
