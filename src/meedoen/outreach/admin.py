from django.contrib import admin

from .models import Appointment, Campaign, ContactPreference, Invitation, LadderStep, Outreach, SentMessage, Slot


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "municipality", "team", "appointment_kind", "status", "created_at")
    list_filter = ("status", "appointment_kind")
    raw_id_fields = ("created_by", "neighbourhood", "team", "policy_profile")


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ("starts_at", "venue", "caseworker", "capacity", "booked_count", "campaign")
    raw_id_fields = ("campaign", "caseworker", "venue", "created_by")


@admin.register(Outreach)
class OutreachAdmin(admin.ModelAdmin):
    list_display = ("campaign", "resident", "status", "position", "pending_event", "respond_by")
    list_filter = ("status",)
    raw_id_fields = ("campaign", "resident")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("outreach", "position", "status", "sent_at", "expires_at", "reminder_sent_at")
    raw_id_fields = ("outreach",)


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ("resident", "slot", "how", "status", "obligatory", "measure_possible")
    list_filter = ("status", "how")
    raw_id_fields = ("outreach", "resident", "slot", "invitation", "booked_by", "attendance_recorded_by")


@admin.register(LadderStep)
class LadderStepAdmin(admin.ModelAdmin):
    list_display = ("outreach", "position", "kind", "event", "policy_profile", "executed_at")
    raw_id_fields = ("outreach", "appointment")


@admin.register(SentMessage)
class SentMessageAdmin(admin.ModelAdmin):
    list_display = ("resident", "channel", "purpose", "status", "created_at")
    list_filter = ("channel", "status")
    raw_id_fields = ("resident", "campaign", "outreach")
    exclude = ("body",)


@admin.register(ContactPreference)
class ContactPreferenceAdmin(admin.ModelAdmin):
    list_display = ("resident", "email_consent", "sms_consent", "reminders_paused")
    raw_id_fields = ("resident", "updated_by")
