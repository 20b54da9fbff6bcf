from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InrichtingConfig(AppConfig):
    name = "zorgregio.inrichting"
    verbose_name = _("Set-up of the region")
