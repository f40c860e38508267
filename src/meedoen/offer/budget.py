"""Rules for provisions and the individual budget (maatwerkbudget): pure functions over plain data.

A municipality's approval rules are policy data, in the profile's `extra["provisions"]` block:

    {
      "individual_budget_per_year": "2000.00",   # per resident per calendar year, in euros
      "second_approval_above": "500.00",         # a request above this needs a second person's approval
      "caps": {"training": "500.00"},            # maximum per request for a provision kind (absent: no cap)
      "min_ladder_step": {"training": null}      # lowest Participatieladder step for a kind (null: none)
    }

Amounts may be given as numbers or decimal strings; they are read as Decimal and never as float. A missing block or
key falls back to DEFAULT_PROVISIONS. No Django imports: the web layer, the API and the simulator share these rules.

How the budget is counted (per resident, per calendar year):
- used: every approved grant, at its spent amount once spending is recorded, else at its approved amount;
- reserved: every request still waiting for a decision;
- available for a new request = budget - used - reserved (never below zero).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Iterable, Mapping

from django.utils.translation import gettext as _

CENT = Decimal("0.01")

PROVISION_KINDS = ("training", "childcare", "respite_care", "debt_counselling", "personal_development",
                   "travel_costs", "other")

DEFAULT_PROVISIONS = {
    "individual_budget_per_year": "2000.00",
    "second_approval_above": "500.00",
    "caps": {"training": "500.00"},
    "min_ladder_step": {},
}

# Problem codes returned by check_request; the service turns them into Dutch messages.
NOT_POSITIVE = "not_positive"
ABOVE_CAP = "above_cap"
ABOVE_BUDGET = "above_budget"
LADDER_TOO_LOW = "ladder_too_low"
LADDER_UNKNOWN = "ladder_unknown"


@dataclass(frozen=True)
class ProvisionRules:
    budget_per_year: Decimal
    second_approval_above: Decimal
    caps: Mapping[str, Decimal] = field(default_factory=dict)
    min_ladder_step: Mapping[str, int | None] = field(default_factory=dict)

    def cap_for(self, kind: str) -> Decimal | None:
        return self.caps.get(kind)

    def ladder_step_for(self, kind: str) -> int | None:
        return self.min_ladder_step.get(kind)


@dataclass(frozen=True)
class Problem:
    code: str
    field: str
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class BudgetState:
    budget: Decimal
    used: Decimal
    reserved: Decimal

    @property
    def remaining(self) -> Decimal:
        """What is left after approved grants (what the team lead sees as 'over')."""
        return max(Decimal(0), self.budget - self.used)

    @property
    def available(self) -> Decimal:
        """What a new request may still ask: approved and pending requests both count."""
        return max(Decimal(0), self.budget - self.used - self.reserved)

    @property
    def over_budget(self) -> bool:
        return self.used > self.budget


def money(value) -> Decimal:
    """A euro amount as a Decimal with cents. Accepts Decimal, int, or a decimal string ("500", "500.00")."""
    if isinstance(value, float):
        raise TypeError("money amounts are never floats")
    return Decimal(str(value)).quantize(CENT)


def validate_provisions(data) -> list[str]:
    """Problems (Dutch, through gettext) with a profile's provisions block; empty when valid. A missing block is valid
    (defaults)."""
    if data is None:
        return []
    if not isinstance(data, Mapping):
        return [_("Voorzieningen: geef de regels als een object.")]
    errors = []

    def amount(value, label):
        if isinstance(value, bool) or isinstance(value, float):
            # Translators: {label} names the setting, e.g. "het budget per jaar" or "het maximum voor 'training'".
            errors.append(_("Voorzieningen: {label} is een bedrag als geheel getal of tekst, bijv. \"500.00\".")
                          .format(label=label))
            return
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError):
            errors.append(_("Voorzieningen: {label} is geen bedrag.").format(label=label))
            return
        if not number.is_finite() or number < 0:
            errors.append(_("Voorzieningen: {label} mag niet negatief zijn.").format(label=label))

    for key, label in (("individual_budget_per_year", _("het budget per jaar")),
                       ("second_approval_above", _("de grens voor een tweede akkoord"))):
        if key in data:
            amount(data[key], label)
    caps = data.get("caps", {})
    if not isinstance(caps, Mapping):
        errors.append(_("Voorzieningen: 'caps' is een object met per soort een maximum."))
    else:
        for kind, value in caps.items():
            if kind not in PROVISION_KINDS:
                # Translators: {kind} is a provision kind key from the profile.
                errors.append(_("Voorzieningen: onbekende soort '{kind}' bij de maxima.").format(kind=kind))
            elif value is not None:
                # Translators: {kind} is a provision kind key from the profile.
                amount(value, _("het maximum voor '{kind}'").format(kind=kind))
    steps = data.get("min_ladder_step", {})
    if not isinstance(steps, Mapping):
        errors.append(_("Voorzieningen: 'min_ladder_step' is een object met per soort een trede."))
    else:
        for kind, step in steps.items():
            if kind not in PROVISION_KINDS:
                errors.append(_("Voorzieningen: onbekende soort '{kind}' bij de treden.").format(kind=kind))
            elif step is not None and (isinstance(step, bool) or not isinstance(step, int) or not 1 <= step <= 6):
                errors.append(_("Voorzieningen: de trede voor '{kind}' ligt tussen 1 en 6 (of null).").format(
                    kind=kind))
    return errors


def rules_from_settings(data) -> ProvisionRules:
    """Read the provisions block (may be None or partial) into rules, with DEFAULT_PROVISIONS for what is absent.

    Raises ValueError for a block that does not validate: a wrong rule must not silently become a default.
    """
    errors = validate_provisions(data)
    if errors:
        raise ValueError("; ".join(errors))
    data = data or {}
    caps_source = data.get("caps", DEFAULT_PROVISIONS["caps"])
    steps_source = data.get("min_ladder_step", DEFAULT_PROVISIONS["min_ladder_step"])
    return ProvisionRules(
        budget_per_year=money(data.get("individual_budget_per_year", DEFAULT_PROVISIONS["individual_budget_per_year"])),
        second_approval_above=money(data.get("second_approval_above", DEFAULT_PROVISIONS["second_approval_above"])),
        caps={kind: money(value) for kind, value in caps_source.items() if value is not None},
        min_ladder_step={kind: step for kind, step in steps_source.items() if step is not None},
    )


def rules_from_profile_extra(extra) -> ProvisionRules:
    return rules_from_settings((extra or {}).get("provisions"))


def budget_state(budget: Decimal, approved: Iterable[tuple[Decimal, Decimal | None]],
                 pending: Iterable[Decimal]) -> BudgetState:
    """`approved` holds (approved amount, spent amount or None) per approved grant of the year; `pending` the amounts
    of requests awaiting a decision."""
    used = sum((spent if spent is not None else amount for amount, spent in approved), Decimal(0))
    reserved = sum(pending, Decimal(0))
    return BudgetState(budget=budget, used=used, reserved=reserved)


def needs_second_approval(rules: ProvisionRules, amount: Decimal) -> bool:
    """Above the threshold a second person decides (strictly above: exactly the threshold is within mandate)."""
    return amount > rules.second_approval_above


def check_request(rules: ProvisionRules, *, kind: str, amount: Decimal, state: BudgetState,
                  ladder_step: int | None) -> list[Problem]:
    """Everything that stops a request, in the order a caseworker would fix it. Empty: the request may be made."""
    problems = []
    if amount is None or amount <= 0:
        return [Problem(NOT_POSITIVE, "amount")]
    cap = rules.cap_for(kind)
    if cap is not None and amount > cap:
        problems.append(Problem(ABOVE_CAP, "amount", {"cap": cap}))
    if amount > state.available:
        problems.append(Problem(ABOVE_BUDGET, "amount", {"available": state.available, "budget": state.budget}))
    minimum = rules.ladder_step_for(kind)
    if minimum is not None:
        if ladder_step is None:
            problems.append(Problem(LADDER_UNKNOWN, "provision_type", {"minimum": minimum}))
        elif ladder_step < minimum:
            problems.append(Problem(LADDER_TOO_LOW, "provision_type", {"minimum": minimum, "step": ladder_step}))
    return problems


def may_decide(*, needs_second: bool, requested_by: int, decider: int) -> bool:
    """Above the threshold, the person who asked cannot decide their own request (four-eyes principle)."""
    return not (needs_second and requested_by == decider)


def check_approval(rules: ProvisionRules, *, kind: str, amount: Decimal, state_without_this: BudgetState,
                   ladder_step: int | None) -> list[Problem]:
    """At approval the request is checked again against the budget as it is now (other grants may have been approved
    since). `state_without_this` must not count this request as reserved."""
    return check_request(rules, kind=kind, amount=amount, state=state_without_this, ladder_step=ladder_step)


def check_spending(*, approved_amount: Decimal, spent: Decimal) -> str | None:
    """Spending is recorded against an approved grant: between zero and the approved amount."""
    if spent is None or spent < 0:
        return "negative"
    if spent > approved_amount:
        return "above_approved"
    return None
