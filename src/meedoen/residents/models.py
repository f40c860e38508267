"""The resident dossier, caseworker assignment history, and the dossier timeline."""
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import choices
from .bsn import validate_bsn


def validate_not_in_future(value):
    if value and value > timezone.localdate():
        raise ValidationError(_("Deze datum ligt in de toekomst."))


class Resident(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey("organisation.Municipality", on_delete=models.PROTECT, related_name="residents")

    # Personal data
    first_name = models.CharField(_("voornaam"), max_length=80)
    name_prefix = models.CharField(_("tussenvoegsel"), max_length=20, blank=True)
    last_name = models.CharField(_("achternaam"), max_length=120)
    bsn = models.CharField(_("BSN"), max_length=9, validators=[validate_bsn])
    date_of_birth = models.DateField(_("geboortedatum"), validators=[validate_not_in_future])
    street = models.CharField(_("straat"), max_length=120, blank=True)
    house_number = models.CharField(_("huisnummer"), max_length=12, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    city = models.CharField(_("woonplaats"), max_length=80, blank=True)
    neighbourhood = models.ForeignKey(
        "organisation.Neighbourhood", on_delete=models.PROTECT, related_name="residents", verbose_name=_("wijk")
    )
    phone = models.CharField(_("telefoon"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    # Household and benefit
    household_type = models.CharField(
        _("huishouden"), max_length=30, choices=choices.HouseholdType.choices, default=choices.HouseholdType.SINGLE
    )
    children_count = models.PositiveSmallIntegerField(_("aantal kinderen"), default=0)
    youngest_child_date_of_birth = models.DateField(
        _("geboortedatum jongste kind"), null=True, blank=True, validators=[validate_not_in_future]
    )
    benefit_start_date = models.DateField(_("bijstand sinds"), validators=[validate_not_in_future])

    # Education, work, language
    education_level = models.CharField(_("opleiding"), max_length=10, choices=choices.EducationLevel.choices)
    work_experience_years = models.PositiveSmallIntegerField(_("werkervaring (jaren)"), default=0)
    last_paid_work_year = models.PositiveSmallIntegerField(_("laatste betaalde werk (jaar)"), null=True, blank=True)
    work_history = models.TextField(_("werkgeschiedenis"), blank=True)
    dutch_language_level = models.CharField(_("Nederlandse taal"), max_length=8, choices=choices.LanguageLevel.choices)

    # Barriers, structured, with free-text notes
    physical_health = models.CharField(
        _("lichamelijke gezondheid"), max_length=10, choices=choices.HealthLimitation.choices, default="none"
    )
    mental_health = models.CharField(
        _("psychische gezondheid"), max_length=10, choices=choices.HealthLimitation.choices, default="none"
    )
    debts = models.CharField(_("schulden"), max_length=12, choices=choices.Debts.choices, default="none")
    addiction = models.CharField(_("verslaving"), max_length=12, choices=choices.Addiction.choices, default="none")
    isolation = models.CharField(_("sociaal isolement"), max_length=10, choices=choices.Isolation.choices, default="none")
    social_circumstances = models.CharField(
        _("sociale omstandigheden"), max_length=15, choices=choices.SocialCircumstances.choices, default="stable"
    )
    care_duties = models.CharField(
        _("zorgtaken"), max_length=15, choices=choices.CareDuties.choices, default="none"
    )
    barrier_notes = models.TextField(_("toelichting belemmeringen"), blank=True)
    interests = models.TextField(_("interesses en talenten"), blank=True)
    indications = models.CharField(
        _("indicaties"), max_length=300, blank=True,
        help_text=_("Indicaties die de inwoner heeft, bijv. Wmo-indicatie dagbesteding. Meer dan één: scheid met een "
                    "komma."),
    )

    # Guidance state (denormalised from history for fast worklists; history is the source of truth)
    intensity = models.CharField(
        _("intensiteit"), max_length=10, choices=choices.Intensity.choices, default=choices.Intensity.LIGHT
    )
    current_caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="caseload",
        verbose_name=_("klantmanager"),
    )
    segment = models.CharField(_("segment"), max_length=30, blank=True)
    estimated_months_to_work = models.PositiveSmallIntegerField(_("geschatte maanden tot werk"), null=True, blank=True)
    ladder_step = models.PositiveSmallIntegerField(_("trede participatieladder"), null=True, blank=True)
    last_assessed_on = models.DateField(_("laatst ingeschat"), null=True, blank=True)
    # Follow-up (DESIGN §4.1): every resident in guidance always has a next-contact date. Kept up to date by
    # meedoen.guidance.followup from the plan and the profile's contact norms.
    last_contact_on = models.DateField(_("laatste contact"), null=True, blank=True)
    next_contact_on = models.DateField(_("volgend contact uiterlijk"), null=True, blank=True)
    next_contact_rule = models.CharField(_("regel volgend contact"), max_length=200, blank=True)
    guidance_status = models.CharField(
        _("begeleiding"), max_length=12, choices=[("active", _("Actief")), ("ended", _("Beëindigd"))],
        default="active",
    )

    # Worklist facts: copies of dates from other records, kept current by meedoen.guidance.facts (signals, services
    # and a nightly check), so the worklist reads one table. Never edited by hand.
    first_conversation_on = models.DateField(_("eerste gesprek"), null=True, blank=True, editable=False)
    signed_plan_review_on = models.DateField(_("evaluatie ondertekend plan"), null=True, blank=True, editable=False)
    has_draft_plan = models.BooleanField(_("concept plan van aanpak"), default=False, editable=False)
    last_ladder_on = models.DateField(_("laatste meting participatieladder"), null=True, blank=True, editable=False)
    last_placed_on = models.DateField(_("laatste plaatsing bij partner"), null=True, blank=True, editable=False)
    last_returned_on = models.DateField(_("laatst teruggemeld door partner"), null=True, blank=True, editable=False)
    exemption_due_on = models.DateField(_("ontheffing opnieuw bekijken"), null=True, blank=True, editable=False)

    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic locking
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("inwoner")
        verbose_name_plural = _("inwoners")
        ordering = ["last_name", "first_name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "bsn"], name="unique_bsn_per_municipality")]
        indexes = [
            models.Index(fields=["municipality", "last_name"]),
            models.Index(fields=["current_caseworker", "last_name"]),
            models.Index(fields=["neighbourhood"]),
            models.Index(fields=["segment"]),
            models.Index(fields=["date_of_birth"]),
            models.Index(fields=["current_caseworker", "next_contact_on"]),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return " ".join(part for part in (self.first_name, self.name_prefix, self.last_name) if part)

    def age_on(self, day):
        years = day.year - self.date_of_birth.year
        if (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day):
            years -= 1
        return years

    @property
    def age(self):
        return self.age_on(timezone.localdate())

    @property
    def bsn_masked(self):
        return f"*****{self.bsn[-4:]}" if self.bsn else ""


class CaseworkerAssignment(models.Model):
    """Every change of caseworker is kept: continuity is a success factor (DESIGN §4.2)."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="assignments")
    caseworker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")
    team = models.ForeignKey("organisation.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    started_on = models.DateField(_("vanaf"))
    ended_on = models.DateField(_("tot"), null=True, blank=True)
    reason = models.CharField(_("reden"), max_length=200, blank=True)
    handover_note = models.TextField(_("overdracht"), blank=True)
    # The resident agreed that the handover note may say something about health (guidance.health_terms): without
    # that, a note with health words is refused.
    consent_share_health = models.BooleanField(_("toestemming gezondheid in de overdracht"), default=False)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("toewijzing klantmanager")
        verbose_name_plural = _("toewijzingen klantmanager")
        ordering = ["-started_on", "-id"]
        indexes = [models.Index(fields=["resident", "-started_on"])]


class DossierEvent(models.Model):
    """One line in the dossier timeline, written by the service that made the change."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Ingeschreven")
        UPDATED = "updated", _("Gegevens gewijzigd")
        ASSESSMENT = "assessment", _("Inschatting")
        SEGMENT_OVERRIDE = "segment_override", _("Segment aangepast")
        LADDER = "ladder", _("Participatieladder")
        ZRM = "zrm", _("Zelfredzaamheid-Matrix")
        ASSIGNMENT = "assignment", _("Klantmanager")
        NOTE = "note", _("Notitie")
        TASK = "task", _("Taak")
        INVITATION = "invitation", _("Uitnodiging")
        APPOINTMENT = "appointment", _("Afspraak")
        NO_SHOW = "no_show", _("Niet gekomen")
        LETTER = "letter", _("Brief")
        CONVERSATION = "conversation", _("Gesprek")
        PLAN = "plan", _("Plan van aanpak")
        FOLLOW_UP = "follow_up", _("Vervolgcontact")
        ENDED = "ended", _("Begeleiding beëindigd")
        REORIENTATION = "reorientation", _("Heroriëntatie")
        REFERRAL = "referral", _("Doorverwijzing")

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="events")
    occurred_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    summary = models.CharField(max_length=300)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    policy_profile = models.ForeignKey(
        "policy.PolicyProfile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["resident", "-occurred_at", "-id"])]
