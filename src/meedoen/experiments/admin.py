"""Admin views for functional administrators: read experiments and their arms and waves. Assignments, consent and
answers are personal data and not listed here; changes go through the screens (validation, audit trail)."""
from django.contrib import admin

from .models import Arm, Experiment, Wave


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ArmInline(ReadOnlyInline):
    model = Arm
    fields = ["code", "name", "weight", "is_control", "parameters"]


class WaveInline(ReadOnlyInline):
    model = Wave
    fields = ["code", "planned_on", "open"]


@admin.register(Experiment)
class ExperimentAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "status", "seed", "started_at", "closed_at"]
    list_filter = ["status", "municipality"]
    inlines = [ArmInline, WaveInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
