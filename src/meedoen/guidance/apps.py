from django.apps import AppConfig


class GuidanceConfig(AppConfig):
    name = "meedoen.guidance"
    label = "guidance"
