import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from zorgregio.audit.models import AuditEvent
from zorgregio.producten import services
from zorgregio.producten.models import CostCalculation, Indexation, PurchaseMatrixEntry, Tariff
from zorgregio.producten.selectors import purchase_mode_on, tariff_on

from .factories import (
    WORKED_EXAMPLE,
    ProductFactory,
    PurchaseFactory,
    TariffFactory,
)

pytestmark = pytest.mark.django_db
JAN_2026 = dt.date(2026, 1, 1)
JUL_2026 = dt.date(2026, 7, 1)


def test_set_tariff_from_a_date_supersedes_the_open_one(users, apeldoorn):
    product = ProductFactory()
    old = TariffFactory(product=product, amount_cents=5_000)
    new = services.tariff_set(
        actor=users["regio"],
        product=product,
        amount_cents=5_300,
        valid_from=JUL_2026,
        reason="herijking",
    )
    old.refresh_from_db()
    assert old.valid_until == dt.date(2026, 6, 30)
    assert tariff_on(product, apeldoorn, dt.date(2026, 6, 30)).amount_cents == 5_000
    assert tariff_on(product, apeldoorn, JUL_2026) == new
    assert new.set_by == users["regio"] and new.reason == "herijking"
    assert AuditEvent.objects.filter(object_id=str(new.pk), action="create").exists()


def test_overlapping_closed_period_is_refused_and_nothing_changes(users):
    product = ProductFactory()
    TariffFactory(product=product, amount_cents=5_000, valid_until=dt.date(2026, 12, 31))
    with pytest.raises(ValidationError) as exc:
        services.tariff_set(
            actor=users["regio"], product=product, amount_cents=5_100, valid_from=JUL_2026
        )
    assert "overlapt" in str(exc.value)
    assert Tariff.objects.count() == 1
    assert Tariff.objects.get().valid_until == dt.date(2026, 12, 31)


def test_tariff_outside_the_products_period_is_refused(users):
    product = ProductFactory(retired=True)  # 2026 only
    with pytest.raises(ValidationError, match="bestaat niet"):
        services.tariff_set(
            actor=users["regio"],
            product=product,
            amount_cents=5_000,
            valid_from=dt.date(2027, 1, 1),
        )
    with pytest.raises(ValidationError, match="bestaat niet"):
        # open-ended while the product ends on 31-12-2026
        services.tariff_set(
            actor=users["regio"], product=product, amount_cents=5_000, valid_from=JAN_2026
        )
    assert not Tariff.objects.exists()


@pytest.mark.parametrize("amount", [-1, Decimal("12.5"), 12.0])
def test_negative_or_fractional_amounts_are_refused(users, amount):
    with pytest.raises(ValidationError):
        services.tariff_set(
            actor=users["regio"], product=ProductFactory(), amount_cents=amount, valid_from=JAN_2026
        )
    assert not Tariff.objects.exists()


def test_calculation_versions_count_up_and_apply_as_tariff(users, apeldoorn):
    product = ProductFactory()
    first = services.calculation_create(actor=users["regio"], product=product, **WORKED_EXAMPLE)
    second = services.calculation_create(
        actor=users["regio"], product=product, **{**WORKED_EXAMPLE, "risk_pct": Decimal("0")}
    )
    assert (first.version, second.version) == (1, 2)
    # Without the 3% mark-up the tariff is the cost per unit of the worked example: 56,73.
    tariff = services.calculation_apply(
        actor=users["regio"], calculation=second, valid_from=JAN_2026
    )
    assert tariff.amount_cents == 5673
    assert tariff.calculation == second
    assert tariff_on(product, apeldoorn, JAN_2026) == tariff


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("overhead_pct", Decimal("101")),
        ("risk_pct", Decimal("-1")),
        ("holiday_pay_pct", Decimal("100.01")),
    ],
)
def test_percentages_outside_0_to_100_are_refused(users, field, value):
    with pytest.raises(ValidationError) as exc:
        services.calculation_create(
            actor=users["regio"], product=ProductFactory(), **{**WORKED_EXAMPLE, field: value}
        )
    assert field in exc.value.message_dict
    assert not CostCalculation.objects.exists()


def test_unproductive_time_of_100_percent_is_refused(users):
    inputs = {**WORKED_EXAMPLE, "leave_pct": Decimal("50"), "sickness_pct": Decimal("50")}
    with pytest.raises(ValidationError, match="geen productieve uren"):
        services.calculation_create(actor=users["regio"], product=ProductFactory(), **inputs)


def _indexation(**extra):
    return services.indexation_create(
        actor=None,
        name="Indexering 2027",
        year=2027,
        labour_forecast_next_pct=Decimal("3.60"),
        labour_forecast_current_pct=Decimal("3.90"),
        labour_final_current_pct=Decimal("4.30"),
        material_forecast_next_pct=Decimal("2.20"),
        material_forecast_current_pct=Decimal("2.50"),
        material_final_current_pct=Decimal("2.80"),
        **extra,
    )


def test_indexation_applies_to_every_current_tariff_as_one_audited_action(users, apeldoorn):
    product, other, ended = ProductFactory(), ProductFactory(), ProductFactory(retired=True)
    TariffFactory(product=product, amount_cents=5_843)
    TariffFactory(product=product, municipality=apeldoorn, amount_cents=6_000)
    TariffFactory(product=other, amount_cents=1_000)
    TariffFactory(product=ended, amount_cents=2_000, valid_until=dt.date(2026, 12, 31))
    indexation = _indexation()
    before = AuditEvent.objects.count()
    new = services.indexation_apply(
        actor=users["regio"], indexation=indexation, valid_from=dt.date(2027, 1, 1)
    )
    # index 3,85% (see test_costing): 58,43 -> 60,68; 60,00 -> 62,31; 10,00 -> 10,39 (half up)
    assert sorted(t.amount_cents for t in new) == [1_039, 6_068, 6_231]
    last_2026, first_2027 = dt.date(2026, 12, 31), dt.date(2027, 1, 1)
    assert tariff_on(product, apeldoorn, last_2026).amount_cents == 6_000
    assert tariff_on(product, apeldoorn, first_2027).amount_cents == 6_231
    assert tariff_on(ended, None, first_2027) is None
    indexation.refresh_from_db()
    assert indexation.applied_from == first_2027 and indexation.tariff_count == 3
    decisions = AuditEvent.objects.filter(action="decision", object_id=str(indexation.pk))
    assert decisions.count() == 1
    assert AuditEvent.objects.count() > before
    with pytest.raises(ValidationError, match="al toegepast"):
        services.indexation_apply(
            actor=users["regio"], indexation=indexation, valid_from=first_2027
        )


def test_indexation_is_refused_as_a_whole_when_a_tariff_already_starts_later(users):
    first, second = ProductFactory(), ProductFactory()
    TariffFactory(product=first, amount_cents=1_000)
    TariffFactory(product=second, amount_cents=2_000, valid_until=dt.date(2026, 12, 31))
    TariffFactory(product=second, amount_cents=2_100, valid_from=dt.date(2027, 1, 1))
    # second's 2027 tariff is open but starts on the day, so only first is in force on 31-12
    # and indexed; now make first conflict: a later tariff already exists.
    TariffFactory(
        product=first,
        amount_cents=900,
        valid_from=dt.date(2027, 3, 1),
        municipality=None,
        valid_until=dt.date(2027, 3, 31),
    )
    with pytest.raises(ValidationError, match="overlapt"):
        services.indexation_apply(
            actor=users["regio"], indexation=_indexation(), valid_from=dt.date(2027, 1, 1)
        )
    assert Tariff.objects.count() == 4
    assert Indexation.objects.get().applied_from is None


def test_indexation_weights_must_add_up_to_100():
    with pytest.raises(ValidationError, match="100%"):
        _indexation(labour_weight_pct=Decimal("80"), material_weight_pct=Decimal("10"))


def test_purchase_matrix_change_from_a_date(users, apeldoorn):
    product = ProductFactory()
    PurchaseFactory(product=product, municipality=apeldoorn)
    changed = services.purchase_matrix_set(
        actor=users["regio"], valid_from=JUL_2026, changes={(product, apeldoorn): "lokaal"}
    )
    assert changed == 1
    assert purchase_mode_on(product, apeldoorn, dt.date(2026, 6, 30)) == "regionaal"
    assert purchase_mode_on(product, apeldoorn, JUL_2026) == "lokaal"
    # Setting the same mode again changes nothing.
    assert (
        services.purchase_matrix_set(
            actor=users["regio"], valid_from=JUL_2026, changes={(product, apeldoorn): "lokaal"}
        )
        == 0
    )
    with pytest.raises(ValidationError):
        services.purchase_matrix_set(
            actor=users["regio"], valid_from=JUL_2026, changes={(product, apeldoorn): "soms"}
        )
    assert PurchaseMatrixEntry.objects.count() == 2


def test_retire_product_with_successor_ends_its_tariffs(users, apeldoorn):
    product = ProductFactory()
    successor = ProductFactory(valid_from=dt.date(2027, 1, 1))
    TariffFactory(product=product)
    services.product_retire(
        actor=users["regio"],
        product=product,
        valid_until=dt.date(2026, 12, 31),
        successor=successor,
    )
    product.refresh_from_db()
    assert product.successor == successor and list(successor.predecessors.all()) == [product]
    assert tariff_on(product, apeldoorn, dt.date(2026, 12, 31)) is not None
    assert tariff_on(product, apeldoorn, dt.date(2027, 1, 1)) is None


def test_product_create_checks_code_lists_and_overlap(users):
    group = ProductFactory().group
    base = {
        "group": group,
        "law": "wmo",
        "productcategorie": "02",
        "name": "X",
        "valid_from": JAN_2026,
    }
    with pytest.raises(ValidationError) as exc:
        services.product_create(
            actor=users["regio"],
            productcode="TOOLONG",
            unit="99",
            allowed_frequencies=["9"],
            **base,
        )
    assert set(exc.value.message_dict) == {"productcode", "unit", "allowed_frequencies"}
    made = services.product_create(actor=users["regio"], productcode="LOK1", unit="04", **base)
    assert made.pk
    with pytest.raises(ValidationError, match="bestaat al"):
        services.product_create(actor=users["regio"], productcode="LOK1", unit="04", **base)


def test_purchase_matrix_change_on_the_same_day_replaces_and_is_audited(users, apeldoorn):
    product = ProductFactory()
    PurchaseFactory(product=product, municipality=apeldoorn)
    for mode in ("lokaal", "niet"):
        services.purchase_matrix_set(
            actor=users["regio"], valid_from=JUL_2026, changes={(product, apeldoorn): mode}
        )
    assert PurchaseMatrixEntry.objects.count() == 2
    assert purchase_mode_on(product, apeldoorn, JUL_2026) == "niet"
    last = AuditEvent.objects.filter(action="update").first()  # newest first
    key = f"{product.pk}/{apeldoorn.pk}"
    assert last.before == {key: "lokaal"} and last.after == {key: "niet"}
    assert last.actor == users["regio"]
