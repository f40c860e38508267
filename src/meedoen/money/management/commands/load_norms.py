"""Load the bijstandsnormen and income rules: `manage.py load_norms` (the shipped files in money/norms/) or
`manage.py load_norms --file path/to/2026-07-01.json` (a new half year). See docs/money.md."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from meedoen.money import norms


class Command(BaseCommand):
    help = "Load norm tables (one JSON file per half year) and the income rules into the database."

    def add_arguments(self, parser):
        parser.add_argument("--file", action="append", default=[],
                            help="a norm table file to load (may be repeated); default: every file in money/norms/")
        parser.add_argument("--dir", default=None, help="a directory with norm table files and income_rules.json")

    def handle(self, *args, **options):
        try:
            if options["file"]:
                report = norms.load_all(files=[Path(f) for f in options["file"]])
            else:
                report = norms.load_all(Path(options["dir"]) if options["dir"] else norms.NORMS_DIR)
        except (norms.NormLoadError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        for label, keys in (("nieuw", report.created), ("vervangen", report.replaced),
                            ("ongewijzigd", report.unchanged)):
            if keys:
                self.stdout.write(f"Normentabellen {label}: {', '.join(keys)}")
        if report.rules_loaded:
            self.stdout.write(f"Inkomensregels geladen: {report.rules_loaded}")
