from django.core.management.base import BaseCommand, CommandError

from meedoen.assessment.register import as_text
from meedoen.policy.models import PolicyProfile


class Command(BaseCommand):
    help = "Print the algorithm-register description of the assessment for a policy profile."

    def add_arguments(self, parser):
        parser.add_argument("--profile", default="rotterdam", help="Profile key (latest approved version).")

    def handle(self, *args, **options):
        profile = PolicyProfile.objects.approved().filter(key=options["profile"]).order_by("-version").first()
        if profile is None:
            raise CommandError(f"No approved profile with key {options['profile']!r}. Run load_policy_presets first.")
        self.stdout.write(as_text(profile))
