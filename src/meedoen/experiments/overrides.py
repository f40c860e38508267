"""What a running experiment's arm changes for its residents, read by the engines that do the work.

- The follow-up engine (meedoen.guidance.followup): `compute_next_contact` and the bulk `refresh_all` compute the next
  contact with `next_contact_for(arm, ...)`: the arm's contact norm and intensity replace the profile's.
- The payment calculation (meedoen.money.services.compute_chain): `money_policy_for(arm, policy, month)` adds the
  arm's earnings premium in the months it is in force.

One query for any number of residents. Only assignments of *running* experiments count, and not after the resident
withdrew consent: a closed experiment hands everyone back to the policy profile.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from dataclasses import dataclass

from django.utils import timezone

from meedoen.guidance import rules as guidance_rules
from meedoen.money import rules as money_rules

from . import rules

PREMIUM_ID = "experiment_premium"
PARTICIPATION_PREMIUM_ID = "experiment_participation"


def takes_part(arm: "ArmOverride | None") -> bool:
    """Whether the money calculation must know, per month, if the resident takes part (a loss-aversion arm)."""
    return arm is not None and arm.parameters.framing is not None


@dataclass(frozen=True)
class ArmOverride:
    experiment_id: int
    arm_code: str
    arm_name: str
    assigned_on: dt.date
    parameters: rules.ArmParameters

    @property
    def key(self):
        return (self.experiment_id, self.arm_code)


def _query():
    from .models import Assignment, Experiment

    return (Assignment.objects.filter(experiment__status=Experiment.Status.RUNNING, withdrawn_at__isnull=True)
            .order_by("resident_id", "assigned_at", "pk")
            .values_list("resident_id", "experiment_id", "arm__code", "arm__name", "arm__parameters", "assigned_at"))


def _collect(rows) -> dict[int, ArmOverride]:
    """A resident in two running experiments gets the arm of the latest assignment (rows come oldest first)."""
    tz = timezone.get_current_timezone()
    parsed = {}
    out = {}
    for resident_id, experiment_id, code, name, parameters, assigned_at in rows:
        key = (experiment_id, code)
        if key not in parsed:
            parsed[key] = rules.parse_parameters(parameters or {})
        out[resident_id] = ArmOverride(experiment_id, code, name, assigned_at.astimezone(tz).date(), parsed[key])
    return out


def overrides_for(resident_ids) -> dict[int, ArmOverride]:
    """{resident_id: ArmOverride} for the residents in a running experiment (one query)."""
    ids = list(resident_ids)
    if not ids:
        return {}
    return _collect(_query().filter(resident_id__in=ids))


def overrides_for_municipality(municipality) -> dict[int, ArmOverride]:
    """The same for every resident of a municipality, for the bulk engines (one query, no list of ids)."""
    return _collect(_query().filter(experiment__municipality=municipality))


def next_contact_for(arm: ArmOverride | None, *, contact_norms, intensity, **kwargs) -> guidance_rules.NextContact:
    """guidance.rules.next_contact_for with the arm's contact norm and intensity; the rule text names the arm, so the
    caseworker sees why this resident's date differs."""
    if arm is None or not arm.parameters.changes_anything:
        return guidance_rules.next_contact_for(contact_norms=contact_norms, intensity=intensity, **kwargs)
    params = arm.parameters
    result = guidance_rules.next_contact_for(
        contact_norms=rules.contact_norms_for(contact_norms, params), intensity=params.intensity or intensity,
        **kwargs)
    suffix = f" (experiment, conditie {arm.arm_name}{', inwoner houdt zelf de regie' if params.resident_led else ''})"
    return guidance_rules.NextContact(result.due_on, (result.rule + suffix)[:200])


def money_policy_for(arm: ArmOverride | None, policy: money_rules.MoneyPolicy,
                     month: dt.date) -> money_rules.MoneyPolicy:
    """The month's money policy with the arm's premium (art. 31 lid 2 j) in the months it is in force. It replaces
    the profile's premiums for the resident, so the arm's rate and maximum are the ones tested. A loss-aversion arm
    (framing kept or gained) adds its fixed amount for every month the resident takes part (see
    money.services.compute_chain, which says whether they do)."""
    if arm is not None and arm.parameters.framing is not None and arm.assigned_on <= money_rules.month_end(month):
        framing = arm.parameters.framing
        kept = framing.kind == "kept"
        label = (f"Premie experiment ({arm.arm_name}): u houdt € {framing.amount} zolang u meedoet" if kept
                 else f"Premie experiment ({arm.arm_name}): u verdient € {framing.amount} omdat u meedoet")
        return dataclasses.replace(policy, premiums=(money_rules.Premium(
            id=PARTICIPATION_PREMIUM_ID, label=label, rate=Decimal(0), max_per_month=framing.amount,
            fixed_per_month=framing.amount,
            citation="Experiment (verliesaversie: behouden of verdienen); Participatiewet art. 31 lid 2 onder j"),))
    if arm is None or arm.parameters.premium is None or not rules.premium_in_force(
            arm.parameters, (arm.assigned_on.year, arm.assigned_on.month), (month.year, month.month)):
        return policy
    premium = arm.parameters.premium
    return dataclasses.replace(policy, premiums=(money_rules.Premium(
        id=PREMIUM_ID, label=f"Premie experiment ({arm.arm_name})", rate=premium.rate,
        max_per_month=premium.max_per_month, paid_in_months=(),
        citation="Experiment (conditie met premie); Participatiewet art. 31 lid 2 onder j"),))
