"""`manage.py apply_retention [--dry-run] [--municipality CODE]`: apply the retention schedule now.

The nightly task does the same (retention/tasks.py). A dry run lists counts only and changes nothing.
"""
from django.core.management.base import BaseCommand, CommandError

from meedoen.organisation.models import Municipality
from meedoen.retention import schedule as schedules
from meedoen.retention import services


class Command(BaseCommand):
    help = "Verwijder gegevens waarvan de bewaartermijn voorbij is (volgens retention/schedule.json)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Alleen tellen, niets verwijderen.")
        parser.add_argument("--municipality", metavar="CODE", help="Alleen deze gemeente (CBS-code, bijv. 0599).")

    def handle(self, *args, dry_run, municipality, **options):
        try:
            schedule = schedules.current()
        except schedules.ScheduleError as error:
            raise CommandError(str(error)) from None
        if municipality and not Municipality.objects.filter(code=municipality).exists():
            raise CommandError(f"Unknown municipality code {municipality}.")
        self.stdout.write(f"Retention schedule {schedule.version} ({schedule.status})"
                          + (" — dry run, nothing is deleted" if dry_run else ""))
        if not dry_run and not services.deletes_now(schedule):
            self.stdout.write("The schedule is not confirmed by the archivaris: counting only, nothing is deleted "
                              "(set RETENTION_DELETE_UNDER_DEFAULT_TERMS=true to accept the default terms).")
            dry_run = True
        for result in services.apply_all(schedule=schedule, dry_run=dry_run, municipality_code=municipality):
            if result.municipality != "*":
                verb = "due" if dry_run else "deleted"
                self.stdout.write(f"{result.municipality}: dossiers {verb} {result.deleted}, held {result.held}, "
                                  f"failed {len(result.failed)}")
                for label, n in sorted(result.rows.items()):
                    self.stdout.write(f"  {label}: {n}")
            for category, n in sorted(result.purged.items()):
                self.stdout.write(f"  {category}: {n} {'due' if dry_run else 'deleted'}")
            if result.failed:
                self.stdout.write(f"  failed dossier numbers: {', '.join(map(str, result.failed))}")
