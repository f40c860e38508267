"""The referral loop with partners: what was suggested to a resident and what they chose (Suggestion), the referral to
a provider with a warm handover and recorded consent (Referral), the provider's cohorts (Cohort), reports back during
guidance (ProviderReport) and the yearly check whether a former participant is still active (ActivityCheck).

Every status change of a referral is a ReferralEvent and reaches the caseworker's worklist (DESIGN §4.1, §4.7).
"""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Suggestion(models.Model):
    """One activity offered to a resident, with its rank, fit score and the reasons shown; `chosen` records the
    resident's choice. Kept so that what was offered (and what was tried before) is known later."""

    resident = models.ForeignKey("residents.Resident", on_delete=models.CASCADE, related_name="suggestions")
    activity = models.ForeignKey("offer.Activity", on_delete=models.PROTECT, related_name="suggestions")
    offered_at = models.DateTimeField(default=timezone.now)
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField()
    reasons = models.JSONField(default=list)
    flags = models.JSONField(default=list, help_text="Warnings shown with the option, e.g. project fatigue.")
    chosen = models.BooleanField(default=False)
    chosen_at = models.DateTimeField(null=True, blank=True)
    policy_profile = models.ForeignKey("policy.PolicyProfile", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+")

    class Meta:
        verbose_name = _("suggestie")
        verbose_name_plural = _("suggesties")
        ordering = ["-offered_at", "rank"]
        indexes = [models.Index(fields=["resident", "offered_at"])]


class Cohort(models.Model):
    """A provider's group of candidates who start together (e.g. monthly groups of about 15, three group meetings in
    three weeks)."""

    provider = models.ForeignKey("offer.Provider", on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(_("naam"), max_length=100)
    starts_on = models.DateField(_("startdatum"))
    size = models.PositiveSmallIntegerField(_("groepsgrootte"), default=15)
    meetings = models.JSONField(_("groepsbijeenkomsten"), default=list, blank=True,
                                help_text=_("Datums van de bijeenkomsten (ISO), bijv. drie in drie weken."))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("groep")
        verbose_name_plural = _("groepen")
        ordering = ["-starts_on"]

    def __str__(self):
        return self.name


class Referral(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", _("Verstuurd")
        ACCEPTED = "accepted", _("Geaccepteerd")
        INTAKE_PLANNED = "intake_planned", _("Intake gepland")
        PLACED = "placed", _("Geplaatst")
        RETURNED = "returned", _("Teruggemeld met advies")
        DECLINED = "declined", _("Niet geaccepteerd")
        COMPLETED = "completed", _("Afgerond")
        WITHDRAWN = "withdrawn", _("Ingetrokken")

    OPEN_STATUSES = ("sent", "accepted", "intake_planned", "placed")

    resident = models.ForeignKey("residents.Resident", on_delete=models.CASCADE, related_name="referrals")
    provider = models.ForeignKey("offer.Provider", on_delete=models.PROTECT, related_name="referrals")
    activity = models.ForeignKey("offer.Activity", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="referrals")
    suggestion = models.ForeignKey(Suggestion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SENT)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    referred_at = models.DateTimeField(default=timezone.now)
    handover_note = models.TextField(_("warme overdracht"))
    hours_per_week = models.DecimalField(_("uren per week"), max_digits=4, decimal_places=1, null=True, blank=True)
    # Consent (AVG): what the resident agreed the provider may see beyond name and contact details.
    consent_recorded_at = models.DateTimeField(_("toestemming vastgelegd op"))
    consent_share_health = models.BooleanField(_("gezondheid delen"), default=False)
    consent_share_debts = models.BooleanField(_("schulden delen"), default=False)
    consent_note = models.CharField(_("toelichting toestemming"), max_length=300, blank=True)
    cohort = models.ForeignKey(Cohort, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals")
    intake_at = models.DateTimeField(_("intake op"), null=True, blank=True)
    placed_on = models.DateField(_("geplaatst op"), null=True, blank=True)
    returned_on = models.DateField(_("teruggemeld op"), null=True, blank=True)
    return_advice = models.TextField(_("advies bij terugmelding"), blank=True)
    ended_on = models.DateField(_("beëindigd op"), null=True, blank=True)
    guidance_until = models.DateField(_("begeleiding tot"), null=True, blank=True)
    next_report_due_on = models.DateField(_("volgende terugkoppeling uiterlijk"), null=True, blank=True)
    policy_profile = models.ForeignKey("policy.PolicyProfile", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic locking

    class Meta:
        verbose_name = _("doorverwijzing")
        verbose_name_plural = _("doorverwijzingen")
        ordering = ["-referred_at"]
        indexes = [models.Index(fields=["provider", "status"]), models.Index(fields=["resident", "status"])]

    def __str__(self):
        return f"{self.resident_id} → {self.provider}"


class ReferralEvent(models.Model):
    """Every step of a referral — each status change, and the reports and yearly checks in between — who took it
    and when (provider staff or caseworker). `status` is the referral's status after the step."""

    class Action(models.TextChoices):
        SEND = "send", _("Doorverwezen")
        ACCEPT = "accept", _("Geaccepteerd")
        DECLINE = "decline", _("Niet geaccepteerd")
        PLAN_INTAKE = "plan_intake", _("Intake gepland")
        ADD_TO_COHORT = "add_to_cohort", _("Ingedeeld in een groep")
        PLACE = "place", _("Geplaatst")
        RETURN = "return", _("Teruggemeld met advies")
        REPORT = "report", _("Terugkoppeling")
        COMPLETE = "complete", _("Afgerond")
        WITHDRAW = "withdraw", _("Ingetrokken")
        CHECK = "check", _("Jaarlijkse controle")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    occurred_at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=20, choices=Action.choices, blank=True)
    status = models.CharField(max_length=20, choices=Referral.Status.choices)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    seen_by_caseworker_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["seen_by_caseworker_at", "referral"])]


class ProviderReport(models.Model):
    """A report back from the provider during guidance (at least every six months, per contract)."""

    class Progress(models.TextChoices):
        GOING_WELL = "going_well", _("Gaat goed")
        SOME_CONCERNS = "some_concerns", _("Enkele zorgen")
        STOPPED = "stopped", _("Gestopt")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="reports")
    reported_on = models.DateField(_("datum"), default=timezone.localdate)
    progress = models.CharField(_("voortgang"), max_length=20, choices=Progress.choices)
    hours_per_week = models.DecimalField(_("uren per week"), max_digits=4, decimal_places=1, null=True, blank=True)
    text = models.TextField(_("terugkoppeling"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("terugkoppeling")
        verbose_name_plural = _("terugkoppelingen")
        ordering = ["-reported_on", "-id"]


class ActivityCheck(models.Model):
    """The yearly check whether a former participant is still active (the research found 80–90 % were)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="checks")
    due_on = models.DateField(_("uiterlijk op"))
    checked_on = models.DateField(_("gecontroleerd op"), null=True, blank=True)
    still_active = models.BooleanField(_("nog actief"), null=True)
    note = models.CharField(_("toelichting"), max_length=300, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("jaarlijkse controle")
        verbose_name_plural = _("jaarlijkse controles")
        ordering = ["due_on"]
        constraints = [models.UniqueConstraint(fields=["referral", "due_on"], name="unique_check_per_due_date")]
