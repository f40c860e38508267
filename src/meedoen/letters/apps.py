from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "meedoen.letters"
    label = "letters"
