"""Letters to residents and the versioned templates that make them (DESIGN §6, §8).

A letter keeps the template version that made it, the rendered HTML and the PDF bytes, so a reprint is exact even
after the template, the address or the caseworker changed.
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class LetterKind(models.TextChoices):
    INVITATION = "invitation", _("Uitnodiging")
    CONVOCATION = "convocation", _("Oproep")
    REGISTERED_LETTER = "registered_letter", _("Aangetekende brief")
    NO_SHOW_ACTION = "no_show_action", _("No show-actie")
    HOME_VISIT = "home_visit", _("Aankondiging huisbezoek")
    REMINDER = "reminder", _("Herinnering")
    FRIENDLY_CHECKIN = "friendly_checkin", _("Hoe gaat het met u?")
    CONTACT_DAY = "contact_day", _("Wijkcontactdag")
    PLAN_CONFIRMATION = "plan_confirmation", _("Plan van aanpak")
    END_OF_GUIDANCE = "end_of_guidance", _("Einde begeleiding")
    MEASURE_DECISION = "measure_decision", _("Beschikking maatregel")
    INCOME_CORRECTION = "income_correction", _("Verzoek inkomsten zelf door te geven")
    PAYMENT_CORRECTION = "payment_correction", _("Beschikking terugvordering of nabetaling")


class LetterTone(models.TextChoices):
    """The same values as PolicyProfile.LetterTone: a profile's letter_tone picks the default template."""

    INVITING = "inviting", _("Uitnodigend")
    NEUTRAL = "neutral", _("Neutraal")
    OBLIGATING = "obligating", _("Verplichtend")


class LetterTemplateQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class LetterTemplate(models.Model):
    """One version of the text of a letter kind, for a tone (the defaults) or for one policy profile key.

    A slot is (kind, tone, profile_key): a default template has a tone and no profile key; a profile's own template
    has a profile key and no tone. Each slot has at most one active version. Texts are Django template source.
    """

    kind = models.CharField(_("soort brief"), max_length=30, choices=LetterKind.choices)
    tone = models.CharField(_("toon"), max_length=12, choices=LetterTone.choices, blank=True)
    profile_key = models.SlugField(
        _("beleidsprofiel"), max_length=60, blank=True,
        help_text=_("Sleutel van het beleidsprofiel (bijv. 'rotterdam') als deze tekst alleen voor dat profiel is."),
    )
    version = models.PositiveIntegerField(_("versie"), default=1)
    is_active = models.BooleanField(_("in gebruik"), default=True)
    subject = models.CharField(_("onderwerp"), max_length=200)
    body = models.TextField(_("tekst"), help_text=_("Django-sjabloontaal, bijv. {{ resident.full_name }}."))
    is_shipped_default = models.BooleanField(
        _("meegeleverde tekst"), default=False, editable=False,
        help_text=_("Ongewijzigde standaardtekst uit Meedoen; wordt bij een update van Meedoen bijgewerkt."),
    )
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("vorige versie")
    )
    created_at = models.DateTimeField(_("gemaakt op"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("gemaakt door"),
    )

    objects = LetterTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("briefsjabloon")
        verbose_name_plural = _("briefsjablonen")
        ordering = ["kind", "profile_key", "tone", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "tone", "profile_key", "version"], name="unique_letter_template_version"),
            models.UniqueConstraint(
                fields=["kind", "tone", "profile_key"], condition=Q(is_active=True), name="one_active_letter_template",
            ),
            models.CheckConstraint(
                condition=(Q(tone="") & ~Q(profile_key="")) | (~Q(tone="") & Q(profile_key="")),
                name="letter_template_tone_xor_profile",
            ),
        ]

    def clean(self):
        from django.template import TemplateSyntaxError, engines

        errors = {}
        for field in ("subject", "body"):
            try:
                engines["django"].from_string(getattr(self, field))
            except TemplateSyntaxError as exc:
                errors[field] = _("Fout in de sjabloontaal: %(error)s") % {"error": exc}
        if bool(self.tone) == bool(self.profile_key):
            errors["tone"] = _("Kies een toon (standaardtekst) of een beleidsprofiel (eigen tekst), niet allebei.")
        if errors:
            raise ValidationError(errors)

    def __str__(self):
        scope = self.profile_key or self.get_tone_display()
        return f"{self.get_kind_display()} – {scope} (v{self.version})"


class LetterQuerySet(models.QuerySet):
    def without_content(self):
        """Lists never need the stored PDF or HTML."""
        return self.defer("pdf", "body_html", "document_html")


class Letter(models.Model):
    resident = models.ForeignKey(
        "residents.Resident", on_delete=models.CASCADE, related_name="letters", verbose_name=_("inwoner")
    )
    kind = models.CharField(_("soort brief"), max_length=30, choices=LetterKind.choices)
    reference = models.CharField(_("kenmerk"), max_length=40, unique=True)
    template = models.ForeignKey(
        LetterTemplate, on_delete=models.PROTECT, related_name="letters", verbose_name=_("sjabloon")
    )
    template_version = models.PositiveIntegerField(_("sjabloonversie"))
    subject = models.CharField(_("onderwerp"), max_length=300)
    body_html = models.TextField(_("tekst (HTML)"))
    document_html = models.TextField(_("brief (HTML)"), help_text=_("De hele brief zoals afgedrukt."))
    pdf = models.BinaryField(_("PDF"))
    page_count = models.PositiveSmallIntegerField(_("pagina's"), default=1)
    registered = models.BooleanField(_("aangetekend"), default=False)
    step_key = models.CharField(
        _("stap"), max_length=200, help_text=_("Voor deze stap wordt nooit een tweede brief gemaakt."),
    )
    campaign_ref = models.CharField(_("campagne"), max_length=100, blank=True)
    policy_profile = models.ForeignKey(
        "policy.PolicyProfile", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("beleidsprofiel"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("gemaakt door"),
    )
    created_at = models.DateTimeField(_("gemaakt op"), auto_now_add=True)
    printed_at = models.DateTimeField(_("afgedrukt op"), null=True, blank=True)

    objects = LetterQuerySet.as_manager()

    class Meta:
        verbose_name = _("brief")
        verbose_name_plural = _("brieven")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["resident", "step_key"], name="one_letter_per_step")]
        indexes = [
            models.Index(fields=["resident", "-created_at"]),
            models.Index(fields=["campaign_ref", "id"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.reference}"

    @property
    def filename(self):
        """No name or BSN in a file name: it ends up in download folders and print queues."""
        return f"brief-{self.pk}.pdf"
