"""Progress against a provider's contract (DESIGN §4.7): placements in the current contract year against the yearly
number pro rata, referrals returned with advice, and reports back that are overdue.

The pure part (contract year, pro-rata target) has no Django imports; `contract_progress` reads the referrals.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


def _anniversary(start: dt.date, years: int) -> dt.date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def contract_year(starts_on: dt.date, ends_on: dt.date, today: dt.date) -> tuple[dt.date, dt.date]:
    """The contract year that contains `today` (clamped to the contract): (first day, last day), inclusive.

    A contract year runs from the start date's anniversary to the day before the next one; the last year ends with
    the contract.
    """
    day = min(max(today, starts_on), ends_on)
    years = day.year - starts_on.year
    if _anniversary(starts_on, years) > day:
        years -= 1
    first = _anniversary(starts_on, years)
    last = min(_anniversary(starts_on, years + 1) - dt.timedelta(days=1), ends_on)
    return first, last


def pro_rata_target(placements_per_year: int, year_start: dt.date, year_end: dt.date, today: dt.date) -> int:
    """How many placements the contract expects by `today` in this contract year: linear over a full year (365 days),
    rounded down, never more than the yearly number. A short last year is not scaled down up front; it just ends."""
    if placements_per_year <= 0 or today < year_start:
        return 0
    elapsed = (min(today, year_end) - year_start).days + 1
    return min(placements_per_year, placements_per_year * elapsed // 365)


@dataclass(frozen=True)
class ContractProgress:
    contract: object
    year_start: dt.date
    year_end: dt.date
    active: bool
    placements: int
    target_to_date: int
    placements_per_year: int
    returned: int
    in_guidance: int
    reports_overdue: int

    @property
    def percent_of_target(self) -> int | None:
        if not self.target_to_date:
            return None
        return round(100 * self.placements / self.target_to_date)

    @property
    def behind(self) -> bool:
        return self.active and self.placements < self.target_to_date


def contract_progress(contract, today: dt.date) -> ContractProgress:
    """Count the provider's referrals for the contract year containing `today` (four small aggregate queries)."""
    from meedoen.referrals.models import Referral

    first, last = contract_year(contract.starts_on, contract.ends_on, today)
    referrals = Referral.objects.filter(provider_id=contract.provider_id)
    placements = referrals.filter(placed_on__gte=first, placed_on__lte=min(last, today)).count()
    returned = referrals.filter(status=Referral.Status.RETURNED, returned_on__gte=first,
                                returned_on__lte=min(last, today)).count()
    in_guidance = referrals.filter(status=Referral.Status.PLACED).count()
    overdue = referrals.filter(status=Referral.Status.PLACED, next_report_due_on__lt=today).count()
    return ContractProgress(
        contract=contract, year_start=first, year_end=last,
        active=contract.starts_on <= today <= contract.ends_on,
        placements=placements, target_to_date=pro_rata_target(contract.placements_per_year, first, last, today),
        placements_per_year=contract.placements_per_year, returned=returned, in_guidance=in_guidance,
        reports_overdue=overdue,
    )
