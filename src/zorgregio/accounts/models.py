from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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
    oidc_subject = models.CharField(
        _("OIDC subject"),
        max_length=255,
        unique=True,
        null=True,
        blank=True,
        help_text=_("The identity provider's id of this person (set at the first OIDC login)."),
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


# Roles whose users see client-level data (``Scope.client_data``): a password login needs a
# second factor, and granting one in /beheer/ needs a second person (four eyes).
CLIENT_DATA_ROLES = (Role.REGIONAL, Role.MUNICIPALITY, Role.PROVIDER)


class ApiToken(models.Model):
    """A key with which another system of the region calls the API as ``user`` (with that
    user's role and scope). Only a hash is stored; the key is shown once when it is made."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("Which system uses it."))
    prefix = models.CharField(_("first characters"), max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["user", "-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class RoleChangeStatus(models.TextChoices):
    PENDING = "open", pgettext_lazy("role change", "awaiting approval")
    APPROVED = "goedgekeurd", pgettext_lazy("role change", "approved")
    REJECTED = "afgewezen", pgettext_lazy("role change", "rejected")


class RoleChangeRequest(models.Model):
    """A change of role or scope that would give client-level access, asked for in /beheer/;
    it applies only when a second person of the regional team approves it (four eyes)."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_requests"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        "regio.Region", verbose_name=_("region"), null=True, on_delete=models.CASCADE
    )
    municipalities = models.ManyToManyField(
        "regio.Municipality", verbose_name=_("municipalities"), blank=True, related_name="+"
    )
    provider = models.ForeignKey(
        "aanbieders.Provider",
        verbose_name=_("care provider"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        User, verbose_name=_("requested by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RoleChangeStatus.choices,
        default=RoleChangeStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("role change awaiting approval")
        verbose_name_plural = _("role changes awaiting approval")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} → {self.get_role_display()}"
