"""Browser test: municipality staff turn two knobs of a budget scenario, see spending and the gap
to the budget change live, save the scenario for the council and find it in the council report."""

import datetime as dt
import re
from pathlib import Path

import pytest

from tests.e2e.helpers import login
from zorgregio.accounts.tests.factories import PASSWORD, UserFactory
from zorgregio.monitor.services import refresh_after_import
from zorgregio.monitor.tests.factories import (
    BudgetFactory,
    ClientFactory,
    ProductFactory,
    ProductGroupFactory,
    RegelFactory,
    care,
)
from zorgregio.producten.tests.factories import PurchaseFactory
from zorgregio.regio.tests.factories import InhabitantsFactory, MunicipalityFactory, RegionFactory
from zorgregio.scenario.tests.pdf import pdf_text

D = dt.date
NEXT_YEAR = dt.date.today().year + 1


def euros(text: str) -> int:
    """'€ 1.234' or '-€ 1.234' as a number of euros."""
    sign = -1 if text.strip().startswith("-") else 1
    return sign * int(re.sub(r"[^0-9]", "", text))


@pytest.mark.django_db(transaction=True)
def test_turn_two_knobs_save_and_find_it_in_the_council_report(page):
    region = RegionFactory()
    apeldoorn = MunicipalityFactory(region=region, cbs_code="0200", name="Apeldoorn")
    for year in (2024, 2025, 2026):
        InhabitantsFactory(municipality=apeldoorn, year=year, count=166_000)
    group = ProductGroupFactory(code="begeleiding", name="Begeleiding individueel", law="wmo")
    product = ProductFactory(group=group, intensity_rank=2)
    PurchaseFactory(product=product, municipality=apeldoorn, valid_from=D(2020, 1, 1))
    # Eight clients from 2024, each 100 euros a month; the last declaration in February 2026:
    # data complete until January 2026, so 2025 is the base year.
    for n in range(8):
        client = ClientFactory()
        end = D(2025, 6, 30) if n < 2 else None
        t = care(client, start=D(2024, 1, 1), end=end, product=product, municipality=apeldoorn)
        for year in (2024, 2025):
            for month in range(1, 13 if end is None or year == 2024 else 7):
                RegelFactory(
                    client=client,
                    municipality=apeldoorn,
                    provider=t.provider,
                    product=product,
                    period_start=D(year, month, 1),
                    amount_cents=100_00,
                    declaratie__declaratiedatum=D(2026, 2, 5),
                )
    BudgetFactory(municipality=apeldoorn, product_group=group, year=2025, amount_cents=9_000_00)
    refresh_after_import()
    UserFactory(
        username="ambtenaar", municipality_staff=True, region=region, municipalities=[apeldoorn]
    )

    login(page, "ambtenaar", PASSWORD)
    page.goto(f"{page.base_url}/scenario/")
    page.get_by_role("button", name="Nieuw scenario").click()
    page.get_by_role("heading", name=re.compile("Nieuw scenario · Apeldoorn")).wait_for()
    results = page.locator("#scenario-results")
    row = page.locator(f'#scenario-results tr[data-year="{NEXT_YEAR}"]')
    spending = euros(row.locator('[data-figure="spending"]').inner_text())
    gap = euros(row.locator('[data-figure="gap"]').inner_text())
    assert spending > 0

    def turn(label: str, value: str) -> None:
        before = results.get_attribute("data-updated") or "0"
        page.get_by_label(label, exact=True).fill(value)
        page.wait_for_function(
            "before => (document.getElementById('scenario-results')"
            ".getAttribute('data-updated') || '0') !== before",
            arg=before,
        )

    # Knob 1, the tariffs: 10% dearer from 1 January next year. Spending and the gap follow.
    turn("Waarde van knop 1", "10")
    dearer = euros(row.locator('[data-figure="spending"]').inner_text())
    assert dearer == pytest.approx(spending * 1.10, abs=2)
    assert euros(row.locator('[data-figure="gap"]').inner_text()) == pytest.approx(
        gap - (dearer - spending), abs=2
    )
    # Knob 9, the budget: 20% less. Spending stays, the gap grows by a fifth of the budget.
    budget = euros(row.locator('[data-figure="budget"]').inner_text())
    turn("Waarde van knop 9", "-20")
    assert euros(row.locator('[data-figure="spending"]').inner_text()) == dearer
    assert euros(row.locator('[data-figure="budget"]').inner_text()) == pytest.approx(
        budget * 0.8, abs=2
    )
    assert euros(row.locator('[data-figure="gap"]').inner_text()) == pytest.approx(
        budget * 0.8 - dearer, abs=2
    )
    page.get_by_label("Naam").fill("Duurder en krapper")
    page.get_by_label("Publiceren voor de raad").check()
    page.get_by_role("button", name="Scenario opslaan").click()
    page.get_by_text("opgeslagen als versie 1").wait_for()
    assert page.get_by_text("Tariefwijziging: 10%").count() == 1

    page.goto(f"{page.base_url}/monitor/gemeente/0200/?periode=2025")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Raadsrapportage downloaden (PDF)").click()
    text = pdf_text(Path(download_info.value.path()).read_bytes())
    assert "Budgetscenario" in text
    assert "Duurder en krapper" in text
    assert "Tariefwijziging: 10%" in text
