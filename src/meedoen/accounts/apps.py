from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "meedoen.accounts"
    label = "accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from . import checks  # noqa: F401 (registers the STAFF_TWO_FACTOR check)
        from .roles import on_post_migrate
        from .two_factor import on_user_logged_in

        user_logged_in.connect(on_user_logged_in, dispatch_uid="meedoen.accounts.two_factor")
        post_migrate.connect(on_post_migrate, dispatch_uid="meedoen.accounts.roles")
