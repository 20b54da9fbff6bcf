"""The exported files are opened and their content checked."""

import base64
import datetime as dt
import io
import re
import zlib

import pytest
from openpyxl import load_workbook

from zorgregio.producten.exports import catalogue_xlsx, tariff_sheet_pdf, tariff_sheet_xlsx
from zorgregio.producten.importing import import_products
from zorgregio.producten.models import Product, Tariff

from .factories import ProductFactory, TariffFactory

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    """The decoded content streams of a reportlab PDF (ASCII85 and/or Flate)."""
    assert data.startswith(b"%PDF")
    chunks = []
    for match in re.finditer(rb"<<(.*?)>>\s*stream\r?\n(.*?)endstream", data, re.S):
        head, body = match.groups()
        if b"ASCII85Decode" in head:
            body = base64.a85decode(body.strip().removesuffix(b"~>"), adobe=False)
        if b"FlateDecode" in head:
            try:
                body = zlib.decompress(body)
            except zlib.error:
                continue
        chunks.append(body.decode("latin-1"))
    return "\n".join(chunks)


def test_tariff_sheet_xlsx_and_pdf_hold_the_tariffs_of_the_day(apeldoorn):
    product = ProductFactory(productcode="02A16", name="Basis")
    TariffFactory(product=product, amount_cents=5_843)
    TariffFactory(product=product, municipality=apeldoorn, amount_cents=6_000)
    day = dt.date(2026, 3, 1)
    tariffs = list(Tariff.objects.select_related("product__group", "municipality").order_by("pk"))

    book = load_workbook(io.BytesIO(tariff_sheet_xlsx(tariffs, day)))
    rows = list(book.active.iter_rows(values_only=True))
    assert "01-03-2026" in rows[0][0]
    assert rows[2][1] == "02A16" and rows[2][6] == 58.43 and rows[2][4] == "hele regio"
    assert rows[3][4] == "Apeldoorn" and rows[3][6] == 60.0
    assert rows[2][7] == dt.datetime(2026, 1, 1)

    text = pdf_text(tariff_sheet_pdf(tariffs, day, "Demo regio"))
    assert "Tarievenblad op 01-03-2026" in text
    assert "58,43" in text and "60,00" in text and "Apeldoorn" in text and "02A16" in text


def test_catalogue_xlsx_can_be_imported_again(users):
    ProductFactory(productcode="02A16", name="Basis", allowed_frequencies=["2", "4"])
    ProductFactory(productcode="02A19", name="Complex", intensity_rank=3)
    data = catalogue_xlsx(Product.objects.select_related("group", "successor").order_by("pk"))
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows[0][4] == "productcode"
    assert [r[4] for r in rows[1:]] == ["02A16", "02A19"]
    assert rows[1][8] == "2 4" and rows[2][9] == 3

    Product.objects.all().delete()
    # Re-importing the export without the successor column restores the catalogue.
    book = load_workbook(io.BytesIO(data))
    book.active.delete_cols(13)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    report = import_products(actor=users["regio"], upload=buffer, filename="x.xlsx")
    assert report.ok, report.errors
    assert set(Product.objects.values_list("productcode", flat=True)) == {"02A16", "02A19"}


def test_catalogue_pdf_lists_the_products_of_the_day_with_their_tariff(users):
    from zorgregio.producten.exports import catalogue_pdf
    from zorgregio.producten.selectors import products_with_tariff

    current = ProductFactory(productcode="02A16", name="Basis")
    TariffFactory(product=current, amount_cents=5_843, valid_until=dt.date(2026, 12, 31))
    TariffFactory(product=current, amount_cents=6_068, valid_from=dt.date(2027, 1, 1))
    ProductFactory(
        productcode="02A05",
        name="Oud",
        valid_from=dt.date(2021, 1, 1),
        valid_until=dt.date(2025, 12, 31),
    )
    day = dt.date(2026, 12, 31)
    text = pdf_text(catalogue_pdf(products_with_tariff(users["raad"], day), day))
    assert "Productenboek op 31-12-2026" in text
    assert "02A16" in text and "58,43" in text
    assert "60,68" not in text and "02A05" not in text
