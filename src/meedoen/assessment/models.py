"""Assessments (de knip), Participatieladder and ZRM measurements. Records are append-only history."""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .instruments import LADDER_STEPS, ZRM_DOMAINS


class Assessment(models.Model):
    resident = models.ForeignKey("residents.Resident", on_delete=models.CASCADE, related_name="assessments")
    assessed_at = models.DateTimeField(default=timezone.now)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    policy_profile = models.ForeignKey("policy.PolicyProfile", on_delete=models.PROTECT, related_name="+")
    rule_version = models.CharField(max_length=40)
    inputs = models.JSONField()
    estimated_months = models.PositiveSmallIntegerField(_("geschatte maanden tot werk"))
    contributions = models.JSONField()
    computed_segment = models.CharField(_("berekend segment"), max_length=30)
    segment_rule = models.CharField(max_length=200)
    young_person_rule_applied = models.BooleanField(default=False)
    segment = models.CharField(_("segment"), max_length=30)
    override_reason = models.TextField(_("reden voor afwijken"), blank=True)
    notes = models.TextField(_("toelichting"), blank=True)

    class Meta:
        verbose_name = _("inschatting")
        verbose_name_plural = _("inschattingen")
        ordering = ["-assessed_at", "-id"]
        indexes = [models.Index(fields=["resident", "-assessed_at"])]

    @property
    def is_override(self):
        return self.segment != self.computed_segment


class LadderMeasurement(models.Model):
    resident = models.ForeignKey("residents.Resident", on_delete=models.CASCADE, related_name="ladder_measurements")
    measured_on = models.DateField(_("datum"))
    step = models.PositiveSmallIntegerField(
        _("trede"), choices=[(k, f"{k}. {v[0]}") for k, v in LADDER_STEPS.items()],
        validators=[MinValueValidator(1), MaxValueValidator(6)],
    )
    note = models.TextField(_("toelichting"), blank=True)
    measured_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("meting participatieladder")
        verbose_name_plural = _("metingen participatieladder")
        ordering = ["-measured_on", "-id"]
        indexes = [models.Index(fields=["resident", "-measured_on"])]


def _zrm_field(label):
    return models.PositiveSmallIntegerField(label, validators=[MinValueValidator(1), MaxValueValidator(5)])


class ZRMMeasurement(models.Model):
    resident = models.ForeignKey("residents.Resident", on_delete=models.CASCADE, related_name="zrm_measurements")
    measured_on = models.DateField(_("datum"))
    measured_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    note = models.TextField(_("toelichting"), blank=True)
    locals().update({code: _zrm_field(label) for code, label in ZRM_DOMAINS})

    class Meta:
        verbose_name = _("meting Zelfredzaamheid-Matrix")
        verbose_name_plural = _("metingen Zelfredzaamheid-Matrix")
        ordering = ["-measured_on", "-id"]
        indexes = [models.Index(fields=["resident", "-measured_on"])]

    def scores(self):
        return [(label, getattr(self, code)) for code, label in ZRM_DOMAINS]
