from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ToezichtConfig(AppConfig):
    name = "zorgregio.toezicht"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from zorgregio.zorg.hooks import on_care_data_changed

        from .services import refresh_after_care_change

        # Registered after the monitor (INSTALLED_APPS order): the signals read its facts.
        on_care_data_changed(_("the supervision signals"), refresh_after_care_change)
