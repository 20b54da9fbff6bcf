from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VinderConfig(AppConfig):
    name = "zorgregio.vinder"
    verbose_name = _("Provider finder")
