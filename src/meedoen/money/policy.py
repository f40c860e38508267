"""The municipality's money policy as data, read from the policy profile's `extra["money"]` block. No Django imports
apart from i18n (the validation messages go through gettext).

    "money": {
      "offset_method": "same_month",        # or "next_month": see below
      "holiday_allowance_rate": "0.05",      # reservation of the holiday allowance (sources say 5 % or 4.8 %)
      "holiday_payout_month": 6,             # paid out once a year in this month (art. 45: June)
      "ein_euro_job_per_hour": "1.40",       # allowance per worked hour that is not offset
      "premiums": [                          # premiums (art. 31 lid 2 j), not offset, with the yearly maximum
        {"id": "bijverdienpremie", "label": "Bijverdienpremie", "rate": "0.30", "max_per_month": "219.00",
         "paid_in_months": [6, 11]}
      ]
    }

Offset methods (Divosa): "same_month" offsets the income of a month in that same month, on an estimate when the
payslip is not there yet, and recalculates once the payslip arrives (a correction); "next_month" offsets the income
in the month after, on the payslip.

Amounts and rates are decimal strings (or integers), never floats. A missing block or key takes DEFAULT_MONEY. The
older `extra["earnings_premium"]` block of the Amsterdam presets ({"rate", "max_per_month_eur", "paid_in_months"}) is
read as one premium when `money.premiums` is absent.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Mapping

from django.utils.translation import gettext as _

from .rules import OFFSET_METHODS, MoneyPolicy, Premium, money

DEFAULT_MONEY = {
    "offset_method": "same_month",
    "holiday_allowance_rate": "0.05",
    "holiday_payout_month": 6,
    "ein_euro_job_per_hour": "1.40",
    "premiums": [],
}
PREMIUM_CITATION = "Beleidsprofiel van de gemeente; Participatiewet art. 31 lid 2 onder j (premie)"
# A premium above half of the earnings would make a higher income pay out less than a lower one is worth: the
# monthly amount must never rise faster with income than the benefit falls (property-tested in tests/test_rules.py).
MAX_PREMIUM_RATE = Decimal("0.5")


def _decimal(value):
    if isinstance(value, (bool, float)):
        raise TypeError
    return Decimal(str(value))


def validate_money(data) -> list[str]:
    """Problems (Dutch, through gettext) with a profile's money block; empty when valid. A missing block is valid
    (defaults)."""
    if data is None:
        return []
    if not isinstance(data, Mapping):
        return [_("Inkomsten: geef de regels als een object.")]
    errors = []
    if "offset_method" in data and data["offset_method"] not in OFFSET_METHODS:
        # Translators: same_month and next_month are setting values; keep them as they are.
        errors.append(_("Inkomsten: verrekenen kan in dezelfde maand (same_month) of de maand erna (next_month)."))
    if "holiday_allowance_rate" in data:
        try:
            rate = _decimal(data["holiday_allowance_rate"])
            if not Decimal(0) <= rate <= Decimal("0.1"):
                errors.append(_("Inkomsten: de reservering vakantietoeslag ligt tussen 0 en 0.1 (bijv. \"0.05\")."))
        except (TypeError, InvalidOperation):
            errors.append(_("Inkomsten: de reservering vakantietoeslag is een getal als tekst, bijv. \"0.05\"."))
    month = data.get("holiday_payout_month", 6)
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
        errors.append(_("Inkomsten: de maand van uitbetaling van de vakantietoeslag is een getal van 1 tot en met 12."))
    if "ein_euro_job_per_hour" in data:
        try:
            if money(data["ein_euro_job_per_hour"]) < 0:
                errors.append(_("Inkomsten: de vergoeding per uur mag niet negatief zijn."))
        except (TypeError, ValueError):
            errors.append(_("Inkomsten: de vergoeding per uur is een bedrag als tekst, bijv. \"1.40\"."))
    premiums = data.get("premiums", [])
    if not isinstance(premiums, list):
        errors.append(_("Inkomsten: premies staan in een lijst."))
        premiums = []
    seen = set()
    for index, premium in enumerate(premiums, 1):
        # Translators: {number} is the premium's place in the list (1, 2, ...).
        errors += _premium_errors(premium, _("Premie {number}").format(number=index))
        if isinstance(premium, Mapping):
            if premium.get("id") in seen:
                # Translators: {id} is the premium's id as typed in the profile.
                errors.append(_("Premie {number}: de id '{id}' komt twee keer voor.").format(
                    number=index, id=premium.get("id")))
            seen.add(premium.get("id"))
    return errors


def _premium_errors(premium, where) -> list[str]:
    """Problems with one premium. `where` names it, already translated ("Premie 2" or "Bijverdienpremie")."""
    if not isinstance(premium, Mapping):
        # Translators: {where} names the premium, e.g. "Premie 2" or "Bijverdienpremie".
        return [_("{where}: geef de premie als een object.").format(where=where)]
    errors = []
    if not premium.get("id") or not premium.get("label"):
        # Translators: id and label are JSON keys; keep them as they are.
        errors.append(_("{where}: id en label zijn verplicht.").format(where=where))
    try:
        rate = _decimal(premium.get("rate"))
        if not Decimal(0) < rate <= MAX_PREMIUM_RATE:
            errors.append(_("{where}: het percentage ligt tussen 0 en {max} (bijv. \"0.30\").").format(
                where=where, max=MAX_PREMIUM_RATE))
    except (TypeError, InvalidOperation):
        errors.append(_("{where}: het percentage is een getal als tekst, bijv. \"0.30\".").format(where=where))
    maximum = premium.get("max_per_month", premium.get("max_per_month_eur"))
    try:
        if money(maximum) <= 0:
            errors.append(_("{where}: het maximum per maand moet groter zijn dan nul.").format(where=where))
    except (TypeError, ValueError):
        errors.append(_("{where}: het maximum per maand is een bedrag als tekst, bijv. \"219.00\".").format(
            where=where))
    months = premium.get("paid_in_months", [])
    if not isinstance(months, list) or any(isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= 12
                                           for m in months):
        errors.append(_("{where}: de maanden van uitbetaling zijn getallen van 1 tot en met 12 (leeg: elke maand).")
                      .format(where=where))
    return errors


def _premium(data, default_id) -> Premium:
    return Premium(
        id=str(data.get("id", default_id)), label=str(data.get("label", "Bijverdienpremie")),
        rate=_decimal(data["rate"]), max_per_month=money(data.get("max_per_month", data.get("max_per_month_eur"))),
        paid_in_months=tuple(data.get("paid_in_months", ())), citation=data.get("citation", PREMIUM_CITATION))


def money_policy(extra, label: str = "") -> MoneyPolicy:
    """The money policy of a profile's `extra`. Raises ValueError when the block does not validate: a wrong rule must
    never silently become a default."""
    extra = extra or {}
    data = extra.get("money")
    errors = validate_money(data)
    legacy = extra.get("earnings_premium")
    if legacy is not None and not (data and "premiums" in data):
        errors += _premium_errors({"id": "earnings_premium", "label": "Bijverdienpremie", **legacy},
                                  _("Bijverdienpremie"))
    if errors:
        raise ValueError("; ".join(errors))
    data = {**DEFAULT_MONEY, **(data or {})}
    premiums = tuple(_premium(p, f"premium{i}") for i, p in enumerate(data["premiums"], 1))
    if not premiums and legacy is not None and "premiums" not in (extra.get("money") or {}):
        premiums = (_premium({"id": "earnings_premium", "label": "Bijverdienpremie", **legacy}, "earnings_premium"),)
    return MoneyPolicy(
        offset_method=data["offset_method"], holiday_allowance_rate=_decimal(data["holiday_allowance_rate"]),
        holiday_payout_month=data["holiday_payout_month"], premiums=premiums,
        ein_euro_job_per_hour=money(data["ein_euro_job_per_hour"]), label=label)
