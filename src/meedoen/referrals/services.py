"""Services of the referral loop (DESIGN §4.7). Every change runs in one transaction, checks the state machine in
rules.py for the actor (caseworker or provider), and leaves a ReferralEvent and a line on the resident's timeline.
A bad input raises ValidationError (Dutch messages per field) before anything is written; a change made on a stale
version raises StaleReferral and writes nothing (optimistic locking on Referral.version).

What reaches the caseworker (DESIGN §4.1): a placement moves the resident's next-contact date (guidance.followup) and
shows on the worklist until there was contact; a return with advice, a decline, a report with concerns and a former
participant who is no longer active each become a task for the caseworker.
"""
import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meedoen.accounts.models import Role
from meedoen.guidance import facts as worklist_facts
from meedoen.guidance import followup
from meedoen.guidance.handover import health_refusal
from meedoen.guidance.models import Task
from meedoen.guidance.services import complete_task, create_task
from meedoen.offer.models import Activity, Provider, ProviderContract
from meedoen.policy.services import active_profile
from meedoen.residents.access import visible_residents
from meedoen.residents.models import DossierEvent, Resident
from meedoen.residents.services import add_event

from . import rules
from .models import ActivityCheck, Cohort, ProviderReport, Referral, ReferralEvent, Suggestion

MAX_HOURS = 40
TASK_DAYS = 7  # a return, a decline or a "stopped" report is picked up within a week
CONCERN_TASK_DAYS = 14
MAX_COHORT_SIZE = 50


class StaleReferral(Exception):
    """Somebody else changed the referral after this change started (optimistic locking)."""

    def __init__(self, current_version):
        super().__init__("stale referral version")
        self.current_version = current_version


STALE_MESSAGE = gettext_lazy("Iemand anders heeft deze doorverwijzing intussen gewijzigd. Er is niets opgeslagen. "
                  "Bekijk de nieuwe stand en probeer het opnieuw.")


def _error(field, message):
    return ValidationError({field: message})


def _strip(value):
    return (value or "").strip()


def _refuse_health(text, referral, field):
    """A caseworker's note that the partner reads may mention health only when the resident consented to share it."""
    refusal = health_refusal(text, consented=referral.consent_share_health)
    if refusal:
        raise _error(field, refusal)


def _status_label(status):
    return str(Referral.Status(status).label)


# -- who is acting ----------------------------------------------------------------------------------------------------


def actor_role(user, referral):
    """rules.PROVIDER for staff of the referral's own provider, rules.CASEWORKER for a klantmanager or teamleider who
    may see the resident; anyone else is refused. The screens check this first (with audit); this is the second
    line."""
    if user.role == Role.PROVIDER_STAFF:
        if user.provider_id is None or user.provider_id != referral.provider_id:
            raise PermissionDenied
        return rules.PROVIDER
    if user.role in (Role.CASEWORKER, Role.TEAM_LEAD):
        if not visible_residents(user).filter(pk=referral.resident_id).exists():
            raise PermissionDenied
        return rules.CASEWORKER
    raise PermissionDenied


def _record(referral, action, note, actor, *, caseworker_action=False, timeline=""):
    """A ReferralEvent for the loop's history (with the referral's status after the step) and a line on the
    resident's timeline. Steps by provider staff are news for the caseworker until seen."""
    now = timezone.now()
    event = ReferralEvent.objects.create(
        referral=referral, action=action, status=referral.status, note=note[:2000], actor=actor, occurred_at=now,
        seen_by_caseworker_at=now if caseworker_action else None,
    )
    add_event(referral.resident, DossierEvent.Kind.REFERRAL,
              timeline or f"Doorverwijzing naar {referral.provider.name}: {_status_label(referral.status).lower()}"
              + (f". {note}" if note else ""), actor, referral.policy_profile)
    return event


def _lock(referral, action, actor, expected_version):
    """The referral, locked, after checking the actor, the version and the state machine."""
    locked = Referral.objects.select_for_update(of=("self",)).select_related("provider", "resident", "activity").get(
        pk=referral.pk)
    role = actor_role(actor, locked)
    if expected_version is not None and int(expected_version) != locked.version:
        raise StaleReferral(locked.version)
    try:
        rules.next_status(locked.status, action, role)
    except rules.TransitionNotAllowed:
        raise _error("__all__", _("Dit kan niet (meer): de doorverwijzing heeft nu de status '%(status)s'.")
                     % {"status": _status_label(locked.status)}) from None
    return locked, role


def _save(locked, action, role, **fields):
    """Write the change only if nobody saved the referral since it was locked (SQLite has no row locks)."""
    target = rules.TRANSITIONS[action].target
    rows = Referral.objects.filter(pk=locked.pk, version=locked.version).update(
        status=target, version=F("version") + 1, **fields)
    if rows == 0:
        raise StaleReferral(Referral.objects.filter(pk=locked.pk).values_list("version", flat=True).first())
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.status, locked.version = target, locked.version + 1
    worklist_facts.refresh([locked.resident_id])  # placed / returned dates on the worklist
    return locked


def _caseworker_task(referral, key, title, days, actor):
    return create_task(referral.resident, kind=Task.Kind.CONTACT, title=title,
                       due_on=timezone.localdate() + dt.timedelta(days=days),
                       source_key=f"referral:{referral.pk}:{key}", policy_profile=referral.policy_profile,
                       rule=f"doorverwijzing {key} → contact door klantmanager", actor=actor)[0]


# -- suggestions ------------------------------------------------------------------------------------------------------


@transaction.atomic
def record_suggestions(resident, *, actor, suggestions, offered, chosen=None, profile=None):
    """Record which of the ranked `suggestions` (offer.matching.Suggestion, best first) were put before the resident
    (`offered`: activity ids) and which one the resident chose (`chosen`: an activity id or None). Returns the
    Suggestion rows, in rank order."""
    offered = {int(a) for a in offered}
    chosen = int(chosen) if chosen not in (None, "") else None
    ranked = {s.activity_id: (rank, s) for rank, s in enumerate(suggestions, start=1)}
    if chosen is not None:
        offered.add(chosen)
    if not offered:
        raise _error("offered", _("Kies minstens één activiteit die u samen met de inwoner hebt bekeken."))
    unknown = offered - set(ranked)
    if unknown:
        raise _error("offered", _("De suggesties zijn intussen veranderd. Laad de pagina opnieuw en kies nog eens."))
    profile = profile or active_profile(resident.municipality)
    now = timezone.now()
    rows = [
        Suggestion(resident=resident, activity_id=activity_id, offered_at=now, offered_by=actor,
                   rank=ranked[activity_id][0], score=float(ranked[activity_id][1].score),
                   reasons=list(ranked[activity_id][1].reasons), flags=list(ranked[activity_id][1].flags),
                   chosen=activity_id == chosen, chosen_at=now if activity_id == chosen else None,
                   policy_profile=profile)
        for activity_id in sorted(offered, key=lambda a: ranked[a][0])
    ]
    Suggestion.objects.bulk_create(rows)
    titles = dict(Activity.objects.filter(pk__in=offered).values_list("pk", "title"))
    summary = "Activiteiten voorgelegd: " + ", ".join(titles[r.activity_id] for r in rows)
    summary += f"; gekozen: {titles[chosen]}" if chosen is not None else "; nog geen keuze"
    add_event(resident, DossierEvent.Kind.REFERRAL, summary, actor, profile)
    return rows


# -- the referral -----------------------------------------------------------------------------------------------------


def free_places(activity):
    """How many places the activity has left (capacity minus places taken, as the catalogue counts them)."""
    from meedoen.offer.services import places_taken

    return rules.free_places(activity.capacity, places_taken([activity]).get(activity.pk, 0))


def contract_for(provider, on_date):
    """The provider's contract in force on `on_date`, else its latest contract (None without any)."""
    contracts = ProviderContract.objects.filter(provider=provider).order_by("-starts_on")
    return contracts.filter(starts_on__lte=on_date, ends_on__gte=on_date).first() or contracts.first()


def _hours(value):
    text = f"{value:.1f}".replace(".", ",")
    return text[:-2] if text.endswith(",0") else text


def _clean_hours(hours, activity, errors, field="hours_per_week"):
    if hours in (None, ""):
        return None
    if hours <= 0 or hours > MAX_HOURS:
        errors[field] = _("Vul een aantal uren per week in tussen 0 en %(max)s.") % {"max": MAX_HOURS}
    elif activity is not None and not (activity.min_hours_per_week <= hours <= activity.max_hours_per_week):
        errors[field] = _("Deze activiteit is %(min)s tot %(max)s uur per week.") % {
            "min": _hours(activity.min_hours_per_week), "max": _hours(activity.max_hours_per_week)}
    return hours


@transaction.atomic
def create_referral(resident, *, actor, provider, handover_note, consent_given, activity=None, hours_per_week=None,
                    consent_share_health=False, consent_share_debts=False, consent_note="", suggestion=None,
                    allow_full=False, help_task=None, profile=None):
    """Refer a resident to a provider with a warm handover. Refused, with nothing written, without the resident's
    consent, without a handover note, to a provider that is not active in the municipality, to an activity of another
    provider or one that is not running, to a full activity (unless `allow_full`: the provider may keep a waiting
    list), or when the same referral is already open."""
    if actor.role not in (Role.CASEWORKER, Role.TEAM_LEAD):
        raise PermissionDenied
    locked = Resident.objects.select_for_update().get(pk=resident.pk)
    today = timezone.localdate()
    errors = {}
    if not consent_given:
        errors["consent_given"] = _("Vraag de inwoner om toestemming en vink dat aan. Zonder toestemming gaat er "
                                    "geen doorverwijzing naar de partner.")
    note = _strip(handover_note)
    if not note:
        errors["handover_note"] = _("Schrijf een warme overdracht: wie is de inwoner, wat wil hij of zij, en wat "
                                    "is er afgesproken. Dan hoeft de inwoner het verhaal niet opnieuw te vertellen.")
    # The partner reads the note: health only with the resident's consent to share it (guidance.handover).
    for field, text in (("handover_note", note), ("consent_note", consent_note)):
        refusal = health_refusal(text, consented=consent_share_health)
        if refusal and field not in errors:
            errors[field] = refusal
    if provider is None or not provider.active or provider.municipality_id != locked.municipality_id:
        errors["provider"] = _("Deze partner doet nu niet mee. Kies een andere partner.")
    if activity is not None:
        activity = Activity.objects.select_for_update().get(pk=activity.pk)
        if provider is not None and activity.provider_id != provider.pk:
            errors["activity"] = _("Deze activiteit hoort niet bij de gekozen partner.")
        elif not activity.is_open_on(today):
            errors["activity"] = _("Deze activiteit loopt nu niet. Kies een andere activiteit.")
        elif not allow_full and free_places(activity) <= 0:
            errors["activity"] = _("Deze activiteit is vol (%(n)s plaatsen). Kies een andere activiteit, of vink aan "
                                   "dat u toch wilt doorverwijzen (de partner zet de inwoner dan op de "
                                   "wachtlijst).") % {"n": activity.capacity}
    hours = _clean_hours(hours_per_week, activity if "activity" not in errors else None, errors)
    if suggestion is not None and suggestion.resident_id != locked.pk:
        errors["suggestion"] = _("Deze suggestie hoort bij een andere inwoner.")
    if locked.guidance_status != "active":
        errors["__all__"] = _("De begeleiding is beëindigd. Heropen eerst de begeleiding (heroriëntatie).")
    elif provider is not None and not errors.get("provider") and Referral.objects.filter(
            resident=locked, provider=provider, activity=activity, status__in=rules.OPEN_STATUSES).exists():
        errors["__all__"] = _("Er loopt al een doorverwijzing van deze inwoner naar deze partner en activiteit.")
    if help_task is not None and (help_task.resident_id != locked.pk or help_task.status != Task.Status.OPEN):
        errors["__all__"] = _("Deze taak is al afgehandeld of hoort bij een andere inwoner.")
    if errors:
        raise ValidationError(errors)
    profile = profile or active_profile(locked.municipality)
    referral = Referral.objects.create(
        resident=resident, provider=provider, activity=activity, suggestion=suggestion, referred_by=actor,
        handover_note=note, hours_per_week=hours, consent_recorded_at=timezone.now(),
        consent_share_health=bool(consent_share_health), consent_share_debts=bool(consent_share_debts),
        consent_note=_strip(consent_note)[:300], policy_profile=profile,
    )
    what = f"{provider.name}" + (f" ({activity.title})" if activity else "")
    shared = [label for flag, label in ((consent_share_health, "gezondheid"), (consent_share_debts, "schulden")) if flag]
    _record(referral, ReferralEvent.Action.SEND, "", actor, caseworker_action=True,
            timeline=f"Warm doorverwezen naar {what}; toestemming vastgelegd"
            + (f" (mag delen: {', '.join(shared)})" if shared else ""))
    if help_task is not None:
        complete_task(help_task, actor=actor, note=f"Warm doorverwezen naar {provider.name}.")
    return referral


# -- the provider's steps ---------------------------------------------------------------------------------------------


@transaction.atomic
def accept(referral, *, actor, version=None, note=""):
    locked, role = _lock(referral, "accept", actor, version)
    locked = _save(locked, "accept", role)
    _record(locked, ReferralEvent.Action.ACCEPT, _strip(note), actor)
    return locked


@transaction.atomic
def decline(referral, *, actor, reason, version=None):
    """The provider does not take the resident (no fit, no room). The caseworker gets a task to find another way."""
    reason = _strip(reason)
    locked, role = _lock(referral, "decline", actor, version)
    if not reason:
        raise _error("reason", _("Schrijf op waarom u deze inwoner niet kunt plaatsen. De klantmanager zoekt dan "
                                 "samen met de inwoner iets anders."))
    locked = _save(locked, "decline", role, ended_on=timezone.localdate())
    _record(locked, ReferralEvent.Action.DECLINE, reason, actor)
    _caseworker_task(locked, "declined", f"Niet geaccepteerd door {locked.provider.name}: {reason}", TASK_DAYS, actor)
    return locked


@transaction.atomic
def plan_intake(referral, *, actor, intake_at, version=None, note=""):
    locked, role = _lock(referral, "plan_intake", actor, version)
    if intake_at is None:
        raise _error("intake_at", _("Kies een datum en tijd voor de intake."))
    if timezone.is_naive(intake_at):
        intake_at = timezone.make_aware(intake_at)
    if intake_at <= timezone.now():
        raise _error("intake_at", _("De intake kan niet in het verleden liggen. Kies een moment na nu."))
    locked = _save(locked, "plan_intake", role, intake_at=intake_at, cohort=None)
    when = timezone.localtime(intake_at)
    _record(locked, ReferralEvent.Action.PLAN_INTAKE, _strip(note), actor,
            timeline=f"Doorverwijzing naar {locked.provider.name}: intake gepland op {when:%d-%m-%Y %H:%M}")
    return locked


def cohort_members(cohort):
    """Members taking a place in the group: referrals in it that are still open."""
    return Referral.objects.filter(cohort=cohort, status__in=rules.OPEN_STATUSES).count()


@transaction.atomic
def add_to_cohort(referral, *, actor, cohort, version=None, note=""):
    locked, role = _lock(referral, "add_to_cohort", actor, version)
    if cohort is None:
        raise _error("cohort", _("Kies een groep."))
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if cohort.provider_id != locked.provider_id:
        raise _error("cohort", _("Deze groep hoort niet bij uw organisatie."))
    meetings = [dt.date.fromisoformat(d) for d in cohort.meetings] or [cohort.starts_on]
    if max(meetings) < timezone.localdate():
        raise _error("cohort", _("Deze groep is al voorbij. Kies een groep die nog moet beginnen of nog loopt."))
    members = cohort_members(cohort)
    if locked.cohort_id != cohort.pk and not rules.cohort_has_room(members, cohort.size):
        raise _error("cohort", _("Deze groep is vol (%(n)s van %(size)s). Kies een andere groep of maak een nieuwe.")
                     % {"n": members, "size": cohort.size})
    locked = _save(locked, "add_to_cohort", role, cohort=cohort, intake_at=None)
    _record(locked, ReferralEvent.Action.ADD_TO_COHORT, _strip(note), actor,
            timeline=f"Doorverwijzing naar {locked.provider.name}: ingedeeld in groep {cohort.name} "
                     f"(start {cohort.starts_on:%d-%m-%Y})")
    return locked


@transaction.atomic
def place(referral, *, actor, placed_on=None, hours_per_week=None, version=None, note=""):
    """The resident starts. Guidance runs the contract's months (default 6), the first report back is due per the
    contract, and the caseworker gets a next-contact date after the placement (guidance.followup)."""
    today = timezone.localdate()
    placed_on = placed_on or today
    locked, role = _lock(referral, "place", actor, version)
    errors = {}
    if placed_on > today:
        errors["placed_on"] = _("De plaatsing kan niet in de toekomst liggen. Leg de plaatsing vast op de dag "
                                "dat de inwoner begint.")
    elif placed_on < timezone.localdate(locked.referred_at):
        errors["placed_on"] = _("De plaatsing kan niet vóór de doorverwijzing liggen (%(d)s).") % {
            "d": f"{timezone.localdate(locked.referred_at):%d-%m-%Y}"}
    hours = _clean_hours(hours_per_week, locked.activity, errors)
    if errors:
        raise ValidationError(errors)
    contract = contract_for(locked.provider, placed_on)
    dates = rules.placement_dates(placed_on, contract.guidance_months if contract else None,
                                  contract.report_every_months if contract else None)
    locked = _save(locked, "place", role, placed_on=placed_on, guidance_until=dates.guidance_until,
                   next_report_due_on=dates.next_report_due_on,
                   hours_per_week=hours if hours is not None else locked.hours_per_week)
    _record(locked, ReferralEvent.Action.PLACE, _strip(note), actor,
            timeline=f"Geplaatst bij {locked.provider.name}" + (f" ({locked.activity.title})" if locked.activity else "")
            + f" op {placed_on:%d-%m-%Y}; begeleiding tot {dates.guidance_until:%d-%m-%Y}")
    followup.refresh_next_contact(Resident.objects.get(pk=locked.resident_id))
    return locked


@transaction.atomic
def return_with_advice(referral, *, actor, advice, returned_on=None, version=None):
    """The provider hands the resident back with advice (e.g. debts or problems at home found first). The
    caseworker gets a task and the worklist shows 'returned by partner' until there was contact."""
    today = timezone.localdate()
    returned_on = returned_on or today
    advice = _strip(advice)
    locked, role = _lock(referral, "return", actor, version)
    if not advice:
        raise _error("advice", _("Schrijf uw advies op: wat hebt u gezien en wat is er eerst nodig? "
                                 "Bijvoorbeeld schuldhulp of hulp bij problemen thuis."))
    if returned_on > today:
        raise _error("returned_on", _("Deze datum ligt in de toekomst."))
    locked = _save(locked, "return", role, returned_on=returned_on, return_advice=advice, ended_on=returned_on,
                   next_report_due_on=None)
    _record(locked, ReferralEvent.Action.RETURN, advice, actor,
            timeline=f"Teruggemeld door {locked.provider.name} met advies: {advice}")
    _caseworker_task(locked, "returned", f"Teruggemeld door partner {locked.provider.name}: {advice}", TASK_DAYS,
                     actor)
    return locked


@transaction.atomic
def report(referral, *, actor, progress, text, hours_per_week=None, reported_on=None, version=None):
    """A report back during guidance; moves the next report's due date. Concerns or a stop reach the caseworker as a
    task."""
    today = timezone.localdate()
    reported_on = reported_on or today
    text = _strip(text)
    locked, role = _lock(referral, "report", actor, version)
    errors = {}
    if progress not in ProviderReport.Progress.values:
        errors["progress"] = _("Kies hoe het gaat.")
    if not text:
        errors["text"] = _("Schrijf kort op hoe het gaat: wat doet de inwoner, hoe vaak, wat gaat goed of niet.")
    if reported_on > today:
        errors["reported_on"] = _("Deze datum ligt in de toekomst.")
    elif locked.placed_on and reported_on < locked.placed_on:
        errors["reported_on"] = _("Deze datum ligt vóór de plaatsing.")
    hours = _clean_hours(hours_per_week, None, errors)
    if errors:
        raise ValidationError(errors)
    contract = contract_for(locked.provider, reported_on)
    next_due = rules.next_report_due(reported_on, locked.guidance_until,
                                     contract.report_every_months if contract else None)
    entry = ProviderReport.objects.create(referral=locked, reported_on=reported_on, progress=progress,
                                          hours_per_week=hours, text=text, author=actor)
    locked = _save(locked, "report", role, next_report_due_on=next_due)
    label = entry.get_progress_display()
    _record(locked, ReferralEvent.Action.REPORT, f"Terugkoppeling ({label.lower()}): {text}", actor,
            timeline=f"Terugkoppeling van {locked.provider.name}: {label.lower()}. {text}")
    if progress == ProviderReport.Progress.STOPPED:
        _caseworker_task(locked, f"report:{entry.pk}", f"{locked.provider.name} meldt: gestopt. {text}", TASK_DAYS,
                         actor)
    elif progress == ProviderReport.Progress.SOME_CONCERNS:
        _caseworker_task(locked, f"report:{entry.pk}", f"{locked.provider.name} heeft zorgen: {text}",
                         CONCERN_TASK_DAYS, actor)
    return entry


@transaction.atomic
def complete(referral, *, actor, ended_on=None, note="", version=None):
    """The placement's guidance is over. A yearly check whether the resident is still active follows."""
    today = timezone.localdate()
    ended_on = ended_on or today
    locked, role = _lock(referral, "complete", actor, version)
    if role == rules.CASEWORKER:  # the partner reads the caseworker's note in the referral's history
        _refuse_health(note, locked, "note")
    if ended_on > today:
        raise _error("ended_on", _("Deze datum ligt in de toekomst."))
    if locked.placed_on and ended_on < locked.placed_on:
        raise _error("ended_on", _("Deze datum ligt vóór de plaatsing."))
    locked = _save(locked, "complete", role, ended_on=ended_on, next_report_due_on=None)
    check = ActivityCheck.objects.create(referral=locked, due_on=rules.yearly_check_due(ended_on))
    _record(locked, ReferralEvent.Action.COMPLETE, _strip(note), actor, caseworker_action=role == rules.CASEWORKER,
            timeline=f"Begeleiding bij {locked.provider.name} afgerond op {ended_on:%d-%m-%Y}; "
                     f"controle of de inwoner nog actief is op {check.due_on:%d-%m-%Y}")
    return locked


@transaction.atomic
def withdraw(referral, *, actor, reason, version=None):
    reason = _strip(reason)
    locked, role = _lock(referral, "withdraw", actor, version)
    if not reason:
        raise _error("reason", _("Schrijf op waarom de doorverwijzing wordt ingetrokken."))
    _refuse_health(reason, locked, "reason")  # the partner reads why
    locked = _save(locked, "withdraw", role, ended_on=timezone.localdate())
    _record(locked, ReferralEvent.Action.WITHDRAW, reason, actor, caseworker_action=True)
    return locked


# -- the yearly check -------------------------------------------------------------------------------------------------


@transaction.atomic
def answer_check(check, *, actor, still_active, note="", checked_on=None):
    """Answer the yearly check (provider or caseworker). Still active: the next check follows a year later. No longer
    active: the caseworker gets a task to get in touch."""
    today = timezone.localdate()
    checked_on = checked_on or today
    locked = (ActivityCheck.objects.select_for_update(of=("self",))
              .select_related("referral__provider", "referral__resident").get(pk=check.pk))
    referral = locked.referral
    role = actor_role(actor, referral)
    errors = {}
    if locked.checked_on is not None:
        errors["__all__"] = _("Deze controle is al beantwoord.")
    if still_active is None:
        errors["still_active"] = _("Kies of de inwoner nog actief is.")
    if checked_on > today:
        errors["checked_on"] = _("Deze datum ligt in de toekomst.")
    refusal = health_refusal(note, consented=referral.consent_share_health) if role == rules.CASEWORKER else None
    if refusal:  # the partner reads the caseworker's answer in the referral's history
        errors["note"] = refusal
    if errors:
        raise ValidationError(errors)
    rows = ActivityCheck.objects.filter(pk=locked.pk, checked_on__isnull=True).update(
        checked_on=checked_on, still_active=still_active, note=_strip(note)[:300], checked_by=actor)
    if rows == 0:
        raise _error("__all__", _("Deze controle is al beantwoord."))
    answer = "nog actief" if still_active else "niet meer actief"
    ReferralEvent.objects.create(
        referral=referral, action=ReferralEvent.Action.CHECK, status=referral.status, note=f"Jaarlijkse controle: {answer}. {_strip(note)}".strip(),
        actor=actor, seen_by_caseworker_at=timezone.now() if role == rules.CASEWORKER else None,
    )
    add_event(referral.resident, DossierEvent.Kind.REFERRAL,
              f"Jaarlijkse controle ({referral.provider.name}): {answer}" + (f". {_strip(note)}" if note else ""),
              actor, referral.policy_profile)
    if still_active:
        ActivityCheck.objects.get_or_create(referral=referral, due_on=rules.yearly_check_due(locked.due_on))
    else:
        _caseworker_task(referral, f"check:{locked.pk}",
                         f"Niet meer actief bij {referral.provider.name}: contact opnemen over wat nu", TASK_DAYS,
                         actor)
    locked.refresh_from_db()
    return locked


# -- cohorts ----------------------------------------------------------------------------------------------------------


@transaction.atomic
def create_cohort(provider, *, actor, name, starts_on, size=None, meetings=None):
    """A provider's group that starts together: by default the contract's group size (else 15) and three meetings in
    three weeks from the start date."""
    if actor.role != Role.PROVIDER_STAFF or actor.provider_id != provider.pk:
        raise PermissionDenied
    errors = {}
    name = _strip(name)
    if not name:
        errors["name"] = _("Geef de groep een naam, bijvoorbeeld de maand waarin hij begint.")
    elif Cohort.objects.filter(provider=provider, name=name).exists():
        errors["name"] = _("U hebt al een groep met deze naam.")
    if starts_on is None:
        errors["starts_on"] = _("Kies de startdatum.")
    elif starts_on < timezone.localdate():
        errors["starts_on"] = _("De startdatum ligt in het verleden.")
    if size is None:
        contract = contract_for(provider, starts_on or timezone.localdate())
        size = (contract.cohort_size if contract and contract.cohort_size else rules.DEFAULT_COHORT_SIZE)
    if not 1 <= size <= MAX_COHORT_SIZE:
        errors["size"] = _("Een groep heeft 1 tot %(max)s deelnemers.") % {"max": MAX_COHORT_SIZE}
    if meetings is not None and starts_on is not None:
        if not meetings or any(m < starts_on for m in meetings):
            errors["meetings"] = _("De bijeenkomsten liggen op of na de startdatum.")
    if errors:
        raise ValidationError(errors)
    meetings = sorted(meetings) if meetings else rules.cohort_meetings(starts_on)
    return Cohort.objects.create(provider=provider, name=name, starts_on=starts_on, size=size,
                                 meetings=[m.isoformat() for m in meetings])


# -- the caseworker has read the news ---------------------------------------------------------------------------------


def mark_seen(events):
    """Mark provider events as seen by the caseworker (a queryset of ReferralEvent); returns how many."""
    return events.filter(seen_by_caseworker_at__isnull=True).update(seen_by_caseworker_at=timezone.now())


def help_providers(municipality, kind, neighbourhood_id=None):
    """Active help-service providers of a kind, those in the resident's own wijk first."""
    providers = list(Provider.objects.filter(municipality=municipality, kind=kind, active=True))
    return sorted(providers, key=lambda p: (p.neighbourhood_id != neighbourhood_id, p.name))


def open_yearly_checks(today=None):
    """Placements whose guidance period ended without anyone completing them still get their yearly check, due a
    year after the end of guidance (nightly). Returns how many checks were opened. One read, one bulk insert."""
    today = today or timezone.localdate()
    rows = (Referral.objects.filter(status=rules.PLACED, guidance_until__lt=today, checks__isnull=True)
            .values_list("pk", "guidance_until"))
    checks = [ActivityCheck(referral_id=pk, due_on=rules.yearly_check_due(until)) for pk, until in rows]
    ActivityCheck.objects.bulk_create(checks, ignore_conflicts=True)
    return len(checks)
