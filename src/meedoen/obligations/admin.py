"""Admin views for functional administrators: read obligations records; changes go through the screens (which check
the rules, four eyes and the hearing, and keep the audit trail)."""
from django.contrib import admin

from meedoen.admin_readonly import ReadOnlyAdmin, ReadOnlyInline

from .models import Exemption, Hearing, IncomeSignal, Measure, Objection


class HearingInline(ReadOnlyInline):
    model = Hearing


@admin.register(Measure)
class MeasureAdmin(ReadOnlyAdmin):
    list_display = ("resident", "breached_obligation", "status", "outcome", "percentage", "starts_on", "ends_on")
    list_filter = ("status", "outcome", "regime", "source")
    raw_id_fields = ("resident",)
    inlines = [HearingInline]


@admin.register(Exemption)
class ExemptionAdmin(ReadOnlyAdmin):
    list_display = ("resident", "kind", "starts_on", "ends_on", "review_on", "status")
    list_filter = ("kind", "status")
    raw_id_fields = ("resident",)


@admin.register(IncomeSignal)
class IncomeSignalAdmin(ReadOnlyAdmin):
    list_display = ("resident", "source", "received_on", "status", "correct_by")
    list_filter = ("source", "status")
    raw_id_fields = ("resident",)


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ("resident", "kind", "decision_kind", "received_on", "respond_by", "status")
    list_filter = ("kind", "status")
    raw_id_fields = ("resident",)
