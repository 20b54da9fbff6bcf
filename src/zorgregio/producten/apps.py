from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductenConfig(AppConfig):
    name = "zorgregio.producten"
    verbose_name = _("Products and tariffs")
