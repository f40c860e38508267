"""Small-cell suppression of everything monitoring shows or exports: the dashboard (tiles, charts, tables), the
Rotterdam table, the indicator export and the API. One pass, `disclose(result)`, applied whatever the filters (team,
wijk, segment, period): a filter narrows the population, so a headline total can be as small as a breakdown cell.

The rule is `rules.suppress` (counts 1..4 become "<5"), for every count. On top of that:

- cells of an additive group whose total is shown too (the active categories and "active", the wijken and the
  population, the contact buckets and the population, the teams' columns, the three triangles of the ladder matrix and
  up / same / down) go through `rules.suppress_group`, which hides further cells ("x") until the total minus the shown
  cells no longer gives a small count away;
- a share, average or median is hidden when one of the counts it is computed from (`Indicator.basis`) is small.

What this does not prevent (documented in docs/monitoring.md): differencing across requests — the total for a
municipality minus the total for one team, or a period minus a slightly shorter one — and a count that is close to a
shown total (200 residents, 197 active: 3 not active). Those need controlled access rather than cell suppression;
the audit trail records every filter used.

`compute()` stays exact: the simulation, the tests and the Rotterdam comparison read the true values; only what
leaves the server passes through here.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from django.utils.translation import gettext as _

from meedoen import charts

from . import rules
from .indicators import CONTACT_LABELS, Indicator, Result, TableRow


@dataclass
class Disclosed:
    """What may be shown: counts as numbers or suppression markers ("<5", rules.HIDDEN)."""

    indicators: list[Indicator]
    funnel: list[tuple[str, int | str]]
    categories: dict[str, int | str]
    by_month: list[tuple]
    contact: dict[str, int | str]
    ladder: dict
    workload: list[dict]
    by_neighbourhood: list[dict]
    caseload_distribution: list[tuple[str, int | str]]
    threshold: int

    def get(self, key) -> Indicator:
        return next(i for i in self.indicators if i.key == key)


def _marker(shown) -> str:
    return "" if shown is None or rules.is_shown(shown) else str(shown)


def _basis_small(basis, threshold) -> bool:
    return any(rules.is_suppressed(count, threshold) for count in basis)


def _hide(indicator: Indicator, marker: str) -> Indicator:
    return replace(indicator, value=None, hidden=marker) if marker else indicator


def _indicators(result: Result, categories: dict, ladder: dict, threshold: int) -> list[Indicator]:
    group = {f"active_{c}": categories[c] for c in rules.CATEGORIES}
    group.update({"ladder_up": ladder["up"], "ladder_same": ladder["same"], "ladder_down": ladder["down"]})
    shown = []
    for indicator in result.indicators:
        if not indicator.available or indicator.value is None:
            shown.append(indicator)
        elif indicator.key in group:
            shown.append(_hide(indicator, _marker(group[indicator.key])))
        elif indicator.kind == "count":
            shown.append(_hide(indicator, _marker(rules.suppress(indicator.value, threshold))))
        elif _basis_small(indicator.basis, threshold):
            marker = "–"
            hidden = _hide(indicator, marker)
            if indicator.key == "satisfaction":  # "3 antwoorden" would say how few answered
                hidden = replace(hidden, note=_("%(n)s antwoorden") % {
                    "n": rules.suppress(indicator.basis[0], threshold)})
            shown.append(hidden)
        else:
            shown.append(indicator)
    return shown


def _ladder(ladder: dict, threshold: int) -> dict:
    """The transition matrix as three additive groups (up, same, down), and the three totals themselves."""
    matrix = ladder["matrix"]
    cells = {}
    for part in ((lambda a, b: b > a), (lambda a, b: b == a), (lambda a, b: b < a)):
        keys = [(a, b) for a in range(1, 7) for b in range(1, 7) if part(a, b)]
        for key, value in zip(keys, rules.suppress_group([matrix.get(key, 0) for key in keys], threshold)):
            cells[key] = value
    return {"matrix": cells, "raw": matrix,
            **{key: rules.suppress(ladder[key], threshold) for key in ("up", "same", "down")}}


def _columns(rows: list[dict], keys, threshold) -> list[dict]:
    """Each column of a breakdown (one row per team or wijk) is an additive group: the rows add up to a total."""
    result = [dict(row) for row in rows]
    for key in keys:
        for row, value in zip(result, rules.suppress_group([row[key] for row in rows], threshold)):
            row[f"{key}_shown"] = value
    for row in result:
        row["suppressed"] = any(not rules.is_shown(row[f"{key}_shown"]) for key in keys)
    return result


def _workload(rows, threshold) -> list[dict]:
    result = _columns(rows, ("residents", "overdue", "no_contact_6m"), threshold)
    for row in result:
        # Residents per caseworker times the number of caseworkers would give a hidden count away.
        if row["caseload"] is None:
            row["caseload_shown"], row["caseload_display"] = None, _("geen klantmanagers")
        elif not rules.is_shown(row["residents_shown"]):
            row["caseload_shown"], row["caseload_display"] = None, "–"
        else:
            row["caseload_shown"] = round(row["caseload"])
            row["caseload_display"] = charts.format_number(row["caseload"])
    return result


def _by_neighbourhood(rows, threshold) -> list[dict]:
    result = _columns(rows, ("residents", "reached", "active"), threshold)
    for row in result:
        # A share of a hidden count would give the count away.
        row["active_share_display"] = (
            "–" if not (rules.is_shown(row["residents_shown"]) and rules.is_shown(row["active_shown"]))
            or row["active_share"] is None else charts.format_number(row["active_share"] * 100, 0) + "%")
    return result


def disclose(result: Result, threshold: int = rules.SMALL_CELL) -> Disclosed:
    by_category = result.active_by_category
    categories = dict(zip(rules.CATEGORIES, rules.suppress_group([by_category[c] for c in rules.CATEGORIES],
                                                                 threshold)))
    ladder = _ladder(result.ladder, threshold)
    contact = dict(zip(CONTACT_LABELS, rules.suppress_group([result.contact[k] for k in CONTACT_LABELS], threshold)))
    return Disclosed(
        indicators=_indicators(result, categories, ladder, threshold),
        funnel=[(label, rules.suppress(count, threshold)) for label, count in result.funnel],
        categories=categories,
        by_month=[(month, {c: rules.suppress(n, threshold) for c, n in counts.items()})
                  for month, counts in result.by_month],
        contact=contact,
        ladder=ladder,
        workload=_workload(result.workload, threshold),
        by_neighbourhood=_by_neighbourhood(result.by_neighbourhood, threshold),
        caseload_distribution=[(label, rules.suppress(n, threshold)) for label, n in result.caseload_distribution],
        threshold=threshold,
    )


def disclose_table(rows: list[TableRow], disclosed: Disclosed) -> list[TableRow]:
    """The Rotterdam table with the computed column suppressed like the indicators it comes from."""
    indicators = {i.key: i for i in disclosed.indicators}
    result = []
    for row in rows:
        indicator = indicators.get(row.key)
        if indicator is not None and indicator.hidden:
            row = replace(row, computed=None, hidden=indicator.hidden)
        elif indicator is None and _basis_small(row.basis, disclosed.threshold):
            row = replace(row, computed=None, hidden="–")
        result.append(row)
    return result


def value_or_marker(shown):
    """For charts: (number or None, label) of a shown count."""
    if shown is None:
        return None, ""
    if rules.is_shown(shown):
        return shown, ""
    return None, str(shown)
