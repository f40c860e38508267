from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import services
from .models import PolicyProfile


@admin.register(PolicyProfile)
class PolicyProfileAdmin(admin.ModelAdmin):
    list_display = ("name", "key", "version", "status", "effective_from", "is_preset", "approved_by_name")
    list_filter = ("status", "is_preset", "stance")
    search_fields = ("name", "key")
    actions = ["copy_as_new_version", "approve_selected"]
    readonly_fields = ("approved_by", "approved_by_name", "approved_at", "based_on")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status == PolicyProfile.Status.APPROVED:
            # An approved version is frozen: decisions refer to it. Copy it to change anything.
            return [f.name for f in PolicyProfile._meta.fields]
        return self.readonly_fields

    @admin.action(description=_("Kopiëren als nieuwe conceptversie"))
    def copy_as_new_version(self, request, queryset):
        for profile in queryset:
            copy = services.copy_as_draft(profile)
            self.message_user(request, _("Conceptversie %(v)s van %(k)s gemaakt.") % {"v": copy.version, "k": copy.key})

    @admin.action(description=_("Vaststellen (goedkeuren)"))
    def approve_selected(self, request, queryset):
        for profile in queryset.filter(status=PolicyProfile.Status.DRAFT):
            try:
                services.approve(profile, request.user)
            except Exception as exc:  # ValidationError with Dutch messages
                self.message_user(request, f"{profile}: {exc}", level=messages.ERROR)
