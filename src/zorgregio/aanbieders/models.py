from django.db import models
from django.utils.translation import gettext_lazy as _

from zorgregio.common.models import TimeStampedModel
from zorgregio.common.validators import validate_agb_code, validate_kvk_number


class LegalForm(models.TextChoices):
    BV = "bv", _("Private limited company (BV)")
    STICHTING = "stichting", _("Foundation (stichting)")
    VERENIGING = "vereniging", _("Association (vereniging)")
    EENMANSZAAK = "eenmanszaak", _("Sole proprietorship (eenmanszaak)")
    VOF = "vof", _("General partnership (vof)")
    COOPERATIE = "cooperatie", _("Cooperative (coöperatie)")
    OTHER = "overig", _("Other")


class ProviderQuerySet(models.QuerySet):
    def visible_to(self, user):
        from zorgregio.accounts.scoping import scope_for

        return scope_for(user).providers(self)


class Provider(TimeStampedModel):
    """A care provider (zorgaanbieder), identified by its KvK number and AGB code."""

    name = models.CharField(_("name"), max_length=200)
    kvk_number = models.CharField(
        _("KvK number"), max_length=8, unique=True, validators=[validate_kvk_number]
    )
    agb_code = models.CharField(
        _("AGB code"),
        max_length=8,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_agb_code],
        help_text=_("Vektis AGB code; the identifier in iWmo/iJw messages."),
    )
    legal_form = models.CharField(
        _("legal form"), max_length=20, choices=LegalForm.choices, default=LegalForm.BV
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    regions = models.ManyToManyField(
        "regio.Region", verbose_name=_("regions"), related_name="providers", blank=True
    )

    objects = ProviderQuerySet.as_manager()

    class Meta:
        verbose_name = _("care provider")
        verbose_name_plural = _("care providers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        # No AGB code is NULL, not "": several providers may lack one (unique constraint).
        self.agb_code = self.agb_code or None


class AddressKind(models.TextChoices):
    VISIT = "bezoek", _("Visiting address")
    POSTAL = "post", _("Postal address")


class ProviderAddress(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="addresses")
    kind = models.CharField(
        _("kind"), max_length=10, choices=AddressKind.choices, default=AddressKind.VISIT
    )
    street = models.CharField(_("street"), max_length=150)
    house_number = models.CharField(_("house number"), max_length=20)
    postcode = models.CharField(_("postcode"), max_length=7)
    city = models.CharField(_("city"), max_length=100)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")

    def __str__(self) -> str:
        return f"{self.street} {self.house_number}, {self.postcode} {self.city}"
