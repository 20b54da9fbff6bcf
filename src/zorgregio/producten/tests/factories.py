import datetime as dt
from decimal import Decimal

import factory

from zorgregio.producten.models import (
    CostCalculation,
    Product,
    ProductGroup,
    PurchaseMatrixEntry,
    PurchaseMode,
    Tariff,
)
from zorgregio.regio.models import Law

JAN_2026 = dt.date(2026, 1, 1)


class ProductGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductGroup
        django_get_or_create = ["code"]

    law = Law.WMO
    code = "wmo-begeleiding-individueel"
    name = "Begeleiding individueel"


class ProductFactory(factory.django.DjangoModelFactory):
    """A Wmo product per hour from 2026; ``retired=True`` ends it on 31-12-2026."""

    class Meta:
        model = Product

    group = factory.SubFactory(ProductGroupFactory)
    law = Law.WMO
    productcategorie = "02"
    productcode = factory.Sequence(lambda n: f"02B{n:02d}")
    name = factory.Sequence(lambda n: f"Begeleiding {n}")
    unit = "04"
    allowed_frequencies = factory.LazyFunction(lambda: ["2", "4"])
    intensity_rank = 1
    valid_from = JAN_2026

    class Params:
        retired = factory.Trait(valid_until=dt.date(2026, 12, 31))


class TariffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tariff

    product = factory.SubFactory(ProductFactory)
    amount_cents = 6_000
    valid_from = JAN_2026


class PurchaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PurchaseMatrixEntry

    product = factory.SubFactory(ProductFactory)
    mode = PurchaseMode.REGIONAL
    valid_from = JAN_2026


WORKED_EXAMPLE = {
    "cao_name": "CAO Sociaal Werk",
    "cao_scale": "8",
    "cao_step": "5",
    "monthly_salary_cents": 350_000,
    "holiday_pay_pct": Decimal("8"),
    "year_end_bonus_pct": Decimal("8.33"),
    "employer_charges_pct": Decimal("25"),
    "hours_per_week": Decimal("36"),
    "leave_pct": Decimal("10.5"),
    "sickness_pct": Decimal("6"),
    "training_pct": Decimal("2"),
    "travel_time_pct": Decimal("5"),
    "meetings_pct": Decimal("4"),
    "travel_cost_per_hour_cents": 150,
    "overhead_pct": Decimal("20"),
    "reporting_pct": Decimal("2"),
    "risk_pct": Decimal("3"),
    "hours_per_unit": Decimal("1"),
}


class CostCalculationFactory(factory.django.DjangoModelFactory):
    """The worked example of docs/producten.md (proposed tariff EUR 58,43 per hour)."""

    class Meta:
        model = CostCalculation

    product = factory.SubFactory(ProductFactory)
    version = factory.Sequence(lambda n: n + 1)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return super()._create(model_class, *args, **{**WORKED_EXAMPLE, **kwargs})
