"""Read-only: holds are placed and lifted on the 'Bewaartermijnen' screen (audited); deletion records are proof."""
from django.contrib import admin

from meedoen.admin_readonly import ReadOnlyAdmin as ReadOnly

from .models import DeletionRecord, LegalHold


@admin.register(DeletionRecord)
class DeletionRecordAdmin(ReadOnly):
    list_display = ("occurred_at", "category", "municipality", "dossier_number", "schedule_version")
    list_filter = ("category", "municipality")


@admin.register(LegalHold)
class LegalHoldAdmin(ReadOnly):
    list_display = ("resident_id", "placed_at", "lifted_at")
    raw_id_fields = ("resident",)
