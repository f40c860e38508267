"""Base settings for Meedoen.

Every setting that differs per deployment is read from an environment variable with a documented
default (see docs/configuration.md). The thin modules dev.py, test.py and production.py only override.
"""
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

SRC_DIR = Path(__file__).resolve().parent.parent  # src/meedoen
BASE_DIR = SRC_DIR.parent.parent  # repository root


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _read_dotenv(path):
    """Read KEY=VALUE lines from .env (development convenience); real env vars win."""
    if not path.exists():
        return
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        os.environ.setdefault(key.strip(), value.strip().strip('"').strip("'"))


_read_dotenv(BASE_DIR / ".env")

SECRET_KEY = env("SECRET_KEY", "")
# Only dev.py and test.py set this: the settings that may run with a key that ships with the code (conf/keys.py).
# Any other settings module needs SECRET_KEY from the environment (system check meedoen.accounts.E002).
MEEDOEN_DEVELOPMENT_SETTINGS = False
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "meedoen.admin_site.MeedoenAdminConfig",  # django.contrib.admin, for configuration and users only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "meedoen.accounts",
    "meedoen.organisation",
    "meedoen.policy",
    "meedoen.residents",
    "meedoen.assessment",
    "meedoen.audit",
    "meedoen.guidance",
    "meedoen.outreach",
    "meedoen.letters",
    "meedoen.offer",
    "meedoen.referrals",
    "meedoen.obligations",
    "meedoen.money",
    "meedoen.monitoring",
    "meedoen.experiments",
    "meedoen.simulation",
    "meedoen.portal",
    "meedoen.retention",
    "meedoen.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "meedoen.accounts.middleware.StaffTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "meedoen.formtools.InvalidParameterMiddleware",  # a bad query or form parameter: 400 with the message, not 500
    # Last, so it sees the answer of the view itself: every read and refusal of personal data in the audit trail.
    "meedoen.audit.middleware.AuditMiddleware",
]

ROOT_URLCONF = "meedoen.urls"
WSGI_APPLICATION = "meedoen.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "meedoen.accounts.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite embedded by default, PostgreSQL when DATABASE_URL says so.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'meedoen.sqlite3'}"),
        conn_max_age=int(env("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions: short for staff working with sensitive data; closed with the browser.
SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
# Residents in the portal (/mijn/) get a short session: seconds of inactivity (meedoen.portal.access).
PORTAL_SESSION_AGE = int(env("PORTAL_SESSION_AGE", str(15 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# django-axes: lock an account + address after repeated failed logins.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Behind reverse proxies the lockout keys on the client's address, not the proxy's (meedoen.accounts.client_ip): the
# number of trusted proxies in front of Meedoen that append to X-Forwarded-For. 0 = reached directly: REMOTE_ADDR,
# and X-Forwarded-For is ignored (a client can send anything). The audit trail records the same address.
MEEDOEN_TRUSTED_PROXY_COUNT = int(env("MEEDOEN_TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "meedoen.accounts.client_ip.client_ip"

# Two-factor authentication (TOTP, django-otp) for staff; residents never get a code step (meedoen.accounts.two_factor).
# "required": staff without an authenticator app must set one up first (production default, see production.py);
# "optional": staff may set one up from their account page (development, tests, demo). Enrolled staff always need a code.
STAFF_TWO_FACTOR = env("STAFF_TWO_FACTOR", "optional")

# Retention (meedoen.retention): while retention/schedule.json holds the shipped default terms ("status": "default",
# not confirmed by the municipality's archivaris) the nightly run only counts what is due. Set this to accept the
# defaults and delete under them.
RETENTION_DELETE_UNDER_DEFAULT_TERMS = env_bool("RETENTION_DELETE_UNDER_DEFAULT_TERMS", False)
OTP_TOTP_ISSUER = "Meedoen"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Content Security Policy (django-csp 4): only our own scripts and styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [SRC_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

REST_FRAMEWORK = {
    # Token first: a request without valid credentials gets 401 with `WWW-Authenticate: Token` (Session alone
    # cannot name a scheme, so DRF would answer 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "meedoen.accounts.tokens.ExpiringTokenAuthentication",  # ApiToken: expiry, digest, issued by a superuser
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "meedoen.api.schema.AutoSchema",  # documents the problem-details errors everywhere
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "meedoen.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Meedoen API",
    "DESCRIPTION": "Residents, assessments (de knip) and policy profiles. Personal data; every call is audited.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "PATH_CONVERTER_OVERRIDES": {"id": int},  # meedoen.formtools.IdConverter: <int:…> bounded to a database integer
    "ENUM_NAME_OVERRIDES": {
        "HealthLimitationEnum": "meedoen.residents.choices.HealthLimitation",
        "EducationLevelEnum": "meedoen.residents.choices.EducationLevel",
        "LanguageLevelEnum": "meedoen.residents.choices.LanguageLevel",
    },
}

# Logging: every handler carries the BSN scrubber (message, arguments, traceback, stack, extras; see
# meedoen/audit/logging.py). A handler added here, or in dev.py/production.py, must list "scrub_bsn" in its filters:
# the system check meedoen.audit.E001 refuses to start without it.
LOG_LEVEL = env("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub_bsn": {"()": "meedoen.audit.logging.ScrubBSNFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["scrub_bsn"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
# Django's technical error report (the DEBUG 500 page, the admins' error mail) with every BSN masked.
DEFAULT_EXCEPTION_REPORTER = "meedoen.audit.logging.BSNScrubbingExceptionReporter"

# Task runner: the django-tasks backport of Django's built-in tasks. Inline (ImmediateBackend) in development and
# tests; in production TASKS_BACKEND=django_tasks_db.DatabaseBackend with `manage.py db_worker` processes, and cron
# calling `manage.py run_scheduled` for the nightly and hourly jobs (see docs/operations.md).
TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")}}

# Meedoen's own settings
MEEDOEN_DEMO_RESIDENTS = int(env("DEMO_RESIDENTS", "2000"))
MEEDOEN_DEMO_PRESET = env("DEMO_PRESET", "rotterdam")
MEEDOEN_TIMELINE_PAGE_SIZE = 25
MEEDOEN_CASELOAD_PAGE_SIZE = 50
# The research export (monitoring.anonymity): every combination of age group, wijk, household and benefit start
# occurs at least k times; the least coarsening that leaves out at most this share of the rows is chosen.
MEEDOEN_RESEARCH_EXPORT_K = max(2, int(env("RESEARCH_EXPORT_K", "5")))
MEEDOEN_RESEARCH_EXPORT_MAX_SUPPRESSED = float(env("RESEARCH_EXPORT_MAX_SUPPRESSED", "0.05"))
# The address residents reach the public booking pages on (the link and QR code in invitation letters).
MEEDOEN_PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# Message channels: {"email": "dotted.path.Backend", "sms": ...}; the default development backend records what would
# be sent (outreach.channels). Set real backends per installation.
MEEDOEN_OUTREACH_CHANNELS = {}
