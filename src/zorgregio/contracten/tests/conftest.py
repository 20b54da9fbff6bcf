import datetime as dt

import pytest

from zorgregio.aanbieders.tests.factories import ProviderFactory

from .factories import AgreementFactory, ProductFactory, ProductGroupFactory, PurchaseFactory


@pytest.fixture
def agreement(region):
    return AgreementFactory(region=region)


@pytest.fixture
def group(db):
    return ProductGroupFactory(code="begeleiding", name="Begeleiding")


@pytest.fixture
def product(group, apeldoorn, zutphen):
    """Bought regionally in Apeldoorn from 2026; in Zutphen only from 1-7-2026."""
    product = ProductFactory(group=group, productcode="02A01", name="Begeleiding individueel")
    PurchaseFactory(product=product, municipality=apeldoorn)
    PurchaseFactory(product=product, municipality=zutphen, valid_from=dt.date(2026, 7, 1))
    return product


@pytest.fixture
def provider(db):
    return ProviderFactory(name="Zorg op Maat BV")
