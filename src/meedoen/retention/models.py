"""Manual legal holds on a dossier, and the record of every deletion (without personal data)."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LegalHoldQuerySet(models.QuerySet):
    def active(self):
        return self.filter(lifted_at__isnull=True)


class LegalHold(models.Model):
    """A functioneel beheerder stops deletion of one dossier (e.g. a court case, a request from the
    ombudsman, a collection running past its limitation term). Lifting keeps the row as history."""

    resident = models.ForeignKey("residents.Resident", on_delete=models.CASCADE, related_name="legal_holds")
    reason = models.CharField(_("reden"), max_length=300)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.CharField(_("reden opheffen"), max_length=300, blank=True)

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        verbose_name = _("bewaarplicht")
        verbose_name_plural = _("bewaarplichten")
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["resident"], condition=Q(lifted_at__isnull=True),
                                    name="one_active_legal_hold_per_resident"),
        ]


class DeletionRecord(models.Model):
    """Proof that records were deleted under the schedule: category, municipality, the dossier's internal number,
    the rule and schedule version applied, and the rows deleted per model. Never a name, BSN or other content."""

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    category = models.CharField(max_length=40)
    municipality = models.ForeignKey(
        "organisation.Municipality", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dossier_number = models.BigIntegerField(null=True, blank=True)  # the resident's internal id; the row is gone
    rule = models.CharField(max_length=200)
    schedule_version = models.CharField(max_length=20)
    due_on = models.DateField(null=True, blank=True)
    counts = models.JSONField(default=dict)  # {"app.Model": rows deleted}

    class Meta:
        verbose_name = _("verwijderverslag")
        verbose_name_plural = _("verwijderverslagen")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["municipality", "-occurred_at"])]
