from django.core.management.base import BaseCommand

from meedoen.policy.presets import load_presets


class Command(BaseCommand):
    help = "Load the built-in policy profile presets (idempotent: existing versions are never changed)."

    def handle(self, *args, **options):
        created = load_presets()
        for profile in created:
            self.stdout.write(f"Loaded {profile.key} v{profile.version}: {profile.name}")
        self.stdout.write(self.style.SUCCESS(f"{len(created)} preset(s) loaded."))
