from django.contrib import admin

from .models import CaseworkerAssignment, Resident


class AssignmentInline(admin.TabularInline):
    model = CaseworkerAssignment
    fk_name = "resident"
    extra = 0
    readonly_fields = ("caseworker", "team", "started_on", "ended_on", "reason", "assigned_by")


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
    list_display = ("last_name", "first_name", "neighbourhood", "segment", "current_caseworker")
    list_filter = ("municipality", "segment", "intensity")
    search_fields = ("last_name", "first_name")
    exclude = ("bsn",)  # the BSN is edited in the dossier screen only, never listed
    inlines = [AssignmentInline]
