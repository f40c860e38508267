"""Versioned policy profiles: a municipality's approach as data (DESIGN §3)."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .schema import segment_groups, validate_settings


class PolicyProfileQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=PolicyProfile.Status.APPROVED)

    def active_for(self, key, on_date):
        """The approved version of profile `key` in force on `on_date` (latest effective_from, then version)."""
        return (
            self.approved()
            .filter(key=key, effective_from__lte=on_date)
            .order_by("-effective_from", "-version")
            .first()
        )


class PolicyProfile(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Concept")
        APPROVED = "approved", _("Vastgesteld")

    class Stance(models.TextChoices):
        VOLUNTARY = "voluntary", _("Vrijwillig")
        MOTIVATING = "motivating", _("Motiverend")
        PRESSURE = "pressure", _("Drang")
        MANDATORY = "mandatory", _("Verplicht (dwang)")

    class LetterTone(models.TextChoices):
        INVITING = "inviting", _("Uitnodigend")
        NEUTRAL = "neutral", _("Neutraal")
        OBLIGATING = "obligating", _("Verplichtend")

    key = models.SlugField(_("sleutel"), max_length=60, help_text=_("Familie van versies, bijv. 'rotterdam'."))
    version = models.PositiveIntegerField(_("versie"), default=1)
    name = models.CharField(_("naam"), max_length=120)
    description = models.TextField(_("omschrijving"), blank=True)
    is_preset = models.BooleanField(_("standaardprofiel"), default=False)
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies", verbose_name=_("gebaseerd op")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    effective_from = models.DateField(_("geldig vanaf"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("vastgesteld door"),
    )
    approved_by_name = models.CharField(
        _("vastgesteld door (naam/orgaan)"), max_length=150, blank=True,
        help_text=_("Bijv. 'College van B&W, besluit 2026/123' voor een standaardprofiel."),
    )
    approved_at = models.DateTimeField(_("vastgesteld op"), null=True, blank=True)

    # What the approach decides
    resident_term = models.CharField(_("woord voor de inwoner"), max_length=40, default="cliënt")
    resident_term_plural = models.CharField(_("meervoud"), max_length=40, default="cliënten")
    approach_phrase = models.CharField(_("benadering"), max_length=200, blank=True)
    ideology = models.CharField(_("uitgangspunt"), max_length=200, blank=True)
    stance = models.CharField(_("houding"), max_length=12, choices=Stance.choices)
    letter_tone = models.CharField(_("toon van brieven"), max_length=12, choices=LetterTone.choices)
    neighbourhood_team_sees_names = models.BooleanField(
        _("wijkteam ziet namen"), default=False,
        help_text=_("Mag het wijkteam namen en adressen van inwoners in de eigen wijk zien?"),
    )
    segmentation = models.JSONField(_("segmentatie (de knip)"))
    contact_norms = models.JSONField(_("contactnormen in dagen per segment en intensiteit"))
    caseload_norms = models.JSONField(_("caseloadnormen"))
    no_show_ladder = models.JSONField(_("no-showladder"), default=list, blank=True)
    reciprocity = models.JSONField(_("tegenprestatie"), default=dict, blank=True)
    assessment_weights = models.JSONField(_("gewichten van de inschatting"), default=dict, blank=True)
    extra = models.JSONField(_("overige kenmerken"), default=dict, blank=True)

    objects = PolicyProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("beleidsprofiel")
        verbose_name_plural = _("beleidsprofielen")
        ordering = ["key", "-version"]
        constraints = [models.UniqueConstraint(fields=["key", "version"], name="unique_profile_version")]

    def __str__(self):
        return f"{self.name} (v{self.version})"

    def settings_dict(self):
        return {
            "segmentation": self.segmentation,
            "contact_norms": self.contact_norms,
            "caseload_norms": self.caseload_norms,
            "stance": self.stance,
            "letter_tone": self.letter_tone,
            "no_show_ladder": self.no_show_ladder,
            "reciprocity": self.reciprocity,
        }

    def clean(self):
        errors = validate_settings(self.settings_dict())
        if errors:
            raise ValidationError(errors)
        if self.pk and self.status == self.Status.APPROVED:
            stored = PolicyProfile.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == self.Status.APPROVED:
                raise ValidationError(
                    _("Een vastgestelde versie verandert niet meer. Maak een nieuwe versie (kopie) om te wijzigen.")
                )

    @property
    def groups(self):
        return segment_groups(self.segmentation)

    def segment_label(self, code):
        for group in self.groups:
            if group.code == code:
                return group.label
        return code
