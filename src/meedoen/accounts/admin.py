from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "municipality", "team", "is_active")
    list_filter = ("role", "municipality", "team", "provider", "is_active")
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Meedoen", {"fields": ("role", "job_title", "municipality", "team", "neighbourhood", "provider",
                               "intensive_caseload")}),
    )


# Authenticator apps are managed on the account pages (enrolment, renewal, the administrator's audited reset), not in
# the admin: that keeps secrets out of the admin and every reset in the audit trail.
try:
    admin.site.unregister(TOTPDevice)
except admin.sites.NotRegistered:
    pass
