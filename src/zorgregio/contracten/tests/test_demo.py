import datetime as dt
import random

import pytest
from django.utils import timezone

from zorgregio.aanbieders.tests.factories import ProviderFactory
from zorgregio.contracten.demo import build_contract_register
from zorgregio.contracten.models import (
    Admission,
    AdmissionStatus,
    Amendment,
    AmendmentStatus,
    BridgingAgreement,
    Evidence,
    FrameworkAgreement,
    Subcontractor,
)
from zorgregio.contracten.selectors import admission_periods, admitted
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

    # No products of a previous productenboek: no previous agreement.
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


@pytest.mark.django_db
def test_demo_builds_the_previous_agreement_2020_2025(region, apeldoorn, zutphen, group):
    """Kept products run from 2023; one old-only product ends with 2025 and has a successor."""
    kept = [ProductFactory(group=group, valid_from=dt.date(2023, 1, 1)) for _ in range(2)]
    new = ProductFactory(group=group)
    old_only = ProductFactory(
        group=group,
        valid_from=dt.date(2023, 1, 1),
        valid_until=dt.date(2025, 12, 31),
        successor=new,
    )
    for municipality in (apeldoorn, zutphen):
        for product in kept:
            PurchaseFactory(
                product=product, municipality=municipality, valid_from=kept[0].valid_from
            )
        PurchaseFactory(product=new, municipality=municipality)
        PurchaseFactory(
            product=old_only,
            municipality=municipality,
            valid_from=dt.date(2023, 1, 1),
            valid_until=dt.date(2025, 12, 31),
        )
    providers = [ProviderFactory() for _ in range(12)]
    ctx = context(region, providers, [*kept, new])
    ctx.data["products_before_2026"] = [*kept, old_only]
    build_contract_register(ctx)

    new_agreement, old_agreement = FrameworkAgreement.objects.order_by("-valid_from")
    assert new_agreement == ctx.data["agreement"]
    assert old_agreement == ctx.data["previous_agreement"]
    assert old_agreement.name == "Raamovereenkomst Wmo en Jeugdhulp 2020-2025"
    # Ended by law on 31-12-2025, after its one extension (2020-2023 + 24 months).
    assert (old_agreement.valid_from, old_agreement.valid_until) == (
        dt.date(2020, 1, 1),
        dt.date(2025, 12, 31),
    )
    assert old_agreement.extensions.get().previous_end == dt.date(2023, 12, 31)
    old = Admission.objects.filter(agreement=old_agreement)
    assert old.count() > 5
    for admission in old:
        assert admission.status == AdmissionStatus.ENDED
        assert admission.activated_on is not None
        assert admission.valid_from in (dt.date(2023, 1, 1), dt.date(2024, 1, 1))
        assert admission.valid_until == dt.date(2025, 12, 31)
        assert [(t.to_status, t.effective_on) for t in admission.transitions.order_by("pk")] == [
            (AdmissionStatus.ACTIVE, admission.valid_from),
            (AdmissionStatus.ENDED, dt.date(2026, 1, 1)),
        ]
    # The old-only product: admitted on 2024-06-01 under the old agreement, not in 2026.
    key = next(k for k in admission_periods() if k[1] == old_only.pk)
    provider_id, _product_id, municipality_id = key
    assert admitted(provider_id, old_only.pk, municipality_id, dt.date(2024, 6, 1))
    assert not admitted(provider_id, old_only.pk, municipality_id, dt.date(2026, 6, 1))
    # Continuity: the demo provider delivers a kept product from 2023 into the new agreement.
    demo_provider = ctx.data["demo_provider"]
    periods = admission_periods([demo_provider.pk])
    assert any(
        spans[0][0] <= dt.date(2024, 1, 1) and spans[0][1] == dt.date(2030, 12, 31)
        for (_p, product_id, _m), spans in periods.items()
        if product_id in {p.pk for p in kept}
    )
    # The providers not admitted in 2026 were in the old agreement; the bridging agreement
    # goes to one of them, where it was admitted before.
    bridging = BridgingAgreement.objects.get()
    assert not Admission.objects.filter(agreement=new_agreement, provider=bridging.provider)
    assert old.filter(provider=bridging.provider, municipality=bridging.municipality).exists()
    # Newcomers: admitted in 2026, not before.
    in_new = set(
        Admission.objects.filter(agreement=new_agreement).values_list("provider", flat=True)
    )
    in_old = set(old.values_list("provider", flat=True))
    assert in_new - in_old and in_old - in_new
