"""Funding variants, output prices, task budgets and data deliveries (issue 20)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from zorgregio.aanbieders.tests.factories import ProviderFactory
from zorgregio.audit.models import AuditEvent
from zorgregio.producten import selectors, services
from zorgregio.producten.costing import Segment, output_price, split_instalments, task_budget
from zorgregio.producten.models import (
    DataDelivery,
    FundingVariant,
    GroupVariant,
    TaskBudget,
    TaskBudgetInstalment,
)

from .factories import ProductFactory, ProductGroupFactory

JAN_2026 = dt.date(2026, 1, 1)
JUL_2026 = dt.date(2026, 7, 1)

# The worked example of docs/bekostiging.md.
MIX = [
    {"label": "licht", "clients": 40, "hours_per_client": 60, "cost_per_hour_cents": 7_250},
    {"label": "zwaar", "clients": 10, "hours_per_client": 150, "cost_per_hour_cents": 8_000},
]
BUDGET_CENTS = 30_282_000  # (40 × 60 × 72,50 + 10 × 150 × 80,00) × 1,03 = 302.820,00


def quarters(year=2026, amount=BUDGET_CENTS):
    parts = split_instalments(amount, 4)
    return [(dt.date(year, m, 1), part) for m, part in zip((1, 4, 7, 10), parts, strict=True)]


# --- the cost model ------------------------------------------------------------------------


def test_output_price_by_hand():
    # 12,5 hours × EUR 75,00 = 937,50; mark-up 3% = 28,125; price 965,625 -> 965,63 (half up).
    result = output_price(hours_per_output=Decimal("12.5"), cost_per_hour_cents=7_500, markup_pct=3)
    assert result.cost_per_output_cents == 93_750
    assert result.price_cents == 96_563


def test_task_budget_by_hand():
    result = task_budget([Segment.from_dict(s) for s in MIX], Decimal("3"))
    # 40 × 60 × 72,50 = 174.000; 10 × 150 × 80,00 = 120.000; sum 294.000; 3% = 8.820.
    assert result.direct_cents == 29_400_000
    assert result.markup_cents == 882_000
    assert result.amount_cents == BUDGET_CENTS


def test_instalments_add_up_to_the_cent():
    assert split_instalments(1_000_001, 4) == [250_001, 250_000, 250_000, 250_000]
    assert sum(split_instalments(BUDGET_CENTS, 12)) == BUDGET_CENTS


# --- the variant per product group, municipality and period ---------------------------------


@pytest.mark.django_db
def test_a_variant_change_from_a_date_is_an_audited_amendment(users, apeldoorn, zutphen):
    group = ProductGroupFactory()
    services.group_variant_set(
        actor=users["regio"],
        group=group,
        municipality=apeldoorn,
        variant=FundingVariant.EFFORT,
        valid_from=JAN_2026,
    )
    pilot = services.group_variant_set(
        actor=users["regio"],
        group=group,
        municipality=apeldoorn,
        variant=FundingVariant.TASK,
        valid_from=JUL_2026,
        regieberichten=True,
        reason="pilot",
    )
    first = GroupVariant.objects.get(valid_from=JAN_2026)
    assert first.valid_until == dt.date(2026, 6, 30)
    assert selectors.variant_on(group, apeldoorn, dt.date(2026, 6, 30)) == "inspanningsgericht"
    assert selectors.variant_on(group, apeldoorn, JUL_2026) == "taakgericht"
    assert selectors.variant_on(group, zutphen, JUL_2026) == "inspanningsgericht"  # not set
    assert pilot.set_by == users["regio"]
    assert AuditEvent.objects.filter(object_id=str(pilot.pk), action="create").exists()
    assert AuditEvent.objects.filter(object_id=str(first.pk), action="update").exists()


@pytest.mark.django_db
def test_an_overlapping_variant_is_refused_in_dutch_and_nothing_changes(users, apeldoorn):
    group = ProductGroupFactory()
    services.group_variant_set(
        actor=users["regio"],
        group=group,
        municipality=apeldoorn,
        variant=FundingVariant.TASK,
        valid_from=JAN_2026,
        valid_until=dt.date(2026, 12, 31),
    )
    with pytest.raises(ValidationError) as exc:
        services.group_variant_set(
            actor=users["regio"],
            group=group,
            municipality=apeldoorn,
            variant=FundingVariant.EFFORT,
            valid_from=JUL_2026,
        )
    assert "overlapt" in str(exc.value)
    assert GroupVariant.objects.count() == 1
    assert GroupVariant.objects.get().valid_until == dt.date(2026, 12, 31)


@pytest.mark.django_db
def test_output_oriented_needs_output_products(users, apeldoorn):
    hours = ProductFactory(unit="04")
    with pytest.raises(ValidationError, match="outputeenheid|output"):
        services.group_variant_set(
            actor=users["regio"],
            group=hours.group,
            municipality=apeldoorn,
            variant=FundingVariant.OUTPUT,
            valid_from=JAN_2026,
        )
    assert not GroupVariant.objects.exists()
    hours.unit = "82"
    hours.save()
    services.group_variant_set(
        actor=users["regio"],
        group=hours.group,
        municipality=apeldoorn,
        variant=FundingVariant.OUTPUT,
        valid_from=JAN_2026,
    )
    assert selectors.product_variant_on(hours, apeldoorn, JUL_2026) == "outputgericht"


@pytest.mark.django_db
def test_regieberichten_only_with_task_oriented(users, apeldoorn):
    with pytest.raises(ValidationError, match="taakgerichte"):
        services.group_variant_set(
            actor=users["regio"],
            group=ProductGroupFactory(),
            municipality=apeldoorn,
            variant=FundingVariant.EFFORT,
            valid_from=JAN_2026,
            regieberichten=True,
        )


@pytest.mark.django_db
def test_variant_table_shows_only_the_users_region(users, apeldoorn):
    from zorgregio.regio.tests.factories import MunicipalityFactory, RegionFactory

    other = MunicipalityFactory(
        region=RegionFactory(name="Amstelland"), cbs_code="0363", name="Amsterdam"
    )
    group = ProductGroupFactory()
    for municipality in (apeldoorn, other):
        services.group_variant_set(
            actor=users["regio"],
            group=group,
            municipality=municipality,
            variant=FundingVariant.TASK,
            valid_from=JAN_2026,
        )
    table = selectors.variant_table(users["gemeente"], JUL_2026)
    names = [m.name for m in table["municipalities"]]
    assert "Amsterdam" not in names and "Apeldoorn" in names
    cell = next(c for c in table["rows"][0]["cells"] if c["municipality"] == apeldoorn)
    assert cell["variant"] == "taakgericht" and cell["set"]
    assert list(
        selectors.variant_history(users["gemeente"]).values_list("municipality", flat=True)
    ) == [apeldoorn.pk]


# --- task budgets -----------------------------------------------------------------------------


def _task(users, group, municipality):
    services.group_variant_set(
        actor=users["regio"],
        group=group,
        municipality=municipality,
        variant=FundingVariant.TASK,
        valid_from=JAN_2026,
    )


@pytest.mark.django_db
def test_task_budget_is_computed_and_paid_in_instalments(users, apeldoorn):
    group = ProductGroupFactory()
    _task(users, group, apeldoorn)
    provider = ProviderFactory()
    budget = services.task_budget_set(
        actor=users["regio"],
        provider=provider,
        municipality=apeldoorn,
        group=group,
        year=2026,
        mix=MIX,
        markup_pct=3,
        instalments=quarters(),
    )
    assert budget.amount_cents == BUDGET_CENTS
    assert budget.instalments.count() == 4
    first = budget.instalments.order_by("due_on").first()
    services.instalment_pay(actor=users["regio"], instalment=first, paid_on=dt.date(2026, 1, 5))
    with pytest.raises(ValidationError, match="al betaald"):
        services.instalment_pay(actor=users["regio"], instalment=first, paid_on=dt.date(2026, 1, 6))


@pytest.mark.django_db
def test_a_budget_without_instalments_is_refused(users, apeldoorn):
    group = ProductGroupFactory()
    _task(users, group, apeldoorn)
    with pytest.raises(ValidationError, match="termijnen"):
        services.task_budget_set(
            actor=users["regio"],
            provider=ProviderFactory(),
            municipality=apeldoorn,
            group=group,
            year=2026,
            mix=MIX,
            markup_pct=3,
            instalments=[],
        )
    assert not TaskBudget.objects.exists()


@pytest.mark.django_db
def test_instalments_must_add_up_and_fall_in_the_year(users, apeldoorn):
    group = ProductGroupFactory()
    _task(users, group, apeldoorn)
    args = {
        "actor": users["regio"],
        "provider": ProviderFactory(),
        "municipality": apeldoorn,
        "group": group,
        "year": 2026,
        "mix": MIX,
        "markup_pct": 3,
    }
    with pytest.raises(ValidationError, match="opgeteld"):
        services.task_budget_set(**args, instalments=quarters(amount=BUDGET_CENTS - 4))
    with pytest.raises(ValidationError, match="valt niet in 2026"):
        services.task_budget_set(**args, instalments=[(dt.date(2027, 1, 1), BUDGET_CENTS)])
    assert not TaskBudget.objects.exists() and not TaskBudgetInstalment.objects.exists()


@pytest.mark.django_db
def test_no_task_budget_where_the_group_is_not_task_oriented(users, apeldoorn):
    with pytest.raises(ValidationError, match="niet taakgericht"):
        services.task_budget_set(
            actor=users["regio"],
            provider=ProviderFactory(),
            municipality=apeldoorn,
            group=ProductGroupFactory(),
            year=2026,
            mix=MIX,
            markup_pct=3,
            instalments=quarters(),
        )


@pytest.mark.django_db
def test_task_budgets_are_seen_by_the_own_provider_and_municipality_only(users, apeldoorn, zutphen):
    group = ProductGroupFactory()
    own = users["aanbieder"].provider
    other = ProviderFactory()
    for municipality in (apeldoorn, zutphen):
        _task(users, group, municipality)
    for provider, municipality in ((own, zutphen), (other, apeldoorn)):
        services.task_budget_set(
            actor=users["regio"],
            provider=provider,
            municipality=municipality,
            group=group,
            year=2026,
            mix=MIX,
            markup_pct=3,
            instalments=quarters(),
        )
    assert selectors.task_budgets(users["regio"]).count() == 2
    assert [b.provider for b in selectors.task_budgets(users["aanbieder"])] == [own]
    assert [b.municipality for b in selectors.task_budgets(users["gemeente"])] == [apeldoorn]
    assert not selectors.task_budgets(users["raad"]).exists()
    assert not selectors.task_budgets(users["beheerder"]).exists()


# --- data deliveries (art. 3.10) ----------------------------------------------------------------


def _row(**kw):
    row = {
        "productgroep": "wmo-begeleiding-individueel",
        "gemeente": "0200",
        "periode_begin": "2026-01-01",
        "periode_eind": "2026-03-31",
        "clienten": "48",
        "instroom": "9",
        "uitstroom": "5",
        "wachttijd_dagen": "12",
    }
    row.update(kw)
    return row


@pytest.mark.django_db
def test_data_delivery_is_recorded_and_replaced_per_period(users, apeldoorn):
    _task(users, ProductGroupFactory(), apeldoorn)
    provider = users["aanbieder"].provider
    services.data_delivery_record(actor=users["aanbieder"], provider=provider, rows=[_row()])
    services.data_delivery_record(
        actor=users["aanbieder"], provider=provider, rows=[_row(clienten="50")]
    )
    delivery = DataDelivery.objects.get()
    assert (delivery.clients, delivery.inflow, delivery.outflow, delivery.waiting_days) == (
        50, 9, 5, 12,
    )  # fmt: skip


@pytest.mark.django_db
def test_a_wrong_row_refuses_the_whole_delivery(users, apeldoorn):
    _task(users, ProductGroupFactory(), apeldoorn)
    with pytest.raises(ValidationError) as exc:
        services.data_delivery_record(
            actor=users["aanbieder"],
            provider=users["aanbieder"].provider,
            rows=[
                _row(),
                _row(periode_begin="2026-04-01", periode_eind="2026-06-30", instroom="-1"),
                _row(gemeente="9999"),
            ],
        )
    text = " ".join(exc.value.messages)
    assert "rij 2: instroom moet een geheel getal" in text and "rij 3: onbekende gemeente" in text
    with pytest.raises(ValidationError, match="rij 1: periode_begin is geen datum"):
        services.data_delivery_record(
            actor=users["aanbieder"],
            provider=users["aanbieder"].provider,
            rows=[_row(periode_begin="1-1-2026")],
        )
    assert not DataDelivery.objects.exists()


@pytest.mark.django_db
def test_no_data_delivery_where_the_group_is_not_task_oriented(users, apeldoorn):
    ProductGroupFactory()
    with pytest.raises(ValidationError, match="niet taakgericht"):
        services.data_delivery_record(
            actor=users["aanbieder"], provider=users["aanbieder"].provider, rows=[_row()]
        )
