"""BSN (burgerservicenummer) handling: the 11-proof via python-stdnum, and masking for display and logs."""
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.nl import bsn as stdnum_bsn

BSN_PATTERN = re.compile(r"(?<!\d)\d{9}(?!\d)")


def normalise_bsn(value: str) -> str:
    return stdnum_bsn.compact(value or "")


INVALID_BSN = _("Dit is geen geldig BSN. Een BSN heeft 9 cijfers en voldoet aan de elfproef.")


def validate_bsn(value):
    if not stdnum_bsn.is_valid(value or ""):
        raise ValidationError(INVALID_BSN, code="invalid_bsn")


def scrub(text: str) -> str:
    """Replace anything that looks like a BSN (9 digits) in free text with a mask."""
    return BSN_PATTERN.sub("*********", text)
