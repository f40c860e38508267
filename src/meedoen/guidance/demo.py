"""Demo data for the guidance loop: conversations (some with a refusal and its routing), plans van aanpak (signed,
revised, drafts, some with the review due), tasks, a few endings and re-orientations, and every resident's
next-contact date from the follow-up engine.

    seed_guidance(municipality, rng, today) -> counts

Called by the demo generator (DEMO_EXTENSIONS) after the residents exist. Deterministic for a given `rng`; everything
goes in with bulk_create (2,000 residents in about a second; 40,000 in well under a minute).
"""
import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from meedoen.policy.models import PolicyProfile
from meedoen.residents.models import DossierEvent, Resident

from . import facts, followup, rules
from .models import ActionPlan, Conversation, GuidanceEnding, PlanStep, Reorientation, Route, Task

BATCH = 2000

DISCUSSED = [
    "Kennismaking: hoe gaat het, wat houdt de inwoner bezig, wat is er nodig.",
    "Terugblik op de afgelopen maanden en de afspraken in het plan.",
    "Gesproken over vrijwilligerswerk in de buurt en wat daarvoor nodig is.",
    "Gezondheid en energie besproken; rustig opbouwen afgesproken.",
    "Stand van zaken schulden; contact met schuldhulp loopt.",
    "Taalles besproken: wanneer, waar en hoe vaak.",
    "Gesprek over mantelzorg en hoeveel tijd die kost.",
    "Mogelijkheden voor werkervaring en een opleiding besproken.",
]
WISHES = [
    "Wil graag iets doen met koken, bijvoorbeeld in een buurtkeuken.",
    "Wil meer onder de mensen komen.",
    "Wil beter Nederlands leren om zelf brieven te kunnen lezen.",
    "Wil op termijn weer betaald werk, het liefst in de zorg.",
    "Wil eerst de schulden op orde hebben.",
    "Wil graag met de handen werken, bijvoorbeeld in een fietsenwerkplaats.",
    "Wil iets betekenen voor ouderen in de buurt.",
    "",
]
TALENTS = ["Goed met mensen", "Handig met techniek", "Kan goed organiseren", "Geduldig en betrouwbaar",
           "Spreekt drie talen", "Creatief", ""]
WHERE = ["office", "office", "venue", "venue", "home", "phone", "video"]
STEPS_BY_ROUTE = {
    Route.PARTICIPATION: [("volunteering", "Vrijwilligerswerk in de buurt"), ("meeting", "Koffieochtend in de wijk"),
                          ("movement", "Wandelgroep"), ("informal_care", "Mantelzorg met contract")],
    Route.WORK: [("work", "Werkervaringsplek"), ("course", "Sollicitatietraining"),
                 ("volunteering", "Vrijwilligerswerk")],
    Route.BARRIERS: [("own_barriers", "Gesprekken bij schuldhulp"), ("movement", "Beweegprogramma"),
                     ("own_barriers", "Afspraken met de huisarts en POH-GGZ")],
    Route.LANGUAGE: [("language", "Taalles"), ("meeting", "Taalcafé in de buurt")],
    Route.CARE: [("informal_care", "Mantelzorg"), ("meeting", "Lotgenotengroep mantelzorgers")],
}
END_REASONS = [("work", "Baan gevonden (parttime)"), ("moved", "Verhuisd naar een andere gemeente"),
               ("other_benefit", "Ontvangt nu een andere uitkering"), ("refused_respected", "Wil geen begeleiding")]


def _profile(municipality, today):
    return (PolicyProfile.objects.active_for(municipality.policy_key, today)
            or PolicyProfile.objects.approved().filter(key=municipality.policy_key)
            .order_by("-effective_from", "-version").first())


def _route_for(segment, furthest, debts, language, care):
    if debts == "problematic":
        return Route.BARRIERS
    if language in ("none", "A1"):
        return Route.LANGUAGE
    if care in ("informal_care", "both"):
        return Route.CARE
    return Route.PARTICIPATION if segment == furthest or not segment else Route.WORK


def _cant_reason(physical, mental, debts, language, care, rng):
    if "severe" in (physical, mental):
        return "health"
    if debts == "problematic":
        return "debts"
    if care != "none":
        return "care_duties"
    if language in ("none", "A1"):
        return "language"
    return rng.choice(["health", "crisis"])


def _grouped_update(pairs, field):
    """Set `field` per resident, one UPDATE per distinct value and batch (values repeat a lot)."""
    groups = {}
    for pk, value in pairs:
        groups.setdefault(value, []).append(pk)
    for value, pks in groups.items():
        for start in range(0, len(pks), 900):
            Resident.objects.filter(pk__in=pks[start:start + 900]).update(**{field: value})


@transaction.atomic
def seed_guidance(municipality, rng, today):
    profile = _profile(municipality, today)
    if profile is None:
        return {}
    furthest = profile.segmentation["groups"][-1]["code"]
    tz = timezone.get_default_timezone()
    norms = profile.contact_norms

    def at(day, hour=10):
        return dt.datetime.combine(day, dt.time(hour, rng.choice((0, 15, 30, 45))), tzinfo=tz)

    residents = list(
        Resident.objects.filter(municipality=municipality, guidance_status="active")
        .values_list("pk", "current_caseworker_id", "segment", "intensity", "benefit_start_date", "created_at",
                     "last_contact_on", "physical_health", "mental_health", "debts", "dutch_language_level",
                     "care_duties")
        .order_by("pk")
    )
    tasks, conversations, conv_task_index, events = [], [], [], []
    plan_specs, last_contact, ended = [], [], []

    for (pk, caseworker, segment, intensity, benefit_start, created_at, known_contact, physical, mental, debts,
         language, care) in residents:
        start = max(benefit_start, today - dt.timedelta(days=900))
        if rng.random() < 0.15 or (today - start).days < 20:
            continue  # not yet seen: the worklist shows them as overdue for a first conversation
        norm = rules.contact_norm_days(norms, segment, intensity) or 182
        # Most were seen within their norm; about a third are overdue (DESIGN §4.1: follow-up is where it breaks).
        gap = rng.randint(5, max(6, norm - 5)) if rng.random() < 0.68 else rng.randint(norm + 1, norm + 330)
        last = max(start, today - dt.timedelta(days=gap))
        days = [last]
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            earlier = days[-1] - dt.timedelta(days=rng.randint(60, 200))
            if earlier < start:
                break
            days.append(earlier)
        days.reverse()
        for day in days:
            refusal, reason, what = "none", "", ""
            draw = rng.random()
            if draw < 0.07:
                refusal, reason = "cant", _cant_reason(physical, mental, debts, language, care, rng)
                what = rng.choice(["Tegenprestatie", "Vrijwilligerswerk van 20 uur", "Cursus"])
            elif draw < 0.10:
                refusal, what = "wont", rng.choice(["Tegenprestatie", "Vrijwilligerswerk", "Taalles"])
            conversation = Conversation(
                resident_id=pk, held_on=day, where=rng.choice(WHERE), held_by_id=caseworker,
                discussed=rng.choice(DISCUSSED), wishes=rng.choice(WISHES), talents=rng.choice(TALENTS),
                refusal=refusal, refused_what=what, cant_reason=reason, policy_profile=profile, created_at=at(day),
            )
            routing = rules.route_refusal(refusal, reason, profile.stance, profile.no_show_ladder or ())
            if routing is not None:
                conversation.routing, conversation.routing_rule = routing.task_kind, routing.rule
                due = day + dt.timedelta(days=routing.due_in_days)
                done = due < today - dt.timedelta(days=20) and rng.random() < 0.8
                tasks.append(Task(
                    resident_id=pk, kind=routing.task_kind, title=routing.title, due_on=due,
                    status=Task.Status.DONE if done else Task.Status.OPEN, assigned_to_id=caseworker,
                    created_at=at(day, 11), completed_at=at(due, 12) if done else None,
                    completed_by_id=caseworker if done else None, policy_profile=profile, rule=routing.rule[:200],
                    source_key=f"demo:conversation:{pk}:{day:%Y%m%d}",
                ))
                conv_task_index.append(len(tasks) - 1)
            else:
                conv_task_index.append(None)
            conversations.append(conversation)
            events.append(DossierEvent(resident_id=pk, occurred_at=at(day), kind=DossierEvent.Kind.CONVERSATION,
                                       summary=f"Gesprek: {conversation.discussed}"[:300], actor_id=caseworker,
                                       policy_profile=profile))
        last_contact.append((pk, max(last, known_contact) if known_contact else last))
        if rng.random() < 0.72:
            route = _route_for(segment, furthest, debts, language, care)
            capacity = Decimal(rng.choice((4, 6, 8, 10, 10, 12, 16, 20)))
            plan_specs.append((pk, caseworker, days[0], route, capacity, norm))
        if rng.random() < 0.025:
            ended.append((pk, caseworker, last))

    # Tasks first: conversations point at them.
    Task.objects.bulk_create(tasks, batch_size=BATCH)
    for conversation, index in zip(conversations, conv_task_index):
        if index is not None:
            conversation.task_id = tasks[index].pk
    Conversation.objects.bulk_create(conversations, batch_size=BATCH)

    # Plans: version 1 for everyone with a plan, a revision for some (then version 1 is superseded).
    first_versions, second_specs = [], []
    for pk, caseworker, first_day, route, capacity, norm in plan_specs:
        made = min(today - dt.timedelta(days=1), first_day + dt.timedelta(days=rng.randint(0, 14)))
        revised = rng.random() < 0.3 and (today - made).days > 200
        signed = rng.random() < 0.9 or revised
        review = made + dt.timedelta(days=rng.randint(60, min(norm, 182) + 60))
        if not signed and review <= today:
            review = today + dt.timedelta(days=rng.randint(10, 60))
        plan = ActionPlan(
            resident_id=pk, version=1, route=route, goals=_goal(route), capacity_hours_per_week=capacity,
            review_on=review, created_by_id=caseworker, created_at=at(made), policy_profile=profile,
            status=(ActionPlan.Status.SUPERSEDED if revised else ActionPlan.Status.SIGNED if signed
                    else ActionPlan.Status.DRAFT),
            signed_on=made if signed else None,
            signature_method=rng.choice(("paper", "paper", "verbal")) if signed else "",
            signature_recorded_by_id=caseworker if signed else None,
        )
        first_versions.append(plan)
        if revised:
            second_specs.append((plan, caseworker, made, route, capacity, norm))
    ActionPlan.objects.bulk_create(first_versions, batch_size=BATCH)
    second_versions = []
    for previous, caseworker, made, route, capacity, norm in second_specs:
        day = min(today - dt.timedelta(days=1), made + dt.timedelta(days=rng.randint(120, 300)))
        previous.superseded_on = day
        second_versions.append(ActionPlan(
            resident_id=previous.resident_id, version=2, previous_id=previous.pk, route=route,
            goals=_goal(route) + " Uren voorzichtig uitgebreid.", capacity_hours_per_week=min(Decimal(20),
                                                                                              capacity + 4),
            review_on=day + dt.timedelta(days=rng.randint(min(60, norm), min(norm, 182) + 30)), created_by_id=caseworker,
            created_at=at(day), policy_profile=profile, status=ActionPlan.Status.SIGNED, signed_on=day,
            signature_method="paper", signature_recorded_by_id=caseworker,
        ))
    ActionPlan.objects.bulk_update([p for p, *_ in second_specs], ["superseded_on"], batch_size=BATCH)
    ActionPlan.objects.bulk_create(second_versions, batch_size=BATCH)
    steps = []
    for plan in first_versions + second_versions:
        options = STEPS_BY_ROUTE[Route(plan.route)]
        budget = plan.capacity_hours_per_week
        over = rng.random() < 0.04
        chosen = rng.sample(options, min(len(options), rng.choice((1, 2, 2, 3))))
        for position, (kind, description) in enumerate(chosen):
            hours = Decimal(rng.choice((2, 3, 4, 4, 6, 8)))
            hours = hours if over else min(hours, budget)
            if hours <= 0:
                break
            budget -= hours
            steps.append(PlanStep(plan_id=plan.pk, position=position, kind=kind, description=description,
                                  hours_per_week=hours, responsible=rng.choice(("resident", "resident", "partner")),
                                  responsible_name=""))
        if over:
            plan.over_capacity_reason = "De inwoner wil zelf graag meer uren; afgesproken om na een maand te kijken."
        if plan.signed_on:
            events.append(DossierEvent(
                resident_id=plan.resident_id, occurred_at=at(plan.signed_on, 15), kind=DossierEvent.Kind.PLAN,
                summary=f"Plan van aanpak versie {plan.version} ondertekend; evaluatie {plan.review_on:%d-%m-%Y}",
                actor_id=plan.created_by_id, policy_profile=profile))
    PlanStep.objects.bulk_create(steps, batch_size=BATCH)
    ActionPlan.objects.bulk_update([p for p in first_versions + second_versions if p.over_capacity_reason],
                                   ["over_capacity_reason"], batch_size=BATCH)

    # A few endings, and a few of those re-oriented to another route later (history kept).
    endings, reorientations, ended_pks = [], [], []
    for pk, caseworker, last in ended:
        reason, explanation = rng.choice(END_REASONS)
        endings.append(GuidanceEnding(
            resident_id=pk, ended_on=last, reason=reason, explanation=explanation, ended_by_id=caseworker,
            review="Goed contact gehad. De inwoner weet ons te vinden als het nodig is.", policy_profile=profile,
            created_at=at(last, 16)))
        events.append(DossierEvent(resident_id=pk, occurred_at=at(last, 16), kind=DossierEvent.Kind.ENDED,
                                   summary=f"Begeleiding beëindigd: {explanation}", actor_id=caseworker,
                                   policy_profile=profile))
        ended_pks.append(pk)
    GuidanceEnding.objects.bulk_create(endings, batch_size=BATCH)
    Task.objects.filter(resident_id__in=ended_pks, status=Task.Status.OPEN).update(
        status=Task.Status.CANCELLED, outcome_note="Vervallen: begeleiding beëindigd")
    ActionPlan.objects.filter(resident_id__in=ended_pks, status=ActionPlan.Status.DRAFT).update(
        status=ActionPlan.Status.SUPERSEDED)
    for ending in endings[: len(endings) // 5]:
        day = min(today, ending.ended_on + dt.timedelta(days=rng.randint(30, 120)))
        reorientations.append(Reorientation(
            resident_id=ending.resident_id, on_date=day, to_route=Route.WORK, reason="Wil nu toch naar betaald werk.",
            reopened=True, ending_id=ending.pk, actor_id=ending.ended_by_id, policy_profile=profile,
            created_at=at(day)))
        events.append(DossierEvent(resident_id=ending.resident_id, occurred_at=at(day, 11),
                                   kind=DossierEvent.Kind.REORIENTATION,
                                   summary="Heroriëntatie naar route 'Naar betaald werk' (begeleiding heropend)",
                                   actor_id=ending.ended_by_id, policy_profile=profile))
    Reorientation.objects.bulk_create(reorientations, batch_size=BATCH)
    reopened = {r.resident_id for r in reorientations}
    still_ended = [pk for pk in ended_pks if pk not in reopened]

    for task in tasks:
        events.append(DossierEvent(resident_id=task.resident_id, occurred_at=task.created_at,
                                   kind=DossierEvent.Kind.TASK,
                                   summary=f"Taak: {task.title} (uiterlijk {task.due_on:%d-%m-%Y})",
                                   actor_id=task.assigned_to_id, policy_profile=profile))
    DossierEvent.objects.bulk_create(events, batch_size=BATCH)
    _grouped_update(last_contact, "last_contact_on")
    _grouped_update([(pk, "ended") for pk in still_ended], "guidance_status")
    facts.refresh_municipality(municipality)  # written in bulk: no signals kept the worklist facts
    followup.refresh_all(municipality, profile=profile)
    return {
        "gesprekken": len(conversations),
        "plannen van aanpak": len(first_versions) + len(second_versions),
        "taken (begeleiding)": len(tasks),
        "begeleiding beëindigd": len(still_ended),
    }


def _goal(route):
    return {
        Route.PARTICIPATION: "Meedoen in de buurt en een vast ritme in de week.",
        Route.WORK: "Stap voor stap naar betaald werk.",
        Route.BARRIERS: "Eerst rust: schulden en gezondheid op orde.",
        Route.LANGUAGE: "Beter Nederlands, om zelf dingen te kunnen regelen.",
        Route.CARE: "De zorg voor een naaste volhouden en er zelf niet aan onderdoor gaan.",
    }[Route(route)]
