"""The research export: person-level, pseudonymised, for analysts only, and audited.

Must show (issue 6): research exports contain no name, BSN, address or exact birth date — checked against the actual
values of the seeded residents, in the raw bytes of the CSV and of every part inside the XLSX."""
import csv
import datetime as dt
import io
import re
import zipfile
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from meedoen.accounts.models import Role, User
from meedoen.audit.models import AuditEntry
from meedoen.monitoring.exports import pseudonym
from meedoen.organisation.models import Municipality
from meedoen.residents.models import Resident

pytestmark = pytest.mark.django_db

KEY_A = "onderzoek-sleutel-A-2026"
KEY_B = "een heel andere sleutel B"
PERIOD = {"start": "2025-12-01", "end": "2026-11-22"}


@pytest.fixture
def seeded(presets):
    with time_machine.travel(dt.datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam")), tick=False):
        call_command("seed_demo", preset="rotterdam", residents=80, seed=7, stdout=io.StringIO())
    municipality = Municipality.objects.get()
    analyst = User.objects.create_user("onderzoeker-test", password="x-demo-wachtwoord-1", role=Role.ANALYST,
                                       municipality=municipality)
    return municipality, analyst


def export(client, fmt, key, **extra):
    return client.post(reverse("monitoring:research_export", kwargs={"fmt": fmt}),
                       {**PERIOD, "export_key": key, **extra})


def csv_rows(response):
    """The table of a research CSV, without the anonymisation report's "#" lines above it."""
    text = response.content.decode("utf-8-sig")
    return [row for row in csv.reader(io.StringIO(text), delimiter=";") if not (row and row[0].startswith("#"))]


def personal_values(resident):
    """The values that must never appear: names, BSN, address parts, contact details, exact birth date."""
    born = resident.date_of_birth
    values = {resident.bsn, resident.first_name, resident.last_name, resident.full_name, resident.street,
              f"{resident.street} {resident.house_number}", resident.postcode, resident.email, resident.phone,
              born.isoformat(), born.strftime("%d-%m-%Y"), f"{born.day}-{born.month}-{born.year}",
              born.strftime("%d/%m/%Y"), str(resident.public_id)}
    return {v for v in values if v and len(v) >= 3}


def assert_no_personal_data(text, residents):
    assert residents, "the seed made no residents"
    for resident in residents:
        for value in personal_values(resident):
            assert not re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text), f"{value!r} leaked into the export"


def test_research_csv_contains_no_personal_data_of_any_seeded_resident(client, seeded):
    municipality, analyst = seeded
    client.force_login(analyst)
    response = export(client, "csv", KEY_A)
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = csv_rows(response)
    assert len(rows) > 40
    assert_no_personal_data(text, list(Resident.objects.filter(municipality=municipality)))
    header = rows[0]
    assert header[0] == "pseudoniem" and "leeftijdsgroep" in header and "wijk" in header
    # an age group of at least ten years, never a date
    assert all(re.fullmatch(r"\d+-\d+|<30|30-49|50\+|alle", row[1]) for row in rows[1:])
    assert all(re.fullmatch(r"|\d{4}|\d{4}-\d{4}|alle", row[header.index("bijstand sinds")]) for row in rows[1:])
    for row in rows[1:]:
        col = header.index("laatste gesprek (maand)")
        assert row[col] == "" or re.fullmatch(r"\d{4}-\d{2}", row[col])


def test_research_xlsx_contains_no_personal_data_in_any_part(client, seeded):
    municipality, analyst = seeded
    client.force_login(analyst)
    response = export(client, "xlsx", KEY_A)
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        text = "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    residents = list(Resident.objects.filter(municipality=municipality))
    assert_no_personal_data(text, residents)
    cells = [str(c) for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
             for c in row if c is not None]
    assert_no_personal_data("\n".join(cells), residents)
    assert not any(isinstance(c, (dt.date, dt.datetime)) for row in load_workbook(
        io.BytesIO(response.content)).active.iter_rows(values_only=True) for c in row)


def test_pseudonyms_are_stable_per_key_and_differ_between_keys(client, seeded):
    municipality, analyst = seeded
    client.force_login(analyst)

    def pseudonyms(key):
        return [row[0] for row in csv_rows(export(client, "csv", key))[1:]]

    first, again, other = pseudonyms(KEY_A), pseudonyms(KEY_A), pseudonyms(KEY_B)
    assert first == again and len(set(first)) == len(first)
    assert not set(first) & set(other)
    expected = {pseudonym(KEY_A, r.public_id) for r in Resident.objects.filter(municipality=municipality)}
    assert set(first) <= expected


def test_every_research_export_is_audited_without_the_key(client, seeded):
    _municipality, analyst = seeded
    client.force_login(analyst)
    rows = csv_rows(export(client, "csv", KEY_A))
    export(client, "xlsx", KEY_A)
    export(client, "csv", KEY_B)
    entries = list(AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, actor=analyst).order_by("id"))
    assert [(e.detail["kind"], e.detail["format"]) for e in entries] == [
        ("research", "csv"), ("research", "xlsx"), ("research", "csv")]
    assert entries[0].detail["rows"] == len(rows) - 1
    assert entries[0].detail["k"] == 5 and "suppressed" in entries[0].detail
    assert entries[0].detail["filters"]["from"] == PERIOD["start"]
    assert entries[0].detail["key_fingerprint"] == entries[1].detail["key_fingerprint"]
    assert entries[0].detail["key_fingerprint"] != entries[2].detail["key_fingerprint"]
    assert all(KEY_A not in str(e.detail) and KEY_B not in str(e.detail) for e in entries)


@pytest.mark.parametrize("role", [Role.TEAM_LEAD, Role.ADMINISTRATOR, Role.CASEWORKER, Role.PROVIDER_STAFF,
                                  Role.RESIDENT])
def test_only_analysts_may_make_a_research_export(client, seeded, role):
    municipality, _analyst = seeded
    user = User.objects.create_user(f"user-{role}", password="x-demo-wachtwoord-1", role=role,
                                    municipality=municipality)
    client.force_login(user)
    assert client.get(reverse("monitoring:research")).status_code == 403
    assert export(client, "csv", KEY_A).status_code == 403
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_a_short_export_key_is_refused(client, seeded):
    _municipality, analyst = seeded
    client.force_login(analyst)
    assert client.get(reverse("monitoring:research")).status_code == 200
    response = export(client, "csv", "kort")
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_rotterdam_table_is_produced_from_a_seeded_rotterdam_like_municipality(seeded):
    from meedoen.monitoring.indicators import ROTTERDAM_2017, rotterdam_table

    municipality, _analyst = seeded
    rows = rotterdam_table(municipality, (dt.date(2025, 12, 1), dt.date(2026, 11, 22)))
    assert [row.key for row in rows] == list(ROTTERDAM_2017)
    by_key = {row.key: row for row in rows}
    assert by_key["residents"].computed == Resident.objects.filter(municipality=municipality).count()
    assert 0 < by_key["activation_group"].computed < by_key["residents"].computed
    assert by_key["active"].computed > 0
    assert by_key["active"].computed == sum(by_key[f"active_{c}"].computed for c in (
        "volunteering", "informal_care", "language", "movement", "own_barriers", "other"))
    assert all(row.computed is not None and row.published is not None for row in rows)


QUASI_IDENTIFIERS = ("leeftijdsgroep", "wijk", "huishouden", "bijstand sinds")


@pytest.mark.parametrize("k", [5, 8])
def test_research_export_is_k_anonymous_on_the_quasi_identifiers_and_reports_it(client, seeded, settings, k):
    """Audit finding: 1,412 of 1,490 rows were unique on age band, wijk, household and benefit start."""
    settings.MEEDOEN_RESEARCH_EXPORT_K = k
    _municipality, analyst = seeded
    client.force_login(analyst)
    response = export(client, "csv", KEY_A)
    text = response.content.decode("utf-8-sig")
    notes = [line for line in text.splitlines() if line.startswith("#")]
    assert any(f"k = {k}" in note for note in notes)
    assert any("Gegeneraliseerd:" in note for note in notes) and any("weggelaten" in note for note in notes)
    rows = csv_rows(response)
    header, body = rows[0], rows[1:]
    assert body
    classes = {}
    for row in body:
        key = tuple(row[header.index(q)] for q in QUASI_IDENTIFIERS)
        classes[key] = classes.get(key, 0) + 1
    assert min(classes.values()) >= k
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.detail["k"] == k and entry.detail["rows"] == len(body)
    assert entry.detail["suppressed"] <= 0.05 * (len(body) + entry.detail["suppressed"])


def test_research_xlsx_carries_the_anonymisation_report_on_a_second_sheet(client, seeded):
    _municipality, analyst = seeded
    client.force_login(analyst)
    workbook = load_workbook(io.BytesIO(export(client, "xlsx", KEY_A).content))
    assert workbook.sheetnames == ["Onderzoek", "Anonimisering"]
    report = [row[0] for row in workbook["Anonimisering"].iter_rows(values_only=True)]
    assert report[0].startswith("Anonimisering (k-anonimiteit): k = 5.")
    assert any(line.startswith("Rijen:") for line in report)
