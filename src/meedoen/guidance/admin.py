"""Admin views for functional administrators: read the guidance records; changes go through the screens."""
from django.contrib import admin

from meedoen.admin_readonly import ReadOnlyAdmin, ReadOnlyInline

from .models import ActionPlan, Conversation, GuidanceEnding, PlanStep, Reorientation, Task


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "due_on", "status", "assigned_to")
    list_filter = ("kind", "status")
    raw_id_fields = ("resident",)


class PlanStepInline(ReadOnlyInline):
    model = PlanStep


@admin.register(ActionPlan)
class ActionPlanAdmin(ReadOnlyAdmin):
    list_display = ("resident_id", "version", "status", "route", "review_on", "signed_on")
    list_filter = ("status", "route")
    inlines = [PlanStepInline]


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin):
    list_display = ("resident_id", "held_on", "where", "refusal", "routing")
    list_filter = ("where", "refusal", "routing")


@admin.register(GuidanceEnding)
class GuidanceEndingAdmin(ReadOnlyAdmin):
    list_display = ("resident_id", "ended_on", "reason")
    list_filter = ("reason",)


@admin.register(Reorientation)
class ReorientationAdmin(ReadOnlyAdmin):
    list_display = ("resident_id", "on_date", "from_route", "to_route", "reopened")
