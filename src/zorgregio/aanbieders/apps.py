from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AanbiedersConfig(AppConfig):
    name = "zorgregio.aanbieders"
    verbose_name = _("Care providers")
