from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "zorgregio.accounts"
    verbose_name = _("Users and roles")

    def ready(self) -> None:
        from . import schema, signals  # noqa: F401 - login audit, API schema extensions
