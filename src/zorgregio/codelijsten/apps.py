from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CodelijstenConfig(AppConfig):
    name = "zorgregio.codelijsten"
    verbose_name = _("Code lists")
