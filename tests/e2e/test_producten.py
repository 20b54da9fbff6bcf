"""The regional team changes a cost input, sees the proposed tariff change, applies it from a
date, and the tariff sheet shows the new tariff from that date and the old one before it."""

import datetime as dt

import pytest

from tests.e2e.helpers import login
from zorgregio.accounts.tests.factories import PASSWORD, UserFactory
from zorgregio.producten import services
from zorgregio.producten.costing import calculate
from zorgregio.producten.tests.factories import WORKED_EXAMPLE, ProductFactory
from zorgregio.regio.tests.factories import MunicipalityFactory, RegionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def euro(cents: int) -> str:
    return f"€ {cents // 100},{cents % 100:02d}"


@pytest.fixture
def product_with_tariff():
    region = RegionFactory()
    MunicipalityFactory(region=region, cbs_code="0200", name="Apeldoorn")
    user = UserFactory(username="regioteam", regional_team=True, region=region)
    product = ProductFactory(productcode="02A16", name="Basis")
    calculation = services.calculation_create(actor=user, product=product, **WORKED_EXAMPLE)
    services.calculation_apply(actor=user, calculation=calculation, valid_from=dt.date(2026, 1, 1))
    return product


def test_change_cost_input_apply_from_a_date_and_read_the_tariff_sheet(page, product_with_tariff):
    product = product_with_tariff
    old = calculate(type("Inputs", (), WORKED_EXAMPLE)).proposed_tariff_cents
    raised = dict(WORKED_EXAMPLE, monthly_salary_cents=385_000)
    new = calculate(type("Inputs", (), raised)).proposed_tariff_cents
    assert new != old

    login(page, "regioteam", PASSWORD)
    page.goto(f"{page.base_url}/producten/product/{product.pk}/kostprijs/")
    assert page.locator("#proposed-tariff").inner_text() == euro(old)

    page.get_by_label("Maandsalaris van die schaal en trede (euro)").fill("3850,00")
    page.get_by_role("button", name="Herberekenen").click()
    assert page.locator("#preview-tariff").inner_text() == euro(new)
    # Still only a preview: the saved version shows the old tariff.
    assert page.locator("#proposed-tariff").inner_text() == euro(old)

    page.get_by_role("button", name="Opslaan als nieuwe versie").click()
    page.wait_for_url(f"**/producten/product/{product.pk}/kostprijs/2/")
    assert page.locator("#proposed-tariff").inner_text() == euro(new)

    page.get_by_label("Tarief geldig vanaf").fill("2026-07-01")
    page.get_by_role("button", name="Als tarief toepassen").click()
    page.wait_for_url("**/producten/tarieven/?op=2026-07-01")
    sheet = page.locator("#tariff-sheet")
    row = sheet.get_by_role("row").filter(has_text="02A16")
    assert euro(new) in row.inner_text()
    assert "01-07-2026" in row.inner_text()

    page.get_by_label("Datum").fill("2026-06-30")
    page.get_by_role("button", name="Tonen").click()
    page.wait_for_url("**/producten/tarieven/?op=2026-06-30")
    row = page.locator("#tariff-sheet").get_by_role("row").filter(has_text="02A16")
    assert euro(old) in row.inner_text()
    assert "30-06-2026" in row.inner_text()  # the old tariff now ends the day before
