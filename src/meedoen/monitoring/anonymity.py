"""k-anonymity for the person-level research export (pure; no Django imports).

The security audit found 1,412 of 1,490 rows of the research export unique on age band, wijk, household and benefit
start: anyone who knows those four facts about a neighbour could find the neighbour's row. This module coarsens those
quasi-identifiers along fixed, documented hierarchies and suppresses the rows that still sit in an equivalence class
(rows with the same four values) smaller than k.

Hierarchies (level 0 is always applied; higher levels only when needed):

| quasi-identifier | level 0 | level 1 | level 2 |
|---|---|---|---|
| age (years at the period end) | ten-year band "40-49" | "<30", "30-49", "50+" | "alle" |
| wijk | the wijk, or "overige wijken" when it has fewer than k rows | the wijk when it has at least 10·k rows, else "overige wijken" | "alle" |
| household | the household type | alone (single, single parent) or with others | "alle" |
| benefit start | the year | a five-year band "2015-2019" | "alle" |

`k_anonymise` tries every combination of levels (3⁴ = 81) and takes the least coarsened one — fewest levels in total,
then fewest suppressed rows, then a fixed order — that suppresses at most `max_suppressed` of the rows; the rows still
in a class smaller than k are then left out. No other value of a row is changed. Property-tested: every class in the
output has at least k rows, and every output row is an input row with only its quasi-identifiers generalised at the
reported levels.
"""
from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

QUASI_IDENTIFIERS = ("age", "wijk", "household", "benefit_start")
ALL = "alle"
OTHER_WIJK = "overige wijken"
LARGE_WIJK_FACTOR = 10  # level 1 of the wijk keeps only wijken with at least 10·k rows
ALONE = frozenset({"single", "single_parent"})
LEVELS = {"age": 3, "wijk": 3, "household": 3, "benefit_start": 3}

def age_in_years(date_of_birth: dt.date, on: dt.date) -> int:
    return on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))


def generalise_age(years: int, level: int) -> str:
    if level == 0:
        low = (years // 10) * 10
        return f"{low}-{low + 9}"
    if level == 1:
        return "<30" if years < 30 else ("30-49" if years < 50 else "50+")
    return ALL


def generalise_benefit_start(day: dt.date | None, level: int) -> str:
    if day is None:
        return "" if level < 2 else ALL
    if level == 0:
        return str(day.year)
    if level == 1:
        low = (day.year // 5) * 5
        return f"{low}-{low + 4}"
    return ALL


def generalise_household(household: str, level: int) -> str:
    if level == 0:
        return household
    if level == 1:
        return "alone" if household in ALONE else "with_others"
    return ALL


def generalise_wijk(wijk: str, level: int, rows_per_wijk: Mapping[str, int], k: int) -> str:
    if level == 0:
        return wijk if rows_per_wijk.get(wijk, 0) >= k else OTHER_WIJK
    if level == 1:
        return wijk if rows_per_wijk.get(wijk, 0) >= LARGE_WIJK_FACTOR * k else OTHER_WIJK
    return ALL


@dataclass(frozen=True)
class Record:
    """One person: the raw quasi-identifiers and the rest of the row (`payload`), which is never changed."""

    age: int
    wijk: str
    household: str
    benefit_start: dt.date | None
    payload: Any = None


@dataclass
class Outcome:
    k: int
    levels: dict[str, int]
    rows: list[tuple[dict[str, str], Any]]  # (generalised quasi-identifiers, payload)
    rows_in: int
    suppressed: int
    smallest_class: int | None
    classes: int
    unique_before: int  # rows unique on the uncoarsened values (five-year age band, wijk, household, month)


def generaliser(records: Sequence[Record], k: int) -> Callable[[Record, Mapping[str, int]], dict[str, str]]:
    """The documented generalisation for this data set (the wijk levels depend on how many rows each wijk has)."""
    rows_per_wijk = Counter(r.wijk for r in records)
    one = {
        "age": lambda r, level: generalise_age(r.age, level),
        "wijk": lambda r, level: generalise_wijk(r.wijk, level, rows_per_wijk, k),
        "household": lambda r, level: generalise_household(r.household, level),
        "benefit_start": lambda r, level: generalise_benefit_start(r.benefit_start, level),
    }

    def apply(record: Record, levels: Mapping[str, int]) -> dict[str, str]:
        return {q: one[q](record, levels[q]) for q in QUASI_IDENTIFIERS}

    apply.one = one
    return apply


def k_anonymise(records: Sequence[Record], k: int, *, max_suppressed: float = 0.05) -> Outcome:
    """Coarsen the quasi-identifiers as little as the data allow and leave out the rows in classes smaller than k."""
    if k < 1:
        raise ValueError("k must be at least 1")
    apply = generaliser(records, k)
    # Per quasi-identifier and level, the generalised value of every record (computed once, then combined).
    columns = {q: [[apply.one[q](r, level) for r in records] for level in range(LEVELS[q])]
               for q in QUASI_IDENTIFIERS}
    allowed = int(max_suppressed * len(records))
    best = None
    combos = sorted(itertools.product(*(range(LEVELS[q]) for q in QUASI_IDENTIFIERS)), key=lambda c: (sum(c), c))
    for combo in combos:
        if best is not None and best[0][0] == 0 and sum(combo) > best[0][1]:
            break  # an acceptable combination with fewer levels was found: more coarsening is never chosen
        keys = list(zip(*(columns[q][level] for q, level in zip(QUASI_IDENTIFIERS, combo))))
        sizes = Counter(keys)
        suppressed = sum(n for n in sizes.values() if n < k)
        # Acceptable combinations first, least coarsened first, then fewest rows left out; if none is acceptable
        # (fewer than k rows in all), the one that leaves out fewest rows.
        rank = (0, sum(combo), suppressed, combo) if suppressed <= allowed else (1, suppressed, sum(combo), combo)
        if best is None or rank < best[0]:
            best = (rank, combo, keys, sizes)
    _rank, combo, keys, sizes = best
    levels = dict(zip(QUASI_IDENTIFIERS, combo))
    kept = [(dict(zip(QUASI_IDENTIFIERS, key)), record.payload)
            for key, record in zip(keys, records) if sizes[key] >= k]
    kept_sizes = [n for n in sizes.values() if n >= k]
    raw = Counter((r.age // 5, r.wijk, r.household, (r.benefit_start.year, r.benefit_start.month)
                   if r.benefit_start else None) for r in records)
    return Outcome(
        k=k, levels=levels, rows=kept, rows_in=len(records), suppressed=len(records) - len(kept),
        smallest_class=min(kept_sizes) if kept_sizes else None, classes=len(kept_sizes),
        unique_before=sum(1 for n in raw.values() if n == 1),
    )
