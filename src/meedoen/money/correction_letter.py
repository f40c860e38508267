"""The decision letter (beschikking) about a recalculation: a terugvordering or a nabetaling (DESIGN §8).

One letter per correction run (the corrected month and the later decided months that depend on it), made with the
letters app in the same transaction as the corrections. It states the months, the old and new amounts, each
difference, the balance, the reason, and the objection route and period (Awb 6:7: 6 weeks). It is never made twice
for the same correction: the letter's step key is the first correction of the run, and every correction of the run
points to the letter.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import explain
from .models import PaymentCorrection

LETTER_KIND = "payment_correction"
OBJECTION_WEEKS = 6  # Awb 6:7


def objection_deadline(decision_date: dt.date) -> dt.date:
    """The last day to object: six weeks after the decision was made known (Awb 6:7, 6:8)."""
    return decision_date + dt.timedelta(weeks=OBJECTION_WEEKS)


def signed_difference(correction: PaymentCorrection) -> Decimal:
    """Positive for a nabetaling, negative for a terugvordering."""
    if correction.kind == PaymentCorrection.Kind.UNDERPAYMENT:
        return correction.amount
    if correction.kind == PaymentCorrection.Kind.OVERPAYMENT:
        return -correction.amount
    return Decimal("0.00")


def _reason(cause) -> str:
    if cause is None:
        return ""
    month = explain.month_name(cause.month)
    if cause.corrects_id:
        return _("Uw inkomsten van %(month)s zijn gewijzigd (%(kind)s): eerst %(old)s, nu %(new)s.") % {
            "month": month, "kind": cause.get_kind_display().lower(), "old": explain.euro(cause.corrects.net_amount),
            "new": explain.euro(cause.net_amount)}
    return _("Er zijn inkomsten van %(month)s bijgekomen (%(kind)s): %(amount)s.") % {
        "month": month, "kind": cause.get_kind_display().lower(), "amount": explain.euro(cause.net_amount)}


def letter_context(corrections: list[PaymentCorrection], today: dt.date) -> dict:
    corrections = sorted(corrections, key=lambda c: c.month)
    rows = []
    for correction in corrections:
        difference = signed_difference(correction)
        if difference > 0:
            text = _("%(amount)s te weinig betaald") % {"amount": explain.euro(difference)}
        elif difference < 0:
            text = _("%(amount)s te veel betaald") % {"amount": explain.euro(-difference)}
        else:
            text = _("geen verschil")
        rows.append({"month": explain.month_name(correction.month),
                     "old": explain.euro(correction.previous.total_paid),
                     "new": explain.euro(correction.recalculated.total_paid), "difference": text})
    balance = sum((signed_difference(c) for c in corrections), Decimal("0.00"))
    kind = "underpayment" if balance > 0 else "overpayment" if balance < 0 else "none"
    return {
        "correction_rows": rows,
        "correction_balance_kind": kind,
        "correction_balance": explain.euro(abs(balance)),
        "correction_reason": _reason(corrections[0].cause),
        "decision_on": today,
        "objection_deadline_on": objection_deadline(today),
        "objection_weeks": OBJECTION_WEEKS,
    }


def correction_letter(corrections: list[PaymentCorrection], *, actor):
    """The beschikking for a correction run with a terugvordering or nabetaling; None when no month's amount changed.
    Runs inside the caller's transaction: no complete postal address refuses the whole correction (ValidationError),
    as a decision without its letter is not made."""
    from meedoen.letters.services import issue_letter

    corrections = [c for c in corrections if c is not None]
    if not any(c.kind != PaymentCorrection.Kind.NONE for c in corrections):
        return None
    first = min(corrections, key=lambda c: c.pk)
    resident = first.resident
    with translation.override("nl"):
        context = letter_context(corrections, timezone.localdate())
    letter = issue_letter(resident, LETTER_KIND, step_key=f"payment_correction:{first.pk}", actor=actor,
                          context=context)
    PaymentCorrection.objects.filter(pk__in=[c.pk for c in corrections]).update(letter=letter)
    for correction in corrections:
        correction.letter = letter
    return letter
