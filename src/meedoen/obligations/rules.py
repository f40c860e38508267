"""Pure rules for obligations, exemptions, measures, income signals and objections. No Django imports apart from i18n
(the exemption messages go through gettext): the web layer, the services, the demo and the simulator call the same
functions over plain data.

Every rule cites the article of the Participatiewet (PW) or the General Administrative Law Act (Awb) it implements,
or the policy setting (profile `extra.measures`, the municipality's maatregelenverordening as data).
"""
from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

# -- obligations (PW art. 9, 18b) ---------------------------------------------------------------------------------

WORK, REINTEGRATION, RECIPROCITY, APPOINTMENTS, LANGUAGE, OTHER = (
    "work", "reintegration", "reciprocity", "appointments", "language", "other")
ART_9_OBLIGATIONS = (WORK, REINTEGRATION, RECIPROCITY)

# Wet Participatiewet in balans: the tegenprestatie becomes "maatschappelijke participatie" (expected 1 January 2027).
RECIPROCITY_RENAMED_ON = dt.date(2027, 1, 1)

# Art. 18b: the language requirement is met at level 1F (roughly A2 for speaking and listening).
LANGUAGE_LEVELS_BELOW_REQUIREMENT = frozenset({"none", "A1"})

APPLIES, EXEMPTED, VOLUNTARY, NOT_ASKED = "applies", "exempted", "voluntary", "not_asked"

ARTICLES = {
    WORK: "art. 9 lid 1a Participatiewet",
    REINTEGRATION: "art. 9 lid 1b Participatiewet",
    RECIPROCITY: "art. 9 lid 1c Participatiewet",
    APPOINTMENTS: "art. 17 lid 2 Participatiewet",
    LANGUAGE: "art. 18b Participatiewet",
    OTHER: "maatregelenverordening",
}


def reciprocity_label(day: dt.date) -> str:
    """The word for art. 9 lid 1c on `day`: 'tegenprestatie' until 2027, 'maatschappelijke participatie' after."""
    return "maatschappelijke participatie" if day >= RECIPROCITY_RENAMED_ON else "tegenprestatie"


def obligation_label(code: str, day: dt.date) -> str:
    return {
        WORK: "Werk zoeken en aanvaarden",
        REINTEGRATION: "Meewerken aan re-integratie en het plan van aanpak",
        RECIPROCITY: reciprocity_label(day).capitalize(),
        APPOINTMENTS: "Op afspraken komen",
        LANGUAGE: "Nederlandse taal leren (taaleis)",
        OTHER: "Andere verplichting",
    }[code]


@dataclass(frozen=True)
class ExemptionFacts:
    id: int | None
    kind: str
    starts_on: dt.date
    ends_on: dt.date | None
    covers: frozenset[str]

    def in_force_on(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


@dataclass(frozen=True)
class PlanFacts:
    capacity_hours_per_week: Decimal
    route: str = ""
    version: int | None = None


@dataclass(frozen=True)
class Obligation:
    code: str
    label: str
    article: str
    status: str  # applies / exempted / voluntary / not_asked
    enforceable: bool  # breaching it can lead to a measure
    hours_per_week: Decimal | None
    exemption_id: int | None
    rule: str


def obligations_on(day: dt.date, *, reciprocity: Mapping, plan: PlanFacts | None,
                   exemptions: Iterable[ExemptionFacts] = (), language_level: str = "",
                   relaxed_by: str = "") -> tuple[Obligation, ...]:
    """A resident's obligations on `day`, from the profile's reciprocity setting, the signed plan van aanpak and the
    exemptions in force (DESIGN §4.8: obligations follow the assessment and the plan, not a flat rule).

    - Work (art. 9 lid 1a) and re-integration (lid 1b) apply by law unless an exemption covers them.
    - The tegenprestatie (lid 1c; from 2027 "maatschappelijke participatie") applies as the profile says: mandatory
      with a possible measure (Rotterdam), asked but not enforced, voluntary, or not asked at all.
    - Hours naar vermogen: the signed plan's capacity, capped by the profile's maximum hours a week.
    - The language requirement (art. 18b) applies below level 1F.
    - `relaxed_by` names an experiment arm that relaxes the obligations (e.g. Amsterdam's self-direction): a mandatory
      tegenprestatie becomes voluntary for its residents. The statutory work and re-integration duties stay: an
      experiment cannot waive the law.
    """
    in_force = [e for e in exemptions if e.in_force_on(day)]

    def exemption_for(code):
        return next((e for e in sorted(in_force, key=lambda e: (e.starts_on, e.id or 0)) if code in e.covers), None)

    capacity = plan.capacity_hours_per_week if plan is not None else None
    no_plan = "nog geen ondertekend plan van aanpak: de uren volgen uit het plan"
    result = []
    for code in (WORK, REINTEGRATION):
        exemption = exemption_for(code)
        hours = capacity if code == REINTEGRATION else None
        if exemption is not None:
            result.append(Obligation(code, obligation_label(code, day), ARTICLES[code], EXEMPTED, False, None,
                                     exemption.id, f"ontheffing ({exemption.kind}) in werking op {day:%d-%m-%Y}"))
            continue
        rule = f"{ARTICLES[code]} geldt voor iedereen met bijstand zonder ontheffing"
        if code == REINTEGRATION:
            rule += (f"; naar vermogen {capacity} uur per week volgens het plan" if capacity is not None
                     else f"; {no_plan}")
        result.append(Obligation(code, obligation_label(code, day), ARTICLES[code], APPLIES, True, hours, None, rule))

    mode = str(reciprocity.get("mode") or "none")
    max_hours = Decimal(str(reciprocity.get("max_hours_per_week") or 0))
    label = obligation_label(RECIPROCITY, day)
    exemption = exemption_for(RECIPROCITY)
    if mode == "none" or max_hours <= 0:
        result.append(Obligation(RECIPROCITY, label, ARTICLES[RECIPROCITY], NOT_ASKED, False, None, None,
                                 f"het beleidsprofiel vraagt geen {reciprocity_label(day)}"))
    elif exemption is not None:
        result.append(Obligation(RECIPROCITY, label, ARTICLES[RECIPROCITY], EXEMPTED, False, None, exemption.id,
                                 f"ontheffing ({exemption.kind}) in werking op {day:%d-%m-%Y}"))
    else:
        if relaxed_by and mode in ("mandatory", "not_enforced"):
            mode = "voluntary"
        hours = min(capacity, max_hours) if capacity is not None else None
        enforceable = mode == "mandatory" and bool(reciprocity.get("sanction"))
        status = APPLIES if mode == "mandatory" else VOLUNTARY
        how = {"mandatory": "verplicht", "not_enforced": "gevraagd, niet afgedwongen"}.get(mode, "vrijwillig")
        rule = f"beleidsprofiel: {reciprocity_label(day)} {how}, ten hoogste {max_hours} uur per week naar vermogen"
        rule += f"; volgens het plan {hours} uur per week" if hours is not None else f"; {no_plan}"
        if relaxed_by:
            rule += f"; experiment: {relaxed_by} (vrijwillig)"
        result.append(Obligation(RECIPROCITY, label, ARTICLES[RECIPROCITY], status, enforceable, hours, None, rule))

    if language_level in LANGUAGE_LEVELS_BELOW_REQUIREMENT:
        exemption = exemption_for(LANGUAGE)
        if exemption is not None:
            result.append(Obligation(LANGUAGE, obligation_label(LANGUAGE, day), ARTICLES[LANGUAGE], EXEMPTED, False,
                                     None, exemption.id, f"ontheffing ({exemption.kind})"))
        else:
            result.append(Obligation(LANGUAGE, obligation_label(LANGUAGE, day), ARTICLES[LANGUAGE], APPLIES, True,
                                     None, None, f"taalniveau {language_level} ligt onder niveau 1F (art. 18b)"))
    return tuple(result)


# -- exemptions (PW art. 9 lid 2, 9 lid 5, 9a) --------------------------------------------------------------------

URGENT_REASONS, SOCIAL_MEDICAL, CARE_DUTIES, SINGLE_PARENT, FULL_INCAPACITY = (
    "urgent_reasons", "social_medical", "care_duties", "single_parent", "full_incapacity")
EXEMPTION_KINDS = (URGENT_REASONS, SOCIAL_MEDICAL, CARE_DUTIES, SINGLE_PARENT, FULL_INCAPACITY)
TEMPORARY_KINDS = (URGENT_REASONS, SOCIAL_MEDICAL, CARE_DUTIES, SINGLE_PARENT)

# What each kind may exempt from. Art. 9a covers the work and re-integration duties (not the tegenprestatie);
# art. 9 lid 2 and lid 5 may cover all of art. 9 lid 1. The language requirement has its own exemption grounds
# (art. 18b lid 4) under 'urgent reasons' or 'social or medical'.
ALLOWED_COVERS = {
    URGENT_REASONS: frozenset({WORK, REINTEGRATION, RECIPROCITY, LANGUAGE}),
    SOCIAL_MEDICAL: frozenset({WORK, REINTEGRATION, RECIPROCITY, LANGUAGE}),
    CARE_DUTIES: frozenset({WORK, REINTEGRATION, RECIPROCITY}),
    SINGLE_PARENT: frozenset({WORK, REINTEGRATION}),
    FULL_INCAPACITY: frozenset({WORK, REINTEGRATION, RECIPROCITY}),
}
DEFAULT_COVERS = {
    URGENT_REASONS: (WORK, REINTEGRATION, RECIPROCITY),
    SOCIAL_MEDICAL: (WORK, REINTEGRATION, RECIPROCITY),
    CARE_DUTIES: (WORK, REINTEGRATION, RECIPROCITY),
    SINGLE_PARENT: (WORK, REINTEGRATION),
    FULL_INCAPACITY: (WORK, REINTEGRATION, RECIPROCITY),
}
NEEDS_EVIDENCE = frozenset({SOCIAL_MEDICAL, FULL_INCAPACITY})
# A temporary exemption is looked at again at least once a year (Meedoen's default; the law says "tijdelijk").
TEMPORARY_MAX_MONTHS = 12
SINGLE_PARENT_MAX_YEARS = 5  # art. 9a lid 1: up to 5 years
SINGLE_PARENT_REVIEW_MONTHS = 6  # art. 9a lid 3: re-examined every 6 months
SINGLE_PARENT_CHILD_AGE = 5


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the last day of that month (31 January + 1 month = 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def birthday(born: dt.date, years: int) -> dt.date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # 29 February
        return dt.date(born.year + years, 3, 1)


Period = tuple[dt.date, dt.date]  # (first day, last day), both inclusive


def days_covered(periods: Iterable[Period]) -> int:
    """The number of distinct days in the periods (overlapping days count once)."""
    total, reached = 0, None
    for start, end in sorted(periods):
        if end < start:
            continue
        if reached is not None and start <= reached:
            start = reached + dt.timedelta(days=1)
        if start <= end:
            total += (end - start).days + 1
        reached = end if reached is None else max(reached, end)
    return total


def single_parent_limit_days(periods: Iterable[Period]) -> int:
    """Art. 9a: at most 5 years per youngest child, over all its exemptions together. As days: the length of the 5
    years from the first day of the earliest exemption (1826 or 1827 days, by the leap days in between); for a single
    exemption this is the same limit as 'hoogstens 5 jaar' from its own start."""
    first = min(start for start, _end in periods)
    return (add_months(first, 12 * SINGLE_PARENT_MAX_YEARS) - first).days


def single_parent_total_problem(earlier: Sequence[Period], starts_on: dt.date, ends_on: dt.date) -> str:
    """Why a new art. 9a exemption for the same youngest child would make the total exceed 5 years ("" when it fits).
    `earlier` are the periods of the child's earlier exemptions (ended ones up to their actual end)."""
    earlier = [(start, end) for start, end in earlier if end >= start]
    if not earlier:
        return ""
    periods = [*earlier, (starts_on, ends_on)]
    if days_covered(periods) <= single_parent_limit_days(periods):
        return ""

    def fits(last: dt.date) -> bool:
        candidate = [*earlier, (starts_on, last)]
        return days_covered(candidate) <= single_parent_limit_days(candidate)

    used = days_covered(earlier)
    if not fits(starts_on):
        # Translators: {days} is a number of days.
        return _("Voor dit kind is de ontheffing van 5 jaar al helemaal gebruikt ({days} dagen in eerdere "
                 "ontheffingen, art. 9a).").format(days=used)
    low, high = starts_on, ends_on            # fits(low), not fits(high): the last end date that fits
    while (high - low).days > 1:
        middle = low + dt.timedelta(days=(high - low).days // 2)
        low, high = (middle, high) if fits(middle) else (low, middle)
    # Translators: {days} is a number of days, {date} a date as dd-mm-yyyy.
    return _("Voor dit kind is al {days} dagen ontheffing verleend. Alle ontheffingen voor hetzelfde kind samen duren "
             "hoogstens 5 jaar (art. 9a). Deze ontheffing kan daarom uiterlijk tot en met {date} lopen.").format(
        days=used, date=low.strftime("%d-%m-%Y"))


def validate_exemption(*, kind: str, covers: Sequence[str], grounds: str, evidence_note: str,
                       starts_on: dt.date | None, ends_on: dt.date | None, review_on: dt.date | None,
                       requested_on: dt.date | None, household_type: str,
                       youngest_child_date_of_birth: dt.date | None, today: dt.date,
                       earlier_single_parent_periods: Sequence[Period] = ()) -> dict[str, str]:
    """Problems with an exemption, per field, in Dutch (B1). Empty when it may be granted.

    `earlier_single_parent_periods`: for an art. 9a exemption, the periods of the earlier art. 9a exemptions for the
    same youngest child; together they may last at most 5 years."""
    errors: dict[str, str] = {}
    if kind not in EXEMPTION_KINDS:
        return {"kind": _("Kies de soort ontheffing.")}
    if not (grounds or "").strip():
        errors["grounds"] = _("Schrijf op waarom de ontheffing nodig is.")
    if kind in NEEDS_EVIDENCE and not (evidence_note or "").strip():
        errors["evidence_note"] = _("Schrijf op waar de ontheffing op steunt (bijvoorbeeld het advies van een arts).")
    chosen = set(covers or ())
    if not chosen:
        errors["covers"] = _("Kies voor welke verplichtingen de ontheffing geldt.")
    elif not chosen <= ALLOWED_COVERS[kind]:
        errors["covers"] = _("Deze soort ontheffing geldt niet voor alle gekozen verplichtingen.")
    if starts_on is None:
        errors["starts_on"] = _("Vul in vanaf wanneer de ontheffing geldt.")
        return errors
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("De einddatum ligt vóór de begindatum.")
        return errors
    if review_on is not None and review_on < starts_on:
        errors["review_on"] = _("De datum om opnieuw te bekijken ligt vóór de begindatum.")
    elif review_on is not None and ends_on is not None and review_on > ends_on:
        errors["review_on"] = _("De datum om opnieuw te bekijken ligt na de einddatum.")

    if kind in TEMPORARY_KINDS and ends_on is None:
        errors["ends_on"] = _("Deze ontheffing is tijdelijk: vul een einddatum in.")
    if kind in (URGENT_REASONS, SOCIAL_MEDICAL, CARE_DUTIES) and ends_on is not None and review_on is None \
            and ends_on > add_months(starts_on, TEMPORARY_MAX_MONTHS):
        errors["review_on"] = _("Een ontheffing van langer dan een jaar wordt binnen een jaar opnieuw bekeken: "
                                "vul een datum in.")
    if kind in (URGENT_REASONS, SOCIAL_MEDICAL, CARE_DUTIES) and review_on is not None \
            and review_on > add_months(starts_on, TEMPORARY_MAX_MONTHS):
        errors["review_on"] = _("Bekijk de ontheffing binnen een jaar opnieuw.")

    if kind == SINGLE_PARENT:
        if requested_on is None:
            errors["requested_on"] = _("Deze ontheffing geldt alleen op verzoek van de inwoner: vul de datum van het "
                                       "verzoek in.")
        elif requested_on > today:
            errors["requested_on"] = _("De datum van het verzoek ligt in de toekomst.")
        if household_type != "single_parent":
            errors["kind"] = _("Deze ontheffing is alleen voor een alleenstaande ouder (art. 9a).")
        if youngest_child_date_of_birth is None:
            errors["kind"] = _("Vul eerst de geboortedatum van het jongste kind in het dossier in.")
        else:
            fifth = birthday(youngest_child_date_of_birth, SINGLE_PARENT_CHILD_AGE)
            if starts_on >= fifth:
                errors["starts_on"] = _("Het jongste kind is dan al 5 jaar of ouder (art. 9a).")
            elif ends_on is not None and ends_on >= fifth:
                # Translators: {date} is a date as dd-mm-yyyy.
                errors["ends_on"] = _("De ontheffing stopt uiterlijk de dag voor de 5e verjaardag van het jongste "
                                      "kind ({date}).").format(
                    date=(fifth - dt.timedelta(days=1)).strftime("%d-%m-%Y"))
        if ends_on is not None and ends_on >= add_months(starts_on, 12 * SINGLE_PARENT_MAX_YEARS):
            errors["ends_on"] = _("Deze ontheffing duurt hoogstens 5 jaar (art. 9a).")
        elif ends_on is not None and "ends_on" not in errors:
            total = single_parent_total_problem(earlier_single_parent_periods, starts_on, ends_on)
            if total:
                errors["ends_on"] = total
        if review_on is None:
            errors["review_on"] = _("Deze ontheffing wordt elk half jaar opnieuw bekeken: vul een datum in (art. 9a).")
        elif review_on > add_months(starts_on, SINGLE_PARENT_REVIEW_MONTHS):
            errors["review_on"] = _("Bekijk deze ontheffing binnen 6 maanden opnieuw (art. 9a).")

    if kind == FULL_INCAPACITY and ends_on is not None:
        errors["ends_on"] = _("Volledig en duurzaam arbeidsongeschikt is blijvend: laat de einddatum leeg.")
    return errors


def next_review_problems(kind: str, *, reviewed_on: dt.date, next_review_on: dt.date | None,
                         ends_on: dt.date | None) -> dict[str, str]:
    """A review of an exemption sets the next review date: for art. 9a within 6 months."""
    errors = {}
    if next_review_on is not None and next_review_on <= reviewed_on:
        errors["next_review_on"] = _("De volgende datum ligt na vandaag.")
    if kind == SINGLE_PARENT:
        half_year = add_months(reviewed_on, SINGLE_PARENT_REVIEW_MONTHS)
        if next_review_on is None and (ends_on is None or ends_on > half_year):
            errors["next_review_on"] = _("Vul de volgende datum in: elk half jaar opnieuw bekijken (art. 9a).")
        elif next_review_on is not None and next_review_on > add_months(reviewed_on, SINGLE_PARENT_REVIEW_MONTHS):
            errors["next_review_on"] = _("Bekijk deze ontheffing binnen 6 maanden opnieuw (art. 9a).")
    if next_review_on is not None and ends_on is not None and next_review_on > ends_on:
        errors["next_review_on"] = _("Die datum ligt na het einde van de ontheffing.")
    return errors


def exemption_due_on(review_on: dt.date | None, ends_on: dt.date | None) -> dt.date | None:
    """The date the worklist reminds of: the review or the end, whichever comes first."""
    dates = [d for d in (review_on, ends_on) if d is not None]
    return min(dates) if dates else None


# -- measures (PW art. 18, 18b) -----------------------------------------------------------------------------------

ORDINANCE, WORK_OBLIGATIONS, LANGUAGE_REGIME = "ordinance", "work_obligations", "language"
REGIMES = (ORDINANCE, WORK_OBLIGATIONS, LANGUAGE_REGIME)
OUTCOME_MEASURE, OUTCOME_NO_BLAME, OUTCOME_ADJUSTED = "measure", "no_blame", "adjusted"
BLAME_FULL, BLAME_REDUCED, BLAME_NONE = "full", "reduced", "none"
REPEAT_WINDOW_MONTHS = 12
SPREAD_MAX_MONTHS = 3  # art. 18 lid 7: a reduction under the uniform regime may be spread over at most 3 months
RECONSIDER_WITHIN_MONTHS = 3  # art. 18 lid 3
OBJECTION_WEEKS = 6  # Awb 6:7

# The statutory regimes are the same in every municipality, so they are data here rather than in each profile;
# a profile may still override them under `extra.measures.regimes`.
STATUTORY_REGIMES = {
    # Art. 18 lid 4–8 (uniforme arbeidsverplichtingen, art. 9 lid 1a): 100 % for at least 1 and at most 3 months;
    # heavier on repeat within 12 months.
    WORK_OBLIGATIONS: {
        "label": "Uniforme arbeidsverplichtingen (art. 18 lid 4–8)",
        "steps": [{"percentage": "100", "months": 1}, {"percentage": "100", "months": 2},
                  {"percentage": "100", "months": 3}],
        "spreadable": True,
    },
    # Art. 18b: not meeting the language requirement: 20 %, then 40 %, then 100 %, each for 3 months.
    LANGUAGE_REGIME: {
        "label": "Taaleis (art. 18b)",
        "steps": [{"percentage": "20", "months": 3}, {"percentage": "40", "months": 3},
                  {"percentage": "100", "months": 3}],
        "spreadable": False,
    },
}


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None


def validate_measure_settings(settings: Mapping) -> list[str]:
    """Problems (Dutch) with a profile's `measures` block: categories with steps of a percentage (0–100) and a number
    of months (1–12), each step at least as heavy as the one before (a repeat is never lighter)."""
    errors = []
    if not isinstance(settings, Mapping):
        return ["Maatregelen: een blok met categorieën."]
    categories = settings.get("categories")
    if not isinstance(categories, list) or not categories:
        errors.append("Maatregelen: geef minstens één categorie.")
        categories = []
    regimes = settings.get("regimes") or {}
    seen = set()
    groups = [(f"categorie '{c.get('code', '?')}'", c) for c in categories if isinstance(c, Mapping)]
    groups += [(f"regeling '{key}'", value) for key, value in regimes.items() if isinstance(value, Mapping)]
    for name, group in groups:
        if name.startswith("categorie"):
            code = group.get("code")
            if not code or code in seen:
                errors.append(f"Maatregelen: {name} heeft een unieke code nodig.")
            seen.add(code)
        steps = group.get("steps")
        if not isinstance(steps, list) or not steps:
            errors.append(f"Maatregelen: {name} heeft minstens één stap (percentage en maanden).")
            continue
        previous = None
        for i, step in enumerate(steps, start=1):
            pct = _decimal(step.get("percentage")) if isinstance(step, Mapping) else None
            months = step.get("months") if isinstance(step, Mapping) else None
            if pct is None or not Decimal(0) <= pct <= Decimal(100):
                errors.append(f"Maatregelen: {name} stap {i}: het percentage ligt tussen 0 en 100.")
                continue
            if not isinstance(months, int) or not 1 <= months <= 12:
                errors.append(f"Maatregelen: {name} stap {i}: het aantal maanden ligt tussen 1 en 12.")
                continue
            if previous is not None and (pct < previous[0] or months < previous[1]):
                errors.append(f"Maatregelen: {name} stap {i} is lichter dan de stap ervoor; bij herhaling is een "
                              f"maatregel nooit lichter.")
            previous = (pct, months)
    factor = _decimal(settings.get("reduced_blame_factor", "0.5"))
    if factor is None or not Decimal(0) <= factor <= Decimal(1):
        errors.append("Maatregelen: de factor bij verminderde verwijtbaarheid ligt tussen 0 en 1.")
    window = settings.get("repeat_window_months", REPEAT_WINDOW_MONTHS)
    if not isinstance(window, int) or not 1 <= window <= 60:
        errors.append("Maatregelen: de termijn voor herhaling ligt tussen 1 en 60 maanden.")
    return errors


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    steps: tuple[tuple[Decimal, int], ...]
    spreadable: bool = False


def regime_categories(regime: str, settings: Mapping) -> list[Category]:
    """The categories a decision under `regime` can choose from: the verordening's categories for the ordinance,
    one category for a statutory regime."""
    if regime == ORDINANCE:
        return [Category(str(c["code"]), str(c.get("label", c["code"])),
                         tuple((Decimal(str(s["percentage"])), int(s["months"])) for s in c["steps"]),
                         bool(c.get("spreadable", False)))
                for c in settings.get("categories") or []]
    if regime not in STATUTORY_REGIMES:
        raise ValueError(f"unknown measure regime {regime!r}")
    data = (settings.get("regimes") or {}).get(regime) or STATUTORY_REGIMES[regime]
    return [Category(regime, str(data.get("label", regime)),
                     tuple((Decimal(str(s["percentage"])), int(s["months"])) for s in data["steps"]),
                     bool(data.get("spreadable", False)))]


def find_category(regime: str, settings: Mapping, code: str) -> Category | None:
    categories = regime_categories(regime, settings)
    if regime != ORDINANCE:
        return categories[0]
    return next((c for c in categories if c.code == code), None)


@dataclass(frozen=True)
class MeasureDecision:
    outcome: str
    percentage: Decimal  # per month in which the reduction applies
    months: int  # months in which the reduction applies (after spreading)
    base_percentage: Decimal  # before spreading
    base_months: int
    rule: str

    @property
    def burden(self) -> Decimal:
        """Percentage-months: the total reduction, comparable across spreading."""
        return self.percentage * self.months


CENT = Decimal("0.01")


def decide_measure(*, regime: str, settings: Mapping, category: str, blame: str, repeat_count: int,
                   urgent_percentage: Decimal | None = None, urgent_months: int | None = None,
                   spread_over_months: int | None = None) -> MeasureDecision:
    """The measure that follows from the verordening (or a statutory regime), as data.

    - No blame (art. 18 lid 9): no measure, 0 %.
    - Reduced blame: the step's percentage times the profile's `reduced_blame_factor` (default 0.5).
    - Repeat within the window (default 12 months): the next step; after the last step the last step again
      (so a repeat is never lighter, given steps that never get lighter — validate_measure_settings).
    - Urgent reasons (art. 18 lid 10): a lower percentage and/or fewer months, never heavier; 0 % is allowed
      ("afzien van een maatregel").
    - Spreading (art. 18 lid 7, uniform regime only): the same total over at most 3 months.
    Raises ValueError with a Dutch message for impossible input.
    """
    if repeat_count < 0:
        raise ValueError("Het aantal eerdere maatregelen kan niet negatief zijn.")
    if blame == BLAME_NONE:
        return MeasureDecision(OUTCOME_NO_BLAME, Decimal(0), 0, Decimal(0), 0,
                               "geen maatregel: de inwoner valt niets te verwijten (art. 18 lid 9)")
    if blame not in (BLAME_FULL, BLAME_REDUCED):
        raise ValueError("Kies de verwijtbaarheid.")
    found = find_category(regime, settings, category)
    if found is None:
        raise ValueError("Kies een categorie uit de maatregelenverordening.")
    index = min(repeat_count, len(found.steps) - 1)
    pct, months = found.steps[index]
    rule = f"{found.label}: stap {index + 1} van {len(found.steps)}"
    if repeat_count:
        window = settings.get("repeat_window_months", REPEAT_WINDOW_MONTHS)
        plural = "en" if repeat_count != 1 else ""
        rule += f" (herhaling: {repeat_count} eerdere maatregel{plural} binnen {window} maanden)"
    else:
        rule += " (eerste keer)"
    rule += f", {pct} % gedurende {months} maand{'en' if months != 1 else ''}"
    if blame == BLAME_REDUCED:
        factor = Decimal(str(settings.get("reduced_blame_factor", "0.5")))
        pct = (pct * factor).quantize(CENT, ROUND_HALF_UP)
        rule += f"; verminderd verwijtbaar: × {factor} = {pct} %"
    outcome = OUTCOME_MEASURE
    if urgent_percentage is not None or urgent_months is not None:
        new_pct = Decimal(urgent_percentage) if urgent_percentage is not None else pct
        new_months = urgent_months if urgent_months is not None else months
        if new_pct < 0 or new_months < 0:
            raise ValueError("Een aangepaste maatregel kan niet negatief zijn.")
        if new_pct > pct or new_months > months:
            raise ValueError("Om dringende redenen mag een maatregel alleen lichter worden, niet zwaarder.")
        if new_pct == 0 or new_months == 0:
            new_pct, new_months = Decimal(0), 0
        pct, months = new_pct.quantize(CENT, ROUND_HALF_UP), new_months
        outcome = OUTCOME_ADJUSTED
        rule += f"; aangepast om dringende redenen (art. 18 lid 10): {pct} % gedurende {months} maand(en)"
    base_pct, base_months = pct, months
    if spread_over_months:
        if not found.spreadable:
            raise ValueError("Deze maatregel kan niet over meer maanden worden verdeeld.")
        if not months <= spread_over_months <= SPREAD_MAX_MONTHS:
            raise ValueError(f"Verdeel de verlaging over {months} tot {SPREAD_MAX_MONTHS} maanden (art. 18 lid 7).")
        if spread_over_months != months and months:
            pct = (pct * months / spread_over_months).quantize(CENT, ROUND_HALF_UP)
            months = spread_over_months
            rule += f"; verdeeld over {months} maanden: {pct} % per maand (art. 18 lid 7)"
    return MeasureDecision(outcome, pct, months, base_pct, base_months, rule)


def reduction_period(first_month: dt.date, months: int) -> tuple[dt.date, dt.date] | None:
    """The first and last day of the months in which a reduction applies, starting in the month of `first_month`."""
    if months <= 0:
        return None
    start = first_month.replace(day=1)
    last = add_months(start, months - 1)
    return start, last.replace(day=calendar.monthrange(last.year, last.month)[1])


def first_reduction_month(decided_on: dt.date) -> dt.date:
    """A reduction starts on the first of the month after the decision (the resident is told before it applies)."""
    return add_months(decided_on.replace(day=1), 1)


def count_repeats(occurred_on: dt.date, earlier_decided_on: Iterable[dt.date],
                  window_months: int = REPEAT_WINDOW_MONTHS) -> int:
    """Earlier measures decided in the window before the new breach (the verordening's 'recidive')."""
    since = add_months(occurred_on, -window_months)
    return sum(1 for d in earlier_decided_on if since <= d < occurred_on)


@dataclass(frozen=True)
class HearingFacts:
    kind: str
    held_on: dt.date | None
    outcome: str
    reason_not_needed: str
    respond_by: dt.date | None = None


def hearing_problems(hearing: HearingFacts, *, proposed_on: dt.date, today: dt.date) -> dict[str, str]:
    """Is this a recorded hearing (Awb 4:8) or a recorded reason why none was needed (Awb 4:11, 4:12)?"""
    errors = {}
    if hearing.kind in ("hearing", "written"):
        if hearing.held_on is None:
            errors["held_on"] = "Vul de datum van het horen of van de zienswijze in."
        elif hearing.held_on > today:
            errors["held_on"] = "Deze datum ligt in de toekomst."
        elif hearing.held_on < proposed_on:
            errors["held_on"] = "De inwoner wordt gehoord over het voorstel: deze datum ligt vóór het voorstel."
        if not hearing.outcome.strip():
            errors["outcome"] = "Schrijf op wat de inwoner zei (de uitkomst)."
    elif hearing.kind == "no_response":
        if hearing.respond_by is None:
            errors["respond_by"] = "Vul in tot wanneer de inwoner kon reageren."
        elif hearing.respond_by >= today:
            errors["respond_by"] = "De termijn om te reageren is nog niet voorbij."
    elif hearing.kind == "not_needed":
        if not hearing.reason_not_needed.strip():
            errors["reason_not_needed"] = "Schrijf op waarom horen niet nodig was."
    else:
        errors["kind"] = "Kies hoe de inwoner is gehoord."
    return errors


def decision_problems(*, status: str, proposer_id: int, decider_id: int, decider_role: str,
                      hearings: Sequence[HearingFacts], proposed_on: dt.date, today: dt.date,
                      deciding_roles: Iterable[str] = ("team_lead",)) -> list[str]:
    """Why a measure cannot be decided now (empty when it can). Four eyes: never by the person who proposed it; and
    only after a recorded hearing or a recorded reason why none was needed."""
    problems = []
    if status not in ("proposed", "hearing"):
        problems.append("Over deze maatregel is al besloten of hij is ingetrokken.")
    if decider_id == proposer_id:
        problems.append("Wie de maatregel voorstelt, mag er niet over besluiten (vier ogen).")
    if decider_role not in set(deciding_roles):
        problems.append("Alleen een teamleider mag over een maatregel besluiten.")
    if not any(not hearing_problems(h, proposed_on=proposed_on, today=today) for h in hearings):
        problems.append("De inwoner is nog niet gehoord, en er staat geen reden waarom horen niet nodig was.")
    return problems


def objection_deadline(decision_date: dt.date) -> dt.date:
    """The last day to object (Awb 6:7, 6:8): six weeks, starting the day after the decision was made known."""
    return decision_date + dt.timedelta(weeks=OBJECTION_WEEKS)


def reconsider_by(starts_on: dt.date) -> dt.date:
    """Art. 18 lid 3: a measure is reconsidered within three months."""
    return add_months(starts_on, RECONSIDER_WITHIN_MONTHS)


# -- objections and complaints (Awb) ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ObjectionDeadlines:
    filing_deadline: dt.date | None
    filed_in_time: bool
    respond_by: dt.date
    rule: str


def objection_deadlines(kind: str, *, received_on: dt.date, decision_date: dt.date | None,
                        with_committee: bool = False) -> ObjectionDeadlines:
    """Deadlines of a bezwaar or klacht.

    - Bezwaar: filed within 6 weeks of the decision (Awb 6:7); decided within 6 weeks of receipt, 12 weeks with an
      advisory committee (Awb 7:10 lid 1). A late objection is recorded as late (Awb 6:11 may still excuse it).
    - Klacht: handled within 6 weeks of receipt, 10 weeks with a complaints committee (Awb 9:11 lid 1).
    """
    if kind == "objection":
        if decision_date is None:
            raise ValueError("Vul de datum van het besluit in.")
        if received_on < decision_date:
            raise ValueError("Het bezwaar kan niet eerder zijn ontvangen dan het besluit is genomen.")
        deadline = objection_deadline(decision_date)
        weeks = 12 if with_committee else 6
        return ObjectionDeadlines(deadline, received_on <= deadline, received_on + dt.timedelta(weeks=weeks),
                                  f"bezwaar binnen 6 weken na het besluit (Awb 6:7); beslissen binnen {weeks} weken "
                                  f"(Awb 7:10 lid 1{', met adviescommissie' if with_committee else ''})")
    if kind == "complaint":
        weeks = 10 if with_committee else 6
        return ObjectionDeadlines(None, True, received_on + dt.timedelta(weeks=weeks),
                                  f"klacht afhandelen binnen {weeks} weken (Awb 9:11 lid 1)")
    raise ValueError("Kies bezwaar of klacht.")


# -- signals of unreported income --------------------------------------------------------------------------------

SELF_CORRECTION_DAYS = 14  # default period for the resident to report the income themself (profile may override)


def self_correction_days(settings: Mapping) -> int:
    days = settings.get("self_correction_days", SELF_CORRECTION_DAYS) if isinstance(settings, Mapping) else None
    return days if isinstance(days, int) and 7 <= days <= 60 else SELF_CORRECTION_DAYS


def handover_problems(*, status: str, correct_by: dt.date | None, today: dt.date) -> list[str]:
    """A signal goes to enforcement only after the resident had the stated period to correct it themself."""
    if status == "recorded":
        return ["Vraag de inwoner eerst om de inkomsten zelf door te geven."]
    if status != "correction_requested":
        return ["Dit signaal is al afgehandeld."]
    if correct_by is None or today <= correct_by:
        return [f"De inwoner heeft tot en met {correct_by:%d-%m-%Y} de tijd om het zelf door te geven."
                if correct_by else "Er staat geen termijn voor de inwoner."]
    return []


# -- statistics ----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MeasureStatistics:
    no_show_actions: int
    proposals: int
    from_ladder: int
    decided: int
    with_reduction: int
    no_blame: int
    adjusted: int
    withdrawn: int
    awaiting: int
    average_months: Decimal | None

    @property
    def share_of_actions(self) -> Decimal | None:
        """Measures with a reduction per no show-actie (Rotterdam 2016: 95 of 360, 26 %)."""
        if not self.no_show_actions:
            return None
        return (Decimal(self.with_reduction) * 100 / self.no_show_actions).quantize(Decimal("1"), ROUND_HALF_UP)


def measure_statistics(*, no_show_actions: int, measures: Iterable[Mapping]) -> MeasureStatistics:
    """No show-acties against measures (DESIGN §4.10, §5): each measure a mapping with status, outcome, source and
    months."""
    rows = list(measures)
    decided = [m for m in rows if m["status"] in ("decided", "reconsidered")]
    reducing = [m for m in decided
                if m["outcome"] in (OUTCOME_MEASURE, OUTCOME_ADJUSTED) and (m.get("months") or 0) > 0]
    months = [Decimal(m["months"]) for m in reducing]
    return MeasureStatistics(
        no_show_actions=no_show_actions, proposals=len(rows),
        from_ladder=sum(1 for m in rows if m.get("source") == "no_show_ladder"),
        decided=len(decided), with_reduction=len(reducing),
        no_blame=sum(1 for m in decided if m["outcome"] == OUTCOME_NO_BLAME),
        adjusted=sum(1 for m in decided if m["outcome"] == OUTCOME_ADJUSTED),
        withdrawn=sum(1 for m in rows if m["status"] == "withdrawn"),
        awaiting=sum(1 for m in rows if m["status"] in ("proposed", "hearing")),
        average_months=(sum(months) / len(months)).quantize(Decimal("0.1"), ROUND_HALF_UP) if months else None,
    )
