"""Template filters of the offer side: weekdays, euro amounts, hours per week."""
from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from meedoen import formats
from meedoen.offer.models import Weekday

register = template.Library()

SHORT_DAYS = {"mon": "ma", "tue": "di", "wed": "wo", "thu": "do", "fri": "vr", "sat": "za", "sun": "zo"}


@register.filter
def weekdays(days, style="short"):
    """["mon", "wed"] → "ma, wo" (style "long": "maandag, woensdag")."""
    labels = dict(Weekday.choices)
    order = list(Weekday.values)
    known = sorted((d for d in days or [] if d in labels), key=order.index)
    if style == "long":
        return ", ".join(str(labels[d]) for d in known)
    return ", ".join(SHORT_DAYS[d] for d in known)


@register.filter
def euro(amount):
    return formats.euro(amount)


def _hours(value):
    value = Decimal(value).normalize()
    return f"{value:f}".replace(".", ",")


@register.filter
def hours_range(activity):
    low, high = activity.min_hours_per_week, activity.max_hours_per_week
    if low == high:
        return _("%(h)s uur") % {"h": _hours(high)}
    return _("%(low)s–%(high)s uur") % {"low": _hours(low), "high": _hours(high)}


@register.filter
def free_places(activity):
    """Free places of an activity annotated with `taken` (services.with_places_taken)."""
    return max(0, activity.capacity - (getattr(activity, "taken", 0) or 0))
