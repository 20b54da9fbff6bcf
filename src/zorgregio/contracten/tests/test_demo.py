import datetime as dt
import random

import pytest
from django.utils import timezone

from zorgregio.aanbieders.tests.factories import ProviderFactory
from zorgregio.contracten.demo import build_contract_register
from zorgregio.contracten.models import (
    Admission,
    Amendment,
    AmendmentStatus,
    BridgingAgreement,
    Evidence,
    FrameworkAgreement,
    Subcontractor,
)
from zorgregio.contracten.selectors import admission_periods
from zorgregio.demo.registry import DemoContext

from .factories import ProductFactory, PurchaseFactory


def context(region, providers, products=None):
    data = {"providers": providers}
    if products is not None:
        data["products"] = products
    return DemoContext(
        seed=7,
        scale=0.1,
        log=lambda _t: None,
        password="x",
        region=region,
        data=data,
        rng=random.Random(7),
    )


@pytest.mark.django_db
def test_demo_builds_the_register(region, apeldoorn, zutphen, group):
    products = [ProductFactory(group=group) for _ in range(3)]
    for product in products:
        for municipality in (apeldoorn, zutphen):
            PurchaseFactory(product=product, municipality=municipality)
    providers = [ProviderFactory() for _ in range(12)]
    ctx = context(region, providers, products)
    build_contract_register(ctx)

    agreement = FrameworkAgreement.objects.get()
    assert (agreement.valid_from, agreement.valid_until) == (
        dt.date(2026, 1, 1),
        dt.date(2030, 12, 31),
    )
    assert (agreement.extension_options, agreement.extension_months) == (3, 24)
    demo_provider = ctx.data["demo_provider"]
    # The demo provider may deliver every product in every municipality.
    periods = admission_periods([demo_provider.pk])
    assert {(p, m) for (_pr, p, m) in periods} == {
        (p.pk, m.pk) for p in products for m in (apeldoorn, zutphen)
    }
    assert Admission.objects.values("provider").distinct().count() >= 10
    assert set(Amendment.objects.values_list("status", flat=True)) >= {
        AmendmentStatus.SUBMITTED,
        AmendmentStatus.ACCEPTED,
        AmendmentStatus.REJECTED,
    }
    bridging = BridgingAgreement.objects.get()
    assert not Admission.objects.filter(provider=bridging.provider).exists()
    assert Subcontractor.objects.filter(main_provider=demo_provider).exists()
    soon = timezone.localdate() + dt.timedelta(days=60)
    assert Evidence.objects.filter(expires_on__lte=soon).exists()


@pytest.mark.django_db
def test_demo_without_products_still_builds_what_it_can(region, apeldoorn):
    providers = [ProviderFactory() for _ in range(3)]
    ctx = context(region, providers, products=[])
    build_contract_register(ctx)
    assert FrameworkAgreement.objects.count() == 1
    assert not Admission.objects.exists()
    assert ctx.data["demo_provider"] == providers[0]
    assert Evidence.objects.filter(provider=providers[0]).count() == 4
