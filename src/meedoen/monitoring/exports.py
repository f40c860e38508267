"""CSV and XLSX exports: the indicator table, and the pseudonymised person-level research export.

The research export holds no name, BSN, address, postcode, e-mail, phone or birth date: a resident is a pseudonym
(HMAC-SHA256 of the resident's public id under the analyst's export key, truncated), age is a five-year band, and every
date is coarsened to its month. The export key is never stored; the audit entry keeps only a fingerprint of it, so
exports with the same key can be recognised."""
from __future__ import annotations

import csv
import hashlib
import hmac
import io

from django.conf import settings
from django.utils.translation import gettext as _

from meedoen.charts import format_number

from . import rules
from .disclosure import Disclosed
from .indicators import CATEGORY_LABELS, Filters, Result, collect, compute, population

PSEUDONYM_LENGTH = 16  # hex characters (64 bits): collisions are negligible at municipal scale


def pseudonym(export_key: str, public_id) -> str:
    return hmac.new(export_key.encode(), str(public_id).encode(), hashlib.sha256).hexdigest()[:PSEUDONYM_LENGTH]


def key_fingerprint(export_key: str) -> str:
    """A short fingerprint of the export key for the audit trail (keyed with SECRET_KEY, so it reveals nothing)."""
    return hmac.new(settings.SECRET_KEY.encode(), export_key.encode(), hashlib.sha256).hexdigest()[:12]


def indicator_table(shown: Disclosed) -> tuple[list[str], list[list]]:
    """The indicator export, from the suppressed figures (monitoring.disclosure): a marker such as "<5" instead of a
    small count, also under filters."""
    header = [_("Indicator"), _("Waarde"), _("Toelichting")]
    rows = []
    for indicator in shown.indicators:
        label = indicator.label + (" (%)" if indicator.kind == "share" else "")
        if indicator.hidden:
            rows.append([label, indicator.hidden, indicator.note])
            continue
        value = indicator.value if indicator.available else None
        if value is not None and indicator.kind == "share":
            value = round(value * 100, 1)
        elif isinstance(value, float):
            value = round(value, 2)
        rows.append([label, value if value is not None else _("niet beschikbaar"),
                     indicator.reason if not indicator.available else indicator.note])
    rows.append([])
    rows.append([_("Per wijk"), _("Inwoners"), _("Bereikt"), _("Actief")])
    for entry in shown.by_neighbourhood:
        rows.append([entry["neighbourhood"], entry["residents_shown"], entry["reached_shown"], entry["active_shown"]])
    rows.append([])
    rows.append([_("Aantallen van 1 tot en met %(k)s staan er als “<%(n)s”; “x” is verborgen zodat een klein aantal "
                   "niet uit het totaal terug te rekenen is.") % {"k": shown.threshold - 1, "n": shown.threshold}])
    return header, rows


def research_table(filters: Filters, export_key: str, result: Result | None = None) -> tuple[list[str], list[list]]:
    """Person-level rows for research, pseudonymised. A fixed number of queries."""
    result = result or compute(filters, collect(filters))
    r = result.records
    end = filters.end
    people = population(filters).values_list(
        "id", "public_id", "date_of_birth", "household_type", "benefit_start_date", "ladder_step"
    ).order_by()
    measures_by = {}
    for m in r.measures:
        if m[6] is not None and filters.start <= m[6] <= end and m[2] in ("decided", "reconsidered") \
                and m[3] in ("measure", "adjusted") and m[4]:
            measures_by[m[0]] = measures_by.get(m[0], 0) + 1
    header = [
        _("pseudoniem"), _("leeftijdsgroep"), _("wijk"), _("segment"), _("huishouden"), _("bijstand sinds (maand)"),
        _("trede participatieladder"), _("ooit benaderd"), _("gesprekken in periode"), _("laatste gesprek (maand)"),
        _("plan van aanpak in periode"), _("actief: soorten"), _("actief: hoofdsoort"), _("ontheffing aan eind"),
        _("no-shows in periode"), _("maatregelen in periode"), _("naar re-integratie"), _("naar betaald werk"),
        _("aantal klantmanagers"),
    ]
    yes, no = _("ja"), _("nee")
    labels = {c: str(CATEGORY_LABELS[c]) for c in rules.CATEGORIES}
    rows = []
    for rid, public_id, born, household, benefit_start, ladder_step in people:
        row = r.residents.get(rid)
        if row is None:
            continue
        categories = result.active.get(rid, set())
        primary = rules.primary_category(categories)
        rows.append([
            pseudonym(export_key, public_id),
            rules.age_band(born, end),
            r.neighbourhoods.get(row.neighbourhood_id, ""),
            row.segment,
            household,
            rules.month_of(benefit_start),
            ladder_step if ladder_step is not None else "",
            yes if rid in r.invited_ever or rid in r.conversation_residents_ever else no,
            r.conversation_counts.get(rid, 0),
            rules.month_of(r.last_conversation.get(rid)),
            yes if rid in r.plan_residents_in_period else no,
            ", ".join(labels[c] for c in rules.CATEGORIES if c in categories),
            labels[primary] if primary else "",
            ", ".join(sorted(r.exemptions_at_end.get(rid, ()))),
            r.no_show_residents.get(rid, 0),
            measures_by.get(rid, 0),
            yes if rid in r.reintegration_in_period else no,
            yes if rid in r.work_in_period else no,
            len(r.assignments.get(rid, ())),
        ])
    rows.sort(key=lambda x: x[0])  # by pseudonym: the order reveals nothing about the records
    return header, rows


def to_csv(header: list, rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell_text(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 correctly


def _cell_text(value):
    if isinstance(value, float):
        return format_number(value, 1)
    return value


def to_xlsx(header: list, rows: list[list], title: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([str(h) for h in header])
    for row in rows:
        sheet.append([v if isinstance(v, (int, float)) or v is None else str(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
