"""Demo obligations for the demo municipality: exemptions, measures with their procedure, signals and objections.

`seed_obligations(municipality, rng, today)` is called by seed_demo (DEMO_EXTENSIONS, after outreach and guidance).
History is written as rows (what the services would have written on those days) and checked against the same pure
rules; only what happens *today* runs through the real services, so its letters are the real thing:

- exemptions on social or medical grounds at the Rotterdam rate (~1,500 per 40,000 residents, DESIGN §5), a few for
  care duties, urgent reasons and full incapacity, and art. 9a exemptions for single parents of a child under 5 who
  asked for one; some are due for review, so the worklist shows 'Ontheffing loopt af';
- the demo no-show ladder's 'voorstel maatregel' tasks become proposals; decided measures in the past year at the
  Rotterdam rate (2016: 360 no show-acties led to 95 measures, on average a one-month cut), a few without blame or
  adjusted for urgent reasons; historical decisions have no rendered beschikking (a PDF costs ~0.1 s);
- one proposal by the demo `klantmanager`, heard, waiting for a decision by the demo `teamleider`, and one decided
  today with its beschikking;
- signals of unreported income in each stage, one handed over to enforcement (demo login `handhaving`);
- an objection against a measure and a complaint, with their deadlines.
"""
from __future__ import annotations

import datetime as dt
import logging
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from meedoen.accounts.models import Role, User
from meedoen.guidance import facts as worklist_facts
from meedoen.guidance.models import Task
from meedoen.policy.models import PolicyProfile
from meedoen.residents.models import DossierEvent, Resident

from . import rules, services
from .models import Exemption, Hearing, IncomeSignal, Measure, Objection

log = logging.getLogger(__name__)

EXEMPTIONS_PER_RESIDENT = Decimal(1500) / Decimal(40000)  # DESIGN §5: ~1,500 on social or medical grounds
MEASURES_PER_NO_SHOW_ACTION = Decimal(95) / Decimal(360)  # DESIGN §5: Rotterdam 2016
OTHER_MEASURES_PER_RESIDENT = Decimal("0.0015")  # measures after other breaches (e.g. refusing work), illustrative
SIGNALS_PER_RESIDENT = Decimal("0.002")  # illustrative
ENFORCEMENT_USERNAME = "handhaving"
DEMO_PASSWORD = "demo-wachtwoord-123"  # the same as every demo login (meedoen.demo.generator.DEMO_PASSWORD)


def _profile(municipality, today):
    return (PolicyProfile.objects.active_for(municipality.policy_key, today)
            or PolicyProfile.objects.approved().filter(key=municipality.policy_key)
            .order_by("-effective_from", "-version").first())


def _demo_user(municipality, base, role):
    return (User.objects.filter(municipality=municipality, role=role)
            .filter(Q(username=base) | Q(username=f"{base}-{municipality.policy_key}")).order_by("pk").first())


class _Seeder:
    def __init__(self, municipality, rng: random.Random, today: dt.date):
        self.m, self.rng, self.today = municipality, rng, today
        self.profile = _profile(municipality, today)
        self.settings = dict((self.profile.extra or {}).get("measures") or {}) if self.profile else {}
        self.tz = timezone.get_default_timezone()
        self.events = []
        self.counts = {}

    def at(self, day, hour=11):
        return dt.datetime.combine(day, dt.time(hour, self.rng.choice((0, 15, 30, 45))), tzinfo=self.tz)

    def event(self, resident_id, day, summary, actor_id):
        self.events.append(DossierEvent(resident_id=resident_id, occurred_at=self.at(day), kind=DossierEvent.Kind.NOTE,
                                        summary=summary[:300], actor_id=actor_id, policy_profile=self.profile))

    def run(self):
        if self.profile is None or not self.settings.get("categories"):
            return {}
        self.residents = list(
            Resident.objects.filter(municipality=self.m, guidance_status="active", current_caseworker__isnull=False)
            .values_list("pk", "current_caseworker_id", "current_caseworker__team_id", "physical_health",
                         "mental_health", "care_duties", "social_circumstances", "household_type",
                         "youngest_child_date_of_birth", "benefit_start_date")
            .order_by("pk"))
        if not self.residents:
            return {}
        self.leads = dict(User.objects.filter(municipality=self.m, role=Role.TEAM_LEAD, is_active=True)
                          .order_by("-pk").values_list("team_id", "pk"))
        self.klantmanager = _demo_user(self.m, "klantmanager", Role.CASEWORKER)
        self.teamleider = _demo_user(self.m, "teamleider", Role.TEAM_LEAD)
        self.used = set()
        # A tegenprestatie that is asked or voluntary never leads to a measure (services.reciprocity_enforceable).
        self.reciprocity = services.reciprocity_enforceable(self.profile)
        self.breaches = ("reciprocity", "work", "reintegration") if self.reciprocity else ("work", "reintegration")
        self._enforcement_user()
        self._exemptions()
        self._history_measures()
        self._today_measures()
        self._signals()
        self._objections()
        DossierEvent.objects.bulk_create(self.events)
        return self.counts

    # -- people -------------------------------------------------------------------------------------------------------

    def _enforcement_user(self):
        """The demo generator makes the `handhaving` login (DEMO_LOGINS); a municipality seeded without it gets one."""
        if User.objects.filter(municipality=self.m, role=Role.ENFORCEMENT).exists():
            return
        username = ENFORCEMENT_USERNAME
        if User.objects.filter(username=username).exists():
            username = f"{ENFORCEMENT_USERNAME}-{self.m.policy_key}"
        if not User.objects.filter(username=username).exists():
            User.objects.create(username=username, first_name="Hanna", last_name="Handhaver", role=Role.ENFORCEMENT,
                                municipality=self.m, job_title="medewerker handhaving (sociale recherche)",
                                email=f"{username}@example.nl", password=make_password(DEMO_PASSWORD))

    def _pick(self, candidates, n):
        free = [r for r in candidates if r[0] not in self.used]
        chosen = self.rng.sample(free, min(n, len(free)))
        self.used.update(r[0] for r in chosen)
        return chosen

    # -- exemptions ---------------------------------------------------------------------------------------------------

    def _exemption(self, row, kind, grounds, evidence, *, starts_on, ends_on, review_on=None, requested_on=None):
        pk, caseworker = row[0], row[1]
        covers = list(rules.DEFAULT_COVERS[kind])
        errors = rules.validate_exemption(
            kind=kind, covers=covers, grounds=grounds, evidence_note=evidence, starts_on=starts_on, ends_on=ends_on,
            review_on=review_on, requested_on=requested_on, household_type=row[7],
            youngest_child_date_of_birth=row[8], today=self.today)
        if errors:  # the demo never writes what the rules would refuse
            return None
        self.event(pk, starts_on, f"Ontheffing verleend: {Exemption.Kind(kind).label} vanaf {starts_on:%d-%m-%Y}",
                   caseworker)
        return Exemption(resident_id=pk, kind=kind, covers=sorted(covers), grounds=grounds, evidence_note=evidence,
                         requested_on=requested_on, starts_on=starts_on, ends_on=ends_on, review_on=review_on,
                         child_date_of_birth=row[8] if kind == rules.SINGLE_PARENT else None,
                         granted_by_id=caseworker, policy_profile=self.profile,
                         rule=f"{Exemption.Kind(kind).label}; geldt voor: {', '.join(sorted(covers))}",
                         created_at=self.at(starts_on))

    def _temporary_dates(self):
        starts = self.today - dt.timedelta(days=self.rng.randint(10, 330))
        review = rules.add_months(starts, self.rng.choice((6, 9, 12)))
        if review < self.today - dt.timedelta(days=20):  # long past its review: it was reviewed and extended
            review = self.today + dt.timedelta(days=self.rng.randint(-10, 120))
            review = min(review, rules.add_months(starts, 12))
        ends = review + dt.timedelta(days=self.rng.choice((0, 0, 30, 90)))
        return starts, max(ends, starts + dt.timedelta(days=30)), review

    def _exemptions(self):
        rows, n = self.residents, len(self.residents)
        health = [r for r in rows if "severe" in (r[3], r[4])] + [r for r in rows if "some" in (r[3], r[4])
                                                                 and "severe" not in (r[3], r[4])]
        n_medical = max(1, round(n * EXEMPTIONS_PER_RESIDENT))
        made = []
        severe = [r for r in health if "severe" in (r[3], r[4])]
        for row in self._pick(severe, max(0, round(n_medical * 0.1))):
            starts = self.today - dt.timedelta(days=self.rng.randint(60, 900))
            made.append(self._exemption(row, rules.FULL_INCAPACITY, "Volledig en duurzaam arbeidsongeschikt.",
                                        "Advies van de verzekeringsarts.", starts_on=starts, ends_on=None))
        for row in self._pick(health[: max(n_medical * 3, 1)], n_medical):
            starts, ends, review = self._temporary_dates()
            grounds = self.rng.choice(("Ernstige rug- en gewrichtsklachten; kan nu geen activiteiten aan.",
                                       "Behandeling in de ggz; eerst herstel.", "Herstel na een operatie.",
                                       "Zware psychische klachten; rust op advies van de huisarts."))
            made.append(self._exemption(row, rules.SOCIAL_MEDICAL, grounds, "Verklaring van de behandelaar.",
                                        starts_on=starts, ends_on=ends, review_on=review))
        carers = [r for r in rows if r[5] in ("informal_care", "both")]
        for row in self._pick(carers, max(0, round(n * 0.005))):
            starts, ends, review = self._temporary_dates()
            made.append(self._exemption(row, rules.CARE_DUTIES, "Intensieve mantelzorg voor een ouder.",
                                        "", starts_on=starts, ends_on=ends, review_on=review))
        crisis = [r for r in rows if r[6] == "crisis"]
        for row in self._pick(crisis, max(0, round(n * 0.003))):
            starts = self.today - dt.timedelta(days=self.rng.randint(5, 60))
            ends = starts + dt.timedelta(days=self.rng.randint(45, 120))
            made.append(self._exemption(row, rules.URGENT_REASONS, "Dakloos geraakt; eerst wonen regelen.", "",
                                        starts_on=starts, ends_on=ends, review_on=None))
        # Art. 9a: single parents with a child under 5, about half of whom asked for the exemption.
        young = [r for r in rows if r[7] == "single_parent" and r[8] is not None
                 and rules.birthday(r[8], 5) > self.today + dt.timedelta(days=60)]
        single_parent = 0
        for row in self._pick(young, round(len(young) * 0.5)):
            starts = max(row[8], row[9], self.today - dt.timedelta(days=self.rng.randint(5, 170)))
            if starts > self.today:
                continue
            fifth = rules.birthday(row[8], 5) - dt.timedelta(days=1)
            ends = min(fifth, rules.add_months(starts, 60) - dt.timedelta(days=1))
            exemption = self._exemption(row, rules.SINGLE_PARENT, "Alleenstaande ouder met de volledige zorg voor "
                                        "een kind onder 5 jaar; heeft ontheffing gevraagd.", "",
                                        starts_on=starts, ends_on=ends, review_on=rules.add_months(starts, 6),
                                        requested_on=starts - dt.timedelta(days=self.rng.randint(0, 14)))
            if exemption is not None:
                single_parent += 1
            made.append(exemption)
        Exemption.objects.bulk_create([e for e in made if e is not None])
        self.counts["ontheffingen"] = sum(1 for e in made if e is not None)
        self.counts["ontheffingen art. 9a"] = single_parent

    # -- measures -----------------------------------------------------------------------------------------------------

    def _no_show_actions(self):
        from meedoen.outreach.models import LadderStep

        return LadderStep.objects.filter(outreach__resident__municipality=self.m,
                                         kind="no_show_action_letter").count()

    def _history_measures(self):
        """Decided measures of the past year, written as rows: what propose, hear and decide would have written."""
        sanctioning = bool((self.profile.reciprocity or {}).get("sanction")) or any(
            s.get("kind") == "measure_proposal" for s in self.profile.no_show_ladder or [])
        from_ladder = round(self._no_show_actions() * MEASURES_PER_NO_SHOW_ACTION) if sanctioning else 0
        other = max(1, round(len(self.residents) * OTHER_MEASURES_PER_RESIDENT * (1 if sanctioning else Decimal("0.2"))))
        candidates = [r for r in self.residents if r[2] in self.leads and self.leads[r[2]] != r[1]]
        categories = rules.regime_categories("ordinance", self.settings)
        ladder_category = self.settings.get("ladder_category") or categories[0].code
        measures, hearings, tasks = [], [], []
        for i, row in enumerate(self._pick(candidates, from_ladder + other)):
            pk, caseworker, team = row[0], row[1], row[2]
            lead = self.leads[team]
            ladder = i < from_ladder
            occurred = self.today - dt.timedelta(days=self.rng.randint(20, 330))
            proposed = occurred + dt.timedelta(days=self.rng.randint(1, 7))
            heard = proposed + dt.timedelta(days=self.rng.randint(5, 14))
            decided = min(self.today, heard + dt.timedelta(days=self.rng.randint(1, 10)))
            heard = min(heard, decided)
            blame = self.rng.choices(("full", "reduced", "none"), weights=(80, 8, 12))[0]
            category = ladder_category if ladder else self.rng.choice(categories).code
            urgent = None
            if blame != "none" and self.rng.random() < 0.08:
                urgent = Decimal(0)
            decision = rules.decide_measure(regime="ordinance", settings=self.settings, category=category,
                                            blame=blame, repeat_count=0, urgent_percentage=urgent,
                                            urgent_months=0 if urgent is not None else None)
            period = rules.reduction_period(rules.first_reduction_month(decided), decision.months)
            reconsider_by = rules.reconsider_by(period[0]) if period else None
            reconsidered = reconsider_by is not None and reconsider_by < self.today
            breached = "appointments" if ladder else self.rng.choice(self.breaches)
            measures.append(Measure(
                resident_id=pk, source="no_show_ladder" if ladder else "caseworker", regime="ordinance",
                breached_obligation=breached, category=category, occurred_on=occurred,
                facts=("Niet gekomen op de oproep na de aangetekende brief en niet gereageerd op de no show-actie."
                       if ladder else {"work": "Weigerde een passende baan zonder reden.",
                                       "reintegration": "Stopte zonder reden met het traject uit het plan van aanpak.",
                                       "reciprocity": "Weigerde de afgesproken tegenprestatie zonder reden."}[breached]),
                blame=blame, blame_note=("Was in die periode opgenomen." if blame == "none"
                                         else "Geen reden gegeven; wel bereikbaar."),
                proposed_by_id=caseworker, proposed_on=proposed, outcome=decision.outcome,
                percentage=decision.percentage, months=decision.base_months,
                starts_on=period[0] if period else None, ends_on=period[1] if period else None,
                urgent_reasons="Dreigende huisuitzetting; de verlaging zou dat verergeren." if urgent is not None else "",
                decision_grounds="De inwoner is gehoord. " + ("Er valt niets te verwijten." if blame == "none" else
                                                              "Er was geen goede reden."),
                decided_by_id=lead, decided_on=decided, objection_deadline=rules.objection_deadline(decided),
                reconsider_by=reconsider_by, policy_profile=self.profile, rule=decision.rule[:300],
                status="reconsidered" if reconsidered else "decided",
                reconsidered_on=reconsider_by - dt.timedelta(days=self.rng.randint(1, 20)) if reconsidered else None,
                reconsidered_by_id=lead if reconsidered else None,
                reconsideration_note="De verlaging is afgelopen; de inwoner komt weer op afspraken." if reconsidered
                else "", created_at=self.at(proposed), version=4,
            ))
            hearings.append((Hearing.Kind.NO_RESPONSE if ladder else self.rng.choice(
                (Hearing.Kind.HEARING, Hearing.Kind.WRITTEN)), heard, caseworker))
            self.event(pk, proposed, "Maatregel voorgesteld; een tweede persoon besluit", caseworker)
            self.event(pk, decided, f"Besluit maatregel: {Measure.Outcome(decision.outcome).label}", lead)
        Measure.objects.bulk_create(measures)
        rows = []
        for measure, (kind, heard, caseworker) in zip(measures, hearings, strict=True):
            rows.append(Hearing(
                measure=measure, kind=kind, recorded_by_id=caseworker, created_at=self.at(heard),
                held_on=None if kind == Hearing.Kind.NO_RESPONSE else heard,
                respond_by=heard - dt.timedelta(days=1) if kind == Hearing.Kind.NO_RESPONSE else None,
                outcome="" if kind == Hearing.Kind.NO_RESPONSE else "Was het vergeten; geen bijzondere omstandigheden.",
            ))
            if measure.status == "decided" and measure.reconsider_by:
                tasks.append(Task(resident_id=measure.resident_id, kind=Task.Kind.OTHER,
                                  title="Maatregel heroverwegen (art. 18 lid 3)", due_on=measure.reconsider_by,
                                  assigned_to_id=measure.proposed_by_id, policy_profile=self.profile,
                                  rule="art. 18 lid 3 Participatiewet: heroverwegen binnen 3 maanden",
                                  source_key=f"measure:{measure.pk}:reconsider"))
        Hearing.objects.bulk_create(rows)
        Task.objects.bulk_create(tasks)
        self.history = measures
        self.counts["maatregelen besloten"] = len(measures)
        self.counts["beschikkingen maatregel"] = self._history_letters(measures)

    def _history_letters(self, measures):
        """The beschikking of every historical decision, as `services.decide` makes it (same template, context, step
        key), dated the day of the decision and already printed. Written in bulk: the text is rendered per letter
        and each PDF once (WeasyPrint, ~0.1 s a letter); no per-letter queries, and no draw from the random stream,
        so the rest of the demo stays as it was."""
        import hashlib

        from meedoen.letters import pdf
        from meedoen.letters.models import Letter, LetterKind
        from meedoen.letters.services import (
            build_context, choose_template, has_postal_address, render_document, render_template_text,
        )

        if not measures:
            return 0
        template = choose_template(LetterKind.MEASURE_DECISION, self.profile)
        residents = {r.pk: r for r in Resident.objects.filter(pk__in={m.resident_id for m in measures})
                     .select_related("municipality", "current_caseworker")}
        letters, made_for = [], []
        for measure in measures:
            resident = residents[measure.resident_id]
            if not has_postal_address(resident):
                continue
            step_key = services.decision_letter_step_key(measure)
            reference = f"BR-{measure.decided_on:%Y%m%d}-" + hashlib.sha256(
                f"{self.m.pk}:{step_key}".encode()).hexdigest()[:6].upper()
            values = build_context(resident, self.profile, registered=False, reference=reference,
                                   today=measure.decided_on, extra=services.decision_letter_context(measure))
            subject, body_html = render_template_text(template, values)
            document_html = render_document(values, subject, body_html)
            pdf_bytes, pages = pdf.render(pdf.letter_html_document(document_html, title=f"Brief {reference}"))
            sent = dt.datetime.combine(measure.decided_on, dt.time(16, 0), tzinfo=self.tz)
            letters.append(Letter(
                resident_id=resident.pk, kind=LetterKind.MEASURE_DECISION, reference=reference, template=template,
                template_version=template.version, subject=subject[:300], body_html=body_html,
                document_html=document_html, pdf=pdf_bytes, page_count=pages, step_key=step_key,
                policy_profile=self.profile, created_by_id=measure.decided_by_id, printed_at=sent))
            self.events.append(DossierEvent(
                resident_id=resident.pk, occurred_at=sent, kind=DossierEvent.Kind.LETTER,
                summary=f"Brief: {LetterKind.MEASURE_DECISION.label} – {subject}"[:300],
                actor_id=measure.decided_by_id, policy_profile=self.profile))
            made_for.append(measure)
        Letter.objects.bulk_create(letters)
        for letter in letters:
            letter.created_at = letter.printed_at          # auto_now_add set "now" on insert: the day of the decision
        Letter.objects.bulk_update(letters, ["created_at"])
        for measure, letter in zip(made_for, letters, strict=True):
            measure.letter = letter
        Measure.objects.bulk_update(made_for, ["letter"])
        return len(letters)

    def _today_measures(self):
        """Through the real services: the ladder's proposal tasks become proposals; the demo klantmanager proposes
        one that waits for the demo teamleider, and one decided today with its beschikking."""
        proposals = 0
        tasks = (Task.objects.filter(resident__municipality=self.m, kind=Task.Kind.MEASURE_PROPOSAL,
                                     status=Task.Status.OPEN, assigned_to__isnull=False)
                 .select_related("resident__municipality", "assigned_to").order_by("pk"))
        category = self.settings.get("ladder_category", "")
        for task in tasks:
            try:
                measure = services.propose_measure(
                    task.resident, actor=task.assigned_to, source_task=task, breached_obligation="appointments",
                    occurred_on=self.today - dt.timedelta(days=15), blame="full", category=category,
                    facts="Niet gekomen op de oproep en niet gereageerd op de no show-actie.",
                    blame_note="Geen reactie ontvangen; geen bekende omstandigheden.")
            except ValidationError:
                log.warning("demo: no proposal for task %s", task.pk, exc_info=True)
                continue
            self.used.add(task.resident_id)
            proposals += 1
            services.record_hearing(measure, actor=task.assigned_to, expected_version=measure.version,
                                    kind="no_response", invited_on=self.today - dt.timedelta(days=15),
                                    respond_by=self.today - dt.timedelta(days=1))
        if self.klantmanager is not None and self.teamleider is not None:
            own = [r for r in self.residents if r[1] == self.klantmanager.pk]
            chosen = self._pick(own, 2)
            residents = {r.pk: r for r in Resident.objects.filter(pk__in=[c[0] for c in chosen])
                         .select_related("municipality")}
            for i, row in enumerate(chosen):
                resident = residents[row[0]]
                if self.reciprocity:
                    breach = dict(breached_obligation="reciprocity", category=category,
                                  facts="Is drie weken niet verschenen bij de afgesproken tegenprestatie "
                                        "(vrijwilligerswerk), zonder af te melden.")
                else:
                    breach = dict(breached_obligation="reintegration", category=category,
                                  facts="Is drie weken niet verschenen bij het afgesproken re-integratietraject uit "
                                        "het plan van aanpak, zonder af te melden.")
                measure = services.propose_measure(
                    resident, actor=self.klantmanager, occurred_on=self.today - dt.timedelta(days=9 + i),
                    blame="full", blame_note="In het gesprek geen reden genoemd; gezondheid en zorgtaken spelen "
                                             "geen rol.", **breach)
                proposals += 1
                services.record_hearing(measure, actor=self.klantmanager, expected_version=measure.version,
                                        kind="hearing", held_on=self.today,
                                        outcome="Zegt het vergeten te zijn; wil weer beginnen.")
                if i == 1:
                    measure.refresh_from_db()
                    services.decide(measure, actor=self.teamleider, expected_version=measure.version,
                                    decision_grounds="U bent drie weken niet verschenen bij wat wij hebben "
                                                     "afgesproken en heeft geen goede reden gegeven.")
        self.counts["maatregelen voorgesteld"] = proposals

    # -- signals and objections ---------------------------------------------------------------------------------------

    def _signals(self):
        n = max(4, round(len(self.residents) * SIGNALS_PER_RESIDENT))
        chosen = self._pick(self.residents, n)
        stages = ["handed_over", "correction_requested", "recorded", "corrected", "closed"]
        signals = []
        sources = [c for c, _label in IncomeSignal.Source.choices]
        for i, row in enumerate(chosen):
            pk, caseworker = row[0], row[1]
            stage = stages[i % len(stages)]
            received = self.today - dt.timedelta(days=self.rng.randint(2, 60) if stage != "handed_over" else 40)
            signal = IncomeSignal(
                resident_id=pk, source=self.rng.choice(sources) if i else "neighbourhood_team",
                source_detail="Wijkteam" if i == 0 else "", received_on=received, recorded_by_id=caseworker,
                description=self.rng.choice(("Zou zaterdags op de markt werken.", "Klust bij buren tegen betaling.",
                                             "Zou in de horeca werken zonder dat te melden.")),
                status=stage, policy_profile=self.profile, created_at=self.at(received))
            if stage in ("handed_over", "corrected", "closed"):
                signal.correction_requested_on = received + dt.timedelta(days=1)
                signal.correct_by = signal.correction_requested_on + dt.timedelta(days=14)
            if stage == "handed_over":
                signal.handed_over_on, signal.handed_over_by_id = signal.correct_by + dt.timedelta(days=2), caseworker
            if stage == "corrected":
                signal.corrected_on = signal.correct_by - dt.timedelta(days=3)
                signal.resolution_note = "Inwoner heeft de inkomsten zelf doorgegeven."
            if stage == "closed":
                signal.closed_on, signal.closed_by_id = signal.correct_by, caseworker
                signal.resolution_note = "Bleek vrijwilligerswerk met een onkostenvergoeding."
            if stage == "correction_requested":
                signal.status = "recorded"  # the real service sends the letter below
            signals.append(signal)
            self.event(pk, received, "Signaal niet gemelde inkomsten vastgelegd", caseworker)
        IncomeSignal.objects.bulk_create(signals)
        for i, signal in enumerate(signals):
            if stages[i % len(stages)] == "correction_requested":
                actor = User.objects.get(pk=signal.recorded_by_id)
                try:
                    services.request_correction(signal, actor=actor, expected_version=signal.version)
                except ValidationError:
                    log.warning("demo: no correction letter for signal %s", signal.pk, exc_info=True)
        self.counts["signalen inkomsten"] = len(signals)

    def _objections(self):
        made = 0
        decided = [m for m in self.history if m.outcome != "no_blame"
                   and self.today - m.decided_on <= dt.timedelta(weeks=6)]
        decided = decided or [m for m in self.history if m.outcome != "no_blame"]
        rows = []
        if decided:
            measure = decided[-1]
            received = min(self.today, measure.decided_on + dt.timedelta(days=self.rng.randint(5, 30)))
            deadlines = rules.objection_deadlines("objection", received_on=received, decision_date=measure.decided_on)
            rows.append(Objection(
                resident_id=measure.resident_id, kind="objection", decision_kind="measure", measure=measure,
                decision_date=measure.decided_on, subject="Ik was ziek op de dag van de afspraak en kon niet bellen.",
                received_on=received, filing_deadline=deadlines.filing_deadline,
                filed_in_time=deadlines.filed_in_time, respond_by=deadlines.respond_by,
                recorded_by_id=measure.proposed_by_id, rule=deadlines.rule[:300]))
        if self.residents:
            row = self.rng.choice(self.residents)
            received = self.today - dt.timedelta(days=self.rng.randint(3, 30))
            deadlines = rules.objection_deadlines("complaint", received_on=received, decision_date=None)
            rows.append(Objection(
                resident_id=row[0], kind="complaint", decision_kind="other",
                subject="Ik werd aan de telefoon onvriendelijk te woord gestaan.", received_on=received,
                respond_by=deadlines.respond_by, recorded_by_id=row[1], rule=deadlines.rule[:300]))
        Objection.objects.bulk_create(rows)
        made = len(rows)
        for objection in rows:
            Task.objects.create(resident_id=objection.resident_id, kind=Task.Kind.OTHER,
                                title=f"{objection.get_kind_display()} afhandelen (ontvangen "
                                      f"{objection.received_on:%d-%m-%Y})",
                                due_on=objection.respond_by, source_key=f"objection:{objection.pk}",
                                rule=objection.rule[:200], assigned_to_id=objection.recorded_by_id)
        self.counts["bezwaren en klachten"] = made


def seed_obligations(municipality, rng: random.Random, today: dt.date):
    """Demo exemptions, measures, signals and objections for `municipality` (see the module docstring).

    Returns counts for the seed summary (empty when the profile has no measures block)."""
    counts = _Seeder(municipality, rng, today).run()
    worklist_facts.refresh_municipality(municipality)  # written in bulk: no signals kept the worklist facts
    return counts
