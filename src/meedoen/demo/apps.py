from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "meedoen.demo"
    label = "demo"
