from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractenConfig(AppConfig):
    name = "zorgregio.contracten"
    verbose_name = _("Contract register")
