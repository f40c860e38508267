from django.contrib import admin

from meedoen.admin_readonly import ReadOnlyAdmin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "actor_username", "actor_role", "action", "object_type", "object_id", "screen")
    list_filter = ("action", "actor_role")
    search_fields = ("actor_username", "object_id", "screen")
