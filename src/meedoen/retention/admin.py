"""Read-only: deletion records are proof (no personal data)."""
from django.contrib import admin

from meedoen.admin_readonly import ReadOnlyAdmin as ReadOnly

from .models import DeletionRecord


@admin.register(DeletionRecord)
class DeletionRecordAdmin(ReadOnly):
    list_display = ("occurred_at", "category", "municipality", "dossier_number", "schedule_version")
    list_filter = ("category", "municipality")

# Holds name a dossier: placed and lifted on the 'Bewaartermijnen' screen (audited), not in the admin.
