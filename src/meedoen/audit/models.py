"""The audit trail: every read and write of a dossier, and every refused attempt. Append-only."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", _("Bekeken")
        CREATE = "create", _("Aangemaakt")
        UPDATE = "update", _("Gewijzigd")
        DELETE = "delete", _("Verwijderd")
        SEARCH = "search", _("Gezocht")
        DENIED = "denied", _("Geweigerd")
        EXPORT = "export", _("Geëxporteerd")
        CONFLICT = "conflict", _("Gelijktijdige wijziging geweigerd")

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    actor_username = models.CharField(max_length=150)
    actor_role = models.CharField(max_length=30, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    resident_id = models.BigIntegerField(null=True, blank=True, db_index=True)  # kept when a dossier is deleted
    # The municipality whose trail this is (the actor's, else the dossier's): a functioneel beheerder reads only
    # the own municipality's trail. A plain number, like resident_id, so the trail outlives what it names.
    municipality_id = models.BigIntegerField(null=True, blank=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    screen = models.CharField(_("scherm"), max_length=120, blank=True)
    path = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("auditregel")
        verbose_name_plural = _("audittrail")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["resident_id", "-occurred_at"]), models.Index(fields=["actor", "-occurred_at"]),
                   models.Index(fields=["municipality_id", "-occurred_at"], name="audit_municipality_idx")]
