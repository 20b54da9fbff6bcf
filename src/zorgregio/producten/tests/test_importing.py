"""Import of products and tariffs: all or nothing, each bad row named with its field."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from zorgregio.audit.models import AuditEvent
from zorgregio.producten.importing import import_products, import_tariffs
from zorgregio.producten.models import Product, Tariff
from zorgregio.producten.selectors import tariff_on

from .factories import ProductFactory, TariffFactory

pytestmark = pytest.mark.django_db

PRODUCT_HEADER = (
    "wet;productgroep_code;productgroep;productcategorie;productcode;naam;eenheid;frequenties;"
    "intensiteit;geldig_van;geldig_tot"
)
TARIFF_HEADER = (
    "wet;productcategorie;productcode;gemeente;eenheid;tarief;geldig_van;geldig_tot;reden"
)


def _csv(*lines: str) -> io.BytesIO:
    return io.BytesIO("\n".join(lines).encode("utf-8"))


def test_products_import_creates_groups_and_products(users):
    report = import_products(
        actor=users["regio"],
        upload=_csv(
            PRODUCT_HEADER,
            "wmo;wmo-bg;Begeleiding groep;07;07A11;Licht;16;2 4;1;2026-01-01;",
            "wmo;wmo-bg;;7;07A12;Basis;16;2;2;01-01-2026;31-12-2027",
        ),
        filename="producten.csv",
    )
    assert report.ok, report.errors
    assert report.created == 2
    basis = Product.objects.get(productcode="07A12")
    assert basis.productcategorie == "07" and basis.group.name == "Begeleiding groep"
    assert basis.valid_until == dt.date(2027, 12, 31)
    assert Product.objects.get(productcode="07A11").allowed_frequencies == ["2", "4"]
    assert AuditEvent.objects.filter(action="import").count() == 1


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("wmo;wmo-bg;Groep;07;07A11;Licht;77;2;1;2026-01-01;", "Rij 3, veld eenheid"),
        ("wmo;wmo-bg;Groep;07;07A1100;Licht;16;2;1;2026-01-01;", "Rij 3, veld productcode"),
        ("wmo;wmo-bg;Groep;99;07A11;Licht;16;2;1;2026-01-01;", "Rij 3, veld productcategorie"),
        ("wmo;wmo-bg;Groep;07;07A11;Licht;16;9;1;2026-01-01;", "Rij 3, veld frequenties"),
        ("wmo;wmo-bg;Groep;07;07A11;Licht;16;2;1;1 januari;", "Rij 3, veld geldig_van"),
        ("zvw;wmo-bg;Groep;07;07A11;Licht;16;2;1;2026-01-01;", "Rij 3, veld wet"),
        ("wmo;wmo-bg;Groep;07;07A11;Licht;16;2;x;2026-01-01;", "Rij 3, veld intensiteit"),
        ("wmo;wmo-bg;Groep;07;07A10;Dubbel;16;2;1;2026-06-01;", "Rij 3, veld productcode"),
    ],
)
def test_products_import_rejects_every_kind_of_bad_row(users, line, expected):
    good = "wmo;wmo-bg;Groep;07;07A10;Goed;16;2;1;2026-01-01;"
    report = import_products(
        actor=users["regio"], upload=_csv(PRODUCT_HEADER, good, line), filename="p.csv"
    )
    assert not report.ok
    assert any(e.startswith(expected) for e in report.errors), report.errors
    assert not Product.objects.exists()


def test_wrong_column_is_named_and_nothing_is_read(users):
    report = import_products(
        actor=users["regio"],
        upload=_csv(
            PRODUCT_HEADER.replace("eenheid", "unit"), "wmo;x;X;07;07A10;X;16;2;1;2026-01-01;"
        ),
        filename="p.csv",
    )
    assert any("Rij 1" in e and "unit" in e for e in report.errors), report.errors
    assert any("eenheid" in e and "ontbreekt" in e for e in report.errors), report.errors
    assert not Product.objects.exists()


def test_tariffs_import_supersedes_and_sets_municipal_tariffs(users, apeldoorn):
    product = ProductFactory(productcode="02A16", unit="04")
    old = TariffFactory(product=product, amount_cents=5_000)
    report = import_tariffs(
        actor=users["regio"],
        upload=_csv(
            TARIFF_HEADER,
            "wmo;02;02A16;;04;52,50;2026-07-01;;herijking",
            "wmo;02;02a16;200;4;€ 55,00;2026-01-01;2026-12-31;",
        ),
        filename="t.csv",
    )
    assert report.ok, report.errors
    old.refresh_from_db()
    assert old.valid_until == dt.date(2026, 6, 30)
    assert tariff_on(product, None, dt.date(2026, 7, 1)).amount_cents == 5_250
    assert tariff_on(product, apeldoorn, dt.date(2026, 7, 1)).amount_cents == 5_500


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # overlapping the existing closed tariff
        ("wmo;02;02A16;;04;50,00;2026-03-01;2026-04-30;", "Rij 3, veld geldig_van"),
        # product does not exist in that period (it starts 2026)
        ("wmo;02;02A16;;04;50,00;2025-01-01;2025-12-31;", "Rij 3, veld productcode"),
        ("wmo;02;99X99;;04;50,00;2026-01-01;;", "Rij 3, veld productcode"),
        # unit the product is not priced in
        ("wmo;02;02A16;;14;50,00;2027-01-01;;", "Rij 3, veld eenheid"),
        ("wmo;02;02A16;;04;-5,00;2027-01-01;;", "Rij 3, veld tarief"),
        ("wmo;02;02A16;;04;12,345;2027-01-01;;", "Rij 3, veld tarief"),
        ("wmo;02;02A16;;04;twaalf;2027-01-01;;", "Rij 3, veld tarief"),
        ("wmo;02;02A16;9999;04;50,00;2027-01-01;;", "Rij 3, veld gemeente"),
        ("wmo;02;02A16;;04;50,00;2027-01-01;2026-01-01;", "Rij 3, veld geldig_tot"),
        # overlapping another row of the same file
        ("wmo;02;02A16;;04;50,00;2027-06-01;2027-12-31;", "Rij 3, veld geldig_van"),
    ],
)
def test_tariffs_import_rejects_every_kind_of_bad_row(users, apeldoorn, line, expected):
    product = ProductFactory(productcode="02A16", unit="04")
    TariffFactory(product=product, amount_cents=5_000, valid_until=dt.date(2026, 12, 31))
    good = "wmo;02;02A16;;04;51,00;2027-01-01;2027-12-31;"
    report = import_tariffs(
        actor=users["regio"], upload=_csv(TARIFF_HEADER, good, line), filename="t.csv"
    )
    assert not report.ok
    assert any(e.startswith(expected) for e in report.errors), report.errors
    assert Tariff.objects.count() == 1
    assert Tariff.objects.get().valid_until == dt.date(2026, 12, 31)


def test_tariffs_import_from_xlsx(users):
    product = ProductFactory(productcode="02A16", unit="04")
    book = Workbook()
    sheet = book.active
    sheet.append(TARIFF_HEADER.split(";"))
    sheet.append(["wmo", "02", "02A16", None, "04", 61.25, dt.datetime(2026, 1, 1), None, "xlsx"])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    report = import_tariffs(actor=users["regio"], upload=buffer, filename="tarieven.xlsx")
    assert report.ok, report.errors
    assert tariff_on(product, None, dt.date(2026, 1, 1)).amount_cents == 6_125


def test_a_file_that_is_not_a_spreadsheet_gives_a_message(users):
    report = import_tariffs(
        actor=users["regio"], upload=io.BytesIO(b"\x00\xffnot xlsx"), filename="t.xlsx"
    )
    assert report.errors and "kan niet worden gelezen" in report.errors[0]
