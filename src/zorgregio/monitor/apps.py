from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitorConfig(AppConfig):
    name = "zorgregio.monitor"
    verbose_name = _("Regional monitor")
