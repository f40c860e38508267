"""Warm handover (DESIGN §4.2): everything a new caseworker needs so that the resident does not have to tell their
story again — who they are, what they want, what was agreed, what is pending.

    summary(resident) -> dict         for the partial template guidance/_handover.html
    summary_text(resident) -> str     plain text, e.g. to prefill the handover note on reassignment
    health_refusal(text, consented)   the warning when a note mentions health without the resident's consent

Health information in a free-text note (AVG art. 9) needs the resident's consent: the structured health fields stay
in the dossier, under its own access rules, but a note travels (to the next caseworker, to a partner). Without
consent a note with health words (guidance.health_terms) is refused and the form comes back with the text kept, so
the caseworker can rephrase. There is no "send anyway" button: a confirmation click becomes a habit, and a rephrase
costs less than a leak. The prefilled handover text leaves health out unless the resident consented.
"""
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from meedoen.policy.services import active_profile

from . import health_terms
from .models import ActionPlan, Conversation, GuidanceEnding, Task

BARRIERS = (
    ("physical_health", "none"), ("mental_health", "none"), ("debts", "none"), ("addiction", "none"),
    ("isolation", "none"), ("social_circumstances", "stable"), ("care_duties", "none"),
)
HEALTH_BARRIERS = frozenset({"physical_health", "mental_health", "addiction"})


def health_refusal(text, *, consented):
    """None when the note may be saved; otherwise the Dutch (B1) warning naming the words that were found."""
    if consented:
        return None
    words = health_terms.find(text or "")
    if not words:
        return None
    return _("In de tekst staat iets over gezondheid (%(words)s). De inwoner heeft geen toestemming gegeven om dat "
             "te delen. Schrijf het op zonder gezondheid, of vraag de inwoner eerst om toestemming en vink die "
             "aan.") % {"words": ", ".join(f"“{word}”" for word in words[:5])}


def _hours(value):
    text = f"{value:.1f}".replace(".", ",")
    return text[:-2] if text.endswith(",0") else text


def _plan(plan):
    if plan is None:
        return None
    steps = list(plan.steps.all())
    return {
        "version": plan.version,
        "status": plan.get_status_display(),
        "route": plan.get_route_display(),
        "goals": plan.goals,
        "steps": [{"description": s.description, "kind": s.get_kind_display(), "hours": _hours(s.hours_per_week),
                   "who": s.responsible_name or s.get_responsible_display()} for s in steps],
        "total_hours": _hours(sum((s.hours_per_week for s in steps), start=0)),
        "capacity": _hours(plan.capacity_hours_per_week),
        "review_on": plan.review_on,
        "signed_on": plan.signed_on,
        "signature": plan.get_signature_method_display() if plan.signature_method else "",
        "portal_requested_on": plan.portal_signature_requested_on,
    }


def summary(resident, *, today=None):
    today = today or timezone.localdate()
    profile = active_profile(resident.municipality)
    conversations = list(
        Conversation.objects.filter(resident=resident).select_related("held_by")
        .only("held_on", "where", "discussed", "wishes", "talents", "with_whom", "held_by__first_name",
              "held_by__last_name", "held_by__username", "resident_id")[:10]
    )
    last = conversations[0] if conversations else None
    with_wishes = next((c for c in conversations if c.wishes or c.talents), None)
    plans = list(ActionPlan.objects.current().filter(resident=resident).prefetch_related("steps"))
    signed = next((p for p in plans if p.status == ActionPlan.Status.SIGNED), None)
    draft = next((p for p in plans if p.status == ActionPlan.Status.DRAFT), None)
    tasks = list(Task.objects.filter(resident=resident, status=Task.Status.OPEN).only(
        "title", "kind", "due_on", "resident_id")[:20])
    ending = GuidanceEnding.objects.filter(resident=resident).first() if resident.guidance_status == "ended" else None
    barrier_lines = [
        (name, f"{resident._meta.get_field(name).verbose_name}: {getattr(resident, f'get_{name}_display')()}")
        for name, fine in BARRIERS if getattr(resident, name) != fine
    ]
    return {
        "who": {
            "name": resident.full_name,
            "age": resident.age_on(today),
            "neighbourhood": str(resident.neighbourhood) if resident.neighbourhood_id else "",
            "household": resident.get_household_type_display(),
            "language": resident.get_dutch_language_level_display(),
            "segment": profile.segment_label(resident.segment) if resident.segment else "",
            "intensity": resident.get_intensity_display(),
            "ladder_step": resident.ladder_step,
            "benefit_since": resident.benefit_start_date,
            "barriers": [line for _name, line in barrier_lines],
            "barriers_without_health": [line for name, line in barrier_lines if name not in HEALTH_BARRIERS],
            "barrier_notes": resident.barrier_notes,
            "interests": resident.interests,
        },
        "wants": {
            "wishes": with_wishes.wishes if with_wishes else "",
            "talents": with_wishes.talents if with_wishes else "",
            "on": with_wishes.held_on if with_wishes else None,
        },
        "agreed": _plan(signed),
        "draft": _plan(draft),
        "pending": {
            "next_contact_on": resident.next_contact_on,
            "next_contact_rule": resident.next_contact_rule,
            "overdue": bool(resident.next_contact_on and resident.next_contact_on < today),
            "open_tasks": [{"title": t.title, "kind": t.get_kind_display(), "due_on": t.due_on,
                            "overdue": t.due_on < today} for t in tasks],
            "last_conversation": {
                "held_on": last.held_on, "where": last.get_where_display(), "discussed": last.discussed,
                "with_whom": last.with_whom, "held_by": str(last.held_by) if last.held_by else "",
            } if last else None,
        },
        "status": resident.guidance_status,
        "ending": {"ended_on": ending.ended_on, "reason": ending.get_reason_display(),
                   "explanation": ending.explanation, "review": ending.review} if ending else None,
    }


def _d(day):
    return date_format(day, "j F Y") if day else "–"


def summary_text(resident, data=None, *, health=False):
    """The handover as plain text (Dutch), e.g. to prefill the handover note on the reassign screen. Without
    `health` (the resident's consent to share it) the health barriers are left out: they stay in the dossier."""
    s = data or summary(resident)
    who, wants, agreed, pending = s["who"], s["wants"], s["agreed"], s["pending"]
    lines = [
        _("Wie: %(name)s, %(age)s jaar, %(wijk)s. %(household)s. Nederlands: %(language)s.") % {
            "name": who["name"], "age": who["age"], "wijk": who["neighbourhood"], "household": who["household"],
            "language": who["language"]},
    ]
    barriers = who["barriers"] if health else who["barriers_without_health"]
    if barriers:
        lines.append(_("Belemmeringen: %(b)s.") % {"b": "; ".join(barriers)})
    if wants["wishes"] or wants["talents"]:
        lines.append(_("Wil zelf: %(w)s. Goed in: %(t)s. (gesprek van %(d)s)") % {
            "w": wants["wishes"] or "–", "t": wants["talents"] or "–", "d": _d(wants["on"])})
    if agreed:
        steps = "; ".join(f"{st['description']} ({st['hours']} u/wk, {st['who']})" for st in agreed["steps"])
        lines.append(_("Afgesproken (plan versie %(v)s, route %(route)s): %(goals)s. Afspraken: %(steps)s. "
                       "Evaluatie %(review)s.") % {"v": agreed["version"], "route": agreed["route"],
                                                  "goals": agreed["goals"], "steps": steps,
                                                  "review": _d(agreed["review_on"])})
    else:
        lines.append(_("Nog geen ondertekend plan van aanpak."))
    lines.append(_("Volgend contact uiterlijk %(d)s (%(rule)s).") % {
        "d": _d(pending["next_contact_on"]), "rule": pending["next_contact_rule"] or "–"})
    if pending["open_tasks"]:
        lines.append(_("Open taken: %(t)s.") % {
            "t": "; ".join(f"{t['title']} ({_d(t['due_on'])})" for t in pending["open_tasks"])})
    if pending["last_conversation"]:
        lc = pending["last_conversation"]
        lines.append(_("Laatste gesprek %(d)s (%(where)s): %(what)s") % {
            "d": _d(lc["held_on"]), "where": lc["where"].lower(), "what": lc["discussed"]})
    return "\n".join(lines)
