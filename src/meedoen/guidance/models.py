"""The guidance loop's shared pieces. Tasks are the to-dos that rules hand to people (home visit, measure proposal,
plan review); conversations, plans and endings live beside them."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Task(models.Model):
    class Kind(models.TextChoices):
        HOME_VISIT = "home_visit", _("Huisbezoek")
        MEASURE_PROPOSAL = "measure_proposal", _("Voorstel maatregel")
        CONTACT = "contact", _("Contact opnemen")
        PLAN_REVIEW = "plan_review", _("Plan evalueren")
        EXEMPTION_CHECK = "exemption_check", _("Ontheffing beoordelen")
        HELP_REFERRAL = "help_referral", _("Hulp regelen")
        MOTIVATION = "motivation", _("Motiverend gesprek")
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
        indexes = [models.Index(fields=["assigned_to", "status", "due_on"]), models.Index(fields=["resident", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "source_key"], condition=~models.Q(source_key=""), name="unique_task_per_step"
            )
        ]

    def __str__(self):
        return self.title
