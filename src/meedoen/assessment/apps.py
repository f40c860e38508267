from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "meedoen.assessment"
    label = "assessment"
