"""Outreach: campaigns, slots, invitations (self-booking by a personal link), convocations (booked by staff),
attendance, the no-show ladder's steps, and the e-mail/SMS messages that went out.

Words (DESIGN §2): uitnodiging → Invitation · afspraak → Appointment · no-show → an Appointment with status no_show ·
oproep → an Appointment booked by staff (how = convocation) · benadering → Outreach (one resident in one campaign).
"""
import hashlib

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def hash_token(token: str) -> str:
    """Booking tokens are stored only as a SHA-256 hash (the token itself has ~100 bits of randomness)."""
    return hashlib.sha256(token.encode()).hexdigest()


CHANNEL_LABELS = {"letter": _("brief"), "email": _("e-mail"), "sms": _("sms")}


class ContactPreference(models.Model):
    """Which digital channels a resident agreed to, and a pause on reminders. Letters always go."""

    resident = models.OneToOneField(
        "residents.Resident", on_delete=models.CASCADE, related_name="contact_preference", verbose_name=_("inwoner")
    )
    email_consent = models.BooleanField(_("toestemming e-mail"), default=False)
    sms_consent = models.BooleanField(_("toestemming sms"), default=False)
    reminders_paused = models.BooleanField(
        _("herinneringen gepauzeerd"), default=False,
        help_text=_("Geen herinneringen sturen, bijvoorbeeld tijdens een opname of crisis."),
    )
    pause_reason = models.CharField(_("reden pauze"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("contactvoorkeur")
        verbose_name_plural = _("contactvoorkeuren")


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Concept")
        SENT = "sent", _("Verstuurd")
        CLOSED = "closed", _("Afgesloten")

    municipality = models.ForeignKey("organisation.Municipality", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(
        "organisation.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("team"),
    )
    name = models.CharField(_("naam"), max_length=120)
    appointment_kind = models.CharField(_("soort afspraak"), max_length=40)
    neighbourhood = models.ForeignKey(
        "organisation.Neighbourhood", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("wijk"),
    )
    segment = models.CharField(_("segment"), max_length=30, blank=True)
    last_contact_before = models.DateField(_("laatste contact vóór"), null=True, blank=True)
    invitation_valid_days = models.PositiveSmallIntegerField(_("uitnodiging geldig (dagen)"), default=14)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    policy_profile = models.ForeignKey(
        "policy.PolicyProfile", on_delete=models.PROTECT, related_name="+", verbose_name=_("beleidsprofiel")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("gemaakt door"),
    )
    created_at = models.DateTimeField(_("gemaakt op"), default=timezone.now)
    sent_at = models.DateTimeField(_("verstuurd op"), null=True, blank=True)
    # Set when a resident opened the booking page and found no free place: staff see an alert.
    no_free_slot_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("campagne")
        verbose_name_plural = _("campagnes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["municipality", "team", "-created_at"])]

    def __str__(self):
        return self.name

    @property
    def ref(self):
        """The campaign reference stored on its letters (batch printing)."""
        return f"campagne-{self.pk}"


class Slot(models.Model):
    """A time at a venue (capacity: places per slot) or for a home visit (venue empty, one place), with a
    caseworker. A caseworker's slots never overlap."""

    municipality = models.ForeignKey("organisation.Municipality", on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, null=True, blank=True, related_name="slots", verbose_name=_("campagne")
    )
    appointment_kind = models.CharField(_("soort afspraak"), max_length=40)
    venue = models.ForeignKey(
        "organisation.Venue", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("locatie"), help_text=_("Leeg voor een huisbezoek."),
    )
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="outreach_slots",
        verbose_name=_("medewerker"),
    )
    starts_at = models.DateTimeField(_("begint"))
    ends_at = models.DateTimeField(_("eindigt"))
    capacity = models.PositiveSmallIntegerField(_("aantal plaatsen"), default=1)
    booked_count = models.PositiveSmallIntegerField(_("geboekt"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tijdslot")
        verbose_name_plural = _("tijdsloten")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="slot_capacity_at_least_one"),
            models.CheckConstraint(condition=Q(booked_count__lte=F("capacity")), name="slot_never_overbooked"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after_start"),
        ]
        indexes = [
            models.Index(fields=["caseworker", "starts_at"]),
            models.Index(fields=["campaign", "starts_at"]),
            models.Index(fields=["municipality", "appointment_kind", "starts_at"]),
        ]

    def __str__(self):
        where = self.venue.name if self.venue_id else _("huisbezoek")
        return f"{timezone.localtime(self.starts_at):%d-%m-%Y %H:%M} {where}"

    @property
    def free(self):
        return self.capacity - self.booked_count

    @property
    def is_home_visit(self):
        return self.venue_id is None


class Outreach(models.Model):
    """One resident in one campaign: where they are on the profile's no-show ladder and what happens next."""

    class Status(models.TextChoices):
        NEW = "new", _("Nog niet uitgenodigd")
        INVITED = "invited", _("Uitgenodigd")
        PLANNED = "planned", _("Afspraak gepland")
        WAITING = "waiting", _("Wacht op reactie")
        STAFF_ACTION = "staff_action", _("Actie medewerker nodig")
        NO_RESPONSE = "no_response", _("Geen reactie (geen volgende stap)")
        COMPLETED = "completed", _("Gesprek gehad")
        HANDED_OVER = "handed_over", _("Voorstel maatregel")
        CLOSED = "closed", _("Afgesloten")

    OPEN_STATUSES = (Status.INVITED, Status.PLANNED, Status.WAITING, Status.STAFF_ACTION)

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="outreaches")
    resident = models.ForeignKey("residents.Resident", on_delete=models.CASCADE, related_name="outreaches")
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.NEW)
    position = models.PositiveSmallIntegerField(_("stap op de no-showladder"), default=0)
    # An escalating event (no_show, no_response, not_met) recorded but not yet handled by the ladder. The per-event
    # task clears it; the nightly run picks up any that a lost task left behind.
    pending_event = models.CharField(max_length=20, blank=True)
    respond_by = models.DateField(_("reageren uiterlijk"), null=True, blank=True)
    danger = models.BooleanField(
        _("zorgen over veiligheid"), default=False,
        help_text=_("Bij gevaar wordt een benadering niet afgesloten, ook niet na een blijvend nee."),
    )
    staff_note = models.CharField(_("wat moet de medewerker doen"), max_length=200, blank=True)
    closed_reason = models.CharField(_("reden afsluiten"), max_length=300, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    first_invited_at = models.DateTimeField(null=True, blank=True)
    first_conversation_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("benadering")
        verbose_name_plural = _("benaderingen")
        ordering = ["campaign", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "resident"], name="one_outreach_per_campaign")]
        indexes = [
            models.Index(fields=["status", "respond_by"]),
            models.Index(fields=["pending_event"], condition=~Q(pending_event=""), name="outreach_pending_event"),
            models.Index(fields=["resident", "-created_at"]),
        ]

    def __str__(self):
        return f"{self.campaign} – {self.resident}"

    def step_key(self, position):
        """Idempotency key of a ladder step: letters and tasks of one step are made once."""
        return f"outreach:{self.pk}:step{position}"

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES


class Invitation(models.Model):
    """A personal booking link that expires. The link's token is stored hashed (BookingLink)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        BOOKED = "booked", _("Geboekt")
        EXPIRED = "expired", _("Verlopen")
        WITHDRAWN = "withdrawn", _("Ingetrokken")

    outreach = models.ForeignKey(Outreach, on_delete=models.CASCADE, related_name="invitations")
    position = models.PositiveSmallIntegerField(_("stap"), default=0)
    step_key = models.CharField(max_length=120)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    sent_at = models.DateTimeField(_("verstuurd"), default=timezone.now)
    expires_at = models.DateTimeField(_("geldig tot"))
    channels = models.JSONField(_("kanalen"), default=list)
    reminder_sent_at = models.DateTimeField(_("herinnering verstuurd"), null=True, blank=True)
    booked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("uitnodiging")
        verbose_name_plural = _("uitnodigingen")
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self):
        return f"{self.outreach} ({self.get_status_display()})"

    @property
    def channel_labels(self):
        return ", ".join(str(CHANNEL_LABELS.get(c, c)) for c in self.channels)


class BookingLink(models.Model):
    """A token that opens an invitation's booking page. A reminder gets its own token for the same invitation, so
    the link in the first letter keeps working."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(max_length=20, default="invitation")
    created_at = models.DateTimeField(default=timezone.now)


class Appointment(models.Model):
    class How(models.TextChoices):
        INVITATION = "invitation", _("Zelf geboekt na uitnodiging")
        CONVOCATION = "convocation", _("Oproep door medewerker")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Gepland")
        ATTENDED = "attended", _("Gekomen")
        CANCELLED_IN_TIME = "cancelled_in_time", _("Op tijd afgemeld")
        NO_SHOW = "no_show", _("Niet gekomen")
        WITHDRAWN = "withdrawn", _("Vervallen")

    outreach = models.ForeignKey(Outreach, on_delete=models.CASCADE, related_name="appointments")
    resident = models.ForeignKey("residents.Resident", on_delete=models.CASCADE, related_name="outreach_appointments")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="appointments")
    invitation = models.ForeignKey(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="appointments"
    )
    how = models.CharField(_("hoe geboekt"), max_length=12, choices=How.choices)
    position = models.PositiveSmallIntegerField(_("stap"), default=0)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    appointment_kind = models.CharField(_("soort afspraak"), max_length=40)
    # The appointment kind's rules as they were when booked (the letter said so).
    obligatory = models.BooleanField(_("verplicht"), default=False)
    measure_possible = models.BooleanField(_("maatregel mogelijk"), default=False)
    policy_profile = models.ForeignKey("policy.PolicyProfile", on_delete=models.PROTECT, related_name="+")
    booked_at = models.DateTimeField(default=timezone.now)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    attendance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("afspraak")
        verbose_name_plural = _("afspraken")
        ordering = ["slot__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["slot", "resident"], condition=Q(status="planned"),
                                    name="one_planned_appointment_per_slot_and_resident"),
        ]
        indexes = [models.Index(fields=["status", "slot"]), models.Index(fields=["resident", "status"])]

    def __str__(self):
        return f"{self.resident} – {self.slot}"


class LadderStep(models.Model):
    """A step taken for one outreach: the campaign's invitation or a step of the profile's no-show ladder.
    Records the profile version and the rule used (DESIGN §4.3); unique per outreach and position."""

    outreach = models.ForeignKey(Outreach, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("stap"))
    kind = models.CharField(_("soort stap"), max_length=30)
    event = models.CharField(_("aanleiding"), max_length=20)
    step_key = models.CharField(max_length=120, unique=True)
    policy_profile = models.ForeignKey("policy.PolicyProfile", on_delete=models.PROTECT, related_name="+")
    rule = models.CharField(_("regel"), max_length=300)
    outcome = models.CharField(_("uitkomst"), max_length=300, blank=True)
    executed_at = models.DateTimeField(default=timezone.now)
    letter_id = models.BigIntegerField(null=True, blank=True)
    task_id = models.BigIntegerField(null=True, blank=True)
    appointment = models.ForeignKey(Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("stap")
        verbose_name_plural = _("stappen")
        ordering = ["outreach", "position"]
        constraints = [models.UniqueConstraint(fields=["outreach", "position"], name="one_step_per_position")]


class SentMessage(models.Model):
    """An e-mail or SMS handed to a channel, with its delivery status. The booking token is never stored here."""

    PURPOSES = {
        "invitation": _("uitnodiging"),
        "reminder": _("herinnering uitnodiging"),
        "appointment_reminder": _("herinnering afspraak"),
        "confirmation": _("bevestiging afspraak"),
        "convocation": _("oproep"),
    }

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("Sms")

    class Status(models.TextChoices):
        QUEUED = "queued", _("In de wachtrij")
        DELIVERED = "delivered", _("Afgeleverd")
        FAILED = "failed", _("Mislukt")

    resident = models.ForeignKey("residents.Resident", on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages")
    outreach = models.ForeignKey(Outreach, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages")
    channel = models.CharField(_("kanaal"), max_length=10, choices=Channel.choices)
    purpose = models.CharField(_("waarvoor"), max_length=30)
    key = models.CharField(max_length=160, unique=True, help_text="Idempotency key: one message per step and channel.")
    to_address = models.CharField(_("aan"), max_length=200)
    subject = models.CharField(_("onderwerp"), max_length=200, blank=True)
    body = models.TextField(_("tekst"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    delivery_id = models.CharField(max_length=100, blank=True, db_index=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("verstuurd bericht")
        verbose_name_plural = _("verstuurde berichten")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["campaign", "status"])]

    @property
    def purpose_label(self):
        return self.PURPOSES.get(self.purpose, self.purpose)
