"""Obligations, exemptions and measures (Participatiewet art. 9, 9a, 18, 18b), signals of unreported income, and
objections and complaints against decisions.

History is never overwritten. A decided measure is frozen: later edits to the dossier do not change it; only a
recorded reconsideration (art. 18 lid 3) or an objection changes its course, and each keeps the policy profile version
and the rule that produced it (DESIGN §4.3, §8).

For the payment calculation (meedoen.money): a measure reduces the norm by `percentage` in every calendar month from
`starts_on` to `ends_on` (both inclusive) while it is in force — see `Measure.objects.reducing_on()` and
`Measure.reduces_norm`.
"""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ObligationCode(models.TextChoices):
    """The obligations a measure can be about (art. 9 lid 1, art. 18b, and the duty to come to appointments)."""

    WORK = "work", _("Werk zoeken en aanvaarden (art. 9 lid 1a)")
    REINTEGRATION = "reintegration", _("Meewerken aan re-integratie en het plan van aanpak (art. 9 lid 1b)")
    RECIPROCITY = "reciprocity", _("Tegenprestatie / maatschappelijke participatie (art. 9 lid 1c)")
    APPOINTMENTS = "appointments", _("Op afspraken komen (art. 17 lid 2)")
    LANGUAGE = "language", _("Nederlandse taal leren (art. 18b)")
    OTHER = "other", _("Andere verplichting")


class MeasureQuerySet(models.QuerySet):
    def in_force(self):
        """Decided measures that reduce the norm (a decision of 'no blame' or an adjustment to 0 % reduces nothing)."""
        return self.filter(status__in=Measure.IN_FORCE_STATUSES, outcome__in=Measure.REDUCING_OUTCOMES,
                           percentage__gt=0, starts_on__isnull=False, ends_on__isnull=False)

    def reducing_on(self, day):
        """Measures that reduce the norm on `day` (use the first of a month for a monthly calculation)."""
        return self.in_force().filter(starts_on__lte=day, ends_on__gte=day)

    def awaiting_decision(self):
        return self.filter(status__in=[Measure.Status.PROPOSED, Measure.Status.HEARING])


class Measure(models.Model):
    """A maatregel (art. 18 Participatiewet): proposal → hearing → decision by a second person → reconsideration.

    The decision applies the municipality's verordening as data in the policy profile (`extra.measures`), or one of
    the statutory regimes (uniform work obligations, art. 18 lid 4–8; language requirement, art. 18b). The pure rule
    is obligations.rules.decide_measure().
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Voorgesteld")
        HEARING = "hearing", _("Inwoner wordt gehoord")
        DECIDED = "decided", _("Besloten")
        RECONSIDERED = "reconsidered", _("Heroverwogen")
        WITHDRAWN = "withdrawn", _("Ingetrokken")

    class Outcome(models.TextChoices):
        MEASURE = "measure", _("Maatregel: de uitkering wordt verlaagd")
        NO_BLAME = "no_blame", _("Geen maatregel: niet verwijtbaar (art. 18 lid 9)")
        ADJUSTED = "adjusted", _("Maatregel aangepast om dringende redenen (art. 18 lid 10)")

    class Regime(models.TextChoices):
        ORDINANCE = "ordinance", _("Maatregelenverordening van de gemeente")
        WORK_OBLIGATIONS = "work_obligations", _("Uniforme arbeidsverplichtingen (art. 18 lid 4–8)")
        LANGUAGE = "language", _("Taaleis (art. 18b)")

    class Blame(models.TextChoices):
        FULL = "full", _("Verwijtbaar")
        REDUCED = "reduced", _("Verminderd verwijtbaar")
        NONE = "none", _("Niet verwijtbaar")

    class Source(models.TextChoices):
        NO_SHOW_LADDER = "no_show_ladder", _("No-showladder")
        CASEWORKER = "caseworker", _("Klantmanager")

    IN_FORCE_STATUSES = (Status.DECIDED, Status.RECONSIDERED)
    REDUCING_OUTCOMES = (Outcome.MEASURE, Outcome.ADJUSTED)

    resident = models.ForeignKey("residents.Resident", on_delete=models.CASCADE, related_name="measures")
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.PROPOSED)
    source = models.CharField(_("aanleiding"), max_length=20, choices=Source.choices, default=Source.CASEWORKER)
    source_task = models.ForeignKey(
        "guidance.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("taak voorstel maatregel"),
    )
    regime = models.CharField(_("regeling"), max_length=20, choices=Regime.choices, default=Regime.ORDINANCE)
    breached_obligation = models.CharField(_("welke verplichting is niet nagekomen?"), max_length=20,
                                           choices=ObligationCode.choices)
    category = models.CharField(
        _("categorie uit de verordening"), max_length=40, blank=True,
        help_text=_("De categorie van de gedraging volgens de maatregelenverordening."),
    )
    facts = models.TextField(_("wat is er gebeurd? (feiten)"))
    occurred_on = models.DateField(_("datum van de gedraging"))
    blame = models.CharField(_("verwijtbaarheid"), max_length=10, choices=Blame.choices)
    blame_note = models.TextField(_("toelichting op de verwijtbaarheid"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("voorgesteld door")
    )
    proposed_on = models.DateField(_("voorgesteld op"))

    # The decision (four eyes: decided_by is never proposed_by).
    outcome = models.CharField(_("besluit"), max_length=10, choices=Outcome.choices, blank=True)
    percentage = models.DecimalField(
        _("verlaging in procenten van de norm"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    months = models.PositiveSmallIntegerField(_("aantal maanden"), null=True, blank=True)
    spread_over_months = models.PositiveSmallIntegerField(
        _("verlaging verdeeld over maanden"), null=True, blank=True,
        help_text=_("Bij de uniforme arbeidsverplichtingen mag de verlaging over ten hoogste 3 maanden worden "
                    "verdeeld (art. 18 lid 7)."),
    )
    starts_on = models.DateField(_("verlaging vanaf"), null=True, blank=True)
    ends_on = models.DateField(_("verlaging tot en met"), null=True, blank=True)
    repeat_count = models.PositiveSmallIntegerField(
        _("eerdere maatregelen in 12 maanden"), default=0,
        help_text=_("Hoeveel maatregelen in de 12 maanden voor de gedraging zijn besloten (herhaling)."),
    )
    urgent_reasons = models.TextField(_("dringende redenen (art. 18 lid 10)"), blank=True)
    decision_grounds = models.TextField(_("motivering van het besluit"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("besloten door"),
    )
    decided_on = models.DateField(_("besloten op"), null=True, blank=True)
    objection_deadline = models.DateField(_("bezwaar mogelijk tot en met"), null=True, blank=True)
    reconsider_by = models.DateField(_("heroverwegen uiterlijk"), null=True, blank=True)
    letter = models.ForeignKey(
        "letters.Letter", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("beschikking"),
    )
    policy_profile = models.ForeignKey(
        "policy.PolicyProfile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rule = models.CharField(max_length=300, blank=True)

    # Reconsideration within 3 months (art. 18 lid 3).
    reconsidered_on = models.DateField(_("heroverwogen op"), null=True, blank=True)
    reconsidered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("heroverwogen door"),
    )
    reconsideration_note = models.TextField(_("uitkomst van de heroverweging"), blank=True)

    withdrawn_reason = models.TextField(_("reden van intrekken"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic locking
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("maatregel")
        verbose_name_plural = _("maatregelen")
        ordering = ["-proposed_on", "-id"]
        indexes = [
            models.Index(fields=["resident", "status"]),
            models.Index(fields=["status", "starts_on", "ends_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(percentage__isnull=True) | (Q(percentage__gte=0) & Q(percentage__lte=100)),
                name="measure_percentage_0_100",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("proposed_by")),
                name="measure_four_eyes",
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="measure_period_in_order",
            ),
            models.UniqueConstraint(fields=["source_task"], condition=Q(source_task__isnull=False),
                                    name="one_measure_per_proposal_task"),
        ]

    def __str__(self):
        return f"{self.get_breached_obligation_display()} ({self.get_status_display()})"

    @property
    def is_open(self):
        return self.status in (self.Status.PROPOSED, self.Status.HEARING)

    @property
    def reduces_norm(self):
        return (self.status in self.IN_FORCE_STATUSES and self.outcome in self.REDUCING_OUTCOMES
                and self.percentage is not None and self.percentage > 0)


class Hearing(models.Model):
    """Hearing the resident before a measure is decided (Awb 4:8): a hoorzitting or conversation, a written
    zienswijze, no reaction within the stated period, or a recorded reason why hearing was not needed (Awb 4:11,
    4:12). A measure cannot be decided without one of these (obligations.rules.decision_problems)."""

    class Kind(models.TextChoices):
        HEARING = "hearing", _("Hoorzitting of gesprek")
        WRITTEN = "written", _("Schriftelijke zienswijze")
        NO_RESPONSE = "no_response", _("In de gelegenheid gesteld, geen reactie binnen de termijn")
        NOT_NEEDED = "not_needed", _("Horen was niet nodig (met reden)")

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="hearings")
    kind = models.CharField(_("hoe is de inwoner gehoord?"), max_length=15, choices=Kind.choices)
    invited_on = models.DateField(_("uitgenodigd of gevraagd op"), null=True, blank=True)
    respond_by = models.DateField(_("reageren uiterlijk"), null=True, blank=True)
    held_on = models.DateField(_("datum van het horen of de zienswijze"), null=True, blank=True)
    outcome = models.TextField(_("wat zei de inwoner? (uitkomst)"), blank=True)
    reason_not_needed = models.TextField(_("waarom was horen niet nodig?"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("horen")
        verbose_name_plural = _("horen")
        ordering = ["-created_at", "-id"]


class ExemptionQuerySet(models.QuerySet):
    def in_force_on(self, day):
        return self.filter(status=Exemption.Status.ACTIVE, starts_on__lte=day).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=day)
        )


class Exemption(models.Model):
    """An ontheffing of obligations (art. 9 lid 2, 9 lid 5, 9a), with its grounds, an evidence note and an end or
    review date. The worklist reminds before it ends or must be reviewed (signal 'exemption_review_due')."""

    class Kind(models.TextChoices):
        URGENT_REASONS = "urgent_reasons", _("Tijdelijk om dringende redenen (art. 9 lid 2)")
        SOCIAL_MEDICAL = "social_medical", _("Sociale of medische redenen (art. 9 lid 2)")
        CARE_DUTIES = "care_duties", _("Zorgtaken (art. 9 lid 2)")
        SINGLE_PARENT = "single_parent", _("Alleenstaande ouder met kind onder 5 jaar (art. 9a)")
        FULL_INCAPACITY = "full_incapacity", _("Volledig en duurzaam arbeidsongeschikt (art. 9 lid 5)")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Loopt")
        ENDED = "ended", _("Beëindigd")

    resident = models.ForeignKey("residents.Resident", on_delete=models.CASCADE, related_name="exemptions")
    kind = models.CharField(_("soort ontheffing"), max_length=20, choices=Kind.choices)
    covers = models.JSONField(
        _("ontheffing van"), default=list,
        help_text=_("De verplichtingen waarvoor de ontheffing geldt (codes uit ObligationCode)."),
    )
    grounds = models.TextField(_("redenen (gronden)"))
    evidence_note = models.TextField(_("onderbouwing (bijv. advies arts, verklaring)"), blank=True)
    requested_on = models.DateField(_("aangevraagd op"), null=True, blank=True)
    child_date_of_birth = models.DateField(
        _("geboortedatum jongste kind"), null=True, blank=True,
        help_text=_("Bij een ontheffing voor een alleenstaande ouder (art. 9a): het kind waarvoor de ontheffing geldt. "
                    "Alle ontheffingen voor hetzelfde kind samen duren hoogstens 5 jaar."),
    )
    starts_on = models.DateField(_("vanaf"))
    ends_on = models.DateField(_("tot en met"), null=True, blank=True)
    review_on = models.DateField(_("opnieuw bekijken uiterlijk"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    ended_on = models.DateField(_("beëindigd op"), null=True, blank=True)
    end_reason = models.TextField(_("reden van beëindigen"), blank=True)
    last_reviewed_on = models.DateField(_("laatst bekeken op"), null=True, blank=True)
    review_note = models.TextField(_("uitkomst laatste beoordeling"), blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("verleend door")
    )
    policy_profile = models.ForeignKey(
        "policy.PolicyProfile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rule = models.CharField(max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ExemptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("ontheffing")
        verbose_name_plural = _("ontheffingen")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["resident", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                                   name="exemption_period_in_order"),
        ]

    def __str__(self):
        return self.get_kind_display()

    @property
    def next_date(self):
        """The date the worklist reminds of: the review date, or the end when that comes first."""
        dates = [d for d in (self.review_on, self.ends_on) if d is not None]
        return min(dates) if dates else None


class IncomeSignal(models.Model):
    """A signal of unreported income (e.g. a neighbourhood team hears of undeclared earnings), with its source.

    The resident first gets a stated period to correct it themself; only after that period is the signal handed to
    enforcement (handhaving), which is a separate role (accounts.Role.ENFORCEMENT) that guidance staff do not perform.
    """

    class Source(models.TextChoices):
        NEIGHBOURHOOD_TEAM = "neighbourhood_team", _("Wijkteam of buurtteam")
        PROVIDER = "provider", _("Partnerorganisatie")
        CASEWORKER = "caseworker", _("Eigen waarneming klantmanager")
        DATA_MATCH = "data_match", _("Gegevensvergelijking (bijv. Inlichtingenbureau)")
        TIP = "tip", _("Melding van iemand anders")
        OTHER = "other", _("Anders")

    class Status(models.TextChoices):
        RECORDED = "recorded", _("Vastgelegd")
        CORRECTION_REQUESTED = "correction_requested", _("Inwoner gevraagd het zelf door te geven")
        CORRECTED = "corrected", _("Door de inwoner zelf doorgegeven")
        HANDED_OVER = "handed_over", _("Overgedragen aan handhaving")
        CLOSED = "closed", _("Afgesloten")

    class EnforcementOutcome(models.TextChoices):
        NO_FINDING = "no_finding", _("Geen onregelmatigheid gevonden")
        RECOVERY = "recovery", _("Terugvordering")
        FINE = "fine", _("Boete")
        REPORTED = "reported", _("Aangifte of proces-verbaal")
        OTHER = "other", _("Anders")

    resident = models.ForeignKey("residents.Resident", on_delete=models.CASCADE, related_name="income_signals")
    source = models.CharField(_("bron"), max_length=20, choices=Source.choices)
    source_detail = models.CharField(_("bron, toelichting"), max_length=200, blank=True)
    received_on = models.DateField(_("ontvangen op"))
    description = models.TextField(_("wat is er gemeld?"))
    status = models.CharField(_("status"), max_length=25, choices=Status.choices, default=Status.RECORDED)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    correction_requested_on = models.DateField(_("inwoner gevraagd op"), null=True, blank=True)
    correct_by = models.DateField(_("zelf doorgeven uiterlijk"), null=True, blank=True)
    letter = models.ForeignKey("letters.Letter", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    task = models.ForeignKey("guidance.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    corrected_on = models.DateField(_("doorgegeven op"), null=True, blank=True)
    resolution_note = models.TextField(_("toelichting"), blank=True)
    handed_over_on = models.DateField(_("overgedragen op"), null=True, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    enforcement_outcome = models.CharField(_("uitkomst handhaving"), max_length=15,
                                           choices=EnforcementOutcome.choices, blank=True)
    enforcement_note = models.TextField(_("toelichting handhaving"), blank=True)
    closed_on = models.DateField(_("afgesloten op"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    policy_profile = models.ForeignKey(
        "policy.PolicyProfile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("signaal niet gemelde inkomsten")
        verbose_name_plural = _("signalen niet gemelde inkomsten")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["resident", "status"]), models.Index(fields=["status", "handed_over_on"])]

    def __str__(self):
        return f"{self.get_source_display()} {self.received_on:%d-%m-%Y}"


class Objection(models.Model):
    """A bezwaar (objection, Awb 6:7: within 6 weeks of the decision; decided within 6 weeks, 12 with an advisory
    committee, Awb 7:10) or a klacht (complaint, handled within 6 weeks, 10 with a committee, Awb 9:11) against a
    decision, recorded with its deadlines."""

    class Kind(models.TextChoices):
        OBJECTION = "objection", _("Bezwaar")
        COMPLAINT = "complaint", _("Klacht")

    class DecisionKind(models.TextChoices):
        MEASURE = "measure", _("Maatregel")
        EXEMPTION = "exemption", _("Ontheffing")
        PAYMENT = "payment", _("Uitkering of berekening")
        OTHER = "other", _("Anders")

    class Status(models.TextChoices):
        OPEN = "open", _("In behandeling")
        HANDLED = "handled", _("Afgehandeld")
        WITHDRAWN = "withdrawn", _("Ingetrokken")

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Gegrond")
        PARTLY = "partly", _("Gedeeltelijk gegrond")
        REJECTED = "rejected", _("Ongegrond")
        INADMISSIBLE = "inadmissible", _("Niet-ontvankelijk")

    resident = models.ForeignKey("residents.Resident", on_delete=models.CASCADE, related_name="objections")
    kind = models.CharField(_("soort"), max_length=10, choices=Kind.choices)
    decision_kind = models.CharField(_("tegen welk besluit?"), max_length=10, choices=DecisionKind.choices)
    measure = models.ForeignKey(Measure, on_delete=models.RESTRICT, null=True, blank=True, related_name="objections")
    exemption = models.ForeignKey(Exemption, on_delete=models.RESTRICT, null=True, blank=True,
                                  related_name="objections")
    decision_date = models.DateField(_("datum van het besluit"), null=True, blank=True)
    subject = models.TextField(_("waar gaat het over?"))
    received_on = models.DateField(_("ontvangen op"))
    filing_deadline = models.DateField(_("uiterste datum om bezwaar te maken"), null=True, blank=True)
    filed_in_time = models.BooleanField(_("op tijd ingediend"), default=True)
    with_committee = models.BooleanField(_("met adviescommissie"), default=False)
    respond_by = models.DateField(_("afhandelen uiterlijk"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(_("uitkomst"), max_length=15, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("toelichting op de uitkomst"), blank=True)
    handled_on = models.DateField(_("afgehandeld op"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rule = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("bezwaar of klacht")
        verbose_name_plural = _("bezwaren en klachten")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["resident", "status"]), models.Index(fields=["status", "respond_by"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.received_on:%d-%m-%Y}"
