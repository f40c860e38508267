"""The municipality and how it is organised: wijken, venues (Huis van de Wijk, stadsloket) and teams."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Municipality(models.Model):
    name = models.CharField(_("naam"), max_length=100, unique=True)
    code = models.CharField(_("CBS-gemeentecode"), max_length=4, unique=True, help_text=_("Vier cijfers, bijv. 0599."))
    policy_key = models.SlugField(
        _("beleidsprofiel"),
        max_length=60,
        help_text=_("Sleutel van het beleidsprofiel dat deze gemeente gebruikt; de geldige versie volgt uit de datum."),
    )

    class Meta:
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Neighbourhood(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="neighbourhoods")
    name = models.CharField(_("naam"), max_length=100)
    code = models.CharField(_("wijkcode"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("wijk")
        verbose_name_plural = _("wijken")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "name"], name="unique_neighbourhood_name")]

    def __str__(self):
        return self.name


class Venue(models.Model):
    class Kind(models.TextChoices):
        COMMUNITY_CENTRE = "community_centre", _("Huis van de Wijk")
        CITY_OFFICE = "city_office", _("Stadsloket")
        SERVICE_OFFICE = "service_office", _("Kantoor Werk & Inkomen")
        PARTNER_LOCATION = "partner_location", _("Locatie van een partner")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="venues")
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.SET_NULL, related_name="venues", null=True, blank=True
    )
    name = models.CharField(_("naam"), max_length=150)
    kind = models.CharField(_("soort"), max_length=30, choices=Kind.choices)
    address = models.CharField(_("adres"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("locatie")
        verbose_name_plural = _("locaties")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Team(models.Model):
    class Kind(models.TextChoices):
        ACTIVATION = "activation", _("Activeringsteam / klantmanagers")
        NEIGHBOURHOOD = "neighbourhood", _("Wijkteam / buurtteam")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("naam"), max_length=100)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices, default=Kind.ACTIVATION)
    neighbourhoods = models.ManyToManyField(Neighbourhood, blank=True, related_name="teams", verbose_name=_("wijken"))

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "name"], name="unique_team_name")]

    def __str__(self):
        return self.name
