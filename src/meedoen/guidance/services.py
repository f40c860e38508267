"""Services of the guidance loop. Every change runs in one transaction and leaves a timeline event; a bad input
raises ValidationError (a dict of Dutch messages per field) before anything is written.

Tasks are created idempotently: a rule step that runs twice creates one task.
"""
import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from meedoen.policy.services import active_profile
from meedoen.residents.models import DossierEvent, Resident
from meedoen.residents.services import add_event

from . import facts, followup, rules
from .models import ActionPlan, Conversation, GuidanceEnding, PlanStep, Reorientation, Route, Task

logger = logging.getLogger(__name__)

REORIENTATION_REVIEW_DAYS = 91


def create_task(resident, *, kind, title, due_on, source_key="", assigned_to=None, policy_profile=None, rule="",
                actor=None):
    """Create a task for a person (home visit, measure proposal, …). With a source_key, a second call returns the
    first task instead of making a duplicate. Returns (task, created)."""
    if source_key:
        existing = Task.objects.filter(resident=resident, source_key=source_key).first()
        if existing:
            return existing, False
    try:
        with transaction.atomic():
            task = Task.objects.create(
                resident=resident, kind=kind, title=title[:200], due_on=due_on, source_key=source_key,
                assigned_to=assigned_to or resident.current_caseworker, policy_profile=policy_profile, rule=rule,
            )
    except IntegrityError:  # a concurrent run created it first
        return Task.objects.get(resident=resident, source_key=source_key), False
    add_event(resident, DossierEvent.Kind.TASK, f"Taak: {task.title} (uiterlijk {due_on:%d-%m-%Y})", actor,
              policy_profile)
    return task, True


@transaction.atomic
def complete_task(task, *, actor, note=""):
    """Mark a task done. A task that is no longer open stays as it is."""
    locked = Task.objects.select_for_update().get(pk=task.pk)
    if locked.status != Task.Status.OPEN:
        raise ValidationError({"__all__": _("Deze taak is al afgehandeld.")})
    locked.status = Task.Status.DONE
    locked.completed_at = timezone.now()
    locked.completed_by = actor
    locked.outcome_note = note.strip()
    locked.save(update_fields=["status", "completed_at", "completed_by", "outcome_note"])
    summary = f"Taak gedaan: {locked.title}" + (f". {locked.outcome_note}" if locked.outcome_note else "")
    add_event(locked.resident, DossierEvent.Kind.TASK, summary, actor)
    return locked


def _require_active(resident):
    status = Resident.objects.filter(pk=resident.pk).values_list("guidance_status", flat=True).get()
    if status != "active":
        raise ValidationError(
            {"__all__": _("De begeleiding is beëindigd. Kies eerst 'Heroriëntatie' om de begeleiding te heropenen.")}
        )


def _lock(resident):
    """Serialise changes to one resident's plans and status (versions, the one-signed-plan rule)."""
    return Resident.objects.select_for_update().only("pk").get(pk=resident.pk)


# -- conversations ----------------------------------------------------------------------------------------------------


@transaction.atomic
def record_conversation(resident, *, actor, held_on, where, discussed, with_whom="", venue=None, wishes="",
                        talents="", refusal=Conversation.Refusal.NONE, refused_what="", cant_reason="",
                        refusal_explanation="", profile=None):
    """Record a conversation; route a refusal (can't → exemption or help, won't → motivation or a summons with
    consequences, by the profile's stance); move the last contact and the next-contact date."""
    profile = profile or active_profile(resident.municipality)
    conversation = Conversation(
        resident=resident, held_on=held_on, where=where, venue=venue, with_whom=with_whom.strip(), held_by=actor,
        discussed=discussed.strip(), wishes=wishes.strip(), talents=talents.strip(), refusal=refusal or "none",
        refused_what=refused_what.strip(), cant_reason=cant_reason or "",
        refusal_explanation=refusal_explanation.strip(), policy_profile=profile,
    )
    conversation.full_clean()
    conversation.save()
    summary = f"Gesprek ({conversation.get_where_display().lower()}): {conversation.discussed}"
    routing = rules.route_refusal(conversation.refusal, conversation.cant_reason, profile.stance,
                                  profile.no_show_ladder or ())
    if routing is not None:
        task, _created = create_task(
            resident, kind=routing.task_kind, title=routing.title,
            due_on=timezone.localdate() + dt.timedelta(days=routing.due_in_days),
            source_key=f"conversation:{conversation.pk}", policy_profile=profile, rule=routing.rule[:200], actor=actor,
        )
        conversation.routing, conversation.routing_rule, conversation.task = routing.task_kind, routing.rule, task
        conversation.save(update_fields=["routing", "routing_rule", "task"])
        label = "kan niet" if conversation.refusal == "cant" else "wil niet"
        summary = f"Gesprek: weigering ({label}: {conversation.refused_what}) → {task.get_kind_display()}"
    add_event(resident, DossierEvent.Kind.CONVERSATION, summary, actor, profile)
    followup.register_contact(resident, held_on, profile)
    return conversation


# -- action plans -----------------------------------------------------------------------------------------------------


def _clean_steps(steps):
    cleaned, errors = [], []
    for position, step in enumerate(steps):
        obj = PlanStep(
            position=position, kind=step.get("kind") or "", description=(step.get("description") or "").strip(),
            hours_per_week=step.get("hours_per_week") or 0, responsible=step.get("responsible") or "",
            responsible_name=(step.get("responsible_name") or "").strip(),
        )
        try:
            obj.full_clean(exclude=["plan"])
        except ValidationError as exc:
            errors.append(exc.message_dict)
        cleaned.append(obj)
    if errors and any(errors):
        raise ValidationError({"steps": _("Niet alle afspraken zijn goed ingevuld.")})
    if not cleaned:
        raise ValidationError({"steps": _("Een plan heeft minstens één afspraak.")})
    return cleaned


def validate_plan(*, capacity_hours_per_week, over_capacity_reason, review_on, steps, today=None):
    """Checks shared by the screen and the service. Returns the cleaned PlanStep objects (not saved)."""
    today = today or timezone.localdate()
    errors = {}
    if review_on is None or review_on <= today:
        errors["review_on"] = _("Kies een evaluatiedatum na vandaag.")
    step_objs = _clean_steps(steps)
    check = rules.check_plan_hours([s.hours_per_week for s in step_objs], capacity_hours_per_week,
                                   over_capacity_reason or "")
    if not check.ok:
        errors["over_capacity_reason"] = _(
            "Dit plan vraagt %(total)s uur per week, meer dan de %(capacity)s uur die de inwoner nu aankan. "
            "Schrijf op waarom dat toch goed is, of maak het aantal uren kleiner."
        ) % {"total": _hours(check.total), "capacity": _hours(check.capacity)}
    if errors:
        raise ValidationError(errors)
    return step_objs


def _hours(value):
    text = f"{value:.1f}".replace(".", ",")
    return text[:-2] if text.endswith(",0") else text


@transaction.atomic
def save_plan(resident, *, actor, goals, capacity_hours_per_week, review_on, steps, route=Route.PARTICIPATION,
              capacity_note="", over_capacity_reason="", draft=None, profile=None):
    """Save a plan van aanpak as a draft: a new version (revising the signed plan, if any), or the given draft edited
    in place (a draft is not yet an agreement, so it has no history of its own). Nothing is written when anything is
    wrong. `steps` is a list of dicts: kind, description, hours_per_week, responsible, responsible_name."""
    profile = profile or active_profile(resident.municipality)
    _lock(resident)
    _require_active(resident)
    step_objs = validate_plan(capacity_hours_per_week=capacity_hours_per_week,
                              over_capacity_reason=over_capacity_reason, review_on=review_on, steps=steps)
    fields = {
        "route": route, "goals": goals.strip(), "capacity_hours_per_week": capacity_hours_per_week,
        "capacity_note": capacity_note.strip(), "review_on": review_on,
        "over_capacity_reason": over_capacity_reason.strip() if sum(s.hours_per_week for s in step_objs)
        > capacity_hours_per_week else "",
        "policy_profile": profile,
    }
    if draft is not None:
        plan = ActionPlan.objects.select_for_update().get(pk=draft.pk, resident=resident)
        if plan.status != ActionPlan.Status.DRAFT:
            raise ValidationError({"__all__": _("Een ondertekend plan verandert niet meer. Maak een nieuwe versie.")})
        for name, value in fields.items():
            setattr(plan, name, value)
        plan.full_clean(exclude=["resident", "previous", "created_by", "policy_profile"])
        plan.save()
        plan.steps.all().delete()
        verb = "aangepast"
    else:
        existing_draft = ActionPlan.objects.filter(resident=resident, status=ActionPlan.Status.DRAFT).first()
        if existing_draft is not None:
            raise ValidationError(
                {"__all__": _("Er is al een concept (versie %(v)s). Pas dat concept aan.")
                 % {"v": existing_draft.version}}
            )
        version = (ActionPlan.objects.filter(resident=resident).aggregate(v=Max("version"))["v"] or 0) + 1
        previous = ActionPlan.objects.filter(resident=resident).order_by("-version").first()
        plan = ActionPlan(resident=resident, version=version, previous=previous, created_by=actor, **fields)
        plan.full_clean(exclude=["resident", "previous", "created_by", "policy_profile"])
        plan.save()
        verb = "gemaakt" if previous is None else f"gemaakt als herziening van versie {previous.version}"
    for step in step_objs:
        step.plan = plan
    PlanStep.objects.bulk_create(step_objs)
    total = sum(s.hours_per_week for s in step_objs)
    add_event(resident, DossierEvent.Kind.PLAN,
              f"Plan van aanpak versie {plan.version} (concept) {verb}: {len(step_objs)} afspraken, "
              f"{_hours(total)} uur per week, evaluatie {review_on:%d-%m-%Y}", actor, profile)
    return plan


@transaction.atomic
def sign_plan(plan, *, method, signed_on=None, actor=None, profile=None):
    """The resident signs the draft: it becomes the plan in force, the previous signed version is superseded, and the
    next contact is recomputed from the review date. `method` is paper, verbal, or portal (the resident signing
    later in the portal calls this with method='portal')."""
    signed_on = signed_on or timezone.localdate()
    resident = plan.resident
    profile = profile or active_profile(resident.municipality)
    _lock(resident)
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    errors = {}
    if method not in ActionPlan.SignatureMethod.values:
        errors["method"] = _("Kies hoe de inwoner heeft getekend.")
    if signed_on > timezone.localdate():
        errors["signed_on"] = _("Deze datum ligt in de toekomst.")
    elif signed_on < timezone.localdate(plan.created_at):
        errors["signed_on"] = _("Het plan kan niet getekend zijn vóór het werd gemaakt (%(d)s).") % {
            "d": f"{timezone.localdate(plan.created_at):%d-%m-%Y}"}
    if plan.status != ActionPlan.Status.DRAFT:
        errors["__all__"] = _("Alleen een concept kan worden ondertekend.")
    if errors:
        raise ValidationError(errors)
    ActionPlan.objects.filter(resident=resident, status=ActionPlan.Status.SIGNED).update(
        status=ActionPlan.Status.SUPERSEDED, superseded_on=signed_on
    )
    plan.status = ActionPlan.Status.SIGNED
    plan.signed_on = signed_on
    plan.signature_method = method
    plan.signature_recorded_by = actor
    plan.save(update_fields=["status", "signed_on", "signature_method", "signature_recorded_by"])
    add_event(resident, DossierEvent.Kind.PLAN,
              f"Plan van aanpak versie {plan.version} ondertekend ({plan.get_signature_method_display().lower()}, "
              f"{signed_on:%d-%m-%Y}); evaluatie {plan.review_on:%d-%m-%Y}", actor, profile)
    followup.refresh_next_contact(resident, profile)
    plan.letter, plan.letter_problem = issue_letter_safely(
        resident, "plan_confirmation", f"plan:{plan.pk}:signed", actor=actor, profile=profile,
        context=_plan_letter_context(plan),
    )
    return plan


@transaction.atomic
def request_portal_signature(plan, *, actor):
    """Put the draft ready for the resident to sign later in the portal."""
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != ActionPlan.Status.DRAFT:
        raise ValidationError({"__all__": _("Alleen een concept kan worden ondertekend.")})
    plan.portal_signature_requested_on = timezone.localdate()
    plan.save(update_fields=["portal_signature_requested_on"])
    add_event(plan.resident, DossierEvent.Kind.PLAN,
              f"Plan van aanpak versie {plan.version} klaargezet om te ondertekenen in het portaal", actor)
    return plan


# -- end and re-orientation -------------------------------------------------------------------------------------------


@transaction.atomic
def end_guidance(resident, *, actor, reason, explanation, review, ended_on=None, profile=None):
    """End guidance with a stated reason and an end-of-support review. Open tasks lapse, a draft plan is superseded,
    the signed plan stays as the record of what was agreed; there is no next contact any more."""
    ended_on = ended_on or timezone.localdate()
    profile = profile or active_profile(resident.municipality)
    _lock(resident)
    _require_active(resident)
    current = ActionPlan.objects.signed().filter(resident=resident).first()
    ending = GuidanceEnding(resident=resident, ended_on=ended_on, reason=reason, explanation=explanation.strip(),
                            review=review.strip(), plan=current, ended_by=actor, policy_profile=profile)
    ending.full_clean()
    ending.save()
    now = timezone.now()
    Task.objects.filter(resident=resident, status=Task.Status.OPEN).update(
        status=Task.Status.CANCELLED, completed_at=now, completed_by=actor,
        outcome_note="Vervallen: begeleiding beëindigd",
    )
    ActionPlan.objects.filter(resident=resident, status=ActionPlan.Status.DRAFT).update(
        status=ActionPlan.Status.SUPERSEDED, superseded_on=ended_on
    )
    facts.refresh([resident.pk])
    Resident.objects.filter(pk=resident.pk).update(
        guidance_status="ended", next_contact_on=None, next_contact_rule=followup.ENDED_RULE
    )
    resident.guidance_status, resident.next_contact_on, resident.next_contact_rule = "ended", None, followup.ENDED_RULE
    add_event(resident, DossierEvent.Kind.ENDED,
              f"Begeleiding beëindigd: {ending.get_reason_display()}. {ending.explanation}", actor, profile)
    ending.letter, ending.letter_problem = issue_letter_safely(
        resident, "end_of_guidance", f"ending:{ending.pk}", actor=actor, profile=profile,
        context={"end_reason": ending.get_reason_display()},
    )
    return ending


@transaction.atomic
def reorient(resident, *, actor, to_route, reason, on_date=None, profile=None):
    """Move the resident to another route without starting over: ended guidance is reopened, the latest plan is
    carried into a new draft version on the new route (goals, capacity, agreements), and the history stays."""
    on_date = on_date or timezone.localdate()
    profile = profile or active_profile(resident.municipality)
    _lock(resident)
    errors = {}
    if to_route not in Route.values:
        errors["to_route"] = _("Kies een route.")
    if not (reason or "").strip():
        errors["reason"] = _("Schrijf op waarom de inwoner een andere route gaat volgen.")
    if on_date > timezone.localdate():
        errors["on_date"] = _("Deze datum ligt in de toekomst.")
    if errors:
        raise ValidationError(errors)
    status = Resident.objects.filter(pk=resident.pk).values_list("guidance_status", flat=True).get()
    reopened = status == "ended"
    ending = GuidanceEnding.objects.filter(resident=resident).first() if reopened else None
    plans = ActionPlan.objects.filter(resident=resident).prefetch_related("steps")
    signed = next((p for p in plans if p.status == ActionPlan.Status.SIGNED), None)
    draft = next((p for p in plans if p.status == ActionPlan.Status.DRAFT), None)
    latest = draft or signed or (max(plans, key=lambda p: p.version) if plans else None)
    new_plan = None
    if latest is not None:
        if draft is not None:
            ActionPlan.objects.filter(pk=draft.pk).update(status=ActionPlan.Status.SUPERSEDED, superseded_on=on_date)
        version = max(p.version for p in plans) + 1
        new_plan = ActionPlan.objects.create(
            resident=resident, version=version, previous=latest, route=to_route,
            goals=f"Heroriëntatie ({on_date:%d-%m-%Y}): {reason.strip()}\n\n{latest.goals}".strip(),
            capacity_hours_per_week=latest.capacity_hours_per_week, capacity_note=latest.capacity_note,
            over_capacity_reason=latest.over_capacity_reason,
            review_on=on_date + dt.timedelta(days=REORIENTATION_REVIEW_DAYS), created_by=actor, policy_profile=profile,
        )
        PlanStep.objects.bulk_create(
            PlanStep(plan=new_plan, position=s.position, kind=s.kind, description=s.description,
                     hours_per_week=s.hours_per_week, responsible=s.responsible, responsible_name=s.responsible_name)
            for s in latest.steps.all()
        )
    reorientation = Reorientation.objects.create(
        resident=resident, on_date=on_date, from_route=latest.route if latest else "", to_route=to_route,
        reason=reason.strip(), reopened=reopened, ending=ending, plan=new_plan, actor=actor, policy_profile=profile,
    )
    summary = f"Heroriëntatie naar route '{Route(to_route).label}': {reason.strip()}"
    if reopened:
        summary += " (begeleiding heropend)"
    if new_plan is not None:
        summary += f"; nieuwe versie {new_plan.version} van het plan als concept"
    if reopened:
        Resident.objects.filter(pk=resident.pk).update(guidance_status="active")
        resident.guidance_status = "active"
    add_event(resident, DossierEvent.Kind.REORIENTATION, summary, actor, profile)
    if reopened:
        fresh = Resident.objects.get(pk=resident.pk)
        followup.refresh_next_contact(fresh, profile)
        resident.next_contact_on, resident.next_contact_rule = fresh.next_contact_on, fresh.next_contact_rule
    return reorientation


# -- letters ---------------------------------------------------------------------------------------------------------


def _plan_letter_context(plan):
    return {
        "plan_goals": [line.strip() for line in plan.goals.splitlines() if line.strip()],
        "plan_activities": [{"name": s.description, "hours_per_week": _hours(s.hours_per_week)}
                            for s in plan.steps.all()],
        "review_on": plan.review_on,
    }


def issue_letter_safely(resident, kind, step_key, *, actor=None, profile=None, context=None):
    """Ask the letters app for a letter (plan confirmation, end of guidance). Returns (letter, problem).

    A letter that cannot be made (no postal address, no template, the PDF failed) never undoes the signed plan or
    the ending: it runs in its own savepoint, and the problem is returned in Dutch for the screen to show."""
    try:
        from meedoen.letters.services import issue_letter
    except ImportError:  # the letters app is not installed
        return None, ""
    try:
        with transaction.atomic():
            letter = issue_letter(resident, kind, step_key=step_key, actor=actor, policy_profile=profile,
                                  context=context)
        return letter, ""
    except ValidationError as exc:
        return None, " ".join(exc.messages)
    except Exception:  # noqa: BLE001 - a letter problem is reported, never fatal for the guidance step
        logger.warning("letter %s for resident %s not made", kind, resident.pk, exc_info=True)
        return None, _("De brief kon niet worden gemaakt. Probeer het later opnieuw vanuit de brieven.")
