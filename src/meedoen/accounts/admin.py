from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "municipality", "team", "is_active")
    list_filter = ("role", "municipality", "team", "provider", "is_active")
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Meedoen", {"fields": ("role", "job_title", "municipality", "team", "neighbourhood", "provider",
                               "intensive_caseload")}),
    )
