"""Staff and resident accounts. A role (DESIGN §1) plus relations (municipality, team, wijk) decide what a user sees."""
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Klantmanager")
    TEAM_LEAD = "team_lead", _("Teamleider")
    NEIGHBOURHOOD_WORKER = "neighbourhood_worker", _("Wijkteammedewerker")
    PROVIDER_STAFF = "provider_staff", _("Medewerker partner")
    ANALYST = "analyst", _("Beleidsmedewerker / onderzoeker")
    ADMINISTRATOR = "administrator", _("Functioneel beheerder")
    # Handhaving (sociale recherche): receives signals of unreported income after the resident's own period to
    # correct them; guidance staff never perform enforcement (issue 5, meedoen.obligations).
    ENFORCEMENT = "enforcement", _("Handhaving")
    RESIDENT = "resident", _("Inwoner")


class User(AbstractUser):
    role = models.CharField(_("rol"), max_length=30, choices=Role.choices, default=Role.CASEWORKER)
    job_title = models.CharField(
        _("functienaam"), max_length=80, blank=True, help_text=_("Bijv. activeringscoach, klantmanager, consulent.")
    )
    municipality = models.ForeignKey(
        "organisation.Municipality", on_delete=models.PROTECT, null=True, blank=True, related_name="users",
        verbose_name=_("gemeente"),
    )
    team = models.ForeignKey(
        "organisation.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="members",
        verbose_name=_("team"),
    )
    neighbourhood = models.ForeignKey(
        "organisation.Neighbourhood", on_delete=models.SET_NULL, null=True, blank=True, related_name="workers",
        verbose_name=_("wijk"), help_text=_("Voor wijkteammedewerkers: de wijk waarvoor zij werken."),
    )
    provider = models.ForeignKey(
        "offer.Provider", on_delete=models.PROTECT, null=True, blank=True, related_name="staff",
        verbose_name=_("partnerorganisatie"), help_text=_("Voor medewerkers van een partner: hun organisatie."),
    )
    # The resident's own login for the portal ("Mijn Meedoen"): a resident user sees only this dossier.
    resident = models.OneToOneField(
        "residents.Resident", on_delete=models.SET_NULL, null=True, blank=True, related_name="account",
        verbose_name=_("inwoner"), help_text=_("Voor inwoners: hun eigen dossier."),
    )
    intensive_caseload = models.BooleanField(
        _("intensieve caseload"), default=False,
        help_text=_("Klantmanager met een kleine, intensieve caseload (bijv. extra aandacht, Fallmanager, IPS)."),
    )

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")
        indexes = [models.Index(fields=["municipality", "role"])]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def is_caseworker(self):
        return self.role == Role.CASEWORKER

    @property
    def is_team_lead(self):
        return self.role == Role.TEAM_LEAD


class ApiToken(models.Model):
    """A key for an API client (a municipal system that reads the API on behalf of a staff user).

    Made only by a superuser (admin, audited), always with an expiry. Only a SHA-256 digest of the key is stored; the
    key itself is shown once. An API token skips the two-factor step of the staff screens, so it is short-lived
    (at most MAX_DAYS) and can be revoked; every use updates `last_used_at`.
    """

    MAX_DAYS = 365
    DEFAULT_DAYS = 90

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("gebruiker"))
    name = models.CharField(_("naam"), max_length=100, help_text=_("Waarvoor de sleutel is, bijv. 'koppeling DMS'."))
    prefix = models.CharField(_("begin van de sleutel"), max_length=8, editable=False)
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("gemaakt op"), auto_now_add=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, editable=False, related_name="+",
                                   verbose_name=_("gemaakt door"))
    expires_at = models.DateTimeField(_("geldig tot"))
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("laatst gebruikt"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API-sleutel")
        verbose_name_plural = _("API-sleutels")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
