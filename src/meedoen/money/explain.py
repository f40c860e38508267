"""Plain-language explanations of a month's lines (Dutch B1 by default, through gettext), and the Dutch messages for
the rules' error codes. The lines themselves are language-neutral data (money/rules.py); the words are made here, at
display time, from the stored line (so a decided month reads the same tomorrow, in either language).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from meedoen.formats import euro  # noqa: F401  (explain.euro: amounts in the explanations, letters and messages)

CATEGORY_LABELS = {
    "single_21": N_("alleenstaande of alleenstaande ouder van 21 jaar of ouder"),
    "couple_21": N_("gehuwden of samenwonenden van 21 jaar of ouder"),
    "single_aow": N_("alleenstaande of alleenstaande ouder met de AOW-leeftijd"),
    "couple_aow": N_("gehuwden of samenwonenden, van wie één of beiden de AOW-leeftijd hebben"),
    "single_18": N_("alleenstaande of alleenstaande ouder van 18, 19 of 20 jaar"),
    "couple_18_both": N_("gehuwden of samenwonenden, beiden 18, 19 of 20 jaar"),
    "couple_18_both_children": N_("gehuwden of samenwonenden met kinderen, beiden 18, 19 of 20 jaar"),
    "couple_18_one": N_("gehuwden of samenwonenden, één van 18, 19 of 20 jaar"),
    "couple_18_one_children": N_("gehuwden of samenwonenden met kinderen, één van 18, 19 of 20 jaar"),
}


def category_label(code):
    return _(CATEGORY_LABELS.get(code, code))


def percent(rate) -> str:
    """A rate (0.125) as a percentage ("12,5 %")."""
    value = (Decimal(str(rate)) * 100).normalize()
    text = number_format(value, decimal_pos=None, use_l10n=True) if value != value.to_integral() else str(int(value))
    return f"{text}\u00a0%"


def percentage(value) -> str:
    """A percentage given as a number of percent (30) as "30 %"."""
    value = Decimal(str(value)).normalize()
    text = str(int(value)) if value == value.to_integral() else number_format(value, use_l10n=True)
    return f"{text}\u00a0%"


def _date(value):
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def month_name(value) -> str:
    return date_format(_date(value), "F Y")


def date_text(value) -> str:
    return date_format(_date(value), "j F Y")


def _day_range(params) -> str:
    start, end = _date(params["from"]), _date(params["to"])
    return _("%(start)s tot en met %(end)s") % {"start": date_format(start, "j F"), "end": date_format(end, "j F")}


KIND_LABELS = {
    "wage_monthly": N_("Loon"),
    "wage_4weekly": N_("Loon per 4 weken"),
    "year_end_bonus": N_("Eindejaarsuitkering"),
    "other": N_("Ander inkomen"),
    "volunteer_excess": N_("Vrijwilligersvergoeding boven het maximum"),
    "ein_euro_job_excess": N_("Vergoeding per uur boven het maximum"),
}


def describe(line: dict) -> dict:
    """{"label": short name, "text": what it means in plain words, "amount", "sign", "rule", "citation"}."""
    code, p = line["code"], line.get("params", {})
    label, text = _describe(code, p, line)
    return {"code": code, "label": label, "text": text, "amount": Decimal(line["amount"]), "sign": line["sign"],
            "rule": line.get("rule", ""), "citation": line.get("citation", ""),
            "subtotal": code in ("benefit", "to_pay", "total")}


def _describe(code, p, line):
    if code == "norm":
        category = p["category"]
        partial = p["days"] != p["month_days"]
        when = (" " + _("van %(range)s (%(days)s van de %(month_days)s dagen)") % {
            "range": _day_range(p), "days": p["days"], "month_days": p["month_days"]}) if partial else ""
        if category.startswith("cost_sharing:"):
            a = p["sharers"]
            text = _("U deelt de woning met andere volwassenen van 27 jaar of ouder. Dan is de norm lager "
                     "(kostendelersnorm): (40 + %(a)s × 30) / (%(a)s × 100) × %(base)s. Er zijn %(a)s kostendelers, "
                     "uzelf meegeteld.") % {"a": a, "base": euro(p["base"])}
            group = category_label(category.split(":", 1)[1])
            label = _("Kostendelersnorm") + when
            text = f"{text} {_('Norm per maand: %(full)s (%(group)s).') % {'full': euro(p['full']), 'group': group}}"
        else:
            label = _("Bijstandsnorm") + when
            text = _("De norm voor een %(group)s: %(full)s per maand, inclusief vakantietoeslag.") % {
                "group": category_label(category), "full": euro(p["full"])}
        if partial:
            text += " " + _("Voor een deel van de maand: %(full)s × %(days)s / %(month_days)s.") % {
                "full": euro(p["full"]), "days": p["days"], "month_days": p["month_days"]}
        return label, text
    if code == "income":
        kind = p.get("kind", "")
        who = _(" (partner)") if p.get("person") == "partner" else ""
        employer = f" – {p['employer']}" if p.get("employer") else ""
        label = _(KIND_LABELS.get(kind, "Inkomen")) + who + employer
        if kind == "wage_4weekly":
            text = _("Loon over 4 weken: %(reported)s. Per maand is dat %(reported)s × 13 / 12 = %(amount)s.") % {
                "reported": euro(p["reported"]), "amount": euro(line["amount"])}
        elif kind in ("volunteer_excess", "ein_euro_job_excess"):
            text = _("Dit deel is hoger dan wat vrij is en telt als inkomen.")
        else:
            text = _("Netto ontvangen. Netto inkomen telt mee voor de bijstand.")
        return label, text
    if code == "exempt":
        if p.get("kind") == "ein_euro_job":
            return _("Vergoeding per gewerkt uur (telt niet mee)"), _(
                "%(hours)s uur × %(rate)s = %(max)s telt niet mee voor de bijstand.") % {
                "hours": number_format(Decimal(p["hours"]).normalize(), use_l10n=True), "rate": euro(p["per_hour"]),
                "max": euro(line["amount"])}
        return _("Vrijwilligersvergoeding (telt niet mee)"), _(
            "Een vrijwilligersvergoeding telt niet mee tot %(month)s per maand en %(year)s per jaar.") % {
            "month": euro(p.get("month_max")), "year": euro(p.get("year_max"))}
    if code == "holiday_pay":
        return _("Vakantiegeld van de werkgever"), _(
            "Dit gaat af van de vakantietoeslag die u bij ons spaart (%(reserve)s). Wat daarboven komt (%(excess)s) "
            "telt als inkomen.") % {"reserve": euro(p["reserve_before"]), "excess": euro(p["excess"])}
    if code == "disregard":
        who = _(" (partner)") if p.get("person") == "partner" else ""
        text = _("%(rate)s van het loon mag u houden") % {"rate": percent(p["rate"])}
        if p.get("cap"):
            text += _(", maximaal %(cap)s per maand") % {"cap": euro(p["cap"])}
        if p.get("max_months"):
            text += _(" (maand %(n)s van %(max)s, tot en met %(until)s)") % {
                "n": p["month_number"], "max": p["max_months"], "until": month_name(p["until"])}
        return _("Vrijlating") + who, text + "."
    if code == "offset":
        if p.get("exceeds_norm"):
            text = _("Uw inkomen is hoger dan de norm. Deze maand krijgt u geen bijstand.")
        else:
            text = _("Inkomen %(counted)s min vrijlating %(disregard)s = %(countable)s. Dat gaat van de norm af.") % {
                "counted": euro(p["counted"]), "disregard": euro(p["disregard"]), "countable": euro(p["countable"])}
        return _("Verrekend met de bijstand"), text
    if code == "measure":
        return _("Maatregel (verlaging)"), _(
            "%(pct)s van de norm, van %(range)s. %(label)s") % {
            "pct": percentage(p["percentage"]), "range": _day_range(p), "label": p.get("label", "")}
    if code == "benefit":
        return _("Bijstand deze maand"), ""
    if code == "holiday_reserve":
        return _("Vakantietoeslag sparen"), _(
            "%(rate)s van de bijstand sparen wij voor u. U krijgt het één keer per jaar, in juni.") % {
            "rate": percent(p["rate"])}
    if code == "holiday_payout":
        return _("Uitbetaling gespaarde vakantietoeslag"), _("Wat u het afgelopen jaar heeft gespaard.")
    if code == "to_pay":
        return _("Te betalen bijstand"), ""
    if code == "premium_accrued":
        months = p.get("paid_in_months") or []
        when = (_("U krijgt de premie in %(months)s.") % {"months": _(" en ").join(
            date_format(dt.date(2000, m, 1), "F") for m in months)}) if months else _("U krijgt de premie deze maand.")
        label = (p.get("label") or _("Premie")) + (_(" (partner)") if p.get("person") == "partner" else "")
        if p.get("fixed_per_month"):
            return label, _("%(amount)s per maand omdat u meedoet (u heeft een plek bij een partner). Een premie gaat "
                            "niet van de bijstand af. %(when)s") % {"amount": euro(p["fixed_per_month"]), "when": when}
        return label, _(
            "%(rate)s van uw loon, maximaal %(max)s per maand. Een premie gaat niet van de bijstand af. %(when)s") % {
            "rate": percent(p["rate"]), "max": euro(p["max_per_month"]), "when": when}
    if code == "premium_paid":
        return _("%(label)s uitbetaald") % {"label": p.get("label") or _("Premie")}, ""
    if code == "total":
        return _("Totaal te betalen"), ""
    return code, ""


def describe_lines(lines) -> list[dict]:
    return [describe(line) for line in lines]


WARNINGS = {
    "shared_household_without_housemates": N_("Volgens het dossier woont de inwoner met andere volwassenen, maar "
                                              "er zijn geen huisgenoten ingevuld. Vul ze in voor de "
                                              "kostendelersnorm."),
    "income_exceeds_norm": N_("Het inkomen is deze maand hoger dan de norm: er is geen recht op bijstand."),
}


def warning_text(code):
    return _(WARNINGS.get(code, code))


def error_message(error) -> str:
    """The Dutch message for a rules.RuleError."""
    code, p = error.code, error.params
    if code == "no_norm_table":
        return _("Er zijn geen bijstandsnormen geladen voor %(month)s. Er is niets opgeslagen. De functioneel "
                 "beheerder laadt de normen van die periode (manage.py load_norms).") % {
            "month": month_name(p["month"])}
    if code == "month_before_benefit":
        return _("%(month)s ligt vóór de start van de bijstand (%(start)s).") % {
            "month": month_name(p["month"]).capitalize(), "start": date_text(p["benefit_start"])}
    if code == "negative_income":
        return _("Een inkomen kan niet negatief zijn.")
    if code == "partner_birth_missing":
        return _("Voor de norm is de geboortedatum van de partner nodig. Vul die in bij 'Huishouden voor de norm'.")
    if code == "partner_income_without_partner":
        return _("Er is inkomen van een partner, maar volgens het dossier is er geen partner.")
    if code == "under_18":
        return _("De inwoner is jonger dan 18 jaar: de Participatiewet geeft dan geen bijstand.")
    if code == "partner_under_18":
        return _("De partner is jonger dan 18 jaar; deze situatie rekent Meedoen niet uit.")
    if code == "hours_missing":
        return _("Vul het aantal gewerkte uren in.")
    if code == "bad_percentage":
        return _("Een maatregel ligt tussen 0 en 100 %.")
    return _("Deze maand kan niet worden berekend (%(code)s).") % {"code": code}


def correction_summary(correction) -> str:
    month = month_name(correction.month)
    if correction.kind == "overpayment":
        return _("herberekening %(month)s: terugvordering %(amount)s") % {"month": month,
                                                                         "amount": euro(correction.amount)}
    if correction.kind == "underpayment":
        return _("herberekening %(month)s: nabetaling %(amount)s") % {"month": month, "amount": euro(correction.amount)}
    return _("herberekening %(month)s: geen verschil") % {"month": month}
