"""Importing the catalogue from a spreadsheet: every bad row reported by line and column, nothing saved partially,
upsert by code, dry run, XLSX, and the management command."""
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from meedoen.offer import imports
from meedoen.offer.models import Activity
from meedoen.tests.factories import NeighbourhoodFactory

from .factories import ActivityFactory

pytestmark = pytest.mark.django_db

HEADER = ["Code", "Naam", "Soort", "Partner", "Omschrijving", "Wijk", "Dagen", "Minimaal uren per week",
          "Maximaal uren per week", "Aantal plaatsen", "Minimaal taalniveau", "Indicatie nodig", "Welke indicatie",
          "Vergoeding per maand", "Vanaf", "Tot en met", "Trefwoorden"]


def row(code="VW-1", title="Koffie schenken", category="vrijwilligerswerk", provider="Vrijwilligerswinkel Test",
        description="Je schenkt koffie in de buurtkamer.", wijk="Feijenoord", days="di, do", min_h="4", max_h="8",
        capacity="4", language="A2", indication="nee", indication_note="", pays="0", starts="", ends="", tags="koffie"):
    return [code, title, category, provider, description, wijk, days, min_h, max_h, capacity, language, indication,
            indication_note, pays, starts, ends, tags]


def csv_bytes(rows, header=HEADER, delimiter=";", bom=True):
    lines = [delimiter.join(header)] + [delimiter.join(r) for r in rows]
    text = "\r\n".join(lines) + "\r\n"
    return (("\ufeff" if bom else "") + text).encode("utf-8")


def xlsx_bytes(rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def setup(municipality, provider, neighbourhood):
    return municipality


def errors_by_line(report):
    result = {}
    for error in report.errors:
        result.setdefault(error.line, set()).add(error.column)
    return result


def test_broken_rows_are_each_reported_by_line_and_column_and_nothing_is_imported(setup):
    existing = ActivityFactory(provider=setup.providers.get(), code="VW-9", title="Oude titel")
    data = csv_bytes([
        row("VW-1"),
        row("VW-2", provider="Onbekende Stichting", category="toneel"),
        row("VW-3", min_h="10", max_h="6"),
        row("VW-9", title="Nieuwe titel"),
        row("VW-5", capacity="veel", starts="31-02-2027", days="maandag, feestdag"),
        row("VW-6", indication="ja", indication_note=""),
        row("", title=""),
    ])
    report = imports.import_activities(data, municipality=setup, filename="aanbod.csv")

    assert not report.ok and not report.saved
    assert errors_by_line(report) == {
        3: {"Partner", "Soort"},
        4: {"Maximaal uren per week"},
        6: {"Aantal plaatsen", "Vanaf", "Dagen"},
        7: {"Welke indicatie"},
        8: {"Code", "Naam"},
    }
    assert report.bad_lines == [3, 4, 6, 7, 8]
    assert any("Onbekende partner 'Onbekende Stichting'" in e.message for e in report.errors)
    assert report.created == report.updated == 0
    assert Activity.objects.count() == 1
    existing.refresh_from_db()
    assert existing.title == "Oude titel" and existing.version == 1


def test_a_valid_file_creates_and_updates_by_code_in_one_go(setup):
    existing = ActivityFactory(provider=setup.providers.get(), code="VW-2", title="Oude titel", capacity=2)
    data = csv_bytes([row("VW-1", days="ma-vr"), row("VW-2", title="Nieuwe titel", capacity="9", pays="95,50")])
    report = imports.import_activities(data, municipality=setup, filename="aanbod.csv")

    assert report.ok and report.saved
    assert (report.created, report.updated, report.rows) == (1, 1, 2)
    created = Activity.objects.get(code="VW-1")
    assert created.days == ["mon", "tue", "wed", "thu", "fri"]
    assert created.neighbourhood.name == "Feijenoord"
    assert created.min_language_level == "A2" and created.tags == ["koffie"]
    existing.refresh_from_db()
    assert existing.title == "Nieuwe titel" and existing.capacity == 9
    assert existing.pays_per_month == Decimal("95.50")
    assert existing.version == 2  # an edit screen opened before the import now gets a conflict


def test_a_dry_run_reports_what_would_happen_and_saves_nothing(setup):
    report = imports.import_activities(csv_bytes([row("VW-1"), row("VW-2")]), municipality=setup, dry_run=True)
    assert report.ok and not report.saved
    assert (report.created, report.updated) == (2, 0)
    assert not Activity.objects.exists()


def test_comma_separated_without_bom_and_english_headers_are_accepted(setup):
    header = ["code", "title", "category", "provider", "description", "min_hours_per_week", "max_hours_per_week"]
    data = csv_bytes([["X-1", "Wandelgroep", "movement", "vrijwilligerswinkel test", "Samen wandelen", "1", "2"]],
                     header=header, delimiter=",", bom=False)
    report = imports.import_activities(data, municipality=setup)
    assert report.ok and report.saved
    activity = Activity.objects.get(code="X-1")
    assert activity.category == "movement" and activity.max_hours_per_week == Decimal("2")
    assert activity.capacity == 1 and activity.active  # absent columns take the model's default


def test_xlsx_with_numbers_dates_and_booleans_is_imported(setup):
    data = xlsx_bytes([
        ["XL-1", "Taalcafé", "taal", "Vrijwilligerswinkel Test", "Nederlands oefenen", "Feijenoord", "wo", 2, 3.5, 12,
         "geen", False, None, 0, dt.datetime(2027, 1, 1), dt.date(2027, 6, 30), "taal; praten"],
    ])
    report = imports.import_activities(data, municipality=setup, filename="aanbod.xlsx")
    assert report.ok and report.saved, report.errors
    activity = Activity.objects.get(code="XL-1")
    assert activity.max_hours_per_week == Decimal("3.5") and activity.capacity == 12
    assert activity.starts_on == dt.date(2027, 1, 1) and activity.ends_on == dt.date(2027, 6, 30)
    assert activity.tags == ["taal", "praten"] and activity.days == ["wed"]


def test_xlsx_with_a_broken_row_reports_its_spreadsheet_row_and_saves_nothing(setup):
    data = xlsx_bytes([
        ["XL-1", "Taalcafé", "taal", "Vrijwilligerswinkel Test", "Oefenen", "", "", 2, 3, 12],
        ["XL-2", "Zwemmen", "sport", "Vrijwilligerswinkel Test", "Zwemmen", "Atlantis", "", 2, 50, 12],
    ], header=HEADER[:10])
    report = imports.import_activities(data, municipality=setup, filename="aanbod.xlsx")
    assert errors_by_line(report) == {3: {"Wijk", "Maximaal uren per week"}}
    assert not Activity.objects.exists()


def test_a_code_twice_in_one_file_is_an_error_on_the_second_line(setup):
    report = imports.import_activities(csv_bytes([row("VW-1"), row("VW-1")]), municipality=setup)
    assert [(e.line, e.column) for e in report.errors] == [(3, "Code")]
    assert "regel 2" in report.errors[0].message
    assert not Activity.objects.exists()


def test_unknown_and_missing_columns_are_reported_on_the_header_line(setup):
    header = ["Code", "Naam", "Soort", "Omschrijving", "Kleur"]
    report = imports.import_activities(csv_bytes([["A", "B", "C", "D", "E"]], header=header), municipality=setup)
    assert {(e.line, e.column) for e in report.errors} == {(1, "Kleur"), (1, "Partner")}
    assert not Activity.objects.exists()


@pytest.mark.parametrize("data,filename,fragment", [
    (b"", "leeg.csv", "leeg"),
    ("Code;Naam\nA;Café".encode("cp1252"), "oud.csv", "UTF-8"),
    (b"\xd0\xcf\x11\xe0rest", "oud.xls", ".xls"),
    (b"PK\x03\x04not really a zip", "kapot.xlsx", "Excel"),
    (csv_bytes([]), "alleen-kop.csv", "geen activiteiten"),
])
def test_an_unreadable_file_gives_one_clear_message(setup, data, filename, fragment):
    report = imports.import_activities(data, municipality=setup, filename=filename)
    assert len(report.errors) == 1 and fragment in report.errors[0].message
    assert not Activity.objects.exists()


def test_another_municipalitys_provider_is_unknown_here(setup):
    other = NeighbourhoodFactory().municipality
    report = imports.import_activities(csv_bytes([row()]), municipality=other)
    assert {e.column for e in report.errors} == {"Partner", "Wijk"}


def test_the_template_imports_as_it_is(setup):
    report = imports.import_activities(imports.template_csv(setup), municipality=setup, filename="voorbeeld.csv")
    assert report.ok and report.saved, report.errors
    assert Activity.objects.get().code == "VW-0001"


@pytest.mark.parametrize("text,days", [
    ("ma, wo en vr", ["mon", "wed", "fri"]), ("di t/m do", ["tue", "wed", "thu"]), ("Maandag", ["mon"]),
    ("za-zo", ["sat", "sun"]), ("", []),
])
def test_days_are_read_the_way_people_write_them(text, days):
    assert imports.parse_days(text) == days


def test_the_command_imports_and_reports_errors_without_saving(setup, tmp_path, capsys):
    good = tmp_path / "goed.csv"
    good.write_bytes(csv_bytes([row("VW-1")]))
    call_command("import_activities", str(good), municipality=setup.code)
    assert Activity.objects.filter(code="VW-1").exists()
    assert "1 nieuw" in capsys.readouterr().out

    bad = tmp_path / "fout.csv"
    bad.write_bytes(csv_bytes([row("VW-2"), row("VW-3", category="toneel")]))
    with pytest.raises(CommandError, match="niets"):
        call_command("import_activities", str(bad), municipality=setup.code)
    assert "regel 3, kolom Soort" in capsys.readouterr().err
    assert not Activity.objects.filter(code="VW-2").exists()
