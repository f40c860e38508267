"""Income, the monthly benefit calculation and its corrections (Participatiewet art. 19-22a, 31, 32, 45).

- NormTable / IncomeRule: the law's figures as data, loaded from money/norms/*.json (load_norms, data migration).
- Household / Housemate: the facts the norm needs beyond the dossier (partner's birth date, housemates of 27+).
- IncomeReport: one income of one month (a payslip, an estimate, an allowance). Never edited: a correction is a new
  report that points to the one it corrects.
- MonthlyCalculation: the month's lines with the inputs they came from. A decided month is frozen; a correction
  recalculates it into a new version and records the difference as a PaymentCorrection (terugvordering or
  nabetaling), never a silent change (DESIGN §8).
"""
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 10, "decimal_places": 2}


class NormTable(models.Model):
    """The norms for one half year (indexed every 1 January and 1 July, art. 38)."""

    effective_from = models.DateField(_("geldig vanaf"), unique=True)
    valid_until = models.DateField(_("geldig tot en met"))
    norms = models.JSONField(_("normen"))
    aow_age_years = models.PositiveSmallIntegerField(_("AOW-leeftijd (jaren)"), default=67)
    aow_age_months = models.PositiveSmallIntegerField(_("AOW-leeftijd (maanden)"), default=0)
    source = models.TextField(_("bron"), blank=True)
    assumptions = models.JSONField(_("aannames"), default=list, blank=True)
    file_name = models.CharField(max_length=100, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("normentabel")
        verbose_name_plural = _("normentabellen")
        ordering = ["effective_from"]

    def __str__(self):
        return f"{self.effective_from:%d-%m-%Y} – {self.valid_until:%d-%m-%Y}"


class IncomeRule(models.Model):
    """One effective-dated version of an income rule: a disregard (art. 31 lid 2 n, r, y; art. 34a) or a limit
    (premiums, art. 31 lid 2 j; volunteer allowance, lid 2 k)."""

    rule_id = models.CharField(max_length=40)
    kind = models.CharField(max_length=20)
    effective_from = models.DateField()
    effective_until = models.DateField(null=True, blank=True)
    parameters = models.JSONField()
    citation = models.CharField(max_length=300, blank=True)
    assumption = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0,
                                           help_text="Order in the file: the first of equal disregards wins.")
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("inkomensregel")
        verbose_name_plural = _("inkomensregels")
        ordering = ["position", "rule_id", "effective_from"]
        constraints = [models.UniqueConstraint(fields=["rule_id", "effective_from"], name="unique_income_rule_version")]

    def __str__(self):
        return f"{self.rule_id} vanaf {self.effective_from:%d-%m-%Y}"


class Household(models.Model):
    """Facts for the norm that the dossier does not hold. The household type, the children and the youngest child's
    birth date stay in the dossier (Resident)."""

    resident = models.OneToOneField("residents.Resident", on_delete=models.CASCADE, related_name="money_household")
    partner_date_of_birth = models.DateField(
        _("geboortedatum partner"), null=True, blank=True,
        help_text=_("Nodig voor de norm als de inwoner gehuwd is of samenwoont."))
    medically_limited_hours = models.BooleanField(
        _("medisch urenbeperkt"), default=False,
        help_text=_("De inwoner kan om medische redenen niet meer uren werken (art. 6b). Dan geldt een vrijlating "
                    "van 15 % van de inkomsten."))
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("huishouden (voor de norm)")
        verbose_name_plural = _("huishoudens (voor de norm)")


class Housemate(models.Model):
    """Someone else living in the home (not the partner). From 27 a housemate counts for the kostendelersnorm (art.
    19a, 22a), unless an exception applies."""

    class ExceptionKind(models.TextChoices):
        NONE = "none", _("Geen: telt mee als kostendeler vanaf 27 jaar")
        COMMERCIAL = "commercial", _("Huurder of kostganger op zakelijke basis")
        STUDENT = "student", _("Krijgt studiefinanciering of een tegemoetkoming studiekosten")
        OTHER = "other", _("Andere uitzondering (art. 19a lid 1)")

    resident = models.ForeignKey("residents.Resident", on_delete=models.CASCADE, related_name="housemates")
    description = models.CharField(_("wie is het?"), max_length=80,
                                   help_text=_("Bijvoorbeeld: zoon, moeder, vriend, huurder. Geen naam nodig."))
    date_of_birth = models.DateField(_("geboortedatum"))
    moved_in_on = models.DateField(_("woont er sinds"), null=True, blank=True,
                                   help_text=_("Leeg laten als de huisgenoot er al woonde."))
    moved_out_on = models.DateField(_("verhuisd op"), null=True, blank=True,
                                    help_text=_("De dag waarop de huisgenoot er niet meer woont."))
    exception = models.CharField(_("uitzondering"), max_length=12, choices=ExceptionKind.choices,
                                 default=ExceptionKind.NONE)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("huisgenoot")
        verbose_name_plural = _("huisgenoten")
        ordering = ["date_of_birth", "id"]
        constraints = [models.CheckConstraint(
            condition=Q(moved_in_on__isnull=True) | Q(moved_out_on__isnull=True) | Q(moved_out_on__gt=models.F(
                "moved_in_on")), name="housemate_moves_out_after_moving_in")]

    def __str__(self):
        return self.description


class IncomeReport(models.Model):
    """One income of one month (inkomstenopgave). Amounts are net (art. 31 lid 3)."""

    class Kind(models.TextChoices):
        WAGE_MONTHLY = "wage_monthly", _("Loon per maand")
        WAGE_4WEEKLY = "wage_4weekly", _("Loon per 4 weken")
        HOLIDAY_PAY = "holiday_pay", _("Vakantiegeld van de werkgever")
        YEAR_END_BONUS = "year_end_bonus", _("Eindejaarsuitkering of 13e maand")
        OTHER = "other", _("Ander inkomen (bijv. alimentatie, andere uitkering)")
        VOLUNTEER = "volunteer_allowance", _("Vrijwilligersvergoeding")
        EIN_EURO_JOB = "ein_euro_job", _("Vergoeding per gewerkt uur (Ein-Euro-Job)")

    class Person(models.TextChoices):
        RESIDENT = "resident", _("De inwoner")
        PARTNER = "partner", _("De partner")

    class Source(models.TextChoices):
        PAYSLIP = "payslip", _("Loonstrook")
        ESTIMATE = "estimate", _("Schatting (loonstrook volgt)")
        EMPLOYER = "employer", _("Opgave van de werkgever of organisatie")
        RESIDENT = "resident", _("Opgave van de inwoner")
        BANK = "bank", _("Bankafschrift")

    resident = models.ForeignKey("residents.Resident", on_delete=models.CASCADE, related_name="income_reports")
    month = models.DateField(_("maand"), help_text=_("De maand waarin het inkomen is ontvangen."))
    kind = models.CharField(_("soort inkomen"), max_length=20, choices=Kind.choices)
    person = models.CharField(_("van wie"), max_length=10, choices=Person.choices, default=Person.RESIDENT)
    net_amount = models.DecimalField(_("netto bedrag (euro)"), **MONEY, validators=[MinValueValidator(0)])
    hours = models.DecimalField(_("gewerkte uren"), max_digits=6, decimal_places=2, null=True, blank=True,
                                validators=[MinValueValidator(0)])
    employer = models.CharField(_("werkgever of organisatie"), max_length=120, blank=True)
    source = models.CharField(_("bron"), max_length=10, choices=Source.choices, default=Source.PAYSLIP)
    serves_work = models.BooleanField(
        _("het werk helpt op weg naar (meer) werk"), default=True,
        help_text=_("Nodig voor de vrijlating van art. 31 lid 2 onder n en r."))
    note = models.CharField(_("toelichting"), max_length=300, blank=True)
    corrects = models.OneToOneField("self", on_delete=models.CASCADE, null=True, blank=True,
                                    related_name="corrected_by", verbose_name=_("corrigeert"))
    is_current = models.BooleanField(default=True, help_text="False once a correction replaced this report.")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic locking

    class Meta:
        verbose_name = _("inkomstenopgave")
        verbose_name_plural = _("inkomstenopgaven")
        ordering = ["-month", "entered_at", "id"]
        indexes = [models.Index(fields=["resident", "month", "is_current"])]
        constraints = [models.CheckConstraint(condition=Q(net_amount__gte=0), name="income_not_negative")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.month:%m-%Y}"


class MonthlyCalculation(models.Model):
    """The calculation of one month. Drafts are recomputed when the facts change; a decided month never changes: a
    correction adds a new version (status decided) and marks this one replaced."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Concept")
        DECIDED = "decided", _("Vastgesteld")
        REPLACED = "replaced", _("Vervangen door herberekening")

    resident = models.ForeignKey("residents.Resident", on_delete=models.CASCADE, related_name="monthly_calculations")
    month = models.DateField(_("maand"))
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    lines = models.JSONField(default=list)
    inputs = models.JSONField(default=dict, help_text="The inputs of rules.calculate, to replay the month exactly.")
    state_after = models.JSONField(default=dict, help_text="What this month carries into the next (rules.History).")
    warnings = models.JSONField(default=list, blank=True)
    norm = models.DecimalField(**MONEY)
    income = models.DecimalField(**MONEY)
    disregard = models.DecimalField(**MONEY)
    offset = models.DecimalField(**MONEY)
    measure = models.DecimalField(**MONEY)
    holiday_reserved = models.DecimalField(**MONEY)
    holiday_paid = models.DecimalField(**MONEY)
    premium_paid = models.DecimalField(**MONEY)
    amount_to_pay = models.DecimalField(_("te betalen"), **MONEY)
    total_paid = models.DecimalField(**MONEY)
    norm_table = models.ForeignKey(NormTable, on_delete=models.PROTECT, related_name="+")
    policy_profile = models.ForeignKey("policy.PolicyProfile", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+")
    fingerprint = models.CharField(max_length=64)
    calculated_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    replaces = models.OneToOneField("self", on_delete=models.CASCADE, null=True, blank=True,
                                    related_name="replaced_by")

    class Meta:
        verbose_name = _("maandberekening")
        verbose_name_plural = _("maandberekeningen")
        ordering = ["-month", "-version"]
        indexes = [models.Index(fields=["resident", "month", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["resident", "month", "version"], name="unique_calculation_version"),
            models.UniqueConstraint(fields=["resident", "month"], condition=~Q(status="replaced"),
                                    name="one_current_calculation_per_month"),
        ]

    def __str__(self):
        return f"{self.month:%m-%Y} v{self.version} ({self.get_status_display()})"

    @property
    def is_decided(self):
        return self.status == self.Status.DECIDED


class PaymentCorrection(models.Model):
    """The difference a recalculation of a decided month made: to be paid back (terugvordering) or paid extra
    (nabetaling). Recorded with the calculations before and after and the report that caused it."""

    class Kind(models.TextChoices):
        OVERPAYMENT = "overpayment", _("Terugvordering: er is te veel betaald")
        UNDERPAYMENT = "underpayment", _("Nabetaling: er is te weinig betaald")
        NONE = "none", _("Geen verschil")

    resident = models.ForeignKey("residents.Resident", on_delete=models.CASCADE, related_name="payment_corrections")
    month = models.DateField(_("maand"))
    kind = models.CharField(_("soort"), max_length=12, choices=Kind.choices)
    amount = models.DecimalField(_("bedrag"), **MONEY, validators=[MinValueValidator(0)])
    # Nothing here is ever deleted on its own (history stays); these links only go when the whole dossier is deleted
    # (retention), together with the resident.
    previous = models.OneToOneField(MonthlyCalculation, on_delete=models.CASCADE, related_name="correction_from")
    recalculated = models.OneToOneField(MonthlyCalculation, on_delete=models.CASCADE, related_name="correction_to")
    cause = models.ForeignKey(IncomeReport, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reason = models.CharField(_("reden"), max_length=300)
    letter = models.ForeignKey("letters.Letter", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("beschikking"),
                               help_text="The decision letter about this correction run (money.correction_letter).")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("verschil na herberekening")
        verbose_name_plural = _("verschillen na herberekening")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["resident", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} ({self.month:%m-%Y})"
