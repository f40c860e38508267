"""Production: secrets and hosts from the environment, secure cookies, HSTS. Use PostgreSQL via DATABASE_URL."""
from django.core.exceptions import ImproperlyConfigured

from . import keys
from .base import *  # noqa: F401,F403
from .base import SECRET_KEY, env, env_bool

# Never the shipped development or test key, never none (conf/keys.py): refuse to load at all.
if keys.problem(SECRET_KEY):
    raise ImproperlyConfigured(keys.problem(SECRET_KEY))
MEEDOEN_DEVELOPMENT_SETTINGS = False

DEBUG = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Staff log in with a password and a code from an authenticator app (STYLE.md); override only for a trial install.
STAFF_TWO_FACTOR = env("STAFF_TWO_FACTOR", "required")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
