"""Factories for the monitor's tests: small hand-built care data (the zorg models included)."""

import datetime as dt

import factory

from zorgregio.aanbieders.tests.factories import ProviderFactory
from zorgregio.contracten.models import Admission, AdmissionStatus, FrameworkAgreement
from zorgregio.monitor.models import Budget
from zorgregio.producten.models import Product, ProductGroup
from zorgregio.regio.tests.factories import MunicipalityFactory, RegionFactory
from zorgregio.zorg.models import Client, Declaratie, DeclaratieRegel, Levering, Toewijzing


class ProductGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductGroup
        django_get_or_create = ["code"]

    law = "wmo"
    code = factory.Sequence(lambda n: f"mon-groep-{n}")
    name = factory.Sequence(lambda n: f"Groep {n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    group = factory.SubFactory(ProductGroupFactory)
    law = factory.SelfAttribute("group.law")
    productcategorie = "02"
    productcode = factory.Sequence(lambda n: f"M{n:04d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    unit = "04"
    intensity_rank = 1
    valid_from = dt.date(2015, 1, 1)


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    pseudonym = factory.Sequence(lambda n: f"pseudo{n:058d}")
    bsn_encrypted = "x"
    birth_date = dt.date(1960, 5, 1)


class ToewijzingFactory(factory.django.DjangoModelFactory):
    """A toewijzing; ``with_levering=False`` leaves it without 305/307 (its period counts)."""

    class Meta:
        model = Toewijzing

    municipality = factory.SubFactory(MunicipalityFactory)
    provider = factory.SubFactory(ProviderFactory)
    client = factory.SubFactory(ClientFactory)
    product = factory.SubFactory(ProductFactory)
    law = factory.SelfAttribute("product.law")
    toewijzingnummer = factory.Sequence(lambda n: f"T{n:08d}")
    toewijzingsdatum = factory.SelfAttribute("ingangsdatum")
    ingangsdatum = dt.date(2025, 1, 1)
    einddatum = None

    class Params:
        verwijderd = factory.Trait(deleted=True, reden_wijziging="13")


class LeveringFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Levering

    toewijzing = factory.SubFactory(ToewijzingFactory)
    begindatum = factory.SelfAttribute("toewijzing.ingangsdatum")
    einddatum = None


def care(
    client=None,
    *,
    start,
    end=None,
    product=None,
    municipality=None,
    provider=None,
    assigned=None,
    levering=True,
    **extra,
):
    """A toewijzing with one levering from ``start`` to ``end`` (or none: its own period)."""
    kwargs = {"ingangsdatum": start, "einddatum": end, **extra}
    if client is not None:
        kwargs["client"] = client
    if product is not None:
        kwargs["product"] = product
    if municipality is not None:
        kwargs["municipality"] = municipality
    if provider is not None:
        kwargs["provider"] = provider
    if assigned is not None:
        kwargs["toewijzingsdatum"] = assigned
    toewijzing = ToewijzingFactory(**kwargs)
    if levering:
        LeveringFactory(toewijzing=toewijzing, begindatum=start, einddatum=end)
    return toewijzing


class DeclaratieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Declaratie

    municipality = factory.SubFactory(MunicipalityFactory)
    provider = factory.SubFactory(ProviderFactory)
    law = "wmo"
    declaratienummer = factory.Sequence(lambda n: f"D{n:08d}")
    declaratiedatum = dt.date(2025, 2, 5)
    period_start = dt.date(2025, 1, 1)
    period_end = dt.date(2025, 1, 31)
    total_cents = 0
    status = "verwerkt"


class RegelFactory(factory.django.DjangoModelFactory):
    """A 323 line; ``month`` follows ``period_start``."""

    class Meta:
        model = DeclaratieRegel

    declaratie = factory.SubFactory(
        DeclaratieFactory,
        municipality=factory.SelfAttribute("..municipality"),
        provider=factory.SelfAttribute("..provider"),
    )
    client = factory.SubFactory(ClientFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    provider = factory.SubFactory(ProviderFactory)
    product = factory.SubFactory(ProductFactory)
    law = factory.SelfAttribute("product.law")
    referentienummer = factory.Sequence(lambda n: f"R{n:010d}")
    toewijzingnummer = "T1"
    productcategorie = "02"
    productcode = "M0001"
    period_start = dt.date(2025, 1, 1)
    period_end = factory.LazyAttribute(lambda o: o.period_start.replace(day=28))
    month = factory.LazyAttribute(lambda o: o.period_start.replace(day=1))
    volume = 1
    unit = "04"
    tariff_cents = factory.SelfAttribute("amount_cents")
    amount_cents = 10_000
    debit_credit = "D"
    status = "goedgekeurd"

    class Params:
        credit = factory.Trait(debit_credit="C")
        afgekeurd = factory.Trait(status="afgekeurd")


class BudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Budget

    municipality = factory.SubFactory(MunicipalityFactory)
    product_group = factory.SubFactory(ProductGroupFactory)
    year = 2025
    amount_cents = 1_000_000


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FrameworkAgreement

    region = factory.SubFactory(RegionFactory)
    name = "Raamovereenkomst"
    valid_from = dt.date(2020, 1, 1)


class AdmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Admission

    agreement = factory.SubFactory(AgreementFactory)
    provider = factory.SubFactory(ProviderFactory)
    product = None
    product_group = factory.SubFactory(ProductGroupFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    status = AdmissionStatus.ACTIVE
    valid_from = dt.date(2020, 1, 1)
