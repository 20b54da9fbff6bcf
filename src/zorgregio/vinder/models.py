"""The public provider finder: a provider's offer (aanbod) with its locations, and the region's
postcode table (PC6 -> WGS84 coordinates) for the distance search.

What the finder shows of the contract register (which provider may deliver what where on a
date), of the waiting times and of the client satisfaction is read from those apps; only the
offer and the postcode table are kept here. Every text of the offer is plain text: it is shown
escaped, never as HTML.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from zorgregio.common.models import TimeStampedModel


class TargetGroup(models.TextChoices):
    """Who an offer is for: the finder's filter, so a fixed list."""

    YOUTH = "jeugd", _("Children and young people")
    YOUNG_ADULTS = "jongvolwassenen", _("Young adults (18-27)")
    ADULTS = "volwassenen", _("Adults")
    ELDERLY = "ouderen", _("Older people")
    DEMENTIA = "dementie", _("People with dementia")
    INTELLECTUAL = "verstandelijk", _("People with an intellectual disability")
    PHYSICAL = "lichamelijk", _("People with a physical disability")
    PSYCHIATRIC = "psychisch", _("People with psychiatric or psychological problems")
    AUTISM = "autisme", _("People with autism")
    BRAIN_INJURY = "nah", _("People with acquired brain injury")
    ADDICTION = "verslaving", _("People with an addiction")
    CAREGIVERS = "mantelzorgers", _("Informal carers")


class Language(models.TextChoices):
    """Languages in which the provider can help (besides Dutch, always)."""

    DUTCH = "nl", _("Dutch")
    ENGLISH = "en", _("English")
    GERMAN = "de", _("German")
    TURKISH = "tr", _("Turkish")
    ARABIC = "ar", _("Arabic")
    POLISH = "pl", _("Polish")
    TIGRINYA = "ti", _("Tigrinya")
    UKRAINIAN = "uk", _("Ukrainian")
    PAPIAMENTO = "pap", _("Papiamento")
    SIGN = "ngt", _("Dutch Sign Language")


# Length limits of the offer's texts (also in the form and the service).
DESCRIPTION_MAX = 2000
APPROACH_MAX = 2000
SPECIALISMS_MAX = 500
MAX_LOCATIONS = 20


class Offer(TimeStampedModel):
    """The offer (aanbod) a provider publishes in the finder; kept by the provider itself."""

    provider = models.OneToOneField(
        "aanbieders.Provider", on_delete=models.CASCADE, related_name="offer"
    )
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX, blank=True)
    approach = models.TextField(_("approach"), max_length=APPROACH_MAX, blank=True)
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    specialisms = models.CharField(_("specialisms"), max_length=SPECIALISMS_MAX, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")

    def __str__(self) -> str:
        return str(self.provider)

    def target_group_labels(self) -> list[str]:
        labels = dict(TargetGroup.choices)
        return [str(labels[c]) for c in self.target_groups if c in labels]

    def language_labels(self) -> list[str]:
        labels = dict(Language.choices)
        return [str(labels[c]) for c in self.languages if c in labels]

    def specialism_list(self) -> list[str]:
        return [s.strip() for s in self.specialisms.split(",") if s.strip()]


class Location(models.Model):
    """A place where the provider receives clients; its coordinates come from the postcode."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(_("name"), max_length=100)
    street = models.CharField(_("street"), max_length=100)
    house_number = models.CharField(_("house number"), max_length=12)
    postcode = models.CharField(_("postcode"), max_length=6, help_text=_("1234AB, no space."))
    city = models.CharField(_("city"), max_length=80)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["offer", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.name}, {self.street} {self.house_number}, {self.postcode} {self.city}"

    @property
    def postcode_display(self) -> str:
        return f"{self.postcode[:4]} {self.postcode[4:]}"


class Postcode(models.Model):
    """One six-position postcode (PC6) with the WGS84 coordinates of its centre, as the region
    imports them (``zorgregio import-postcodes``)."""

    postcode = models.CharField(_("postcode"), max_length=6, primary_key=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=6,
        validators=[MinValueValidator(50), MaxValueValidator(54)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=6,
        validators=[MinValueValidator(3), MaxValueValidator(8)],
    )
    city = models.CharField(_("city"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("postcode")
        verbose_name_plural = _("postcodes")
        ordering = ["postcode"]

    def __str__(self) -> str:
        return self.postcode
