"""CSV and XLSX exports: the indicator table, and the pseudonymised person-level research export.

The research export holds no name, BSN, address, postcode, e-mail, phone or birth date: a resident is a pseudonym
(HMAC-SHA256 of the resident's public id under the analyst's export key, truncated), and the quasi-identifiers (age,
wijk, household, benefit start) are coarsened and k-anonymised (monitoring.anonymity), with a report of what was done;
other dates are coarsened to their month. The export key is never stored; the audit entry keeps only a fingerprint of
it, so exports with the same key can be recognised."""
from __future__ import annotations

import csv
import hashlib
import hmac
import io

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meedoen.charts import format_number

from . import anonymity, rules
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


def research_table(filters: Filters, export_key: str, result: Result | None = None, *, k: int | None = None,
                   max_suppressed: float | None = None) -> tuple[list[str], list[list], anonymity.Outcome]:
    """Person-level rows for research, pseudonymised and k-anonymised on age, wijk, household and benefit start
    (monitoring.anonymity; k from settings.MEEDOEN_RESEARCH_EXPORT_K). A fixed number of queries. Returns the header,
    the rows and the anonymisation outcome (for the report that goes with the export)."""
    k = k if k is not None else settings.MEEDOEN_RESEARCH_EXPORT_K
    max_suppressed = (max_suppressed if max_suppressed is not None
                      else settings.MEEDOEN_RESEARCH_EXPORT_MAX_SUPPRESSED)
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
        _("pseudoniem"), _("leeftijdsgroep"), _("wijk"), _("segment"), _("huishouden"), _("bijstand sinds"),
        _("trede participatieladder"), _("ooit benaderd"), _("gesprekken in periode"), _("laatste gesprek (maand)"),
        _("plan van aanpak in periode"), _("actief: soorten"), _("actief: hoofdsoort"), _("ontheffing aan eind"),
        _("no-shows in periode"), _("maatregelen in periode"), _("naar re-integratie"), _("naar betaald werk"),
        _("aantal klantmanagers"),
    ]
    yes, no = _("ja"), _("nee")
    labels = {c: str(CATEGORY_LABELS[c]) for c in rules.CATEGORIES}
    records = []
    for rid, public_id, born, household, benefit_start, ladder_step in people:
        row = r.residents.get(rid)
        if row is None:
            continue
        categories = result.active.get(rid, set())
        primary = rules.primary_category(categories)
        rest = [
            row.segment,
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
        ]
        records.append(anonymity.Record(
            age=anonymity.age_in_years(born, end), wijk=r.neighbourhoods.get(row.neighbourhood_id, ""),
            household=household, benefit_start=benefit_start, payload=(pseudonym(export_key, public_id), rest)))
    outcome = anonymity.k_anonymise(records, k, max_suppressed=max_suppressed)
    rows = [[name, q["age"], q["wijk"], rest[0], q["household"], q["benefit_start"], *rest[1:]]
            for q, (name, rest) in outcome.rows]
    rows.sort(key=lambda x: x[0])  # by pseudonym: the order reveals nothing about the records
    return header, rows, outcome


# What each generalisation level of monitoring.anonymity means, for the report that goes with the export.
LEVEL_LABELS = {
    "age": (gettext_lazy("leeftijd in groepen van tien jaar"),
            gettext_lazy("leeftijd in drie groepen (<30, 30-49, 50+)"), gettext_lazy("leeftijd weggelaten")),
    "wijk": (gettext_lazy("wijk, met wijken van minder dan k rijen als 'overige wijken'"),
             gettext_lazy("alleen wijken met minstens 10·k rijen, de rest als 'overige wijken'"),
             gettext_lazy("wijk weggelaten")),
    "household": (gettext_lazy("soort huishouden"), gettext_lazy("huishouden: alleen of met anderen"),
                  gettext_lazy("huishouden weggelaten")),
    "benefit_start": (gettext_lazy("bijstand sinds: jaar"), gettext_lazy("bijstand sinds: periode van vijf jaar"),
                      gettext_lazy("bijstand sinds weggelaten")),
}


def anonymity_report(outcome: anonymity.Outcome) -> list[str]:
    """The lines that go with a research export: k, the quasi-identifiers, the generalisation, what was left out."""
    return [
        _("Anonimisering (k-anonimiteit): k = %(k)s. Elke combinatie van leeftijdsgroep, wijk, huishouden en "
          "bijstand sinds komt minstens %(k)s keer voor.") % {"k": outcome.k},
        _("Gegeneraliseerd: %(steps)s.") % {"steps": " · ".join(
            str(LEVEL_LABELS[q][outcome.levels[q]]) for q in anonymity.QUASI_IDENTIFIERS)},
        _("Rijen: %(n)s in de selectie, %(s)s weggelaten omdat ze na generaliseren nog in een groep van minder dan "
          "%(k)s zaten, %(out)s in dit bestand.") % {"n": outcome.rows_in, "s": outcome.suppressed, "k": outcome.k,
                                                    "out": len(outcome.rows)},
        _("Vóór anonimisering waren %(u)s rijen uniek op leeftijd (5 jaar), wijk, huishouden en maand van de "
          "bijstand.") % {"u": outcome.unique_before},
    ]


def to_csv(header: list, rows: list[list], notes: list[str] = ()) -> bytes:
    """CSV with `;`; `notes` come first as lines starting with "#" (e.g. pandas.read_csv(comment="#") skips them)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for note in notes:
        writer.writerow([f"# {note}"])
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell_text(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 correctly


def _cell_text(value):
    if isinstance(value, float):
        return format_number(value, 1)
    return value


def to_xlsx(header: list, rows: list[list], title: str, notes: list[str] = (), notes_title: str = "") -> bytes:
    """XLSX with the table on the first sheet and `notes` (one per row) on a second sheet `notes_title`."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([str(h) for h in header])
    for row in rows:
        sheet.append([v if isinstance(v, (int, float)) or v is None else str(v) for v in row])
    if notes:
        report = workbook.create_sheet(title=(notes_title or "Toelichting")[:31])
        for note in notes:
            report.append([str(note)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
