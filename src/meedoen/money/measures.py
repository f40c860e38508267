"""Decided measures (maatregelen) from meedoen.obligations, as reductions for the monthly calculation.

The obligations app owns the measures; this module only reads them, lazily, so the money part works (without
reductions) when that app is not installed.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.apps import apps

from .rules import Reduction, month_end

__all__ = ["Reduction", "reductions_for_month", "reductions_between"]


def _measure_model():
    if not apps.is_installed("meedoen.obligations"):
        return None
    try:
        from meedoen.obligations.models import Measure
    except ImportError:
        return None
    return Measure


def _in_force(queryset):
    """Measures that reduce the benefit: decided (or reconsidered) with the outcome 'measure' (or adjusted)."""
    if hasattr(queryset, "in_force"):
        return queryset.in_force()
    return queryset.filter(status="decided", outcome="measure", percentage__gt=0, starts_on__isnull=False,
                           ends_on__isnull=False)


def _reduction(measure) -> Reduction:
    describe = getattr(measure, "get_breached_obligation_display", None)
    label = describe() if describe else str(measure)
    return Reduction(measure_id=measure.pk, percentage=Decimal(measure.percentage), label=label[:200],
                     rule=(measure.rule or "pw.18.2")[:200], starts_on=measure.starts_on, ends_on=measure.ends_on)


def reductions_between(resident_ids, first: dt.date, last: dt.date) -> dict[int, list[Reduction]]:
    """{resident id: reductions overlapping [first, last]} in one query."""
    model = _measure_model()
    result = defaultdict(list)
    if model is None:
        return result
    rows = _in_force(model.objects.filter(resident_id__in=list(resident_ids))).filter(
        starts_on__lte=last, ends_on__gte=first).order_by("starts_on", "pk")
    for measure in rows:
        result[measure.resident_id].append(_reduction(measure))
    return result


def reductions_for_month(resident_id, month: dt.date) -> list[Reduction]:
    """The reductions of decided measures that touch `month` (its first day)."""
    return reductions_between([resident_id], month, month_end(month)).get(resident_id, [])
