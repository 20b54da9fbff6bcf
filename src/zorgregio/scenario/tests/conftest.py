"""A small history for the scenario tests: base year 2025 (data complete until 31-01-2026)."""

import datetime as dt

import pytest

from zorgregio.monitor.services import refresh_after_import
from zorgregio.monitor.tests.factories import (
    BudgetFactory,
    ClientFactory,
    DeclaratieFactory,
    ProductFactory,
    ProductGroupFactory,
    RegelFactory,
    care,
)
from zorgregio.producten.tests.factories import PurchaseFactory

D = dt.date


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def history(apeldoorn, zutphen):
    """Apeldoorn buys Begeleiding individueel and groep, Zutphen only individueel.

    Apeldoorn, individueel: a (complex, in care since 2024, EUR 2,000), b (licht, March to
    October 2025, EUR 1,000), c (licht, June 2024 to June 2025, EUR 500). Groep: d (from
    2025, EUR 800). Zutphen, individueel: e (EUR 600). Budgets of Apeldoorn, individueel:
    EUR 4,000 in 2025, EUR 3,000 in 2026."""
    bi = ProductGroupFactory(code="begeleiding-individueel", name="Begeleiding individueel")
    bg = ProductGroupFactory(code="begeleiding-groep", name="Begeleiding groep")
    light = ProductFactory(group=bi, intensity_rank=1)
    complex_ = ProductFactory(group=bi, intensity_rank=3)
    group_basic = ProductFactory(group=bg, intensity_rank=1)
    for product in (light, complex_, group_basic):
        PurchaseFactory(product=product, municipality=apeldoorn, valid_from=D(2020, 1, 1))
    for product in (light, complex_):
        PurchaseFactory(product=product, municipality=zutphen, valid_from=D(2020, 1, 1))
    a, b, c, d, e = ClientFactory.create_batch(5)
    rows = [
        (a, complex_, apeldoorn, D(2024, 1, 1), None, 200_000),
        (b, light, apeldoorn, D(2025, 3, 1), D(2025, 10, 31), 100_000),
        (c, light, apeldoorn, D(2024, 6, 1), D(2025, 6, 30), 50_000),
        (d, group_basic, apeldoorn, D(2025, 1, 1), None, 80_000),
        (e, light, zutphen, D(2025, 1, 1), None, 60_000),
    ]
    for client, product, municipality, start, end, amount in rows:
        toewijzing = care(client, start=start, end=end, product=product, municipality=municipality)
        line_month = max(start, D(2025, 1, 1))
        RegelFactory(
            client=client,
            municipality=municipality,
            provider=toewijzing.provider,
            product=product,
            period_start=line_month,
            amount_cents=amount,
            declaratie=DeclaratieFactory(
                municipality=municipality,
                provider=toewijzing.provider,
                declaratiedatum=D(2026, 2, 5),
            ),
        )
    BudgetFactory(municipality=apeldoorn, product_group=bi, year=2025, amount_cents=400_000)
    BudgetFactory(municipality=apeldoorn, product_group=bi, year=2026, amount_cents=300_000)
    refresh_after_import()
    return {"bi": bi, "bg": bg}
