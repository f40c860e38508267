"""The warm handover to a provider, prefilled from the guidance handover summary (guidance.handover.summary) so the
resident does not have to tell the story again — but only what a provider needs: who the resident is, what he or
she wants and is good at, and what was agreed. Not the segment, open tasks, earlier conversations or other barriers
(the caseworker adds what the resident agrees to share); for a help service the one barrier it is for."""
from django.utils.translation import gettext as _

from meedoen.guidance import handover as guidance_handover

# Which barrier line a help service gets, by provider kind (dossier field names; see guidance.handover.BARRIERS).
HELP_BARRIER = {
    "debt_counselling": ("debts",),
    "mental_health": ("mental_health", "physical_health"),
    "addiction_care": ("addiction",),
}


def provider_handover_text(resident, provider_kind="", data=None):
    s = data or guidance_handover.summary(resident)
    who, wants, agreed = s["who"], s["wants"], s["agreed"]
    lines = [_("%(name)s, %(age)s jaar, woont in %(wijk)s. Nederlands: %(language)s.") % {
        "name": who["name"], "age": who["age"], "wijk": who["neighbourhood"] or "–", "language": who["language"]}]
    if wants["wishes"] or wants["talents"]:
        lines.append(_("Wil zelf: %(w)s. Goed in: %(t)s.") % {"w": wants["wishes"] or "–",
                                                               "t": wants["talents"] or "–"})
    if who["interests"]:
        lines.append(_("Interesses: %(i)s.") % {"i": who["interests"]})
    if agreed:
        steps = "; ".join(f"{st['description']} ({st['hours']} u/wk)" for st in agreed["steps"])
        lines.append(_("Afgesproken in het plan van aanpak: %(goals)s. Afspraken: %(steps)s.") % {
            "goals": agreed["goals"], "steps": steps})
    for field in HELP_BARRIER.get(provider_kind, ()):
        value = getattr(resident, f"get_{field}_display")()
        if getattr(resident, field) not in ("none", ""):
            label = resident._meta.get_field(field).verbose_name
            lines.append(_("%(label)s: %(value)s.") % {"label": str(label).capitalize(), "value": value})
    if provider_kind in HELP_BARRIER and resident.barrier_notes:
        lines.append(_("Toelichting: %(n)s") % {"n": resident.barrier_notes})
    lines.append(_("Vraag aan u: neem contact op met de inwoner voor een kennismaking (warme overdracht). "
                   "De klantmanager is bereikbaar voor vragen."))
    return "\n".join(lines)
