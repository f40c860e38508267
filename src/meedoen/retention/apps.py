from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "meedoen.retention"
    label = "retention"
