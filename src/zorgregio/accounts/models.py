from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    REGIONAL = "regio", _("Regional team")
    MUNICIPALITY = "gemeente", _("Municipality staff")
    PROVIDER = "aanbieder", _("Care provider")
    COUNCIL = "raad", _("Council member (read-only)")
    ADMIN = "beheerder", _("Administrator")


class User(AbstractUser):
    """A person with one role; what the role may see is decided in :mod:`.scoping`."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    region = models.ForeignKey(
        "regio.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    municipalities = models.ManyToManyField(
        "regio.Municipality",
        verbose_name=_("municipalities"),
        blank=True,
        related_name="staff",
        help_text=_("For municipality staff: the municipalities this person works for."),
    )
    provider = models.ForeignKey(
        "aanbieders.Provider",
        verbose_name=_("care provider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("For provider users: the organisation this person works for."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def clean(self) -> None:
        super().clean()
        if self.role == Role.PROVIDER and not self.provider_id:
            raise ValidationError({"provider": _("A provider user needs a care provider.")})
        if self.role != Role.PROVIDER and self.provider_id:
            raise ValidationError(
                {"provider": _("Only provider users are linked to a care provider.")}
            )
        if self.role and self.role != Role.ADMIN and not self.region_id:
            raise ValidationError({"region": _("Every role except administrator needs a region.")})
