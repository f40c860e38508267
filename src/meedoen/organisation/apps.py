from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "meedoen.organisation"
    label = "organisation"
