from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "meedoen.audit"
    label = "audit"

    def ready(self):
        from . import checks  # noqa: F401 (registers the check that every logging handler scrubs BSNs)
