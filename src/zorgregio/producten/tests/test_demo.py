import datetime as dt
import random

import pytest

from zorgregio.demo.registry import DemoContext
from zorgregio.producten.demo import build_products
from zorgregio.producten.models import Product, PurchaseMatrixEntry
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
    assert Product.objects.filter(law="jw").count() == 4
    day = dt.date(2026, 1, 1)
    schoon_huis = product_on("wmo", "01", "1001", day)
    apeldoorn = ctx.region.municipalities.get(cbs_code="0200")
    epe = ctx.region.municipalities.get(cbs_code="0232")
    assert purchase_mode_on(schoon_huis, apeldoorn, day) == "lokaal"
    assert purchase_mode_on(schoon_huis, epe, day) == "regionaal"
    assert PurchaseMatrixEntry.objects.count() == (22 + 8 + 4) * 8
    region_2026 = tariff_on(schoon_huis, epe, day).amount_cents
    assert tariff_on(schoon_huis, apeldoorn, day).amount_cents == region_2026 + 125
    region_2027 = tariff_on(schoon_huis, epe, dt.date(2027, 1, 1)).amount_cents
    # Demo index: 0,9 x (3,6 + 0,4) + 0,1 x (2,2 + 0,3) = 3,85%
    assert region_2027 == round(region_2026 * 1.0385)
    old = Product.objects.get(productcode="02A05")
    assert old.successor.productcode == "02A16"
