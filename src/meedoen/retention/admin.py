"""Read-only: holds are placed and lifted on the 'Bewaartermijnen' screen (audited); deletion records are proof."""
from django.contrib import admin

from .models import DeletionRecord, LegalHold


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeletionRecord)
class DeletionRecordAdmin(ReadOnly):
    list_display = ("occurred_at", "category", "municipality", "dossier_number", "schedule_version")
    list_filter = ("category", "municipality")


@admin.register(LegalHold)
class LegalHoldAdmin(ReadOnly):
    list_display = ("resident_id", "placed_at", "lifted_at")
    raw_id_fields = ("resident",)
