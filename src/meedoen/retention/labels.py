"""Plain-Dutch words for the schedule's categories, events and holds (the file itself holds data and citations)."""
from django.utils.translation import gettext_lazy as _

CATEGORIES = {
    "resident_dossier": (
        _("Dossier van een inwoner"),
        _("Alles over één inwoner: gegevens, inschattingen, gesprekken, plannen, doorverwijzingen, brieven, "
          "ontheffingen, maatregelen, bezwaren, berekeningen van de uitkering, antwoorden op vragenlijsten en het "
          "account voor Mijn Meedoen."),
    ),
    "audit_trail": (
        _("Audittrail"),
        _("Wie wanneer welk dossier bekeek of wijzigde. Er staan geen namen van inwoners in."),
    ),
    "research_export_log": (
        _("Overzicht van onderzoeksexports"),
        _("Wie wanneer gegevens voor onderzoek heeft gedownload, met welke filters."),
    ),
    "experiment_questionnaire": (
        _("Antwoorden op vragenlijsten van een experiment"),
        _("De antwoorden die inwoners gaven in een experiment."),
    ),
    "deletion_record": (
        _("Verslag van verwijderen"),
        _("Wat er is verwijderd en volgens welke regel. Zonder namen of BSN."),
    ),
}

EVENTS = {
    "guidance_ended": _("het einde van de begeleiding"),
    "last_benefit_month": _("de laatste maand met een berekende uitkering"),
    "logged": _("de dag dat het is vastgelegd"),
    "experiment_closed": _("het afsluiten van het experiment"),
    "deleted": _("de dag van verwijderen"),
}

HOLDS = {
    "guidance_active": _("Begeleiding loopt nog"),
    "benefit_active": _("Uitkering loopt nog"),
    "objection_open": _("Bezwaar of klacht in behandeling"),
    "recovery_open": _("Terugvordering of nabetaling nog niet afgerond"),
    "manual": _("Bewaarplicht door beheerder"),
}
