"""Admin for letter templates: every edit of an active template becomes a new version."""
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import LetterTemplate


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    list_display = ("kind", "tone", "profile_key", "version", "is_active", "subject", "created_at", "created_by")
    list_filter = ("is_active", "kind", "tone", "profile_key")
    search_fields = ("subject", "body", "profile_key")
    ordering = ("kind", "profile_key", "tone", "-version")
    actions = ["restore_version"]
    fields = ("kind", "tone", "profile_key", "version", "is_active", "subject", "body", "based_on", "created_at",
              "created_by", "is_shipped_default")

    def get_readonly_fields(self, request, obj=None):
        always = ("version", "is_active", "based_on", "created_at", "created_by", "is_shipped_default")
        if obj is None:
            return always
        if not obj.is_active:
            return always + ("kind", "tone", "profile_key", "subject", "body")  # an old version never changes
        return always + ("kind", "tone", "profile_key")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            obj.version = (
                LetterTemplate.objects.filter(kind=obj.kind, tone=obj.tone, profile_key=obj.profile_key)
                .order_by("-version").values_list("version", flat=True).first() or 0
            ) + 1
            LetterTemplate.objects.filter(
                kind=obj.kind, tone=obj.tone, profile_key=obj.profile_key, is_active=True
            ).update(is_active=False)
            obj.is_active = True
            super().save_model(request, obj, form, change)
            return
        stored = LetterTemplate.objects.get(pk=obj.pk)
        new = services.revise_template(stored, subject=obj.subject, body=obj.body, actor=request.user)
        if new.pk != stored.pk:
            # Show the new version after saving; the edited one stays as it was, for the letters it made.
            obj.pk, obj.version, obj.is_active, obj.based_on = new.pk, new.version, True, new.based_on
            obj._state.adding = False
            messages.info(request, _("Opgeslagen als versie %(v)s. Eerdere brieven houden hun eigen versie.")
                          % {"v": new.version})

    @admin.action(description=_("Deze versie weer in gebruik nemen (als nieuwe versie)"))
    def restore_version(self, request, queryset):
        made = 0
        for template in queryset:
            if not template.is_active:
                services.revise_template(template, subject=template.subject, body=template.body, actor=request.user)
                made += 1
        self.message_user(request, ngettext("%(n)d versie weer in gebruik genomen.",
                                            "%(n)d versies weer in gebruik genomen.", made) % {"n": made})

    def has_delete_permission(self, request, obj=None):
        return False  # letters point to their template version; versions are kept

# Letters belong to a dossier: read and reprinted on the dossier screens, not in the admin (meedoen.admin_site).
