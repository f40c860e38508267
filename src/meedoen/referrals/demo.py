"""Demo data for the referral loop (DESIGN §4.7): suggestions offered and chosen, referrals to partners in every
status, about a third to a half of the closed ones returned with advice, placements with reports back, warm
referrals to help services, monthly cohorts of about 15 at the Vrijwilligerswinkel (the one the demo login
`partner` works for), and yearly checks of former participants (80–90 % still active). The worklist then shows
placements without contact and returns by partners; every resident's next-contact date accounts for placements.

    seed_referrals(municipality, rng, today) -> counts

Called by the demo generator (DEMO_EXTENSIONS) after the catalogue ("aanbod") and guidance ("begeleiding"). Runs
against whatever providers and activities exist; without any it does nothing (zero counts). Deterministic for a
given `rng`; rows go in with bulk_create.
"""
import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from meedoen.accounts.models import Role, User
from meedoen.guidance import facts as worklist_facts
from meedoen.guidance import followup
from meedoen.guidance.models import Task
from meedoen.offer.models import Activity, Provider, ProviderContract
from meedoen.policy.models import PolicyProfile
from meedoen.residents.models import DossierEvent, Resident

from . import rules
from .models import ActivityCheck, Cohort, ProviderReport, Referral, ReferralEvent, Suggestion

BATCH = 2000
REFERRAL_SHARE = 0.10  # of residents in guidance, one referral each (some a second one)
COHORT_SIZE = 15

HANDOVERS = [
    "{name} wil graag iets doen met mensen en heeft ervaring in de horeca. Rustig beginnen, twee ochtenden per week.",
    "{name} is al lang thuis en wil weer onder de mensen komen. Spreekt goed Nederlands. Liefst in de eigen wijk.",
    "{name} is handig met techniek en wil graag met de handen werken. Heeft soms last van de rug.",
    "{name} zorgt voor een ouder familielid; de uren moeten daar omheen passen. Wil graag iets voor ouderen doen.",
    "{name} wil Nederlands oefenen in de praktijk. Is betrouwbaar en komt afspraken na.",
    "{name} wil op termijn betaald werk; dit is een eerste stap om ritme op te bouwen.",
]
HELP_HANDOVERS = {
    "debt_counselling": "{name} heeft schulden en kan de post niet meer overzien. Wil graag hulp om overzicht te "
                        "krijgen. Toestemming om schulden te delen.",
    "mental_health": "{name} heeft psychische klachten en wil daar hulp bij, ook om daarna weer mee te kunnen doen.",
    "addiction_care": "{name} wil hulp bij het stoppen met middelengebruik; is gemotiveerd.",
}
ADVICE = [
    "Eerst schuldhulp: er zijn grote schulden en de stress is te hoog om nu te beginnen.",
    "Er spelen problemen thuis (huisvesting). Eerst hulp van het wijkteam, daarna opnieuw kijken.",
    "Gezondheid laat nu niet meer dan een paar uur toe. Advies: eerst een beweegprogramma of ggz.",
    "Taal is nog te moeilijk voor dit werk. Advies: eerst taalles, daarna opnieuw aanmelden.",
    "Mantelzorg kost meer tijd dan gedacht. Advies: respijtzorg regelen en dan in overleg opnieuw kijken.",
]
DECLINE = ["Geen plek tot na de zomer.", "De activiteit past niet bij wat de inwoner zoekt.",
           "Past niet bij de tijden die de inwoner kan."]
REPORTS = [
    ("going_well", "Komt elke week, goed contact met de groep."),
    ("going_well", "Doet het goed en wil meer uren."),
    ("going_well", "Voelt zich op de plek; neemt zelf initiatief."),
    ("some_concerns", "Komt niet altijd; we houden contact."),
    ("stopped", "Is gestopt; zegt het niet vol te houden."),
]
REASONS = ["Past bij de interesses van de inwoner", "Dicht bij huis", "Past bij het aantal uren dat de inwoner kan",
           "Past bij het plan van aanpak", "Helpt bij een belemmering", "Er zijn plekken vrij"]
# The step that leads to each status (a cohort's "intake planned" is the step "add to cohort", see below).
ACTION_FOR = {rules.SENT: "send", rules.ACCEPTED: "accept", rules.INTAKE_PLANNED: "plan_intake", rules.PLACED: "place",
              rules.RETURNED: "return", rules.DECLINED: "decline", rules.COMPLETED: "complete",
              rules.WITHDRAWN: "withdraw"}
MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december"]


def _profile(municipality, today):
    return (PolicyProfile.objects.active_for(municipality.policy_key, today)
            or PolicyProfile.objects.approved().filter(key=municipality.policy_key)
            .order_by("-effective_from", "-version").first())


@transaction.atomic
def seed_referrals(municipality, rng, today):
    activities = list(Activity.objects.filter(municipality=municipality, active=True, provider__active=True)
                      .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
                      .select_related("provider").order_by("pk"))
    help_providers = {}
    for provider in Provider.objects.filter(municipality=municipality, active=True,
                                            kind__in=Provider.HELP_SERVICE_KINDS).order_by("pk"):
        help_providers.setdefault(provider.kind, provider)
    residents = list(
        Resident.objects.filter(municipality=municipality, guidance_status="active", current_caseworker__isnull=False)
        .values_list("pk", "first_name", "current_caseworker_id", "last_contact_on", "debts", "mental_health",
                     "addiction", "benefit_start_date")
        .order_by("pk")
    )
    if not activities or not residents:
        return {"doorverwijzingen": 0}
    profile = _profile(municipality, today)
    tz = timezone.get_default_timezone()
    contracts = {c.provider_id: c for c in ProviderContract.objects.filter(provider__municipality=municipality)
                 .order_by("starts_on")}
    partner_provider = (Provider.objects.filter(staff__role=Role.PROVIDER_STAFF, staff__municipality=municipality,
                                                kind="volunteer_centre").order_by("pk").first()
                        or Provider.objects.filter(municipality=municipality, kind="volunteer_centre").first())
    klantmanager = User.objects.filter(municipality=municipality, role=Role.CASEWORKER, username__in=(
        "klantmanager", f"klantmanager-{municipality.policy_key}")).order_by("pk").first()

    now = timezone.now()

    def at(day, hour=10):
        """A moment on `day`, never later than now (today's steps happened this morning)."""
        return min(now, dt.datetime.combine(day, dt.time(hour, rng.choice((0, 15, 30, 45))), tzinfo=tz))

    def months_of(provider):
        contract = contracts.get(provider.pk)
        return (contract.guidance_months if contract else None,
                contract.report_every_months if contract else None)

    # Who is referred: a share of everyone in guidance, and a handful of the demo caseworker's own residents so
    # that login sees placements and returns on the worklist.
    own = [r for r in residents if klantmanager and r[2] == klantmanager.pk]
    chosen = {r[0]: r for r in rng.sample(residents, max(1, round(len(residents) * REFERRAL_SHARE)))}
    for r in own[:12]:
        chosen.setdefault(r[0], r)
    referred = sorted(chosen.values())
    taken = {}  # activity id -> places held (accepted, intake planned, placed)
    referrals, plans = [], []
    for pk, first_name, caseworker, last_contact, debts, mental, addiction, benefit_start in referred:
        help_kind = None
        if debts == "problematic" and "debt_counselling" in help_providers and rng.random() < 0.5:
            help_kind = "debt_counselling"
        elif mental == "severe" and "mental_health" in help_providers and rng.random() < 0.4:
            help_kind = "mental_health"
        elif addiction == "active" and "addiction_care" in help_providers and rng.random() < 0.5:
            help_kind = "addiction_care"
        activity = None
        if help_kind:
            provider = help_providers[help_kind]
            note = HELP_HANDOVERS[help_kind].format(name=first_name)
        else:
            activity = rng.choice(activities)
            provider = activity.provider
            note = rng.choice(HANDOVERS).format(name=first_name)
        # Most referrals are from the last two years; some older ones have had their yearly checks.
        referred_on = today - dt.timedelta(days=rng.randint(1, 720) if rng.random() < 0.7 else rng.randint(720, 1460))
        referred_on = max(referred_on, benefit_start)
        plans.append(_plan(rng, today, referred_on, activity, taken))
        hours = None
        if activity is not None:
            low, high = int(activity.min_hours_per_week), int(activity.max_hours_per_week)
            hours = Decimal(rng.randint(max(1, low), max(1, low, min(high, 16))))
        referrals.append(Referral(
            resident_id=pk, provider=provider, activity=activity, referred_by_id=caseworker,
            referred_at=at(referred_on), handover_note=note, hours_per_week=hours,
            consent_recorded_at=at(referred_on), consent_share_debts=help_kind == "debt_counselling",
            consent_share_health=help_kind in ("mental_health", "addiction_care"),
            consent_note="Mondeling gegeven in het gesprek.", policy_profile=profile,
        ))

    # The Vrijwilligerswinkel's monthly cohorts: this month's group of 15 (about to start) and last month's group.
    cohorts = []
    if partner_provider is not None:
        this_month = today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)  # next Monday
        last_month = this_month - dt.timedelta(days=28)
        for starts_on in (last_month, this_month):
            cohorts.append(Cohort(provider=partner_provider, name=f"Groep {MONTHS[starts_on.month - 1]} "
                                  f"{starts_on.year}", starts_on=starts_on, size=COHORT_SIZE,
                                  meetings=[d.isoformat() for d in rules.cohort_meetings(starts_on)],
                                  created_at=at(starts_on - dt.timedelta(days=30))))
        Cohort.objects.bulk_create(cohorts)
        partner_activities = [a for a in activities if a.provider_id == partner_provider.pk] or [None]
        pool = [r for r in residents if r[0] not in chosen]
        for cohort, status in ((cohorts[1], rules.INTAKE_PLANNED), (cohorts[0], None)):
            members = rng.sample(pool, min(len(pool), COHORT_SIZE if status else COHORT_SIZE - 2))
            pool = [r for r in pool if r not in members]
            for pk, first_name, caseworker, *_rest in members:
                referred_on = cohort.starts_on - dt.timedelta(days=rng.randint(10, 25))
                activity = rng.choice(partner_activities)
                plan = {"path": [rules.SENT, rules.ACCEPTED, rules.INTAKE_PLANNED],
                        "days": [referred_on, referred_on + dt.timedelta(days=2),
                                 referred_on + dt.timedelta(days=4)], "cohort": cohort}
                if status is None:  # last month's group has met; most started, some were returned
                    placed_on = min(today, cohort.starts_on + dt.timedelta(days=rng.randint(14, 21)))
                    if rng.random() < 0.7:
                        plan["path"].append(rules.PLACED)
                        plan["days"].append(placed_on)
                    else:
                        plan["path"].append(rules.RETURNED)
                        plan["days"].append(placed_on)
                plans.append(plan)
                referrals.append(Referral(
                    resident_id=pk, provider=partner_provider, activity=activity, referred_by_id=caseworker,
                    referred_at=at(referred_on), handover_note=rng.choice(HANDOVERS).format(name=first_name),
                    consent_recorded_at=at(referred_on), consent_note="Mondeling gegeven in het gesprek.",
                    policy_profile=profile,
                ))
        # A few new referrals this week that the partner has not answered yet (the portal's "Nieuw" tab).
        for pk, first_name, caseworker, *_rest in rng.sample(pool, min(len(pool), 3)):
            referred_on = today - dt.timedelta(days=rng.randint(0, 4))
            plans.append({"path": [rules.SENT], "days": [referred_on], "cohort": None})
            referrals.append(Referral(
                resident_id=pk, provider=partner_provider, activity=rng.choice(partner_activities),
                referred_by_id=caseworker, referred_at=at(referred_on),
                handover_note=rng.choice(HANDOVERS).format(name=first_name), consent_recorded_at=at(referred_on),
                consent_note="Mondeling gegeven in het gesprek.", policy_profile=profile,
            ))

    # Fill in each referral's fields from its path, then write everything.
    for referral, plan in zip(referrals, plans):
        path, days = plan["path"], plan["days"]
        referral.status = path[-1]
        referral.version = len(path)
        referral.cohort = plan.get("cohort")
        if rules.INTAKE_PLANNED in path and referral.cohort is None:
            intake_day = days[path.index(rules.INTAKE_PLANNED)] + dt.timedelta(days=rng.randint(3, 10))
            referral.intake_at = at(intake_day, rng.choice((9, 10, 13, 14)))
        if rules.PLACED in path:
            placed_on = days[path.index(rules.PLACED)]
            months, every = months_of(referral.provider)
            dates = rules.placement_dates(placed_on, months, every)
            referral.placed_on, referral.guidance_until = placed_on, dates.guidance_until
            referral.next_report_due_on = dates.next_report_due_on if referral.status == rules.PLACED else None
        if referral.status == rules.RETURNED:
            referral.returned_on = referral.ended_on = days[-1]
            referral.return_advice = rng.choice(ADVICE)
        elif referral.status in (rules.DECLINED, rules.WITHDRAWN, rules.COMPLETED):
            referral.ended_on = days[-1]
    Referral.objects.bulk_create(referrals, batch_size=BATCH)

    events, timeline, reports, checks, tasks, contacts = [], [], [], [], [], []
    for referral, plan in zip(referrals, plans):
        name = referral.provider.name
        for status, day in zip(plan["path"], plan["days"]):
            provider_step = status not in (rules.SENT, rules.WITHDRAWN)
            note = ""
            if status == rules.RETURNED:
                note = referral.return_advice
            elif status == rules.DECLINED:
                note = rng.choice(DECLINE)
            elif status == rules.WITHDRAWN:
                note = "De inwoner is verhuisd."
            recent = (today - day).days <= 14
            events.append(ReferralEvent(
                referral=referral, occurred_at=at(day, 11), action="add_to_cohort" if status == rules.INTAKE_PLANNED and referral.cohort_id else ACTION_FOR[status],
                status=status, note=note,
                actor_id=None if provider_step else referral.referred_by_id,
                seen_by_caseworker_at=None if provider_step and recent else at(day, 16)))
            summary = (f"Warm doorverwezen naar {name}; toestemming vastgelegd" if status == rules.SENT
                       else f"Doorverwijzing naar {name}: {Referral.Status(status).label.lower()}"
                       + (f". {note}" if note else ""))
            timeline.append(DossierEvent(resident_id=referral.resident_id, occurred_at=at(day, 11),
                                         kind=DossierEvent.Kind.REFERRAL, summary=summary[:300],
                                         actor_id=None if provider_step else referral.referred_by_id,
                                         policy_profile=profile))
        if referral.placed_on:
            _reports(rng, referral, today, reports, events, at, months_of(referral.provider)[1])
            if referral.status == rules.COMPLETED:
                _checks(rng, referral, today, checks)
        # What the caseworker did afterwards: half of the returns and placements were followed by contact.
        for marker in (referral.returned_on, referral.placed_on):
            if marker and rng.random() < 0.5:
                contact = min(today, marker + dt.timedelta(days=rng.randint(3, 40)))
                contacts.append((referral.resident_id, contact))
        if referral.status == rules.RETURNED and (today - referral.returned_on).days <= 30:
            tasks.append(Task(resident_id=referral.resident_id, kind=Task.Kind.CONTACT,
                              title=f"Teruggemeld door partner {name}: {referral.return_advice}"[:200],
                              due_on=referral.returned_on + dt.timedelta(days=7), assigned_to_id=referral.referred_by_id,
                              created_at=at(referral.returned_on, 12), policy_profile=profile,
                              rule="doorverwijzing returned → contact door klantmanager",
                              source_key=f"referral:{referral.pk}:returned"))
        elif referral.status == rules.DECLINED and (today - referral.ended_on).days <= 30:
            tasks.append(Task(resident_id=referral.resident_id, kind=Task.Kind.CONTACT,
                              title=f"Niet geaccepteerd door {name}", due_on=referral.ended_on + dt.timedelta(days=7),
                              assigned_to_id=referral.referred_by_id, created_at=at(referral.ended_on, 12),
                              policy_profile=profile, source_key=f"referral:{referral.pk}:declined"))
    Referral.objects.bulk_update([r for r in referrals if r.status == rules.PLACED], ["next_report_due_on"],
                                 batch_size=BATCH)
    ReferralEvent.objects.bulk_create(events, batch_size=BATCH)
    DossierEvent.objects.bulk_create(timeline, batch_size=BATCH)
    ProviderReport.objects.bulk_create(reports, batch_size=BATCH)
    ActivityCheck.objects.bulk_create(checks, batch_size=BATCH)
    Task.objects.bulk_create(tasks, batch_size=BATCH)
    suggestions = _suggestions(rng, referrals, activities, profile, at)
    _contacts(contacts)
    worklist_facts.refresh_municipality(municipality)  # written in bulk: no signals kept the worklist facts
    followup.refresh_all(municipality)  # placements without contact set the next-contact date

    closed = [r for r in referrals if r.status in rules.CLOSED_STATUSES]
    answered = [c for c in checks if c.checked_on]
    return {
        "doorverwijzingen": len(referrals),
        "  waarvan teruggemeld met advies": sum(1 for r in referrals if r.status == rules.RETURNED),
        "  waarvan afgesloten": len(closed),
        "  waarvan nu geplaatst": sum(1 for r in referrals if r.status == rules.PLACED),
        "suggesties": len(suggestions),
        "terugkoppelingen": len(reports),
        "groepen": len(cohorts),
        "jaarlijkse controles": len(checks),
        "  waarvan nog actief": sum(1 for c in answered if c.still_active),
    }


def _plan(rng, today, referred_on, activity, taken):
    """The path of one referral: statuses with their dates, by how long ago it was sent."""
    age = (today - referred_on).days
    days = [referred_on]
    path = [rules.SENT]

    def step(status, after):
        day = min(today, days[-1] + dt.timedelta(days=after))
        path.append(status)
        days.append(day)

    if age < 14:
        draw = rng.random()
        if draw < 0.3:
            step(rules.ACCEPTED, rng.randint(1, 5))
        elif draw < 0.45:
            step(rules.ACCEPTED, 1)
            step(rules.INTAKE_PLANNED, 1)
        return {"path": path, "days": days}
    capacity = activity.capacity if activity is not None else 10 ** 6
    draw = rng.random()
    if draw < 0.07:
        step(rules.DECLINED, rng.randint(2, 10))
        return {"path": path, "days": days}
    if draw < 0.10:
        step(rules.WITHDRAWN, rng.randint(2, 10))
        return {"path": path, "days": days}
    step(rules.ACCEPTED, rng.randint(1, 7))
    if rng.random() < 0.6:
        step(rules.INTAKE_PLANNED, rng.randint(1, 7))
    if draw < 0.45:  # returned with advice, mostly after the intake, sometimes during the placement
        if rng.random() < 0.25 and age > 60:
            step(rules.PLACED, rng.randint(5, 20))
        step(rules.RETURNED, rng.randint(3, 40))
        return {"path": path, "days": days}
    key = activity.pk if activity is not None else None
    if key is not None and taken.get(key, 0) >= capacity:
        step(rules.RETURNED, rng.randint(3, 20))  # no place after all: back with advice
        return {"path": path, "days": days}
    step(rules.PLACED, rng.randint(5, 25))
    guidance_end = days[-1] + dt.timedelta(days=183)
    if guidance_end < today - dt.timedelta(days=7):
        step(rules.COMPLETED, (guidance_end - days[-1]).days + rng.randint(0, 20))
    elif key is not None:
        taken[key] = taken.get(key, 0) + 1
    return {"path": path, "days": days}


def _reports(rng, referral, today, reports, events, at, every):
    """Reports back during guidance, every `every` months (contract), until the end or today."""
    day = rules.add_months(referral.placed_on, every or rules.DEFAULT_REPORT_EVERY_MONTHS)
    end = min(today, referral.guidance_until, referral.ended_on or today)
    while day <= end:
        progress, text = rng.choice(REPORTS[:4])
        reports.append(ProviderReport(referral=referral, reported_on=day, progress=progress, text=text,
                                      hours_per_week=referral.hours_per_week))
        events.append(ReferralEvent(referral=referral, occurred_at=at(day, 14), action="report",
                                    status=rules.PLACED, note=f"Terugkoppeling: {text}",
                                    seen_by_caseworker_at=at(day, 16) if (today - day).days > 14 else None))
        if referral.status == rules.PLACED:
            referral.next_report_due_on = rules.next_report_due(day, referral.guidance_until, every)
        day = rules.add_months(day, every or rules.DEFAULT_REPORT_EVERY_MONTHS)


def _checks(rng, referral, today, checks):
    """The yearly checks after the placement ended: answered when due (80–90 % still active), the next one open."""
    due = rules.yearly_check_due(referral.ended_on)
    while True:
        if due > today + dt.timedelta(days=31):
            checks.append(ActivityCheck(referral=referral, due_on=due))
            return
        if due > today - dt.timedelta(days=14) and rng.random() < 0.7:
            checks.append(ActivityCheck(referral=referral, due_on=due))  # due now: for the provider to answer
            return
        active = rng.random() < 0.86
        checks.append(ActivityCheck(referral=referral, due_on=due, checked_on=min(today, due), still_active=active,
                                    note="" if active else "Gestopt; heeft het te druk met de kinderen."))
        if not active:
            return
        due = rules.add_months(due, 12)


def _suggestions(rng, referrals, activities, profile, at):
    """What was put before each resident before the referral: the chosen activity and two or three others."""
    rows, links = [], []
    for referral in referrals:
        if referral.activity_id is None:
            continue
        others = [a for a in rng.sample(activities, min(len(activities), 4)) if a.pk != referral.activity_id][:3]
        options = [referral.activity, *others]
        rng.shuffle(options)
        for rank, activity in enumerate(options, start=1):
            chosen = activity.pk == referral.activity_id
            row = Suggestion(resident_id=referral.resident_id, activity=activity, offered_at=referral.referred_at,
                             offered_by_id=referral.referred_by_id, rank=rank,
                             score=round(90 - rank * 7 + rng.random() * 5, 1),
                             reasons=rng.sample(REASONS, 2), flags=[], chosen=chosen,
                             chosen_at=referral.referred_at if chosen else None, policy_profile=profile)
            rows.append(row)
            if chosen:
                links.append((referral, row))
    Suggestion.objects.bulk_create(rows, batch_size=BATCH)
    for referral, row in links:
        referral.suggestion_id = row.pk
    Referral.objects.bulk_update([r for r, _row in links], ["suggestion"], batch_size=BATCH)
    return rows


def _contacts(contacts):
    """Move last contact forward where the caseworker followed up after a placement or a return."""
    latest = {}
    for pk, day in contacts:
        latest[pk] = max(day, latest.get(pk, day))
    current = dict(Resident.objects.filter(pk__in=list(latest)).values_list("pk", "last_contact_on"))
    groups = {}
    for pk, day in latest.items():
        if current.get(pk) is None or current[pk] < day:
            groups.setdefault(day, []).append(pk)
    for day, pks in groups.items():
        for start in range(0, len(pks), 900):
            Resident.objects.filter(pk__in=pks[start:start + 900]).update(last_contact_on=day)
