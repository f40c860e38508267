from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfferConfig(AppConfig):
    name = "meedoen.offer"
    label = "offer"
    verbose_name = _("Aanbod")
