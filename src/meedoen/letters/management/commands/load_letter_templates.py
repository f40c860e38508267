from django.core.management.base import BaseCommand

from meedoen.letters.defaults import load_default_templates


class Command(BaseCommand):
    help = "Load the shipped default letter texts (new ones, and updates of texts nobody edited)."

    def handle(self, *args, **options):
        made = load_default_templates()
        self.stdout.write(f"Letter templates: {made} new version(s).")
