"""Admin for functional administrators: providers with their contracts and staff, the catalogue, provision types.
Grants are not here: requests and decisions go through the dossier screens (budget rules, second approval)."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from meedoen.accounts.models import User

from .models import Activity, Provider, ProviderContract, ProvisionType


class ContractInline(admin.TabularInline):
    model = ProviderContract
    extra = 0
    fields = ("reference", "starts_on", "ends_on", "placements_per_year", "guidance_months", "report_every_months",
              "cohort_size", "price_per_placement")


class StaffInline(admin.TabularInline):
    model = User
    fk_name = "provider"
    extra = 0
    can_delete = False
    fields = ("username", "first_name", "last_name", "role", "is_active")
    readonly_fields = fields
    verbose_name = _("medewerker met een account")
    verbose_name_plural = _("medewerkers met een account (toevoegen via Gebruikers)")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "municipality", "neighbourhood", "active")
    list_filter = ("municipality", "kind", "active")
    search_fields = ("name",)
    inlines = [ContractInline, StaffInline]


@admin.register(ProviderContract)
class ProviderContractAdmin(admin.ModelAdmin):
    list_display = ("provider", "reference", "starts_on", "ends_on", "placements_per_year", "guidance_months",
                    "cohort_size")
    list_filter = ("provider__municipality",)
    search_fields = ("provider__name", "reference")
    autocomplete_fields = ("provider",)


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("title", "code", "category", "provider", "neighbourhood", "capacity", "min_hours_per_week",
                    "max_hours_per_week", "active")
    list_filter = ("municipality", "category", "active", "physical_load", "min_language_level")
    search_fields = ("title", "code", "provider__name")
    autocomplete_fields = ("provider",)
    readonly_fields = ("version", "created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        if change:  # keep optimistic locking meaningful for screen edits that started before this save
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(ProvisionType)
class ProvisionTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "municipality", "provider", "default_cost", "active")
    list_filter = ("municipality", "kind", "active")
    search_fields = ("name",)

# Grants belong to a dossier: requested and decided on the dossier screens, not in the admin (meedoen.admin_site).
