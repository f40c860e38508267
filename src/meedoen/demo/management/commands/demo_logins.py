from django.core.management.base import BaseCommand

from meedoen.accounts.models import User
from meedoen.demo.generator import DEMO_LOGINS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the demo logins (username, role, what they see) that exist in this database."

    def handle(self, *args, **options):
        existing = set(User.objects.filter(username__in=[d.username for d in DEMO_LOGINS]).values_list("username", flat=True))
        if not existing:
            self.stdout.write("Geen demo-logins in deze database. Maak ze met: manage.py seed_demo")
            return
        self.stdout.write(f"Demo-logins (wachtwoord voor allemaal: {DEMO_PASSWORD}):")
        for login in DEMO_LOGINS:
            if login.username in existing:
                self.stdout.write(f"  {login.username:<14} {login.role_label:<34} {login.sees}")
