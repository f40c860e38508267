"""Import the activity catalogue of a municipality from a CSV or XLSX file (all rows or none; see offer/imports.py).

    manage.py import_activities activiteiten.xlsx --municipality 0599 [--dry-run] [--user beheerder]
"""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from meedoen.accounts.models import User
from meedoen.audit import services as audit
from meedoen.audit.models import AuditEntry
from meedoen.offer.imports import import_activities
from meedoen.organisation.models import Municipality


class Command(BaseCommand):
    help = "Import activities from a spreadsheet (CSV or XLSX); nothing is saved when any row is wrong."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to a .csv (UTF-8, ';' or ',') or .xlsx file")
        parser.add_argument("--municipality", required=True, help="CBS code of the municipality, e.g. 0599")
        parser.add_argument("--dry-run", action="store_true", help="Only check and report; save nothing")
        parser.add_argument("--user", help="Username recorded in the audit trail as the importer")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"File not found: {path}")
        municipality = Municipality.objects.filter(code=options["municipality"]).first()
        if municipality is None:
            raise CommandError(f"Unknown municipality code {options['municipality']}")
        user = None
        if options.get("user"):
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Unknown user {options['user']}")
        report = import_activities(path.read_bytes(), municipality=municipality, filename=path.name,
                                   dry_run=options["dry_run"])
        audit.record(None, AuditEntry.Action.CREATE if report.saved else AuditEntry.Action.VIEW, user=user,
                     screen="manage.py import_activities",
                     detail={"part": "activity import", "file": path.name, "dry_run": options["dry_run"],
                             "rows": report.rows, "created": report.created, "updated": report.updated,
                             "errors": len(report.errors), "saved": report.saved})
        if not report.ok:
            for error in report.errors:
                line = error.line if error.line is not None else "-"
                column = error.column or "(hele regel)"
                self.stderr.write(f"regel {line}, kolom {column}: {error.message}")
            raise CommandError(f"{len(report.errors)} fout(en) in {len(report.bad_lines)} regel(s); er is niets "
                               f"opgeslagen.")
        self.stdout.write(self.style.SUCCESS(
            f"{report.rows} regels gelezen: {report.created} nieuw, {report.updated} bijgewerkt "
            f"({'controle, niets opgeslagen' if options['dry_run'] else 'opgeslagen'})."))
