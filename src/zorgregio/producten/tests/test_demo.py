import datetime as dt
import random

import pytest

from zorgregio.demo.registry import DemoContext
from zorgregio.producten.demo import build_products
from zorgregio.producten.models import Indexation, Product, PurchaseMatrixEntry
from zorgregio.producten.selectors import product_on, purchase_mode_on, tariff_on
from zorgregio.regio.demo import build_region


@pytest.mark.django_db
def test_demo_builds_products_matrix_and_indexed_tariffs():
    ctx = DemoContext(seed=1, scale=0.1, log=lambda _text: None, password="x")
    ctx.rng = random.Random(1)
    build_region(ctx)
    build_products(ctx)
    # 22 MIJOV products in the CSV, 8 Beschermd Thuis codes, 4 Jeugdwet products; plus one
    # retired product that is not handed on.
    assert len(ctx.data["products"]) == 22 + 8 + 4
    assert Product.objects.count() == 22 + 8 + 4 + 1
    # The previous productenboek: the products kept in 2026 (all but four and the 15-codes)
    # and the undivided 02A05.
    assert len(ctx.data["products_before_2026"]) == 22 - 4 + 4 + 1
    assert Product.objects.filter(law="jw").count() == 4
    day = dt.date(2026, 1, 1)
    schoon_huis = product_on("wmo", "01", "1001", day)
    apeldoorn = ctx.region.municipalities.get(cbs_code="0200")
    epe = ctx.region.municipalities.get(cbs_code="0232")
    assert purchase_mode_on(schoon_huis, apeldoorn, day) == "lokaal"
    assert purchase_mode_on(schoon_huis, epe, day) == "regionaal"
    # 2026: every product in every municipality; from 2023: the products of the previous
    # productenboek, a new entry in 2026 only where the mode changed.
    assert PurchaseMatrixEntry.objects.valid_on(day).count() == (22 + 8 + 4) * 8
    region_2026 = tariff_on(schoon_huis, epe, day).amount_cents
    assert tariff_on(schoon_huis, apeldoorn, day).amount_cents == region_2026 + 125
    region_2027 = tariff_on(schoon_huis, epe, dt.date(2027, 1, 1)).amount_cents
    # Demo index: 0,9 x (3,6 + 0,4) + 0,1 x (2,2 + 0,3) = 3,85%
    assert region_2027 == round(region_2026 * 1.0385)
    old = Product.objects.get(productcode="02A05")
    assert old.successor.productcode == "02A16"
    assert old.valid_until == dt.date(2025, 12, 31)


@pytest.mark.django_db
def test_demo_builds_the_previous_productenboek_with_tariffs_2023_to_2025():
    ctx = DemoContext(seed=1, scale=0.1, log=lambda _text: None, password="x")
    ctx.rng = random.Random(1)
    build_region(ctx)
    build_products(ctx)
    epe = ctx.region.municipalities.get(cbs_code="0232")
    apeldoorn = ctx.region.municipalities.get(cbs_code="0200")
    previous = ctx.data["products_before_2026"]
    for product in previous:
        # Tariffs in every year 2023-2025, rising with the indexations 2024 and 2025, and a
        # higher tariff 2026 (new cost-price research) for the products that stay.
        amounts = [
            tariff_on(product, epe, dt.date(year, 6, 1)).amount_cents for year in (2023, 2024, 2025)
        ]
        assert amounts[0] < amounts[1] < amounts[2], product.productcode
        assert purchase_mode_on(product, epe, dt.date(2024, 6, 1)) == "regionaal"
        product.refresh_from_db()
        if product.valid_until is None:
            assert product.valid_from == dt.date(2023, 1, 1)
            assert tariff_on(product, epe, dt.date(2026, 6, 1)).amount_cents > amounts[2]
    day = dt.date(2024, 6, 1)
    schoon_huis = product_on("wmo", "01", "1001", day)
    assert schoon_huis == product_on("wmo", "01", "1001", dt.date(2026, 6, 1))
    # The tariff on 2024-06-01 exists and is lower than in 2026; Apeldoorn had its own.
    tariff_2024 = tariff_on(schoon_huis, epe, day)
    assert tariff_2024.indexation.name == "Indexering 2024"
    assert (
        0 < tariff_2024.amount_cents < tariff_on(schoon_huis, epe, dt.date(2026, 6, 1)).amount_cents
    )
    assert tariff_on(schoon_huis, apeldoorn, day).amount_cents > tariff_2024.amount_cents
    # Respijtzorg thuis was still bought regionally in Apeldoorn before 2026.
    respijt = product_on("wmo", "04", "04W01", day)
    assert purchase_mode_on(respijt, apeldoorn, day) == "regionaal"
    assert purchase_mode_on(respijt, apeldoorn, dt.date(2026, 6, 1)) == "lokaal"
    # The undivided Begeleiding individueel ends with 2025: no open tariff or matrix entry.
    old = product_on("wmo", "02", "02A05", day)
    assert (old.valid_until, old.successor.productcode) == (dt.date(2025, 12, 31), "02A16")
    assert product_on("wmo", "02", "02A05", dt.date(2026, 1, 1)) is None
    assert not old.tariffs.filter(valid_until__isnull=True).exists()
    assert not old.purchases.filter(valid_until__isnull=True).exists()
    assert tariff_on(old, epe, dt.date(2026, 1, 1)) is None
    # New in 2026: Licht/Basis/Complex, Werkt Mee trede 5 and the 15-codes.
    for category, code in [("02", "02A22"), ("02", "02A58"), ("15", "15G01")]:
        assert product_on("wmo", category, code, day) is None
        assert product_on("wmo", category, code, dt.date(2026, 1, 1)) is not None
    assert Indexation.objects.filter(year__in=[2024, 2025], applied_from__isnull=False).count() == 2
