"""System check: STAFF_TWO_FACTOR has a known value (a typo must not silently switch two-factor off)."""
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@checks.register(checks.Tags.security)
def staff_two_factor_mode(app_configs, **kwargs):
    from .two_factor import mode

    try:
        mode()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="meedoen.accounts.E001")]
    return []
