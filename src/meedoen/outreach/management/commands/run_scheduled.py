"""`manage.py run_scheduled [--nightly] [--hourly]`: enqueue the periodic tasks (cron calls this in production).

Every installed app may declare `SCHEDULED_TASKS = {"nightly": [...], "hourly": [...]}` in its `tasks` module; this
command enqueues them on the configured task backend (inline in development, the database queue in production,
where `manage.py db_worker` runs them).
"""
from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand

PERIODS = ("nightly", "hourly")


def scheduled_tasks(period):
    found = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.tasks")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.tasks":
                raise
            continue
        found += list(getattr(module, "SCHEDULED_TASKS", {}).get(period, []))
    return found


class Command(BaseCommand):
    help = "Zet de periodieke taken (nachtelijk en/of elk uur) in de wachtrij van de taakverwerker."

    def add_arguments(self, parser):
        parser.add_argument("--nightly", action="store_true", help="De nachtelijke taken (standaard).")
        parser.add_argument("--hourly", action="store_true", help="De taken van elk uur.")

    def handle(self, *args, nightly, hourly, **options):
        periods = [p for p, wanted in (("nightly", nightly), ("hourly", hourly)) if wanted] or ["nightly"]
        for period in periods:
            for scheduled in scheduled_tasks(period):
                result = scheduled.enqueue()
                self.stdout.write(f"{period}: {scheduled.module_path} → {result.status} ({result.id})")
