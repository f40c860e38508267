"""The guidance loop's records: tasks (the to-dos that rules hand to people), conversations, action plans (plan van
aanpak) with their steps and versions, the end of guidance and re-orientation to another route.

History is never overwritten: a revised plan is a new version, an ending and a re-orientation are records of their
own, and every routing decision keeps the policy profile version and the rule that produced it (DESIGN §4.3).
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meedoen.residents.models import validate_not_in_future


class Task(models.Model):
    class Kind(models.TextChoices):
        HOME_VISIT = "home_visit", _("Huisbezoek")
        MEASURE_PROPOSAL = "measure_proposal", _("Voorstel maatregel")
        CONTACT = "contact", _("Contact opnemen")
        PLAN_REVIEW = "plan_review", _("Plan evalueren")
        EXEMPTION_CHECK = "exemption_check", _("Ontheffing beoordelen")
        HELP_REFERRAL = "help_referral", _("Hulp regelen")
        MOTIVATION = "motivation", _("Motiverend gesprek")
        SUMMONS = "summons", _("Oproep met gevolgen")
        OTHER = "other", _("Overig")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Gedaan")
        CANCELLED = "cancelled", _("Vervallen")

    resident = models.ForeignKey("residents.Resident", on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("omschrijving"), max_length=200)
    due_on = models.DateField(_("uiterlijk op"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks"
    )
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome_note = models.TextField(_("uitkomst"), blank=True)
    # Traceability (DESIGN §4.3): which profile version and rule produced this task.
    policy_profile = models.ForeignKey(
        "policy.PolicyProfile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rule = models.CharField(max_length=200, blank=True)
    source_key = models.CharField(
        max_length=120, blank=True,
        help_text="Idempotency key of the step that created the task (e.g. 'noshow:<outreach id>:3').",
    )

    class Meta:
        verbose_name = _("taak")
        verbose_name_plural = _("taken")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["assigned_to", "status", "due_on"]), models.Index(fields=["resident", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "source_key"], condition=~models.Q(source_key=""), name="unique_task_per_step"
            )
        ]

    def __str__(self):
        return self.title


class Route(models.TextChoices):
    """The route a resident's plan follows. Re-orientation moves a resident to another route without starting over."""

    PARTICIPATION = "participation", _("Meedoen (tegenprestatie, vrijwilligerswerk, activiteiten)")
    WORK = "work", _("Naar betaald werk")
    BARRIERS = "barriers", _("Eerst werken aan eigen belemmeringen (gezondheid, schulden)")
    LANGUAGE = "language", _("Nederlands leren")
    CARE = "care", _("Zorgen voor een ander (mantelzorg, kinderen)")


class Conversation(models.Model):
    """A conversation with the resident: where, with whom, what was discussed, what the resident wants and can, and
    for any refusal the why — can't or won't (DESIGN §4.5)."""

    class Where(models.TextChoices):
        OFFICE = "office", _("Op kantoor")
        VENUE = "venue", _("In de wijk (Huis van de Wijk of andere plek)")
        HOME = "home", _("Bij de inwoner thuis")
        PHONE = "phone", _("Telefonisch")
        VIDEO = "video", _("Videobellen")

    class Refusal(models.TextChoices):
        NONE = "none", _("Nee, niets geweigerd")
        CANT = "cant", _("Ja, omdat het niet kan (kan niet)")
        WONT = "wont", _("Ja, omdat de inwoner het niet wil (wil niet)")

    class CantReason(models.TextChoices):
        HEALTH = "health", _("Gezondheid")
        CARE_DUTIES = "care_duties", _("Zorgtaken (kinderen, mantelzorg)")
        LANGUAGE = "language", _("Taal")
        DEBTS = "debts", _("Schulden")
        CRISIS = "crisis", _("Crisis (wonen, geweld, detentie)")

    resident = models.ForeignKey("residents.Resident", on_delete=models.CASCADE, related_name="conversations")
    held_on = models.DateField(_("datum van het gesprek"), validators=[validate_not_in_future])
    where = models.CharField(_("waar"), max_length=10, choices=Where.choices)
    venue = models.ForeignKey(
        "organisation.Venue", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("locatie"),
    )
    with_whom = models.CharField(
        _("met wie"), max_length=200, blank=True,
        help_text=_("Wie was er naast de inwoner bij? Bijvoorbeeld partner, tolk, buurtteam."),
    )
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("gevoerd door")
    )
    discussed = models.TextField(_("wat is besproken"))
    wishes = models.TextField(_("wat wil de inwoner zelf?"), blank=True)
    talents = models.TextField(_("talenten en wat goed gaat"), blank=True)
    refusal = models.CharField(
        _("heeft de inwoner iets geweigerd?"), max_length=4, choices=Refusal.choices, default=Refusal.NONE
    )
    refused_what = models.CharField(_("wat is geweigerd?"), max_length=200, blank=True)
    cant_reason = models.CharField(_("waarom kan het niet?"), max_length=12, choices=CantReason.choices, blank=True)
    refusal_explanation = models.TextField(_("toelichting op de weigering"), blank=True)
    # The routing of a refusal (DESIGN §4.3, §4.5): the task it produced, the rule, the profile version.
    routing = models.CharField(_("vervolg"), max_length=20, choices=Task.Kind.choices, blank=True)
    routing_rule = models.CharField(max_length=300, blank=True)
    policy_profile = models.ForeignKey(
        "policy.PolicyProfile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    task = models.ForeignKey(Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("gesprek")
        verbose_name_plural = _("gesprekken")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["resident", "-held_on"])]

    def __str__(self):
        return f"{self.get_where_display()} {self.held_on:%d-%m-%Y}"

    def clean(self):
        errors = {}
        if self.refusal == self.Refusal.CANT and not self.cant_reason:
            errors["cant_reason"] = _("Kies waarom het niet kan.")
        if self.refusal != self.Refusal.CANT and self.cant_reason:
            errors["cant_reason"] = _("Een reden waarom het niet kan, hoort alleen bij 'kan niet'.")
        if self.refusal != self.Refusal.NONE and not self.refused_what.strip():
            errors["refused_what"] = _("Schrijf op wat de inwoner heeft geweigerd.")
        if errors:
            raise ValidationError(errors)


HOURS_VALIDATORS = [MinValueValidator(0), MaxValueValidator(40)]


class ActionPlanQuerySet(models.QuerySet):
    def signed(self):
        return self.filter(status=ActionPlan.Status.SIGNED)

    def current(self):
        """The versions that are not history: the signed plan in force and a draft revision, if any."""
        return self.filter(status__in=[ActionPlan.Status.DRAFT, ActionPlan.Status.SIGNED])


class ActionPlan(models.Model):
    """One version of a resident's plan van aanpak. A revision is a new version; the previous signed version stays in
    force until the revision is signed and only then becomes superseded (an agreement holds until a new one is
    agreed). At most one draft and one signed version per resident."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Concept")
        SIGNED = "signed", _("Ondertekend")
        SUPERSEDED = "superseded", _("Vervangen")

    class SignatureMethod(models.TextChoices):
        PAPER = "paper", _("Op papier getekend")
        VERBAL = "verbal", _("Mondeling akkoord, vastgelegd door de klantmanager")
        PORTAL = "portal", _("Ondertekend in het portaal")

    resident = models.ForeignKey("residents.Resident", on_delete=models.CASCADE, related_name="action_plans")
    version = models.PositiveIntegerField(_("versie"))
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("vorige versie")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    route = models.CharField(_("route"), max_length=20, choices=Route.choices, default=Route.PARTICIPATION)
    goals = models.TextField(_("doelen"))
    capacity_hours_per_week = models.DecimalField(
        _("vermogen in uren per week"), max_digits=4, decimal_places=1, validators=HOURS_VALIDATORS,
        help_text=_("Hoeveel uur per week kan de inwoner nu aan? Naar vermogen: een vrijwilligersplek is officieel "
                    "20 uur, gemiddeld 10, en begint soms met 4."),
    )
    capacity_note = models.CharField(_("toelichting op het vermogen"), max_length=300, blank=True)
    over_capacity_reason = models.TextField(_("reden voor meer uren dan het vermogen"), blank=True)
    review_on = models.DateField(_("evaluatiedatum"))
    signed_on = models.DateField(_("ondertekend op"), null=True, blank=True)
    signature_method = models.CharField(
        _("ondertekend hoe"), max_length=10, choices=SignatureMethod.choices, blank=True
    )
    signature_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    portal_signature_requested_on = models.DateField(_("klaargezet in het portaal op"), null=True, blank=True)
    superseded_on = models.DateField(_("vervangen op"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("gemaakt door")
    )
    created_at = models.DateTimeField(default=timezone.now)
    policy_profile = models.ForeignKey(
        "policy.PolicyProfile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ActionPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan van aanpak")
        verbose_name_plural = _("plannen van aanpak")
        ordering = ["-version"]
        indexes = [models.Index(fields=["resident", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["resident", "version"], name="unique_plan_version"),
            models.UniqueConstraint(
                fields=["resident"], condition=models.Q(status="signed"), name="one_signed_plan_per_resident"
            ),
            models.UniqueConstraint(
                fields=["resident"], condition=models.Q(status="draft"), name="one_draft_plan_per_resident"
            ),
        ]

    def __str__(self):
        return f"Plan van aanpak v{self.version} ({self.get_status_display()})"

    @property
    def total_hours(self):
        return sum((step.hours_per_week for step in self.steps.all()), start=0)

    @property
    def over_capacity(self):
        return self.total_hours > self.capacity_hours_per_week


class PlanStep(models.Model):
    """An agreed activity or step: what, how many hours a week (naar vermogen), and who does it."""

    class Kind(models.TextChoices):
        VOLUNTEERING = "volunteering", _("Vrijwilligerswerk")
        INFORMAL_CARE = "informal_care", _("Mantelzorg")
        LANGUAGE = "language", _("Nederlands leren")
        MOVEMENT = "movement", _("Bewegen en gezondheid")
        OWN_BARRIERS = "own_barriers", _("Werken aan eigen belemmeringen (schulden, gezondheid)")
        MEETING = "meeting", _("Meedoen in de wijk (ontmoeten, activiteiten)")
        COURSE = "course", _("Cursus of training")
        WORK = "work", _("Werk of werkervaring")
        OTHER = "other", _("Iets anders")

    class Responsible(models.TextChoices):
        RESIDENT = "resident", _("De inwoner")
        CASEWORKER = "caseworker", _("De klantmanager")
        PARTNER = "partner", _("Een partnerorganisatie")
        OTHER = "other", _("Iemand anders")

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("wat gaat er gebeuren?"), max_length=300)
    hours_per_week = models.DecimalField(
        _("uren per week"), max_digits=4, decimal_places=1, default=0, validators=HOURS_VALIDATORS
    )
    responsible = models.CharField(_("wie doet het?"), max_length=12, choices=Responsible.choices)
    responsible_name = models.CharField(_("naam (organisatie of persoon)"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("afspraak in het plan")
        verbose_name_plural = _("afspraken in het plan")
        ordering = ["plan", "position", "id"]

    def __str__(self):
        return self.description


class GuidanceEnding(models.Model):
    """The end of guidance, with the stated reason and an end-of-support review (DESIGN §8)."""

    class Reason(models.TextChoices):
        WORK = "work", _("Werk gevonden")
        MOVED = "moved", _("Verhuisd naar een andere gemeente")
        OTHER_BENEFIT = "other_benefit", _("Andere uitkering of ander inkomen")
        DECEASED = "deceased", _("Overleden")
        REFUSED_RESPECTED = "refused_respected", _("Wil geen begeleiding; dat respecteren we")
        OTHER = "other", _("Andere reden")

    resident = models.ForeignKey("residents.Resident", on_delete=models.CASCADE, related_name="guidance_endings")
    ended_on = models.DateField(_("einddatum"), validators=[validate_not_in_future])
    reason = models.CharField(_("reden"), max_length=20, choices=Reason.choices)
    explanation = models.TextField(_("toelichting op de reden"))
    review = models.TextField(_("terugblik op de begeleiding"))
    plan = models.ForeignKey(
        ActionPlan, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("plan van aanpak bij het einde"),
    )
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    policy_profile = models.ForeignKey(
        "policy.PolicyProfile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("einde begeleiding")
        verbose_name_plural = _("einde begeleiding")
        ordering = ["-ended_on", "-id"]
        indexes = [models.Index(fields=["resident", "-ended_on"])]


class Reorientation(models.Model):
    """A move to another route. Keeps the history: the previous plan stays, a new plan version follows from it, and
    ended guidance is reopened rather than started over (DESIGN §8)."""

    resident = models.ForeignKey("residents.Resident", on_delete=models.CASCADE, related_name="reorientations")
    on_date = models.DateField(_("datum"))
    from_route = models.CharField(_("van route"), max_length=20, choices=Route.choices, blank=True)
    to_route = models.CharField(_("naar route"), max_length=20, choices=Route.choices)
    reason = models.TextField(_("waarom een andere route?"))
    reopened = models.BooleanField(_("begeleiding heropend"), default=False)
    ending = models.ForeignKey(
        GuidanceEnding, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("heropend na"),
    )
    plan = models.ForeignKey(
        ActionPlan, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("nieuwe versie van het plan"),
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    policy_profile = models.ForeignKey(
        "policy.PolicyProfile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("heroriëntatie")
        verbose_name_plural = _("heroriëntaties")
        ordering = ["-on_date", "-id"]
        indexes = [models.Index(fields=["resident", "-on_date"])]
