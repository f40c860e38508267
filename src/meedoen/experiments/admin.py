"""Admin views for functional administrators: read experiments and their arms and waves. Assignments, consent and
answers are personal data and not listed here; changes go through the screens (validation, audit trail)."""
from django.contrib import admin

from meedoen.admin_readonly import ReadOnlyAdmin, ReadOnlyInline

from .models import Arm, Experiment, Wave


class ArmInline(ReadOnlyInline):
    model = Arm
    fields = ["code", "name", "weight", "is_control", "parameters"]


class WaveInline(ReadOnlyInline):
    model = Wave
    fields = ["code", "planned_on", "open"]


@admin.register(Experiment)
class ExperimentAdmin(ReadOnlyAdmin):
    list_display = ["name", "municipality", "status", "seed", "started_at", "closed_at"]
    list_filter = ["status", "municipality"]
    inlines = [ArmInline, WaveInline]
