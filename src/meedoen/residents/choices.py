"""Structured answers in the dossier. The same codes feed the assessment rules (assessment/rules.py)."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class HouseholdType(models.TextChoices):
    SINGLE = "single", _("Alleenstaand")
    SINGLE_PARENT = "single_parent", _("Alleenstaande ouder")
    COUPLE = "couple", _("Gehuwd of samenwonend")
    COUPLE_WITH_CHILDREN = "couple_with_children", _("Gehuwd of samenwonend met kinderen")
    SHARED_HOUSEHOLD = "shared_household", _("Woont met andere volwassenen (kostendeler)")


class EducationLevel(models.TextChoices):
    NONE = "none", _("Geen of alleen basisonderwijs niet afgemaakt")
    PRIMARY = "primary", _("Basisonderwijs")
    VMBO = "vmbo", _("Vmbo / mavo")
    MBO1 = "mbo1", _("Mbo niveau 1 (entree)")
    MBO2_4 = "mbo2_4", _("Mbo niveau 2 tot 4")
    HAVO_VWO = "havo_vwo", _("Havo / vwo")
    HBO_WO = "hbo_wo", _("Hbo / universiteit")


class LanguageLevel(models.TextChoices):
    NONE = "none", _("Spreekt (bijna) geen Nederlands")
    A1 = "A1", _("A1 - beginner")
    A2 = "A2", _("A2 - basis")
    B1 = "B1", _("B1 - redt zich in het dagelijks leven")
    B2 = "B2", _("B2 - goed")
    NATIVE = "native", _("Moedertaal of vergelijkbaar")


class HealthLimitation(models.TextChoices):
    NONE = "none", _("Geen beperkingen")
    SOME = "some", _("Enige beperkingen")
    SEVERE = "severe", _("Ernstige beperkingen")


class Debts(models.TextChoices):
    NONE = "none", _("Geen schulden")
    MANAGEABLE = "manageable", _("Schulden, onder controle of in regeling")
    PROBLEMATIC = "problematic", _("Problematische schulden")


class Addiction(models.TextChoices):
    NONE = "none", _("Geen")
    IN_RECOVERY = "in_recovery", _("In herstel / onder behandeling")
    ACTIVE = "active", _("Actief middelengebruik")


class Isolation(models.TextChoices):
    NONE = "none", _("Voldoende contacten")
    SOME = "some", _("Weinig contacten")
    SEVERE = "severe", _("Geïsoleerd")


class SocialCircumstances(models.TextChoices):
    STABLE = "stable", _("Stabiel")
    SOME_PROBLEMS = "some_problems", _("Enkele problemen (wonen, relaties)")
    CRISIS = "crisis", _("Crisis (dakloos, huiselijk geweld, detentie)")


class CareDuties(models.TextChoices):
    NONE = "none", _("Geen zorgtaken")
    YOUNG_CHILDREN = "young_children", _("Zorg voor jonge kinderen")
    INFORMAL_CARE = "informal_care", _("Mantelzorg")
    BOTH = "both", _("Kinderen en mantelzorg")


class Intensity(models.TextChoices):
    INTENSIVE = "intensive", _("Intensief")
    LIGHT = "light", _("Licht / zelfredzaam")
