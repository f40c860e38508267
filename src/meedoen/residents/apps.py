from django.apps import AppConfig


class ResidentsConfig(AppConfig):
    name = "meedoen.residents"
    label = "residents"
