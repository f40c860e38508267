"""Users and API tokens in the admin.

- Staff accounts only: residents' own logins (the portal) are not listed; they belong to a dossier.
- A functioneel beheerder who is not a superuser manages the staff of the own municipality and cannot hand out
  rights: staff status, superuser status, groups and permissions are for a superuser.
- API tokens are made and revoked only by a superuser, always with an expiry, and audited (meedoen.accounts.tokens).
"""
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import tokens
from .models import ApiToken, Role, User

RIGHTS_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


# Roles a functioneel beheerder may give: never 'inwoner' (residents log in through the portal) and never
# 'functioneel beheerder' (that is a superuser's to give, like every other right).
ROLES_FOR_ADMINISTRATORS = frozenset(Role.values) - {Role.RESIDENT, Role.ADMINISTRATOR}


class StaffRoleForm(forms.ModelForm):
    """The role list without 'inwoner' (and, for a non-superuser, without 'functioneel beheerder')."""

    allowed_roles = frozenset(Role.values) - {Role.RESIDENT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "role" in self.fields:
            self.fields["role"].choices = [c for c in self.fields["role"].choices
                                           if c[0] in self.allowed_roles or c[0] == ""]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "municipality", "team", "is_active")
    list_filter = ("role", ("team", admin.RelatedOnlyFieldListFilter), ("provider", admin.RelatedOnlyFieldListFilter),
                   "is_active")
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Meedoen", {"fields": ("role", "job_title", "municipality", "team", "neighbourhood", "provider",
                               "intensive_caseload")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        ("Meedoen", {"fields": ("role", "job_title", "municipality", "team", "neighbourhood", "provider")}),
    )

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        roles = StaffRoleForm.allowed_roles if request.user.is_superuser else ROLES_FOR_ADMINISTRATORS
        return type(form.__name__, (StaffRoleForm, form), {"allowed_roles": roles})

    def get_queryset(self, request):
        qs = super().get_queryset(request).exclude(role=Role.RESIDENT)
        if request.user.is_superuser:
            return qs
        # A functioneel beheerder manages colleagues, not accounts with rights: not superusers, not other
        # administrators, not themself (their own password and app are on the account page).
        return qs.exclude(is_superuser=True).exclude(role=Role.ADMINISTRATOR)

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return readonly
        return readonly + RIGHTS_FIELDS + ("municipality",)

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.municipality_id = request.user.municipality_id  # a beheerder adds staff to the own municipality
        super().save_model(request, obj, form, change)


class ApiTokenForm(forms.ModelForm):
    days = forms.IntegerField(label=_("Geldig (dagen)"), min_value=1, max_value=ApiToken.MAX_DAYS,
                              initial=ApiToken.DEFAULT_DAYS)

    class Meta:
        model = ApiToken
        fields = ("user", "name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = tokens.token_holders()


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "user", "created_at", "created_by", "expires_at", "revoked_at", "last_used_at")
    list_filter = ("revoked_at",)
    readonly_fields = ("prefix", "created_at", "created_by", "expires_at", "revoked_at", "last_used_at")
    actions = ["revoke_selected"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return False  # a token is made or revoked, never edited

    def has_delete_permission(self, request, obj=None):
        return False  # revoked tokens stay as a record

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ("user", "name", "days") if obj is None else ("user", "name") + self.readonly_fields

    def save_model(self, request, obj, form, change):
        token, key = tokens.issue(user=form.cleaned_data["user"], name=form.cleaned_data["name"],
                                  days=form.cleaned_data["days"], issued_by=request.user, request=request)
        obj.pk = token.pk
        obj.__dict__.update({k: v for k, v in token.__dict__.items() if not k.startswith("_")})
        messages.warning(request, _("De sleutel is: %(key)s — kopieer hem nu; hij wordt niet nog eens getoond.")
                         % {"key": key})

    @admin.action(description=_("Intrekken"))
    def revoke_selected(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True, expires_at__gt=timezone.now()):
            tokens.revoke(token, revoked_by=request.user, request=request)


# Authenticator apps are managed on the account pages (enrolment, renewal, the administrator's audited reset), not in
# the admin: that keeps secrets out of the admin and every reset in the audit trail.
try:
    admin.site.unregister(TOTPDevice)
except admin.sites.NotRegistered:
    pass
