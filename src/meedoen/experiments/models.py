"""Experiments (DESIGN §3 glossary: experiment / conditie → Experiment / Arm, meting → Wave).

An experiment randomises consenting, eligible residents of one municipality over arms. An arm's `parameters` change
what the system really does for its residents while the experiment runs (see overrides.py): the contact norm of the
follow-up engine, the intensity (caseload weight), the earnings premium in the payment calculation, and flags the
screens show (obligations relaxed, framing of the loss-aversion design). The seed is recorded, so the assignment can
be reproduced from the same inputs (rules.randomise).
"""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Experiment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Concept")
        RUNNING = "running", _("Loopt")
        CLOSED = "closed", _("Afgesloten")

    municipality = models.ForeignKey("organisation.Municipality", on_delete=models.CASCADE,
                                     related_name="experiments", verbose_name=_("gemeente"))
    name = models.CharField(_("naam"), max_length=160)
    hypothesis = models.TextField(_("hypothese"))
    analysis_plan = models.TextField(_("analyseplan"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    seed = models.BigIntegerField(_("seed voor het loten"), validators=[MinValueValidator(0)])
    strata = models.JSONField(_("strata"), default=list, blank=True)
    eligibility = models.JSONField(_("voorwaarden om mee te doen"), default=list, blank=True)
    consent_required = models.BooleanField(_("toestemming nodig"), default=True)
    registered_at = models.DateTimeField(_("vooraf geregistreerd op"), null=True, blank=True)
    started_at = models.DateTimeField(_("gestart op"), null=True, blank=True)
    closed_at = models.DateTimeField(_("afgesloten op"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("experiment")
        verbose_name_plural = _("experimenten")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.name

    @property
    def control_arm(self):
        return next((arm for arm in self.arms.all() if arm.is_control), None)


class Arm(models.Model):
    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="arms")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("naam"), max_length=120)
    description = models.TextField(_("omschrijving"), blank=True)
    weight = models.PositiveSmallIntegerField(_("gewicht bij het loten"), default=1,
                                              validators=[MinValueValidator(1), MaxValueValidator(20)])
    is_control = models.BooleanField(_("controlegroep"), default=False)
    parameters = models.JSONField(_("instellingen"), default=dict, blank=True)

    class Meta:
        verbose_name = _("conditie")
        verbose_name_plural = _("condities")
        ordering = ["experiment", "code"]
        constraints = [models.UniqueConstraint(fields=["experiment", "code"], name="unique_arm_code_per_experiment")]

    def __str__(self):
        return self.name


class Consent(models.Model):
    class Status(models.TextChoices):
        GIVEN = "given", _("Toestemming gegeven")
        REFUSED = "refused", _("Geen toestemming")
        WITHDRAWN = "withdrawn", _("Toestemming ingetrokken")

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="consents")
    resident = models.ForeignKey("residents.Resident", on_delete=models.CASCADE, related_name="experiment_consents")
    status = models.CharField(_("toestemming"), max_length=10, choices=Status.choices)
    on = models.DateField(_("datum"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("toestemming")
        verbose_name_plural = _("toestemmingen")
        constraints = [models.UniqueConstraint(fields=["experiment", "resident"], name="unique_consent_per_resident")]


class Assignment(models.Model):
    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="assignments")
    resident = models.ForeignKey("residents.Resident", on_delete=models.CASCADE, related_name="experiment_assignments")
    arm = models.ForeignKey(Arm, on_delete=models.RESTRICT, related_name="assignments")
    stratum = models.CharField(_("stratum"), max_length=200)
    position = models.PositiveIntegerField(_("plaats in de lotingsvolgorde van het stratum"))
    seed = models.BigIntegerField(_("seed"))
    assigned_at = models.DateTimeField(_("geloot op"))
    # Set when the resident withdraws consent: the arm no longer changes anything for them (they stay in the
    # analysis by intention to treat).
    withdrawn_at = models.DateTimeField(_("teruggetrokken op"), null=True, blank=True)

    class Meta:
        verbose_name = _("toewijzing")
        verbose_name_plural = _("toewijzingen")
        ordering = ["experiment", "stratum", "position"]
        constraints = [
            models.UniqueConstraint(fields=["experiment", "resident"], name="unique_assignment_per_resident"),
            models.UniqueConstraint(fields=["experiment", "stratum", "position"], name="unique_stratum_position"),
        ]
        indexes = [models.Index(fields=["resident", "withdrawn_at"])]


class Wave(models.Model):
    class Code(models.TextChoices):
        T0 = "T0", _("T0 (nulmeting)")
        T1 = "T1", _("T1")
        T2 = "T2", _("T2")
        T3 = "T3", _("T3")

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="waves")
    code = models.CharField(_("meting"), max_length=2, choices=Code.choices)
    planned_on = models.DateField(_("gepland op"))
    open = models.BooleanField(_("open voor antwoorden"), default=True)

    class Meta:
        verbose_name = _("meting")
        verbose_name_plural = _("metingen")
        ordering = ["experiment", "code"]
        constraints = [models.UniqueConstraint(fields=["experiment", "code"], name="unique_wave_code")]

    def __str__(self):
        return f"{self.code} ({self.planned_on:%d-%m-%Y})"


class QuestionnaireResponse(models.Model):
    class FilledBy(models.TextChoices):
        STAFF = "staff", _("Medewerker")
        RESIDENT = "resident", _("Inwoner zelf")

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="responses")
    resident = models.ForeignKey("residents.Resident", on_delete=models.CASCADE, related_name="questionnaire_responses")
    wellbeing = models.PositiveSmallIntegerField(_("welzijn (1–10)"),
                                                 validators=[MinValueValidator(1), MaxValueValidator(10)])
    health = models.PositiveSmallIntegerField(_("gezondheid (1–5)"),
                                              validators=[MinValueValidator(1), MaxValueValidator(5)])
    caseworker_grade = models.PositiveSmallIntegerField(_("rapportcijfer klantmanager (1–10)"),
                                                        validators=[MinValueValidator(1), MaxValueValidator(10)])
    participation_hours = models.DecimalField(_("uren meedoen per week"), max_digits=4, decimal_places=1)
    paid_hours = models.DecimalField(_("betaalde uren werk per week"), max_digits=4, decimal_places=1)
    filled_by = models.CharField(_("ingevuld door"), max_length=10, choices=FilledBy.choices)
    filled_by_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+")
    filled_at = models.DateTimeField(_("ingevuld op"))

    class Meta:
        verbose_name = _("antwoorden vragenlijst")
        verbose_name_plural = _("antwoorden vragenlijsten")
        constraints = [models.UniqueConstraint(fields=["wave", "resident"], name="unique_response_per_wave")]
