"""Demo dossiers for the 'Bewaartermijnen' screen: a few dossiers whose guidance ended long ago.

`seed_retention(municipality, rng, today)` is called by seed_demo (DEMO_EXTENSIONS, last). It takes up to six
dossiers the guidance demo already ended (and that have nothing else that would hold them: no benefit month, no
correction, no objection, no signal with enforcement) and moves their ending back past the retention term, so that
after `make run` the screen shows:

- three dossiers past their term (due tonight) and one that passes it within three months;
- one past its term with an open bezwaar, and one with a manual hold by the beheerder (both held).

The rest of those dossiers' history is left as generated. A fixed number of queries whatever the municipality's
size (the 40k bench stays fast). One such dossier per 150 residents, at most six: a small demo (e.g. the 80 residents
of some tests) stays as it was, and may have fewer ended dossiers to take.
"""
from __future__ import annotations

import datetime as dt
import random

from django.db.models import Exists, OuterRef
from django.utils import timezone

from meedoen.accounts.models import Role, User
from meedoen.guidance.models import GuidanceEnding
from meedoen.money.models import MonthlyCalculation, PaymentCorrection
from meedoen.obligations import rules as obligation_rules
from meedoen.obligations.models import IncomeSignal, Objection
from meedoen.residents.models import DossierEvent, Resident

from . import rules
from . import schedule as schedules
from .models import LegalHold

# Months past the term on the day of seeding (negative: still inside it), and what holds the dossier.
# Held ones early, so a small demo with few ended dossiers still shows both kinds.
PLAN = [(26, None), (18, "objection"), (14, None), (9, "manual"), (3, None), (-2, None)]


RESIDENTS_PER_OLD_DOSSIER = 150  # a handful in proportion to the municipality: 2,000 residents give all six


def _candidates(municipality, count):
    linked = {model: Exists(model.objects.filter(resident=OuterRef("pk")))
              for model in (MonthlyCalculation, PaymentCorrection, Objection, IncomeSignal)}
    return list(Resident.objects.filter(municipality=municipality, guidance_status="ended")
                .filter(Exists(GuidanceEnding.objects.filter(resident=OuterRef("pk"))))
                .exclude(linked[MonthlyCalculation]).exclude(linked[PaymentCorrection])
                .exclude(linked[Objection]).exclude(linked[IncomeSignal])
                .order_by("pk").values_list("pk", "current_caseworker_id")[:count])


def seed_retention(municipality, rng: random.Random, today: dt.date) -> dict:
    count = min(len(PLAN), Resident.objects.filter(municipality=municipality).count() // RESIDENTS_PER_OLD_DOSSIER)
    chosen = _candidates(municipality, count) if count else []
    if not chosen:
        return {}
    term = schedules.current().category("resident_dossier").term_months
    tz = timezone.get_default_timezone()
    administrator = User.objects.filter(municipality=municipality, role=Role.ADMINISTRATOR).order_by("pk").first()
    fallback_staff = User.objects.filter(municipality=municipality, role=Role.CASEWORKER).order_by("pk").first()
    endings = {e.resident_id: e for e in GuidanceEnding.objects.filter(resident_id__in=[pk for pk, _ in chosen])
               .order_by("resident_id", "ended_on")}  # per resident the latest: the last one written wins
    events = list(DossierEvent.objects.filter(resident_id__in=[pk for pk, _ in chosen], kind=DossierEvent.Kind.ENDED))
    moved_endings, moved_events, objections, holds = [], [], [], []
    for (pk, caseworker_id), (past, hold) in zip(chosen, PLAN):
        ended = rules.add_months(today, -(term + past)) - dt.timedelta(days=rng.randint(0, 20))
        at = dt.datetime.combine(ended, dt.time(16), tzinfo=tz)
        ending = endings[pk]
        ending.ended_on, ending.created_at = ended, at
        moved_endings.append(ending)
        for event in events:
            if event.resident_id == pk:
                event.occurred_at = at
                moved_events.append(event)
        if hold == "objection":
            received = today - dt.timedelta(days=rng.randint(5, 20))
            decided = received - dt.timedelta(days=rng.randint(10, 30))
            deadlines = obligation_rules.objection_deadlines("objection", received_on=received, decision_date=decided)
            objections.append(Objection(
                resident_id=pk, kind="objection", decision_kind="payment", decision_date=decided,
                subject="Bezwaar tegen de laatste berekening van de uitkering.", received_on=received,
                filing_deadline=deadlines.filing_deadline, filed_in_time=deadlines.filed_in_time,
                respond_by=deadlines.respond_by, recorded_by_id=caseworker_id or fallback_staff.pk,
                rule=deadlines.rule[:300]))
        elif hold == "manual":
            holds.append(LegalHold(resident_id=pk, placed_by=administrator,
                                   reason="Procedure bij de rechtbank loopt nog."))
    GuidanceEnding.objects.bulk_update(moved_endings, ["ended_on", "created_at"])
    DossierEvent.objects.bulk_update(moved_events, ["occurred_at"])
    Objection.objects.bulk_create(objections)
    LegalHold.objects.bulk_create(holds)
    return {"dossiers met oude einddatum": len(moved_endings), "vastgehouden": len(objections) + len(holds)}
