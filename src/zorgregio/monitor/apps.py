from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitorConfig(AppConfig):
    name = "zorgregio.monitor"
    verbose_name = _("Regional monitor")

    def ready(self) -> None:
        from zorgregio.zorg.hooks import on_care_data_changed

        from .services import refresh_pending

        on_care_data_changed(_("the monitor"), refresh_pending)
