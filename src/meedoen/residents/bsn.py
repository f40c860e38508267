"""BSN (burgerservicenummer) handling: the 11-proof via python-stdnum, and masking for display and logs."""
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.nl import bsn as stdnum_bsn


def normalise_bsn(value: str) -> str:
    return stdnum_bsn.compact(value or "")


INVALID_BSN = _("Dit is geen geldig BSN. Een BSN heeft 9 cijfers en voldoet aan de elfproef.")


def validate_bsn(value):
    if not stdnum_bsn.is_valid(value or ""):
        raise ValidationError(INVALID_BSN, code="invalid_bsn")


# Masking for logs and error reports. A BSN reaches text in more shapes than the 9 digits we store: as an int
# (a leading zero dropped, 8 digits), or grouped for readability with dots, spaces, hyphens or thousands separators
# (123.456.782, 123 456 782, 1234 56 782, 123,456,782). We look at every run of digit groups joined by single
# separator characters and mask the whole run when any stretch of it has a BSN's shape:
#   - 9 or more digits in a row. Every 9-digit run, not only the ones that pass the 11-proof: a mistyped BSN (which
#     fails the proof) still points to one person, and a log line loses nothing useful by hiding it;
#   - exactly 8 digits that pass the 11-proof with a leading zero (python-stdnum accepts those as BSNs). The proof is
#     what makes this affordable: it keeps ~91% of other 8-digit numbers (dates as 20240115, amounts in cents);
#   - three groups shaped 3-3-3 or 4-2-3 (the outer groups may carry extra digits, so digits glued to a grouped BSN
#     do not hide it).
# The whole run is masked, so no remaining group gives away part of the number. Over-masking (an IP address, a phone
# number as 010 123 4567, a float with many decimals, an amount written with dots) is accepted: these are logs, and
# phone numbers are personal data too.
# Not covered: groupings other than the two above (12 34 56 782), and separators of more than one character.
BSN_SEPARATORS = " .,-\u00a0\u202f\u2011\u2013"
_DIGIT_RUN = re.compile(rf"\d+(?:[{re.escape(BSN_SEPARATORS)}]\d+)*")
_DIGIT_GROUP = re.compile(r"\d+")
BSN_MASK = "*********"


def _has_bsn_shape(groups: list[str]) -> bool:
    sizes = [len(group) for group in groups]
    if any(size >= 9 or (size == 8 and stdnum_bsn.is_valid(group)) for size, group in zip(sizes, groups)):
        return True
    return any(
        (first >= 3 and middle == 3 and last >= 3) or (first >= 4 and middle == 2 and last >= 3)
        for first, middle, last in zip(sizes, sizes[1:], sizes[2:])
    )


def _mask_run(match: re.Match) -> str:
    run = match.group()
    return BSN_MASK if _has_bsn_shape(_DIGIT_GROUP.findall(run)) else run


def scrub(text: str) -> str:
    """Mask anything in free text that may be a BSN, in any of the shapes above (for logs and error reports)."""
    return _DIGIT_RUN.sub(_mask_run, text)
