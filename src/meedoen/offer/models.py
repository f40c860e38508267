"""The offer side (aanbod): partner organisations (Provider) and their contracts with the municipality, the activity
catalogue (Activity), and provisions that remove a barrier (ProvisionType) granted against a resident's individual
budget (ProvisionGrant).

Policy as data: what a municipality allows (budget per resident per year, the amount above which a second person
approves, caps per provision kind) lives in the policy profile's settings under "provisions"; see
meedoen.offer.budget for the rules that read it.
"""
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meedoen.residents.choices import LanguageLevel

HOURS_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("40"))]
MONEY_VALIDATORS = [MinValueValidator(Decimal("0"))]


class ActivityCategory(models.TextChoices):
    VOLUNTEERING = "volunteering", _("Vrijwilligerswerk")
    INFORMAL_CARE = "informal_care", _("Mantelzorg (met mantelzorgcontract)")
    LANGUAGE = "language", _("Taal leren")
    MOVEMENT = "movement", _("Bewegen en sport")
    OWN_BARRIERS = "own_barriers", _("Werken aan eigen belemmeringen (schulden, gezondheid)")
    SOCIAL = "social", _("Ontmoeten")
    DAY_ACTIVITY = "day_activity", _("Arbeidsmatige dagbesteding")
    WORK_BRIGADE = "work_brigade", _("Werkbrigade")
    ONE_EURO_JOB = "one_euro_job", _("Ein-Euro-Job (werkgelegenheid met meerkostenvergoeding)")
    MUNICIPAL_JOB = "municipal_job", _("Tijdelijke baan bij de gemeente")
    IPS = "ips", _("IPS-traject (werk met begeleiding)")
    PAID_JOB = "paid_job", _("Betaalde baan")
    OTHER = "other", _("Anders")


# Categories that are a step towards or into paid work; used for project fatigue and reporting.
WORK_CATEGORIES = frozenset({"work_brigade", "one_euro_job", "municipal_job", "ips", "paid_job"})


class PhysicalLoad(models.TextChoices):
    LIGHT = "light", _("Licht (zittend of rustig)")
    MEDIUM = "medium", _("Gemiddeld")
    HEAVY = "heavy", _("Zwaar (veel staan, tillen)")


class Weekday(models.TextChoices):
    MONDAY = "mon", _("maandag")
    TUESDAY = "tue", _("dinsdag")
    WEDNESDAY = "wed", _("woensdag")
    THURSDAY = "thu", _("donderdag")
    FRIDAY = "fri", _("vrijdag")
    SATURDAY = "sat", _("zaterdag")
    SUNDAY = "sun", _("zondag")


class Provider(models.Model):
    """A partner organisation: welfare organisation, Vrijwilligerswinkel, sports club, care home, Werkbrigade, IPS team,
    or a help service (debt counselling, mental-health care, addiction care) that takes warm referrals."""

    class Kind(models.TextChoices):
        WELFARE = "welfare", _("Welzijnsorganisatie")
        VOLUNTEER_CENTRE = "volunteer_centre", _("Vrijwilligerscentrale / Vrijwilligerswinkel")
        COMMUNITY_CENTRE = "community_centre", _("Huis van de Wijk / buurthuis")
        SPORTS_CLUB = "sports_club", _("Sportvereniging")
        CARE_HOME = "care_home", _("Zorginstelling")
        WORK_COMPANY = "work_company", _("Werkbedrijf / Werkbrigade")
        EMPLOYER = "employer", _("Werkgever")
        IPS_TEAM = "ips_team", _("IPS-team")
        LANGUAGE_SCHOOL = "language_school", _("Taalaanbieder")
        DEBT_COUNSELLING = "debt_counselling", _("Schuldhulpverlening")
        MENTAL_HEALTH = "mental_health", _("Geestelijke gezondheidszorg (ggz)")
        ADDICTION_CARE = "addiction_care", _("Verslavingszorg")
        OTHER = "other", _("Anders")

    HELP_SERVICE_KINDS = frozenset({"debt_counselling", "mental_health", "addiction_care"})

    municipality = models.ForeignKey("organisation.Municipality", on_delete=models.CASCADE, related_name="providers")
    name = models.CharField(_("naam"), max_length=150)
    kind = models.CharField(_("soort"), max_length=30, choices=Kind.choices)
    neighbourhood = models.ForeignKey(
        "organisation.Neighbourhood", on_delete=models.SET_NULL, null=True, blank=True, related_name="providers",
        verbose_name=_("wijk"),
    )
    address = models.CharField(_("adres"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefoon"), max_length=20, blank=True)
    description = models.TextField(_("omschrijving"), blank=True)
    active = models.BooleanField(_("actief"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "name"], name="unique_provider_name")]

    def __str__(self):
        return self.name

    @property
    def is_help_service(self) -> bool:
        return self.kind in self.HELP_SERVICE_KINDS


class ProviderContract(models.Model):
    """What the municipality buys from a provider, e.g. 200 residents placed a year with six months of guidance each
    and a report back every six months (DESIGN §4.7). Progress is counted from the provider's referrals."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="contracts")
    reference = models.CharField(_("kenmerk"), max_length=50, blank=True)
    starts_on = models.DateField(_("ingangsdatum"))
    ends_on = models.DateField(_("einddatum"))
    placements_per_year = models.PositiveIntegerField(_("plaatsingen per jaar"), default=0)
    guidance_months = models.PositiveSmallIntegerField(_("maanden begeleiding per inwoner"), default=6)
    report_every_months = models.PositiveSmallIntegerField(
        _("terugkoppeling elke (maanden)"), default=6, validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    cohort_size = models.PositiveSmallIntegerField(
        _("groepsgrootte"), null=True, blank=True, help_text=_("Bijv. 15 kandidaten per maandelijkse groep."),
    )
    price_per_placement = models.DecimalField(
        _("prijs per plaatsing"), max_digits=9, decimal_places=2, null=True, blank=True, validators=MONEY_VALIDATORS,
    )
    notes = models.TextField(pgettext_lazy("contract", "afspraken"), blank=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracten")
        ordering = ["-starts_on"]

    def __str__(self):
        return f"{self.provider} {self.starts_on:%Y}–{self.ends_on:%Y}"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("De einddatum ligt vóór de ingangsdatum.")})


class Activity(models.Model):
    """One activity in the catalogue: what a resident can do, where, when, how many hours, with what requirements."""

    municipality = models.ForeignKey("organisation.Municipality", on_delete=models.CASCADE, related_name="activities")
    # RESTRICT, not PROTECT: a provider with activities cannot be deleted on its own, but deleting the whole
    # municipality (which cascades to both) still works.
    provider = models.ForeignKey(Provider, on_delete=models.RESTRICT, related_name="activities",
                                 verbose_name=_("partner"))
    code = models.CharField(
        _("code"), max_length=40, help_text=_("Eigen code van de activiteit; bij een nieuwe import wordt de "
                                             "activiteit met dezelfde code bijgewerkt."),
    )
    title = models.CharField(_("naam"), max_length=150)
    category = models.CharField(_("soort"), max_length=30, choices=ActivityCategory.choices)
    description = models.TextField(
        _("omschrijving voor de inwoner"), help_text=_("In gewone taal (B1): wat ga je doen, met wie, wat leer je."),
    )
    tags = models.JSONField(
        _("trefwoorden"), default=list, blank=True,
        help_text=_("Trefwoorden om op interesses te zoeken, bijv. koken, tuin, dieren, techniek."),
    )
    venue = models.ForeignKey(
        "organisation.Venue", on_delete=models.SET_NULL, null=True, blank=True, related_name="activities",
        verbose_name=_("locatie"),
    )
    neighbourhood = models.ForeignKey(
        "organisation.Neighbourhood", on_delete=models.SET_NULL, null=True, blank=True, related_name="activities",
        verbose_name=_("wijk"),
    )
    address = models.CharField(_("adres"), max_length=200, blank=True)
    latitude = models.DecimalField(_("breedtegraad"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("lengtegraad"), max_digits=8, decimal_places=5, null=True, blank=True)
    days = models.JSONField(_("dagen"), default=list, blank=True, help_text=_("Weekdagen, bijv. [\"mon\", \"wed\"]."))
    hours_text = models.CharField(_("tijden"), max_length=100, blank=True, help_text=_("Bijv. 9.00–13.00 uur."))
    min_hours_per_week = models.DecimalField(
        _("minimaal uren per week"), max_digits=4, decimal_places=1, default=Decimal("0"), validators=HOURS_VALIDATORS,
    )
    max_hours_per_week = models.DecimalField(
        _("maximaal uren per week"), max_digits=4, decimal_places=1, default=Decimal("20"),
        validators=HOURS_VALIDATORS,
    )
    capacity = models.PositiveIntegerField(_("aantal plaatsen"), default=1)
    min_language_level = models.CharField(
        _("minimaal taalniveau"), max_length=8, choices=LanguageLevel.choices, default=LanguageLevel.NONE,
    )
    physical_load = models.CharField(
        _("lichamelijke belasting"), max_length=10, choices=PhysicalLoad.choices, default=PhysicalLoad.LIGHT,
    )
    requires_indication = models.BooleanField(
        _("indicatie nodig"), default=False, help_text=_("Bijv. een Wmo-indicatie voor dagbesteding."),
    )
    indication_note = models.CharField(_("welke indicatie"), max_length=150, blank=True)
    pays_per_month = models.DecimalField(
        _("vergoeding per maand bovenop de uitkering"), max_digits=8, decimal_places=2, default=Decimal("0"),
        validators=MONEY_VALIDATORS, help_text=_("Bijv. een vrijwilligersvergoeding of meerkostenvergoeding."),
    )
    starts_on = models.DateField(_("vanaf"), null=True, blank=True)
    ends_on = models.DateField(_("tot en met"), null=True, blank=True)
    active = models.BooleanField(_("actief"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic locking
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("activiteit")
        verbose_name_plural = _("activiteiten")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="unique_activity_code"),
            models.CheckConstraint(condition=models.Q(max_hours_per_week__gte=models.F("min_hours_per_week")),
                                   name="activity_hours_range"),
        ]
        indexes = [models.Index(fields=["municipality", "active", "category"])]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.min_hours_per_week is not None and self.max_hours_per_week is not None \
                and self.max_hours_per_week < self.min_hours_per_week:
            errors["max_hours_per_week"] = _("Het maximum aantal uren is lager dan het minimum.")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("De einddatum ligt vóór de startdatum.")
        if self.requires_indication and not self.indication_note:
            errors["indication_note"] = _("Noem welke indicatie nodig is.")
        bad_days = [d for d in self.days or [] if d not in Weekday.values]
        if bad_days:
            errors["days"] = _("Onbekende dag: %(days)s.") % {"days": ", ".join(map(str, bad_days))}
        if errors:
            raise ValidationError(errors)

    def is_open_on(self, day) -> bool:
        return self.active and (self.starts_on is None or self.starts_on <= day) and (
            self.ends_on is None or day <= self.ends_on)


class ProvisionType(models.Model):
    """A provision that removes a barrier: a course, childcare, respite care for informal carers, debt counselling,
    a personal-development trajectory, travel costs. Costs come out of the resident's individual budget."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("Training of cursus")
        CHILDCARE = "childcare", _("Kinderopvang")
        RESPITE_CARE = "respite_care", _("Respijtzorg (vervanging van mantelzorg)")
        DEBT_COUNSELLING = "debt_counselling", _("Schuldhulp")
        PERSONAL_DEVELOPMENT = "personal_development", _("Persoonlijk ontwikkeltraject")
        TRAVEL_COSTS = "travel_costs", _("Reiskosten")
        OTHER = "other", _("Anders")

    municipality = models.ForeignKey("organisation.Municipality", on_delete=models.CASCADE,
                                     related_name="provision_types")
    name = models.CharField(_("naam"), max_length=150)
    kind = models.CharField(_("soort"), max_length=30, choices=Kind.choices)
    provider = models.ForeignKey(Provider, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="provision_types", verbose_name=_("partner"))
    default_cost = models.DecimalField(_("gebruikelijke kosten"), max_digits=9, decimal_places=2,
                                       validators=MONEY_VALIDATORS)
    description = models.TextField(_("omschrijving"), blank=True)
    active = models.BooleanField(_("actief"), default=True)

    class Meta:
        verbose_name = _("voorziening")
        verbose_name_plural = _("voorzieningen")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "name"], name="unique_provision_name")]

    def __str__(self):
        return self.name


class ProvisionGrant(models.Model):
    """A provision requested for one resident, decided under the profile's approval rules, spent against the
    resident's individual budget (maatwerkbudget) for the calendar year."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Aangevraagd")
        APPROVED = "approved", _("Toegekend")
        REJECTED = "rejected", _("Afgewezen")
        CANCELLED = "cancelled", _("Ingetrokken")

    resident = models.ForeignKey("residents.Resident", on_delete=models.CASCADE, related_name="provision_grants")
    provision_type = models.ForeignKey(ProvisionType, on_delete=models.RESTRICT, related_name="grants",
                                       verbose_name=_("voorziening"))
    amount = models.DecimalField(_("bedrag"), max_digits=9, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    budget_year = models.PositiveSmallIntegerField(_("budgetjaar"))
    reason = models.TextField(_("waarom nodig"), help_text=_("Welke belemmering neemt dit weg?"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    needs_second_approval = models.BooleanField(default=False)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("toelichting besluit"), blank=True)
    spent_amount = models.DecimalField(_("uitgegeven"), max_digits=9, decimal_places=2, null=True, blank=True,
                                       validators=MONEY_VALIDATORS)
    # Traceability (DESIGN §4.3): the profile version and rule that decided it.
    policy_profile = models.ForeignKey("policy.PolicyProfile", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+")
    rule = models.CharField(max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic locking

    class Meta:
        verbose_name = _("toegekende voorziening")
        verbose_name_plural = _("toegekende voorzieningen")
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["resident", "budget_year", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="approved") | models.Q(approved_by__isnull=False),
                name="approved_grant_has_approver",
            ),
        ]

    def __str__(self):
        return f"{self.provision_type} ({self.amount})"
