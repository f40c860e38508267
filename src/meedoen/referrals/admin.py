"""Admin views for functional administrators: read the referral loop's records; changes go through the screens and
the services (state machine, optimistic locking, audit)."""
from django.contrib import admin

from meedoen.admin_readonly import ReadOnlyAdmin

from .models import ActivityCheck, Cohort, ProviderReport, Referral, ReferralEvent, Suggestion


class ReferralEventInline(admin.TabularInline):
    model = ReferralEvent
    extra = 0
    can_delete = False
    fields = ("occurred_at", "action", "status", "note", "actor", "seen_by_caseworker_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ("pk", "provider", "activity", "status", "referred_at", "placed_on", "returned_on", "version")
    list_filter = ("status", "provider__kind")
    search_fields = ("provider__name", "activity__title")
    raw_id_fields = ("resident", "suggestion")
    inlines = [ReferralEventInline]


@admin.register(Cohort)
class CohortAdmin(ReadOnlyAdmin):
    list_display = ("name", "provider", "starts_on", "size")
    list_filter = ("provider",)


@admin.register(ProviderReport)
class ProviderReportAdmin(ReadOnlyAdmin):
    list_display = ("referral", "reported_on", "progress")
    list_filter = ("progress",)
    raw_id_fields = ("referral",)


@admin.register(ActivityCheck)
class ActivityCheckAdmin(ReadOnlyAdmin):
    list_display = ("referral", "due_on", "checked_on", "still_active")
    list_filter = ("still_active",)
    raw_id_fields = ("referral",)


@admin.register(Suggestion)
class SuggestionAdmin(ReadOnlyAdmin):
    list_display = ("activity", "rank", "score", "chosen", "offered_at")
    list_filter = ("chosen",)
    raw_id_fields = ("resident",)
