"""The admin (`/beheer/`) is for configuration and users only: no dossier, no personal data of residents.

Dossiers are read and changed only through the screens, which check role and relation, keep the audit trail and the
dossier's version (optimistic locking). The admin site enforces that structurally:
- registering a model that leads to a resident (a foreign key to `Resident`, directly or through other models) is
  refused at start-up (ImproperlyConfigured), also for a third-party app;
- every model admin is given `ConfigAdminMixin`: a delete confirmation shows counts per kind of record, never the
  records' names (deleting a wijk would otherwise list the residents that protect it); a functioneel beheerder who is
  not a superuser sees and chooses only records of the own municipality.
Reads and changes in the admin are in the audit trail like every other page (meedoen.audit.middleware).
"""
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import ImproperlyConfigured
from django.db.models.base import ModelBase
from django.utils.translation import gettext_lazy as _

RESIDENT_MODEL = "residents.Resident"
# Relations not followed when looking for a path to a resident: a user account may belong to a resident (portal
# login), and almost every record names the user who made it. The user admin itself hides residents' accounts.
NOT_FOLLOWED = {"accounts.User"}
MAX_DEPTH = 4


def leads_to_resident(model, depth=MAX_DEPTH, seen=None):
    """Whether a record of `model` is, or points (through forward relations) to, a resident's dossier."""
    seen = set() if seen is None else seen
    label = model._meta.label
    if label == RESIDENT_MODEL:
        return True
    if depth == 0 or label in seen:
        return False
    seen.add(label)
    for field in model._meta.get_fields():
        if not (field.is_relation and field.concrete and (field.many_to_one or field.one_to_one)):
            continue
        target = field.related_model
        if target is None or target._meta.label in NOT_FOLLOWED:
            continue
        if leads_to_resident(target, depth - 1, seen):
            return True
    return False


def _municipality_path(model):
    """The lookup from `model` to its municipality, or None for models that belong to no municipality."""
    if model._meta.label == "organisation.Municipality":
        return "pk"
    names = {f.name for f in model._meta.get_fields() if f.concrete}
    if "municipality" in names:
        return "municipality"
    if "municipality_id" in names:  # a plain number (the audit trail, which outlives what it names)
        return "municipality_id"
    if "provider" in names and model._meta.label != "accounts.User":
        return "provider__municipality"
    return None


class ConfigAdminMixin:
    """Given to every model admin by MeedoenAdminSite."""

    def get_deleted_objects(self, objs, request):
        _deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        summary = [f"{name}: {count}" for name, count in model_count.items()]
        protected_counts = {}
        for obj in protected:
            name = obj._meta.verbose_name_plural if hasattr(obj, "_meta") else _("overige gegevens")
            protected_counts[str(name)] = protected_counts.get(str(name), 0) + 1
        protected_summary = [f"{name}: {count}" for name, count in protected_counts.items()]
        return summary, model_count, perms_needed, protected_summary

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        path = _municipality_path(self.model)
        if path is None or request.user.is_superuser:
            return qs
        if request.user.municipality_id is None:
            return qs.none()
        return qs.filter(**{path: request.user.municipality_id})

    def _scope_choices(self, db_field, request, kwargs):
        related = db_field.related_model
        path = _municipality_path(related) if related is not None else None
        if path is not None and not request.user.is_superuser and "queryset" not in kwargs:
            municipality = request.user.municipality_id
            manager = related._default_manager
            kwargs["queryset"] = manager.filter(**{path: municipality}) if municipality else manager.none()
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(db_field, request, **self._scope_choices(db_field, request, kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(db_field, request, **self._scope_choices(db_field, request, kwargs))


class MeedoenAdminSite(admin.AdminSite):
    site_header = _("Meedoen — beheer")
    site_title = _("Meedoen beheer")
    index_title = _("Instellingen en gebruikers")

    def register(self, model_or_iterable, admin_class=None, **options):
        models = [model_or_iterable] if isinstance(model_or_iterable, ModelBase) else list(model_or_iterable)
        inlines = [inline.model for inline in getattr(admin_class, "inlines", ())]
        for model in models + inlines:
            if leads_to_resident(model) and model._meta.label not in NOT_FOLLOWED:
                raise ImproperlyConfigured(
                    f"{model._meta.label} holds personal data of residents and may not be in the admin: dossiers are "
                    "read and changed only through the screens (access check, audit trail, version)."
                )
        base = admin_class or admin.ModelAdmin
        if not issubclass(base, ConfigAdminMixin):
            base = type(base.__name__, (ConfigAdminMixin, base), {"__module__": base.__module__})
        super().register(models, base, **options)


class MeedoenAdminConfig(AdminConfig):
    default_site = "meedoen.admin_site.MeedoenAdminSite"


def registered_models():
    """The models in the admin (for tests and the docs)."""
    return [model for model in apps.get_models() if admin.site.is_registered(model)]
