from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

MENU_LABEL = _("Budget scenarios")  # the main menu's entry (web.context_processors)


class ScenarioConfig(AppConfig):
    name = "zorgregio.scenario"
    verbose_name = _("Budget scenarios")

    def ready(self) -> None:
        from zorgregio.monitor.report_sections import register

        from .report import scenario_section

        register("scenario", scenario_section)
