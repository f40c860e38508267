"""System checks for the security settings.

- E001: STAFF_TWO_FACTOR has a known value (a typo must not silently switch two-factor off).
- E002: outside the development and test settings, SECRET_KEY is set and is not a key that ships with the code
  (conf/keys.py). Shown by `manage.py check`, `migrate`, `runserver`, and at the WSGI start (meedoen.wsgi).
- E003 (`check --deploy`): a shipped key is never deployable, not even under the development settings.
- W001: the development settings run with the shipped development key (fine on a laptop; says so, not quietly).
"""
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from meedoen.conf import keys


@checks.register(checks.Tags.security)
def staff_two_factor_mode(app_configs, **kwargs):
    from .two_factor import mode

    try:
        mode()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="meedoen.accounts.E001")]
    return []


def _key():
    try:
        return settings.SECRET_KEY
    except ImproperlyConfigured:  # Django refuses to hand out an empty key
        return ""


@checks.register(checks.Tags.security)
def secret_key_outside_development(app_configs, **kwargs):
    key = _key()
    if not getattr(settings, "MEEDOEN_DEVELOPMENT_SETTINGS", False):
        problem = keys.problem(key)
        if problem:
            return [checks.Error(problem, id="meedoen.accounts.E002",
                                 hint="Only meedoen.conf.dev and meedoen.conf.test may run without a key of "
                                      "your own (docs/configuration.md).")]
        return []
    if key == keys.DEVELOPMENT_KEY:
        return [checks.Warning("Running with the development key that ships with the code: for development only.",
                               id="meedoen.accounts.W001",
                               hint="On a server use DJANGO_SETTINGS_MODULE=meedoen.conf.production and set "
                                    "SECRET_KEY.")]
    return []


@checks.register(checks.Tags.security, deploy=True)
def shipped_secret_key_is_not_deployable(app_configs, **kwargs):
    if getattr(settings, "MEEDOEN_DEVELOPMENT_SETTINGS", False) and keys.problem(_key()):
        return [checks.Error("SECRET_KEY is missing or ships with the code: this installation cannot be deployed.",
                             id="meedoen.accounts.E003",
                             hint="Use DJANGO_SETTINGS_MODULE=meedoen.conf.production and set SECRET_KEY.")]
    return []


def refuse_to_start_on_security_errors():
    """Run the security checks at a WSGI start (Django runs checks only for management commands)."""
    errors = [m for m in checks.run_checks(tags=[checks.Tags.security]) if m.level >= checks.ERROR]
    if errors:
        raise ImproperlyConfigured("; ".join(f"{m.id}: {m.msg}" for m in errors))
