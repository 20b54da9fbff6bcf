"""Browser test: municipality staff use their monitor dashboard."""

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

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
from zorgregio.regio.tests.factories import InhabitantsFactory, MunicipalityFactory, RegionFactory

D = dt.date


@pytest.mark.django_db(transaction=True)
def test_municipality_staff_use_their_dashboard(page):
    region = RegionFactory()
    apeldoorn = MunicipalityFactory(region=region, cbs_code="0200", name="Apeldoorn")
    zutphen = MunicipalityFactory(region=region, cbs_code="0301", name="Zutphen")
    for municipality in (apeldoorn, zutphen):
        for year in (2024, 2025):
            InhabitantsFactory(municipality=municipality, year=year, count=50_000)
    group = ProductGroupFactory(code="begeleiding", name="Begeleiding", law="wmo")
    product = ProductFactory(group=group)
    # Apeldoorn: 6 clients in care from 2024, each 100 euros per month of 2024 and 2025.
    for _ in range(6):
        client = ClientFactory()
        t = care(client, start=D(2024, 1, 1), product=product, municipality=apeldoorn)
        for year in (2024, 2025):
            for month in range(1, 13):
                RegelFactory(
                    client=client,
                    municipality=apeldoorn,
                    provider=t.provider,
                    product=product,
                    period_start=D(year, month, 1),
                    amount_cents=100_00,
                    declaratie__declaratiedatum=D(year, month, 1),
                )
    BudgetFactory(municipality=apeldoorn, product_group=group, year=2025, amount_cents=10_000_00)
    refresh_after_import()
    UserFactory(
        username="ambtenaar", municipality_staff=True, region=region, municipalities=[apeldoorn]
    )

    login(page, "ambtenaar", PASSWORD)
    page.goto(f"{page.base_url}/monitor/gemeente/0200/?periode=2025")
    page.get_by_role("heading", name="Monitor van Apeldoorn").wait_for()
    clients = page.locator('tr[data-figure="clients_in"] td').first
    assert clients.inner_text() == "6"
    # 6 clients x 12 months x 100 euros in 2025.
    assert page.locator('tr[data-figure="realisatie"] td').first.inner_text() == "€ 7.200,00"

    # Change the period to the first quarter: the URL keeps it, the figures follow.
    page.get_by_label("Periode").select_option("2025-K1")
    page.get_by_role("button", name="Tonen").click()
    page.wait_for_url("**periode=2025-K1**")
    assert page.locator('tr[data-figure="realisatie"] td').first.inner_text() == "€ 1.800,00"
    assert page.locator("svg.chart").count() >= 2

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Raadsrapportage downloaden (PDF)").click()
    pdf = download_info.value
    assert pdf.suggested_filename == "raadsrapportage-0200-2025-K1.pdf"
    assert Path(pdf.path()).read_bytes()[:4] == b"%PDF"

    with page.expect_download() as download_info:
        page.get_by_role("link", name="XLSX downloaden").click()
    sheet = load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes())).active
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert values["Realisatie"] == 1800.0

    # Another municipality's detail page is not there for them.
    response = page.goto(f"{page.base_url}/monitor/gemeente/0301/")
    assert response.status == 404
