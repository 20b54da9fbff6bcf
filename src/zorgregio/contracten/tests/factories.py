import datetime as dt

import factory

from zorgregio.aanbieders.tests.factories import ProviderFactory
from zorgregio.contracten.models import Admission, AdmissionStatus, FrameworkAgreement
from zorgregio.producten.models import Product, ProductGroup, PurchaseMatrixEntry, PurchaseMode
from zorgregio.regio.models import Law
from zorgregio.regio.tests.factories import MunicipalityFactory, RegionFactory


class ProductGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductGroup
        django_get_or_create = ["code"]

    law = Law.WMO
    code = factory.Sequence(lambda n: f"groep-{n}")
    name = factory.Sequence(lambda n: f"Productgroep {n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    group = factory.SubFactory(ProductGroupFactory)
    law = Law.WMO
    productcategorie = "02"
    productcode = factory.Sequence(lambda n: f"{n % 100000:05d}")
    name = factory.Sequence(lambda n: f"Begeleiding {n}")
    unit = "04"
    valid_from = dt.date(2026, 1, 1)


class PurchaseFactory(factory.django.DjangoModelFactory):
    """A purchase-matrix entry; regional by default."""

    class Meta:
        model = PurchaseMatrixEntry

    product = factory.SubFactory(ProductFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    mode = PurchaseMode.REGIONAL
    valid_from = dt.date(2026, 1, 1)


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FrameworkAgreement

    region = factory.SubFactory(RegionFactory)
    name = "Raamovereenkomst Wmo en Jeugd 2026"
    laws = ["wmo", "jw"]
    valid_from = dt.date(2026, 1, 1)
    valid_until = dt.date(2030, 12, 31)
    extension_options = 3
    extension_months = 24


class AdmissionFactory(factory.django.DjangoModelFactory):
    """An admission written straight to the database (no checks); traits name the status."""

    class Meta:
        model = Admission

    agreement = factory.SubFactory(AgreementFactory)
    provider = factory.SubFactory(ProviderFactory)
    product = factory.SubFactory(ProductFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    valid_from = dt.date(2026, 1, 1)
    valid_until = dt.date(2030, 12, 31)
    status = AdmissionStatus.CONCEPT

    class Params:
        active = factory.Trait(
            status=AdmissionStatus.ACTIVE, activated_on=factory.SelfAttribute("valid_from")
        )
        client_stop = factory.Trait(
            status=AdmissionStatus.CLIENT_STOP, activated_on=factory.SelfAttribute("valid_from")
        )
        ended = factory.Trait(status=AdmissionStatus.ENDED)
