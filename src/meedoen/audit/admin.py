from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "actor_username", "actor_role", "action", "object_type", "object_id", "screen")
    list_filter = ("action", "actor_role")
    search_fields = ("actor_username", "object_id", "screen")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
