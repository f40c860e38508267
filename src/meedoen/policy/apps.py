from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "meedoen.policy"
    label = "policy"
