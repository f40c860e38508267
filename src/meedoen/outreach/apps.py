from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "meedoen.outreach"
    label = "outreach"
