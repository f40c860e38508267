"""The retention schedule: policy as data in schedule.json, validated when it is loaded.

The file is versioned (`version`); every deletion records the version and category it applied. Change a term by
editing the file (and its version) after the municipality's archivaris agreed; see docs/retention.md.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SCHEDULE_PATH = Path(__file__).with_name("schedule.json")

# Categories the code acts on, and the events each may count from.
CATEGORY_EVENTS = {
    "resident_dossier": {"guidance_ended", "last_benefit_month"},
    "audit_trail": {"logged"},
    "research_export_log": {"logged"},
    "experiment_questionnaire": {"experiment_closed"},
    "deletion_record": {"deleted"},
}
MAX_TERM_MONTHS = 100 * 12


class ScheduleError(ValueError):
    """The schedule file is not valid; the message says where."""


@dataclass(frozen=True)
class Category:
    key: str
    term_months: int
    counts_from: tuple[str, ...]
    basis: tuple[str, ...]
    verified: bool
    to_confirm: str


@dataclass(frozen=True)
class Schedule:
    version: str
    adopted_on: dt.date
    status: str
    sources: dict
    categories: dict
    recovery_hold_months: int

    def category(self, key) -> Category:
        return self.categories[key]

    def rule(self, key) -> str:
        """How a deletion names what it applied: category, term and schedule version (no personal data)."""
        category = self.categories[key]
        return f"{key}: {category.term_months} months after {' / '.join(category.counts_from)} (schedule {self.version})"


def _require(condition, message):
    if not condition:
        raise ScheduleError(message)


def _positive_months(value, where):
    _require(isinstance(value, int) and not isinstance(value, bool), f"{where}: must be a whole number of months")
    _require(0 < value <= MAX_TERM_MONTHS, f"{where}: must be between 1 and {MAX_TERM_MONTHS} months, not {value}")
    return value


def parse(data) -> Schedule:
    """Validate a decoded schedule and return it; raises ScheduleError naming the first problem."""
    _require(isinstance(data, dict), "schedule: the file must hold one JSON object")
    version = data.get("version")
    _require(isinstance(version, str) and version.strip(), "version: missing (e.g. \"2026.1\")")
    try:
        adopted_on = dt.date.fromisoformat(str(data.get("adopted_on")))
    except ValueError:
        raise ScheduleError("adopted_on: must be a date like 2026-12-02") from None
    status = data.get("status")
    _require(status in ("default", "confirmed"), "status: must be \"default\" or \"confirmed\"")
    sources = data.get("sources")
    _require(isinstance(sources, dict) and sources, "sources: missing; every term must cite its basis")
    for key, source in sources.items():
        _require(isinstance(source, dict) and isinstance(source.get("cite"), str) and source["cite"].strip(),
                 f"sources.{key}.cite: name the source and article (e.g. \"Archiefwet 1995, artikel 5\")")
    categories_data = data.get("categories")
    _require(isinstance(categories_data, dict), "categories: missing")
    missing = sorted(set(CATEGORY_EVENTS) - set(categories_data))
    _require(not missing, f"categories: missing {', '.join(missing)}")
    unknown = sorted(set(categories_data) - set(CATEGORY_EVENTS))
    _require(not unknown, f"categories: unknown {', '.join(unknown)} (known: {', '.join(sorted(CATEGORY_EVENTS))})")
    categories = {}
    for key, entry in categories_data.items():
        where = f"categories.{key}"
        _require(isinstance(entry, dict), f"{where}: must be an object")
        term = _positive_months(entry.get("term_months"), f"{where}.term_months")
        counts_from = entry.get("counts_from")
        _require(isinstance(counts_from, list) and counts_from, f"{where}.counts_from: list at least one event")
        wrong = sorted(set(counts_from) - CATEGORY_EVENTS[key])
        _require(not wrong, f"{where}.counts_from: unknown event {', '.join(wrong)} "
                            f"(allowed: {', '.join(sorted(CATEGORY_EVENTS[key]))})")
        basis = entry.get("basis")
        _require(isinstance(basis, list) and basis, f"{where}.basis: cite at least one source")
        uncited = [b for b in basis if b not in sources]
        _require(not uncited, f"{where}.basis: {', '.join(uncited)} is not in sources")
        verified = entry.get("verified")
        _require(isinstance(verified, bool), f"{where}.verified: must be true or false")
        to_confirm = entry.get("to_confirm", "")
        _require(verified or (isinstance(to_confirm, str) and to_confirm.strip()),
                 f"{where}.to_confirm: an unverified term must say what the archivaris has to confirm")
        _require(status == "default" or verified,
                 f"{where}: a confirmed schedule cannot hold an unverified term")
        categories[key] = Category(key, term, tuple(counts_from), tuple(basis), verified, to_confirm or "")
    holds = data.get("holds")
    _require(isinstance(holds, dict), "holds: missing")
    recovery = _positive_months(holds.get("recovery_months"), "holds.recovery_months")
    uncited = [b for b in holds.get("recovery_basis") or [] if b not in sources]
    _require(holds.get("recovery_basis") and not uncited, "holds.recovery_basis: cite a source that is in sources")
    return Schedule(version.strip(), adopted_on, status, dict(sources), categories, recovery)


def load(path=None) -> Schedule:
    path = Path(path or SCHEDULE_PATH)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScheduleError(f"{path}: the retention schedule file does not exist") from None
    except json.JSONDecodeError as error:
        raise ScheduleError(f"{path}: not valid JSON ({error.msg} at line {error.lineno})") from None
    try:
        return parse(data)
    except ScheduleError as error:
        raise ScheduleError(f"{path.name}: {error}") from None


@lru_cache(maxsize=1)
def current() -> Schedule:
    """The shipped schedule, loaded once per process."""
    return load()
