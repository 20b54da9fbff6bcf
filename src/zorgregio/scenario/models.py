"""Budget scenarios: a named set of knobs on the baseline projection, saved in versions.

A scenario covers one municipality or (``municipality`` empty) the whole region. Every save
makes a new :class:`ScenarioVersion` with its knobs and a summary of the figures as they were
computed at that moment (what the council report shows); older versions stay readable. No
client-level data is stored: the summary holds totals per year only.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Scenario(models.Model):
    region = models.ForeignKey(
        "regio.Region", verbose_name=_("care region"), on_delete=models.CASCADE
    )
    municipality = models.ForeignKey(
        "regio.Municipality",
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Empty: the whole region."),
    )
    name = models.CharField(_("name"), max_length=120)
    published = models.BooleanField(
        _("published to the council"),
        default=False,
        help_text=_("Council members read published scenarios; the council report shows them."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        ordering = ["municipality__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "municipality", "name"], name="scenario_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def latest(self):
        return self.versions.order_by("-number").first()


class ScenarioVersion(models.Model):
    scenario = models.ForeignKey(
        Scenario, verbose_name=_("scenario"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    base_year = models.PositiveSmallIntegerField(_("base year"))
    horizon = models.PositiveSmallIntegerField(_("years projected"))
    knobs = models.JSONField(_("knobs"), default=list)
    summary = models.JSONField(
        _("figures when saved"),
        default=dict,
        help_text=_("Totals per year of the scenario and its baseline at the moment of saving."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    saved_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("scenario version")
        verbose_name_plural = _("scenario versions")
        ordering = ["scenario", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "number"], name="scenario_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scenario} v{self.number}"
