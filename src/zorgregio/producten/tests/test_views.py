import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zorgregio.producten.models import CostCalculation, Product, PurchaseMatrixEntry, Tariff
from zorgregio.producten.selectors import purchase_mode_on, tariff_on

from .factories import (
    WORKED_EXAMPLE,
    CostCalculationFactory,
    ProductFactory,
    PurchaseFactory,
    TariffFactory,
)

pytestmark = pytest.mark.django_db


def _form_data(calculation_inputs: dict, **changes) -> dict:
    data = {k: str(v) for k, v in calculation_inputs.items() if not k.endswith("_cents")}
    data["monthly_salary"] = f"{calculation_inputs['monthly_salary_cents'] / 100:.2f}".replace(
        ".", ","
    )
    data["travel_cost_per_hour"] = (
        f"{calculation_inputs['travel_cost_per_hour_cents'] / 100:.2f}".replace(".", ",")
    )
    data.update(changes)
    return data


@pytest.mark.parametrize("role", ["regio", "gemeente", "aanbieder", "raad", "beheerder"])
def test_every_role_reads_the_catalogue_matrix_and_sheet(client, users, role, apeldoorn):
    product = ProductFactory(name="Schoon huis")
    TariffFactory(product=product, amount_cents=4_250)
    PurchaseFactory(product=product, municipality=apeldoorn)
    CostCalculationFactory(product=product)
    client.force_login(users[role])
    for name, args in [
        ("producten:index", []),
        ("producten:matrix", []),
        ("producten:tariffs", []),
        ("producten:product", [product.pk]),
        ("producten:calculation_latest", [product.pk]),
        ("producten:indexations", []),
    ]:
        response = client.get(reverse(name, args=args), {"op": "2026-02-01"})
        assert response.status_code == 200, (name, role)
    page = client.get(reverse("producten:index"), {"op": "2026-02-01"}).content.decode()
    assert "Schoon huis" in page and "€ 42,50" in page


def test_only_the_regional_team_may_change(client, users, apeldoorn):
    product = ProductFactory()
    calculation = CostCalculationFactory(product=product)
    client.force_login(users["gemeente"])
    assert client.post(reverse("producten:matrix"), {"valid_from": "2026-01-01"}).status_code == 403
    assert (
        client.post(
            reverse("producten:calculation_latest", args=[product.pk]),
            _form_data(WORKED_EXAMPLE, action="save"),
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("producten:calculation_apply", args=[product.pk, calculation.version]),
            {"valid_from": "2026-01-01"},
        ).status_code
        == 403
    )
    assert client.get(reverse("producten:import")).status_code == 403
    assert not Tariff.objects.exists() and CostCalculation.objects.count() == 1


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("producten:index"))
    assert response.status_code == 302 and "inloggen" in response["Location"]


def test_recalculate_previews_without_saving_then_save_and_apply(client, users, apeldoorn):
    product = ProductFactory()
    calculation = CostCalculationFactory(product=product, version=1)
    client.force_login(users["regio"])
    url = reverse("producten:calculation_latest", args=[product.pk])
    # Salary 3.500 -> 3.850 raises the tariff from 58,43 to 64,09 (see test_costing).
    response = client.post(
        url, _form_data(WORKED_EXAMPLE, monthly_salary="3850,00", action="preview")
    )
    assert response.status_code == 200
    assert "€ 64,09" in response.content.decode()
    assert CostCalculation.objects.count() == 1
    response = client.post(url, _form_data(WORKED_EXAMPLE, monthly_salary="3850,00", action="save"))
    assert response.status_code == 302
    new = CostCalculation.objects.get(product=product, version=2)
    assert new.monthly_salary_cents == 385_000
    response = client.post(
        reverse("producten:calculation_apply", args=[product.pk, 2]), {"valid_from": "2026-04-01"}
    )
    assert response.status_code == 302
    assert tariff_on(product, apeldoorn, dt.date(2026, 4, 1)).amount_cents == 6_409
    compare = client.get(
        reverse("producten:calculation_compare", args=[product.pk]), {"a": 1, "b": 2}
    )
    text = compare.content.decode()
    assert "€ 58,43" in text and "€ 64,09" in text and "gewijzigd" in text
    del calculation
    # Issue 11.12: opening the apply address (a reload after a refused form) is no error page.
    apply_url = reverse("producten:calculation_apply", args=[product.pk, 2])
    response = client.get(apply_url)
    assert response.status_code == 302
    assert response["Location"] == reverse("producten:calculation", args=[product.pk, 2])


def test_bad_calculation_input_shows_a_dutch_message(client, users):
    product = ProductFactory()
    client.force_login(users["regio"])
    response = client.post(
        reverse("producten:calculation_latest", args=[product.pk]),
        _form_data(WORKED_EXAMPLE, overhead_pct="120", monthly_salary="3500,001", action="save"),
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "hoogstens 100" in text
    assert "fracties van een cent" in text
    assert not CostCalculation.objects.exists()


def test_matrix_post_changes_cells_from_a_date(client, users, apeldoorn, zutphen):
    product = ProductFactory()
    PurchaseFactory(product=product, municipality=apeldoorn)
    client.force_login(users["regio"])
    response = client.post(
        reverse("producten:matrix"),
        {
            "valid_from": "2026-07-01",
            f"cell-{product.pk}-{apeldoorn.pk}": "lokaal",
            f"cell-{product.pk}-{zutphen.pk}": "niet",
        },
    )
    assert response.status_code == 302
    assert purchase_mode_on(product, apeldoorn, dt.date(2026, 6, 30)) == "regionaal"
    assert purchase_mode_on(product, apeldoorn, dt.date(2026, 7, 1)) == "lokaal"
    assert purchase_mode_on(product, zutphen, dt.date(2026, 7, 1)) == "niet"
    assert PurchaseMatrixEntry.objects.count() == 3


def test_tariff_sheet_downloads(client, users):
    product = ProductFactory(productcode="02A16")
    TariffFactory(product=product, amount_cents=5_843)
    client.force_login(users["raad"])
    url = reverse("producten:tariffs")
    xlsx = client.get(url, {"op": "2026-05-01", "formaat": "xlsx"})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[2][1] == "02A16" and rows[2][6] == 58.43
    pdf = client.get(url, {"op": "2026-05-01", "formaat": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    catalogue = client.get(reverse("producten:export_catalogue"))
    rows = list(load_workbook(io.BytesIO(catalogue.content)).active.iter_rows(values_only=True))
    assert rows[1][4] == "02A16"
    pdf = client.get(reverse("producten:export_catalogue"), {"formaat": "pdf", "op": "2026-05-01"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_import_view_reports_rows_and_changes_nothing(client, users):
    client.force_login(users["regio"])
    upload = io.BytesIO(
        b"wet;productcategorie;productcode;eenheid;tarief;geldig_van\nwmo;02;XX;04;1,00;2026-01-01\n"
    )
    upload.name = "t.csv"
    response = client.post(reverse("producten:import"), {"kind": "tariffs", "file": upload})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Er is niets ge\u00efmporteerd" in text and "Rij 2, veld productcode" in text
    assert not Tariff.objects.exists()


def test_indexation_pages_preview_and_apply(client, users):
    product = ProductFactory()
    TariffFactory(product=product, amount_cents=10_000)
    client.force_login(users["regio"])
    response = client.post(
        reverse("producten:indexations"),
        {
            "name": "Index 2027",
            "year": 2027,
            "labour_weight_pct": "90",
            "material_weight_pct": "10",
            "labour_forecast_next_pct": "3.6",
            "labour_forecast_current_pct": "3.9",
            "labour_final_current_pct": "4.3",
            "material_forecast_next_pct": "2.2",
            "material_forecast_current_pct": "2.5",
            "material_final_current_pct": "2.8",
        },
    )
    assert response.status_code == 302
    detail = response["Location"]
    preview = client.get(detail, {"valid_from": "2027-01-01"}).content.decode()
    # 100,00 x 1,0385 = 103,85
    assert "€ 100,00" in preview and "€ 103,85" in preview and "+€ 3,85" in preview
    assert Tariff.objects.count() == 1
    assert client.post(detail, {"valid_from": "2027-01-01"}).status_code == 302
    assert tariff_on(product, None, dt.date(2027, 1, 1)).amount_cents == 10_385
    assert tariff_on(product, None, dt.date(2026, 12, 31)).amount_cents == 10_000


def test_api_lists_products_matrix_and_tariffs_on_a_day(client, users, apeldoorn):
    product = ProductFactory(productcode="02A16")
    TariffFactory(product=product, amount_cents=5_000, valid_until=dt.date(2026, 12, 31))
    TariffFactory(product=product, amount_cents=5_200, valid_from=dt.date(2027, 1, 1))
    PurchaseFactory(product=product, municipality=apeldoorn)
    client.force_login(users["aanbieder"])
    tariffs = client.get("/api/v1/tarieven/", {"op": "2027-01-01"}).json()["results"]
    assert [t["amount_cents"] for t in tariffs] == [5_200]
    products = client.get("/api/v1/producten/").json()["results"]
    assert products[0]["productcode"] == "02A16"
    matrix = client.get("/api/v1/inkoopmatrix/").json()["results"]
    assert matrix[0]["municipality"] == "0200" and matrix[0]["mode"] == "regionaal"
    assert client.get("/api/v1/tarieven/", {"op": "gisteren"}).status_code == 400
    client.logout()
    assert client.get("/api/v1/tarieven/").status_code in (401, 403)


def test_regional_team_adds_a_product_with_code_list_checks(client, users):
    group = ProductFactory().group
    client.force_login(users["regio"])
    url = reverse("producten:product_create")
    data = {
        "group": group.pk,
        "law": "wmo",
        "productcategorie": "02",
        "productcode": "LOK01",
        "name": "Lokale begeleiding",
        "unit": "04",
        "allowed_frequencies": ["2", "4"],
        "intensity_rank": "1",
        "valid_from": "2026-01-01",
    }
    response = client.post(url, {**data, "productcategorie": "99"})
    assert response.status_code == 200
    assert "99 is geen productcategorie in WMO020" in response.content.decode()
    response = client.post(url, data)
    assert response.status_code == 302
    product = Product.objects.get(productcode="LOK01")
    assert product.allowed_frequencies == ["2", "4"]
    client.force_login(users["raad"])
    assert client.get(url).status_code == 403


def test_bad_input_on_screen_gives_dutch_messages_never_a_500(client, users, apeldoorn):
    product = ProductFactory()  # valid from 01-01-2026
    calculation = CostCalculationFactory(product=product)
    PurchaseFactory(product=product, municipality=apeldoorn)
    client.force_login(users["regio"])
    response = client.post(
        reverse("producten:calculation_apply", args=[product.pk, calculation.version]),
        {"valid_from": "2025-06-01"},
    )
    assert response.status_code == 200
    assert "bestaat niet in de hele periode" in response.content.decode()
    response = client.post(
        reverse("producten:matrix"),
        {"valid_from": "2026-03-01", f"cell-{product.pk}-{apeldoorn.pk}": "soms"},
    )
    assert response.status_code == 200
    assert "soms is geen inkoopwijze" in response.content.decode()
    response = client.get(reverse("producten:indexations") + "999/")
    assert response.status_code == 404
    assert client.get("/api/v1/tarieven/", {"op": "2026-13-45"}).status_code == 400
    assert not Tariff.objects.exists()
    assert PurchaseMatrixEntry.objects.get().mode == "regionaal"


def test_retire_with_successor_on_screen(client, users):
    product = ProductFactory(name="Oud")
    successor = ProductFactory(name="Nieuw", valid_from=dt.date(2027, 1, 1))
    client.force_login(users["regio"])
    url = reverse("producten:product", args=[product.pk])
    response = client.post(url, {"valid_until": "2026-12-31", "successor": successor.pk})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Opgevolgd door" in page and "Nieuw" in page
    assert (
        "Volgt op" in client.get(reverse("producten:product", args=[successor.pk])).content.decode()
    )
