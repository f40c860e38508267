from django.apps import AppConfig


class GuidanceConfig(AppConfig):
    name = "meedoen.guidance"
    label = "guidance"

    def ready(self):
        from . import signals  # noqa: F401  (worklist facts follow the records they copy)
