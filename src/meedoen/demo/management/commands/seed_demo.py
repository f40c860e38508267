"""`manage.py seed_demo --preset rotterdam --residents 40000 [--seed 42] [--if-empty]`: a synthetic municipality."""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from meedoen.demo import generator
from meedoen.demo.generator import DEMO_PASSWORD, DemoError, demo_exists


class Command(BaseCommand):
    help = (
        "Maak een synthetische demogemeente (wijken, teams, klantmanagers, inwoners met inschatting, metingen en "
        "tijdlijn) volgens een beleidsprofiel. Dezelfde seed geeft dezelfde gegevens."
    )

    def add_arguments(self, parser):
        parser.add_argument("--preset", default=settings.MEEDOEN_DEMO_PRESET,
                            help="Sleutel van het beleidsprofiel, bijv. rotterdam (standaard: DEMO_PRESET).")
        parser.add_argument("--residents", type=int, default=settings.MEEDOEN_DEMO_RESIDENTS,
                            help="Aantal inwoners (standaard: DEMO_RESIDENTS).")
        parser.add_argument("--seed", type=int, default=42, help="Seed voor de toevalsgenerator (standaard 42).")
        parser.add_argument("--if-empty", action="store_true",
                            help="Niets doen als er al een gemeente in de database staat.")

    def handle(self, *args, preset, residents, seed: int, if_empty, **options):
        if if_empty and demo_exists():
            self.stdout.write("Er staat al een gemeente in de database; seed_demo doet niets (--if-empty).")
            return
        count = f"{residents:_}".replace("_", ".")
        self.stdout.write(f"Demogemeente maken: profiel '{preset}', {count} inwoners, seed {seed}")
        try:
            summary = generator.seed(preset, residents, seed, log=self.stdout.write)
        except DemoError as error:
            raise CommandError(str(error)) from error

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(
            f"{summary.municipality} (gemeentecode {summary.municipality.code}) met beleidsprofiel "
            f"{summary.profile.name} v{summary.profile.version}, klaar in {summary.seconds:.1f} s."
        ))
        width = max(len(label) for label in summary.counts)
        for label, count in summary.counts.items():
            self.stdout.write(f"  {label:<{width}}  {count:>9,}".replace(",", "."))
        self.stdout.write("")
        self.stdout.write(f"Demo-inlogs (wachtwoord voor alle accounts: {DEMO_PASSWORD}):")
        user_width = max(len(username) for username, _role, _sees in summary.logins)
        for username, role, sees in summary.logins:
            self.stdout.write(f"  {username:<{user_width}}  {role}: {sees}")
