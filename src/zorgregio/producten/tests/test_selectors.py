import datetime as dt

import pytest

from zorgregio.producten.models import PurchaseMode
from zorgregio.producten.selectors import (
    product_on,
    purchase_mode_on,
    tariff_on,
    tariff_sheet,
)

from .factories import ProductFactory, PurchaseFactory, TariffFactory

pytestmark = pytest.mark.django_db
DEC_31 = dt.date(2026, 12, 31)
JAN_1 = dt.date(2027, 1, 1)


def test_product_on_respects_the_validity_period():
    old = ProductFactory(productcode="02A05", valid_from=dt.date(2021, 1, 1), valid_until=DEC_31)
    new = ProductFactory(productcode="02A05", valid_from=JAN_1)
    assert product_on("wmo", "02", "02A05", DEC_31) == old
    assert product_on("wmo", "02", "02A05", JAN_1) == new
    assert product_on("wmo", "02", "02A05", dt.date(2020, 12, 31)) is None
    assert product_on("jw", "02", "02A05", JAN_1) is None


def test_tariff_on_at_the_period_boundary(apeldoorn):
    product = ProductFactory()
    TariffFactory(product=product, amount_cents=5_000, valid_until=DEC_31)
    TariffFactory(product=product, amount_cents=5_200, valid_from=JAN_1)
    assert tariff_on(product, apeldoorn, DEC_31).amount_cents == 5_000
    assert tariff_on(product, apeldoorn, JAN_1).amount_cents == 5_200
    assert tariff_on(product, apeldoorn, dt.date(2025, 12, 31)) is None


def test_municipality_tariff_wins_over_the_region_wide_one(apeldoorn, zutphen):
    product = ProductFactory()
    TariffFactory(product=product, amount_cents=5_000)
    TariffFactory(product=product, municipality=apeldoorn, amount_cents=5_500, valid_until=DEC_31)
    assert tariff_on(product, apeldoorn, DEC_31).amount_cents == 5_500
    assert tariff_on(product, zutphen, DEC_31).amount_cents == 5_000
    # After Apeldoorn's own tariff ends, the region-wide one applies there too.
    assert tariff_on(product, apeldoorn, JAN_1).amount_cents == 5_000
    assert tariff_on(product, None, DEC_31).amount_cents == 5_000


def test_purchase_mode_on(apeldoorn, zutphen):
    product = ProductFactory()
    PurchaseFactory(product=product, municipality=apeldoorn, valid_until=DEC_31)
    PurchaseFactory(product=product, municipality=apeldoorn, valid_from=JAN_1, mode="lokaal")
    assert purchase_mode_on(product, apeldoorn, DEC_31) == PurchaseMode.REGIONAL
    assert purchase_mode_on(product, apeldoorn, JAN_1) == PurchaseMode.LOCAL
    assert purchase_mode_on(product, zutphen, JAN_1) is None


def test_tariff_sheet_hides_other_regions_municipalities(users, apeldoorn):
    from zorgregio.regio.tests.factories import MunicipalityFactory, RegionFactory

    elsewhere = MunicipalityFactory(
        region=RegionFactory(slug="elders", name="Elders"), cbs_code="0363", name="Amsterdam"
    )
    product = ProductFactory()
    TariffFactory(product=product)
    TariffFactory(product=product, municipality=apeldoorn)
    TariffFactory(product=product, municipality=elsewhere)
    day = dt.date(2026, 6, 1)
    for role in ("regio", "gemeente", "raad", "aanbieder"):
        rows = tariff_sheet(users[role], day)
        assert {t.municipality for t in rows} == {None, apeldoorn}, role


def test_indexation_preview_lists_what_apply_would_index(users):
    from decimal import Decimal

    from zorgregio.producten.models import Indexation
    from zorgregio.producten.selectors import indexation_preview

    running = TariffFactory(amount_cents=10_000)
    TariffFactory(amount_cents=10_000, valid_until=DEC_31)  # ends before the indexation
    TariffFactory(product=ProductFactory(retired=True), amount_cents=10_000)  # product ends
    indexation = Indexation(
        name="x",
        year=2027,
        labour_weight_pct=Decimal(100),
        material_weight_pct=Decimal(0),
        labour_forecast_next_pct=Decimal("2"),
        labour_forecast_current_pct=Decimal("0"),
        labour_final_current_pct=Decimal("1"),
        material_forecast_next_pct=Decimal("0"),
        material_forecast_current_pct=Decimal("0"),
        material_final_current_pct=Decimal("0"),
    )
    rows = indexation_preview(indexation, users["regio"], JAN_1)
    # 2 + (1 - 0) = 3% on EUR 100,00
    assert [(r["tariff"], r["old"], r["new"]) for r in rows] == [(running, 10_000, 10_300)]


def test_tariff_index_agrees_with_tariff_on_around_every_boundary(apeldoorn, zutphen):
    from zorgregio.producten.selectors import TariffIndex

    product, other = ProductFactory(), ProductFactory()
    TariffFactory(product=product, amount_cents=5_000, valid_until=DEC_31)
    TariffFactory(product=product, amount_cents=5_200, valid_from=JAN_1)
    TariffFactory(
        product=product,
        municipality=apeldoorn,
        amount_cents=5_500,
        valid_from=dt.date(2026, 7, 1),
        valid_until=dt.date(2027, 6, 30),
    )
    TariffFactory(product=other, municipality=zutphen, amount_cents=900)
    index = TariffIndex()
    days = [dt.date(2025, 12, 31), dt.date(2026, 1, 1), dt.date(2026, 6, 30), dt.date(2026, 7, 1)]
    days += [DEC_31, JAN_1, dt.date(2027, 6, 30), dt.date(2027, 7, 1)]
    answers = []
    for p in (product, other):
        for m in (apeldoorn, zutphen, None):
            for day in days:
                found = tariff_on(p, m, day)
                expected = found.amount_cents if found else None
                assert index.amount_on(p.pk, m.pk if m else None, day) == expected, (p, m, day)
                answers.append(expected)
    # The boundaries matter: Apeldoorn pays 5.000 until 30-06-2026, 5.500 until 30-06-2027,
    # then the region's 5.200; Zutphen 5.000 in 2026 and 5.200 from 2027.
    assert [tariff_on(product, apeldoorn, d).amount_cents for d in days[1:]] == [
        5_000,
        5_000,
        5_500,
        5_500,
        5_500,
        5_500,
        5_200,
    ]
    assert tariff_on(other, apeldoorn, JAN_1) is None
