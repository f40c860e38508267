"""Formatting shared by the apps' screens and letters."""
from decimal import Decimal

from django.utils.formats import number_format


def euro(amount) -> str:
    """An amount for people to read, in the active language ("€ 1.401,50" in Dutch), never broken between the € and
    the number; "–" when there is none."""
    if amount in (None, ""):
        return "–"
    return "€\u00a0" + number_format(Decimal(str(amount)), 2, use_l10n=True, force_grouping=True)
