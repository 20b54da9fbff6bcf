from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegioConfig(AppConfig):
    name = "zorgregio.regio"
    verbose_name = _("Region")
