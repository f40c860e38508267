"""Pure rules of experiments (issue 6, DESIGN §3: the Amsterdam arms, the earnings premium, the loss-aversion design).
No Django imports apart from i18n (messages and labels go through gettext): the services, the demo and the tests use
the same functions.

- Arm parameters: what an arm changes for its residents (contact norm, intensity, obligations, premium, framing),
  validated as data.
- Eligibility: rules as data ({"field", "op", "value"}) over plain rows.
- Stratified randomisation: permuted blocks within strata, by arm weights, from a recorded seed.
- Effect estimates: difference in means with a Welch interval, and regression adjustment (OLS with HC2 standard
  errors) on covariates such as the T0 value and the strata.
"""
from __future__ import annotations

import math
import warnings
import zlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import reduce

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# -- arm parameters ---------------------------------------------------------------------------------------------------

INTENSITIES = ("intensive", "light")
FRAMINGS = ("kept", "gained")
MAX_PREMIUM_RATE = Decimal("0.5")  # the same ceiling as meedoen.money.policy (a premium never outgrows the offset)
MAX_CONTACT_DAYS = 366
PARAMETER_KEYS = frozenset({"contact_days", "contact_norms", "resident_led", "intensity", "obligations_relaxed",
                            "premium", "framing", "fixed_caseworker"})


@dataclass(frozen=True)
class ArmPremium:
    """A premium on earnings from work for the arm (art. 31 lid 2 j Participatiewet), paid every month for `months`
    months from the month of assignment (the Amsterdam experiment: 50 % of earnings up to €200 a month)."""

    rate: Decimal
    max_per_month: Decimal
    months: int


@dataclass(frozen=True)
class Framing:
    """The loss-aversion design (proposed in Utrecht): €150 a month *kept* while volunteering continues, or €150
    *gained* only once volunteering starts. The amount is the same; only the message differs."""

    kind: str
    amount: Decimal


@dataclass(frozen=True)
class ArmParameters:
    """What an arm changes. Empty parameters (the control arm) change nothing: the policy profile applies."""

    contact_days: int | None = None
    contact_norms: Mapping = field(default_factory=dict, hash=False, compare=False)
    resident_led: bool = False
    intensity: str | None = None
    obligations_relaxed: bool = False
    fixed_caseworker: bool = False
    premium: ArmPremium | None = None
    framing: Framing | None = None

    @property
    def changes_anything(self) -> bool:
        return self != ArmParameters() or bool(self.contact_norms)


def _decimal(value) -> Decimal:
    if isinstance(value, (bool, float)) or value is None:
        raise TypeError
    return Decimal(str(value))


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate_parameters(data) -> list[str]:
    """Problems (Dutch, through gettext) with an arm's parameters; empty when valid."""
    if not isinstance(data, Mapping):
        return [_("Geef de instellingen van de conditie als een object.")]
    errors = []
    unknown = sorted(set(data) - PARAMETER_KEYS)
    if unknown:
        # Translators: {keys} is a comma-separated list of the unknown JSON keys.
        errors.append(_("Onbekende instelling(en): {keys}.").format(keys=", ".join(map(str, unknown))))
    days = data.get("contact_days")
    if days is not None and (not _is_int(days) or not 1 <= days <= MAX_CONTACT_DAYS):
        errors.append(_("Contacttermijn: een aantal dagen van 1 tot en met {max}.").format(max=MAX_CONTACT_DAYS))
    norms = data.get("contact_norms", {})
    if not isinstance(norms, Mapping) or any(
            not isinstance(per, Mapping) or any(k not in INTENSITIES or not _is_int(v) or not 1 <= v <= MAX_CONTACT_DAYS
                                                for k, v in per.items()) for per in norms.values()):
        errors.append(_("Contactnormen: per segment een object met 'intensive' en/of 'light' en een aantal dagen."))
    for flag in ("resident_led", "obligations_relaxed", "fixed_caseworker"):
        if flag in data and not isinstance(data[flag], bool):
            # Translators: {key} is a JSON key (resident_led, ...); true and false are JSON values, keep them.
            errors.append(_("{key}: true of false.").format(key=flag))
    if data.get("intensity") not in (None, *INTENSITIES):
        errors.append(_("Intensiteit: 'intensive' of 'light'."))
    premium = data.get("premium")
    if premium is not None:
        if not isinstance(premium, Mapping):
            errors.append(_("Premie: geef een object met rate, max_per_month en months."))
        else:
            try:
                if not Decimal(0) < _decimal(premium.get("rate")) <= MAX_PREMIUM_RATE:
                    errors.append(_("Premie: het percentage ligt tussen 0 en {max} (bijv. \"0.50\").")
                                  .format(max=MAX_PREMIUM_RATE))
            except (TypeError, InvalidOperation):
                errors.append(_("Premie: het percentage is een getal als tekst, bijv. \"0.50\"."))
            try:
                if _decimal(premium.get("max_per_month")) <= 0:
                    errors.append(_("Premie: het maximum per maand moet groter zijn dan nul."))
            except (TypeError, InvalidOperation):
                errors.append(_("Premie: het maximum per maand is een bedrag als tekst, bijv. \"200.00\"."))
            months = premium.get("months")
            if not _is_int(months) or not 1 <= months <= 60:
                errors.append(_("Premie: het aantal maanden ligt tussen 1 en 60."))
    framing = data.get("framing")
    if framing is not None:
        if not isinstance(framing, Mapping) or framing.get("kind") not in FRAMINGS:
            errors.append(_("Framing: 'kept' (behouden) of 'gained' (verdienen), met een bedrag."))
        else:
            try:
                if _decimal(framing.get("amount")) <= 0:
                    errors.append(_("Framing: het bedrag moet groter zijn dan nul."))
            except (TypeError, InvalidOperation):
                errors.append(_("Framing: het bedrag is een bedrag als tekst, bijv. \"150.00\"."))
    return errors


def parse_parameters(data) -> ArmParameters:
    """ArmParameters from validated data; raises ValueError when the data does not validate."""
    errors = validate_parameters(data)
    if errors:
        raise ValueError("; ".join(errors))
    premium = data.get("premium")
    framing = data.get("framing")
    return ArmParameters(
        contact_days=data.get("contact_days"),
        contact_norms={seg: dict(per) for seg, per in (data.get("contact_norms") or {}).items()},
        resident_led=data.get("resident_led", False), intensity=data.get("intensity"),
        obligations_relaxed=data.get("obligations_relaxed", False),
        fixed_caseworker=data.get("fixed_caseworker", False),
        premium=ArmPremium(_decimal(premium["rate"]), _decimal(premium["max_per_month"]).quantize(Decimal("0.01")),
                           premium["months"]) if premium else None,
        framing=Framing(framing["kind"], _decimal(framing["amount"]).quantize(Decimal("0.01"))) if framing else None,
    )


def contact_norms_for(profile_norms: Mapping, params: ArmParameters) -> dict:
    """The profile's contact norms with the arm's changes: `contact_days` replaces every norm of every segment,
    `contact_norms` replaces the listed segments and intensities."""
    norms = {seg: dict(per) for seg, per in profile_norms.items()}
    if params.contact_days is not None:
        norms = {seg: {k: params.contact_days for k in (per or {"light": 0})} for seg, per in norms.items()}
    for seg, per in params.contact_norms.items():
        norms.setdefault(seg, {}).update(per)
    return norms


def premium_in_force(params: ArmParameters, assigned_month: tuple[int, int], month: tuple[int, int]) -> bool:
    """Whether the arm's premium applies in `month` (year, month): from the month of assignment for `months`."""
    if params.premium is None:
        return False
    offset = (month[0] - assigned_month[0]) * 12 + month[1] - assigned_month[1]
    return 0 <= offset < params.premium.months


# -- eligibility ------------------------------------------------------------------------------------------------------

ELIGIBILITY_FIELDS = {  # field: label (shown in the preregistration)
    "segment": gettext_lazy("segment"), "intensity": gettext_lazy("intensiteit"), "age": gettext_lazy("leeftijd"),
    "months_on_benefit": gettext_lazy("maanden in de bijstand"),
    "ladder_step": gettext_lazy("trede participatieladder"), "guidance_status": gettext_lazy("begeleiding"),
    "neighbourhood": gettext_lazy("wijk"),
}
OPERATORS = {
    "eq": lambda a, b: a == b, "ne": lambda a, b: a != b,
    "in": lambda a, b: a in b, "not_in": lambda a, b: a not in b,
    "gte": lambda a, b: a is not None and a >= b, "lte": lambda a, b: a is not None and a <= b,
    "gt": lambda a, b: a is not None and a > b, "lt": lambda a, b: a is not None and a < b,
}
STRATA_FIELDS = ("segment", "intensity", "neighbourhood", "age_band")


def validate_eligibility(criteria) -> list[str]:
    """Problems (Dutch, through gettext) with eligibility rules; empty when valid. Field names and operators are
    technical tokens: they stay as they are in every language."""
    if not isinstance(criteria, list):
        return [_("Geef de voorwaarden als een lijst.")]
    errors = []
    for n, rule in enumerate(criteria, 1):
        if not isinstance(rule, Mapping) or set(rule) != {"field", "op", "value"}:
            # Translators: field, op and value are JSON keys; keep them as they are.
            errors.append(_("Voorwaarde {number}: geef field, op en value.").format(number=n))
            continue
        if rule["field"] not in ELIGIBILITY_FIELDS:
            # Translators: {field} is what the user typed, {choices} a comma-separated list of field names.
            errors.append(_("Voorwaarde {number}: onbekend veld '{field}' (kies uit {choices}).").format(
                number=n, field=rule["field"], choices=", ".join(ELIGIBILITY_FIELDS)))
        if rule["op"] not in OPERATORS:
            # Translators: {operator} is what the user typed, {choices} a comma-separated list of operators.
            errors.append(_("Voorwaarde {number}: onbekende vergelijking '{operator}' (kies uit {choices}).").format(
                number=n, operator=rule["op"], choices=", ".join(OPERATORS)))
        elif rule["op"] in ("in", "not_in") and not isinstance(rule["value"], list):
            # Translators: {operator} is the operator "in" or "not_in".
            errors.append(_("Voorwaarde {number}: bij '{operator}' is de waarde een lijst.").format(
                number=n, operator=rule["op"]))
    return errors


def validate_strata(strata) -> list[str]:
    if not isinstance(strata, list) or any(s not in STRATA_FIELDS for s in strata) or len(set(strata)) != len(strata):
        # Translators: {choices} is a comma-separated list of field names.
        return [_("Strata: een lijst zonder dubbelen met velden uit {choices}.").format(
            choices=", ".join(STRATA_FIELDS))]
    return []


def is_eligible(person: Mapping, criteria: Sequence[Mapping]) -> bool:
    return all(OPERATORS[rule["op"]](person.get(rule["field"]), rule["value"]) for rule in criteria)


def eligible(people: Iterable[Mapping], criteria: Sequence[Mapping]) -> list[Mapping]:
    """The people who meet every criterion (an empty list of criteria admits everyone)."""
    return [p for p in people if is_eligible(p, criteria)]


def age_band(age: int | None) -> str:
    if age is None:
        return "onbekend"
    return "<27" if age < 27 else "27-44" if age < 45 else "45+"


def stratum_of(person: Mapping, strata: Sequence[str]) -> str:
    """The stratum label, e.g. 'segment=kansarm|intensity=light' ('alle' without strata)."""
    if not strata:
        return "alle"
    return "|".join(f"{s}={person.get(s) if person.get(s) not in (None, '') else '-'}" for s in strata)


# -- stratified randomisation -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Allocation:
    key: int
    stratum: str
    arm: str
    position: int  # 0-based place in the stratum's sequence of blocks


def block_for(arms: Sequence[tuple[str, int]]) -> list[str]:
    """One block: each arm as often as its weight, weights reduced by their greatest common divisor."""
    if not arms or any(w < 1 for _code, w in arms):
        raise ValueError("every arm needs a weight of at least 1")
    g = reduce(math.gcd, (w for _c, w in arms))
    return [code for code, w in arms for _i in range(w // g)]


def stratum_sequence(seed: int, stratum: str, arms: Sequence[tuple[str, int]], length: int) -> list[str]:
    """The stratum's arm sequence of permuted blocks. It depends only on the seed, the stratum and the arms, so
    residents added later continue the same sequence (and the same seed always gives the same sequence)."""
    block = block_for(arms)
    rng = np.random.default_rng([seed, zlib.crc32(stratum.encode())])
    out: list[str] = []
    while len(out) < length:
        out += [block[i] for i in rng.permutation(len(block))]
    return out[:length]


def randomise(units: Iterable[tuple[int, str]], arms: Sequence[tuple[str, int]], seed: int,
              already: Mapping[str, int] | None = None) -> list[Allocation]:
    """Assign (key, stratum) units to arms with permuted blocks within each stratum.

    Units are sorted by (stratum, key) first, so the result does not depend on the order they come in. `already`
    gives per stratum how many were assigned in an earlier run: new units continue that stratum's sequence.
    """
    arms = sorted(arms)
    already = already or {}
    by_stratum: dict[str, list[int]] = defaultdict(list)
    for key, stratum in units:
        by_stratum[stratum].append(key)
    result = []
    for stratum in sorted(by_stratum):
        keys = sorted(by_stratum[stratum])
        start = already.get(stratum, 0)
        sequence = stratum_sequence(seed, stratum, arms, start + len(keys))
        result += [Allocation(key, stratum, sequence[start + i], start + i) for i, key in enumerate(keys)]
    return result


# -- questionnaires ---------------------------------------------------------------------------------------------------

OUTCOMES = {
    # code: (label, low, high)
    "wellbeing": (gettext_lazy("Welzijn (1–10)"), 1, 10),
    "health": (gettext_lazy("Gezondheid (1–5)"), 1, 5),
    "caseworker_grade": (gettext_lazy("Rapportcijfer klantmanager (1–10)"), 1, 10),
    "participation_hours": (gettext_lazy("Uren meedoen per week"), 0, 80),
    "paid_hours": (gettext_lazy("Betaalde uren werk per week"), 0, 80),
}


def validate_response(data: Mapping) -> dict[str, str]:
    """Problems per field (Dutch, through gettext); empty when valid. Scores are whole numbers, hours may have one
    decimal."""
    errors = {}
    for code, (label, low, high) in OUTCOMES.items():
        value = data.get(code)
        if value is None or value == "":
            # Translators: {label} is the question's short label, e.g. "Welzijn (1–10)".
            errors[code] = _("Vul dit in: {label}.").format(label=label)
            continue
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            errors[code] = _("{label}: vul een getal in.").format(label=label)
            continue
        if not low <= number <= high:
            errors[code] = _("{label}: kies een getal van {low} tot en met {high}.").format(
                label=label, low=low, high=high)
        elif code.endswith("_hours"):
            if number != number.quantize(Decimal("0.1")):
                errors[code] = _("{label}: gebruik hoogstens één cijfer achter de komma.").format(label=label)
        elif number != number.to_integral_value():
            errors[code] = _("{label}: kies een heel getal.").format(label=label)
    return errors


# -- effect estimates -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Effect:
    outcome: str
    arm: str
    method: str  # "difference" (difference in means, Welch) or "regression" (OLS, HC2)
    n_arm: int
    n_control: int
    mean_arm: float
    mean_control: float
    estimate: float
    ci_low: float
    ci_high: float
    p_value: float

    def covers(self, value: float) -> bool:
        return self.ci_low <= value <= self.ci_high


def _clean(values) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)


def welch(arm: Sequence[float], control: Sequence[float], alpha: float = 0.05) -> tuple[float, float, float, float]:
    """Difference in means (arm − control) with a Welch–Satterthwaite interval: (estimate, low, high, p)."""
    from scipy import stats

    a, c = np.asarray(arm, dtype=float), np.asarray(control, dtype=float)
    if len(a) < 2 or len(c) < 2:
        return float(a.mean() - c.mean()) if len(a) and len(c) else math.nan, math.nan, math.nan, math.nan
    va, vc = a.var(ddof=1) / len(a), c.var(ddof=1) / len(c)
    diff = float(a.mean() - c.mean())
    se = math.sqrt(va + vc)
    if se == 0:
        return diff, diff, diff, math.nan
    df = (va + vc) ** 2 / (va ** 2 / (len(a) - 1) + vc ** 2 / (len(c) - 1))
    t = stats.t.ppf(1 - alpha / 2, df)
    p = 2 * stats.t.sf(abs(diff / se), df)
    return diff, float(diff - t * se), float(diff + t * se), float(p)


def _design(rows: Sequence[Mapping], arm_codes: Sequence[str], covariates: Sequence[str]) -> tuple[np.ndarray, list]:
    """Columns: intercept, one dummy per non-control arm, numeric covariates as they are, text covariates as
    dummies (first level dropped)."""
    columns, names = [np.ones(len(rows))], ["const"]
    for code in arm_codes:
        columns.append(np.array([1.0 if r["arm"] == code else 0.0 for r in rows]))
        names.append(f"arm:{code}")
    for cov in covariates:
        values = [r.get(cov) for r in rows]
        if any(isinstance(v, str) for v in values):
            levels = sorted({str(v) for v in values})
            for level in levels[1:]:
                columns.append(np.array([1.0 if str(v) == level else 0.0 for v in values]))
                names.append(f"{cov}={level}")
        else:
            columns.append(_clean(values))
            names.append(cov)
    return np.column_stack(columns), names


def estimate(rows: Sequence[Mapping], *, outcomes: Sequence[str], control: str,
             covariates: Mapping[str, Sequence[str]] | Sequence[str] = (), alpha: float = 0.05) -> list[Effect]:
    """Per outcome and per arm against the control arm: the difference in means (Welch interval) and the
    regression-adjusted effect (OLS with HC2 robust standard errors).

    `rows` are plain dicts with "arm", the outcomes and the covariates; a missing value (None) leaves the row out
    of that outcome's analysis (and out of the regression when a covariate is missing). `covariates` is one list
    for every outcome or a mapping outcome → list (e.g. {"wellbeing": ["wellbeing_t0", "stratum"]}).
    """
    import statsmodels.api as sm

    arms = sorted({r["arm"] for r in rows} - {control})
    effects = []
    for outcome in outcomes:
        covs = list(covariates.get(outcome, ()) if isinstance(covariates, Mapping) else covariates)
        usable = [r for r in rows if r.get(outcome) is not None]
        y_by_arm = defaultdict(list)
        for r in usable:
            y_by_arm[r["arm"]].append(float(r[outcome]))
        control_y = y_by_arm.get(control, [])
        for arm in arms:
            diff, low, high, p = welch(y_by_arm.get(arm, []), control_y, alpha)
            effects.append(Effect(outcome, arm, "difference", len(y_by_arm.get(arm, [])), len(control_y),
                                  _mean(y_by_arm.get(arm, [])), _mean(control_y), diff, low, high, p))
        complete = [r for r in usable if all(r.get(c) is not None for c in covs) and r["arm"] in (control, *arms)]
        present = [a for a in arms if any(r["arm"] == a for r in complete)]
        fitted = None
        if complete and present and any(r["arm"] == control for r in complete):
            X, names = _design(complete, present, covs)
            y = _clean([r[outcome] for r in complete])
            if len(y) > X.shape[1] + 1 and np.linalg.matrix_rank(X) == X.shape[1]:
                fitted = sm.OLS(y, X).fit(cov_type="HC2")
                with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
                    # HC2 is undefined for a point with leverage 1 (tiny samples): its interval becomes NaN, shown
                    # as "too little data".
                    warnings.simplefilter("ignore", RuntimeWarning)
                    bounds, params, pvalues = fitted.conf_int(alpha), fitted.params, fitted.pvalues
        for arm in arms:
            n_arm = sum(1 for r in complete if r["arm"] == arm)
            n_control = sum(1 for r in complete if r["arm"] == control)
            if fitted is None or arm not in present:
                effects.append(Effect(outcome, arm, "regression", n_arm, n_control, math.nan, math.nan, math.nan,
                                      math.nan, math.nan, math.nan))
                continue
            i = names.index(f"arm:{arm}")
            low, high = bounds[i]
            effects.append(Effect(
                outcome, arm, "regression", n_arm, n_control,
                _mean([float(r[outcome]) for r in complete if r["arm"] == arm]),
                _mean([float(r[outcome]) for r in complete if r["arm"] == control]),
                float(params[i]), float(low), float(high), float(pvalues[i])))
    return effects


def _mean(values) -> float:
    return float(np.mean(values)) if len(values) else math.nan


__all__ = ["Allocation", "ArmParameters", "ArmPremium", "Effect", "Framing", "OUTCOMES", "contact_norms_for",
           "eligible", "estimate", "parse_parameters", "randomise", "stratum_of", "validate_eligibility",
           "validate_parameters", "validate_response", "welch"]
