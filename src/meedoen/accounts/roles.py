"""The admin rights of the functioneel beheerder, as a group kept in step with the code.

The functioneel beheerder is staff (may open /beheer/) but not a superuser: they configure the municipality (wijken,
teams, venues, policy profiles, letter templates, the offer) and manage staff accounts of the own municipality, and
read the audit trail. Only a superuser (applicatiebeheer) hands out rights, makes API tokens and reads the login
records of django-axes (they hold every login of every municipality, residents' too).
`sync_administrator_group` runs after every migration (post_migrate), so the group's permissions follow this list.
"""
from django.contrib.auth.models import Group, Permission

ADMINISTRATOR_GROUP = "Functioneel beheer"

# app label -> model -> actions
ADMINISTRATOR_PERMISSIONS = {
    "organisation": {"municipality": ("view", "change"), "neighbourhood": ("view", "add", "change", "delete"),
                     "venue": ("view", "add", "change", "delete"), "team": ("view", "add", "change", "delete")},
    "policy": {"policyprofile": ("view", "add", "change")},
    "letters": {"lettertemplate": ("view", "add", "change")},
    "offer": {"provider": ("view", "add", "change"), "providercontract": ("view", "add", "change"),
              "activity": ("view", "add", "change"), "provisiontype": ("view", "add", "change")},
    "accounts": {"user": ("view", "add", "change")},
    "experiments": {"experiment": ("view",)},
    "audit": {"auditentry": ("view",)},
    "retention": {"deletionrecord": ("view",)},
}


def administrator_permissions():
    codenames = [(app, f"{action}_{model}") for app, models in ADMINISTRATOR_PERMISSIONS.items()
                 for model, actions in models.items() for action in actions]
    perms = Permission.objects.filter(content_type__app_label__in={app for app, _c in codenames},
                                      codename__in={c for _a, c in codenames}).select_related("content_type")
    wanted = set(codenames)
    return [p for p in perms if (p.content_type.app_label, p.codename) in wanted]


def sync_administrator_group():
    group, _created = Group.objects.get_or_create(name=ADMINISTRATOR_GROUP)
    group.permissions.set(administrator_permissions())
    return group


def on_post_migrate(sender, **kwargs):
    # Sent once per app; permissions of apps migrated later are added at their turn (idempotent).
    using = kwargs.get("using", "default")
    if using == "default":
        sync_administrator_group()
