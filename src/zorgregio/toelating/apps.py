from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ToelatingConfig(AppConfig):
    name = "zorgregio.toelating"
    verbose_name = _("Admission procedure")
