"""The shape of a policy profile's settings, validated without Django (apart from i18n for the messages) so rules and
the simulator can share it.

A profile is data. Everything a municipality's approach decides lives in these structures; code never asks
"which municipality is this?", only "what does the profile say?".
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

STANCES = ("voluntary", "motivating", "pressure", "mandatory")
INTENSITIES = ("intensive", "light")
LETTER_TONES = ("inviting", "neutral", "obligating")
NO_SHOW_STEP_KINDS = (
    "invitation",
    "second_invitation",
    "registered_letter",
    "no_show_action_letter",
    "home_visit",
    "measure_proposal",
    "close_outreach",
    "pay_not_earned",
)


@dataclass(frozen=True)
class SegmentGroup:
    code: str
    label: str
    max_months: int | None  # exclusive upper bound; None for the furthest group


def segment_groups(segmentation: dict) -> list[SegmentGroup]:
    return [SegmentGroup(g["code"], g["label"], g.get("max_months")) for g in segmentation["groups"]]


def validate_settings(data: dict) -> list[str]:
    """Return a list of human-readable problems (Dutch, through gettext) with a profile's settings; empty when
    valid."""
    errors: list[str] = []

    seg = data.get("segmentation") or {}
    groups = seg.get("groups") or []
    if len(groups) not in (2, 3):
        errors.append(_("Segmentatie: kies 2 of 3 groepen."))
    else:
        bounds = [g.get("max_months") for g in groups]
        if bounds[-1] is not None:
            errors.append(_("Segmentatie: de laatste groep heeft geen bovengrens."))
        inner = bounds[:-1]
        if any(b is None or not isinstance(b, int) or b <= 0 for b in inner):
            errors.append(_("Segmentatie: elke groep behalve de laatste heeft een bovengrens in maanden (> 0)."))
        elif inner != sorted(inner) or len(set(inner)) != len(inner):
            errors.append(_("Segmentatie: de grenzen moeten oplopen."))
        codes = [g.get("code") for g in groups]
        if len(set(codes)) != len(codes) or not all(codes):
            errors.append(_("Segmentatie: elke groep heeft een unieke code."))
    young = seg.get("young_age_limit", 27)
    if not isinstance(young, int) or not 18 <= young <= 30:
        errors.append(_("Segmentatie: de leeftijdsgrens voor jongeren ligt tussen 18 en 30."))

    codes = {g.get("code") for g in groups}
    norms = data.get("contact_norms") or {}
    for code in codes:
        per = norms.get(code)
        if not isinstance(per, dict) or set(per) != set(INTENSITIES):
            # Translators: {code} is the segment's code from the profile.
            errors.append(_("Contactnormen: geef voor segment '{code}' een termijn voor intensief en licht.").format(
                code=code))
            continue
        for intensity, days in per.items():
            if not isinstance(days, int) or not 1 <= days <= 730:
                # Translators: {code} is a segment code, {intensity} is intensive or light (technical keys).
                errors.append(_("Contactnormen: '{code}/{intensity}' moet tussen 1 en 730 dagen liggen.").format(
                    code=code, intensity=intensity))

    caseload = data.get("caseload_norms") or {}
    for intensity in INTENSITIES:
        value = caseload.get(intensity)
        if not isinstance(value, int) or not 1 <= value <= 1000:
            # Translators: {intensity} is intensive or light (a technical key).
            errors.append(_("Caseloadnorm '{intensity}' moet een getal tussen 1 en 1000 zijn.").format(
                intensity=intensity))

    if data.get("stance") not in STANCES:
        errors.append(_("Houding: kies vrijwillig, motiverend, drang of verplicht."))
    if data.get("letter_tone") not in LETTER_TONES:
        errors.append(_("Toon van brieven: kies uitnodigend, neutraal of verplichtend."))

    ladder = data.get("no_show_ladder")
    if not isinstance(ladder, list):
        errors.append(_("No-showladder: een lijst van stappen (mag leeg zijn)."))
    else:
        for i, step in enumerate(ladder, start=1):
            if not isinstance(step, dict) or step.get("kind") not in NO_SHOW_STEP_KINDS:
                errors.append(_("No-showladder stap {number}: onbekende soort.").format(number=i))

    reciprocity = data.get("reciprocity") or {}
    hours = reciprocity.get("max_hours_per_week", 0)
    if not isinstance(hours, int) or not 0 <= hours <= 40:
        errors.append(_("Tegenprestatie: maximaal aantal uren per week ligt tussen 0 en 40."))
    return errors
