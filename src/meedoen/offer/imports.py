"""Import the activity catalogue from a spreadsheet (CSV or XLSX) with a validation report.

All or nothing: every row is checked first; when any row is wrong, the report lists every problem as (line, column,
message) and nothing is saved. When every row is right, all rows are saved in one transaction: a row whose code
already exists in the municipality updates that activity (its version goes up, so a screen edit that started
before the import is refused), other rows create an activity. A dry run ("alleen controleren") reports what would
happen without saving.

The format (Dutch column headers; the English field names are accepted too) is documented in docs/offer.md and in
COLUMNS below; `template_csv()` gives a file with the headers and one example row.

Line numbers are spreadsheet row numbers: the header is line 1, the first activity line 2 (for a CSV without line
breaks inside cells this is also the line number in a text editor).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from meedoen.organisation.models import Neighbourhood, Venue
from meedoen.residents.choices import LanguageLevel

from .models import Activity, ActivityCategory, PhysicalLoad, Provider, Weekday

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # the Dutch header in the template
    aliases: tuple[str, ...] = ()
    required: bool = False
    help: str = ""


COLUMNS = (
    Column("code", "Code", ("code",), True, gettext_lazy("Eigen, unieke code. Bestaat de code al, dan wordt die "
                                                         "activiteit bijgewerkt.")),
    Column("title", "Naam", ("title", "titel", "naam activiteit"), True),
    Column("category", "Soort", ("category", "categorie"), True,
           gettext_lazy("Bijv. vrijwilligerswerk, mantelzorg, taal, bewegen, eigen belemmeringen, ontmoeten, "
                        "dagbesteding, werkbrigade, ein-euro-job, gemeentebaan, ips, betaalde baan, anders.")),
    Column("provider", "Partner", ("provider", "aanbieder", "organisatie"), True,
           gettext_lazy("Naam van de partner zoals in Meedoen; de partner moet al bestaan.")),
    Column("description", "Omschrijving", ("description", "omschrijving voor de inwoner"), True,
           gettext_lazy("Voor de inwoner, in gewone taal (B1).")),
    Column("neighbourhood", "Wijk", ("neighbourhood", "wijknaam")),
    Column("venue", "Locatie", ("venue",)),
    Column("address", "Adres", ("address",)),
    Column("latitude", "Breedtegraad", ("latitude", "lat")),
    Column("longitude", "Lengtegraad", ("longitude", "lon", "lng")),
    Column("days", "Dagen", ("days",), help=gettext_lazy("Bijv. ma, wo, vr of ma-vr.")),
    Column("hours_text", "Tijden", ("hours_text", "hours", "uren")),
    Column("min_hours_per_week", "Minimaal uren per week", ("min_hours_per_week", "min uren")),
    Column("max_hours_per_week", "Maximaal uren per week", ("max_hours_per_week", "max uren")),
    Column("capacity", "Aantal plaatsen", ("capacity", "plaatsen", "capaciteit")),
    Column("min_language_level", "Minimaal taalniveau", ("min_language_level", "taalniveau"),
           help=gettext_lazy("geen, A1, A2, B1, B2 of moedertaal.")),
    Column("physical_load", "Lichamelijke belasting", ("physical_load", "belasting"),
           help=gettext_lazy("licht, gemiddeld of zwaar.")),
    Column("requires_indication", "Indicatie nodig", ("requires_indication", "indicatie"),
           help=gettext_lazy("ja of nee.")),
    Column("indication_note", "Welke indicatie", ("indication_note",)),
    Column("pays_per_month", "Vergoeding per maand", ("pays_per_month", "vergoeding"),
           help=gettext_lazy("Bedrag in euro bovenop de uitkering, bijv. 95,00.")),
    Column("starts_on", "Vanaf", ("starts_on", "startdatum"), help=gettext_lazy("Datum, bijv. 01-02-2027.")),
    Column("ends_on", "Tot en met", ("ends_on", "einddatum")),
    Column("tags", "Trefwoorden", ("tags",), help=gettext_lazy("Gescheiden door komma's.")),
    Column("active", "Actief", ("active",), help=gettext_lazy("ja of nee (leeg: ja).")),
)
COLUMN_BY_FIELD = {c.field: c for c in COLUMNS}

EXAMPLE_ROW = {
    "code": "VW-0001", "title": "Gastvrouw of gastheer in de buurtkamer", "category": "vrijwilligerswerk",
    "provider": "Vrijwilligerswinkel", "description": "Je zet koffie en thee en maakt een praatje met buurtbewoners. "
    "Je werkt samen met andere vrijwilligers. Je leert hoe je een ochtend organiseert.",
    "neighbourhood": "Feijenoord", "venue": "", "address": "Beijerlandselaan 12", "latitude": "51,90510",
    "longitude": "4,50210", "days": "di, do", "hours_text": "9.30–12.30 uur", "min_hours_per_week": "3",
    "max_hours_per_week": "8", "capacity": "4", "min_language_level": "A2", "physical_load": "licht",
    "requires_indication": "nee", "indication_note": "", "pays_per_month": "0", "starts_on": "", "ends_on": "",
    "tags": "koffie, ontmoeten, gastvrijheid", "active": "ja",
}


@dataclass(frozen=True)
class RowError:
    line: int | None  # None: the file as a whole
    column: str
    message: str


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    saved: bool = False
    columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def bad_lines(self) -> list[int]:
        return sorted({e.line for e in self.errors if e.line is not None})


# -- reading the file -------------------------------------------------------------------------------------------------


def _norm(text) -> str:
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[\s_]+", " ", text.strip().lower().rstrip("*").strip())


HEADER_LOOKUP = {}
for _column in COLUMNS:
    for _name in (_column.header, _column.field, *_column.aliases):
        HEADER_LOOKUP[_norm(_name)] = _column.field


class FileProblem(Exception):
    pass


def _read_csv(data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem(_("Het bestand is geen UTF-8. Kies bij 'Opslaan als' het type 'CSV UTF-8 (door "
                            "lijstscheidingsteken gescheiden)', of gebruik een .xlsx-bestand."))
    first_line = text.split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [(number, row) for number, row in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise FileProblem(_("Het CSV-bestand is beschadigd rond regel %(line)s: %(error)s") % {
            "line": reader.line_num, "error": exc})


def _read_xlsx(data: bytes):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        raise FileProblem(_("Dit bestand kan niet gelezen worden als Excel-bestand (.xlsx)."))
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.append((number, ["" if v is None else v for v in values]))
            if number > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def read_rows(data: bytes, filename: str = ""):
    """[(line number, [cell, ...]), ...] from CSV or XLSX bytes. Raises FileProblem with a Dutch message."""
    if not data:
        raise FileProblem(_("Het bestand is leeg."))
    if len(data) > MAX_BYTES:
        raise FileProblem(_("Het bestand is groter dan 5 MB. Splits het in delen."))
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data)
    if data.startswith(OLE_MAGIC) or filename.lower().endswith(".xls"):
        raise FileProblem(_("Oude Excel-bestanden (.xls) worden niet gelezen. Sla het bestand op als .xlsx of .csv."))
    if filename.lower().endswith(".xlsx"):
        raise FileProblem(_("Dit bestand kan niet gelezen worden als Excel-bestand (.xlsx)."))
    return _read_csv(data)


# -- reading one cell -------------------------------------------------------------------------------------------------


class CellError(Exception):
    pass


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")


def parse_decimal(value, *, places=2, money=False) -> Decimal | None:
    """A number from a cell: 4,5 or 4.5; 1.234,50. For money also 1.200 (a thousands dot), never for coordinates."""
    if value in ("", None):
        return None
    if isinstance(value, bool):
        raise CellError(_("Vul een getal in."))
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(str(value))
    else:
        text = str(value).strip().replace("€", "").replace(" ", "").replace("\u00a0", "")
        if ("," in text and "." in text) or (money and THOUSANDS.match(text)):  # 1.234,50 or 1.200
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise CellError(_("'%(value)s' is geen getal.") % {"value": value})
    if not number.is_finite():
        raise CellError(_("'%(value)s' is geen getal.") % {"value": value})
    return number.quantize(Decimal(1).scaleb(-places))


def parse_int(value) -> int | None:
    number = parse_decimal(value, places=6)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise CellError(_("Vul een heel getal in."))
    return int(number)


TRUE_WORDS = {"ja", "j", "yes", "y", "true", "waar", "1", "x"}
FALSE_WORDS = {"nee", "n", "no", "false", "onwaar", "0"}


def parse_bool(value) -> bool | None:
    if value in ("", None):
        return None
    if isinstance(value, bool):
        return value
    word = _norm(_text(value))
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(_("Vul 'ja' of 'nee' in."))


DATE_FORMATS = ("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%y")


def parse_date(value) -> dt.date | None:
    if value in ("", None):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CellError(_("'%(value)s' is geen datum. Schrijf de datum als 31-12-2027.") % {"value": value})


DAY_WORDS = {}
for _code, _dutch, _en in (("mon", ("ma", "maandag"), ("monday",)), ("tue", ("di", "dinsdag"), ("tuesday",)),
                           ("wed", ("wo", "woensdag"), ("wednesday",)), ("thu", ("do", "donderdag"), ("thursday",)),
                           ("fri", ("vr", "vrijdag"), ("friday",)), ("sat", ("za", "zaterdag"), ("saturday",)),
                           ("sun", ("zo", "zondag"), ("sunday",))):
    for _word in (_code, *_dutch, *_en):
        DAY_WORDS[_word] = _code
DAY_ORDER = list(Weekday.values)


def parse_days(value) -> list[str]:
    text = _norm(_text(value)).replace("t/m", "-").replace("tot en met", "-")
    text = re.sub(r"\s*-\s*", "-", text)
    days = []
    for token in filter(None, re.split(r"[,;/\s]+|\ben\b", text)):
        if "-" in token:
            first, _sep, last = token.partition("-")
            if first not in DAY_WORDS or last not in DAY_WORDS:
                raise CellError(_("Onbekende dag in '%(value)s'. Gebruik ma, di, wo, do, vr, za, zo.") % {
                    "value": value})
            start, end = DAY_ORDER.index(DAY_WORDS[first]), DAY_ORDER.index(DAY_WORDS[last])
            if end < start:
                raise CellError(_("De dagen '%(value)s' lopen achteruit.") % {"value": value})
            days.extend(DAY_ORDER[start:end + 1])
        elif token in DAY_WORDS:
            days.append(DAY_WORDS[token])
        else:
            raise CellError(_("Onbekende dag '%(day)s'. Gebruik ma, di, wo, do, vr, za, zo.") % {"day": token})
    return sorted(set(days), key=DAY_ORDER.index)


def _choice_lookup(choices, extra=None):
    lookup = {}
    for code, label in choices:
        lookup[_norm(code)] = code
        label = str(label)
        lookup[_norm(label)] = code
        lookup[_norm(label.split(" (")[0])] = code
        lookup[_norm(label.split(" - ")[0])] = code
    for word, code in (extra or {}).items():
        lookup[_norm(word)] = code
    return lookup


CATEGORY_SYNONYMS = {
    "vrijwilligerswerk": "volunteering", "vrijwilliger": "volunteering", "mantelzorg": "informal_care",
    "taal": "language", "taalles": "language", "bewegen": "movement", "sport": "movement",
    "eigen belemmeringen": "own_barriers", "schulden": "own_barriers", "gezondheid": "own_barriers",
    "ontmoeten": "social", "ontmoeting": "social", "dagbesteding": "day_activity", "werkbrigade": "work_brigade",
    "ein-euro-job": "one_euro_job", "ein euro job": "one_euro_job", "1-euro-job": "one_euro_job",
    "gemeentebaan": "municipal_job", "tijdelijke baan": "municipal_job", "stockholm jobb": "municipal_job",
    "ips": "ips", "betaalde baan": "paid_job", "betaald werk": "paid_job", "baan": "paid_job", "anders": "other",
}
LANGUAGE_SYNONYMS = {"geen": "none", "none": "none", "moedertaal": "native", "nt1": "native"}
LOAD_SYNONYMS = {"licht": "light", "gemiddeld": "medium", "middel": "medium", "zwaar": "heavy"}


def _choice_parser(choices, synonyms, message):
    lookup = _choice_lookup(choices, synonyms)

    def parse(value):
        text = _text(value)
        if not text:
            return None
        code = lookup.get(_norm(text))
        if code is None:
            raise CellError(message() % {"value": text})
        return code
    return parse


parse_category = _choice_parser(ActivityCategory.choices, CATEGORY_SYNONYMS,
                                lambda: _("Onbekende soort '%(value)s'. Zie de lijst met soorten in de uitleg."))
parse_language = _choice_parser(LanguageLevel.choices, LANGUAGE_SYNONYMS,
                                lambda: _("Onbekend taalniveau '%(value)s'. Kies geen, A1, A2, B1, B2 of moedertaal."))
parse_load = _choice_parser(PhysicalLoad.choices, LOAD_SYNONYMS,
                            lambda: _("Onbekende belasting '%(value)s'. Kies licht, gemiddeld of zwaar."))


def parse_tags(value) -> list[str]:
    return [t.strip() for t in re.split(r"[,;]", _text(value)) if t.strip()]


# -- validating and saving --------------------------------------------------------------------------------------------


class _References:
    """The municipality's providers, neighbourhoods and venues by name, loaded once for the whole file."""

    def __init__(self, municipality):
        self.providers = {}
        for provider in Provider.objects.filter(municipality=municipality):
            self.providers[_norm(provider.name)] = provider
        self.neighbourhoods = {}
        for wijk in Neighbourhood.objects.filter(municipality=municipality):
            self.neighbourhoods[_norm(wijk.name)] = wijk
            if wijk.code:
                self.neighbourhoods.setdefault(_norm(wijk.code), wijk)
        self.venues = {}
        for venue in Venue.objects.filter(municipality=municipality):
            self.venues.setdefault(_norm(venue.name), []).append(venue)

    def provider(self, value):
        text = _text(value)
        if not text:
            return None
        provider = self.providers.get(_norm(text))
        if provider is None:
            raise CellError(_("Onbekende partner '%(value)s'. Voeg de partner eerst toe in Beheer, of controleer de "
                              "schrijfwijze.") % {"value": text})
        return provider

    def neighbourhood(self, value):
        text = _text(value)
        if not text:
            return None
        wijk = self.neighbourhoods.get(_norm(text))
        if wijk is None:
            raise CellError(_("Onbekende wijk '%(value)s'.") % {"value": text})
        return wijk

    def venue(self, value):
        text = _text(value)
        if not text:
            return None
        found = self.venues.get(_norm(text), [])
        if not found:
            raise CellError(_("Onbekende locatie '%(value)s'.") % {"value": text})
        if len(found) > 1:
            raise CellError(_("Er zijn meerdere locaties met de naam '%(value)s'.") % {"value": text})
        return found[0]


def _model_default(name):
    model_field = Activity._meta.get_field(name)
    return model_field.get_default()


def _parsers(refs):
    text = _text
    return {
        "code": text, "title": text, "description": text, "address": text, "hours_text": text,
        "indication_note": text,
        "category": parse_category, "provider": refs.provider, "neighbourhood": refs.neighbourhood,
        "venue": refs.venue, "latitude": lambda v: parse_decimal(v, places=5),
        "longitude": lambda v: parse_decimal(v, places=5), "days": parse_days,
        "min_hours_per_week": lambda v: parse_decimal(v, places=1),
        "max_hours_per_week": lambda v: parse_decimal(v, places=1), "capacity": parse_int,
        "min_language_level": parse_language, "physical_load": parse_load, "requires_indication": parse_bool,
        "pays_per_month": lambda v: parse_decimal(v, money=True), "starts_on": parse_date, "ends_on": parse_date,
        "tags": parse_tags,
        "active": parse_bool,
    }


def _header_map(header_cells, report):
    """{column index: field} from the header row; unknown, duplicate and missing required columns are errors."""
    mapping, seen = {}, {}
    for index, cell in enumerate(header_cells):
        label = _text(cell)
        if not label:
            continue
        name = HEADER_LOOKUP.get(_norm(label))
        if name is None:
            report.errors.append(RowError(1, label, _(
                "Onbekende kolom. Gebruik de kolommen uit het voorbeeldbestand.")))
            continue
        if name in seen:
            report.errors.append(RowError(1, label, _("Deze kolom staat er twee keer in (ook als '%(other)s').") % {
                "other": seen[name]}))
            continue
        seen[name] = label
        mapping[index] = name
    for column in COLUMNS:
        if column.required and column.field not in seen:
            report.errors.append(RowError(1, column.header, _("Deze kolom ontbreekt; hij is verplicht.")))
    report.columns = list(seen.values())
    return mapping, seen


def _validate_row(line, cells, mapping, labels, parsers, existing, municipality, report):
    values, failed = {}, set()
    for index, name in mapping.items():
        raw = cells[index] if index < len(cells) else ""
        try:
            values[name] = parsers[name](raw)
        except CellError as exc:
            report.errors.append(RowError(line, labels[name], str(exc)))
            failed.add(name)
    for name in ("code", "title", "category", "provider", "description"):
        if name not in failed and name in values and values[name] in (None, ""):
            report.errors.append(RowError(line, labels[name], _("Dit veld is verplicht.")))
            failed.add(name)
    code = values.get("code")
    activity = existing.get(code) if code else None
    if activity is None:
        activity = Activity(municipality=municipality)
    for name, value in values.items():
        if name in failed:
            continue
        if value is None or value == "":
            value = "" if name in ("address", "hours_text", "indication_note") else (
                None if name in ("latitude", "longitude", "starts_on", "ends_on", "neighbourhood", "venue")
                else _model_default(name))
        setattr(activity, name, value)
    try:
        activity.full_clean(exclude=["municipality", "provider", "neighbourhood", "venue", *failed],
                            validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            if name == NON_FIELD_ERRORS:
                column = ""
            else:
                column = labels.get(name) or str(Activity._meta.get_field(name).verbose_name)
            for message in messages:
                report.errors.append(RowError(line, column, message))
    return activity


def import_activities(data: bytes, *, municipality, filename: str = "", dry_run: bool = False) -> ImportReport:
    """Validate every row; save all of them (one transaction) only when none is wrong. See the module doc."""
    report = ImportReport(dry_run=dry_run)
    try:
        rows = read_rows(data, filename)
    except FileProblem as exc:
        report.errors.append(RowError(None, "", str(exc)))
        return report
    rows = [(line, cells) for line, cells in rows if any(_text(c) for c in cells)]
    if not rows or rows[0][0] != 1:
        report.errors.append(RowError(1, "", _("De eerste regel moet de kolomnamen bevatten.")))
        return report
    mapping, labels = _header_map(rows[0][1], report)
    body = rows[1:]
    report.rows = len(body)
    if not body and not report.errors:
        report.errors.append(RowError(None, "", _("Er staan geen activiteiten in het bestand.")))
    if len(body) > MAX_ROWS:
        report.errors.append(RowError(None, "", _("Meer dan %(n)s regels. Splits het bestand.") % {"n": MAX_ROWS}))
    if report.errors:
        return report

    refs = _References(municipality)
    parsers = _parsers(refs)
    codes_in_file = {}
    try:
        with transaction.atomic():
            existing_qs = Activity.objects.filter(municipality=municipality)
            if not dry_run:
                existing_qs = existing_qs.select_for_update()
            existing = {a.code: a for a in existing_qs}
            to_create, to_update = [], []
            for line, cells in body:
                activity = _validate_row(line, cells, mapping, labels, parsers, existing, municipality, report)
                code = activity.code
                if code:
                    if code in codes_in_file:
                        report.errors.append(RowError(line, labels["code"], _(
                            "Deze code staat ook op regel %(line)s. Elke activiteit heeft een eigen code.") % {
                            "line": codes_in_file[code]}))
                        continue
                    codes_in_file[code] = line
                (to_update if activity.pk else to_create).append(activity)
            if report.errors:
                return report
            report.created, report.updated = len(to_create), len(to_update)
            if dry_run:
                return report
            now = timezone.now()
            for activity in to_update:
                activity.version += 1
                activity.updated_at = now
            for activity in to_create:
                activity.created_at = now
                activity.updated_at = now
            Activity.objects.bulk_create(to_create, batch_size=500)
            if to_update:
                fields = [f.name for f in Activity._meta.concrete_fields
                          if f.name not in ("id", "municipality", "created_at")]
                Activity.objects.bulk_update(to_update, fields, batch_size=500)
            report.saved = True
    except IntegrityError:
        report.errors.append(RowError(None, "", _(
            "Tijdens het importeren is de catalogus door iemand anders gewijzigd, of de gegevens passen niet "
            "(bijvoorbeeld minder uren maximaal dan minimaal). Er is niets opgeslagen. Probeer het opnieuw.")))
        report.created = report.updated = 0
        report.saved = False
    return report


# -- the template ------------------------------------------------------------------------------------------------------


def template_csv(municipality=None) -> bytes:
    """The import template: a UTF-8 CSV (with BOM, ';'-separated, as Dutch Excel expects) with the headers and one
    example row. With a municipality, the example names one of its own providers and neighbourhoods, so the file
    imports as it is."""
    example = dict(EXAMPLE_ROW)
    if municipality is not None:
        provider = Provider.objects.filter(municipality=municipality, active=True).order_by("name").first()
        wijk = Neighbourhood.objects.filter(municipality=municipality).order_by("name").first()
        if provider is not None:
            example["provider"] = provider.name
        example["neighbourhood"] = wijk.name if wijk is not None else ""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.header for c in COLUMNS])
    writer.writerow([example[c.field] for c in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
