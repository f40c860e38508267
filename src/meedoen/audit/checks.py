"""System check: every logging handler in settings.LOGGING carries the BSN scrubber, so a handler added later (a log
file, mail to the admins, a log shipper) cannot print a BSN that the console would have masked."""
from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string

from .logging import ScrubBSNFilter


def _is_scrubber(filter_config):
    factory = filter_config.get("()") if isinstance(filter_config, dict) else filter_config
    if isinstance(factory, str):
        try:
            factory = import_string(factory)
        except ImportError:
            return False
    return (isinstance(factory, type) and issubclass(factory, ScrubBSNFilter)) or isinstance(factory, ScrubBSNFilter)


def handlers_without_bsn_scrubber(logging_config):
    filters = logging_config.get("filters", {})
    return sorted(
        name for name, handler in logging_config.get("handlers", {}).items()
        if not any(_is_scrubber(filters.get(f, f)) for f in handler.get("filters", []))
    )


@checks.register(checks.Tags.security)
def logging_handlers_scrub_bsn(app_configs, **kwargs):
    return [
        checks.Error(
            f"Logging handler '{name}' has no BSN scrubber.",
            hint="Add \"scrub_bsn\" (meedoen.audit.logging.ScrubBSNFilter) to its filters in LOGGING.",
            id="meedoen.audit.E001",
        )
        for name in handlers_without_bsn_scrubber(settings.LOGGING or {})
    ]
