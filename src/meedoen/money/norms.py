"""Loading the law's figures (money/norms/*.json) into NormTable and IncomeRule.

A norm table file per half year (`YYYY-MM-DD.json`, effective 1 January or 1 July) and one file of effective-dated
income rules (`income_rules.json`). Loading is idempotent: a file that is already loaded with the same contents is
skipped; a changed table that a decided month used is refused (a decided month is frozen), otherwise it is replaced.
Used by the data migration and by `manage.py load_norms`.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from . import rules

NORMS_DIR = Path(__file__).parent / "norms"
RULES_FILE = "income_rules.json"


class NormLoadError(ValueError):
    pass


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rules_loaded: int = 0


def norm_files(directory=NORMS_DIR) -> list[Path]:
    return sorted(p for p in Path(directory).glob("*.json") if p.name != RULES_FILE)


def _read(path: Path):
    raw = path.read_bytes()
    try:
        return json.loads(raw), hashlib.sha256(raw).hexdigest()
    except json.JSONDecodeError as exc:
        raise NormLoadError(f"{path.name}: geen geldige JSON ({exc}).") from exc


def load_norm_file(path: Path, *, NormTable=None, MonthlyCalculation=None, report=None) -> LoadReport:
    """Load one norm table file. Model classes may be passed (from a migration's historical apps)."""
    if NormTable is None:
        from .models import MonthlyCalculation, NormTable  # noqa: F811
    report = report or LoadReport()
    data, digest = _read(Path(path))
    errors = rules.validate_norm_table(data)
    if errors:
        raise NormLoadError(f"{Path(path).name}: " + " ".join(errors))
    table = rules.parse_norm_table(data)
    if Path(path).stem != table.key:
        raise NormLoadError(f"{Path(path).name}: de bestandsnaam moet {table.key}.json zijn.")
    values = {"valid_until": table.valid_until, "norms": rules._plain(table.norms),
              "aow_age_years": table.aow_years, "aow_age_months": table.aow_months, "source": table.source,
              "assumptions": data.get("assumptions", []), "file_name": Path(path).name, "file_sha256": digest}
    existing = NormTable.objects.filter(effective_from=table.effective_from).first()
    if existing is None:
        NormTable.objects.create(effective_from=table.effective_from, **values)
        report.created.append(table.key)
    elif existing.file_sha256 == digest:
        report.unchanged.append(table.key)
    else:
        if MonthlyCalculation is not None and MonthlyCalculation.objects.filter(
                norm_table=existing, status__in=["decided", "replaced"]).exists():
            raise NormLoadError(f"{Path(path).name}: deze normentabel is al gebruikt voor vastgestelde maanden en "
                                f"verandert daarom niet meer. Herstel een fout met een correctie per maand.")
        for name, value in values.items():
            setattr(existing, name, value)
        existing.save()
        report.replaced.append(table.key)
    return report


def load_income_rules(path: Path, *, IncomeRule=None, report=None) -> LoadReport:
    if IncomeRule is None:
        from .models import IncomeRule  # noqa: F811
    report = report or LoadReport()
    data, _digest = _read(Path(path))
    errors = rules.validate_income_rules(data)
    if errors:
        raise NormLoadError(f"{Path(path).name}: " + " ".join(errors))
    for position, (raw, rule) in enumerate(zip(data["rules"], rules.parse_income_rules(data))):
        IncomeRule.objects.update_or_create(
            rule_id=rule.id, effective_from=rule.effective_from,
            defaults={"kind": rule.kind, "effective_until": rule.effective_until,
                      "parameters": rules.income_rule_to_data(rule), "citation": rule.citation,
                      "assumption": raw.get("assumption", ""), "position": position})
        report.rules_loaded += 1
    return report


@transaction.atomic
def load_all(directory=NORMS_DIR, *, files=None, NormTable=None, IncomeRule=None, MonthlyCalculation=None):
    """Load the shipped (or given) norm tables and the income rules. All or nothing."""
    report = LoadReport()
    for path in files if files is not None else norm_files(directory):
        load_norm_file(path, NormTable=NormTable, MonthlyCalculation=MonthlyCalculation, report=report)
    rules_path = Path(directory) / RULES_FILE
    if files is None and rules_path.exists():
        load_income_rules(rules_path, IncomeRule=IncomeRule, report=report)
    return report


def stored_tables(NormTable=None) -> list[rules.NormTable]:
    if NormTable is None:
        from .models import NormTable  # noqa: F811
    return [table_from_row(row) for row in NormTable.objects.order_by("effective_from")]


def table_from_row(row) -> rules.NormTable:
    return rules.NormTable(effective_from=row.effective_from, valid_until=row.valid_until,
                           norms={k: rules.money(v) for k, v in row.norms.items()}, aow_years=row.aow_age_years,
                           aow_months=row.aow_age_months, source=row.source)


def stored_rules(IncomeRule=None) -> tuple[rules.IncomeRule, ...]:
    if IncomeRule is None:
        from .models import IncomeRule  # noqa: F811
    rows = IncomeRule.objects.order_by("position", "rule_id", "effective_from")
    return tuple(rules.income_rule_from_data(row.parameters) for row in rows)
