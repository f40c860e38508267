import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meedoen.conf.production")
application = get_wsgi_application()

# Django runs system checks for management commands only: refuse to serve with a missing or shipped SECRET_KEY or
# another security error (meedoen.accounts.checks).
from meedoen.accounts.checks import refuse_to_start_on_security_errors  # noqa: E402 (needs the app registry)

refuse_to_start_on_security_errors()
