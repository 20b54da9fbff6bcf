from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BerichtenConfig(AppConfig):
    name = "zorgregio.berichten"
    verbose_name = _("Message traffic")

    def ready(self):
        from . import checks  # noqa: F401  (registers the parser check)
