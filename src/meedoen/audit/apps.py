from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_partitions(sender, using, plan=None, **kwargs):
    """After every migrate: this month's and the next months' audit partitions exist (PostgreSQL; else nothing)."""
    from . import partitions

    partitions.ensure_partitions(using=using)


class AuditConfig(AppConfig):
    name = "meedoen.audit"
    label = "audit"

    def ready(self):
        from . import checks  # noqa: F401 (registers the check that every logging handler scrubs BSNs)

        post_migrate.connect(_ensure_partitions, sender=self, dispatch_uid="meedoen.audit.ensure_partitions")
